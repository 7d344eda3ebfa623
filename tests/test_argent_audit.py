"""The money paths against the project's rules (audit of 2026-12): illustrative amounts marked
everywhere they are printed, every euro counted once at contract level, no money left without
a question, unknown never shown as nothing.

Real YAML (the Dax example, tests/argent/deux-ans, tests/aggregat) copied into tmp_path and
changed there; the real CLI through the ``ctai`` fixture.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

from tests.conftest import DAX, ROOT

DEUX_ANS = ROOT / "tests" / "argent" / "deux-ans"
AGREGAT = ROOT / "tests" / "aggregat"


def copie(source: Path, tmp_path: Path, name: str = "c") -> Path:
    target = tmp_path / name
    shutil.copytree(source, target)
    return target


def remplacer(path: Path, before: str, after: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert before in text, f"{before!r} absent de {path}"
    path.write_text(text.replace(before, after, 1), encoding="utf-8")


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- 1. illustrative amounts are marked where printed --------------------------------------------


def test_budget_reconcile_marks_illustrative_amounts_in_every_format(ctai, tmp_path: Path) -> None:
    text = ctai("budget", "reconcile", DAX).out
    head = text.split("\nAnnée ")[0]
    assert head.startswith("ILLUSTRATIF — ce rapprochement contient des montants inventés")
    assert "  - Bilan 2024 : bilan inventé" in head and "  - Annexe 2025 : extrait inventé" in head
    assert "Année 2024 — montants illustratifs (voir ILLUSTRATIF)" in text
    assert "Année 2023 (contrat précédent, hors total du contrat)\n" in text  # 2023 is not invented

    data = json.loads(ctai("budget", "reconcile", DAX, "-f", "json").out)
    assert any(line.startswith("Bilan 2024 : ") for line in data["illustratif"])
    assert data["annees"]["2024"]["illustratif"] is True and data["annees"]["2023"]["illustratif"] is False
    flags = {(r["annee"], r["action"]): r["illustratif"] for r in data["lignes"]}
    assert flags[(2024, "petite-enfance")] is True and flags[(2023, "copilotage")] is False

    rows = csv_rows(ctai("budget", "reconcile", DAX, "-f", "csv").out)
    by = {(r["nature"], r["annee"], r["action"]): r for r in rows}
    assert by[("action", "2024", "petite-enfance")]["illustratif"] == "true"
    assert by[("action", "2023", "copilotage")]["illustratif"] == "false"
    assert by[("total_annee", "2024", "")]["illustratif"] == "true"
    assert by[("total_contrat", "", "")]["illustratif"] == "true"

    # A contract with no invented file: no banner, every flag false.
    clean = ctai("budget", "reconcile", DEUX_ANS).out
    assert "ILLUSTRATIF" not in clean and "illustratifs" not in clean
    assert json.loads(ctai("budget", "reconcile", DEUX_ANS, "-f", "json").out)["illustratif"] == []


def test_budget_reconcile_one_year_names_only_that_years_files(ctai) -> None:
    text = ctai("budget", "reconcile", DAX, "--annee", "2025").out
    assert "  - Annexe 2025 : extrait inventé" in text
    assert "Bilan 2024" not in text and "Annexe 2024" not in text


# --- 5. reports between years of a contract are counted once ------------------------------------


def test_contract_total_counts_each_euro_once_both_ways(ctai) -> None:
    data = json.loads(ctai("budget", "reconcile", DEUX_ANS, "-f", "json").out)
    contrat = data["totaux"]["contrat"]
    lignes = data["lignes"]
    d = {
        k: Decimal(v)
        for k, v in contrat.items()
        if k in ("alloue", "report_entrant", "disponible", "depense")
    }
    reliquat = Decimal(contrat["reliquat"])
    # What comes in from outside the contract = what is spent + what leaves it.
    assert d["alloue"] + d["report_entrant"] == d["disponible"] == d["depense"] + reliquat
    sortis = sum(
        (
            Decimal(r["reliquat"])
            for r in lignes
            if r["disposition"] in ("reversement", "conserve", "en_attente")
        ),
        Decimal(0),
    )
    assert reliquat == sortis == Decimal("900.10")
    # The other way: the reports sent (reliquats) are exactly those received, and both are told apart.
    envoyes = sum((Decimal(r["reliquat"]) for r in lignes if r["disposition"] == "report"), Decimal(0))
    recus = sum((Decimal(r["report_entrant"]) for r in lignes if r["annee"] == 2026), Decimal(0))
    assert envoyes == recus == Decimal(contrat["reports_internes"]) == Decimal(contrat["reliquats_internes"])
    # Year by year nothing changes: 2025's reliquat still includes what it reports to 2026.
    assert data["totaux"]["par_annee"]["2025"]["reliquat"] == "2635.15"
    assert data["totaux"]["par_annee"]["2026"]["report_entrant"] == "2134.65"


def test_dax_partial_sums_count_the_2024_report_once(ctai) -> None:
    """Dax: club-emploi's 2 800 € reported from 2024 to 2025 stay inside the contract; the partial
    sums (2026 has no annexe) leave them out of the report entrant and of the reliquat."""
    contrat = json.loads(ctai("budget", "reconcile", DAX, "-f", "json").out)["totaux"]["contrat"]
    assert contrat["reports_internes"] == contrat["reliquats_internes"] == "2800.00"
    assert contrat["report_entrant"] is None and contrat["partiel"]["report_entrant"] == "0.00"
    # 7 049,60 of 2024 reliquats − 2 800 reported to 2025 = 749,60 + 3 500 reversés
    assert contrat["partiel"]["reliquat"] == "4249.60"


# --- 6. smaller ---------------------------------------------------------------------------------


def test_csv_rows_with_unknown_cells_say_why(ctai, tmp_path: Path) -> None:
    depot = copie(DAX, tmp_path)
    remplacer(depot / "bilans/2024.yaml", "    depenses_realisees: 27000\n", "")
    rows = csv_rows(ctai("budget", "reconcile", depot, "-f", "csv").out)
    by = {(r["nature"], r["annee"], r["action"]): r for r in rows}
    fle = by[("action", "2024", "fle-emploi")]
    assert fle["depense"] == fle["reliquat"] == "" and fle["note"] == "dépenses absentes du bilan"
    assert (
        by[("action", "2023", "copilotage")]["note"]
        == "budget absent de l'annexe ; dépenses absentes du bilan"
    )
    assert by[("action", "2024", "petite-enfance")]["note"] == ""  # nothing unknown: no note
    for row in rows:
        if row["nature"] == "action" and "" in (row["alloue"], row["depense"], row["reliquat"]):
            assert row["note"], row


def _budget_2026_non_precise(tmp_path: Path) -> Path:
    """deux-ans with the 2026 action's State credits « non précisé » (its payment and reliquat
    removed accordingly): every dépense stays known, the budget of 2026 does not."""
    depot = copie(DEUX_ANS, tmp_path)
    remplacer(depot / "actions/2026.yaml", "      etat_bop104: 20000\n", "      etat_bop104: non précisé\n")
    remplacer(
        depot / "actions/2026.yaml",
        "      versements:\n        - {date: 2026-03-01, montant: 20000, destinataire: ccas-valbonne}\n",
        "",
    )
    remplacer(
        depot / "bilans/2026.yaml",
        '    reliquat:\n      montant: "399.60"\n      disposition: reversement\n'
        "      decision: {date: 2027-02-09, reference: Courrier de la DDETS du 9 février 2027}\n",
        "",
    )
    return depot


def test_budget_non_precise_is_not_called_absent(ctai, tmp_path: Path) -> None:
    depot = _budget_2026_non_precise(tmp_path)
    run = ctai("budget", "reconcile", depot, "--annee", "2026")
    assert "1 action sur 2 au budget non précisé dans l'annexe" in run.out, run.out
    assert "sans budget dans l'annexe" not in run.out
    rows = csv_rows(ctai("budget", "reconcile", depot, "--annee", "2026", "-f", "csv").out)
    accueil = next(r for r in rows if r["nature"] == "action" and r["action"] == "accueil")
    assert accueil["note"] == "budget non précisé dans l'annexe"


# --- aggregate: illustrative, each euro once, unknown reliquats shown ------------------------------


def test_aggregate_names_illustrative_contracts_in_every_format(ctai, tmp_path: Path) -> None:
    sources = [str(DAX), str(DEUX_ANS)]
    text = ctai("aggregate", *sources, "--date", "2026-12-01").out
    assert (
        "ILLUSTRATIF — des montants inventés, qui ne viennent d'aucune source, entrent dans ces chiffres"
        in text
    )
    assert f"  - {DAX} : Bilan 2024 : bilan inventé" in text
    assert str(DEUX_ANS) + " : " not in text.split("ILLUSTRATIF")[1].split("\n\n")[0]
    for fmt in ("md", "html"):
        out = ctai("aggregate", *sources, "--date", "2026-12-01", "-f", fmt).out
        assert "ILLUSTRATIF" in out.upper() and f"{DAX} : Annexe 2025 : extrait inventé" in out, fmt
    data = json.loads(ctai("aggregate", *sources, "--date", "2026-12-01", "-f", "json").out)
    assert any(line.startswith(f"{DAX} : Bilan 2024 : ") for line in data["illustratif"])
    dax, deux = data["territoires"]
    assert any(line.startswith("Annexe 2024 : ") for line in dax["illustratif"]) and deux["illustratif"] == []
    contrats = csv_rows(ctai("aggregate", *sources, "--date", "2026-12-01", "-f", "csv").out)
    assert "Bilan 2024 : " in contrats[0]["illustratif"] and contrats[1]["illustratif"] == ""
    budget = csv_rows(
        ctai("aggregate", *sources, "--date", "2026-12-01", "-f", "csv", "--table", "budget").out
    )
    flags = {(r["source"], r["annee"], r["action"]): r["illustratif"] for r in budget}
    assert flags[(str(DAX), "2024", "petite-enfance")] == "true"
    assert flags[(str(DEUX_ANS), "2026", "accueil")] == "false"


def test_aggregate_counts_reports_between_years_once(ctai) -> None:
    data = json.loads(ctai("aggregate", str(DEUX_ANS), "--date", "2027-07-01", "-f", "json").out)
    [t] = data["territoires"]
    bop = t["bop104"]
    assert (bop["report_entrant"], bop["disponible"], bop["reliquat"]) == ("0.00", "86500.50", "900.10")
    reliquats = t["reliquats"]
    assert reliquats["report_interne"]["valeur"] == "2134.65"
    sortis = sum(Decimal(v["valeur"]) for k, v in reliquats.items() if k != "report_interne")
    assert sortis == Decimal(bop["reliquat"])  # the split adds up to the contract's reliquat
    assert Decimal(bop["alloue"]) + Decimal(bop["report_entrant"]) == Decimal(bop["depense"]) + sortis
    text = ctai("aggregate", str(DEUX_ANS), "--date", "2027-07-01").out
    assert "reporté d'une année à l'autre du contrat (hors reliquat du contrat) 2\u202f134,65\xa0€" in text
    # The CSV tables, summed both ways, give the same figures once the internal parts are taken out.
    contrat = csv_rows(ctai("aggregate", str(DEUX_ANS), "--date", "2027-07-01", "-f", "csv").out)[0]
    rows = csv_rows(
        ctai("aggregate", str(DEUX_ANS), "-f", "csv", "--table", "budget", "--date", "2027-07-01").out
    )

    def total(col: str) -> Decimal:
        return sum((Decimal(r[col]) for r in rows), Decimal(0))

    assert total("report_entrant") - total("report_entrant_interne") == Decimal(contrat["report_entrant"])
    assert total("reliquat") - total("reliquat_interne") == Decimal(contrat["reliquat"]) == Decimal("900.10")
    assert (
        total("report_entrant_interne") == total("reliquat_interne") == Decimal(contrat["reports_internes"])
    )
    # One year alone: the report to the next year leaves the year, it is a reliquat « reporté ».
    one = json.loads(
        ctai("aggregate", str(DEUX_ANS), "--annee", "2025", "--date", "2027-07-01", "-f", "json").out
    )
    assert one["territoires"][0]["reliquats"]["report"]["valeur"] == "2134.65"
    assert one["territoires"][0]["bop104"]["reliquat"] == "2635.15"


def test_aggregate_shows_reliquats_of_unknown_amount(ctai) -> None:
    trois = [str(AGREGAT / n) for n in ("alpha", "beta", "gamma")]
    args = ("aggregate", *trois, "--annee", "2025", "--date", "2027-07-01")
    text = ctai(*args).out
    assert "reliquats : reversé 1\u202f000,00\xa0€ ; disposition inconnue — (2 reliquats inconnus)" in text
    for fmt in ("md", "html"):
        assert "disposition inconnue — (2 reliquats inconnus)" in ctai(*args, "-f", fmt).out, fmt
    data = json.loads(ctai(*args, "-f", "json").out)
    assert data["ensemble"]["reliquats"]["inconnue"] == {"valeur": None, "complet": False, "inconnus": 2}


def test_bilan_html_chart_says_which_actions_it_leaves_out(ctai, tmp_path: Path) -> None:
    depot = copie(DAX, tmp_path)
    remplacer(depot / "bilans/2024.yaml", "    depenses_realisees: 27000\n", "")
    html = ctai("bilan", "render", depot, "--annee", "2024", "-f", "html").out
    assert "<figure><svg" in html  # the other actions are still drawn
    assert (
        "Hors du graphique, montants inconnus (jamais comptés comme zéro) : FLE à visée professionnelle et "
        "ateliers sur les valeurs de la République (dépenses non renseignées)." in html
    )
    # Every amount known: no note.
    assert "Hors du graphique" not in ctai("bilan", "render", DAX, "--annee", "2024", "-f", "html").out


def test_bilan_md_does_not_call_known_spending_unknown(ctai, tmp_path: Path) -> None:
    depot = _budget_2026_non_precise(tmp_path)
    md = ctai("bilan", "render", depot, "--annee", "2026").out
    assert "dépenses non renseignées" not in md
    assert (
        "- **Crédits de l'État (BOP 104)** : 40\u202f735,05\xa0€ dépensés sur — disponibles, reliquat — "
        "(l'annexe de 2026 ne donne pas tous les budgets" in md
    )
    html = ctai("bilan", "render", depot, "--annee", "2026", "-f", "html").out
    assert "<strong>40\u202f735,05\xa0€</strong> dépensés sur — disponibles" in html


# --- 2 and 4. no deadline in the contract: a question once the year is over --------------------


def test_without_deadline_money_left_undecided_is_a_question_once_the_year_is_over(
    ctai, tmp_path: Path
) -> None:
    """tests/argent/deux-ans states no bilan deadline: 2026's reliquat left « en_attente » and an
    action whose spending the bilan does not give pass before the end of 2026, are questions after."""
    depot = copie(DEUX_ANS, tmp_path)
    remplacer(
        depot / "bilans/2026.yaml", "      disposition: reversement\n", "      disposition: en_attente\n"
    )
    remplacer(depot / "bilans/2026.yaml", '    depenses_realisees: "21134.65"\n', "")

    def codes(date: str) -> list[tuple[str, str]]:
        run = ctai("validate", depot, "--date", date, "--format", "json")
        return [(d["code"], d["message"]) for d in json.loads(run.out)["diagnostics"]]

    assert codes("2026-12-31") == []
    after = codes("2027-01-02")
    assert [c for c, _ in after] == ["CTAI-W225", "CTAI-W247"]
    w225, w247 = (m for _, m in after)
    assert w225.startswith(
        "action « accueil » : reliquat de 399,60\xa0€ toujours en attente de décision après l'année 2026"
    )
    assert "le contrat ne fixe pas l'échéance du bilan : quelle date de remise retenir ?" in w225
    assert w247 == (
        "action « ateliers » : dépenses non déclarées pour 21\u202f134,65\xa0€ disponibles en 2026 "
        "(« depenses_realisees » absent) après l'année 2026 ; le contrat ne fixe pas l'échéance du bilan : quelle date de remise retenir ?"
    )

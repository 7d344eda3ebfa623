"""ctai budget reconcile on the Dax example and an envelope-only contract: exact, unknown never zero."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

from tests.conftest import DAX, ROOT

RENNES = ROOT / "tests" / "argent" / "rennes-2020"
DEUX_ANS = ROOT / "tests" / "argent" / "deux-ans"
NNBSP, NBSP = "\u202f", "\xa0"


def eur(text: str) -> str:
    """``eur("142 950,40")`` → the French amount as babel writes it."""
    return text.replace(" ", NNBSP) + NBSP + "€"


def test_dax_2024_by_hand(ctai) -> None:
    run = ctai("budget", "reconcile", DAX, "--format", "json")
    assert run.code == 0
    out = json.loads(run.out)
    rows = {(r["annee"], r["action"]): r for r in out["lignes"]}
    petite = rows[(2024, "petite-enfance")]
    assert (petite["alloue"], petite["depense"], petite["reliquat"]) == ("18000.00", "17250.40", "749.60")
    assert (petite["ecart"], petite["ecart_pct"], petite["disposition"]) == (
        "-749.60",
        "-4.16",
        "reversement",
    )
    club = rows[(2024, "club-emploi")]
    assert (club["reliquat"], club["disposition"], club["vers"]) == ("2800.00", "report", "2025/club-emploi")
    # The report lands in 2025, to the cent.
    club_2025 = rows[(2025, "club-emploi")]
    assert club_2025["reports_entrants"] == [{"depuis": "2024/club-emploi", "montant": "2800.00"}]
    assert (club_2025["report_entrant"], club_2025["disponible"], club_2025["depense"]) == (
        "2800.00",
        "10800.00",
        None,
    )
    total_2024 = out["totaux"]["par_annee"]["2024"]
    assert total_2024 == {
        "alloue": "150000.00",
        "report_entrant": "0.00",
        "disponible": "150000.00",
        "verse": "150000.00",
        "depense": "142950.40",
        "reliquat": "7049.60",
        "ecart": "-7049.60",
        "ecart_pct": "-4.70",
        "complet": True,
    }
    # 2023: the source gives no budget, so every total is null, never "0.00".
    assert rows[(2023, "pas-hopital")]["alloue"] is None
    total_2023 = out["totaux"]["par_annee"]["2023"]
    for name in (
        "alloue",
        "report_entrant",
        "disponible",
        "verse",
        "depense",
        "reliquat",
        "ecart",
        "ecart_pct",
    ):
        assert total_2023[name] is None, name
    assert total_2023["complet"] is False
    assert total_2023["inconnus"]["actions_sans_budget"] == 8 and total_2023["partiel"] == {}
    # The contract (2024-2026, not 2023): 2026 has no annexe and 2025 no bilan, so its totals are
    # unknown; what is known is only given as a partial sum.
    contrat = out["totaux"]["contrat"]
    assert contrat["alloue"] is None and contrat["complet"] is False
    assert contrat["inconnus"]["annexes_absentes"] == [2026]
    assert contrat["partiel"]["alloue"] == "158000.00" and contrat["partiel"]["depense"] == "142950.40"
    axe5 = out["totaux"]["par_axe"]["5"]
    assert axe5["alloue"] is None and axe5["partiel"]["alloue"] == "47000.00"
    # Co-financements are never mixed into BOP 104: planned per funder, received unknown.
    cofin = out["annees"]["2024"]["cofinancements"]
    assert cofin["par_financeur"]["Ville de Dax"]["prevu"] == "43000.00"
    assert cofin["par_financeur"]["Ville de Dax"]["realise"] is None
    assert cofin["total"]["prevu"] == "65000.00" and cofin["total"]["realise"] is None
    assert out["annees"]["2024"]["enveloppe"]["enveloppe"] is None


def test_dax_2023_totals_are_dashes_in_text(ctai) -> None:
    out = ctai("budget", "reconcile", DAX).out
    [total_2023] = [line for line in out.splitlines() if line.startswith("Total 2023")]
    assert total_2023.split()[2:8] == ["—"] * 6 and "incomplet" in total_2023
    assert "0,00" not in total_2023
    assert "inconnu : 8 actions sur 8 sans budget dans l'annexe" in out
    assert "pas d'annexe d'actions (actions/2026.yaml) : montants inconnus" in out
    assert "reports reçus : 2024/club-emploi " + eur("2 800,00") in out
    assert "somme partielle (montants connus seulement) : alloué " + eur("158 000,00") in out


def test_year_filter_text_and_csv(ctai) -> None:
    text = ctai("budget", "reconcile", DAX, "--annee", "2024")
    assert "Année 2023" not in text.out and "Contrat" not in text.out
    assert "report → 2025/club-emploi" in text.out
    assert "Total 2024" in text.out and eur("142 950,40") in text.out
    rows = list(
        csv.DictReader(io.StringIO(ctai("budget", "reconcile", DAX, "--annee", "2024", "-f", "csv").out))
    )
    actions = [r for r in rows if r["nature"] == "action"]
    assert (
        len(actions) == 12 and actions[4]["action"] == "petite-enfance" and actions[4]["reliquat"] == "749.60"
    )
    [total] = [r for r in rows if r["nature"] == "total_annee"]
    assert (total["depense"], total["note"]) == ("142950.40", "")
    # A year of the period without annexe can be asked for: everything unknown, empty cells with a note.
    rows = list(
        csv.DictReader(io.StringIO(ctai("budget", "reconcile", DAX, "--annee", "2026", "-f", "csv").out))
    )
    [total] = [r for r in rows if r["nature"] == "total_annee"]
    assert total["alloue"] == "" and total["note"] == "inconnu : annexe 2026 absente"


def test_output_is_atomic_and_never_overwritten_without_force(ctai, tmp_path: Path) -> None:
    target = tmp_path / "rapprochement"  # no extension: --format decides
    assert ctai("budget", "reconcile", DAX, "-f", "json", "-o", target).code == 0
    before = target.read_text(encoding="utf-8")
    refused = ctai("budget", "reconcile", DAX, "-f", "csv", "-o", target)
    assert refused.code == 2 and "--force" in refused.err
    assert target.read_text(encoding="utf-8") == before
    assert ctai("budget", "reconcile", DAX, "-f", "csv", "-o", target, "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("nature,annee,cadre,action,")


def test_usage_errors(ctai, tmp_path: Path, dax_copy: Path) -> None:
    assert ctai("budget", "reconcile", DAX, "--format", "xlsx").code == 2
    assert ctai("budget", "reconcile", DAX, "--annee", "2031").code == 2
    assert ctai("budget", "reconcile", tmp_path).code == 2
    bilan = dax_copy / "bilans" / "2024.yaml"
    bilan.write_text(
        bilan.read_text(encoding="utf-8").replace("depenses_realisees: 5200", "depenses_realisees: 5200.5"),
        encoding="utf-8",
    )
    run = ctai("budget", "reconcile", dax_copy)
    assert run.code == 2 and "ctai validate" in run.err


def test_envelope_only_contract_reconciles_honestly(ctai) -> None:
    """Rennes 2020: « doté de 300 000 € pour 2020 », no split by action: nothing is 0, nothing lost."""
    assert ctai("validate", RENNES, "--date", "2021-01-01").code == 0
    out = json.loads(ctai("budget", "reconcile", RENNES, "-f", "json").out)
    assert list(out["annees"]) == ["2020", "2021", "2022"]
    assert out["annees"]["2020"]["enveloppe"] == {
        "enveloppe": "300000.00",
        "alloue": None,
        "ecart": None,
        "non_reparti": None,
        "depassement": None,
    }
    assert out["totaux"]["par_annee"]["2020"]["alloue"] is None
    assert out["totaux"]["contrat"]["alloue"] is None
    assert out["totaux"]["contrat"]["inconnus"]["annexes_absentes"] == [2020, 2021, 2022]
    assert (out["contrat"]["enveloppes"], out["contrat"]["enveloppes_partiel"]) == (None, "300000.00")
    text = ctai("budget", "reconcile", RENNES).out
    assert (
        "Enveloppe 2020 : " + eur("300 000,00") + " ; alloué aux actions — ; reste à répartir inconnu" in text
    )
    assert "somme partielle des enveloppes connues : " + eur("300 000,00") in text
    assert not re.search(r"(?<![0-9\u202f])0,00", text)  # no amount is shown as zero


def test_envelope_remainder_and_over_allocation(ctai, tmp_path: Path) -> None:
    contract = tmp_path / "c"
    shutil.copytree(DEUX_ANS, contract)
    path = contract / "contrat.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "{annee: 2026, montant: 45000}", "{annee: 2026, montant: 38000}"
        ),
        encoding="utf-8",
    )
    # validate reports the over-allocation (E226), and reconcile refuses a contract with errors:
    # the figures are those of the one aggregate, read here from the library.
    validate = json.loads(ctai("validate", contract, "--date", "2027-05-01", "-f", "json").out)
    assert [d["code"] for d in validate["diagnostics"]] == ["CTAI-E226"]
    assert ctai("budget", "reconcile", contract).code == 2
    from ctai_cli.budget import rapprocher
    from ctai_cli.repository import open_depot

    depot, _ = open_depot(contract)
    out = rapprocher(depot).to_dict()
    assert out["annees"]["2025"]["enveloppe"]["non_reparti"] == "2499.50"
    assert out["annees"]["2026"]["enveloppe"] == {
        "enveloppe": "38000.00",
        "alloue": "39000.00",
        "ecart": "1000.00",
        "non_reparti": "0.00",
        "depassement": "1000.00",
    }


def test_xlsx_sheets_totals_carry_values_and_unknown_stays_empty(ctai, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "rapprochement.xlsx"
    assert ctai("budget", "reconcile", DAX, "-f", "xlsx").code == 2  # a binary file needs --output
    assert ctai("budget", "reconcile", DAX, "-f", "xlsx", "-o", target).code == 0
    formulas, values = load_workbook(target), load_workbook(target, data_only=True)
    # The Dax example's 2024 budgets and bilan and its 2025 annexe are invented: the first sheet says so.
    assert formulas.sheetnames == ["Illustratif", "2023", "2024", "2025", "2026", "Contrat"]
    banner = [row[0].value for row in formulas["Illustratif"].iter_rows()]
    assert banner[0].startswith("ILLUSTRATIF") and any(line.startswith("Bilan 2024 : ") for line in banner)
    rows: dict = {}
    for row in formulas["2024"].iter_rows(min_row=2):  # the first row of each label: the BOP 104 table
        rows.setdefault(row[0].value, row)
    petite = rows["petite-enfance"]
    assert [c.value for c in petite[3:9]] == [18000, 0, 18000, 18000, 17250.4, 749.6]
    assert petite[3].number_format == '#,##0.00\\ "€"'
    assert rows["Total 2024"][3].value == "=SUM(D2:D13)"
    cached: dict = {}
    for row in values["2024"].iter_rows(min_row=2):
        cached.setdefault(row[0].value, [c.value for c in row])
    assert cached["Total 2024"][3:9] == [150000, 0, 150000, 150000, 142950.4, 7049.6]
    # 2023: empty total cells with a note, never a SUM of empty cells (which would show 0).
    total_2023 = {row[0].value: row for row in formulas["2023"].iter_rows(min_row=2)}["Total 2023"]
    assert [c.value for c in total_2023[3:9]] == [None] * 6
    assert "8 actions sur 8 sans budget" in total_2023[3].comment.text
    contrat = {row[0].value: [c.value for c in row] for row in values["Contrat"].iter_rows(min_row=2)}
    assert contrat[2024][2:8] == [150000, 0, 150000, 150000, 142950.4, 7049.6]
    assert contrat["Total contrat"][2:8] == [None] * 6 and contrat["Total contrat"][9] == "non"
    assert "158 000,00" in contrat["Total contrat"][10].replace(NNBSP, " ")
    assert ctai("budget", "reconcile", DAX, "-f", "xlsx", "-o", target).code == 2


def test_xlsx_text_is_never_a_formula(ctai, tmp_path: Path) -> None:
    """A funder named like a formula stays text, in the file itself and for every reader."""
    from openpyxl import load_workbook

    contract = tmp_path / "c"
    shutil.copytree(DEUX_ANS, contract)
    hostile = ['=HYPERLINK("http://exemple.invalid","clic")', "+33 1 23", "-5", "@SUM(A1)"]
    for name in ("actions/2025.yaml", "bilans/2025.yaml"):
        path = contract / name
        text = path.read_text(encoding="utf-8").replace(
            "financeur: Ville de Valbonne-sur-Lys", f"financeur: {json.dumps(hostile[0])}"
        )
        path.write_text(text, encoding="utf-8")
    path = contract / "actions" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    extra = "".join(f"        - {{financeur: {json.dumps(h)}, montant: 1}}\n" for h in hostile[1:])
    path.write_text(
        text.replace(
            "        - {financeur: CAF du Lys, montant: 3000, programme: CAF}\n",
            "        - {financeur: CAF du Lys, montant: 3000, programme: CAF}\n" + extra,
        ),
        encoding="utf-8",
    )
    assert ctai("validate", contract, "--date", "2027-05-01").code == 0
    target = tmp_path / "r.xlsx"
    assert ctai("budget", "reconcile", contract, "-f", "xlsx", "-o", target).code == 0
    for data_only in (False, True):
        workbook = load_workbook(target, data_only=data_only)
        texts = {
            c.value for ws in workbook for row in ws.iter_rows() for c in row if isinstance(c.value, str)
        }
        assert set(hostile) <= texts
    with zipfile.ZipFile(target) as archive:
        xml = "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>HYPERLINK" not in xml and "<f>SUM(A1)" not in xml and "<f>33" not in xml
    # CSV: the same names with a leading quote, so a spreadsheet opening it keeps them as text.
    rows = list(csv.DictReader(io.StringIO(ctai("budget", "reconcile", contract, "-f", "csv").out)))
    assert {r["financeur"] for r in rows if r["financeur"]} >= {"'" + h for h in hostile}

"""ctai aggregate: figures of tests/aggregat/ computed by hand, a broken contract excluded.

alpha (40, 2025): fle 12 000 (CAF 3 000 prévus, reçus), dépensé 11 000, reliquat 1 000
reversé, 40 bénéficiaires (EPA 25, BPI 15); emploi 10 000, dépensé 10 000, 12 bénéficiaires
(sans répartition), aucun cofinancement; enveloppe 30 000; bilan remis le 20 mai 2026.
beta (40, 2025-2026): fle-beta 8 000 dépensés, 20 bénéficiaires EPA+BPI comptés ensemble;
droits sans budget ni bilan; pas d'annexe 2026; enveloppe 2025 20 000, 2026 absente; bilan
2025 remis le 15 juin 2026 (échéance 1er juin), bilan 2026 absent.
gamma (2A, 2025): fle-gamma 15 000, pas de bilan; enveloppe 15 000.
delta: département 99 et porteur inconnu (2 erreurs): exclu.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import ROOT, lire_terminal
from tests.gitutil import commit, edit, git, git_env  # noqa: F401

CORPUS = ROOT / "tests" / "aggregat"
TROIS = [CORPUS / "alpha", CORPUS / "beta", CORPUS / "gamma"]
DATE = "2027-07-01"


def _json(ctai, *args: str) -> tuple[int, dict]:
    run = ctai("aggregate", *args, "--date", DATE, "--format", "json")
    return run.code, json.loads(run.out)


def test_three_contracts_all_years(ctai) -> None:
    code, data = _json(ctai, *TROIS)
    assert code == 0
    assert data["exclus"] == []
    ens = data["ensemble"]
    # alloué: 22 000 + (8 000 + droits inconnu + annexe 2026 absente) + 15 000
    assert ens["bop104"]["alloue"] is None
    assert ens["bop104"]["partiel"]["alloue"] == "45000.00"
    assert ens["bop104"]["inconnus"]["actions_sans_budget"] == 1
    assert ens["bop104"]["inconnus"]["annexes_absentes"] == [2026]
    # enveloppes 30 000 + 20 000 + (2026 absente) + 15 000
    assert ens["enveloppes"] == {"valeur": None, "complet": False, "partiel": "65000.00", "inconnus": 1}
    # The reliquats of unknown amount (beta's budget « non précisé », gamma's spending, beta's 2026
    # without annexe) are shown, not left out: money never vanishes from the display.
    assert ens["reliquats"] == {
        "reversement": {"valeur": "1000.00", "complet": True},
        "inconnue": {"valeur": None, "complet": False, "inconnus": 3},
    }
    assert ens["bilans"] == {"remis": 1, "remis_en_retard": 1, "manquant": 2}
    # Unknown is kept apart from zero per territory as well.
    alpha, beta, gamma = data["territoires"]
    assert alpha["bop104"]["alloue"] == "22000.00" and alpha["bop104"]["depense"] == "21000.00"
    assert alpha["bop104"]["reliquat"] == "1000.00" and alpha["bop104"]["complet"] is True
    assert gamma["bop104"]["depense"] is None and gamma["bop104"]["alloue"] == "15000.00"
    assert [b["etat"] for b in beta["bilans"]] == ["remis_en_retard", "manquant"]
    assert beta["bilans"][0]["copils_tenus"] is None  # « non précisé »
    assert alpha["bilans"][0]["copils_tenus"] == 2
    # beta's 2026 annexe is missing: its number of actions per axe is unknown, 1 known in 2025.
    assert [(a["actions"], a["actions_connues"]) for a in beta["axes"]] == [(None, 1), (None, 1)]
    assert [a["actions"] for a in alpha["axes"]] == [1, 1]
    assert alpha["collectivites"] == ["Ville d'Alpha-sur-Adour"]
    # Per axe, across contracts: the 2026 annexe of beta is missing, so French is unknown.
    axe = ens["par_axe"]["Apprentissage du français"]
    assert axe["alloue"] is None and axe["partiel"]["alloue"] == "35000.00"
    assert ens["par_axe"]["Accès à l'emploi"]["alloue"] == "10000.00"
    assert ens["par_departement"]["2A"]["alloue"] == "15000.00"
    assert ens["par_departement"]["2A"]["depense"] is None


def test_one_year(ctai) -> None:
    code, data = _json(ctai, *TROIS, "--annee", "2025")
    assert code == 0
    ens = data["ensemble"]
    axe = ens["par_axe"]["Apprentissage du français"]
    assert axe["alloue"] == "35000.00"  # 12 000 + 8 000 + 15 000
    assert axe["mediane_alloue"] == {"valeur": "12000.00", "partielle": None, "contrats": 3, "inconnus": 0}
    assert axe["depense"] is None and axe["partiel"]["depense"] == "19000.00"
    assert ens["par_axe"]["Accès aux droits"]["alloue"] is None
    # Beneficiaries: 40 + 12 + 20 known, droits and fle-gamma unknown.
    benef = ens["beneficiaires"]
    assert benef["total"] == {"valeur": None, "complet": False, "partiel": "72", "inconnus": 2}
    # Beta's 20 are counted together (EPA+BPI); the actions whose split is unknown (alpha's emploi,
    # beta's droits, gamma's fle-gamma) may hold EPA+BPI people too: a partial sum, never complete.
    assert benef["par_public"]["EPA+BPI"] == {
        "valeur": None,
        "complet": False,
        "partiel": "20",
        "inconnus": 3,
    }
    assert benef["par_public"]["EPA"]["partiel"] == "25"
    assert benef["mediane"]["valeur"] is None and benef["mediane"]["partielle"] == "52"
    # Co-financements: prévus 3 000 + 0 + (droits inconnu) + 0; reçus 3 000 + 0, beta and gamma unknown.
    cof = ens["cofinancements"]
    assert cof["prevu"] is None and cof["partiel"] == {"prevu": "3000.00", "realise": "3000.00"}
    assert ens["enveloppes"]["valeur"] == "65000.00"
    assert ens["bilans"] == {"remis": 1, "remis_en_retard": 1, "manquant": 1}


def test_broken_contract_listed_and_left_out(ctai) -> None:
    code, data = _json(ctai, *TROIS, CORPUS / "delta")
    assert code == 1
    assert data["exclus"] == [
        {
            "source": (CORPUS / "delta").as_posix(),
            "erreurs": 2,
            # the missing 2025 bilan (W214): the département's error does not hide the checks
            # that read only the période and the gouvernance
            "avertissements": 1,
            "raison": "2 erreurs de validation",
        }
    ]
    assert [t["territoire"] for t in data["territoires"]] == ["Alpha-sur-Adour", "Bétaville", "Gamma"]
    assert data["ensemble"]["bop104"]["partiel"]["alloue"] == "45000.00"  # delta's 15 000 not in it
    text = ctai("aggregate", *TROIS, CORPUS / "delta", "--date", DATE)
    assert text.code == 1
    assert text.out.startswith("Agrégat de 4 contrats, toutes les années des contrats : 3 retenus, 1 exclu\n")
    assert "delta : 2 erreurs de validation" in text.out
    assert "(s)" not in text.out


def test_not_a_contract_is_excluded_too(ctai, tmp_path: Path) -> None:
    (tmp_path / "vide").mkdir()
    code, data = _json(ctai, CORPUS / "alpha", tmp_path / "vide")
    assert code == 1
    assert len(data["exclus"]) == 1 and data["exclus"][0]["erreurs"] == 1
    assert len(data["territoires"]) == 1


def test_year_outside_a_contract(ctai) -> None:
    code, data = _json(ctai, *TROIS, "--annee", "2026")
    assert code == 0
    assert data["hors_annee"] == [(CORPUS / "alpha").as_posix(), (CORPUS / "gamma").as_posix()]
    assert data["ensemble"]["bop104"]["alloue"] is None  # beta's 2026 annexe is missing


def _somme(values: list[str]) -> Decimal | None:
    """The rule of the tables: one empty cell makes the total unknown."""
    if any(v == "" for v in values):
        return None
    return sum((Decimal(v) for v in values), Decimal("0.00"))


def test_csv_tables_give_back_the_totals(ctai) -> None:
    _, data = _json(ctai, *TROIS, "--annee", "2025")
    budget = ctai("aggregate", *TROIS, "--annee", "2025", "--date", DATE, "-f", "csv", "--table", "budget")
    rows = list(csv.DictReader(io.StringIO(budget.out)))
    assert len(rows) == 5
    known = [r["alloue"] for r in rows if r["alloue"]]
    assert _somme([r["alloue"] for r in rows]) is None
    assert sum(Decimal(v) for v in known) == Decimal(data["ensemble"]["bop104"]["partiel"]["alloue"])
    fle = [r for r in rows if r["axe"] == "1"]
    assert _somme([r["alloue"] for r in fle]) == Decimal("35000.00")
    benef = ctai(
        "aggregate", *TROIS, "--annee", "2025", "--date", DATE, "-f", "csv", "--table", "beneficiaires"
    )
    rows = list(csv.DictReader(io.StringIO(benef.out)))
    totals = [r["nombre"] for r in rows if r["groupe"] == "total"]
    assert _somme(totals) is None and sum(int(v) for v in totals if v) == 72
    contrats = ctai("aggregate", *TROIS, "--date", DATE, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(contrats.out)))
    assert [r["alloue"] for r in rows] == ["22000.00", "", "15000.00"]
    assert [r["bilans_manquants"] for r in rows] == ["0", "1", "1"]


def test_usage_errors(ctai) -> None:
    assert ctai("aggregate", *TROIS, "--table", "budget").code == 2
    assert ctai("aggregate", *TROIS, "-f", "csv", "--table", "personnes").code == 2
    assert ctai("aggregate", *TROIS, "--annee", "20x5").code == 2


def test_subprocess_no_progress_off_a_terminal() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ctai_cli", "aggregate", *map(str, TROIS), "--date", DATE],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "Ensemble des 3 contrats retenus" in done.stdout


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_on_a_terminal() -> None:
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ctai_cli", "aggregate", *map(str, TROIS), "--date", DATE],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            check=False,
            cwd=ROOT,
            env={**os.environ, "TERM": "xterm", "CTAI_PROGRESSION_DELAI": "0", "COLUMNS": "100"},
        )
        os.close(follower)
        follower = -1
        err = lire_terminal(leader)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0
    assert b"lecture des contrats" in err and re.search(rb"\d+/\d+ contrats?\b", err)
    assert b"contrat(s)" not in err
    assert "lecture" not in done.stdout


# --- manifest ------------------------------------------------------------------------------


def test_manifest_of_folders(ctai, tmp_path: Path) -> None:
    manifest = tmp_path / "contrats.yaml"
    manifest.write_text(
        "contrats:\n" + "".join(f"  - dossier: {p.as_posix()}\n" for p in [*TROIS, CORPUS / "delta"]),
        encoding="utf-8",
    )
    code, data = _json(ctai, manifest)
    assert code == 1
    assert len(data["territoires"]) == 3 and data["exclus"][0]["erreurs"] == 2
    assert data["ensemble"]["bop104"]["partiel"]["alloue"] == "45000.00"


def test_manifest_relative_paths(ctai, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(CORPUS / "alpha", tmp_path / "alpha")
    (tmp_path / "liste").mkdir()
    manifest = tmp_path / "liste" / "m.yaml"
    manifest.write_text("contrats:\n  - dossier: ../alpha\n", encoding="utf-8")
    code, data = _json(ctai, manifest)
    assert code == 0
    assert data["territoires"][0]["bop104"]["alloue"] == "22000.00"


def test_manifest_git_revision_without_work_tree(ctai, tmp_path: Path) -> None:
    """A bare repository: the contract as at a tag, then as at HEAD, read by git itself."""
    import shutil

    work = tmp_path / "travail"
    shutil.copytree(CORPUS / "alpha", work / "contrats" / "alpha")
    git(work, "init", "-q", "-b", "main")
    commit(work, "alpha")
    git(work, "tag", "v1")
    edit(work / "contrats" / "alpha" / "actions" / "2025.yaml", "etat_bop104: 10000", "etat_bop104: 9000")
    edit(
        work / "contrats" / "alpha" / "actions" / "2025.yaml",
        "{date: 2025-03-01, montant: 10000",
        "{date: 2025-03-01, montant: 9000",
    )
    edit(
        work / "contrats" / "alpha" / "bilans" / "2025.yaml",
        "depenses_realisees: 10000",
        "depenses_realisees: 9000",
    )
    commit(work, "emploi 9000")
    bare = tmp_path / "alpha.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    shutil.rmtree(work)
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "contrats:\n"
        "  - {depot: alpha.git, revision: v1, dossier: contrats/alpha}\n"
        "  - {depot: alpha.git, revision: v9, dossier: contrats/alpha}\n",
        encoding="utf-8",
    )
    code, data = _json(ctai, manifest)
    assert code == 1
    assert [t["bop104"]["alloue"] for t in data["territoires"]] == ["22000.00"]
    assert data["territoires"][0]["source"].endswith("alpha.git/contrats/alpha@v1")
    assert data["exclus"][0]["source"].endswith("@v9")
    assert "révision inconnue « v9 »" in data["exclus"][0]["raison"]
    head = tmp_path / "head.yaml"
    head.write_text("contrats:\n  - {depot: alpha.git, dossier: contrats/alpha}\n", encoding="utf-8")
    code, data = _json(ctai, head)
    assert code == 0 and data["ensemble"]["bop104"]["alloue"] == "21000.00"
    # Two revisions of one contract are two versions of it: its money would count twice.
    both = tmp_path / "deux.yaml"
    both.write_text(
        "contrats:\n"
        "  - {depot: alpha.git, revision: v1, dossier: contrats/alpha}\n"
        "  - {depot: alpha.git, dossier: contrats/alpha}\n",
        encoding="utf-8",
    )
    run = ctai("aggregate", both, "--date", DATE)
    assert run.code == 2 and "est donné deux fois" in run.err and run.out == ""
    assert not list(tmp_path.glob("ctai-revision-*"))


@pytest.mark.parametrize(
    "text",
    [
        "contrats: []\n",
        "contrats:\n  - {revision: v1}\n",
        "contrats:\n  - {dossier: a, revision: v1}\n",
        "contrats:\n  - {dossier: a, chemin: b}\n",
        "autre: 1\n",
    ],
)
def test_bad_manifest_is_an_input_error(ctai, tmp_path: Path, text: str) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(text, encoding="utf-8")
    run = ctai("aggregate", manifest)
    assert run.code == 2
    assert "manifeste illisible" in run.err
    assert run.out == ""


# --- open data ------------------------------------------------------------------------------


def _frictionless():
    import warnings

    with warnings.catch_warnings():
        # frictionless 5.18 imports stringcase, whose regex literals warn when compiled.
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import frictionless
    return frictionless


def test_datapackage_validates_and_gives_back_the_totals(ctai, tmp_path: Path) -> None:
    frictionless = _frictionless()
    out = tmp_path / "paquet"
    run = ctai(
        "aggregate",
        *TROIS,
        CORPUS / "delta",
        "--annee",
        "2025",
        "--date",
        DATE,
        "-f",
        "datapackage",
        "-o",
        out,
    )
    assert run.code == 1, run.err
    assert sorted(p.name for p in out.iterdir()) == [
        "actions.csv",
        "beneficiaires.csv",
        "bilans.csv",
        "budget.csv",
        "contrats.csv",
        "datapackage.json",
    ]
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == [
        "contrats",
        "actions",
        "budget",
        "bilans",
        "beneficiaires",
    ]
    assert all(r["schema"]["missingValues"] == [""] for r in descriptor["resources"])
    _, data = _json(ctai, *TROIS, "--annee", "2025")

    def load(name: str) -> list[dict[str, str]]:
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    contrats = load("contrats")
    assert [r["territoire"] for r in contrats] == ["Alpha-sur-Adour", "Bétaville", "Gamma"]  # delta excluded
    budget = load("budget")
    ens = data["ensemble"]
    for column in ("alloue", "verse", "depense", "reliquat", "disponible"):
        total = _somme([r[column] for r in budget])
        expected = ens["bop104"][column]
        assert total == (None if expected is None else Decimal(expected)), column
        if total is None:
            known = sum((Decimal(r[column]) for r in budget if r[column]), Decimal("0.00"))
            assert known == Decimal(ens["bop104"]["partiel"][column])
    benef = [r["nombre"] for r in load("beneficiaires") if r["groupe"] == "total"]
    assert sum(int(v) for v in benef if v) == int(ens["beneficiaires"]["total"]["partiel"])
    bilans = load("bilans")
    assert [r["etat"] for r in bilans] == ["remis", "remis_en_retard", "manquant"]
    # The package is refused over an existing one without --force, and a file is not a folder.
    again = ctai("aggregate", *TROIS, "--date", DATE, "-f", "datapackage", "-o", out)
    assert again.code == 2
    assert ctai("aggregate", *TROIS, "-f", "datapackage").code == 2


def test_datapackage_a_broken_table_is_caught(tmp_path: Path) -> None:
    """The validation above can fail: a number where an integer is declared is reported."""
    from ctai_cli.aggregate import aggregate
    from ctai_cli.aggregate_datapackage import fichiers

    frictionless = _frictionless()
    from datetime import date

    files = fichiers(aggregate([_source(p) for p in TROIS], 2025, date(2027, 7, 1)))
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    good = (tmp_path / "bilans.csv").read_text(encoding="utf-8")
    bad = good.replace(",2,2\n", ",deux,2\n")
    assert bad != good
    (tmp_path / "bilans.csv").write_text(bad, encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert [e[1] for e in report.flatten(["rowNumber", "fieldName"])] == ["copils_tenus"]


def _source(path: Path):
    from ctai_cli.aggregate import Source

    return Source(affichage=path.as_posix(), chemin=path)


# --- documents and workbook -------------------------------------------------------------------


def test_html_shows_the_totals_the_csv_tables_give(ctai, tmp_path: Path) -> None:
    import re

    from ctai_cli.formatting import euros

    page = tmp_path / "agregat.html"
    assert ctai("aggregate", *TROIS, "--annee", "2025", "--date", DATE, "-o", page).code == 0
    html = page.read_text(encoding="utf-8")
    paquet = tmp_path / "paquet"
    assert (
        ctai("aggregate", *TROIS, "--annee", "2025", "--date", DATE, "-f", "datapackage", "-o", paquet).code
        == 0
    )
    with (paquet / "budget.csv").open(encoding="utf-8", newline="") as handle:
        budget = list(csv.DictReader(handle))
    ensemble = html.split('<table class="ensemble">', 1)[1].split("</table>", 1)[0]
    shown = dict(re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td></tr>", ensemble))
    libelles = {"alloue": "alloué", "depense": "dépensé", "verse": "versé", "reliquat": "reliquat"}
    for column, libelle in libelles.items():
        values = [r[column] for r in budget]
        known = sum((Decimal(v) for v in values if v), Decimal("0.00"))
        unknown = values.count("")
        if unknown:
            expected = (
                f"— (somme partielle, {unknown} {'termes inconnus' if unknown > 1 else 'terme inconnu'}"
                f" sur {len(values)} : {euros(known)})"
            )
        else:
            expected = euros(known)
        assert shown[libelle].replace("&#39;", "'") == expected, column
    assert shown["alloué"] == f"— (somme partielle, 1 terme inconnu sur 5 : {euros(Decimal(45000))})"
    # Self-contained: no script, no external resource; two charts.
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="graphique"') == 2
    assert "@media print" in html


def test_markdown(ctai) -> None:
    run = ctai("aggregate", *TROIS, CORPUS / "delta", "--annee", "2025", "--date", DATE, "-f", "md")
    assert run.code == 1
    assert "## Contrats exclus des chiffres" in run.out
    assert "| Apprentissage du français | 35\u202f000,00\u00a0€ |" in run.out
    assert "| EPA+BPI | au moins 20 (somme partielle, 3 termes inconnus sur 4) | — |" in run.out


def test_text_from_files_is_inert_in_html_and_markdown(ctai, tmp_path: Path) -> None:
    import shutil

    target = tmp_path / "alpha"
    shutil.copytree(CORPUS / "alpha", target)
    contrat = target / "contrat.yaml"
    contrat.write_text(
        contrat.read_text(encoding="utf-8").replace(
            "territoire: Alpha-sur-Adour", "territoire: '<script>window.__x = 1</script> *gras*'"
        ),
        encoding="utf-8",
    )
    run = ctai("aggregate", target, "--date", DATE, "-f", "html")
    assert run.code == 0, run.err
    assert "<script>" not in run.out and "&lt;script&gt;window.__x = 1&lt;/script&gt;" in run.out
    md = ctai("aggregate", target, "--date", DATE, "-f", "md").out
    assert "\\*gras\\*" in md and "<script>" not in md


@pytest.mark.slow
def test_html_in_headless_chromium(ctai, tmp_path: Path) -> None:
    from tests.browser import chromium_path, open_in_chromium

    if chromium_path() is None:
        if os.environ.get("CTAI_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium est requis (CTAI_REQUIRE_CHROMIUM=1) mais introuvable")
        pytest.skip("chromium absent : apt-get install chromium")
    page = tmp_path / "agregat.html"
    assert ctai("aggregate", *TROIS, CORPUS / "delta", "--date", DATE, "-o", page).code == 1
    report = open_in_chromium(
        page,
        {"svg": "document.querySelectorAll('svg.graphique').length", "texte": "document.body.innerText"},
    )
    assert report.errors == [], report.errors
    assert report.values["svg"] == 2
    assert "Contrats exclus des chiffres" in report.values["texte"]


def test_xlsx(ctai, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "agregat.xlsx"
    assert ctai("aggregate", CORPUS / "alpha", CORPUS / "gamma", "--date", DATE, "-o", out).code == 0
    values = openpyxl.load_workbook(out, data_only=True)
    formulas = openpyxl.load_workbook(out)
    assert values.sheetnames == ["ensemble", "contrats", "actions", "budget", "bilans", "beneficiaires"]
    ensemble = values["ensemble"]
    assert ensemble["A2"].value == "alloué" and ensemble["B2"].value == 37000  # 22 000 + 15 000
    assert formulas["ensemble"]["B2"].value == "=SUM(budget!F2:F4)"
    assert formulas["ensemble"]["B2"].number_format == '#,##0.00\\ "€"'
    assert ensemble["A6"].value == "dépensé" and ensemble["B6"].value is None  # gamma: no bilan
    assert "somme partielle des montants connus : 21000.00" in formulas["ensemble"]["B6"].comment.text
    budget = values["budget"]
    assert [c.value for c in budget[2]][1:6] == ["40", 2025, "fle", 1, 12000]
    assert budget["F2"].number_format == '#,##0.00\\ "€"'
    assert values["bilans"]["D2"].number_format == "DD/MM/YYYY"
    assert ctai("aggregate", CORPUS / "alpha", "-f", "xlsx").code == 2


def test_docs_describe_every_column() -> None:
    from ctai_cli.aggregate_tables import SCHEMAS

    docs = (ROOT / "docs" / "agregat.md").read_text(encoding="utf-8")
    for name, champs in SCHEMAS.items():
        row = next(line for line in docs.splitlines() if line.startswith(f"| `{name}` |"))
        assert [c.strip(" `") for c in row.split("|")[3].split(",")] == [c.name for c in champs], name
    assert "Rien de personnel ne peut s'y trouver" in docs


def test_explain_agregat(ctai) -> None:
    run = ctai("explain", "agregat")
    assert run.code == 0 and run.out == (ROOT / "docs" / "agregat.md").read_text(encoding="utf-8")


def test_a_contract_given_twice_is_refused(ctai, tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(f"contrats:\n  - dossier: {(CORPUS / 'alpha').as_posix()}/\n", encoding="utf-8")
    run = ctai("aggregate", CORPUS / "alpha", manifest)
    assert run.code == 2
    assert "donné deux fois" in run.err and run.out == ""
    assert ctai("aggregate", CORPUS / "alpha", CORPUS / "alpha", "--date", DATE).code == 2


# --- what the contract does not say, and a structure's whole file active -------------------


def _alpha(tmp_path: Path, remplacer: dict[str, tuple[str, str]]) -> Path:
    import shutil

    target = tmp_path / "alpha"
    shutil.copytree(CORPUS / "alpha", target)
    for rel, (old, new) in remplacer.items():
        path = target / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return target


def test_a_file_active_counts_only_the_contracts_public(ctai, tmp_path: Path) -> None:
    # fle's 40 becomes a structure's whole file active of 100, of which the contract's public
    # is the 25 EPA and 15 BPI: the headline stays 40 (+ 12 for emploi), 60 are shown apart.
    alpha = _alpha(
        tmp_path, {"bilans/2025.yaml": ("      total: 40\n", "      total: 100\n      file_active: true\n")}
    )
    assert ctai("validate", alpha, "--date", DATE).code == 0
    code, data = _json(ctai, alpha)
    assert code == 0
    (t,) = data["territoires"]
    assert t["beneficiaires"]["total"] == {"valeur": "52", "complet": True}
    assert t["beneficiaires"]["hors_public"] == {"valeur": "60", "complet": True}
    assert data["ensemble"]["beneficiaires"]["hors_public"] == {"valeur": "60", "complet": True}
    texte = ctai("aggregate", alpha, "--date", DATE).out
    assert "bénéficiaires du public du contrat (somme par action) : 52" in texte
    assert "hors public du contrat (files actives des structures, non comptées) : 60" in texte
    markdown = ctai("aggregate", alpha, "--date", DATE, "--format", "md").out
    assert "S'y ajoutent, hors public du contrat, 60 personnes" in markdown
    (row,) = csv.DictReader(io.StringIO(ctai("aggregate", alpha, "--date", DATE, "--format", "csv").out))
    assert (row["beneficiaires"], row["beneficiaires_hors_public"]) == ("52", "60")
    table = ctai("aggregate", alpha, "--date", DATE, "--format", "csv", "--table", "beneficiaires").out
    fle = {r["groupe"]: r["nombre"] for r in csv.DictReader(io.StringIO(table)) if r["action"] == "fle"}
    assert fle == {"total": "40", "hors_public": "60", "EPA": "25", "BPI": "15"}
    # Without a file active, no « hors_public » at all (null, not 0).
    code, data = _json(ctai, CORPUS / "alpha")
    assert data["territoires"][0]["beneficiaires"]["hors_public"] is None


def test_unstated_deadline_and_minimum_are_unknown(ctai, tmp_path: Path) -> None:
    alpha = _alpha(
        tmp_path,
        {
            "contrat.yaml": (
                "  copil_min_par_an: 2\n  bilan: {mois: 6, jour: 1}\n",
                "  copil_min_par_an: non précisé\n  bilan: non précisé\n",
            )
        },
    )
    code, data = _json(ctai, alpha)
    assert code == 0
    (t,) = data["territoires"]
    (bilan,) = t["bilans"]
    assert bilan["etat"] == "remis_echeance_non_precisee" and bilan["echeance"] is None
    assert bilan["copils_minimum"] is None and bilan["copils_tenus"] == 2
    (row,) = csv.DictReader(io.StringIO(ctai("aggregate", alpha, "--date", DATE, "--format", "csv").out))
    assert (row["bilans_remis"], row["bilans_remis_sans_echeance"], row["bilans_absents_sans_echeance"]) == (
        "0",
        "1",
        "0",
    )
    texte = ctai("aggregate", alpha, "--date", DATE).out
    assert (
        "2025 : remis, échéance non précisée (remis le 20 mai 2026) ; comités de pilotage : 2 tenus (minimum non précisé)"
        in texte
    )


# --- the workbooks' formulas give back their stored values ------------------------------------

EPSILON = CORPUS / "epsilon"  # a 2025 reliquat reported to 2026, inside the contract


def _evaluer(workbook, sheet: str, formula: str) -> Decimal:
    """The value of one of the formulas ctai writes: numbers, cells (``'2025'!G5``, ``budget!F2``),
    ``SUM`` over cells and ranges, ``ROUND``, + − × ÷ and parentheses. An empty cell is 0, as
    in a spreadsheet; a formula cell is evaluated in turn (never its stored value)."""
    from decimal import ROUND_HALF_UP

    from openpyxl.utils import get_column_letter, range_boundaries

    tokens = re.findall(
        r"\d+(?:\.\d+)?|(?:'[^']+'!|[A-Za-z_]\w*!)?\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?|[A-Z]+\(|[-+*/(),]",
        formula.lstrip("="),
    )
    assert "".join(tokens) == formula.lstrip("=").replace(" ", ""), f"formule non reconnue : {formula}"
    pos = 0

    def cellule(where: str, ref: str) -> Decimal:
        value = workbook[where][ref.replace("$", "")].value
        if isinstance(value, str) and value.startswith("="):
            return _evaluer(workbook, where, value)
        assert value is None or isinstance(value, int | float), (where, ref, value)
        return Decimal(0) if value is None else Decimal(repr(value))

    def reference(token: str) -> list[Decimal]:
        where, _, ref = token.rpartition("!")
        where = where.strip("'") or sheet
        if ":" not in ref:
            return [cellule(where, ref)]
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
        return [
            cellule(where, f"{get_column_letter(c)}{r}") for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
        ]

    def primary() -> list[Decimal]:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token == "-":
            return [-expression()[0]]
        if token == "(":
            value = expression()
            assert tokens[pos] == ")"
            pos += 1
            return value
        if token.endswith("("):
            args = [expression()]
            while tokens[pos] == ",":
                pos += 1
                args.append(expression())
            assert tokens[pos] == ")"
            pos += 1
            if token == "SUM(":
                return [sum((v for a in args for v in a), Decimal(0))]
            assert token == "ROUND(", token
            return [args[0][0].quantize(Decimal(1).scaleb(-int(args[1][0])), rounding=ROUND_HALF_UP)]
        if token[0].isdigit():
            return [Decimal(token)]
        return reference(token)

    def term() -> list[Decimal]:
        nonlocal pos
        value = primary()
        while pos < len(tokens) and tokens[pos] in "*/":
            op = tokens[pos]
            pos += 1
            right = primary()[0]
            value = [value[0] * right if op == "*" else value[0] / right]
        return value

    def expression() -> list[Decimal]:
        nonlocal pos
        value = term()
        while pos < len(tokens) and tokens[pos] in "+-":
            op = tokens[pos]
            pos += 1
            right = term()[0]
            value = [value[0] + right if op == "+" else value[0] - right]
        return value

    (result,) = expression()
    assert pos == len(tokens), f"formule non reconnue : {formula}"
    return result


def _formules_et_valeurs(path: Path) -> list[tuple[str, str, str, Decimal]]:
    """(sheet, cell, formula, stored value) of every formula cell of a workbook ctai wrote."""
    import openpyxl

    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    out = []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=") and cell.data_type == "f":
                    stored = values[ws.title][cell.coordinate].value
                    assert stored is not None, f"{ws.title}!{cell.coordinate} sans valeur"
                    out.append((ws.title, cell.coordinate, cell.value, Decimal(repr(stored))))
    return out


def _classeurs(ctai, tmp_path: Path) -> list[Path]:
    """The aggregate's and budget reconcile's workbooks of contracts with a report between years."""
    paths = []
    for name, args in (
        ("epsilon.xlsx", ["aggregate", EPSILON, "--date", DATE]),
        ("trois.xlsx", ["aggregate", EPSILON, CORPUS / "alpha", CORPUS / "gamma", "--date", DATE]),
        ("epsilon-2026.xlsx", ["aggregate", EPSILON, "--annee", "2026", "--date", DATE]),
        ("budget.xlsx", ["budget", "reconcile", EPSILON]),
        ("budget-2026.xlsx", ["budget", "reconcile", EPSILON, "--annee", "2026"]),
    ):
        path = tmp_path / name
        run = ctai(*args, "-o", path)
        assert run.code == 0, run.out + run.err
        paths.append(path)
    return paths


def test_xlsx_formulas_give_back_the_stored_values(ctai, tmp_path: Path) -> None:
    """Excel recalculates on opening (fullCalcOnLoad): every formula must give the number ctai
    stored. The 2025 → 2026 report of epsilon is counted once (it was twice: report entrant
    2 000 € and reliquat 3 500 € once recalculated, for 0 € and 1 500 € stored)."""
    import openpyxl

    for path in _classeurs(ctai, tmp_path):
        workbook = openpyxl.load_workbook(path)
        cells = _formules_et_valeurs(path)
        assert cells, path.name
        for sheet, ref, formula, stored in cells:
            assert _evaluer(workbook, sheet, formula) == stored, (path.name, sheet, ref, formula)
    values = openpyxl.load_workbook(tmp_path / "epsilon.xlsx", data_only=True)["ensemble"]
    assert [(values[f"A{r}"].value, values[f"B{r}"].value) for r in range(2, 8)] == [
        ("alloué", 32000),
        ("report entrant", 0),
        ("disponible", 32000),
        ("versé", 32000),
        ("dépensé", 30500),
        ("reliquat", 1500),
    ]


def test_the_evaluator_sees_a_wrong_formula(tmp_path: Path) -> None:
    """_evaluer can fail: a total that forgets a cell is caught."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "budget"
    for r, v in enumerate((10, 20.5, None, 4), 1):
        sheet.cell(row=r, column=1, value=v)
    sheet["B1"] = "=SUM(A1:A4)-A4"
    sheet["B2"] = "=ROUND((A2-A1)*100/A1,2)"
    assert _evaluer(workbook, "budget", sheet["B1"].value) == Decimal("30.5")
    assert _evaluer(workbook, "budget", sheet["B2"].value) == Decimal("105.00")
    assert _evaluer(workbook, "budget", "='budget'!B1+budget!A4") == Decimal("34.5")


@pytest.mark.slow
def test_xlsx_recalculated_by_libreoffice(ctai, tmp_path: Path) -> None:
    """The same, recalculated by LibreOffice itself (its profile set to recalculate every
    formula on loading); skipped where LibreOffice is not installed."""
    import shutil

    import openpyxl

    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice absent (paquet Debian libreoffice-calc-nogui)")
    profile = tmp_path / "profil"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
        "</oor:items>\n",
        encoding="utf-8",
    )
    classeurs = _classeurs(ctai, tmp_path)
    recalcules = tmp_path / "recalcules"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(recalcules),
            *map(str, classeurs),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path / "home")},
        timeout=300,
    )
    for path in classeurs:
        again = openpyxl.load_workbook(recalcules / path.name, data_only=True)
        for sheet, ref, formula, stored in _formules_et_valeurs(path):
            value = again[sheet][ref].value
            assert value is not None and abs(Decimal(repr(value)) - stored) < Decimal("0.005"), (
                path.name,
                sheet,
                ref,
                formula,
                value,
                stored,
            )


# --- beneficiaries whose public is not given, and the chart -----------------------------------

EXAMPLES = ROOT / "examples"


def _dax_hp(tmp_path: Path) -> Path:
    """examples/dax-2024-2026 with beneficiaries for every 2024 action: 479 of the contract's
    public, club-emploi's 12 split EPA 5 and BPT 4 (3 without a public)."""
    import shutil

    target = tmp_path / "dax-hp"
    shutil.copytree(EXAMPLES / "dax-2024-2026", target)
    shutil.copy(CORPUS / "dax-hp-bilan-2024.yaml", target / "bilans" / "2024.yaml")
    return target


def _svg_beneficiaires(html: str) -> str:
    return next(s for s in re.findall(r"<svg.*?</svg>", html, re.S) if "<title>Bénéficiaires" in s)


def test_people_without_a_public_are_not_dropped(ctai, tmp_path: Path) -> None:
    """club-emploi: total 12, EPA 5, BPT 4. The 3 others are « non ventilé », and every public's
    count is a minimum (it was EPA 55 « complet » and the 3 were in no row)."""
    dax = _dax_hp(tmp_path)
    code, data = _json(ctai, dax, "--annee", "2024")
    assert code == 0
    (t,) = data["territoires"]
    b = t["beneficiaires"]
    assert b["total"] == {"valeur": "479", "complet": True}
    assert b["par_public"]["EPA"] == {"valeur": None, "complet": False, "partiel": "55", "inconnus": 1}
    assert b["par_public"]["BPI"]["partiel"] == "30" and not b["par_public"]["BPI"]["complet"]
    assert b["non_ventile"] == {"valeur": "3", "complet": True}
    assert data["ensemble"]["beneficiaires"]["non_ventile"] == {"valeur": "3", "complet": True}
    # Public by public plus « non ventilé » give back the total.
    parts = [int(s["partiel"] or s["valeur"]) for s in b["par_public"].values()]
    assert sum(parts) + 3 == 479
    texte = ctai("aggregate", dax, "--annee", "2024", "--date", DATE).out
    assert "    EPA : au moins 55 (somme partielle, 1 terme inconnu sur 12)\n" in texte
    assert "    non ventilé (public non indiqué au bilan) : 3\n" in texte
    table = ctai("aggregate", dax, "--annee", "2024", "--date", DATE, "-f", "csv", "--table", "beneficiaires")
    club = {
        r["groupe"]: r["nombre"]
        for r in csv.DictReader(io.StringIO(table.out))
        if r["action"] == "club-emploi"
    }
    assert club == {"total": "12", "EPA": "5", "BPT": "4", "non_ventile": "3"}
    (row,) = csv.DictReader(
        io.StringIO(ctai("aggregate", dax, "--annee", "2024", "--date", DATE, "-f", "csv").out)
    )
    assert (row["beneficiaires"], row["beneficiaires_non_ventiles"]) == ("479", "3")
    paquet = tmp_path / "paquet"
    assert (
        ctai("aggregate", dax, "--annee", "2024", "--date", DATE, "-f", "datapackage", "-o", paquet).code == 0
    )
    with (paquet / "beneficiaires.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {"action": "club-emploi", "groupe": "non_ventile", "nombre": "3"}.items() <= next(
        r for r in rows if r["groupe"] == "non_ventile"
    ).items()
    md = ctai("aggregate", dax, "--annee", "2024", "--date", DATE, "-f", "md").out
    assert "| non ventilé | 3 | — |" in md and "| EPA | au moins 55 (somme partielle" in md
    html = ctai("aggregate", dax, "--annee", "2024", "--date", DATE, "-f", "html").out
    assert "<tr><td>non ventilé</td><td>3</td>" in html
    svg = _svg_beneficiaires(html)
    drawn = [
        int(n.replace("\u202f", ""))
        for n in re.findall(r"<title>[^<:]+ : (?:au moins )?([\d\u202f]+)</title></rect>", svg)
    ]
    assert sum(drawn) == 479 and ">479</text>" in svg
    # A partial public's segment says so when hovered (it said « EPA : 55 »).
    assert (
        "<title>EPA : au moins 55</title></rect>" in svg and "<title>non ventilé : 3</title>" in svg.lower()
    )


def test_chart_says_unknown_never_0_and_names_each_contract(ctai, tmp_path: Path) -> None:
    """Dax 2020 and Rennes 2020 give no beneficiaries: their bars read « inconnu » (they read
    « 0 (en partie inconnu) »); the two Dax contracts are told apart by their period."""
    dax = _dax_hp(tmp_path)
    html = ctai(
        "aggregate", dax, EXAMPLES / "dax-2020", EXAMPLES / "rennes-2020", "--date", DATE, "-f", "html"
    ).out
    svg = _svg_beneficiaires(html)
    ends = re.findall(r'<text x="[\d.]+" y="\d+">([^<]+)</text>', svg)
    labels = re.findall(r'text-anchor="end"><title>([^<]+)</title>', svg)
    assert labels == ["Dax 2024–2026", "Dax 2020", "Rennes Métropole 2020–2022"]
    # dax-hp without --annee: 2025's bilan has no beneficiaries, the 2026 annexe is missing
    assert ends[-3:] == ["au moins 479", "inconnu", "inconnu"]
    assert ">0 (en partie inconnu)<" not in svg
    assert "Dax 2020 : inconnu" in svg


def test_the_same_contract_in_two_folders_is_refused(ctai, tmp_path: Path) -> None:
    """A copy of a contract, or another version of it (same territoire, département and période),
    would count its money twice: refused (it was added silently)."""
    import shutil

    copie = tmp_path / "copie"
    shutil.copytree(EXAMPLES / "dax-2024-2026", copie)
    dax_hp = _dax_hp(tmp_path)
    for autre in (copie, dax_hp):
        run = ctai("aggregate", EXAMPLES / "dax-2024-2026", autre, "--date", DATE)
        assert run.code == 2, run.out
        assert run.out == ""
        assert run.err == (
            f"ctai : le contrat de Dax (40), 2024-2026, est donné deux fois : "
            f"« {(EXAMPLES / 'dax-2024-2026').as_posix()} » et « {autre.as_posix()} » (même territoire, "
            "même département, même période ; deux copies ou deux versions du même contrat) : ses "
            "montants seraient comptés deux fois ; n'en donnez qu'un\n"
        )
    # Another contract of the same territory (Dax 2020) is not the same contract.
    code, data = _json(ctai, EXAMPLES / "dax-2024-2026", EXAMPLES / "dax-2020")
    assert code == 0 and len(data["territoires"]) == 2
    # A copy left out by its errors counts no money: nothing to refuse.
    (copie / "porteurs.yaml").write_text("porteurs: 3\n", encoding="utf-8")
    code, data = _json(ctai, EXAMPLES / "dax-2024-2026", copie)
    assert code == 1 and len(data["territoires"]) == 1


def test_two_skeletons_whose_territory_is_not_named_yet_are_not_one_contract(ctai, tmp_path: Path) -> None:
    """Two « ctai init » skeletons of one département: « À COMPLÉTER » names no territory."""
    for nom in ("a", "b"):
        assert (
            ctai("init", tmp_path / nom, "--departement", "40", "--debut", "2026", "--fin", "2028").code == 0
        )
    code, data = _json(ctai, tmp_path / "a", tmp_path / "b")
    assert code == 0 and len(data["territoires"]) == 2


def test_missing_annexes_are_named_with_their_contract(ctai) -> None:
    """« annexes 2026, 2020, 2020, 2021, 2022 absentes » said neither which contract nor why 2020
    came twice."""
    trois = [EXAMPLES / "dax-2024-2026", EXAMPLES / "dax-2020", EXAMPLES / "rennes-2020"]
    run = ctai("aggregate", *trois, "--date", DATE)
    assert run.code == 0
    ensemble = run.out.split("\nEnsemble des 3 contrats retenus\n", 1)[1]
    (ligne,) = [x.strip() for x in ensemble.splitlines() if x.strip().startswith("inconnu :")]
    assert ligne.startswith(
        "inconnu : annexe 2026 absente (Dax 2024–2026), annexe 2020 absente (Dax 2020), "
        "annexes 2020, 2021, 2022 absentes (Rennes Métropole 2020–2022), "
    )
    md = ctai("aggregate", *trois, "--date", DATE, "-f", "md").out
    assert "\ninconnu : annexe 2026 absente (Dax 2024–2026), annexe 2020 absente (Dax 2020), " in md
    _, data = _json(ctai, *trois)
    assert data["ensemble"]["annexes_manquantes"] == [
        {"source": p.as_posix(), "absentes": annees, "partielles": []}
        for p, annees in zip(trois, [[2026], [2020], [2020, 2021, 2022]], strict=True)
    ]


def test_a_public_the_contract_does_not_cover_is_sans_objet(ctai) -> None:
    """Rennes 2020 covers BPI only: its EPA and BPT are « sans objet », not « — (inconnu) », and
    they no longer make the ensemble's EPA unknown (epsilon's 58 EPA are all known)."""
    rennes = EXAMPLES / "rennes-2020"
    code, data = _json(ctai, EPSILON, rennes)
    assert code == 0
    epsilon_b, rennes_b = (t["beneficiaires"] for t in data["territoires"])
    assert rennes_b["sans_objet"] == ["EPA", "BPT"] and list(rennes_b["par_public"]) == ["BPI"]
    assert epsilon_b["sans_objet"] == ["BPT"]
    ens = data["ensemble"]["beneficiaires"]
    assert ens["par_public"]["EPA"] == {"valeur": "58", "complet": True}
    assert ens["par_public"]["BPI"]["valeur"] is None  # Rennes' BPI are unknown
    assert ens["sans_objet"] == ["BPT"]
    texte = ctai("aggregate", rennes, "--date", DATE).out
    assert "    EPA : sans objet (public non visé par le contrat)\n    BPI : — (inconnu)\n" in texte
    assert "    BPT : sans objet (public non visé par le contrat)\n" in texte
    md = ctai("aggregate", rennes, "--date", DATE, "-f", "md").out
    assert "| EPA | sans objet (public non visé par le contrat) | — |" in md
    table = ctai("aggregate", rennes, "--date", DATE, "-f", "csv", "--table", "beneficiaires").out
    assert {r["groupe"] for r in csv.DictReader(io.StringIO(table))} == {"total", "BPI", "non_ventile"}


def test_xlsx_booleans_are_those_of_the_csv(ctai, tmp_path: Path) -> None:
    """The workbook's illustratif and remis columns hold « true » / « false » as the CSV tables
    and docs/agregat.md (they held « oui » / « non »)."""
    import openpyxl

    sources = [EXAMPLES / "dax-2024-2026", CORPUS / "alpha"]
    out = tmp_path / "agregat.xlsx"
    assert ctai("aggregate", *sources, "--date", DATE, "-o", out).code == 0
    workbook = openpyxl.load_workbook(out, data_only=True)
    for table, column in (("budget", "illustratif"), ("bilans", "remis")):
        run = ctai("aggregate", *sources, "--date", DATE, "-f", "csv", "--table", table)
        expected = [r[column] or None for r in csv.DictReader(io.StringIO(run.out))]
        sheet = workbook[table]
        header = [c.value for c in sheet[1]]
        values = [row[header.index(column)].value for row in sheet.iter_rows(min_row=2)]
        assert values == expected, table
        assert {"true", "false"} <= set(values), table
    docs = (ROOT / "docs" / "agregat.md").read_text(encoding="utf-8")
    assert "`budget` (`true` pour une ligne" in docs


@pytest.mark.parametrize("corpus", ["dax-hp", "trois", "rennes"])
def test_beneficiaires_table_gives_back_each_public(ctai, tmp_path: Path, corpus: str) -> None:
    """The rule docs/agregat.md gives for the beneficiaires table: a public's rows added, unknown
    when one is empty or when an action's « non_ventile » row is empty or not 0, for a contract
    whose publics (table contrats) include it."""
    sources = {
        "dax-hp": [_dax_hp(tmp_path)],
        "trois": TROIS,
        "rennes": [EPSILON, EXAMPLES / "rennes-2020"],
    }[corpus]
    _, data = _json(ctai, *sources)
    run = ctai("aggregate", *sources, "--date", DATE, "-f", "csv", "--table", "beneficiaires")
    actions: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in csv.DictReader(io.StringIO(run.out)):
        actions.setdefault((r["source"], r["annee"], r["action"]), {})[r["groupe"]] = r["nombre"]
    contrats = ctai("aggregate", *sources, "--date", DATE, "-f", "csv").out
    publics = {r["source"]: r["publics"].split("; ") for r in csv.DictReader(io.StringIO(contrats))}
    par_public = data["ensemble"]["beneficiaires"]["par_public"]
    for public, attendu in par_public.items():
        known, unknown = 0, False
        for (source, _, _), groups in actions.items():
            if groups.get(public):
                known += int(groups[public])
            vise = any(p in publics[source] for p in public.split("+"))
            if groups.get(public) == "" or (vise and groups.get("non_ventile", "0") != "0"):
                unknown = True
        assert (None if unknown else str(known)) == attendu["valeur"], public
        if unknown and attendu.get("partiel") is not None:
            assert str(known) == attendu["partiel"], public


def test_same_territory_and_period_in_two_departements_are_told_apart(ctai, tmp_path: Path) -> None:
    """Not the same contract (another département): counted, and labelled with the département."""
    autre = _alpha(tmp_path, {"contrat.yaml": ('departement: "40"', 'departement: "64"')})
    run = ctai("aggregate", CORPUS / "alpha", autre, "--date", DATE, "-f", "html")
    assert run.code == 0, run.err
    svg = _svg_beneficiaires(run.out)
    labels = re.findall(r'text-anchor="end"><title>([^<]+)</title>', svg)
    assert labels == ["Alpha-sur-Adour 2025 (40)", "Alpha-sur-Adour 2025 (64)"]


def test_markdown_list_of_a_contract_with_dotations_stays_one_list(ctai) -> None:
    """Rennes 2020's dotation of unknown origin: its item was glued to the end of the axes' item
    and a blank line split the list; and it is not said to be outside BOP 104 (its programme is
    unknown), only counted apart."""
    md = ctai("aggregate", EXAMPLES / "rennes-2020", "--date", DATE, "-f", "md").out
    lines = md.splitlines()
    axes = next(i for i, line in enumerate(lines) if line.startswith("- Axes (fiches-actions) : "))
    assert lines[axes + 1].startswith("- Dotations, financeur et programme non précisés (comptées à part")
    assert lines[axes + 2].startswith("- Enveloppes BOP 104 : ")
    assert "hors BOP 104) : 2020" not in md


def test_a_bilan_without_a_submission_date_is_present_not_submitted(ctai) -> None:
    """The Dax 2024 bilan has no date_remise: the file is there, its submission is not attested."""
    texte = ctai("aggregate", EXAMPLES / "dax-2024-2026", "--date", DATE).out
    assert "2024 : présent, date de remise non renseignée (échéance 1er juin 2025)" in texte
    assert "remis (date de remise non renseignée)" not in texte

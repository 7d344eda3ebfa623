"""Bilans collected by spreadsheet (issue 15): forms generated, filled as a porteur would, imported.

The forms are real xlsx files written by ``ctai bilan form`` and filled with openpyxl;
the import runs through the real CLI on a copy of the Dax example, and the resulting
bilans/2024.yaml is compared byte for byte with what it must be.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import DAX

# Codes a case file of tests/cases/ cannot show (they need an xlsx form): covered here.
CODES = (
    "CTAI-E400",
    "CTAI-E401",
    "CTAI-E402",
    "CTAI-E403",
    "CTAI-E404",
    "CTAI-W405",
    "CTAI-E406",
    "CTAI-W407",
)

BILAN = "bilans/2024.yaml"


@pytest.fixture
def forms(ctai, dax_copy: Path, tmp_path: Path) -> Path:
    out = tmp_path / "formulaires"
    out.mkdir()
    run = ctai("bilan", "form", dax_copy, "--annee", "2024", "--output", out)
    assert run.code == 0, run.err
    return out


def _cell(path: Path, sheet: str, key: str) -> str:
    from openpyxl import load_workbook

    ws = load_workbook(path)[sheet]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)
    return f"C{row}"


def _fill(path: Path, changes: dict[tuple[str, str], object], save_as: Path | None = None) -> Path:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for (sheet, key), value in changes.items():
        ws = wb[sheet]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)
        ws.cell(row, 3).value = value
    target = save_as or path
    wb.save(target)
    return target


def _codes(out: str) -> list[tuple[str, str]]:
    found = []
    for line in out.splitlines():
        if ": erreur CTAI-" in line or ": avertissement CTAI-" in line:
            where, _, rest = line.partition(": ")
            found.append((rest.split()[1], where))
    return found


def test_forms_one_per_porteur_with_their_actions(forms: Path) -> None:
    from openpyxl import load_workbook

    names = sorted(p.name for p in forms.iterdir())
    assert names == sorted(
        f"bilan-2024-{p}.xlsx"
        for p in (
            "ccas-dax",
            "ch-dax",
            "ville-dax",
            "maison-logement",
            "amicale-laique-dacquoise",
            "sos-solidarites",
        )
    )
    wb = load_workbook(forms / "bilan-2024-ccas-dax.xlsx")
    assert wb.sheetnames == [
        "Mode d'emploi",
        "copilotage",
        "parcours-integration",
        "petite-enfance",
        "parentalite-laep",
        "club-emploi",
        "ctai",
    ]
    assert wb["ctai"].sheet_state == "hidden" and wb.security.lockStructure
    ws = wb["petite-enfance"]
    assert ws.protection.sheet and ws.column_dimensions["A"].hidden
    # Prefilled from bilans/2024.yaml, amounts in the French euro format, planned amounts beside.
    row = int(_cell(forms / "bilan-2024-ccas-dax.xlsx", "petite-enfance", "depenses_realisees")[1:])
    assert ws.cell(row, 3).value == 17250.4 and ws.cell(row, 3).number_format == '#,##0.00\\ "€"'
    assert ws.cell(row, 4).value == 18000
    assert not ws.cell(row, 3).protection.locked and ws.cell(row, 4).protection.locked
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert kinds == {"whole", "custom", "list", "textLength"}
    # Every input cell has its validation.
    validated = {str(ref) for dv in ws.data_validations.dataValidation for ref in dv.sqref.ranges}
    inputs = {
        f"C{r}"
        for r in range(1, ws.max_row + 1)
        if (ws.cell(r, 1).value or "").split(":")[0] not in ("", "titre")
    }
    assert inputs and inputs <= validated


def test_untouched_forms_leave_the_bilan_byte_identical(ctai, dax_copy: Path, forms: Path) -> None:
    before = (dax_copy / BILAN).read_bytes()
    run = ctai("bilan", "import", *sorted(forms.iterdir()), "--contrat", dax_copy)
    assert run.code == 0, run.out + run.err
    assert "aucune modification" in run.out
    assert (dax_copy / BILAN).read_bytes() == before


def test_one_changed_figure_is_a_conflict_then_replaced_alone_with_force(
    ctai, dax_copy: Path, forms: Path
) -> None:
    form = forms / "bilan-2024-ch-dax.xlsx"
    _fill(form, {("pas-hopital", "depenses_realisees"): 37999.5})
    before = (dax_copy / BILAN).read_text(encoding="utf-8")
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert run.code == 1
    where = f"{form.as_posix()}:pas-hopital!{_cell(form, 'pas-hopital', 'depenses_realisees')}"
    assert _codes(run.out) == [("CTAI-W405", where)]
    assert (dax_copy / BILAN).read_text(encoding="utf-8") == before

    dry = ctai("bilan", "import", form, "--contrat", dax_copy, "--force", "--dry-run")
    assert dry.code == 0 and '+    depenses_realisees: "37999.50"' in dry.out
    assert (dax_copy / BILAN).read_text(encoding="utf-8") == before

    run = ctai("bilan", "import", form, "--contrat", dax_copy, "--force")
    assert run.code == 0, run.out
    after = (dax_copy / BILAN).read_text(encoding="utf-8")
    old_lines, new_lines = before.splitlines(), after.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [("    depenses_realisees: 38000", '    depenses_realisees: "37999.50"')]
    assert ctai("validate", dax_copy, "--date", "2025-01-01").code == 0


def test_a_porteur_round_with_wrong_entries(ctai, dax_copy: Path, forms: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ccas = forms / "bilan-2024-ccas-dax.xlsx"
    _fill(
        ccas,
        {
            ("petite-enfance", "beneficiaires:total"): 18,
            ("petite-enfance", "publics:BPI"): 11,
            ("petite-enfance", "publics:EPA"): "onze",  # text in a number cell
            ("petite-enfance", "cofinancement:CCAS de Dax"): 6000,
            ("petite-enfance", "cofinancement:CAF des Landes"): 3999.995,  # 3 decimals
            ("club-emploi", "reliquat:montant"): -5,  # negative amount
            ("club-emploi", "qualitatif"): "Le club a démarré en septembre.\nDouze participants.",
            ("parentalite-laep", "beneficiaires:total"): 7,
        },
    )
    # A deleted row (openpyxl, as a porteur who unprotects the sheet would).
    wb = load_workbook(ccas)
    ws = wb["copilotage"]
    row = int(_cell(ccas, "copilotage", "qualitatif")[1:])
    ws.delete_rows(row)
    wb.save(ccas)
    # A renamed sheet.
    logement = forms / "bilan-2024-maison-logement.xlsx"
    _fill(logement, {("savoir-habiter", "beneficiaires:total"): 50})
    wb = load_workbook(logement)
    wb["diagnostic-logement"].title = "diagnostic"
    wb.save(logement)
    # The hospital: a realised objective and beneficiaries.
    hopital = _fill(
        forms / "bilan-2024-ch-dax.xlsx",
        {("pas-hopital", "objectif:medecin"): 50, ("pas-hopital", "beneficiaires:total"): 470},
    )
    # A form of another year, and one of another contract.
    autre_annee = tmp_path / "autre-annee"
    autre_annee.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2025", "-o", autre_annee).code == 0
    autre = tmp_path / "autre-contrat"
    shutil.copytree(DAX, autre)
    contrat = autre / "contrat.yaml"
    contrat.write_text(
        contrat.read_text(encoding="utf-8").replace("territoire: Dax", "territoire: Mont-de-Marsan")
    )
    autre_forms = tmp_path / "autre-forms"
    autre_forms.mkdir()
    assert ctai("bilan", "form", autre, "--annee", "2024", "-o", autre_forms).code == 0, "territoire"
    pas_un_form = tmp_path / "notes.xlsx"
    pas_un_form.write_bytes(b"pas un classeur")
    foreign_year = autre_annee / "bilan-2025-ccas-dax.xlsx"
    foreign_contract = autre_forms / "bilan-2024-ch-dax.xlsx"

    before = (dax_copy / BILAN).read_text(encoding="utf-8")
    args = [ccas, logement, hopital, foreign_year, foreign_contract, pas_un_form]
    run = ctai("bilan", "import", *args, "--contrat", dax_copy, "--annee", "2024")
    assert run.code == 1, run.out + run.err

    def at(form: Path, sheet: str, key: str) -> str:
        return f"{form.as_posix()}:{sheet}!{_cell(form, sheet, key)}"

    assert sorted(_codes(run.out)) == sorted(
        [
            ("CTAI-E404", at(ccas, "petite-enfance", "publics:EPA")),
            ("CTAI-E404", at(ccas, "petite-enfance", "cofinancement:CAF des Landes")),
            ("CTAI-E404", at(ccas, "club-emploi", "reliquat:montant")),
            ("CTAI-E403", f"{ccas.as_posix()}:copilotage"),
            ("CTAI-E402", f"{logement.as_posix()}:diagnostic"),
            ("CTAI-E402", logement.as_posix()),
            ("CTAI-E401", foreign_year.as_posix()),
            ("CTAI-E401", foreign_contract.as_posix()),
            ("CTAI-E400", pas_un_form.as_posix()),
        ]
    )
    assert "texte « onze » dans une cellule de nombre" in run.out
    assert "montant négatif" in run.out and "plus de deux décimales" in run.out

    after = (dax_copy / BILAN).read_text(encoding="utf-8")
    # Every comment line of the original file is still there, in the same order.
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert after.startswith(before.split("actions:\n")[0])
    expected_pas = (
        "  - action: pas-hopital\n"
        "    beneficiaires:\n"
        "      total: 470\n"
        "    indicateurs:\n"
        '      - {libelle: "Poste de médecin financé", valeur: 50, unite: "% d\'ETP", objectif: medecin}\n'
        "    depenses_realisees: 38000\n"
    )
    assert expected_pas in after
    expected_enfance = (
        "  - action: petite-enfance\n"
        "    beneficiaires:\n"
        "      total: 18\n"
        "      par_public:\n"
        "        - {publics: [BPI], nombre: 11}\n"
        '    depenses_realisees: "17250.40"\n'
        "    reliquat:\n"
        '      montant: "749.60"\n'
        "      disposition: reversement\n"
        "      note: Poste de renfort pourvu avec trois semaines de retard.\n"
        "    cofinancements:\n"
        '      - {financeur: "CCAS de Dax", montant: 6000}\n'
    )
    assert expected_enfance in after
    assert "    qualitatif: |-\n      Le club a démarré en septembre.\n      Douze participants.\n" in after
    assert "  - action: savoir-habiter\n    beneficiaires:\n      total: 50\n" in after
    assert "  - action: parentalite-laep\n    beneficiaires:\n      total: 7\n" in after
    assert "diagnostic-logement\n    depenses_realisees: 6500\n" in after  # the renamed sheet is not read

    from ctai_cli.models import Bilan
    from ctai_cli.yamlread import parse_text

    document, problems = parse_text(after, BILAN)
    assert problems == [] and Bilan.model_validate(document.data).actions[4].depenses_realisees == Decimal(
        "17250.40"
    )
    assert ctai("validate", dax_copy, "--date", "2025-01-01").code == 0

    # The same forms again: nothing changes (the wrong cells are reported again).
    again = ctai("bilan", "import", *args, "--contrat", dax_copy, "--annee", "2024")
    assert again.code == 1 and "aucune modification" in again.out
    assert (dax_copy / BILAN).read_text(encoding="utf-8") == after


def test_forms_of_two_years_need_annee(ctai, dax_copy: Path, forms: Path, tmp_path: Path) -> None:
    other = tmp_path / "2025"
    other.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2025", "-o", other, "--porteur", "ccas-dax").code == 0
    run = ctai(
        "bilan",
        "import",
        forms / "bilan-2024-ch-dax.xlsx",
        other / "bilan-2025-ccas-dax.xlsx",
        "--contrat",
        dax_copy,
    )
    assert run.code == 2 and "précisez --annee" in run.err


def test_an_action_given_twice_or_moved_is_e406(ctai, dax_copy: Path, forms: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copie.xlsx"
    shutil.copy(forms / "bilan-2024-ch-dax.xlsx", copy)
    run = ctai("bilan", "import", forms / "bilan-2024-ch-dax.xlsx", copy, "--contrat", dax_copy)
    assert run.code == 1
    assert ("CTAI-E406", f"{copy.as_posix()}:pas-hopital") in _codes(run.out)


def test_a_result_that_fails_validation_is_not_written(ctai, dax_copy: Path, forms: Path) -> None:
    form = _fill(
        forms / "bilan-2024-ccas-dax.xlsx",
        {("club-emploi", "reliquat:vers_action"): "action-inexistante"},
    )
    before = (dax_copy / BILAN).read_bytes()
    run = ctai("bilan", "import", form, "--contrat", dax_copy, "--force")
    assert run.code == 1
    # At the cell of the value, not at a line of the unwritten result; that action left out (and
    # with it the error it caused in actions/2025.yaml, whose report no longer matches).
    cell = _cell(form, "club-emploi", "reliquat:vers_action")
    assert _codes(run.out) == [("CTAI-E241", f"{form.as_posix()}:club-emploi!{cell}")], run.out
    assert "aucune modification" in run.out
    assert (dax_copy / BILAN).read_bytes() == before


def test_import_does_not_touch_a_file_whose_layout_ruamel_cannot_keep(
    ctai, dax_copy: Path, forms: Path
) -> None:
    target = dax_copy / BILAN
    target.write_text(
        target.read_text(encoding="utf-8")
        .replace("pilotage:\n  copils_tenus: 2", "pilotage:\n     copils_tenus: 2")
        .replace("  texte: Nombre", "     texte: Nombre"),
        encoding="utf-8",
    )
    before = target.read_bytes()
    form = _fill(forms / "bilan-2024-ch-dax.xlsx", {("pas-hopital", "beneficiaires:total"): 3})
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert run.code == 2 and "mise en page" in run.err
    assert target.read_bytes() == before


@pytest.mark.slow
def test_a_form_saved_again_by_libreoffice_imports_unchanged(
    ctai, dax_copy: Path, forms: Path, tmp_path: Path
) -> None:
    """The porteur opens the form in LibreOffice Calc and saves it: it still maps back, and
    an untouched form still changes nothing (skipped where LibreOffice is not installed)."""
    import os
    import subprocess

    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice absent (paquet Debian libreoffice-calc-nogui)")
    saved = tmp_path / "resaved"
    saved.mkdir()
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    form = forms / "bilan-2024-ccas-dax.xlsx"
    subprocess.run(
        [
            office,
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(saved),
            str(form),
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    before = (dax_copy / BILAN).read_bytes()
    run = ctai("bilan", "import", saved / form.name, "--contrat", dax_copy)
    assert run.code == 0 and "aucune modification" in run.out, run.out
    assert (dax_copy / BILAN).read_bytes() == before


def test_the_yearly_round_of_docs_formulaires_prints_what_the_doc_shows(
    ctai, tmp_path: Path, monkeypatch
) -> None:
    """docs/formulaires.md stays true: its console blocks are the real output of the round."""
    import re

    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "formulaires.md").read_text(encoding="utf-8")
    blocks = {
        m["cmd"]: m["out"]
        for m in re.finditer(r"^\$ (?P<cmd>ctai [^\n]*)\n(?P<out>.*?)^```", doc, re.M | re.S)
    }
    shutil.copytree(DAX, tmp_path / "dax-2024-2026")
    monkeypatch.chdir(tmp_path / "dax-2024-2026")
    Path("formulaires-2024").mkdir()
    cmd = "ctai bilan form --annee 2024 --porteur ch-dax --porteur ccas-dax -o formulaires-2024"
    run = ctai(*cmd.split()[1:])
    assert run.code == 0 and run.out == blocks[cmd]
    _fill(
        Path("formulaires-2024/bilan-2024-ch-dax.xlsx"),
        {
            ("pas-hopital", "beneficiaires:total"): 470,
            ("pas-hopital", "publics:EPA"): "deux cents",
            ("pas-hopital", "objectif:medecin"): 50,
            ("pas-hopital", "depenses_realisees"): 37999.5,
            ("pas-hopital", "cofinancement:Centre hospitalier de Dax"): 12000,
        },
    )
    forms = sorted(str(p) for p in Path("formulaires-2024").glob("*.xlsx"))
    run = ctai("bilan", "import", *forms, "--dry-run")
    assert run.code == 1 and run.out == blocks["ctai bilan import formulaires-2024/*.xlsx --dry-run"]
    run = ctai("bilan", "import", *forms, "--force")
    shown = blocks["ctai bilan import formulaires-2024/*.xlsx --force"].replace("…\n", "")
    assert run.code == 1 and run.out.endswith(shown)
    again = ctai("bilan", "import", *forms)
    assert "bilans/2024.yaml : aucune modification.\n" in again.out
    assert ctai("validate", "--date", "2025-03-01").code == 0
    assert ctai("bilan", "render", "--annee", "2024").code == 0


def test_a_funder_named_like_a_formula_stays_text_both_ways(ctai, dax_copy: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    annexe = dax_copy / "actions" / "2024.yaml"
    name = '=HYPERLINK("http://x";"a")\nb'
    text = annexe.read_text(encoding="utf-8")
    annexe.write_text(
        text.replace(
            "{financeur: CAF des Landes, montant: 4000}",
            '{financeur: "=HYPERLINK(\\"http://x\\";\\"a\\")\\nb", montant: 4000}',
        ),
        encoding="utf-8",
    )
    out = tmp_path / "f"
    out.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2024", "-o", out, "--porteur", "ccas-dax").code == 0
    form = out / "bilan-2024-ccas-dax.xlsx"
    ws = load_workbook(form)["petite-enfance"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    _fill(form, {("petite-enfance", f"cofinancement:{name}"): 4000})
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert run.code == 0, run.out
    assert '- {financeur: "=HYPERLINK(\\"http://x\\";\\"a\\")\\nb", montant: 4000}' in (
        dax_copy / BILAN
    ).read_text(encoding="utf-8")


def test_an_allocation_non_precise_is_shown_as_such_never_zero(ctai, dax_copy: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    annexe = dax_copy / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    assert "      etat_bop104: 38000\n" in text
    annexe.write_text(
        text.replace("      etat_bop104: 38000\n", "      etat_bop104: non précisé\n", 1), "utf-8"
    )
    out = tmp_path / "f"
    out.mkdir()
    run = ctai("bilan", "form", dax_copy, "--annee", "2024", "-o", out, "--porteur", "ch-dax")
    assert run.code == 0, run.err
    form = out / "bilan-2024-ch-dax.xlsx"
    ws = load_workbook(form)["pas-hopital"]
    row = int(_cell(form, "pas-hopital", "depenses_realisees")[1:])
    assert ws.cell(row, 4).value == "non précisé"


def test_an_action_without_a_known_porteur_gets_no_form_and_is_named(
    ctai, dax_copy: Path, tmp_path: Path
) -> None:
    from tests.gitutil import edit

    edit(dax_copy / "contrat.yaml", "statut: signe\n", "statut: projet\n")
    edit(dax_copy / "actions" / "2024.yaml", "    porteur: ch-dax\n", "    porteur: non précisé\n")
    out = tmp_path / "f"
    out.mkdir()
    run = ctai("bilan", "form", dax_copy, "--annee", "2024", "-o", out)
    assert run.code == 0, run.err
    assert "Sans formulaire (porteur non précisé dans l'annexe) : pas-hopital\n" in run.out
    assert not (out / "bilan-2024-non précisé.xlsx").exists() and len(list(out.iterdir())) == 5


_BILAN_2025 = "annee: 2025\npilotage:\n  copils_tenus: 3\n"


def test_a_known_part_and_an_unsplit_rest_is_refused_at_its_cell_the_rest_imported(
    ctai, dax_copy: Path, tmp_path: Path
) -> None:
    """Review 15, finding 7: 4 EPA known and 6 that cannot be split (total 10). The model counts a
    public in one group only (CTAI-E208): the mode d'emploi says to leave « sans ventilation »
    empty then; the import refuses that cell, at the form's cell, and imports the rest (the 6 stay
    « non réparti »), never at a line of a YAML file that does not exist."""
    from openpyxl import load_workbook

    (dax_copy / "bilans" / "2025.yaml").write_text(_BILAN_2025, encoding="utf-8")
    out = tmp_path / "f"
    out.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2025", "-o", out).code == 0
    form = out / "bilan-2025-ccas-dax.xlsx"
    aide = " ".join(str(c.value) for c in load_workbook(form)["Mode d'emploi"]["A"] if c.value)
    assert "remplissez seulement ces lignes-là et laissez « sans ventilation » vide" in aide
    _fill(
        form,
        {
            ("club-emploi", "beneficiaires:total"): 10,
            ("club-emploi", "publics:EPA"): 4,
            ("club-emploi", "publics:EPA+BPI+BPT"): 6,
            ("club-emploi", "depenses_realisees"): 9000,
        },
    )
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert run.code == 1, run.out + run.err
    unsplit = f"{form.as_posix()}:club-emploi!{_cell(form, 'club-emploi', 'publics:EPA+BPI+BPT')}"
    assert _codes(run.out) == [("CTAI-E404", unsplit)]
    epa = _cell(form, "club-emploi", "publics:EPA")
    assert f"EPA est déjà compté à la ligne « dont EPA » ({epa})" in run.out
    assert "bilans/2025.yaml:" not in run.out
    after = (dax_copy / "bilans" / "2025.yaml").read_text(encoding="utf-8")
    assert after == _BILAN_2025 + (
        "actions:\n"
        "  - action: club-emploi\n"
        "    beneficiaires:\n"
        "      total: 10\n"
        "      par_public:\n"
        "        - {publics: [EPA], nombre: 4}\n"
        "    depenses_realisees: 9000\n"
    )
    assert ctai("validate", dax_copy, "--date", "2025-01-01").code == 0
    # The EPA group is in the bilan now: emptying the form's row would not remove it; the
    # message says where it can be corrected.
    again = tmp_path / "again"
    again.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2025", "-o", again).code == 0
    form = _fill(again / "bilan-2025-ccas-dax.xlsx", {("club-emploi", "publics:EPA+BPI+BPT"): 6})
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert _codes(run.out) == [("CTAI-E404", f"{form.as_posix()}:club-emploi!{unsplit.rsplit('!', 1)[1]}")]
    assert "le groupe « EPA » est déjà dans le bilan, et une cellule vidée n'y efface rien" in run.out
    assert "aucune modification" in run.out


def test_one_porteurs_refused_action_does_not_stop_the_others(ctai, dax_copy: Path, forms: Path) -> None:
    """An error of the merged bilan inside one action's entry (11 BPI for a total of 5) is
    reported at that form's sheet and that action is left out; the other forms are imported."""
    ccas = _fill(
        forms / "bilan-2024-ccas-dax.xlsx",
        {("petite-enfance", "beneficiaires:total"): 5, ("petite-enfance", "publics:BPI"): 11},
    )
    hopital = _fill(forms / "bilan-2024-ch-dax.xlsx", {("pas-hopital", "beneficiaires:total"): 470})
    run = ctai("bilan", "import", ccas, hopital, "--contrat", dax_copy)
    assert run.code == 1, run.out + run.err
    bpi = _cell(ccas, "petite-enfance", "publics:BPI")
    assert _codes(run.out) == [("CTAI-E208", f"{ccas.as_posix()}:petite-enfance!{bpi}")]
    assert "les valeurs de l'action « petite-enfance » ne sont pas importées" in run.out
    after = (dax_copy / BILAN).read_text(encoding="utf-8")
    assert "  - action: pas-hopital\n    beneficiaires:\n      total: 470\n" in after
    assert "total: 5" not in after
    assert ctai("validate", dax_copy, "--date", "2025-01-01").code == 0

    # A reliquat whose amount disagrees with the money: at its cell too.
    ccas = _fill(ccas, {("petite-enfance", "publics:BPI"): None, ("club-emploi", "reliquat:montant"): 2000})
    run = ctai("bilan", "import", ccas, "--contrat", dax_copy, "--force")
    montant = _cell(ccas, "club-emploi", "reliquat:montant")
    assert _codes(run.out) == [("CTAI-E221", f"{ccas.as_posix()}:club-emploi!{montant}")], run.out
    assert "  - action: petite-enfance\n    beneficiaires:\n      total: 5\n" in (dax_copy / BILAN).read_text(
        encoding="utf-8"
    )


def test_reliquat_destinations_in_french_and_one_error_per_cell(ctai, dax_copy: Path, tmp_path: Path) -> None:
    """Review 15, findings 17a and 17b: the form lists « conservé, en attente » as the mode
    d'emploi does, reads them (and the model's keys) back, and a wrong destination is one error
    at its cell, not a second contradictory « les deux sont requis »."""
    from openpyxl import load_workbook

    (dax_copy / "bilans" / "2025.yaml").write_text(_BILAN_2025, encoding="utf-8")
    out = tmp_path / "f"
    out.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2025", "-o", out).code == 0
    form = out / "bilan-2025-ccas-dax.xlsx"
    ws = load_workbook(form)["club-emploi"]
    row = int(_cell(form, "club-emploi", "reliquat:disposition")[1:])
    assert ws.cell(row, 2).value == "Destination proposée (report, reversement, conservé, en attente)"
    listes = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert '"report,reversement,conservé,en attente"' in listes

    faux = _fill(
        form,
        {("club-emploi", "reliquat:montant"): 1800, ("club-emploi", "reliquat:disposition"): "conserver"},
        tmp_path / "faux.xlsx",
    )
    run = ctai("bilan", "import", faux, "--contrat", dax_copy, "--dry-run")
    where = f"{faux.as_posix()}:club-emploi!C{row}"
    assert _codes(run.out) == [("CTAI-E404", where)], run.out
    assert "« conserver » : choisissez report, reversement, conservé, en attente" in run.out
    assert "les deux sont requis" not in run.out

    bon = _fill(
        form,
        {
            ("club-emploi", "depenses_realisees"): 9000,
            ("club-emploi", "reliquat:montant"): 1800,
            ("club-emploi", "reliquat:disposition"): "en attente",
        },
        tmp_path / "bon.xlsx",
    )
    run = ctai("bilan", "import", bon, "--contrat", dax_copy)
    assert run.code == 0, run.out
    text = (dax_copy / "bilans" / "2025.yaml").read_text(encoding="utf-8")
    assert '    reliquat:\n      montant: 1800\n      disposition: "en_attente"\n' in text
    # Prefilled back with its French label; an untouched form changes nothing.
    again = tmp_path / "again"
    again.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2025", "-o", again).code == 0
    refait = again / "bilan-2025-ccas-dax.xlsx"
    assert load_workbook(refait)["club-emploi"].cell(row, 3).value == "en attente"
    assert "aucune modification" in ctai("bilan", "import", refait, "--contrat", dax_copy).out


def test_a_file_active_is_said_in_the_form_and_prefilled(ctai, dax_copy: Path, tmp_path: Path) -> None:
    """Review 15, finding 10: the total is labelled « du public du contrat », and a row says
    whether it is the structure's whole file active (models.bilan.Beneficiaires.file_active);
    the 2023 hospital's 464 comes back prefilled « oui »; « oui » is imported as file_active."""
    from openpyxl import load_workbook

    out = tmp_path / "f2023"
    out.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2023", "-o", out, "--porteur", "ch-dax").code == 0
    form = out / "bilan-2023-ch-dax.xlsx"
    ws = load_workbook(form)["pas-hopital"]
    total = int(_cell(form, "pas-hopital", "beneficiaires:total")[1:])
    assert ws.cell(total, 2).value.startswith("Total des bénéficiaires du public du contrat")
    assert ws.cell(total, 3).value == 464
    assert ws.cell(total + 1, 1).value == "beneficiaires:file_active"
    assert ws.cell(total + 1, 2).value.startswith("Ce total est-il toute la file active de la structure")
    assert ws.cell(total + 1, 3).value == "oui"
    assert "aucune modification" in ctai("bilan", "import", form, "--contrat", dax_copy).out

    (dax_copy / "bilans" / "2025.yaml").write_text(_BILAN_2025, encoding="utf-8")
    out = tmp_path / "f2025"
    out.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2025", "-o", out).code == 0
    form = out / "bilan-2025-ccas-dax.xlsx"
    aide = " ".join(str(c.value) for c in load_workbook(form)["Mode d'emploi"]["A"] if c.value)
    assert "répondez « oui » à la ligne « file active »" in aide
    _fill(
        form,
        {
            ("club-emploi", "beneficiaires:total"): 300,
            ("club-emploi", "beneficiaires:file_active"): "oui",
            ("club-emploi", "publics:EPA"): 40,
        },
    )
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert run.code == 0, run.out
    assert "file active de la structure = oui" in run.out
    text = (dax_copy / "bilans" / "2025.yaml").read_text(encoding="utf-8")
    assert "    beneficiaires:\n      total: 300\n      file_active: true\n      par_public:\n" in text
    fiche = ctai("bilan", "render", dax_copy, "--annee", "2025").out
    assert "**Bénéficiaires** : 40 du public du contrat" in fiche

    # « non » is the default: not written; a wrong answer is refused at its cell.
    (dax_copy / "bilans" / "2025.yaml").write_text(_BILAN_2025, encoding="utf-8")
    _fill(
        form,
        {("club-emploi", "beneficiaires:file_active"): "non", ("club-emploi", "publics:EPA"): None},
    )
    assert ctai("bilan", "import", form, "--contrat", dax_copy).code == 0
    text = (dax_copy / "bilans" / "2025.yaml").read_text(encoding="utf-8")
    assert "      total: 300\n" in text and "file_active" not in text
    # « non » alone, no total: nothing to write, nothing to report.
    (dax_copy / "bilans" / "2025.yaml").write_text(_BILAN_2025, encoding="utf-8")
    _fill(form, {("club-emploi", "beneficiaires:total"): None})
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert run.code == 0 and "aucune modification" in run.out, run.out
    _fill(form, {("club-emploi", "beneficiaires:file_active"): "peut-être"})
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert _codes(run.out) == [
        (
            "CTAI-E404",
            f"{form.as_posix()}:club-emploi!{_cell(form, 'club-emploi', 'beneficiaires:file_active')}",
        )
    ]
    assert "« peut-être » : répondez oui ou non" in run.out


def test_planned_amounts_never_blank(ctai, dax_copy: Path, tmp_path: Path) -> None:
    """Review 15, finding 12: the 2023 annexe has no budget: « Prévu (€) » says « pas de budget
    dans l'annexe » (a blank would read as « non précisé » or as nothing planned); a funder the
    budget does not list is « non prévu dans l'annexe »."""
    from openpyxl import load_workbook

    out = tmp_path / "f"
    out.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2023", "-o", out, "--porteur", "ch-dax").code == 0
    form = out / "bilan-2023-ch-dax.xlsx"
    ws = load_workbook(form)["pas-hopital"]
    row = int(_cell(form, "pas-hopital", "depenses_realisees")[1:])
    assert ws.cell(row, 4).value == "pas de budget dans l'annexe"

    bilan = dax_copy / "bilans" / "2024.yaml"
    text = bilan.read_text(encoding="utf-8")
    assert "  - action: pas-hopital\n    depenses_realisees: 38000\n" in text
    bilan.write_text(
        text.replace(
            "  - action: pas-hopital\n    depenses_realisees: 38000\n",
            "  - action: pas-hopital\n    depenses_realisees: 38000\n"
            "    cofinancements:\n      - {financeur: Mécène, montant: 500}\n",
        ),
        encoding="utf-8",
    )
    out = tmp_path / "f2024"
    out.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2024", "-o", out, "--porteur", "ch-dax").code == 0
    form = out / "bilan-2024-ch-dax.xlsx"
    ws = load_workbook(form)["pas-hopital"]
    row = int(_cell(form, "pas-hopital", "cofinancement:Mécène")[1:])
    assert (ws.cell(row, 3).value, ws.cell(row, 4).value) == (500, "non prévu dans l'annexe")
    for r in range(1, ws.max_row + 1):
        if str(ws.cell(r, 1).value).startswith(("cofinancement:", "depenses_realisees")):
            assert ws.cell(r, 4).value is not None, r


def test_values_out_of_the_input_cells_are_reported_and_copied_rows_not_read(
    ctai, dax_copy: Path, forms: Path
) -> None:
    """Review 15, finding 14: a co-funding typed under the table (B/C of a row without key), a
    figure in column F and a note on the mode d'emploi are reported (CTAI-W407, at their
    cell), never dropped in silence; a copied row is reported at both copies and neither is
    read (ctai does not pick one)."""
    from openpyxl import load_workbook

    form = forms / "bilan-2024-ch-dax.xlsx"
    wb = load_workbook(form)
    ws = wb["pas-hopital"]
    last = ws.max_row
    total = int(_cell(form, "pas-hopital", "beneficiaires:total")[1:])
    ws.cell(last + 2, 2).value = "Cofinancement reçu : Département des Landes"
    ws.cell(last + 2, 3).value = 3000
    ws.cell(total, 6).value = 12
    ws.cell(total, 3).value = 470
    # A copied row: the EPA row inserted again, with another figure.
    epa = int(_cell(form, "pas-hopital", "publics:EPA")[1:])
    ws.insert_rows(epa + 1)
    ws.cell(epa, 3).value = 200
    ws.cell(epa + 1, 1).value = "publics:EPA"
    ws.cell(epa + 1, 2).value = "dont EPA"
    ws.cell(epa + 1, 3).value = 210
    wb["Mode d'emploi"]["C3"] = "Merci de nous rappeler"
    wb.save(form)

    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert run.code == 1, run.out
    sheet = f"{form.as_posix()}:pas-hopital"
    assert sorted(_codes(run.out)) == sorted(
        [
            ("CTAI-W407", f"{sheet}!B{last + 3}"),
            ("CTAI-W407", f"{sheet}!C{last + 3}"),
            ("CTAI-W407", f"{sheet}!F{total}"),
            ("CTAI-W407", f"{form.as_posix()}:Mode d'emploi!C3"),
            ("CTAI-E403", f"{sheet}!A{epa}"),
            ("CTAI-E403", f"{sheet}!A{epa + 1}"),
        ]
    )
    assert "« 3000 » est hors des cellules à remplir" in run.out
    assert f"figure 2 fois (lignes {epa}, {epa + 1} ; ligne copiée ?) : aucune copie n'est lue" in run.out
    after = (dax_copy / BILAN).read_text(encoding="utf-8")
    assert "  - action: pas-hopital\n    beneficiaires:\n      total: 470\n    depenses_realisees" in after
    assert "3000" not in after and "Département des Landes" not in after


def test_comments_stay_where_they_were_written(ctai, dax_copy: Path, forms: Path) -> None:
    """Review 15, finding 15: comments stay attached to what they were written above (new keys go
    before a blank line and comment that end an entry, before a comment above the next entry);
    a replaced value keeps the spaces before its line's comment; a text of several lines is
    written as a « |- » block; the next import of the same forms changes nothing."""
    bilan = dax_copy / BILAN
    text = bilan.read_text(encoding="utf-8")
    old = (
        "  - action: parcours-integration\n    depenses_realisees: 0\n"
        "  - action: pas-hopital\n    depenses_realisees: 38000\n"
    )
    assert old in text
    text = text.replace(
        old,
        "  - action: parcours-integration\n    depenses_realisees: 0\n"
        "  # PAS : chiffres à confirmer par l'hôpital\n"
        "  - action: pas-hopital   # voir courriel du 3 mars\n"
        "    depenses_realisees: 38000  # montant notifié\n"
        "\n"
        "    # bilan qualitatif à venir\n",
    )
    text = text.replace('depenses_realisees: "17250.40"\n', 'depenses_realisees: "17250.40"   # cf. CA\n')
    bilan.write_text(text, encoding="utf-8")
    hopital = _fill(
        forms / "bilan-2024-ch-dax.xlsx",
        {
            ("pas-hopital", "beneficiaires:total"): 470,
            ("pas-hopital", "depenses_realisees"): 37999.5,
            ("pas-hopital", "cofinancement:Centre hospitalier de Dax"): 12000,
            ("pas-hopital", "qualitatif"): "Année chargée.\nDeuxième ligne : « guillemets » et # dièse",
        },
    )
    ccas = _fill(
        forms / "bilan-2024-ccas-dax.xlsx",
        {
            ("parcours-integration", "beneficiaires:total"): 12,
            ("petite-enfance", "depenses_realisees"): 17000.4,
            ("petite-enfance", "reliquat:montant"): 999.6,
        },
    )
    run = ctai("bilan", "import", hopital, ccas, "--contrat", dax_copy, "--force")
    assert run.code == 0, run.out
    after = bilan.read_text(encoding="utf-8")
    assert (
        "  - action: parcours-integration\n"
        "    beneficiaires:\n"
        "      total: 12\n"
        "    depenses_realisees: 0\n"
        "  # PAS : chiffres à confirmer par l'hôpital\n"
        "  - action: pas-hopital   # voir courriel du 3 mars\n"
        "    beneficiaires:\n"
        "      total: 470\n"
        '    depenses_realisees: "37999.50"  # montant notifié\n'
        "    cofinancements:\n"
        '      - {financeur: "Centre hospitalier de Dax", montant: 12000}\n'
        "    qualitatif: |-\n"
        "      Année chargée.\n"
        "      Deuxième ligne : « guillemets » et # dièse\n"
        "\n"
        "    # bilan qualitatif à venir\n"
        "  - action: maison-citoyens-acces-droits\n"
    ) in after
    assert '    depenses_realisees: "17000.40"   # cf. CA\n' in after
    assert ctai("validate", dax_copy, "--date", "2025-01-01").code == 0
    again = ctai("bilan", "import", hopital, ccas, "--contrat", dax_copy, "--force")
    assert "aucune modification" in again.out and bilan.read_text(encoding="utf-8") == after


def test_a_new_action_goes_before_the_comments_that_end_the_file(
    ctai, dax_copy: Path, tmp_path: Path
) -> None:
    """An entry appended to « actions » goes after the last entry, not after the comment lines
    that close the file (they stay last)."""
    bilan = dax_copy / "bilans" / "2025.yaml"
    bilan.write_text(
        "annee: 2025\npilotage:\n  copils_tenus: 3\nactions:\n  - action: autre\n    depenses_realisees: 1\n"
        "\n# fin du fichier : la coordination complète en juin\n",
        encoding="utf-8",
    )
    annexe = dax_copy / "actions" / "2025.yaml"
    annexe.write_text(
        annexe.read_text(encoding="utf-8").replace("actions:\n", "actions:\n" + _AUTRE_ACTION, 1),
        encoding="utf-8",
    )
    out = tmp_path / "f"
    out.mkdir()
    assert ctai("bilan", "form", dax_copy, "--annee", "2025", "-o", out, "--porteur", "ccas-dax").code == 0
    form = _fill(out / "bilan-2025-ccas-dax.xlsx", {("club-emploi", "depenses_realisees"): 9000})
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert run.code == 0, run.out
    assert bilan.read_text(encoding="utf-8").endswith(
        "  - action: autre\n    depenses_realisees: 1\n  - action: club-emploi\n    depenses_realisees: 9000\n"
        "\n# fin du fichier : la coordination complète en juin\n"
    )


_AUTRE_ACTION = """  - id: autre
    axe: 5
    porteur: ville-dax
    titre: Autre action
    publics: [EPA]
    budget:
      etat_bop104: 1
      versements:
        - {date: 2025-03-14, montant: 1, destinataire: ville-dax}
"""


def test_one_error_in_the_contract_agrees_in_number(ctai, dax_copy: Path, forms: Path) -> None:
    """Review 15, finding 17d: « 1 erreur dans le contrat : corrigez-la », not « corrigez-les »."""
    bilan = dax_copy / "bilans" / "2023.yaml"
    text = bilan.read_text(encoding="utf-8")
    assert "copils_tenus: 5" in text
    bilan.write_text(text.replace("copils_tenus: 5", "copils_tenus: -1"), encoding="utf-8")
    form = forms / "bilan-2024-ch-dax.xlsx"
    for args in (
        ("bilan", "import", form, "--contrat", dax_copy),
        ("bilan", "form", dax_copy, "--annee", "2024", "-o", forms, "--force"),
        ("bilan", "render", dax_copy, "--annee", "2024"),
    ):
        run = ctai(*args)
        assert run.code == 2, args
        assert "1 erreur dans le contrat : corrigez-la d'abord" in run.err, run.err


def test_a_mistyped_form_path_is_a_usage_error(ctai, dax_copy: Path, forms: Path, tmp_path: Path) -> None:
    """Review 15, finding 17g: a path that names nothing is a usage error (exit 2, French, nothing
    imported), without guessing a broken link; a real broken link is said as such."""
    good = _fill(forms / "bilan-2024-ch-dax.xlsx", {("pas-hopital", "beneficiaires:total"): 470})
    before = (dax_copy / BILAN).read_bytes()
    missing = tmp_path / "bilan-2024-ch-dax (1).xlsx"
    run = ctai("bilan", "import", good, missing, "--contrat", dax_copy)
    assert run.code == 2 and run.out == ""
    assert (
        f"formulaire introuvable : {missing.as_posix()} (vérifiez le chemin) ; rien n'a été importé"
        in run.err
    )
    assert "lien symbolique" not in run.err
    assert (dax_copy / BILAN).read_bytes() == before

    link = tmp_path / "lien.xlsx"
    link.symlink_to(tmp_path / "parti.xlsx")
    run = ctai("bilan", "import", link, "--contrat", dax_copy)
    assert _codes(run.out) == [("CTAI-E400", link.as_posix())]
    assert "lien symbolique cassé : sa cible est introuvable" in run.out
    assert "corrigez la cible du lien" in run.out


def test_a_value_past_the_examined_columns_is_not_lost_in_silence(ctai, dax_copy: Path, forms: Path) -> None:
    """Cells past column AX or row 5 000 are not looked at (bounded work): a value typed there
    (AZ8) gets a warning at the sheet; it was dropped without a word (final review, finding 4)."""
    from openpyxl import load_workbook

    form = forms / "bilan-2024-ch-dax.xlsx"
    wb = load_workbook(form)
    wb["pas-hopital"].cell(8, 52).value = "Conseil départemental : 3000 €"
    wb.save(form)
    run = ctai("bilan", "import", form, "--contrat", dax_copy)
    assert ("CTAI-W407", f"{form.as_posix()}:pas-hopital") in _codes(run.out), run.out
    assert "au-delà de la ligne 5\u202f000 ou de la colonne AX" in run.out

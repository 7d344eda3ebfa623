"""Review 20 (findings 4, 5, 6, 8, 9, 10): unknown money said as such, never hidden nor zero;
SARIF URIs; model text around « non précisé »; messages. The cases are real contracts under
tests/revue20/ (pdd: a Puy-de-Dôme contract with an unknown État budget; cof_unknown: a bilan
declaring a co-funder while another action is missing from it)."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

CASES = Path(__file__).parent / "revue20"


def _copie(tmp_path: Path, nom: str) -> Path:
    root = tmp_path / nom
    shutil.copytree(CASES / nom, root)
    return root


def _plain(text: str) -> str:
    return html.unescape(text).replace("\u202f", " ").replace("\xa0", " ")


# Finding 4: the fiche-bilan never hides unknown État credits, and a known 0 is known.


def test_bilan_says_unknown_state_credits_and_keeps_the_axe_table(ctai, tmp_path: Path) -> None:
    root = _copie(tmp_path, "pdd")
    for fmt in ("md", "html"):
        done = ctai("bilan", "render", root, "--annee", "2026", "--format", fmt)
        assert done.code == 0, done.err
        out = _plain(done.out)
        # formation-francais: etat_bop104 « non précisé », no depenses_realisees.
        assert (
            "Crédits de l'État : inconnus (budget non précisé dans l'annexe ; dépenses absentes du bilan)."
            in out
        )
        # The annexe gives axe 1 = 0,00 €: the table is printed, not « Montants non renseignés ».
        assert "Montants non renseignés" not in out
        assert "0,00 €" in out.split("Cofinancements (hors")[0].split("Dépenses et crédits")[1]


# Finding 5: a co-financement total over an unknown term prints « — » with the partial sum and
# the reason; an écart against a prévu of 0 is « sans objet », not unknown.

PARTIEL = "somme partielle, 1 terme inconnu sur 2 : 5 000,00 € ; action coordination absente du bilan"


def test_bilan_cofinancement_total_unknown_with_partial_sum_and_reason(ctai, tmp_path: Path) -> None:
    root = _copie(tmp_path, "cof_unknown")
    for fmt in ("md", "html"):
        done = ctai("bilan", "render", root, "--annee", "2026", "--format", fmt)
        assert done.code == 0, done.err
        out = _plain(done.out)
        table = out.split("Cofinancements (hors")[1].split("Pilotage")[0]
        assert f"— ({PARTIEL})" in table or f'— <span class="inconnu">({PARTIEL})</span>' in table


def test_reconcile_cofinancement_total_unknown_with_partial_sum_and_reason(ctai, tmp_path: Path) -> None:
    import openpyxl

    root = _copie(tmp_path, "cof_unknown")
    text = _plain(ctai("budget", "reconcile", root, "--annee", "2026").out)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("Total Conseil départemental"))
    assert lines[at].split()[-2:] == ["—", "—"]
    assert lines[at + 1].strip() == f"réalisé inconnu : {PARTIEL}"
    csv_out = ctai("budget", "reconcile", root, "--annee", "2026", "--format", "csv").out
    row = next(r for r in csv_out.splitlines() if r.startswith("total_cofinancement,2026,,,,,Conseil"))
    assert (
        "réalisé inconnu (somme partielle, 1 terme inconnu sur 2 : 5000.00 ; action coordination absente du bilan)"
        in row
    )
    xlsx = tmp_path / "r.xlsx"
    assert ctai("budget", "reconcile", root, "--annee", "2026", "-o", xlsx).code == 0
    sheet = openpyxl.load_workbook(xlsx)["2026"]
    notes = [c.comment.text for r in sheet.iter_rows() for c in r if c.comment]
    assert (
        "inconnu : action coordination absente du bilan ; somme partielle des montants connus : 5000.00"
        in notes
    )


def test_ecart_against_nothing_planned_is_sans_objet(ctai, tmp_path: Path) -> None:
    root = _copie(tmp_path, "cof_unknown")
    bilan = root / "bilans" / "2026.yaml"
    # coordination in the bilan, declaring no co-funder: the Conseil départemental's 5 000 € is
    # then the whole réalisé, against nothing planned.
    bilan.write_text(
        bilan.read_text(encoding="utf-8") + "  - action: coordination\n    cofinancements: []\n",
        encoding="utf-8",
    )
    done = ctai("bilan", "render", root, "--annee", "2026")
    assert done.code == 0, done.err
    out = _plain(done.out)
    assert "| Conseil départemental | 0,00 € | 5 000,00 € | sans objet |" in out


# Finding 8: the model text reads when a value is « non précisé ».


def test_contract_model_text_reads_with_unknown_values(ctai, tmp_path: Path) -> None:
    root = _copie(tmp_path, "pdd")
    for fmt in ("md", "html"):
        done = ctai("contrat", "render", root, "--format", fmt)
        assert done.code == 0, done.err
        out = _plain(done.out).replace("\\[", "[").replace("\\]", "]")
        assert "du ressort du non précisé" not in out
        assert "Le tribunal compétent n'est pas précisé." in out
        assert "non précisé, représenté" not in out and "par non précisé" not in out
        assert (
            "[partie non précisée], représentée par [représentant non précisé], ci-après « la collectivité »"
            in out
        )
        assert "(services non précisés)" in out
        assert "copiloté par non précisé" not in out and "ses copilotes ne sont pas précisés" in out
        assert "Les modalités de versement ne sont pas précisées." in out
        assert "l'opérateur AGIR, dont le nom n'est pas précisé." in out
        assert "[qualité non précisée]" in out and "[nom non précisé]" in out


# Finding 10: docs and behaviour agree.


def test_fiche_render_help_agrees_with_readme(ctai) -> None:
    usage = "ctai fiche render [OPTIONS] [DOSSIER] [ACTION ...]\n"
    assert ("Utilisation : " + usage) in ctai("fiche", "render", "--help").out
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "ctai fiche render [DOSSIER] [ACTION ...]" in readme


def test_bilan_of_a_year_outside_the_period_says_so(ctai) -> None:
    done = ctai("bilan", "render", CASES / "pdd", "--annee", "2030")
    assert done.code == 2
    assert "2030 est hors de la période du contrat (2026-2028)" in done.err
    # Within the period, the plain message.
    done = ctai("bilan", "render", CASES / "pdd", "--annee", "2027")
    assert done.code == 2 and "hors de la période" not in done.err and "pas de bilan 2027" in done.err


def test_format_doc_says_where_non_precise_is_accepted() -> None:
    """Every field that accepts « non précisé » without being a text is listed in §2.10."""
    import re

    doc = (Path(__file__).parent.parent / "docs" / "format.md").read_text(encoding="utf-8")
    section = doc.split("### 2.10")[1].split("### 2.11")[0]
    source = "".join(
        p.read_text(encoding="utf-8")
        for p in (Path(__file__).parent.parent / "ctai_cli" / "models").glob("*.py")
    )
    champs = set(re.findall(r"^\s+(\w+): precisable\(", source, re.MULTILINE))
    assert champs, "no precisable field found"
    absents = sorted(c for c in champs if f"`{c}`" not in section and f".{c}`" not in section)
    assert absents == [], absents
    assert "en **omettant la clé**" in section

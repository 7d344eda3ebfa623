"""Documents: fiche-bilan, fiches-actions and the contract, in Markdown, HTML and PDF."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import DAX, ROOT

GOLDEN = Path(__file__).parent / "golden"
CASES = yaml.safe_load((Path(__file__).parent / "cases_modeles.yaml").read_text(encoding="utf-8"))["cas"]
UPDATE = os.environ.get("CTAI_UPDATE_GOLDEN") == "1"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (CTAI_UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize(
    ("golden", "args"),
    [
        ("bilan-2023.md", ["bilan", "render", DAX, "--annee", "2023"]),
        ("bilan-2024.md", ["bilan", "render", DAX, "--annee", "2024"]),
        ("fiche-club-emploi.md", ["fiche", "render", DAX, "club-emploi"]),
        ("contrat.md", ["contrat", "render", DAX]),
    ],
)
def test_markdown_golden(ctai, golden: str, args: list) -> None:
    run = ctai(*args)
    assert run.code == 0, run.err
    _golden(golden, run.out)


def test_bilan_2023_has_the_annexe_2_figures(ctai) -> None:
    out = ctai("bilan", "render", DAX, "--annee", "2023").out
    # Annexe 2 of the seed: 240 EPA and BPI at the PAS, 53 learners and 750 hours of FLE,
    # 18 children in crèche, 7 at the LAEP, 50 people in the workshops, 15 households, 5 copils.
    for needle in (
        "| 3 | Soutien à la PAS de l'hôpital de Dax |  | 69 | 240 |  | 155 | 464 |",
        # Issue 13: the PAS's 464 is its whole file active; the headline counts the contract's public.
        "**Bénéficiaires** : 457 du public du contrat",
        "s'y ajoutent 155 personnes de la file active de la structure hors public du contrat (pas-hopital)",
        "| Heures de formation FLE réalisées | — | 750 heures | — |",
        "| Personnes orientées vers le dispositif FLE | — | 53 personnes | — |",
        "| Enfants accueillis en crèche-halte garderie | — | 18 enfants | — |",
        "| Enfants et leurs parents accueillis au LAEP | — | 7 enfants | — |",
        "| Personnes concernées par les ateliers | — | 50 personnes | — |",
        "| 15 ménages |",
        "- Comités de pilotage tenus en 2023 : **5**",
    ):
        assert needle in out, needle
    # The 2023 annexe gives no budget: unknown, never zero.
    assert "0,00 €" not in out
    assert "Montants non renseignés" in out


def test_a_bilan_of_the_previous_contract_gets_none_of_the_current_contracts_rules(ctai) -> None:
    """Review 27 A: the 2023 bilan (« cadre: contrat_precedent ») was given the 2024-2026
    contract's minimum of comités and its deadline (« au plus tard le 1er juin 2024 »)."""
    outs = [ctai("bilan", "render", DAX, "--annee", "2023", "-f", fmt).out for fmt in ("md", "html")]
    outs.append(ctai("contrat", "render", DAX).out.split("## Annexe 2", 1)[1])
    for out in outs:
        assert "au plus tard le" not in out
        assert "au moins 2" not in out
        assert "DDETSPP des Landes, " not in out
        assert "contrat précédent : minimum non repris ici" in out
        assert "contrat précédent : destinataire et échéance non repris ici" in out
        assert "Copilotage : contrat précédent : copilotes non repris ici." in out
        assert "Directeur du CCAS" not in out.split("Copilotage", 1)[1].split("\n", 1)[0]
    # The current contract's own bilan keeps them.
    out = ctai("bilan", "render", DAX, "--annee", "2024").out
    assert "au plus tard le 1er juin 2025" in out and "au moins 2 par an prévus" in out
    assert "Copilotage : Directeur du CCAS de Dax" in out
    assert "contrat précédent" not in out


def test_an_annexe_without_any_budget_is_told_from_one_without_all(ctai, dax_copy: Path) -> None:
    """Review 27 B: the 2023 annexe gives no budget at all; the bilan said « pas tous »."""
    for fmt in ("md", "html"):
        out = ctai("bilan", "render", dax_copy, "--annee", "2023", "-f", fmt).out
        assert "l'annexe de 2023 ne donne aucun budget" in out
        assert "pas tous les budgets" not in out
    contrat = ctai("contrat", "render", dax_copy).out.split("## Annexe 2", 1)[1]
    assert "l'annexe de 2023 ne donne aucun budget" in contrat and "pas tous" not in contrat
    # One action with a budget: the annexe gives some, not all.
    annexe = dax_copy / "actions" / "2023.yaml"
    text = annexe.read_text(encoding="utf-8")
    old = "    titre: Soutien à la PAS de l'hôpital de Dax\n    publics: [EPA, BPI, BPT]\n"
    assert old in text
    annexe.write_text(text.replace(old, old + "    budget:\n      etat_bop104: 1000\n"), encoding="utf-8")
    for fmt in ("md", "html"):
        run = ctai("bilan", "render", dax_copy, "--annee", "2023", "-f", fmt)
        assert "l'annexe de 2023 ne donne pas tous les budgets" in run.out, run.err
        assert "aucun budget" not in run.out


def test_an_ecart_against_nothing_available_is_sans_objet_not_unknown(ctai) -> None:
    """Review 27 C: axes 1 and 2 of 2024 have 0,00 € available and 0,00 € spent, all known; their
    écart was « — », which the legend calls an unknown amount (and a blank cell in budget reconcile)."""
    md = ctai("bilan", "render", DAX, "--annee", "2024").out
    assert "| 0,00\u00a0€ | 0,00\u00a0€ | 0,00\u00a0€ | 0,00\u00a0€ | 0,00\u00a0€ | sans objet |" in md
    assert "| 0,00\u00a0€ | 0,00\u00a0€ | 0,00\u00a0€ | 0,00\u00a0€ | 0,00\u00a0€ | — |" not in md
    assert "(« sans objet » quand rien n'était disponible)" in md
    html = ctai("bilan", "render", DAX, "--annee", "2024", "-f", "html").out
    assert '<td class="n">0,00\u00a0€</td><td class="n">sans objet</td></tr>' in html
    # Unknown amounts stay « — » (2023: no budget given).
    assert "sans objet |" not in ctai("bilan", "render", DAX, "--annee", "2023").out
    text = ctai("budget", "reconcile", DAX).out
    lines = [line for line in text.splitlines() if line.startswith(("copilotage ", "parcours-integration "))]
    known = [line for line in lines if "0,00\u00a0€" in line]  # 2024's; 2023's are unknown (« — »)
    assert len(known) == 2 and all(line.endswith("0,00\u00a0€ sans objet") for line in known), lines
    assert not any("sans objet" in line for line in lines if line not in known)


def test_spending_unknown_for_want_of_the_years_bilan_says_so(ctai) -> None:
    """Review 27 D: with no bilans/2025.yaml, budget reconcile said « 1 action sur 1 sans dépenses
    au bilan » for 2025 (and the contract and the aggregate « 1 action sur 13 »)."""
    text = ctai("budget", "reconcile", DAX).out
    annee_2025 = text.split("\nAnnée 2025", 1)[1].split("\nAnnée 2026", 1)[0]
    assert "  inconnu : bilan 2025 absent\n" in annee_2025
    contrat = text.split("\nContrat (", 1)[1]
    assert "  inconnu : annexe 2026 absente, bilan 2025 absent\n" in contrat
    assert "sans dépenses au bilan" not in annee_2025 + contrat.split("Cofinancements", 1)[0]
    # A bilan that is there but silent on spending keeps its reason (2023).
    assert "8 actions sur 8 sans dépenses au bilan" in text
    agregat = ctai(
        "aggregate", *(ROOT / "examples" / n for n in ("dax-2024-2026", "dax-2020")), "-f", "md"
    ).out
    assert "bilan 2025 absent (Dax 2024–2026)" in agregat
    assert "1 action sur 13 sans dépenses au bilan" not in agregat


def test_a_beneficiaries_total_over_uncounted_actions_is_labelled_partial(ctai, dax_copy: Path) -> None:
    """Unknown is never zero: two actions of 2023 have no count, so the table's sum is partial."""
    for fmt in ("md", "html"):
        out = ctai("bilan", "render", dax_copy, "--annee", "2023", "-f", fmt).out
        assert "Total partiel (actions sans décompte exclues)" in out
    # Every action counted: the same row is a plain total.
    bilan = dax_copy / "bilans" / "2023.yaml"
    text = bilan.read_text(encoding="utf-8")
    for action in ("copilotage", "parcours-integration"):
        assert f"- action: {action}\n" in text
        text = text.replace(
            f"- action: {action}\n", f"- action: {action}\n    beneficiaires: {{total: 1}}\n", 1
        )
    bilan.write_text(text, encoding="utf-8")
    run = ctai("bilan", "render", dax_copy, "--annee", "2023")
    assert run.code == 0, run.err
    assert "| | **Total** |" in run.out and "Total partiel" not in run.out


def test_bilan_2024_money_in_french(ctai) -> None:
    out = ctai("bilan", "render", DAX, "--annee", "2024").out
    assert "142\u202f950,40\u00a0€ dépensés" in out
    assert "| 2\u202f800,00\u00a0€ | report en 2025 sur « club-emploi »" in out
    assert "−16,15\u202f%" in out  # axe 5: 32 700 spent of 39 000


def test_html_is_self_contained_with_charts(ctai, tmp_path: Path) -> None:
    out = tmp_path / "bilan.html"
    run = ctai("bilan", "render", DAX, "--annee", "2024", "--format", "html", "--output", out)
    assert run.code == 0, run.err
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html and "Dépenses 2024 par action" in html
    assert "@page" in html and "@media print" in html
    assert not re.search(r"<(script|link)\b|src=\"(?!data:)", html)
    assert "Content-Security-Policy" in html
    html_2023 = ctai("bilan", "render", DAX, "--annee", "2023", "-f", "html").out
    assert "Bénéficiaires 2023 par axe et par public" in html_2023


INJECTION = '<script>window.__injecte = 1</script><img src="x" onerror="window.__injecte = 2">'


@pytest.fixture
def injected(dax_copy: Path) -> Path:
    """The Dax example with markup typed into a qualitative text and an action title."""
    bilan = dax_copy / "bilans" / "2023.yaml"
    text = bilan.read_text(encoding="utf-8")
    text = text.replace(
        "  - action: parentalite-laep\n", f"  - action: parentalite-laep\n    qualitatif: '{INJECTION}'\n"
    )
    bilan.write_text(text, encoding="utf-8")
    actions = dax_copy / "actions" / "2023.yaml"
    text = actions.read_text(encoding="utf-8")
    actions.write_text(
        text.replace(
            "titre: Accompagnement à la parentalité au LAEP", "titre: 'LAEP <b>gras</b> & <i>co</i>'"
        ),
        encoding="utf-8",
    )
    return dax_copy


def test_injected_markup_is_escaped(ctai, injected: Path) -> None:
    html = ctai("bilan", "render", injected, "--annee", "2023", "-f", "html").out
    assert "<script>window" not in html and "<img src" not in html
    assert "&lt;script&gt;window.__injecte = 1&lt;/script&gt;" in html
    assert "LAEP &lt;b&gt;gras&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in html
    md = ctai("bilan", "render", injected, "--annee", "2023").out
    assert "<script>" not in md and "&lt;script>" not in md
    # Markdown's own syntax is escaped too (underscores would start an emphasis).
    assert "&lt;script&gt;window.\\_\\_injecte = 1&lt;/script&gt;" in md


@pytest.mark.slow
def test_html_in_headless_chromium(ctai, injected: Path, tmp_path: Path) -> None:
    from tests.browser import chromium_path, open_in_chromium

    if chromium_path() is None:
        if os.environ.get("CTAI_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium est requis (CTAI_REQUIRE_CHROMIUM=1) mais introuvable")
        pytest.skip("chromium absent : apt-get install chromium")
    for annee in ("2023", "2024"):
        page = tmp_path / f"bilan-{annee}.html"
        assert ctai("bilan", "render", injected, "--annee", annee, "-f", "html", "-o", page).code == 0
        report = open_in_chromium(
            page,
            {
                "injecte": "window.__injecte === undefined ? null : window.__injecte",
                "scripts": "document.scripts.length",
                "texte": "document.body.innerText",
                "svg": "document.querySelectorAll('svg.graphique').length",
            },
        )
        assert report.errors == [], report.errors
        assert report.values["injecte"] is None  # neither the script nor the onerror ran
        assert report.values["scripts"] == 0
        assert report.values["svg"] >= 1
        if annee == "2023":
            assert "<script>window.__injecte = 1</script>" in report.values["texte"]  # shown as text
            assert "LAEP <b>gras</b> & <i>co</i>" in report.values["texte"]


def test_pdf(ctai, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    out = tmp_path / "bilan.pdf"
    run = ctai("bilan", "render", DAX, "--annee", "2023", "--format", "pdf", "--output", out)
    assert run.code == 0, run.err
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    assert not list(tmp_path.glob(".*.tmp"))


def test_pdf_without_weasyprint(ctai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    out = tmp_path / "bilan.pdf"
    run = ctai("bilan", "render", DAX, "--annee", "2023", "-f", "pdf", "-o", out)
    assert run.code == 2
    assert "pip install 'ctai[pdf]'" in run.err
    assert not out.exists()


def test_pdf_without_pango(ctai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "faux" / "weasyprint"
    fake.mkdir(parents=True)
    # What WeasyPrint does when the system has no Pango: an OSError from cffi's dlopen.
    (fake / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n")
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.syspath_prepend(str(fake.parent))
    run = ctai("bilan", "render", DAX, "--annee", "2023", "-f", "pdf", "-o", tmp_path / "b.pdf")
    assert run.code == 2, run.err
    assert "Pango" in run.err and "apt-get install libpango-1.0-0" in run.err
    assert "bogue" not in run.err


def test_pdf_needs_an_output_file(ctai) -> None:
    run = ctai("contrat", "render", DAX, "-f", "pdf")
    assert run.code == 2 and "--output" in run.err


def test_pdf_reads_no_local_file(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from ctai_cli.documents.rendu import en_pdf

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    # A user template pointing at a local file gets nothing from it (and no crash).
    pdf = en_pdf(f'<p>x</p><img src="file://{secret}"><link rel="stylesheet" href="file://{secret}">')
    assert pdf.startswith(b"%PDF-")


def test_output_is_never_overwritten_without_force(ctai, tmp_path: Path) -> None:
    out = tmp_path / "bilan.md"
    out.write_text("précieux", encoding="utf-8")
    run = ctai("bilan", "render", DAX, "--annee", "2023", "-o", out)
    assert run.code == 2 and "--force" in run.err
    assert out.read_text(encoding="utf-8") == "précieux"
    assert ctai("bilan", "render", DAX, "--annee", "2023", "-o", out, "--force").code == 0
    assert out.read_text(encoding="utf-8").startswith("# Fiche-bilan 2023")
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # not the temporary file's mode


@pytest.mark.parametrize("case", CASES, ids=[c["nom"] for c in CASES])
def test_broken_user_template(ctai, tmp_path: Path, case: dict) -> None:
    templates = tmp_path / "modeles"
    templates.mkdir()
    (templates / case["modele"]).write_text(case["texte"], encoding="utf-8")
    fmt = case["modele"].split(".")[1]
    out = tmp_path / f"bilan.{fmt}"
    run = ctai("bilan", "render", DAX, "--annee", "2023", "-f", fmt, "-o", out, "--templates", templates)
    assert run.code == 2, run.err
    assert f"{templates.as_posix()}/{case['modele']}:{case['ligne']}:" in run.err
    assert case["code"] in run.err
    assert case.get("message", "") in run.err
    assert "Traceback" not in run.err
    assert not out.exists() and list(tmp_path.iterdir()) == [templates]


def test_user_template_overrides_one_template_only(ctai, tmp_path: Path) -> None:
    templates = tmp_path / "modeles"
    templates.mkdir()
    # Overriding a partial changes every document that includes it.
    (templates / "_fiche.md.j2").write_text(
        "FICHE {{ f.action.id }} {{ f.action.budget.etat_bop104 | euros }}\n"
    )
    out = ctai("fiche", "render", DAX, "club-emploi", "pas-hopital", "--templates", templates).out
    assert "FICHE club-emploi 8\u202f000,00\u00a0€" in out and "FICHE pas-hopital" in out
    assert out.startswith("# Principales actions 2024 du CTAI de Dax")


def test_templates_folder_must_exist(ctai, tmp_path: Path) -> None:
    run = ctai("bilan", "render", DAX, "--annee", "2023", "--templates", tmp_path / "absent")
    assert run.code == 2 and "introuvable" in run.err


def test_fiche_arguments(ctai, monkeypatch: pytest.MonkeyPatch) -> None:
    run = ctai("fiche", "render", DAX, "club-emplo")
    assert run.code == 2 and run.err.count("vouliez-vous dire") == 1
    assert "absente de l'annexe 2025 ; vouliez-vous dire « club-emploi » ?" in run.err
    # Without a folder, the current directory is the contract.
    monkeypatch.chdir(DAX)
    run = ctai("fiche", "render", "copilotage", "--annee", "2023")
    assert run.code == 0 and "# Fiche-action 2023 – Copilotage et animation territoriale du CTAI" in run.out
    assert ctai("fiche", "render", "--annee", "2031").code == 2


def test_bilan_year_must_exist(ctai) -> None:
    run = ctai("bilan", "render", DAX, "--annee", "2025")
    assert run.code == 2 and "bilans présents : 2023, 2024" in run.err


def test_invalid_contract_is_refused(ctai, dax_copy: Path) -> None:
    (dax_copy / "bilans" / "2023.yaml").write_text("annee: 2023\npilotage: {copils_tenus: -1}\n")
    run = ctai("bilan", "render", dax_copy, "--annee", "2023")
    assert run.code == 2 and "ctai validate" in run.err and run.out == ""


def test_contrat_html_and_pdf(ctai, tmp_path: Path) -> None:
    html = ctai("contrat", "render", DAX, "-f", "html").out
    for needle in (
        "Article 1er – Objet du contrat",
        "Article 13 – Recours",
        "Annexe 1 – Principales actions",
    ):
        assert needle in html
    assert html.count("<svg") >= 1  # the 2023 bilan of annexe 2


@pytest.mark.slow
def test_real_process(tmp_path: Path) -> None:
    out = tmp_path / "contrat.html"
    proc = subprocess.run(
        [sys.executable, "-m", "ctai_cli", "contrat", "render", str(DAX), "-f", "html", "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "<h1>Contrat territorial" in out.read_text(encoding="utf-8")


_BILAN_2025_SANS_RELIQUAT = """annee: 2025
illustratif: bilan de recette, rien n'est celui de Dax.
pilotage:
  copils_tenus: 3
actions:
  - action: club-emploi
    depenses_realisees: 9000
"""


def test_a_reliquat_without_destination_stays_in_view(ctai, dax_copy: Path) -> None:
    """Money never vanishes: 10 800 € available, 9 000 € spent and no reliquat declared: the
    1 800 € are listed in the fiche-bilan's reliquats section, and the reconcile CSV says why
    the disposition cell is empty (review 15, finding 9)."""
    import csv
    import io

    (dax_copy / "bilans" / "2025.yaml").write_text(_BILAN_2025_SANS_RELIQUAT, encoding="utf-8")

    def espaces(text: str) -> str:
        return text.replace("\u202f", " ").replace("\xa0", " ")

    md = espaces(ctai("bilan", "render", dax_copy, "--annee", "2025").out)
    assert "## Reliquats" in md
    assert (
        "| « Club » d'accès à l'emploi avec France Travail | 1 800,00 € | destination non indiquée "
        "dans le bilan (reliquat : disponible moins dépensé) | — |"
    ) in md
    html = espaces(ctai("bilan", "render", dax_copy, "--annee", "2025", "-f", "html").out)
    assert '<td class="n">1 800,00 €</td><td>destination non indiquée dans le bilan' in html
    # The 2024 reliquat, declared with its destination, is listed as before.
    md_2024 = ctai("bilan", "render", dax_copy, "--annee", "2024").out
    assert "destination non indiquée" not in md_2024 and "## Reliquats" in md_2024

    run = ctai("budget", "reconcile", dax_copy, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    row = next(r for r in rows if r["nature"] == "action" and r["annee"] == "2025")
    assert (row["reliquat"], row["disposition"]) == ("1800.00", "")
    assert row["note"] == "disposition du reliquat non indiquée dans le bilan"
    # A declared reliquat, or none to dispose of, needs no note.
    done = next(r for r in rows if r["nature"] == "action" and r["annee"] == "2024" and r["disposition"])
    assert "disposition" not in (done["note"] or "")

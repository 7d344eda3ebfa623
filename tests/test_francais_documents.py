"""French wording in the documents and in ctai init's files, through the real CLI: « de l'Isère »,
State parties agreed with their own name, « non précisés » after « crédits », the last party
followed by a full stop, a one-year period written « 2020 » (never « 2020-2020 »)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DAX, QUIET_DATE, ROOT, Run

DAX_2020 = ROOT / "examples" / "dax-2020"
RENNES_2020 = ROOT / "examples" / "rennes-2020"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def isere(tmp_path: Path) -> Path:
    """The Dax example moved to the Isère (38), signed for the State by « Préfecture de l'Isère »,
    with one action's State credits « non précisé », and one avenant."""
    target = tmp_path / "isere"
    shutil.copytree(DAX, target)
    contrat = target / "contrat.yaml"
    _replace(contrat, 'territoire: Dax\ndepartement: "40"', 'territoire: Isère\ndepartement: "38"')
    _replace(contrat, "    nom: État (préfecture des Landes)\n", "    nom: Préfecture de l'Isère\n")
    _replace(contrat, "    designation: l'État\n", "")
    annexe = target / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    annexe.write_text(text.replace("etat_bop104: 0", "etat_bop104: non précisé", 1), encoding="utf-8")
    (target / "avenants").mkdir()
    (target / "avenants" / "1.yaml").write_text(
        'numero: 1\nobjet: Exemple\nmodifications:\n  - "Contrat : exemple"\n', encoding="utf-8"
    )
    return target


def test_isere_contract(ctai: Callable[..., Run], isere: Path, tmp_path: Path) -> None:
    assert ctai("validate", isere, "--date", QUIET_DATE).code == 0
    md = ctai("contrat", "render", isere)
    assert md.code == 0, md.err
    parties = md.out.split("## Entre les soussignés\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert parties == [
        "- Ville de Dax, représentée par Julien DUBOIS, Maire de Dax, ci-après « la commune » ;",
        "- Préfecture de l'Isère, représentée par Françoise TAHERI, Préfète des Landes"
        " (services : DDETSPP des Landes).",
    ]
    assert "d'Isère" not in md.out
    html = tmp_path / "isere.html"
    assert ctai("contrat", "render", isere, "-o", html).code == 0
    page = html.read_text(encoding="utf-8")
    assert "<title>CTAI 2024-2026 de l&#39;Isère</title>" in page
    assert "Préfecture de l&#39;Isère, représentée par" in page
    assert re.search(r"<li>[^<]*DDETSPP des Landes\)\.</li>", page)


def test_isere_fiches_bilan_avenant(ctai: Callable[..., Run], isere: Path) -> None:
    fiche = ctai("fiche", "render", isere, "--annee", "2024")
    assert fiche.code == 0, fiche.err
    assert fiche.out.startswith("# Principales actions 2024 du CTAI de l'Isère\n")
    assert "crédits de l'État (BOP 104) **non précisés**" in fiche.out
    assert "(BOP 104) **non précisé**" not in fiche.out
    bilan = ctai("bilan", "render", isere, "--annee", "2024")
    assert bilan.out.startswith("# Fiche-bilan 2024 du CTAI de l'Isère\n")
    avenant = ctai("avenant", "render", isere, "1")
    assert avenant.code == 0, avenant.err
    assert avenant.out.startswith(
        "# Avenant n° 1 au contrat territorial d'accueil et d'intégration 2024-2026 de l'Isère\n"
    )
    assert "Vu le contrat territorial d'accueil et d'intégration 2024-2026 de l'Isère," in avenant.out
    assert "de Isère" not in avenant.out
    parties = avenant.out.split("## Entre les soussignés\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert parties[-1].endswith(".") and all(p.endswith(" ;") for p in parties[:-1])


@pytest.mark.parametrize("exemple", [DAX_2020, RENNES_2020, DAX])
def test_last_party_ends_the_list(ctai: Callable[..., Run], exemple: Path) -> None:
    md = ctai("contrat", "render", exemple).out
    parties = md.split("## Entre les soussignés\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(parties) >= 2
    assert all(p.startswith("- ") and p.endswith(" ;") for p in parties[:-1]), parties
    assert parties[-1].endswith(".") and not parties[-1].endswith(" ;."), parties


def test_one_year_period(ctai: Callable[..., Run], tmp_path: Path) -> None:
    html = tmp_path / "dax-2020.html"
    assert ctai("contrat", "render", DAX_2020, "-o", html).code == 0
    page = html.read_text(encoding="utf-8")
    assert "<title>CTAI 2020 de Dax</title>" in page
    assert "2020-2020" not in page and "2020–2020" not in page
    assert "2020-2020" not in ctai("contrat", "render", DAX_2020).out


def test_init_one_year(ctai: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "ctai-dax"
    run = ctai(
        "init", target, "--debut", "2020", "--fin", "2020", "--territoire", "Dax", "--departement", "40"
    )
    assert run.code == 0, run.err
    contrat = (target / "contrat.yaml").read_text(encoding="utf-8")
    assert "(CTAI) des étrangers primo-arrivants, 2020 : Dax" in contrat
    assert (target / "README.md").read_text(encoding="utf-8").startswith("# CTAI Dax, 2020\n")
    for path in target.rglob("*"):
        if path.is_file():
            assert "2020-2020" not in path.read_text(encoding="utf-8"), path
    run = ctai(
        "init",
        tmp_path / "trois",
        "--debut",
        "2024",
        "--fin",
        "2026",
        "--territoire",
        "Dax",
        "--departement",
        "40",
    )
    assert run.code == 0, run.err
    assert ", 2024-2026 : Dax" in (tmp_path / "trois" / "contrat.yaml").read_text(encoding="utf-8")

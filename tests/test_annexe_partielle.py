"""An annexe that lists only part of the actions (« partielle »): its year's totals are unknown with
a partial sum, an axe without a listed action is not 0 €, and the documents say so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import ROOT

ALPHA = ROOT / "tests" / "aggregat" / "alpha"
DATE = "2027-07-01"


def _partielle(tmp_path: Path) -> Path:
    target = tmp_path / "alpha"
    shutil.copytree(ALPHA, target)
    annexe = target / "actions" / "2025.yaml"
    text = annexe.read_text(encoding="utf-8")
    assert text.startswith("annee: 2025\n")
    annexe.write_text(
        text.replace(
            "annee: 2025\n",
            "annee: 2025\npartielle: La source ne décrit que deux actions sur les cinq du contrat.\n",
            1,
        ),
        encoding="utf-8",
    )
    return target


def test_the_years_totals_are_partial_sums(ctai, tmp_path: Path) -> None:
    alpha = _partielle(tmp_path)
    assert ctai("validate", alpha, "--date", DATE).code == 0
    run = ctai("budget", "reconcile", alpha, "--format", "json")
    assert run.code == 0, run.err
    annee = json.loads(run.out)["totaux"]["par_annee"]["2025"]
    assert annee["complet"] is False and annee["alloue"] is None
    assert annee["partiel"]["alloue"] == "22000.00" and annee["inconnus"]["annexes_partielles"] == [2025]
    # The same annexe without « partielle » is complete.
    complete = json.loads(ctai("budget", "reconcile", ALPHA, "--format", "json").out)["totaux"]["par_annee"][
        "2025"
    ]
    assert complete["complet"] is True and complete["alloue"] == "22000.00"
    texte = ctai("budget", "reconcile", alpha).out
    assert "annexe 2025 partielle (d'autres actions existent)" in texte


def test_the_aggregate_does_not_count_a_missing_action_as_zero(ctai, tmp_path: Path) -> None:
    alpha = _partielle(tmp_path)
    data = json.loads(ctai("aggregate", alpha, "--date", DATE, "--format", "json").out)
    (t,) = data["territoires"]
    assert t["bop104"]["alloue"] is None and t["bop104"]["partiel"]["alloue"] == "22000.00"
    assert [a["actions"] for a in t["axes"]] == [None, None]
    texte = ctai("aggregate", alpha, "--date", DATE).out
    assert "au moins 1 (annexe 2025 partielle)" in texte


def test_the_fiches_say_the_annexe_is_partial(ctai, tmp_path: Path) -> None:
    alpha = _partielle(tmp_path)
    out = tmp_path / "fiches.md"
    assert ctai("fiche", "render", alpha, "--annee", "2025", "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert "> **Annexe partielle** : La source ne décrit que deux actions sur les cinq du contrat." in text
    assert "sur 2 actions listées (annexe partielle)" in text


def test_the_fiche_bilan_gives_no_complete_total(ctai, tmp_path: Path) -> None:
    alpha = _partielle(tmp_path)
    out = tmp_path / "bilan.md"
    assert ctai("bilan", "render", alpha, "--annee", "2025", "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert "> **Annexe partielle** : La source ne décrit que deux actions sur les cinq du contrat." in text
    complet = tmp_path / "complet.md"
    assert ctai("bilan", "render", ALPHA, "--annee", "2025", "-o", complet).code == 0
    # The complete annexe's spending headline; with the partial one it is not given as complete.
    ligne = next(line for line in complet.read_text(encoding="utf-8").splitlines() if "dépensés, reliquat" in line)
    assert ligne not in text

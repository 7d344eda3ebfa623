"""A partly invalid contrat.yaml: each cross-file check runs on the fields it reads.

For every top-level field of the Dax contract, that field alone is broken: ``ctai validate``
reports the schema error, never crashes (a check reading a field it did not name through
``Depot.contrat_vue`` would raise), and the checks that do not read that field still run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from ctai_cli.models import Contrat
from tests.conftest import ROOT

DAX = ROOT / "examples" / "dax-2024-2026"
DATE = "2026-12-02"  # the 2025 bilan is overdue: W214 reads « periode » and « gouvernance »
CHAMPS = sorted(yaml.safe_load((DAX / "contrat.yaml").read_text(encoding="utf-8")))


def _casse(tmp_path: Path, champ: str) -> Path:
    target = tmp_path / "dax"
    shutil.copytree(DAX, target)
    path = target / "contrat.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[champ] = {"cle_inconnue": 1}  # invalid for every field: wrong type, or unknown key
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def test_every_field_of_the_example_is_covered() -> None:
    assert set(CHAMPS) <= set(Contrat.model_fields)
    assert {"periode", "gouvernance", "imputation", "parties", "axes"} <= set(CHAMPS)


@pytest.mark.parametrize("champ", CHAMPS)
def test_one_broken_field_hides_only_the_checks_that_read_it(ctai, tmp_path: Path, champ: str) -> None:
    done = ctai("validate", _casse(tmp_path, champ), "--date", DATE, "--format", "json")
    assert done.code == 1, done.out + done.err  # findings, never an internal error (3)
    diagnostics = json.loads(done.out)["diagnostics"]
    assert any(d["code"].startswith("CTAI-E1") and d["path"].endswith("contrat.yaml") for d in diagnostics)
    codes = {d["code"] for d in diagnostics}
    # The overdue 2025 bilan (W214) needs only the période and the gouvernance.
    assert ("CTAI-W214" in codes) == (champ not in ("periode", "gouvernance"))


FICHIERS = ["actions/2024.yaml", "bilans/2023.yaml", "bilans/2024.yaml"]


def _champs(rel: str) -> list[str]:
    return sorted(yaml.safe_load((DAX / rel).read_text(encoding="utf-8")))


@pytest.mark.parametrize(("rel", "champ"), [(rel, champ) for rel in FICHIERS for champ in _champs(rel)])
def test_a_broken_field_of_an_annexe_or_a_bilan_never_crashes(
    ctai, tmp_path: Path, rel: str, champ: str
) -> None:
    target = tmp_path / "dax"
    shutil.copytree(DAX, target)
    path = target / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[champ] = {"cle_inconnue": 1}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = ctai("validate", target, "--date", DATE, "--format", "json")
    assert done.code == 1, done.out + done.err
    diagnostics = json.loads(done.out)["diagnostics"]
    assert any(d["code"].startswith("CTAI-E1") and d["path"].endswith(rel) for d in diagnostics)


def test_a_broken_pilotage_does_not_hide_the_checks_on_the_bilans_actions(ctai, tmp_path: Path) -> None:
    target = tmp_path / "dax"
    shutil.copytree(DAX, target)
    path = target / "bilans" / "2023.yaml"
    text = path.read_text(encoding="utf-8")
    assert "          nombre: 240\n" in text and "\npilotage:\n" in text
    text = text.replace("          nombre: 240\n", "          nombre: 440\n")  # 509 > 464: E208
    text = text.replace("\npilotage:\n", "\npilotage:\n  cle_inconnue: 1\n")  # E100
    path.write_text(text, encoding="utf-8")
    done = ctai("validate", target, "--date", DATE, "--format", "json")
    codes = [d["code"] for d in json.loads(done.out)["diagnostics"] if d["path"].endswith("bilans/2023.yaml")]
    assert "CTAI-E100" in codes and "CTAI-E208" in codes

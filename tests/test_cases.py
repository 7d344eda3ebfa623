"""Data-driven tests: each tests/cases/*.yaml breaks a copy of the Dax example one way.

A case file says how to break the copy and which diagnostics must come out,
exactly (no more, no fewer), with the text each one must point at::

    titre: what the case shows
    modifier:                      # replace the first occurrence of a text in a file
      - [actions/2024.yaml, "porteur: ch-dax\\n", "porteur: ch-daxx\\n"]
    ecrire: {avenants/1.yaml: "..."}        # write files (UTF-8)
    ecrire_latin1: {porteurs.yaml: "..."}   # write files encoded in Latin-1
    ecrire_taille: {porteurs.yaml: 3000000} # a file of that many bytes
    creer_dossier: [porteurs.yaml]          # a folder where a file should be
    supprimer: [porteurs.yaml]
    chemin: actions                         # validate this sub-path instead of the copy
    date: 2025-01-01
    attendu:
      sortie: 1
      diagnostics:
        - {code: CTAI-E200, fichier: actions/2024.yaml, a: "ch-daxx", conseil: "ch-dax"}
        - {code: CTAI-E004, fichier: bilans/2023.yaml, ligne: 0}

``a`` is the text the diagnostic points at: its first occurrence (or the
``occurrence``-th) in the file after the changes gives the expected line and
column; a ``^`` inside it marks the exact column (``"axe: ^7"`` points at 7). ``conseil`` and ``message`` are substrings of the hint and message.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import DAX, QUIET_DATE

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def load_case(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def build(case: dict, root: Path) -> Path:
    shutil.copytree(DAX, root)
    for fichier, before, after in case.get("modifier", []):
        target = root / fichier
        text = target.read_text(encoding="utf-8")
        assert before in text, f"{before!r} absent de {fichier}: le cas est périmé"
        target.write_text(text.replace(before, after, 1), encoding="utf-8")
    for fichier in case.get("supprimer", []):
        target = root / fichier
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for fichier, text in case.get("ecrire", {}).items():
        (root / fichier).parent.mkdir(parents=True, exist_ok=True)
        (root / fichier).write_text(text, encoding="utf-8")
    for fichier, text in case.get("ecrire_latin1", {}).items():
        (root / fichier).write_bytes(text.encode("latin-1"))
    for fichier, size in case.get("ecrire_taille", {}).items():
        line = b"# commentaire de remplissage\n"
        (root / fichier).write_bytes(b"porteurs: []\n" + line * (size // len(line) + 1))
    for fichier in case.get("creer_dossier", []):
        target = root / fichier
        if target.exists():
            target.unlink()
        target.mkdir(parents=True)
    return root / case["chemin"] if "chemin" in case else root


def locate(root: Path, expected: dict) -> tuple[int, int]:
    if "ligne" in expected:
        return expected["ligne"], expected.get("colonne", 0)
    text = (root / expected["fichier"]).read_text(encoding="utf-8")
    needle = expected["a"]
    offset = needle.find("^")
    needle = needle.replace("^", "", 1) if offset >= 0 else needle
    index = -1
    for _ in range(expected.get("occurrence", 1)):
        index = text.index(needle, index + 1)
    index += max(offset, 0)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_case(case_path: Path, tmp_path: Path, ctai) -> None:
    case = load_case(case_path)
    root = tmp_path / "dax"
    target = build(case, root)
    run = ctai("validate", target, "--format", "json", "--date", str(case.get("date", QUIET_DATE)))
    report = json.loads(run.out)
    expected = case["attendu"]
    assert run.code == expected["sortie"], run.out
    want = []
    for item in expected["diagnostics"]:
        line, col = locate(root, item)
        path = (root / item["fichier"]).as_posix()
        want.append(((item["code"], path, line, col), item))
    assert sorted(k for k, _ in want) == sorted(
        (d["code"], d["path"], d["line"], d["col"]) for d in report["diagnostics"]
    )
    for key, item in want:
        # Diagnostics at the same place and with the same code: one of them must match.
        candidates = [d for d in report["diagnostics"] if (d["code"], d["path"], d["line"], d["col"]) == key]
        assert any(
            item.get("message", "") in d["message"] and item.get("conseil", "") in (d["hint"] or "")
            for d in candidates
        ), (item, candidates)


def test_every_catalog_code_has_a_case() -> None:
    from ctai_cli.catalog import CATALOG

    covered = {item["code"] for path in CASES for item in load_case(path)["attendu"]["diagnostics"]}
    # Codes that only person files can produce are covered by tests/cases_eligibilite.yaml.
    eligibility = yaml.safe_load(
        (Path(__file__).parent / "cases_eligibilite.yaml").read_text(encoding="utf-8")
    )
    covered |= {case["code"] for case in eligibility["cas"]}
    # Codes of broken document templates: tests/cases_modeles.yaml.
    modeles = yaml.safe_load((Path(__file__).parent / "cases_modeles.yaml").read_text(encoding="utf-8"))
    covered |= {case["code"] for case in modeles["cas"]}
    # Codes that need a git history: tests/test_avenant_cli.py.
    from tests.test_avenant_cli import CODES

    covered |= set(CODES)
    # Codes of hostile input that a case file cannot list whole: tests/test_hostile.py.
    from tests.test_hostile import CODES as HOSTILE

    covered |= set(HOSTILE)
    # Codes of the bilan forms (they need an xlsx file): tests/test_formulaires.py.
    from tests.test_formulaires import CODES as FORMULAIRES

    covered |= set(FORMULAIRES)
    assert sorted(set(CATALOG) - covered) == []

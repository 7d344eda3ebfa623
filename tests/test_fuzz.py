"""The short, deterministic fuzz run (issue 10): a few hundred hostile inputs across every
command, each in a forked child with time and memory limits. Any crash, traceback,
time-out, changed input file or leaked personal datum fails it, listing every defect
with the input to replay (``python -m tests.fuzz --seed 1 --n 300``).
"""

from __future__ import annotations

import os
import sys

import pytest

from tests.fuzz.harness import Cas, _check, executer, generer, rapport

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform != "linux", reason="the harness forks (Linux)"
)


def test_short_fuzz_run_finds_no_defect() -> None:
    results = executer(generer(seed=1, n=300), jobs=2)
    assert len(results) == 300
    assert not [r for r in results if r.defauts], rapport(results)


def test_the_harness_sees_each_kind_of_defect(tmp_path) -> None:
    """The oracle can fail: a crash, a leak, a changed input and an unrequested file."""
    from tests.fuzz.harness import MARQUEUR, Resultat

    cas = Cas("t", ["eligibility", "check"], lambda root: None, donnees_personnelles=True)
    crash = Resultat(cas, 3, None, 0.1, "", "ctai : erreur interne (ValueError)")
    _check(crash, {}, {})
    assert crash.defauts == ["code de sortie 3", "« erreur interne »"]
    leak = Resultat(cas, 1, None, 0.1, f'{{"id": "{MARQUEUR}"}}', "")
    _check(leak, {"a.yaml": "f:1"}, {"a.yaml": "f:2", "b.md": "f:3"})
    assert leak.defauts == [
        "donnée personnelle dans la sortie sans --avec-donnees",
        "fichier d'entrée modifié : a.yaml",
        "fichier écrit sans qu'on le demande : b.md",
    ]
    hang = Resultat(cas, None, 9, 30.0, "", "")
    _check(hang, {}, {})
    assert hang.defauts[0].startswith("tué par le signal 9")


def test_the_harness_catches_a_real_crash() -> None:
    def broken(root) -> None:
        (root / "x").write_text("x", encoding="utf-8")

    # explain with an argument that makes the CLI crash would be a bug; simulate one by
    # running a command on a module attribute we break in the child only.
    cases = [Cas("crash", ["validate", "--date", "2024-01-01", "x"], broken)]
    import ctai_cli.validate as validate_module

    original = validate_module.validate
    validate_module.validate = lambda options: 1 / 0  # inherited by the forked child
    try:
        (result,) = executer(cases, jobs=1)
    finally:
        validate_module.validate = original
    assert "code de sortie 3" in result.defauts

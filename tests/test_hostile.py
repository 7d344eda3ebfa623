"""Hostile and clumsy input (issue 10): each defect found by fuzzing has its regression test here.

Every test runs the real CLI (in-process through ``main``, or as a subprocess where a
hang or a crash of the interpreter is the risk) on real files made in a temporary
folder, and checks the exit code, the French message and that nothing was written or
replaced. The fuzz harness (tests/fuzz/) looks for new defects of the same classes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import QUIET_DATE, ROOT

# Codes a case file of tests/cases/ cannot show (it would have to list every diagnostic).
CODES = ("CTAI-E015",)


def _validate(ctai, root: Path, *extra: str):
    run = ctai("validate", root, "--format", "json", "--date", QUIET_DATE, *extra)
    return run, json.loads(run.out) if run.out.startswith("{") else None


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# --- 1. integers beyond Python's 4 300-digit conversion limit ---------------------------


@pytest.mark.parametrize("digits", [31, 4301, 100_000])
def test_huge_integer_is_e014_not_a_crash(ctai, dax_copy: Path, digits: int) -> None:
    target = dax_copy / "actions" / "2024.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("annee: 2024\n", f"annee: {'9' * digits}\n"),
        encoding="utf-8",
    )
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1, run.err
    codes = [d["code"] for d in report["diagnostics"] if d["path"].endswith("actions/2024.yaml")]
    assert codes == ["CTAI-E014"]
    assert len(run.out) < 10_000


# --- 2. amounts that exact arithmetic cannot format -------------------------------------


@pytest.mark.parametrize("amount", ['"10000000000000000000000000000"', '"1000000000000.00"', "1000000000000"])
def test_amount_beyond_a_thousand_billion_is_refused(ctai, dax_copy: Path, amount: str) -> None:
    target = dax_copy / "actions" / "2024.yaml"
    text = target.read_text(encoding="utf-8")
    assert "montant: 25000}" in text
    target.write_text(text.replace("montant: 25000}", f"montant: {amount}}}", 1), encoding="utf-8")
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1, run.err
    (diagnostic,) = [d for d in report["diagnostics"] if d["code"] == "CTAI-E103"]
    assert "démesuré" in diagnostic["message"]
    for command in (["budget", "reconcile", dax_copy], ["bilan", "render", dax_copy, "--annee", "2024"]):
        refused = ctai(*command)
        assert refused.code == 2 and "erreur(s) dans le contrat" in refused.err


# --- 12. a named pipe or a device in place of a contract file ---------------------------


def _subprocess(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ctai_cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/null"])
def test_special_file_in_place_of_a_contract_file_is_refused_without_reading(
    dax_copy: Path, special: str
) -> None:
    target = dax_copy / "porteurs.yaml"
    target.unlink()
    if special == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(special)
    # A subprocess: reading a pipe with no writer would block the test itself.
    done = _subprocess("validate", str(dax_copy), "--format", "json", "--date", QUIET_DATE, timeout=60)
    assert done.returncode == 1, done.stderr
    (diagnostic,) = [d for d in json.loads(done.stdout)["diagnostics"] if d["path"].endswith("porteurs.yaml")]
    assert diagnostic["code"] == "CTAI-E001"
    assert "pas un fichier ordinaire" in diagnostic["message"]


# --- 13. scalar alias amplification ------------------------------------------------------


def test_long_text_aliased_thousands_of_times_is_e008(ctai, dax_copy: Path) -> None:
    # 135 KB of YAML that would expand to 500 MB of values (and of messages quoting them).
    payload = 'zz: &a "' + "x" * 100_000 + '"\nyy: [' + ", ".join(["*a"] * 5_000) + "]\n"
    _append(dax_copy / "porteurs.yaml", payload)
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1
    (diagnostic,) = [d for d in report["diagnostics"] if d["path"].endswith("porteurs.yaml")]
    assert diagnostic["code"] == "CTAI-E008" and "caractères" in diagnostic["message"]
    assert len(run.out) < 10_000


def test_long_values_are_cut_in_messages(ctai, dax_copy: Path) -> None:
    target = dax_copy / "actions" / "2024.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(
        text.replace("montant: 25000}", 'montant: "' + "9," * 50_000 + '"}', 1), encoding="utf-8"
    )
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1
    (diagnostic,) = [d for d in report["diagnostics"] if d["code"] == "CTAI-E103"]
    assert len(diagnostic["message"]) < 300
    assert "100\u202f000 caractères" in diagnostic["message"]


# --- 14. a hundred thousand unknown keys -------------------------------------------------


def test_problems_beyond_200_in_a_file_are_counted_not_listed(ctai, dax_copy: Path) -> None:
    _append(dax_copy / "porteurs.yaml", "".join(f"k{i}: 1\n" for i in range(100_000)))
    for fmt in ("json", "text"):
        run = ctai("validate", dax_copy, "--format", fmt, "--date", QUIET_DATE)
        assert run.code == 1
        assert len(run.out) < 100_000
    report = json.loads(ctai("validate", dax_copy, "--format", "json", "--date", QUIET_DATE).out)
    ours = [d for d in report["diagnostics"] if d["path"].endswith("porteurs.yaml")]
    assert [d["code"] for d in ours].count("CTAI-E100") == 200
    (summary,) = [d for d in ours if d["code"] == "CTAI-E015"]
    assert (
        "99\u202f800 autres problèmes" in summary["message"] or "99800 autres problèmes" in summary["message"]
    )

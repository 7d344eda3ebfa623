"""Progress bars: on stderr when it is a terminal (a pseudo-terminal here), never when piped.

CTAI_PROGRESSION_DELAI=0 shows the bar at once (normally after about a second of work).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DAX, QUIET_DATE, lire_terminal

CTAI = Path(sys.executable).parent / "ctai"

pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "TERM": "xterm", "CTAI_PROGRESSION_DELAI": "0", "COLUMNS": "100", **extra}


def _stderr_on_a_terminal(args: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    """Run ctai with stderr on a pseudo-terminal and stdout on a pipe."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [str(CTAI), *args], stdout=subprocess.PIPE, stderr=follower, env=_env(), cwd=cwd
    )
    os.close(follower)
    terminal = lire_terminal(leader)
    out, _ = process.communicate(timeout=300)
    os.close(leader)
    return process.returncode, out.decode(), terminal.decode(errors="replace")


def _piped(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CTAI), *args], capture_output=True, text=True, env=_env(), cwd=cwd, timeout=300
    )


VALIDATE = ["validate", str(DAX), str(DAX), "--date", QUIET_DATE]


def test_validate_shows_a_bar_on_a_terminal() -> None:
    code, out, terminal = _stderr_on_a_terminal(VALIDATE)
    assert code == 0, terminal
    assert "validation" in terminal and "/2 contrats" in terminal and "(s)" not in terminal
    assert "validation" not in out  # the report itself is untouched
    assert "14 fichiers dans 2 contrats" in out or "contrats" in out


def test_no_bar_when_stderr_is_piped() -> None:
    done = _piped(VALIDATE)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_no_bar_with_machine_formats(fmt: str) -> None:
    code, _out, terminal = _stderr_on_a_terminal([*VALIDATE, "--format", fmt])
    assert code == 0
    assert "validation" not in terminal


def test_batch_shows_a_bar_when_verdicts_go_to_a_file(tmp_path: Path) -> None:
    rows = tmp_path / "personnes.csv"
    rows.write_text(
        "id,nationalite,date_naissance\n" + "".join(f"p{i},AF,1990-01-01\n" for i in range(50)),
        encoding="utf-8",
    )
    args = ["eligibility", "check", "--batch", str(rows), "--date", "2025-01-01", "-o", "v.jsonl"]
    code, _out, terminal = _stderr_on_a_terminal(args, cwd=tmp_path)
    assert code in (0, 1), terminal
    assert "éligibilité" in terminal and "50 lignes" in terminal and "(s)" not in terminal
    (tmp_path / "v.jsonl").unlink()
    piped = _piped(args, cwd=tmp_path)
    assert "éligibilité" not in piped.stderr
    assert piped.stderr.startswith("Résumé")


def test_document_shows_a_bar_when_written_to_a_file(tmp_path: Path) -> None:
    args = ["bilan", "render", str(DAX), "--annee", "2024", "-o", "bilan.html"]
    code, _out, terminal = _stderr_on_a_terminal(args, cwd=tmp_path)
    assert code == 0, terminal
    assert "document html" in terminal
    (tmp_path / "bilan.html").unlink()
    piped = _piped(args, cwd=tmp_path)
    assert piped.returncode == 0 and piped.stderr == ""

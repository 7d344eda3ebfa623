"""Shared fixtures: the Dax example, copies of it to break, and the CLI run in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DAX = ROOT / "examples" / "dax-2024-2026"
# A date at which no bilan of the Dax example is overdue: keeps W214 out of the way.
QUIET_DATE = "2025-01-01"


def lire_terminal(leader: int) -> bytes:
    """All a process wrote on a pseudo-terminal, read from its ``leader`` side until the process
    closes the other side (the follower, which the caller has closed on its own side already)."""
    import os

    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side is closed: the process is done with it
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _gc_as_before():
    """validate, aggregate and the batch tune the garbage collector for a one-shot process
    (gc.freeze, higher thresholds). Run in-process by a test, that would outlive it: hypothesis 6.100
    then warns from register_random (an error here), and later tests would run another collector
    than the user's. Put it back after each test."""
    import gc

    seuils = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*seuils)


@pytest.fixture
def dax_copy(tmp_path: Path) -> Path:
    target = tmp_path / "dax"
    shutil.copytree(DAX, target)
    return target


@pytest.fixture
def ctai(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the real CLI entry point in-process and capture its output."""
    from ctai_cli.cli import main

    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run

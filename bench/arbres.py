"""Run ctai from two source trees side by side: the current one and a git revision.

Used by bench_startup.py and bench_corpus.py to print « avant » and « après » from one
run, interleaved on the same machine. ``--baseline-rev REV`` checks REV out with
``git worktree add --detach`` into a temporary folder (removed at the end); both trees
run with this same Python, ``PYTHONPATH`` pointing at the tree, from a neutral working
folder (so that neither tree is found through the current folder).

Bytecode: ``PYTHONDONTWRITEBYTECODE`` may be set in this environment; an installed
package has its modules compiled, so the child processes run without it and with
``PYTHONPYCACHEPREFIX`` pointing at a temporary folder, after warm-up runs have compiled
every module they import (typer, pydantic… included). The figures are those of
compiled bytecode, for both trees alike.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAIN = "import sys; from ctai_cli.cli import main; sys.exit(main())"  # as the ctai console script


@dataclass
class Arbre:
    label: str
    path: Path

    def commande(self, *args: str) -> list[str]:
        return [sys.executable, "-c", MAIN, *args]


@dataclass
class Mesures:
    temps: list[float] = field(default_factory=list)

    @property
    def min(self) -> float:
        return min(self.temps)

    @property
    def mediane(self) -> float:
        return statistics.median(self.temps)


def environnement(arbre: Arbre | None, pyc: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPYCACHEPREFIX"] = str(pyc)
    env.pop("GITHUB_ACTIONS", None)
    if arbre is not None:
        env["PYTHONPATH"] = str(arbre.path)
    return env


def chrono(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, done.returncode


def verifier(arbre: Arbre, env: dict[str, str], cwd: Path) -> None:
    """Fail early if the child would import ctai_cli from somewhere else."""
    out = subprocess.run(
        [sys.executable, "-c", "import ctai_cli; print(ctai_cli.__file__)"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(out).resolve().is_relative_to(arbre.path.resolve()):
        raise SystemExit(f"{arbre.label} : ctai_cli importé depuis {out}, pas depuis {arbre.path}")


@contextmanager
def arbres(baseline_rev: str | None) -> Iterator[tuple[list[Arbre], Path]]:
    """The trees to compare (baseline first, if any) and a temporary folder for everything else."""
    tmp = Path(tempfile.mkdtemp(prefix="ctai-bench-"))
    liste = []
    worktree = None
    try:
        if baseline_rev:
            rev = subprocess.run(
                ["git", "-C", str(REPO), "rev-parse", "--short", baseline_rev],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            worktree = tmp / f"avant-{rev}"
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(worktree), rev], check=True
            )
            liste.append(Arbre(f"avant ({rev})", worktree))
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        liste.append(Arbre(f"après ({head}{'+modifs' if dirty else ''})", REPO))
        yield liste, tmp
    finally:
        if worktree is not None:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(worktree)], check=False
            )
        shutil.rmtree(tmp, ignore_errors=True)


def charge() -> str:
    """The load average, as ``uptime`` prints it (1, 5 and 15 minutes)."""
    un, cinq, quinze = os.getloadavg()
    return f"charge {un:.2f} {cinq:.2f} {quinze:.2f} (1, 5, 15 min) sur {os.cpu_count()} cœurs"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"

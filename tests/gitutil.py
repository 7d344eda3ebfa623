"""Real git repositories in temporary folders, for the avenant tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DAX

NEW_ACTION = """
  - id: atelier-numerique
    axe: 4
    porteur: ville-dax
    titre: Atelier numérique
    publics: [EPA, BPI]
    budget:
      etat_bop104: 5000
"""


@pytest.fixture(autouse=True)
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Git independent of the user's configuration and of any enclosing repository."""
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Coordinatrice CTAI")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "ctai@example.org")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def annexe_2025() -> str:
    """The 2024 annexe carried over to 2025, before any payment (no versements yet)."""
    text = (DAX / "actions" / "2024.yaml").read_text(encoding="utf-8")
    text = text.replace("annee: 2024", "annee: 2025", 1)
    # The club carries over its 2024 reliquat (bilans/2024.yaml), as the example's own 2025 annexe does.
    text = text.replace(
        "      etat_bop104: 8000\n",
        "      etat_bop104: 8000\n      report_entrant:\n        - depuis_action: club-emploi\n"
        "          montant: 2800\n          decision: {date: 2025-02-11, reference: Copil du 11 février 2025}\n",
        1,
    )
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if not re.match(r"\s+versements:", line) and not re.match(r"\s+- \{date: 2024-", line)
    )


def make_repo(tmp_path: Path, sub: str = "contrats/dax") -> tuple[Path, Path]:
    """A repository whose first commit on main holds the Dax example plus an actions/2025.yaml."""
    repo = tmp_path / "depot"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    contract = repo / sub if sub else repo
    shutil.copytree(DAX, contract, dirs_exist_ok=True)
    (contract / "actions" / "2025.yaml").write_text(annexe_2025(), encoding="utf-8")
    (repo / "notes.pdf").write_bytes(b"%PDF-1.4 not read")
    commit(repo, "Contrat de Dax, annexe 2025")
    return repo, contract

"""The pre-commit hook of ctai (.pre-commit-hooks.yaml), run by the real pre-commit.

pre-commit installs ctai from a git repository. ``pre-commit try-repo`` on the work
tree of ctai only carries *tracked* files into its shadow repository (``git add -u``):
an uncommitted new file, such as a new hook manifest, would be missing. So the tests
first commit a snapshot of the work tree (tracked and untracked, ignored files left
out) in a temporary repository, which pre-commit then installs like any hook
repository: pip builds ctai and installs its dependencies from PyPI.

Skipped when git or pre-commit is missing, unless ``CTAI_REQUIRE_PRECOMMIT=1``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from ctai_cli import scaffold
from tests.conftest import ROOT

REQUIRED = os.environ.get("CTAI_REQUIRE_PRECOMMIT") == "1"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_TERMINAL_PROMPT": "0",
}


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (CTAI_REQUIRE_PRECOMMIT=1)")
    pytest.skip(reason)


def _pre_commit() -> list[str]:
    if shutil.which("git") is None:
        _missing("git absent")
    if importlib.util.find_spec("pre_commit") is None:
        _missing("pre-commit absent (pip install 'pre-commit>=3', ou l'extra dev)")
    return [sys.executable, "-m", "pre_commit"]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 120):
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, **GIT_ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _git(cwd: Path, *args: str) -> str:
    done = _run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- quick: the manifest and the generated configuration --------------------------------


def test_hook_manifest_is_valid() -> None:
    pre_commit = _pre_commit()
    done = _run([*pre_commit, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")], ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "ctai-validate" and hook["entry"] == "ctai validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is False
    assert hook["files"] == r"\.ya?ml$"


def test_generated_config_is_valid(ctai, tmp_path: Path) -> None:
    pre_commit = _pre_commit()
    assert ctai("init", tmp_path, "--ci", "aucun").code == 0
    done = _run([*pre_commit, "validate-config", str(tmp_path / ".pre-commit-config.yaml")], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


# --- slow: pre-commit builds an environment with ctai ------------------------------------


@pytest.fixture(scope="session")
def ctai_snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The ctai work tree, committed as it is in a temporary repository: (path, commit)."""
    _pre_commit()
    if not (ROOT / ".git").exists():
        _missing(f"{ROOT} n'est pas un dépôt git : impossible d'y prendre le hook")
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
    assert listed.returncode == 0, listed.stderr
    snapshot = tmp_path_factory.mktemp("ctai-snapshot")
    for rel in filter(None, listed.stdout.split("\0")):
        source = ROOT / rel
        if not (source.is_file() or source.is_symlink()):
            continue  # deleted in the work tree, or a submodule
        target = snapshot / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "--no-verify", "-m", "instantané de ctai")
    return snapshot, _git(snapshot, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache, shared by the runs of this session, away from the user's."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def contract_repo(ctai, tmp_path: Path) -> Callable[[], Path]:
    def make(**replace: str) -> Path:
        repo = tmp_path / "contrat"
        assert ctai("init", repo, "--territoire", "Dax", "--departement", "40", "--ci", "aucun").code == 0
        config = repo / ".pre-commit-config.yaml"
        text = config.read_text(encoding="utf-8")
        for old, new in replace.items():
            assert old in text
            text = text.replace(old, new)
        config.write_text(text, encoding="utf-8")
        _git(repo, "init", "-q")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "--no-verify", "-m", "Contrat CTAI : création")
        return repo

    return make


def _report(done: subprocess.CompletedProcess[str]) -> str:
    return f"code {done.returncode}\n{done.stdout}\n{done.stderr}"


@pytest.mark.slow
def test_try_repo_passes_on_the_scaffold(contract_repo, ctai_snapshot, pre_commit_home: Path) -> None:
    pre_commit = _pre_commit()
    snapshot, _ = ctai_snapshot
    repo = contract_repo()
    done = _run(
        [*pre_commit, "try-repo", str(snapshot), "ctai-validate", "--all-files", "--color", "never"],
        repo,
        {"PRE_COMMIT_HOME": str(pre_commit_home)},
        timeout=900,
    )
    assert done.returncode == 0, _report(done)
    assert "ctai validate" in done.stdout and "Passed" in done.stdout


@pytest.mark.slow
def test_generated_config_passes_then_fails_on_a_broken_file(
    contract_repo, ctai_snapshot, pre_commit_home: Path
) -> None:
    pre_commit = _pre_commit()
    snapshot, commit = ctai_snapshot
    # The generated configuration, pointed at the snapshot instead of the placeholder URL.
    repo = contract_repo(
        **{scaffold.CTAI_GIT_URL: str(snapshot), f"rev: {scaffold.CTAI_REV}": f"rev: {commit}"}
    )
    env = {"PRE_COMMIT_HOME": str(pre_commit_home)}
    run = [*pre_commit, "run", "--all-files", "--color", "never"]

    clean = _run(run, repo, env, timeout=900)
    assert clean.returncode == 0, _report(clean)
    assert "Passed" in clean.stdout

    contrat = repo / "contrat.yaml"
    contrat.write_text(
        contrat.read_text(encoding="utf-8").replace("statut: projet", "statu: projet"), encoding="utf-8"
    )
    broken = _run(run, repo, env, timeout=900)
    assert broken.returncode != 0, _report(broken)
    assert "CTAI-E100" in broken.stdout and "contrat.yaml" in broken.stdout
    assert "Failed" in broken.stdout

    # Only YAML files trigger the hook: a README change alone is not validated.
    contrat.write_text(
        contrat.read_text(encoding="utf-8").replace("statu: projet", "statut: projet"), encoding="utf-8"
    )
    _git(repo, "add", "-A")
    (repo / "README.md").write_text("# modifié\n", encoding="utf-8")
    _git(repo, "add", "README.md")
    skipped = _run([*pre_commit, "run", "--color", "never"], repo, env, timeout=900)
    assert skipped.returncode == 0, _report(skipped)
    assert "no files to check" in skipped.stdout and "Skipped" in skipped.stdout

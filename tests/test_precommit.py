"""The pre-commit hook of ctai (.pre-commit-hooks.yaml), run by the real pre-commit.

A hook repository is installed by pre-commit with pip, from the package registry:
slow, and at the mercy of the network. These tests never download anything. They
check the manifest and the configuration ``ctai init`` writes with pre-commit's own
validators, then run the manifest's hook as a *local* hook (``repo: local``,
``language: system``): the same id, entry, file pattern and ``pass_filenames``, with
the ctai of this environment on PATH. What pip would install is the package this
test suite runs on.

Skipped when git or pre-commit is missing, unless ``CTAI_REQUIRE_PRECOMMIT=1``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
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
    assert ctai("init", tmp_path, "--ci", "aucun", "--debut", "2026", "--fin", "2028").code == 0
    done = _run([*pre_commit, "validate-config", str(tmp_path / ".pre-commit-config.yaml")], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


# --- the manifest's hook, run by pre-commit on a contract repository ----------------------


def _manifest_hook() -> dict:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook


def _local_config(hook: dict) -> str:
    """The manifest's hook as a local hook, run with the ctai installed here."""
    local = {
        key: value for key, value in hook.items() if key not in ("language", "minimum_pre_commit_version")
    }
    local["language"] = "system"
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}, sort_keys=False)


def _env(home: Path) -> dict[str, str]:
    # The ctai of this environment first on PATH; pre-commit's cache away from the user's.
    scripts = str(Path(sys.executable).parent)
    return {"PATH": scripts + os.pathsep + os.environ.get("PATH", ""), "PRE_COMMIT_HOME": str(home)}


@pytest.fixture
def contract_repo(ctai, tmp_path: Path) -> Path:
    """A repository made by ``ctai init``, its pre-commit hook pointed at the manifest's, committed."""
    repo = tmp_path / "contrat"
    args = ("--territoire", "Dax", "--departement", "40", "--debut", "2026", "--fin", "2028", "--ci", "aucun")
    assert ctai("init", repo, *args).code == 0
    generated = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (remote,) = generated["repos"]
    assert remote["repo"] == scaffold.CTAI_GIT_URL and remote["rev"] == scaffold.CTAI_REV
    hook = _manifest_hook()
    assert [h["id"] for h in remote["hooks"]] == [hook["id"]]
    (repo / ".pre-commit-config.yaml").write_text(_local_config(hook), encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--no-verify", "-m", "Contrat CTAI : création")
    return repo


def _report(done: subprocess.CompletedProcess[str]) -> str:
    return f"code {done.returncode}\n{done.stdout}\n{done.stderr}"


def test_hook_passes_then_fails_on_a_broken_file(contract_repo: Path, tmp_path: Path) -> None:
    pre_commit = _pre_commit()
    env = _env(tmp_path / "pre-commit-home")
    run = [*pre_commit, "run", "--all-files", "--color", "never"]

    clean = _run(run, contract_repo, env)
    assert clean.returncode == 0, _report(clean)
    assert "ctai validate" in clean.stdout and "Passed" in clean.stdout

    contrat = contract_repo / "contrat.yaml"
    contrat.write_text(
        contrat.read_text(encoding="utf-8").replace("statut: projet", "statu: projet"), encoding="utf-8"
    )
    broken = _run(run, contract_repo, env)
    assert broken.returncode != 0, _report(broken)
    assert "CTAI-E100" in broken.stdout and "contrat.yaml" in broken.stdout
    assert "Failed" in broken.stdout


def test_hook_runs_only_when_a_yaml_file_changes(contract_repo: Path, tmp_path: Path) -> None:
    pre_commit = _pre_commit()
    env = _env(tmp_path / "pre-commit-home")
    (contract_repo / "README.md").write_text("# modifié\n", encoding="utf-8")
    _git(contract_repo, "add", "README.md")
    skipped = _run([*pre_commit, "run", "--color", "never"], contract_repo, env)
    assert skipped.returncode == 0, _report(skipped)
    assert "no files to check" in skipped.stdout and "Skipped" in skipped.stdout

    (contract_repo / "porteurs.yaml").write_text(
        (contract_repo / "porteurs.yaml").read_text(encoding="utf-8") + "# relu\n", encoding="utf-8"
    )
    _git(contract_repo, "add", "porteurs.yaml")
    ran = _run([*pre_commit, "run", "--color", "never"], contract_repo, env)
    assert ran.returncode == 0, _report(ran)
    assert "Passed" in ran.stdout

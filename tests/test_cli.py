"""The real command line: in-process entry point, typer's runner, and subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import DAX, ROOT

HEAVY = ("pydantic", "jinja2", "ruamel", "yaml", "rich", "babel", "stdnum")


def _subprocess(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ctai_cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.mark.parametrize("args", [["--help"], ["--version"], []])
def test_help_does_not_import_heavy_libraries(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from ctai_cli.cli import main\n"
        f"rc = main({args!r})\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(repr(heavy)); sys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode in (0, 2), done.stderr  # no arguments: help, exit 2 as click does
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_no_help_page_imports_heavy_libraries() -> None:
    """Start-up stays at typer's cost: every subcommand's --help, in one process.

    typer 0.29 coerces parameters through pydantic (ctai_cli.commands._aide steps
    around it); a Path annotation or a module-level import in a command would
    bring pydantic, rich or yaml back here.
    """
    code = (
        "import contextlib, io, sys\n"
        "from typer.main import get_command\n"
        "from ctai_cli.cli import app, main\n"
        "def paths(cmd, prefix):\n"
        "    yield prefix\n"
        "    for name, sub in sorted(getattr(cmd, 'commands', {}).items()):\n"
        "        yield from paths(sub, [*prefix, name])\n"
        "seen = []\n"
        "for path in paths(get_command(app), []):\n"
        "    with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "        rc = main([*path, '--help'])\n"
        "    assert rc == 0 and 'Utilisation' in out.getvalue(), (path, rc)\n"
        "    seen.append(' '.join(path))\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(len(seen), repr(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    count, heavy = done.stdout.strip().split(" ", 1)
    assert int(count) > 15  # the root, the groups and every command
    assert heavy == "[]"


def test_console_script_validates_the_example() -> None:
    script = Path(sys.executable).parent / "ctai"
    done = subprocess.run(
        [str(script), "validate", str(DAX), "--date", "2025-01-01"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The one warning: the example's illustrative reversement has no decision (none is invented).
    assert "avertissement CTAI-W246" in done.stdout and "0 erreur, 1 avertissement" in done.stdout


def test_module_entry_point_reports_overdue_bilans_as_warnings() -> None:
    done = _subprocess("validate", "examples/dax-2024-2026", "--date", "2026-11-23", "--format", "json")
    assert done.returncode == 0
    report = json.loads(done.stdout)
    assert [d["code"] for d in report["diagnostics"]] == ["CTAI-W246", "CTAI-W214"]
    strict = _subprocess("validate", "examples/dax-2024-2026", "--date", "2026-11-23", "--strict")
    assert strict.returncode == 1


def test_github_format_is_the_default_on_github_actions() -> None:
    done = _subprocess(
        "validate", "examples/dax-2024-2026", "--date", "2026-11-23", env={"GITHUB_ACTIONS": "true"}
    )
    assert done.stdout.startswith(
        "::warning file=examples/dax-2024-2026/bilans/2024.yaml,line=25,col=20,title=CTAI-W246"
    )
    assert "\n::warning file=examples/dax-2024-2026/contrat.yaml,line=" in done.stdout


def test_typer_runner(tmp_path: Path) -> None:
    from ctai_cli.cli import app

    result = CliRunner().invoke(app, ["validate", str(DAX), "--date", "2025-01-01", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["contracts"] == 1


def test_several_contracts_at_once(ctai, dax_copy: Path) -> None:
    run = ctai("validate", DAX, dax_copy, "--date", "2025-01-01", "--format", "json")
    assert run.code == 0
    assert json.loads(run.out)["summary"] == {"errors": 0, "warnings": 2, "files": 14, "contracts": 2}


def test_default_path_is_the_current_folder(ctai, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DAX)
    run = ctai("validate", "--date", "2025-01-01")
    assert run.code == 0
    assert "7 fichiers dans 1 contrat" in run.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", str(DAX), "--format", "xml"], "format « xml » inconnu"),
        (["validate", str(DAX), "--date", "17/10/2024"], "date invalide"),
        (["explain", "E999"], "code « E999 » inconnu"),
        (["validate", "--nope"], "--nope"),
    ],
)
def test_usage_errors_exit_2(ctai, args: list[str], message: str) -> None:
    run = ctai(*args)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err


def test_relative_paths_in_text_output(ctai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    shutil.copytree(DAX, tmp_path / "dax")
    (tmp_path / "dax" / "porteurs.yaml").write_text("porteurs: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = ctai("validate", "dax", "--date", "2025-01-01")
    assert run.code == 1
    assert "dax/porteurs.yaml:2:1: erreur CTAI-E005" in run.out


def test_explain(ctai) -> None:
    run = ctai("explain", "e103")
    assert run.code == 0
    assert run.out.startswith("CTAI-E103 — Montant invalide")
    assert "1200.50" in run.out
    listing = ctai("explain")
    from ctai_cli.catalog import CATALOG
    from ctai_cli.commands.explain import SUJETS

    assert len(listing.out.strip().splitlines()) == len(CATALOG) + len(SUJETS)


def test_internal_bug_exits_3_without_traceback(ctai, monkeypatch: pytest.MonkeyPatch) -> None:
    import ctai_cli.validate

    def boom(options, *rest):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(ctai_cli.validate, "validate", boom)
    run = ctai("validate", DAX)
    assert run.code == 3
    assert "erreur interne" in run.err and "panne simulée" in run.err
    assert "Traceback" not in run.err
    monkeypatch.setenv("CTAI_DEBUG", "1")
    run = ctai("validate", DAX)
    assert run.code == 3 and "Traceback" in run.err


def test_keyboard_interrupt_exits_130(ctai, monkeypatch: pytest.MonkeyPatch) -> None:
    import ctai_cli.validate

    def interrupted(options, *rest):
        raise KeyboardInterrupt

    monkeypatch.setattr(ctai_cli.validate, "validate", interrupted)
    assert ctai("validate", DAX).code == 130

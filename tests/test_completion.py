"""Shell completion through typer's standard options, exercised in a real bash.

``ctai --show-completion`` prints the script; bash sources it and calls its function
the way bash does on TAB (COMP_WORDS, COMP_CWORD); the script runs ctai with
``_CTAI_COMPLETE=complete_bash``. Values are dynamic: years and action ids of the
contract in the current folder, diagnostic codes for ``explain``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DAX

CTAI = Path(sys.executable).parent / "ctai"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed"),
]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{CTAI.parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("_CTAI_COMPLETE", None)
    return env


def _bash_complete(words: list[str], cwd: Path) -> list[str]:
    """What bash offers on TAB after ``words`` (the last one is being typed)."""
    script = (
        'eval "$(ctai --show-completion)"\n'
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_ctai_completion ctai\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line]


def test_the_bash_script_is_typers_standard_one() -> None:
    done = subprocess.run(
        # « ; true »: bash would exec a lone command, and typer detects the shell from the parent.
        ["bash", "--norc", "--noprofile", "-c", "ctai --show-completion; true"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "_CTAI_COMPLETE=complete_bash" in done.stdout
    assert "complete -o default -F _ctai_completion ctai" in done.stdout


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["ctai", "expl"], ["explain"]),
        (["ctai", "budget", "rec"], ["reconcile"]),
        (["ctai", "budget", "reconcile", "--an"], ["--annee"]),
        (["ctai", "budget", "reconcile", "--annee", ""], ["2023", "2024", "2025"]),
        (["ctai", "fiche", "render", "--annee", "202"], ["2023", "2024", "2025"]),
        (["ctai", "bilan", "render", "--annee", ""], ["2023", "2024"]),
        (["ctai", "fiche", "render", "pa"], ["parcours-integration", "parentalite-laep", "pas-hopital"]),
        (["ctai", "explain", "E10"], ["E100", "E101", "E102", "E103", "E104", "E105"]),
        (["ctai", "explain", "fo"], ["format"]),
    ],
)
def test_bash_completes_commands_options_and_values(words: list[str], expected: list[str]) -> None:
    offered = _bash_complete(words, DAX)
    assert offered[: len(expected)] == expected or set(expected) <= set(offered), offered


def test_the_contract_named_on_the_line_gives_the_years(tmp_path: Path) -> None:
    offered = _bash_complete(["ctai", "budget", "reconcile", str(DAX), "--annee", ""], tmp_path)
    assert offered == ["2023", "2024", "2025"]


def test_no_contract_no_values(tmp_path: Path) -> None:
    assert _bash_complete(["ctai", "budget", "reconcile", "--annee", ""], tmp_path) == []


@pytest.mark.parametrize(
    ("shell", "env", "expected"),
    [
        ("zsh", {"_TYPER_COMPLETE_ARGS": "ctai explain E10"}, "E101"),
        (
            "fish",
            {"_TYPER_COMPLETE_ARGS": "ctai fiche render --annee ", "_TYPER_COMPLETE_FISH_ACTION": "get-args"},
            "2024",
        ),
    ],
)
def test_zsh_and_fish_protocols(shell: str, env: dict[str, str], expected: str) -> None:
    done = subprocess.run(
        [str(CTAI)],
        cwd=DAX,
        env={**_env(), "_CTAI_COMPLETE": f"complete_{shell}", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert expected in done.stdout, (done.stdout, done.stderr)


def test_install_completion_speaks_french_and_installs_a_working_script(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**_env(), "HOME": str(home)}
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", "ctai --install-completion; true"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    script = home / ".bash_completions" / "ctai.sh"
    assert done.stdout.splitlines() == [
        f"Complétion bash installée dans {script}.",
        "Elle prendra effet au prochain démarrage du terminal.",
    ]
    assert f"source '{script}'" in (home / ".bashrc").read_text(encoding="utf-8")
    check = subprocess.run(
        [
            "bash",
            "--norc",
            "--noprofile",
            "-c",
            f"source '{script}'; COMP_WORDS=(ctai expl); COMP_CWORD=1; _ctai_completion ctai; "
            'echo "${COMPREPLY[@]}"',
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.stdout.split() == ["explain"]

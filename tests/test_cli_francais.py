"""Every text of the command line is French: help pages, usage lines, usage errors.

The framework (typer and its own copy of click) words everything in English; ctai
writes its help pages and re-renders its usage errors (ctai_cli/commands/_aide.py).
These tests drive every command and sub-command with --help, an unknown option,
each option without its value, a missing argument, a bad value and extra arguments,
and fail on any word of an English list.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import DAX

# Words of the framework's English texts (click, typer, pydantic) that no French
# message of ours uses. Option names (--install-completion…) are removed first.
ENGLISH = {
    "error",
    "show",
    "this",
    "message",
    "exit",
    "missing",
    "invalid",
    "value",
    "such",
    "command",
    "commands",
    "did",
    "you",
    "mean",
    "try",
    "help",
    "for",
    "the",
    "got",
    "unexpected",
    "extra",
    "requires",
    "does",
    "not",
    "take",
    "input",
    "should",
    "be",
    "valid",
    "integer",
    "str",
    "int",
    "list",
    "default",
    "required",
    "install",
    "completion",
    "current",
    "customize",
    "aborted",
    "is",
    "of",
    "file",
    "path",
    "paths",
    "person",
    "no",
    "parameter",
    "argument(s)",
    "args",
    "arguments.",
}


def _words(text: str) -> set[str]:
    text = re.sub(r"(?<![\w])--?[\w-]+", " ", text)  # option names are not sentences
    text = re.sub(r"\b[A-Z_]{2,}\b", " ", text)  # metavars and environment variables
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}


def _english(text: str) -> set[str]:
    return _words(text) & ENGLISH


def _commands() -> list[tuple[list[str], object]]:
    from typer.main import get_command

    from ctai_cli.cli import app

    found: list[tuple[list[str], object]] = []

    def walk(path: list[str], command: object) -> None:
        found.append((path, command))
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk([*path, name], sub)

    walk([], get_command(app))
    return found


COMMANDS = _commands()
IDS = [" ".join(p) or "ctai" for p, _ in COMMANDS]


def _is_group(command: object) -> bool:
    return bool(getattr(command, "commands", None))


def _options_with_value(command: object) -> list[str]:
    return [
        max(p.opts, key=len)
        for p in command.params  # type: ignore[attr-defined]
        if p.param_type_name == "option" and not p.is_flag and not p.hidden
    ]


@pytest.fixture(autouse=True)
def _in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Commands that get past parsing meet an empty folder: a French error, nothing written.
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_is_french(ctai, path: list[str], command: object) -> None:
    run = ctai(*path, "--help")
    assert run.code == 0, run.err
    assert run.out.startswith(f"Utilisation : {' '.join(['ctai', *path])} ")
    assert not _english(run.out), (_english(run.out), run.out)
    for typename in ("Usage:", "TEXT", "INTEGER", "BOOLEAN", "PATH", "<str>", "<int>", "list[", "{"):
        assert typename not in run.out, run.out
    assert "Affiche cette aide et quitte." in run.out
    if _is_group(command):
        assert "Commandes :" in run.out


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_parameter_has_a_french_name(path: list[str], command: object) -> None:
    for param in command.params:  # type: ignore[attr-defined]
        if param.param_type_name == "argument" or not param.is_flag:
            assert param.metavar and param.metavar == param.metavar.upper(), (path, param.name)
        assert param.help, (path, param.name)


def _bad_runs(path: list[str], command: object) -> list[list[str]]:
    runs = [[*path, "--nope"], [*path, "--formt", "json"]]
    if _is_group(command):
        first = next(iter(command.commands))  # type: ignore[attr-defined]
        runs += [[*path, first[:-1]], [*path, "zzz"], path] if path else [[first[:-1]], ["zzz"]]
        return runs
    for option in _options_with_value(command):
        runs.append([*path, option])  # the value is missing
    names = {o for p in command.params for o in getattr(p, "opts", ())}  # type: ignore[attr-defined]
    if "--annee" in names:
        runs += [[*path, "--annee", "deux-mille"], [*path, "--annee", "20255"]]
    if "--format" in names:
        runs.append([*path, "--format", "xml"])
    if "--date" in names:
        runs.append([*path, "--date", "17/10/2024"])
    if "--debut" in names:
        runs.append([*path, "--debut", "x"])
    if "--output" in names:
        runs.append([*path, str(DAX), "--format", "json", "--output", "sortie.md"])
    if "--force" in names and "--output" in names:
        runs.append([*path, str(DAX), "--force"])
    if not any(p.nargs == -1 for p in command.params if p.param_type_name == "argument"):  # type: ignore[attr-defined]
        runs.append([*path, "un", "deux", "trois", "quatre"])
    if any(p.required for p in command.params):  # type: ignore[attr-defined]
        runs.append(path)
    return runs


BAD = [(run, command) for path, command in COMMANDS for run in _bad_runs(path, command)]


@pytest.mark.parametrize(("args", "command"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_usage_errors_are_french(ctai, args: list[str], command: object) -> None:
    run = ctai(*args)
    assert run.code == 2, (run.out, run.err)
    assert "Traceback" not in run.err
    text = run.out + run.err
    assert not _english(text), (_english(text), text)
    assert "Usage:" not in text and "Error:" not in text, text
    assert run.err.startswith("ctai : ") or run.err.startswith("Utilisation : "), run.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validat"], "commande « validat » inconnue ; vouliez-vous dire « validate » ?"),
        (["validate", "--strct"], "option « --strct » inconnue ; vouliez-vous dire --strict ?"),
        (["budget", "reconcile", "--annee"], "l'option « --annee » attend une valeur (ANNÉE)"),
        (["validate", "--strict=oui"], "l'option « --strict » ne prend pas de valeur"),
        (["bilan", "render"], "option « --annee » obligatoire manquante"),
        (["eligibility", "test"], "argument SCÉNARIOS manquant"),
        (["budget", "reconcile", "--annee", "abc"], "--annee : « abc » n'est pas une année"),
        (["explain", "E200", "E201"], "argument en trop : E201"),
        (["explain", "E200", "E201", "E202"], "arguments en trop : E201 E202"),
        (
            ["budget", "reconcile", str(DAX), "-f", "csv", "-o", "x.json"],
            "--format csv et --output x.json se contredisent",
        ),
        (["budget", "reconcile", str(DAX), "--force"], "--force ne sert qu'avec --output"),
        (
            ["fiche", "render", str(DAX), "-o", "f.docx"],
            "extension .docx inconnue ; précisez --format (md, html, pdf)",
        ),
        (
            ["budget", "reconcile", str(DAX), "-o", "r.md"],
            "l'extension .md annonce le format md, que cette commande",
        ),
    ],
)
def test_usage_error_messages(ctai, args: list[str], expected: str) -> None:
    run = ctai(*args)
    assert run.code == 2
    assert expected in run.err, run.err


def test_usage_line_and_help_hint_follow_the_error(ctai) -> None:
    run = ctai("budget", "reconcile", "--zzzz")
    assert run.err.splitlines() == [
        "ctai : option « --zzzz » inconnue",
        "Utilisation : ctai budget reconcile [OPTIONS] [DOSSIER]",
        "Aide : ctai budget reconcile --help",
    ]


def test_a_group_without_command_shows_its_help(ctai) -> None:
    run = ctai("budget")
    assert run.code == 2
    assert run.err.startswith("Utilisation : ctai budget [OPTIONS] COMMANDE")
    assert "reconcile" in run.err


@pytest.mark.parametrize(
    ("args", "output", "start"),
    [
        (["budget", "reconcile", str(DAX)], "r.json", "{"),
        (["budget", "reconcile", str(DAX)], "r.csv", "nature,annee,"),
        (["budget", "reconcile", str(DAX)], "r.txt", "ILLUSTRATIF — ce rapprochement"),
        (["bilan", "render", str(DAX), "--annee", "2024"], "b.html", "<!DOCTYPE html>"),
        (["bilan", "render", str(DAX), "--annee", "2024"], "b.md", "# "),
        (["fiche", "render", str(DAX), "copilotage", "--annee", "2024"], "f.html", "<!DOCTYPE html>"),
    ],
)
def test_format_follows_the_output_extension(ctai, args, output: str, start: str) -> None:
    run = ctai(*args, "--output", output)
    assert run.code == 0, run.err
    assert Path(output).read_text(encoding="utf-8").startswith(start)


def test_batch_output_extension_gives_jsonl(ctai, tmp_path: Path) -> None:
    rows = tmp_path / "personnes.csv"
    rows.write_text("id,nationalite,date_naissance\np1,AF,1990-01-01\n", encoding="utf-8")
    run = ctai("eligibility", "check", "--batch", rows, "--date", "2025-01-01", "--output", "v.jsonl")
    assert run.code in (0, 1), run.err
    import json

    lines = Path("v.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["p1"]


def test_avec_donnees_without_json_is_refused(ctai, tmp_path: Path) -> None:
    rows = tmp_path / "personnes.csv"
    rows.write_text("id,nationalite\np1,AF\n", encoding="utf-8")
    run = ctai("eligibility", "check", "--batch", rows, "--avec-donnees")
    assert run.code == 2
    assert "--avec-donnees ne s'emploie qu'avec --format json" in run.err
    assert ctai("eligibility", "check", "--nationalite", "AF", "--avec-donnees").code == 2


TEMPLATE_ENGLISH = ENGLISH | {
    "unsafe",
    "access",
    "attribute",
    "undefined",
    "filter",
    "named",
    "expected",
    "template",
    "end",
    "object",
    "unsupported",
    "operand",
    "str",
    "dict",
    "index",
    "out",
    "range",
    "encountered",
    "unknown",
    "tag",
    "callable",
}


@pytest.mark.parametrize(
    ("template", "code", "line"),
    [
        ("{{ doc.__class__ }}", "CTAI-E302", 1),
        ("{{ doc.__class__.__mro__ }}", "CTAI-E302", 1),
        ("{{ ''.__class__ }}", "CTAI-E302", 1),
        ("a\n{% if doc %}\n", "CTAI-E300", 2),
        ("{{ doc | pas_un_filtre }}", "CTAI-E300", 1),
        ("{% pasunebalise %}", "CTAI-E300", 1),
        ("{{ doc is pasuntest }}", "CTAI-E300", 1),
        ("{{ (1, 2 }}", "CTAI-E300", 1),
        ("{% block a %}{% endblock %}{% block a %}{% endblock %}", "CTAI-E300", 1),
        ("{% include 'absent.j2' %}", "CTAI-E300", 1),
        ("\n{{ doc.pas_un_champ }}", "CTAI-E301", 2),
        ("{{ pas_une_variable }}", "CTAI-E301", 1),
        ("{{ none.x }}", "CTAI-E301", 1),
        ("{{ [1][5] }}", "CTAI-E301", 1),
        ("{{ 1 + 'a' }}", "CTAI-E303", 1),
        ("{{ 1 // 0 }}", "CTAI-E303", 1),
        ("{{ {'a': 1}['b'] }}", "CTAI-E301", 1),
        ("{{ 'a' * 'b' }}", "CTAI-E303", 1),
    ],
)
def test_template_errors_are_french_at_column_1(ctai, template: str, code: str, line: int) -> None:
    folder = Path("modeles")
    folder.mkdir()
    (folder / "bilan.md.j2").write_text(template, encoding="utf-8")
    run = ctai("bilan", "render", DAX, "--annee", "2024", "--templates", folder)
    assert run.code == 2, (run.out, run.err)
    first = run.err.splitlines()[0]
    assert first.startswith(f"modeles/bilan.md.j2:{line}:1: erreur {code} "), run.err
    # « … » quotes the template (Jinja syntax: « {% if x is defined %} »), not a sentence.
    words = _words(re.sub(r"«[^»]*»", " ", run.err))
    assert not words & TEMPLATE_ENGLISH, (words & TEMPLATE_ENGLISH, run.err)
    assert not Path("bilan.md").exists()


def test_a_closed_pipe_is_not_an_error() -> None:
    import subprocess
    import sys

    ctai = Path(sys.executable).parent / "ctai"
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{ctai}' explain | head -2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2
    assert done.stderr == ""


def test_e105_lists_the_allowed_values_once(ctai, dax_copy: Path) -> None:
    annexe = dax_copy / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    annexe.write_text(text.replace("publics: [EPA, BPI, BPT]", "publics: [EPA, BPI, XYZ]", 1), "utf-8")
    run = ctai("validate", dax_copy, "--date", "2025-01-01")
    assert run.code == 1
    e105 = [line for line in run.out.splitlines() if "CTAI-E105" in line]
    assert len(e105) == 1
    block = run.out[run.out.index(e105[0]) :].split("\n", 2)
    assert (block[0] + block[1]).count("EPA, BPI, BPT") == 1, block[:2]


def test_hints_refer_to_what_an_installed_user_has(ctai) -> None:
    """No message, hint or help text sends the user to the source tree (docs/, examples/)."""
    from ctai_cli.catalog import CATALOG

    texts = [f"{e.message} {e.explanation} {e.hint}" for e in CATALOG.values()]
    texts += [ctai(*path, "--help").out for path, _ in COMMANDS]
    for text in texts:
        assert "docs/" not in text and "examples/" not in text and "templates/" not in text, text


@pytest.mark.parametrize("sujet", ["format", "documents", "formulaires"])
def test_documentation_is_readable_offline(ctai, sujet: str) -> None:
    from ctai_cli.commands.explain import SUJETS, docs_folder

    run = ctai("explain", sujet)
    assert run.code == 0
    assert run.out == (docs_folder() / SUJETS[sujet][0]).read_text(encoding="utf-8")
    assert sujet in ctai("explain").out


def test_the_wheel_carries_the_documentation() -> None:
    import tomllib

    from tests.conftest import ROOT

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    # explain.docs_folder() looks for ctai_cli/docs first (installed), then docs/ (source tree).
    assert included["docs"] == "ctai_cli/docs"


def test_readme_help_samples_are_what_ctai_prints(ctai, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import ROOT

    monkeypatch.setenv("COLUMNS", "88")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    samples = re.findall(r"```text\n\$ (ctai [^\n]*--help)\n(.*?)```", readme, re.DOTALL)
    assert samples
    for command, shown in samples:
        assert ctai(*command.split()[1:]).out == shown, command

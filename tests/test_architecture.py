"""Layering: the library core never imports the command-line skin."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "ctai_cli"
SKIN = {"ctai_cli/cli.py", "ctai_cli/__main__.py"}
FORBIDDEN = ("typer", "click", "ctai_cli.cli", "ctai_cli.commands")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_does_not_import_the_cli() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in SKIN or rel.startswith("ctai_cli/commands/"):
            continue
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_registry_codes_exist_and_names_are_unique() -> None:
    from ctai_cli.catalog import CATALOG
    from ctai_cli.checks import REGISTRY

    names = [check.name for check in REGISTRY]
    assert len(names) == len(set(names))
    for check in REGISTRY:
        assert set(check.codes) <= set(CATALOG)


def test_registry_rejects_duplicates() -> None:
    import pytest

    from ctai_cli.checks import Check, _registry

    check = Check("x", ("CTAI-E200",), lambda d, c: [], "")
    with pytest.raises(ValueError):
        _registry(check, check)
    with pytest.raises(ValueError):
        _registry(Check("y", ("CTAI-E999",), lambda d, c: [], ""))

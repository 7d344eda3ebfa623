"""docs/format.md stays true: its example files form a valid contract folder.

Every ``<!-- fichier: X -->`` comment followed by a ```yaml fence is one complete
file of the example; together they must pass ``ctai validate`` without error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ctai_cli.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "format.md"

_EXAMPLE = re.compile(
    r"^<!-- fichier: (?P<name>[^ ]+) -->\n```yaml\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
_MARKER = re.compile(r"<!--\s*fichier\s*:")

# One pattern per file kind of the repository layout.
_KINDS = {
    "contrat": re.compile(r"contrat\.yaml"),
    "porteurs": re.compile(r"porteurs\.yaml"),
    "actions": re.compile(r"actions/[0-9]{4}\.yaml"),
    "bilan": re.compile(r"bilans/[0-9]{4}\.yaml"),
    "avenant": re.compile(r"avenants/[0-9]+\.yaml"),
}


def _examples() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    examples: dict[str, str] = {}
    for match in _EXAMPLE.finditer(text):
        name = match["name"]
        assert name not in examples, f"{name} apparaît deux fois dans {DOC.name}"
        examples[name] = match["body"]
    # A marker with a typo or not followed by a yaml fence would silently drop a file.
    assert len(_MARKER.findall(text)) == len(examples), (
        "un commentaire <!-- fichier: … --> n'est pas de la forme exacte attendue "
        "ou n'est pas suivi d'un bloc ```yaml"
    )
    return examples


def _kind(name: str) -> str:
    for kind, pattern in _KINDS.items():
        if pattern.fullmatch(name):
            return kind
    raise AssertionError(f"{name} : nom de fichier hors de l'organisation d'un dossier de contrat")


def test_every_file_kind_has_an_example() -> None:
    kinds = {_kind(name) for name in _examples()}
    assert kinds == set(_KINDS)


def test_examples_form_a_valid_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = _examples()
    for name, body in examples.items():
        _kind(name)
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        assert body.startswith("# yaml-language-server: $schema="), f"{name} : ligne de schéma absente"

    capsys.readouterr()
    code = main(["validate", str(tmp_path), "--date", "2026-06-15", "--format", "json"])
    out = capsys.readouterr().out
    report = json.loads(out)

    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert errors == [], json.dumps(errors, ensure_ascii=False, indent=2)
    # The one warning the document announces after the bilan's example, and no other.
    assert [d["code"] for d in report["diagnostics"]] == ["CTAI-W244"]
    assert "avec un seul avertissement, attendu : CTAI-W244" in DOC.read_text(encoding="utf-8")
    assert code == 0, out
    assert report["summary"]["errors"] == 0
    # Every example file was read (none ignored as misnamed).
    assert report["summary"]["files"] == len(examples)
    assert report["summary"]["contracts"] == 1


def _fields(model: type, seen: set[type] | None = None) -> set[str]:
    """Names of every field of ``model`` and of the models nested in it."""
    from typing import get_args

    from pydantic import BaseModel

    seen = set() if seen is None else seen
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(name)
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                names |= _fields(tp, seen)
            stack.extend(get_args(tp))
    return names


def test_every_field_is_documented() -> None:
    from ctai_cli.repository import FILE_KINDS

    text = DOC.read_text(encoding="utf-8")
    missing = sorted(
        {name for kind in FILE_KINDS.values() for name in _fields(kind.model)}
        - set(re.findall(r"`([a-z_0-9]+)`", text))
    )
    assert missing == [], f"champs absents de {DOC.name} : {missing}"


def test_every_check_is_documented() -> None:
    from ctai_cli.checks import REGISTRY

    text = DOC.read_text(encoding="utf-8")
    missing = [item for check in REGISTRY for item in (f"`{check.name}`", *check.codes) if item not in text]
    assert missing == [], f"contrôles absents de {DOC.name} : {missing}"

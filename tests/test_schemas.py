"""JSON Schemas: committed files are fresh, agree with the models, and editors find them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ctai_cli.repository import FILE_KINDS
from ctai_cli.schemas import build_schemas
from ctai_cli.yamlread import parse_text
from tests.conftest import DAX, ROOT

SCHEMAS = ROOT / "schemas"


def test_committed_schemas_are_fresh() -> None:
    for name, text in build_schemas().items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, (
            f"régénérez : ctai schema --force ({name})"
        )


def test_schema_check_command(ctai, tmp_path: Path) -> None:
    assert ctai("schema", SCHEMAS, "--check").code == 0
    assert ctai("schema", tmp_path, "--check").code == 1
    assert ctai("schema", tmp_path).code == 0
    assert ctai("schema", tmp_path, "--check").code == 0
    (tmp_path / "bilan.schema.json").write_text("{}", encoding="utf-8")
    refused = ctai("schema", tmp_path)
    assert refused.code == 2 and "--force" in refused.err
    assert (tmp_path / "bilan.schema.json").read_text(encoding="utf-8") == "{}"
    assert ctai("schema", tmp_path, "--force").code == 0
    assert ctai("schema", tmp_path, "--check").code == 0


def _kind_of(path: Path) -> str:
    if path.parent.name == "actions":
        return "actions"
    if path.parent.name == "bilans":
        return "bilan"
    return path.stem


@pytest.mark.parametrize("path", sorted(DAX.rglob("*.yaml")), ids=lambda p: p.relative_to(DAX).as_posix())
def test_example_files_point_editors_at_their_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    target = (path.parent / first[len(prefix) :]).resolve()
    assert target == (SCHEMAS / FILE_KINDS[_kind_of(path)].schema).resolve()


@pytest.mark.parametrize("path", sorted(DAX.rglob("*.yaml")), ids=lambda p: p.relative_to(DAX).as_posix())
def test_schemas_accept_the_example(path: Path) -> None:
    schema = json.loads((SCHEMAS / FILE_KINDS[_kind_of(path)].schema).read_text(encoding="utf-8"))
    doc, diags = parse_text(path.read_text(encoding="utf-8"), path.name)
    assert diags == []
    errors = list(Draft202012Validator(schema).iter_errors(doc.data))
    assert errors == []


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"etat_bop104": 1200.5}, "float"),
        ({"etat_bop104": "12,5"}, "comma"),
        ({"etat_bop104": -1}, "negative"),
    ],
)
def test_schemas_refuse_what_ctai_refuses(patch: dict, field: str) -> None:
    schema = json.loads((SCHEMAS / "actions.schema.json").read_text(encoding="utf-8"))
    action = {"id": "a", "axe": 3, "porteur": "p", "titre": "t", "publics": ["EPA"], "budget": patch}
    assert list(Draft202012Validator(schema).iter_errors({"annee": 2024, "actions": [action]}))

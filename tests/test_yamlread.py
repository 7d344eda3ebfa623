"""The reader: YAML 1.2 values, positions, and the protections around libyaml."""

from __future__ import annotations

import pytest

from ctai_cli.yamlread import MAX_DEPTH, parse_text


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def test_positions_of_values_and_keys() -> None:
    doc, diags = parse_text("annee: 2024\nactions:\n  - id: a\n    titre: « é »\n", "f.yaml")
    assert diags == []
    assert doc.position(("annee",)) == (1, 8)
    assert doc.position(("actions", 0, "titre")) == (4, 12)
    assert doc.key_position(("actions", 0, "titre")) == (4, 5)
    # Missing paths fall back to the nearest existing ancestor.
    assert doc.position(("actions", 0, "porteur")) == (3, 5)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("v: 12", 12),
        ("v: -3", -3),
        ("v: 1200.5", 1200.5),
        ("v: true", True),
        ("v: FALSE", False),
        ("v: ~", None),
        ("v:", None),
        ('v: "12"', "12"),
        ("v: !!str 12", "12"),
        ("v: 2024-10-17", "2024-10-17"),  # dates stay text: the models parse them
        ("v: Dax", "Dax"),
        ("v: 'no'", "no"),
    ],
)
def test_yaml_12_resolution(text: str, value: object) -> None:
    doc, diags = parse_text(text + "\n", "f.yaml")
    assert diags == []
    assert doc.data["v"] == value
    assert type(doc.data["v"]) is type(value)


@pytest.mark.parametrize(
    "text", ["v: no", "v: NO", "v: on", "v: Yes", "v: 010", "v: 1:30", "v: 1_000", "v: 0o17"]
)
def test_yaml_11_ambiguities_are_flagged(text: str) -> None:
    doc, diags = parse_text(text + "\n", "f.yaml")
    assert codes(diags) == ["CTAI-E009"]
    assert doc.data["v"] == text[3:]  # kept as the text the user wrote


def test_small_aliases_are_accepted() -> None:
    doc, diags = parse_text("a: &x [1, 2]\nb: *x\n", "f.yaml")
    assert diags == []
    assert doc.data == {"a": [1, 2], "b": [1, 2]}


def test_very_deep_nesting_does_not_crash_the_interpreter() -> None:
    # libyaml's composer recurses in C: 100 000 levels would segfault without the pre-scan.
    doc, diags = parse_text("v: " + "[" * 100_000 + "]" * 100_000 + "\n", "f.yaml")
    assert doc is None
    assert codes(diags) == ["CTAI-E012"]
    doc, diags = parse_text("- " * 100_000 + "x\n", "f.yaml")
    assert codes(diags) == ["CTAI-E012"]


def test_moderate_nesting_is_reported_at_the_limit() -> None:
    depth = MAX_DEPTH + 5
    _doc, diags = parse_text("v: " + "[" * depth + "]" * depth + "\n", "f.yaml")
    assert codes(diags) == ["CTAI-E012"]
    assert diags[0].line == 1


def test_byte_order_mark_is_accepted() -> None:
    doc, diags = parse_text("\ufeffannee: 2024\n", "f.yaml")
    assert diags == [] and doc.data == {"annee": 2024}


def test_control_character_is_a_syntax_error_in_french() -> None:
    _doc, diags = parse_text("a: b\x00c\n", "f.yaml")
    assert codes(diags) == ["CTAI-E005"]
    assert "caractère de contrôle" in diags[0].message
    assert (diags[0].line, diags[0].col) == (1, 5)


def test_undefined_alias() -> None:
    _doc, diags = parse_text("a: *nulle_part\n", "f.yaml")
    assert codes(diags) == ["CTAI-E005"]
    assert "ancre" in diags[0].message


def test_complex_key_is_refused() -> None:
    doc, diags = parse_text("? [a, b]\n: 1\nc: 2\n", "f.yaml")
    assert codes(diags) == ["CTAI-E011"]
    assert doc.data == {"c": 2}

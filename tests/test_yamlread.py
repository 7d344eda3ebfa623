"""The reader: YAML 1.2 values, positions, and the protections around libyaml."""

from __future__ import annotations

import re

import pytest
import yaml

from ctai_cli.yamlread import MAX_DEPTH, _syntax_diagnostic, french_problem, parse_text


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


# --- no library text reaches the user -------------------------------------------------

# Words of libyaml's and PyYAML's messages that no French message of ours contains.
ENGLISH = {
    "found",
    "expected",
    "while",
    "allowed",
    "not",
    "the",
    "could",
    "find",
    "mapping",
    "scanning",
    "parsing",
    "error",
    "character",
    "stream",
    "token",
    "exceeded",
    "maximum",
    "depth",
    "reached",
}

# Every problem text of libyaml (0.2.5 and its development branch) and of PyYAML's pure-Python
# reader, scanner, parser and composer (6.0.x), as the libraries word them.
LIBRARY_PROBLEMS = [
    "mapping values are not allowed in this context",
    "mapping values are not allowed here",
    "mapping keys are not allowed in this context",
    "mapping keys are not allowed here",
    "could not find expected ':'",
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>, but found '<scalar>'",
    "did not find expected ',' or ']'",
    "expected ',' or ']', but got '<scalar>'",
    "did not find expected ',' or '}'",
    "expected ',' or '}', but got '<scalar>'",
    "invalid indentation or unclosed '[' or '{'",
    "found unexpected end of stream",
    "found undefined alias",
    "found undefined alias 'x'",
    "found duplicate anchor; first occurrence",
    "found duplicate anchor 'x'; first occurrence",
    "found invalid Unicode character escape code",
    "did not find expected hexdecimal number",
    "expected escape sequence of 4 hexadecimal numbers, but found 'x'",
    "found unknown escape character",
    "found unknown escape character 'q'",
    "control characters are not allowed",
    "special characters are not allowed",
    "unacceptable character #x0000: special characters are not allowed",
    "invalid Unicode character",
    "incomplete UTF-16 surrogate pair",
    "unexpected low surrogate area",
    "expected low surrogate area",
    "invalid leading UTF-8 octet",
    "invalid trailing UTF-8 octet",
    "invalid length of a UTF-8 sequence",
    "incomplete UTF-8 octet sequence",
    "incomplete UTF-16 character",
    "found an incorrect leading UTF-8 octet",
    "found an incorrect trailing UTF-8 octet",
    "input is too long",
    "found a tab character where an indentation space is expected",
    "found a tab character that violates indentation",
    "found character that cannot start any token",
    "found character '@' that cannot start any token",
    "block sequence entries are not allowed in this context",
    "sequence entries are not allowed here",
    "found unexpected document indicator",
    "found unexpected document separator",
    "did not find expected <document start>",
    "expected '<document start>', but found '<block mapping start>'",
    "did not find expected <stream-start>",
    "found unexpected ':'",
    "did not find expected node content",
    "expected the node content, but found '<block end>'",
    "found an indentation indicator equal to 0",
    "expected indentation indicator in the range 1-9, but found 0",
    "expected chomping or indentation indicators, but found 'x'",
    "could not find expected directive name",
    "found unknown directive name",
    "found duplicate %YAML directive",
    "found duplicate YAML directive",
    "found duplicate %TAG directive",
    "did not find expected version number",
    "found extremely long version number",
    "did not find expected digit or '.' character",
    "expected a digit or '.', but found 'x'",
    "expected a digit or ' ', but found 'x'",
    "expected a digit, but found 'x'",
    "found incompatible YAML document",
    "found incompatible YAML document (version 1.* is required)",
    "found undefined tag handle",
    "found undefined tag handle '!x!'",
    "duplicate tag handle '!x!'",
    "found non-specific tag '!'",
    "did not find expected tag URI",
    "expected URI, but found 'x'",
    "did not find URI escaped octet",
    "expected URI escape sequence of 2 hexadecimal numbers, but found 'x'",
    "did not find expected '!'",
    "expected '!', but found 'x'",
    "did not find the expected '>'",
    "expected '>', but found 'x'",
    "did not find expected alphabetic or numeric character",
    "expected alphabetic or numeric character, but found 'x'",
    "did not find expected whitespace or line break",
    "did not find expected whitespace",
    "did not find expected comment or line break",
    "expected a comment or a line break, but found 'x'",
    "expected ' ', but found 'x'",
    "found unexpected non-alphabetical character",
]


def _words(message: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", message)}


@pytest.mark.parametrize("problem", LIBRARY_PROBLEMS)
def test_every_library_problem_has_a_french_text(problem: str) -> None:
    french = french_problem(problem)
    assert french != "construction YAML invalide à cet endroit", f"pas de traduction pour {problem!r}"
    assert not _words(french) & ENGLISH, french


@pytest.mark.parametrize(
    ("problem", "context"),
    [
        ("exceeded maximum nesting depth", "while increasing flow level"),  # PyYAML 6.0.4's libyaml
        ("exceeded maximum nesting depth", "while increasing block level"),
        ("Maximum nesting level reached, set with yaml_set_max_nest_level())", "while parsing"),
    ],
)
def test_libyaml_depth_limits_are_e012(problem: str, context: str) -> None:
    mark = yaml.error.Mark("f.yaml", 0, 0, 1002, None, None)
    exc = yaml.scanner.ScannerError(context, mark, problem, mark)
    diagnostic = _syntax_diagnostic("f.yaml", "v: [[[\n", exc)
    assert diagnostic.code == "CTAI-E012"
    assert not _words(diagnostic.message) & ENGLISH


def test_an_unknown_library_problem_is_still_french() -> None:
    mark = yaml.error.Mark("f.yaml", 0, 0, 3, None, None)
    exc = yaml.parser.ParserError("while frobbing", mark, "some future libyaml complaint", mark)
    diagnostic = _syntax_diagnostic("f.yaml", "a: b\n", exc)
    assert diagnostic.code == "CTAI-E005"
    assert diagnostic.message == "syntaxe YAML invalide : construction YAML invalide à cet endroit"


BROKEN = [
    "a: b: c\n",
    "a:\n  - x\n b: 1\n",
    "a: [1, 2\n",
    "a: {b: 1\n",
    "a: 'x\n",
    'a: "\\q"\n',
    'a: "\\u12"\n',
    "a: *x\n",
    "a: &x 1\nb: &x 2\nc: *x\n",
    "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
    "%YAML 2.0\n---\na: 1\n",
    "a: !<tag\n",
    "a: !x!y 1\n",
    "a: |0\n  x\n",
    "a: @x\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\n...\n: 2\n",
    "- a\nb: 1\n",
    "a: &\n",
    "x" * 2000 + ": 1\n",
    "a:\n\t- b\n",
]


@pytest.mark.parametrize("text", BROKEN)
def test_broken_yaml_gets_a_french_message_and_our_code(text: str) -> None:
    doc, diags = parse_text(text, "f.yaml")
    assert doc is None or diags
    assert diags, text
    for diagnostic in diags:
        assert diagnostic.code.startswith("CTAI-E0")
        assert not _words(diagnostic.message) & ENGLISH, diagnostic.message
        assert diagnostic.line >= 1 and diagnostic.col >= 1


def test_a_million_character_scalar_is_read_and_a_million_character_key_refused() -> None:
    doc, diags = parse_text("v: " + "x" * 10**6 + "\n", "f.yaml")
    assert diags == [] and len(doc.data["v"]) == 10**6
    doc, diags = parse_text("x" * 10**6 + ": 1\n", "f.yaml")
    assert doc is None and codes(diags) == ["CTAI-E005"]
    assert "1\u202f024 caractères" in diags[0].message
    assert not _words(diags[0].message) & ENGLISH


def test_deep_nesting_of_every_kind_is_e012() -> None:
    deep = 100_000
    for text in (
        "v: " + "[" * deep + "]" * deep + "\n",
        "v: " + "{a: " * deep + "1" + "}" * deep + "\n",
        "- " * deep + "x\n",
        "".join(" " * i + "a:\n" for i in range(2000)) + " " * 2000 + "b: 1\n",
    ):
        doc, diags = parse_text(text, "f.yaml")
        assert doc is None
        assert codes(diags) == ["CTAI-E012"], diags
        assert not _words(diags[0].message) & ENGLISH

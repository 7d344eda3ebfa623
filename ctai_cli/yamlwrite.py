"""The one YAML writer: ruamel.yaml round-trip, for the commands that write YAML.

Reading stays on the fast libyaml path (:mod:`ctai_cli.yamlread`); this module is
imported only by the commands that write a contract file (``bilan import``,
``avenant new``), so ``ctai --help`` and ``ctai validate`` never load ruamel.

- :func:`charger` reads a file for editing and refuses one whose untouched round trip
  would not give back the same bytes: comments, key order, quoting and layout of what
  an edit does not change stay byte-identical, or nothing is edited.
- The ``montant``, ``texte`` and ``effectif`` helpers build values in the project's
  conventions (docs/format.md): amounts as integers or ``"1234.50"`` strings, never
  floats; texts double-quoted, so that a text reading ``no``, ``2024-01-01`` or ``1e3``
  stays a text for every YAML reader, with non-printable characters escaped.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

__all__ = [
    "CommentedMap",
    "CommentedSeq",
    "EditionImpossible",
    "charger",
    "ecrire",
    "effectif",
    "flow",
    "montant",
    "texte",
]

# The project's layout (docs/format.md): "key:" indented by 2, list items "  - " under their key.
_LAYOUTS = ((2, 4, 2), (2, 2, 0))
_WIDTH = 4096  # never re-wrap a long line the user wrote on one line


class EditionImpossible(Exception):
    """The file cannot be edited without changing what the edit does not touch (French message)."""


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.width = _WIDTH
    yaml.allow_unicode = True
    return yaml


class Document:
    """A YAML file loaded for round-trip editing: ``data`` is edited in place, :meth:`texte` dumps it."""

    def __init__(self, data: Any, layout: tuple[int, int, int], prefix: str = "") -> None:
        self.data = data
        self._layout = layout
        self._prefix = prefix

    def texte(self) -> str:
        out = io.StringIO()
        _yaml(self._layout).dump(self.data, out)
        return self._prefix + out.getvalue()


def charger(text: str) -> Document:
    """``text`` ready to edit; :class:`EditionImpossible` when ruamel would change its layout."""
    prefix = ""
    body = text
    if body.startswith("\ufeff"):
        prefix, body = "\ufeff", body[1:]
    for layout in _LAYOUTS:
        try:
            data = _yaml(layout).load(body)
        except Exception as exc:  # ruamel's own errors: the file was validated before
            raise EditionImpossible(
                f"le fichier ne peut être relu pour modification ({type(exc).__name__})"
            ) from None
        document = Document(data, layout, prefix)
        if document.texte() == text:
            return document
    raise EditionImpossible(
        "sa mise en page (indentation, retours à la ligne) ne peut être conservée à l'identique "
        "par l'éditeur YAML ; reprenez celle de « ctai explain format » (listes « - » indentées de deux espaces)"
    )


def nouveau(data: Any, entete: str = "") -> str:
    """A new file: ``entete`` (comment lines, each ending with a newline) then ``data``."""
    return entete + Document(data, _LAYOUTS[0]).texte()


def ecrire(document: Document) -> str:
    return document.texte()


def montant(value: Decimal) -> int | DoubleQuotedScalarString:
    """An amount: ``1200`` or ``"1200.50"`` (docs/format.md; a float would lose cents)."""
    if value == value.to_integral_value():
        return int(value)
    return DoubleQuotedScalarString(f"{value:.2f}")


def effectif(value: int) -> int:
    return int(value)


def texte(value: str) -> DoubleQuotedScalarString:
    return DoubleQuotedScalarString(value)


def scalaire(value: str) -> str:
    """``value`` as one double-quoted YAML scalar on one line, for ``ctai init``'s templates.

    The same writer as every other YAML ctai writes: whatever the text holds (quotes,
    backslashes, control characters, U+FFFE…), it reads back as that text.
    """
    yaml = _yaml(_LAYOUTS[0])
    yaml.width = 2**31 - 1  # one line, however long
    out = io.StringIO()
    yaml.dump({"v": texte(value)}, out)
    return out.getvalue().removeprefix("v: ").removesuffix("\n")


def flow(mapping: dict[str, Any]) -> CommentedMap:
    """``{publics: [EPA], nombre: 20}``: a short mapping on one line, as the examples write them."""
    out = CommentedMap(mapping)
    out.fa.set_flow_style()
    for value in out.values():
        if isinstance(value, CommentedSeq):
            value.fa.set_flow_style()
    return out


def seq(items: list[Any], *, flow_style: bool = False) -> CommentedSeq:
    out = CommentedSeq(items)
    if flow_style:
        out.fa.set_flow_style()
    return out

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
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

__all__ = [
    "CommentedMap",
    "CommentedSeq",
    "EditionImpossible",
    "ajouter",
    "charger",
    "ecrire",
    "effectif",
    "flow",
    "inserer",
    "montant",
    "remplacer",
    "texte",
    "texte_bloc",
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

    def __init__(self, data: Any, layout: tuple[int, int, int], prefix: str = "", source: str = "") -> None:
        self.data = data
        self._layout = layout
        self._prefix = prefix
        self.source = source  # the text loaded (without its BOM): where the nodes' positions point

    def texte(self) -> str:
        _ranger(self.data)
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
        document = Document(data, layout, prefix, body)
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


def texte_bloc(value: str) -> str:
    """A text for a value the user may read and edit: a literal block (``|-``) when it has several
    lines and reads back as the very same text; else :func:`texte` (double-quoted)."""
    if "\n" not in value:
        return texte(value)
    bloc = LiteralScalarString(value)
    out = io.StringIO()
    _yaml(_LAYOUTS[0]).dump({"v": bloc}, out)
    dumped = out.getvalue()
    try:
        back = YAML(typ="safe", pure=True).load(dumped)
    except Exception:  # ruamel's own errors: keep the quoted form
        return texte(value)
    return bloc if dumped.startswith("v: |") and back == {"v": value} else texte(value)


# --- editing a loaded document without moving its comments ----------------------------------


def _fin(container: Any, cle: Any) -> tuple[list[Any], int, bool]:
    """The comment slot after the value of ``container[cle]`` (the deepest last node of a block
    collection holds the comment lines that follow it): (its ``ca.items`` entry, index, whether
    that node is a block scalar, whose line is ended before its comment)."""
    value = container[cle]
    if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
        return _fin(value, list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
    bloc = isinstance(value, LiteralScalarString | FoldedScalarString)
    if isinstance(container, CommentedSeq):
        return container.ca.items.setdefault(cle, [None, None]), 0, bloc
    entry = container.ca.items.setdefault(cle, [None, None, None, None])
    return entry, 2, bloc


def _detacher_suite(container: Any, cle: Any) -> str:
    """Cut the comment after ``container[cle]`` to its own line's part (« # montant notifié »)
    and return the lines below it (blank lines, whole-line comments), which belong to what
    follows, not to this key: "" when there are none."""
    entry, i, bloc = _fin(container, cle)
    token = entry[i]
    if token is None or "\n" not in token.value:
        return ""
    value = token.value
    if bloc:  # after a block scalar, the whole comment is lines below it
        entry[i] = None
        return value
    inline, suite = value[: value.index("\n") + 1], value[value.index("\n") + 1 :]
    if not suite:
        return ""
    if inline.strip():
        token.value = inline
    else:
        entry[i] = None
    return suite


class _Suite(CommentToken):
    """Comment lines moved below a new node by :func:`inserer` or :func:`ajouter`."""

    __slots__ = ()


def _rattacher_suite(container: Any, cle: Any, suite: str) -> None:
    if suite:
        entry, i, bloc = _fin(container, cle)
        entry[i] = _Suite(suite if bloc else "\n" + suite, CommentMark(0), None)


def _ranger(node: Any) -> None:
    """Move each :class:`_Suite` left on a key (or item) whose collection was empty when it was
    attached, and has been filled since, below that collection's last node."""
    if isinstance(node, CommentedMap):
        pairs: list[tuple[Any, int]] = [(k, 2) for k in node]
    elif isinstance(node, CommentedSeq):
        pairs = [(i, 0) for i in range(len(node))]
    else:
        return
    for cle, i in pairs:
        value = node[cle]
        _ranger(value)
        entry = node.ca.items.get(cle)
        if (
            entry is not None
            and isinstance(entry[i], _Suite)
            and isinstance(value, CommentedMap | CommentedSeq)
            and len(value)
            and not value.fa.flow_style()
        ):
            token, entry[i] = entry[i], None
            fin, j, bloc = _fin(node, cle)
            fin[j] = _Suite(token.value[1:] if bloc else token.value, CommentMark(0), None)


def inserer(mapping: CommentedMap, position: int, key: str, value: Any) -> None:
    """``mapping.insert(position, key, value)``; the comment lines below the key before it (a
    blank line, « # bilan qualitatif à venir ») stay below the new key: they belong to what
    came next, or to the end of the mapping."""
    _ranger(mapping)
    suite = _detacher_suite(mapping, list(mapping)[position - 1]) if position > 0 else ""
    mapping.insert(position, key, value)
    _rattacher_suite(mapping, key, suite)


def ajouter(sequence: CommentedSeq, item: Any) -> None:
    """``sequence.append(item)``, the comment lines below the last item kept below the new one."""
    _ranger(sequence)
    suite = _detacher_suite(sequence, len(sequence) - 1) if len(sequence) else ""
    sequence.append(item)
    _rattacher_suite(sequence, len(sequence) - 1, suite)


def remplacer(document: Document, mapping: CommentedMap, key: str, value: Any) -> None:
    """``mapping[key] = value``, the spaces before the comment of its line kept as they were
    (« 38000  # montant notifié » → « "37999.50"  # montant notifié »)."""
    entry = mapping.ca.items.get(key)
    token = entry[2] if entry is not None and len(entry) > 2 else None
    mapping[key] = value
    if token is None or token.value.startswith("\n") or isinstance(value, CommentedMap | CommentedSeq):
        return
    try:
        line, col = mapping.lc.value(key)
        old = document.source.splitlines()[line][col : token.column].rstrip()
    except (IndexError, KeyError, TypeError, AttributeError):
        return
    gap = token.column - col - len(old)
    out = io.StringIO()
    yaml = _yaml(_LAYOUTS[0])
    yaml.width = 2**31 - 1
    yaml.dump({"v": value}, out)
    new = out.getvalue().removeprefix("v: ").removesuffix("\n")
    if gap > 0 and "\n" not in new:
        token.column = col + len(new) + gap


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

"""Read a YAML file into plain Python values, keeping the position of every value.

Why not ruamel.yaml round-trip: it parses ~0.2-0.3 MB/s here, twenty times slower
than libyaml (see bench/). We compose the node graph with libyaml's C parser,
whose nodes carry line and column marks, and walk it once in Python to build
values and a ``path -> (line, col)`` map. The walk also resolves scalars with
YAML 1.2 core rules and flags what YAML 1.1 tools would read differently, so a
file means the same thing to every tool. Round-trip editing (keeping comments)
belongs to the commands that rewrite YAML, not to reading.

Protections: regular files only (a named pipe or a device is refused, never read),
size limit, UTF-8 only, duplicate keys, alias expansion budgets (billion laughs: in
values for lists and maps, in characters for texts), recursion through aliases,
nesting depth (libyaml's composer recurses in C and would crash the interpreter on
very deep input), number length (Python refuses to convert more than 4 300 digits).
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.formatting import milliers, taille

MAX_FILE_SIZE = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 10_000
# Characters of scalars reached again through aliases: a 100 KB text aliased 5 000
# times would otherwise be 500 MB of values (and of messages quoting them).
MAX_ALIAS_CHARS = 1_000_000
# Only texts at least this long are tracked for the character budget: shorter ones
# cannot add up to much within the file size limit, and the hot path stays cheap.
_TRACKED_SCALAR = 16
# No number in a contract has more digits than this (a SIRET has 14, an amount in
# cents fewer than 15); longer ones are refused before Python converts them.
MAX_NUMBER_LENGTH = 30
# Below this many nesting characters a file cannot nest deep enough to hurt
# libyaml's recursive composer, so the event pre-scan is skipped.
_NESTING_SCAN_THRESHOLD = 5_000

_PLAIN = "tag:ctai:plain"  # the tag our resolver gives to untagged plain scalars


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's composer with a trivial resolver.

    PyYAML resolves every scalar with Python regexes (YAML 1.1 rules); we resolve
    ourselves with YAML 1.2 rules, so the composer only has to tell untagged plain
    scalars (``_PLAIN``) from quoted, block or explicitly tagged ones.
    """

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"

    # Path-based resolvers are not used: skip their bookkeeping on every node.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


Loc = tuple[str | int, ...]

_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NUMERIC_START = frozenset("0123456789+-.")
_SPECIAL_FLOAT = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_YAML11_BOOL = {
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
}
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_UNDERSCORE_NUMBER = re.compile(r"[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?\Z")
_PREFIXED_INT = re.compile(r"[-+]?0(?:b[01_]+|o[0-7_]+|x[0-9a-fA-F_]+)\Z")


@dataclass
class Document:
    """A parsed file: its data and where each value and key stands."""

    path: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Loc) -> tuple[int, int]:
        """Line and column of the value at ``loc``, or of its nearest ancestor."""
        loc = tuple(loc)
        while loc and loc not in self.values:
            loc = loc[:-1]
        return self.values.get(loc, (1, 1))

    def key_position(self, loc: Loc) -> tuple[int, int]:
        """Line and column of the key naming ``loc`` (falls back to the value)."""
        loc = tuple(loc)
        if loc in self.keys:
            return self.keys[loc]
        return self.position(loc)


class _Stop(Exception):
    """Aborts the walk after a fatal diagnostic (alias bomb, depth)."""


class _Walker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.values: dict[Loc, tuple[int, int]] = {}
        self.keys: dict[Loc, tuple[int, int]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.visited: set[int] = set()
        self.active: set[int] = set()
        self.expanded = 0
        self.expansion_site: Loc | None = None
        self.long_scalars: set[int] = set()
        self.expanded_chars = 0

    @staticmethod
    def pos(node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def diag(self, code: str, node: yaml.Node, **fields: Any) -> None:
        line, col = self.pos(node)
        self.diagnostics.append(make(code, self.path, line, col, **fields))

    def walk(self, node: yaml.Node, loc: Loc, depth: int = 0) -> Any:
        if node.__class__ is yaml.ScalarNode:  # the hot path: most nodes are scalars
            mark = node.start_mark
            self.values[loc] = (mark.line + 1, mark.column + 1)
            if len(node.value) >= _TRACKED_SCALAR:
                self.count_long_scalar(node, loc)
            return self.scalar(node.value, mark) if node.tag == _PLAIN else node.value
        if depth > MAX_DEPTH:
            self.diag("CTAI-E012", node, limite=MAX_DEPTH)
            raise _Stop
        ident = id(node)
        outermost = False
        if ident in self.visited:
            # Second visit of the same collection: an alias expansion.
            if ident in self.active:
                self.diag("CTAI-E008", node, detail="alias récursif : la valeur se contient elle-même")
                raise _Stop
            if self.expansion_site is None:
                self.expansion_site, outermost = loc, True
            self.expanded += len(node.value) + 1
            if self.expanded > MAX_ALIAS_EXPANSION:
                site = self.expansion_site
                line, col = self.keys.get(site) or self.values.get(site[:-1], (1, 1))
                detail = f"l'expansion des alias dépasse {MAX_ALIAS_EXPANSION} valeurs (attaque « billion laughs » ?)"
                self.diagnostics.append(make("CTAI-E008", self.path, line, col, detail=detail))
                raise _Stop
        else:
            self.visited.add(ident)
            self.values[loc] = self.pos(node)
        self.active.add(ident)
        try:
            if node.__class__ is yaml.SequenceNode:
                return [self.walk(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
            return self.mapping(node, loc, depth)
        finally:
            self.active.discard(ident)
            if outermost:
                self.expansion_site = None

    def count_long_scalar(self, node: yaml.ScalarNode, loc: Loc) -> None:
        """Charge the alias budget in characters when a long text is reached again."""
        ident = id(node)
        if ident not in self.long_scalars:
            self.long_scalars.add(ident)
            return
        self.expanded_chars += len(node.value)
        if self.expanded_chars > MAX_ALIAS_CHARS:
            line, col = self.keys.get(loc) or self.pos(node)
            detail = f"les alias répètent plus de {milliers(MAX_ALIAS_CHARS)} caractères de texte (attaque par amplification ?)"
            self.diagnostics.append(make("CTAI-E008", self.path, line, col, detail=detail))
            raise _Stop

    def mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        keys = self.keys
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                self.diag(
                    "CTAI-E011", key_node, detail="clé complexe (liste ou dictionnaire) non prise en charge"
                )
                continue
            key = key_node.value
            if key_node.tag == _PLAIN:
                if key == "<<":
                    self.diag("CTAI-E011", key_node, detail="clé de fusion « << » non prise en charge")
                    continue
                if key in _YAML11_BOOL:
                    self.diag(
                        "CTAI-E009",
                        key_node,
                        valeur=key,
                        detail="booléen en YAML 1.1, texte en YAML 1.2",
                        suggestion=f'« "{key}": » entre guillemets',
                    )
            mark = key_node.start_mark
            if key in result:
                self.diag("CTAI-E007", key_node, cle=key, ligne=first_line[key])
                continue
            first_line[key] = mark.line + 1
            child = (*loc, key)
            keys[child] = (mark.line + 1, mark.column + 1)
            result[key] = self.walk(value_node, child, depth + 1)
        return result

    def scalar(self, text: str, mark: Any) -> Any:
        """Resolve an untagged plain scalar with YAML 1.2 core rules, flagging 1.1 readings."""
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text in _YAML11_BOOL:
            self._ambiguous(
                mark,
                text,
                "booléen en YAML 1.1, texte en YAML 1.2",
                f'true ou false pour un booléen, ou "{text}" entre guillemets pour un texte',
            )
            return text
        if text[0] not in _NUMERIC_START:
            return text
        if len(text) > MAX_NUMBER_LENGTH and (_INT.match(text) or _FLOAT.match(text)):
            self.diagnostics.append(
                make(
                    "CTAI-E014",
                    self.path,
                    mark.line + 1,
                    mark.column + 1,
                    longueur=len(text),
                    limite=MAX_NUMBER_LENGTH,
                )
            )
            return text
        if _INT.match(text):
            digits = text.lstrip("+-")
            if len(digits) > 1 and digits.startswith("0"):
                self._ambiguous(
                    mark,
                    text,
                    "nombre octal en YAML 1.1, zéro initial perdu en YAML 1.2",
                    f'"{text}" entre guillemets pour un texte (code), ou {int(text)} sans zéro initial '
                    "pour un nombre",
                )
                return text
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        if text.lower() in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[text.lower()]
        if _SEXAGESIMAL.match(text) or _UNDERSCORE_NUMBER.match(text) or _PREFIXED_INT.match(text):
            self._ambiguous(mark, text, "nombre en YAML 1.1, texte en YAML 1.2", f'"{text}" entre guillemets')
        return text

    def _ambiguous(self, mark: Any, text: str, detail: str, suggestion: str) -> None:
        self.diagnostics.append(
            make(
                "CTAI-E009",
                self.path,
                mark.line + 1,
                mark.column + 1,
                valeur=text,
                detail=detail,
                suggestion=suggestion,
            )
        )


# libyaml's and PyYAML's messages, by a fragment that identifies each (the full texts vary
# between releases: "found character %r that cannot start any token" in Python,
# "found character that cannot start any token" in C). First match wins, so more
# specific fragments come first. No library text ever reaches the user: what is not
# listed here gets the generic French message of ``_UNKNOWN_PROBLEM``.
_YAML_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "mapping values are not allowed",
        "« : » inattendu ; une valeur qui contient « : » doit être entre guillemets",
    ),
    ("mapping keys are not allowed", "clé « ? » inattendue à cet endroit"),
    ("could not find expected ':'", "« : » attendu après la clé"),
    ("did not find expected key", "indentation incohérente : une clé était attendue"),
    ("did not find expected '-' indicator", "indentation incohérente dans une liste"),
    ("expected <block end>", "indentation incohérente : fin de bloc attendue"),
    ("did not find expected ',' or ']'", "liste entre crochets non fermée (« ] » ou « , » attendu)"),
    ("expected ',' or ']'", "liste entre crochets non fermée (« ] » ou « , » attendu)"),
    ("did not find expected ',' or '}'", "dictionnaire entre accolades non fermé (« } » ou « , » attendu)"),
    ("expected ',' or '}'", "dictionnaire entre accolades non fermé (« } » ou « , » attendu)"),
    ("invalid indentation or unclosed", "indentation incohérente, ou « [ » / « { » non fermé"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet non fermé ?)"),
    ("found undefined alias", "alias (*nom) sans ancre (&nom) correspondante"),
    ("found duplicate anchor", "ancre (&nom) définie deux fois"),
    ("found invalid Unicode character escape", "séquence d'échappement Unicode invalide (\\u… ou \\U…)"),
    (
        "hexdecimal number",
        "séquence d'échappement hexadécimale incomplète (\\x…, \\u…, \\U…)",
    ),  # libyaml's spelling
    ("hexadecimal number", "séquence d'échappement hexadécimale incomplète (\\x…, \\u…, \\U…)"),
    (
        "found unknown escape character",
        "séquence d'échappement inconnue dans un texte entre guillemets doubles",
    ),
    ("control characters are not allowed", "caractère de contrôle interdit dans un fichier YAML"),
    ("special characters are not allowed", "caractère de contrôle interdit dans un fichier YAML"),
    ("unacceptable character", "caractère de contrôle interdit dans un fichier YAML"),
    ("invalid Unicode character", "caractère Unicode interdit dans un fichier YAML"),
    ("surrogate", "caractère Unicode invalide (demi-paire de substitution)"),
    ("UTF-8", "suite d'octets UTF-8 invalide"),
    ("UTF-16", "suite d'octets UTF-16 invalide"),
    ("input is too long", "fichier trop long pour le lecteur YAML"),
    ("tab character", "tabulation utilisée pour l'indentation"),
    ("cannot start any token", "caractère inattendu"),
    ("block sequence entries are not allowed", "tiret de liste inattendu à cet endroit"),
    ("sequence entries are not allowed", "tiret de liste inattendu à cet endroit"),
    ("found unexpected document", "séparateur de document (« --- » ou « ... ») inattendu"),
    ("document start", "début de document (« --- ») attendu"),
    ("stream-start", "début de fichier invalide"),
    ("found unexpected ':'", "« : » inattendu"),
    ("did not find expected node content", "valeur attendue à cet endroit"),
    ("expected the node content", "valeur attendue à cet endroit"),
    ("indentation indicator", "indicateur d'indentation de bloc invalide (chiffre de 1 à 9 attendu)"),
    ("chomping", "indicateur de bloc « | » ou « > » invalide"),
    ("directive", "directive (« % ») invalide ou en double"),
    ("version number", "numéro de version YAML invalide"),
    ("incompatible YAML document", "version de YAML non prise en charge"),
    ("tag handle", "étiquette (« ! ») invalide"),
    ("non-specific tag", "étiquette (« ! ») invalide"),
    ("URI", "étiquette (« ! ») invalide"),
    ("expected '!'", "étiquette (« ! ») invalide"),
    ("expected '>'", "étiquette (« !<…> ») non fermée"),
    ("alphabetic or numeric character", "nom d'ancre ou d'alias invalide (lettres et chiffres attendus)"),
    ("whitespace", "espace ou fin de ligne attendue"),
    ("comment or", "commentaire ou fin de ligne attendue après l'indicateur de bloc"),
    ("expected ' '", "espace attendue"),
    ("digit", "chiffre attendu"),
    ("non-alphabetical", "caractère inattendu dans le nom d'une directive (« % »)"),
)
_UNKNOWN_PROBLEM = "construction YAML invalide à cet endroit"
# libyaml's own depth limits (1 000 levels in the releases that have one) say so in words
# that changed between releases: "exceeded maximum nesting depth",
# "Maximum nesting level reached".
_NESTING = ("nesting", "nest level")
# YAML limits an implicit key to 1 024 characters; libyaml then reports the colon.
_MAX_SIMPLE_KEY = 1024


def french_problem(problem: str) -> str:
    """The French text for a libyaml or PyYAML ``problem``; never the library's words."""
    for needle, french in _YAML_MESSAGES:
        if needle in problem:
            return french
    return _UNKNOWN_PROBLEM


def _position_of_index(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


# A line made of a plain key and its « : » (the key of a list item too): « ····axe: 6 ».
_CLE_DECALEE = re.compile(r"[ ]*(?:- +)?([^\s#:'\"\[\]{}][^:#]*?):(?= |$)")


def _syntax_diagnostic(path: str, text: str, exc: yaml.YAMLError) -> Diagnostic:
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _position_of_index(text, exc.position)
        return make("CTAI-E005", path, line, col, detail=french_problem(str(exc.reason)))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    if any(word in problem.lower() or word in context.lower() for word in _NESTING):
        return make("CTAI-E012", path, line, col, limite=MAX_DEPTH)
    lines = text.splitlines()
    if 0 < line <= len(lines):
        current = lines[line - 1]
        indent = current[: len(current) - len(current.lstrip(" \t"))]
        if "\t" in indent or ("cannot start any token" in problem and current[col - 1 : col] == "\t"):
            return make("CTAI-E006", path, line, current.index("\t") + 1)
        if "mapping values are not allowed" in problem and col > _MAX_SIMPLE_KEY:
            detail = f"« : » après une clé de plus de {milliers(_MAX_SIMPLE_KEY)} caractères, la longueur maximale en YAML"
            return make("CTAI-E005", path, line, col, detail=detail)
        cle = _CLE_DECALEE.match(current)
        if "mapping values are not allowed" in problem and cle and cle.end() == col:
            # The « : » refused is the one right after the line's own key: the value does not hold
            # a « : », the key is not where YAML expects a key (indented too far, or under a
            # text it then continues).
            return make(
                "CTAI-E005",
                path,
                line,
                len(indent) + 1,
                detail=f"indentation incohérente (la clé « {cle.group(1)} » n'est alignée sur aucune clé au-dessus)",
                hint="alignez-la sur les autres clés du même bloc (même nombre d'espaces en début de ligne)",
            )
    if "expected a single document" in context:
        return make("CTAI-E010", path, line, col)
    return make("CTAI-E005", path, line, col, detail=french_problem(problem))


def _too_deep(text: str) -> bool:
    """True when the file nests deeper than MAX_DEPTH (checked without recursion)."""
    potential = text.count("[") + text.count("{") + text.count("-") + text.count("?")
    if potential < _NESTING_SCAN_THRESHOLD:
        return False
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return False


def parse_text(text: str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """Parse ``text``; return the document (None when unusable) and diagnostics."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        if _too_deep(text):
            return None, [make("CTAI-E012", path, 1, 1, limite=MAX_DEPTH)]
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        return None, [_syntax_diagnostic(path, text, exc)]
    if root is None:
        return None, [make("CTAI-E004", path)]
    walker = _Walker(path)
    try:
        data = walker.walk(root, ())
    except _Stop:
        return None, walker.diagnostics
    if not isinstance(data, dict):
        trouve = "une liste" if isinstance(data, list) else f"la valeur « {data} »"
        line, col = walker.pos(root)
        walker.diagnostics.append(make("CTAI-E013", path, line, col, exemple="annee: 2024", trouve=trouve))
        return None, walker.diagnostics
    return Document(path, data, walker.values, walker.keys), walker.diagnostics


_OS_REASONS = {
    getattr(errno, name): reason
    for name, reason in (
        ("EACCES", "permission refusée"),
        ("EPERM", "opération non permise"),
        ("EISDIR", "c'est un dossier, pas un fichier"),
        ("ENOENT", "fichier introuvable (lien symbolique cassé ?)"),
        ("ELOOP", "boucle de liens symboliques"),
        ("ENAMETOOLONG", "chemin trop long pour le système"),
        ("ENOTDIR", "un élément du chemin n'est pas un dossier"),
        ("ENOSPC", "disque plein"),
        ("EROFS", "système de fichiers en lecture seule"),
        ("EDQUOT", "quota disque dépassé"),
        ("EIO", "erreur d'entrée-sortie du disque"),
        ("EMFILE", "trop de fichiers ouverts"),
        ("ENXIO", "périphérique absent"),
        ("EAGAIN", "ressource momentanément indisponible"),
        ("EEXIST", "le fichier existe déjà"),
        ("EXDEV", "déplacement impossible entre deux systèmes de fichiers"),
        ("EBUSY", "ressource occupée"),
        ("ETXTBSY", "fichier occupé"),
        ("EFBIG", "fichier trop gros pour le système"),
    )
    if hasattr(errno, name)
}


def _tailles(octets: int) -> dict[str, str]:
    """CTAI-E003's sizes: « 23,4 Mio » and « 2 Mio »; in bytes when rounding would make them equal."""
    dite, limite = taille(octets), taille(MAX_FILE_SIZE)
    if dite == limite:
        dite, limite = f"{milliers(octets)} octets", f"{milliers(MAX_FILE_SIZE)} octets"
    return {"taille": dite, "limite": limite}


def read_bytes(fs_path: Path, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Read and decode a regular file, enforcing the size limit and UTF-8.

    The file is opened without blocking and checked with ``fstat`` before any read:
    a named pipe would block forever, a device (``/dev/zero``) never ends.
    """
    import os
    import stat

    try:
        fd = os.open(fs_path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        return None, [make("CTAI-E001", path, raison=os_reason(exc))]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raison = (
                _OS_REASONS[errno.EISDIR]
                if stat.S_ISDIR(info.st_mode)
                else "ce n'est pas un fichier ordinaire (tube nommé, socket ou périphérique) : il n'est pas lu"
            )
            return None, [make("CTAI-E001", path, raison=raison)]
        if info.st_size > MAX_FILE_SIZE:
            return None, [make("CTAI-E003", path, **_tailles(info.st_size))]
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            raw = handle.read(MAX_FILE_SIZE + 1)
        if len(raw) > MAX_FILE_SIZE:  # grew while being read
            return None, [make("CTAI-E003", path, **_tailles(len(raw)))]
    except OSError as exc:
        return None, [make("CTAI-E001", path, raison=os_reason(exc))]
    finally:
        if fd >= 0:
            os.close(fd)
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return None, [make("CTAI-E002", path, line, col, octet=f"{raw[exc.start]:02X}")]


def os_reason(exc: BaseException) -> str:
    """A French reason for an operating-system error (never the system's English text)."""
    if isinstance(exc, OSError) and exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    if isinstance(exc, ValueError):  # a NUL byte in the path
        return "chemin invalide (caractère nul)"
    return f"erreur du système ({errno.errorcode.get(getattr(exc, 'errno', None) or 0, 'inconnue')})"


def read_document(fs_path: Path, path: str) -> tuple[Document | None, list[Diagnostic]]:
    text, diagnostics = read_bytes(fs_path, path)
    if text is None:
        return None, diagnostics
    return parse_text(text, path)

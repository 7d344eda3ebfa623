"""Find, read and validate the files of a contract repository.

Layout (see docs/format.md)::

    contrat.yaml            the contract
    porteurs.yaml           the structures carrying actions
    actions/<année>.yaml    annexe 1 of a year: the fiches-actions
    bilans/<année>.yaml     the fiche-bilan of a year
    avenants/<n>.yaml       avenant number n
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.models import Action, Annexe, Avenant, Bilan, BilanAction, Contrat, Porteurs
from ctai_cli.schema_errors import diagnostics_from_error
from ctai_cli.yamlread import Document, Loc, os_reason, read_document


@dataclass(frozen=True)
class FileKind:
    name: str
    model: type[BaseModel]
    folder: str | None  # None: a single file at the root
    filename: str  # for single files; a description for folders
    schema: str


FILE_KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind("contrat", Contrat, None, "contrat.yaml", "contrat.schema.json"),
        FileKind("porteurs", Porteurs, None, "porteurs.yaml", "porteurs.schema.json"),
        FileKind("actions", Annexe, "actions", "<année>.yaml", "actions.schema.json"),
        FileKind("bilan", Bilan, "bilans", "<année>.yaml", "bilan.schema.json"),
        FileKind("avenant", Avenant, "avenants", "<numéro>.yaml", "avenant.schema.json"),
    )
}

# Beyond this many problems in one file, the rest are counted, not listed (CTAI-E015).
MAX_DIAGNOSTICS_PER_FILE = 200

_YEAR = re.compile(r"(?:19|20|21)[0-9]{2}\Z")
_NUMBER = re.compile(r"[1-9][0-9]{0,3}\Z")  # avenants/1.yaml, not 01.yaml


@dataclass
class Fichier:
    """One file of the repository, read and (if possible) validated."""

    kind: str
    path: str
    number: int | None = None  # the year or avenant number taken from the file name
    document: Document | None = None
    model: Any = None
    # When the file as a whole is invalid: its top-level fields that validated on their own,
    # so that a check reading only those still runs (an error in « imputation » does not
    # hide the parties' check).
    parts: dict[str, Any] = field(default_factory=dict)

    def part(self, name: str) -> Any:
        """The validated top-level field ``name``: from the model, or from the valid parts."""
        if self.model is not None:
            return getattr(self.model, name)
        return self.parts.get(name)

    def vue(self, *names: str) -> Any:
        """The file as a check that reads only the top-level fields ``names`` sees it.

        The model when the file is valid. When another field of the file is invalid, an
        instance built from just those fields, if each one validated on its own (or is absent
        and optional, with its default): an error in a bilan's « pilotage » does not hide the
        checks on its actions. None when the file is unreadable or one of those fields is
        invalid or missing. A check must read no field it did not name.
        """
        if self.model is not None:
            return self.model
        data = self.document.data if self.document is not None else None
        if not isinstance(data, dict):
            return None
        model = FILE_KINDS[self.kind].model
        valeurs: dict[str, Any] = {}
        for name in names:
            if name in self.parts:
                valeurs[name] = self.parts[name]
            elif name in data or model.model_fields[name].is_required():
                return None
        return model.model_construct(**valeurs)

    def diag(self, code: str, loc: Loc = (), *, key: bool = False, **fields: Any) -> Diagnostic:
        if self.document is None:
            return make(code, self.path, **fields)
        line, col = self.document.key_position(loc) if key else self.document.position(loc)
        return make(code, self.path, line, col, **fields)


@dataclass
class Depot:
    """A contract repository: its files by kind."""

    root: Path
    display: str
    contrat: Fichier | None = None
    porteurs: Fichier | None = None
    actions: dict[int, Fichier] = field(default_factory=dict)
    bilans: dict[int, Fichier] = field(default_factory=dict)
    avenants: dict[int, Fichier] = field(default_factory=dict)

    def rel(self, name: str) -> str:
        return posixpath.normpath(posixpath.join(self.display, name)) if self.display else name

    def files(self) -> list[Fichier]:
        out = [f for f in (self.contrat, self.porteurs) if f is not None]
        for group in (self.actions, self.bilans, self.avenants):
            out.extend(group[k] for k in sorted(group))
        return out

    # Validated models, or None when the file is missing or invalid.
    @property
    def contrat_model(self) -> Contrat | None:
        return self.contrat.model if self.contrat else None

    def contrat_vue(self, *names: str) -> Contrat | None:
        """contrat.yaml as a check that reads only the fields ``names`` sees it.

        The model when the file is valid. When another field of the file is invalid, a
        contract built from just those fields, if each one validated on its own (or is
        absent and optional, with its default): an error in « imputation » does not hide
        the checks on the période. None when the file is missing or one of those fields is
        invalid or missing. A check must read no field it did not name.
        """
        return self.contrat.vue(*names) if self.contrat else None

    def contrat_part(self, name: str) -> Any:
        """A validated top-level field of contrat.yaml, even when another field of the file is invalid."""
        return self.contrat.part(name) if self.contrat else None

    @property
    def porteurs_model(self) -> Porteurs | None:
        """The valid porteurs.yaml; None too when its list is « non précisé » (no porteur known)."""
        model = self.porteurs.model if self.porteurs else None
        return model if model is not None and isinstance(model.porteurs, list) else None

    def annexe(self, year: int) -> Annexe | None:
        f = self.actions.get(year)
        return f.model if f else None

    def iter_actions(self, *, cadre: str | None = None) -> Iterator[tuple[Fichier, int, Action]]:
        """Every action of every annexe whose année, cadre and actions validated, with its file
        and index (for positions). The year is ``fichier.part("annee")``."""
        for fichier in self.actions.values():
            vue = fichier.vue("annee", "cadre", "actions")
            if vue is None or (cadre is not None and vue.cadre != cadre):
                continue
            for i, action in enumerate(vue.actions):
                yield fichier, i, action

    def iter_bilan_actions(self, *, cadre: str | None = None) -> Iterator[tuple[Fichier, int, BilanAction]]:
        """Every action entry of every bilan whose année, cadre and actions validated, with its
        file and index. The year is ``fichier.part("annee")``."""
        for fichier in self.bilans.values():
            vue = fichier.vue("annee", "cadre", "actions")
            if vue is None or (cadre is not None and vue.cadre != cadre):
                continue
            for i, entry in enumerate(vue.actions):
                yield fichier, i, entry


def _display(path: Path) -> str:
    text = path.as_posix()
    return "" if text in (".", "") else posixpath.normpath(text)


def read_model(
    fs_path: Path, path: str, model: type[BaseModel]
) -> tuple[Document | None, Any, list[Diagnostic]]:
    """Read ``fs_path`` and validate it with ``model``: (document, instance or None, diagnostics)."""
    document, diagnostics = read_document(fs_path, path)
    if document is None:
        return None, None, diagnostics
    instance, diagnostics = validate_document(document, model, diagnostics)
    return document, instance, diagnostics


def validate_document(
    document: Document, model: type[BaseModel], diagnostics: list[Diagnostic] | None = None
) -> tuple[Any, list[Diagnostic]]:
    """Validate ``document`` with ``model``: (instance or None, diagnostics).

    ``diagnostics`` are the reader's: a value they already explain gets no second one.
    """
    diagnostics = list(diagnostics or [])
    blocked = {(d.line, d.col) for d in diagnostics}
    try:
        return model.model_validate(document.data), diagnostics
    except ValidationError as exc:
        # Only the first errors are turned into messages (suggestions cost time): a file
        # with 100 000 unknown keys is reported in milliseconds, the rest counted by E015.
        for shown, diagnostic in enumerate(diagnostics_from_error(exc, model, document)):
            if shown >= MAX_DIAGNOSTICS_PER_FILE:
                diagnostics.append(_e015(document.path, exc.error_count() - shown, MAX_DIAGNOSTICS_PER_FILE))
                break
            if (diagnostic.line, diagnostic.col) not in blocked:
                diagnostics.append(diagnostic)
        return None, diagnostics


def cap_per_file(diagnostics: list[Diagnostic], limite: int | None = None) -> list[Diagnostic]:
    """At most ``limite`` diagnostics per file, in position order, then one E015 that counts the rest.

    An E015 already made for a file (by :func:`validate_document`) is folded into the count.
    """
    limite = MAX_DIAGNOSTICS_PER_FILE if limite is None else limite
    by_path: dict[str, list[Diagnostic]] = {}
    hidden: dict[str, int] = {}
    for diagnostic in diagnostics:
        if diagnostic.code == "CTAI-E015":
            hidden[diagnostic.path] = hidden.get(diagnostic.path, 0) + int(diagnostic.extra.get("nombre", 0))
            continue
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    kept: list[Diagnostic] = []
    for path, group in by_path.items():
        group.sort(key=Diagnostic.sort_key)
        kept.extend(group[:limite])
        hidden[path] = hidden.get(path, 0) + max(0, len(group) - limite)
    for path, count in hidden.items():
        if count:
            kept.append(_e015(path, count, limite))
    return kept


def _e015(path: str, count: int, limite: int) -> Diagnostic:
    from dataclasses import replace

    diagnostic = make("CTAI-E015", path, nombre=count, limite=limite)
    return replace(diagnostic, extra={"nombre": count})


def load_file(fichier: Fichier, fs_path: Path) -> list[Diagnostic]:
    model = FILE_KINDS[fichier.kind].model
    fichier.document, fichier.model, diagnostics = read_model(fs_path, fichier.path, model)
    if fichier.model is None and fichier.document is not None:
        fichier.parts = valid_parts(model, fichier.document.data)
    return diagnostics


def valid_parts(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """The top-level fields of ``data`` that validate on their own with ``model``'s field types."""
    from typing import Annotated

    from pydantic import TypeAdapter

    if not isinstance(data, dict):
        return {}
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        try:
            out[name] = TypeAdapter(annotation).validate_python(data[name], strict=True)
        except (ValidationError, TypeError, ValueError):
            continue
    return out


def _lookalike(name: str, expected: list[str]) -> str | None:
    close = difflib.get_close_matches(name, expected, n=1, cutoff=0.75)
    return close[0] if close else None


def open_depot(root: Path) -> tuple[Depot | None, list[Diagnostic]]:
    """Read every file of the repository at ``root``.

    Returns ``(None, [E020])`` when ``root`` is not a contract folder: the
    caller turns that into exit code 2.
    """
    display = _display(root)
    shown = display or "."
    try:
        os.stat(root)
    except FileNotFoundError:
        return None, [make("CTAI-E020", shown, detail=f"le dossier « {shown} » n'existe pas")]
    except (OSError, ValueError) as exc:
        return None, [make("CTAI-E020", shown, detail=f"dossier « {shown} » inaccessible : {os_reason(exc)}")]
    if not os.path.isdir(root):
        return None, [make("CTAI-E020", shown, detail=f"« {shown} » n'est pas un dossier")]
    contrat_path = root / "contrat.yaml"
    if not os.path.lexists(contrat_path):
        detail = f"« {shown} » n'est pas un dossier de contrat : contrat.yaml est absent"
        hint = None
        if (root / "contrat.yml").is_file():
            hint = "renommez contrat.yml en contrat.yaml"
        return None, [make("CTAI-E020", shown, detail=detail, hint=hint)]

    depot = Depot(root=root, display=display)
    diagnostics: list[Diagnostic] = []

    for kind_name in ("contrat", "porteurs"):
        kind = FILE_KINDS[kind_name]
        fs_path = root / kind.filename
        fichier = Fichier(kind_name, depot.rel(kind.filename))
        if not os.path.lexists(fs_path):
            diagnostics.append(make("CTAI-E021", fichier.path, fichier=kind.filename))
            continue
        setattr(depot, kind_name, fichier)
        diagnostics.extend(load_file(fichier, fs_path))

    folders = {"actions": depot.actions, "bilan": depot.bilans, "avenant": depot.avenants}
    for kind_name, group in folders.items():
        kind = FILE_KINDS[kind_name]
        folder = root / kind.folder
        if not folder.is_dir():
            continue
        for fs_path in sorted(folder.iterdir()):
            rel = f"{kind.folder}/{fs_path.name}"
            pattern = _NUMBER if kind_name == "avenant" else _YEAR
            stem, suffix = fs_path.stem, fs_path.suffix
            if suffix == ".yaml" and pattern.match(stem):
                number = int(stem)
                fichier = Fichier(kind_name, depot.rel(rel), number=number)
                if number in group:
                    diagnostics.append(
                        make(
                            "CTAI-W022",
                            fichier.path,
                            raison=f"{rel} double {group[number].path}",
                            suggestion="gardez un seul fichier par numéro",
                        )
                    )
                    continue
                group[number] = fichier
                diagnostics.extend(load_file(fichier, fs_path))
            elif suffix in (".yaml", ".yml"):
                if suffix == ".yml" and pattern.match(stem):
                    suggestion = f"renommez-le en {kind.folder}/{stem}.yaml"
                else:
                    suggestion = f"nommez-le {kind.folder}/{kind.filename}"
                diagnostics.append(
                    make(
                        "CTAI-W022",
                        depot.rel(rel),
                        raison=f"{rel} ne suit pas le nommage {kind.folder}/{kind.filename}",
                        suggestion=suggestion,
                    )
                )

    # Files and folders that look like the expected ones but are not read.
    expected_files = ["contrat.yaml", "porteurs.yaml"]
    expected_dirs = ["actions", "bilans", "avenants"]
    for entry in sorted(root.iterdir()):
        name = entry.name
        if name.startswith("."):
            continue
        if entry.is_dir() and name not in expected_dirs:
            target = _lookalike(name, expected_dirs)
            if target:
                diagnostics.append(
                    make(
                        "CTAI-W022",
                        depot.rel(name),
                        raison=f"dossier « {name}/ » non lu",
                        suggestion=f"vouliez-vous dire « {target}/ » ?",
                    )
                )
        elif entry.is_file() and entry.suffix in (".yaml", ".yml") and name not in expected_files:
            target = _lookalike(entry.stem + ".yaml", expected_files)
            folder = _lookalike(entry.stem, expected_dirs)
            if target:
                suggestion = f"renommez-le en {target}"
            elif folder:
                kind = next(k for k in FILE_KINDS.values() if k.folder == folder)
                suggestion = f"rangez son contenu dans {folder}/{kind.filename}"
            else:
                continue
            diagnostics.append(
                make("CTAI-W022", depot.rel(name), raison=f"« {name} » non lu", suggestion=suggestion)
            )
    return depot, diagnostics

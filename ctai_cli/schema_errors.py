"""Turn pydantic validation errors into positioned, coded, French diagnostics."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic, apercu
from ctai_cli.francais import accord, nombre_de
from ctai_cli.models.common import NON_PRECISE
from ctai_cli.yamlread import Document

_TYPE_NAMES = {
    str: "un texte",
    int: "un nombre entier",
    float: "un nombre à virgule",
    bool: "un booléen",
    list: "une liste",
    dict: "un dictionnaire",
    type(None): "une valeur vide",
}

_EXPECTED = {
    "string_type": ("un texte", "mettez la valeur entre guillemets"),
    "int_type": ("un nombre entier", "écrivez un entier sans guillemets, par exemple 2024"),
    "int_from_float": ("un nombre entier", "écrivez un entier sans décimales"),
    "bool_type": ("un booléen", "écrivez true ou false"),
    "list_type": ("une liste", "écrivez une liste : [a, b] ou une ligne « - a » par élément"),
    "model_type": ("un dictionnaire", "écrivez des lignes « clé: valeur » indentées sous cette clé"),
    "dict_type": ("un dictionnaire", "écrivez des lignes « clé: valeur » indentées sous cette clé"),
    "model_attributes_type": (
        "un dictionnaire",
        "écrivez des lignes « clé: valeur » indentées sous cette clé",
    ),
}

_PATTERN_MESSAGES = {
    "id": "identifiant « {valeur} » invalide : minuscules sans accent, chiffres et tirets (ex. « maison-logement »)",
    "porteur": "identifiant de porteur « {valeur} » invalide : minuscules sans accent, chiffres et tirets",
    "action": "identifiant d'action « {valeur} » invalide : minuscules sans accent, chiffres et tirets",
    "objectif": "identifiant d'objectif « {valeur} » invalide : minuscules sans accent, chiffres et tirets",
    "code_activite": "code activité « {valeur} » invalide : 12 chiffres attendus, entre guillemets",
    "departement": 'code de département « {valeur} » invalide (ex. "40", "2A", "974")',
    "deploiement": "mois « {valeur} » invalide : format attendu AAAA-MM",
}


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def est_attendu(attendu: str) -> str:
    """« une liste est attendue », « un texte est attendu »: the participle agrees with the
    expected type's noun, whose gender its article gives."""
    return f"{attendu} est attendu{accord('f' if attendu.startswith('une ') else 'm')}"


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0] if len(members) == 1 else annotation
            if len(members) != 1:
                return annotation
        else:
            return annotation


def model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that describes the mapping at ``loc``, if any."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            if typing.get_origin(annotation) is not list:
                return None
            annotation = typing.get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            if field is None:
                return None
            annotation = field.annotation
        else:
            return None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def suggest(word: str, choices: list[str], what: str | None = "clés possibles") -> str:
    """« vouliez-vous dire … ? », else the choices after ``what`` (nothing when ``what`` is None)."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close and len(word) >= 4:
        close = [c for c in choices if c.startswith(word)][:1]
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    if close:
        return f"vouliez-vous dire « {close[0]} » ?"
    if choices and what is not None:
        return f"{what} : " + ", ".join(choices)
    return ""


_MILLIERS = re.compile(r"[0-9][0-9 \u00a0\u202f]*")  # « 800 000 »: what YAML left of « 800 000,00 »


def _montant_inconnu(model: type[BaseModel], loc: tuple[Any, ...], field: str) -> str:
    """The hint for « non précisé » on an amount that does not accept it: an optional amount is
    unknown when its key is left out; a required one has to be given."""
    parent = model_at(model, loc[:-1])
    info = parent.model_fields.get(str(loc[-1])) if parent is not None else None
    if info is not None and not info.is_required():
        return (
            f"un montant inconnu s'écrit en supprimant la ligne « {field}: … » (une clé absente est un "
            "montant inconnu, jamais 0 ; ajoutez-la quand une source le donne)"
        )
    return f"« {field} » est obligatoire ici : écrivez le montant que donne la source (voir « ctai explain format »)"


def _field_label(loc: tuple[Any, ...]) -> str:
    names = [str(p) for p in loc if isinstance(p, str)]
    return names[-1] if names else "document"


def diagnostics_from_error(
    exc: ValidationError, model: type[BaseModel], document: Document
) -> Iterator[Diagnostic]:
    path = document.path
    errors = exc.errors(include_url=False)
    # In a flow mapping « {montant: 800 000,00} » the comma ends the amount: YAML reads a key
    # « 00 ». Mapping → that key, to say it once, at the amount.
    coupes = {
        tuple(e["loc"][:-1]): str(e["loc"][-1])
        for e in errors
        if e["type"] == "extra_forbidden" and re.fullmatch(r"[0-9]{1,2}", str(e["loc"][-1]))
    }
    dits = {
        tuple(e["loc"][:-1])
        for e in errors
        if e["type"] == "ctai_montant"
        and tuple(e["loc"][:-1]) in coupes
        and isinstance(e.get("input"), str)
        and _MILLIERS.fullmatch(e["input"].strip())
    }
    for error in errors:
        loc = tuple(error["loc"])
        kind = error["type"]
        raw = error.get("input")
        # Messages quote values; a huge one is cut.
        value = apercu(raw) if isinstance(raw, str | list | dict) else raw
        ctx = error.get("ctx") or {}
        field = _field_label(loc)
        if kind == "extra_forbidden" and coupes.get(loc[:-1]) == str(loc[-1]):
            if loc[:-1] in dits:  # said with the amount it was cut from
                continue
            line, col = document.key_position(loc)
            yield make(
                "CTAI-E100",
                path,
                line,
                col,
                cle=loc[-1],
                suggestion="entre accolades {…}, une virgule sépare deux clés : une virgule décimale y coupe "
                'le montant ; écrivez-le entre guillemets avec un point ("1500.50")',
            )
            continue
        if kind == "extra_forbidden":
            parent = model_at(model, loc[:-1])
            choices = list(parent.model_fields) if parent else []
            line, col = document.key_position(loc)
            yield make("CTAI-E100", path, line, col, cle=loc[-1], suggestion=suggest(str(loc[-1]), choices))
            continue
        if kind == "missing":
            # The mapping that lacks the key: the key that holds it (« imputation: »), the list
            # item itself, or for a top-level field the file's mapping (where its first key is).
            line, col = document.key_position(loc[:-1]) if loc[:-1] else document.position(())
            yield make("CTAI-E101", path, line, col, champ=field)
            continue
        line, col = document.position(loc)
        if kind == "ctai_montant":
            conseil = ctx.get("conseil") or None
            detail = error["msg"]
            if raw == NON_PRECISE:
                conseil = _montant_inconnu(model, loc, field)
            centimes = coupes.get(loc[:-1])
            if centimes is not None and loc[:-1] in dits and isinstance(raw, str):
                chiffres = re.sub(r"[ \u00a0\u202f]", "", raw)
                detail = (
                    f"montant « {apercu(raw.strip())},{centimes} » coupé en deux : entre accolades {{…}}, "
                    "la virgule sépare les clés"
                )
                conseil = f'écrivez "{chiffres}.{centimes}" entre guillemets (point décimal, sans espace)'
            yield make("CTAI-E103", path, line, col, detail=detail, hint=conseil)
        elif kind == "ctai_date":
            yield make("CTAI-E104", path, line, col, detail=error["msg"])
        elif kind == "ctai_pays":
            yield make("CTAI-E107", path, line, col, detail=error["msg"])
        elif kind == "literal_error":
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            yield make(
                "CTAI-E105",
                path,
                line,
                col,
                valeur=value,
                attendu=", ".join(allowed),
                # The message lists the allowed values: the hint does not repeat them.
                suggestion=suggest(str(value), allowed, None) or "choisissez l'une des valeurs possibles",
            )
        elif kind in _EXPECTED:
            expected, hint = _EXPECTED[kind]
            if value is None:
                detail = f"valeur vide pour « {field} » : {est_attendu(expected)}"
                hint = f"renseignez « {field} » ou supprimez la ligne si le champ est facultatif"
            else:
                detail = f"« {field} » : {est_attendu(expected)}, pas {_type_name(raw)} ({apercu(repr(raw))})"
            yield make("CTAI-E102", path, line, col, detail=detail, hint=hint)
        elif kind == "string_pattern_mismatch":
            template = _PATTERN_MESSAGES.get(
                field, "valeur « {valeur} » au format invalide pour « " + field + " »"
            )
            yield make("CTAI-E102", path, line, col, detail=template.format(valeur=value), hint="")
        elif kind in ("greater_than_equal", "greater_than"):
            bound = ctx.get("ge", ctx.get("gt"))
            yield make("CTAI-E106", path, line, col, detail=f"« {field} » vaut {value}, minimum {bound}")
        elif kind in ("less_than_equal", "less_than"):
            bound = ctx.get("le", ctx.get("lt"))
            yield make("CTAI-E106", path, line, col, detail=f"« {field} » vaut {value}, maximum {bound}")
        elif kind == "string_too_short":
            yield make("CTAI-E106", path, line, col, detail=f"« {field} » est vide")
        elif kind == "too_short":
            minimum = ctx.get("min_length", 1)
            yield make(
                "CTAI-E106",
                path,
                line,
                col,
                detail=f"« {field} » doit contenir au moins {nombre_de(minimum, 'élément')}",
            )
        elif kind in ("string_too_long", "too_long"):
            yield make("CTAI-E106", path, line, col, detail=f"« {field} » est trop long")
        else:
            yield make(
                "CTAI-E102",
                path,
                line,
                col,
                detail=f"valeur invalide pour « {field} » ({apercu(error['msg'], 300)})",
            )

"""Shared field types: money, dates, identifiers, publics."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    WrapSerializer,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from ctai_cli.diagnostics import apercu


class Modele(BaseModel):
    """Base of every file model: unknown keys refused, no silent coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Public = Literal["EPA", "BPI", "BPT"]
"""EPA: étranger primo-arrivant (hors BPI et BPT); BPI: bénéficiaire de la protection
internationale; BPT: bénéficiaire de la protection temporaire."""

PUBLICS: tuple[str, ...] = ("EPA", "BPI", "BPT")

Texte = Annotated[str, StringConstraints(min_length=1)]

Identifiant = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64),
    Field(description="Identifiant : minuscules, chiffres et tirets (ex. « maison-logement »)."),
]

Annee = Annotated[int, Field(ge=2000, le=2100)]
# Counts (people, hours, meetings) and amounts are bounded far above any contract's
# figures and far below what exact arithmetic and formatting can hold (Decimal's
# default context has 28 digits): no sum of a contract's amounts can overflow.
EFFECTIF_MAX = 1_000_000_000
Effectif = Annotated[int, Field(ge=0, le=EFFECTIF_MAX)]

MONTANT_CHIFFRES_MAX = 12  # 999 999 999 999,99 € at most
MONTANT_MAX = Decimal(10**MONTANT_CHIFFRES_MAX) - Decimal("0.01")
_MONTANT = re.compile(rf"[0-9]{{1,{MONTANT_CHIFFRES_MAX}}}(?:\.[0-9]{{1,2}})?")
_MONTANT_JSON = {
    "description": 'Montant en euros : entier (1200) ou texte avec au plus deux décimales ("1200.50").',
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": 10**MONTANT_CHIFFRES_MAX - 1},
        {"type": "string", "pattern": rf"^[0-9]{{1,{MONTANT_CHIFFRES_MAX}}}(\.[0-9]{{1,2}})?$"},
    ],
}


_ECRIRE_MONTANT = 'écrivez un nombre d\'euros : 1200 ou, avec des centimes, "1200.50" entre guillemets'


def _montant_error(detail: str, conseil: str = _ECRIRE_MONTANT, **ctx: Any) -> PydanticCustomError:
    """A refused amount: ``detail`` says what is wrong, ``conseil`` (the hint) what to write."""
    if "valeur" in ctx:
        ctx["valeur"] = apercu(ctx["valeur"])
    ctx["conseil"] = conseil
    return PydanticCustomError("ctai_montant", detail, ctx)


def parse_montant(value: Any) -> Decimal:
    """Parse an amount in euros, exact to the cent. Floats are refused."""
    if isinstance(value, bool):
        raise _montant_error("montant attendu, pas un booléen ({valeur})", valeur=value)
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        suggestion = (
            f"{Decimal(repr(value)):.2f}" if value == value and abs(value) != float("inf") else "0.00"
        )
        raise _montant_error(
            "montant {valeur} écrit comme un nombre à virgule flottante, inexact",
            f'écrivez-le entre guillemets : "{suggestion}" (ou en entier, sans décimale)',
            valeur=repr(value),
        )
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise _montant_error("montant attendu (entier ou texte « 1200.50 »)")
    if _MONTANT.fullmatch(text):
        return Decimal(text)
    if (
        re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text)
        and len(text.split(".")[0].lstrip("0")) > MONTANT_CHIFFRES_MAX
    ):
        raise _montant_error(
            "montant démesuré ({chiffres} chiffres avant la virgule) : au plus 999 999 999 999,99 €",
            "vérifiez le nombre de chiffres",
            chiffres=len(text.split(".")[0].lstrip("0")),
        )
    if text.startswith("-"):
        raise _montant_error(
            "montant négatif « {valeur} » : les montants sont positifs",
            "écrivez le montant sans le signe « - »",
            valeur=text,
        )
    if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
        raise _montant_error(
            "montant « {valeur} » avec plus de deux décimales : les montants sont exacts au centime",
            "gardez au plus deux décimales (les centimes)",
            valeur=text,
        )
    if re.fullmatch(r"[0-9 \u00a0\u202f]+(?:,[0-9]{1,2})?", text):
        cleaned = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".")
        raise _montant_error(
            "montant « {valeur} » au format français (virgule ou espaces)",
            f'écrivez "{cleaned}" entre guillemets (point décimal, sans espace)',
            valeur=text,
        )
    if text == NON_PRECISE:
        # Only where « non précisé » is not accepted (see ``precisable``): the caller, who knows
        # whether the key may be left out, gives the hint.
        raise _montant_error("montant « non précisé » refusé pour ce champ", "", valeur=text)
    raise _montant_error('montant « {valeur} » invalide : attendu un nombre d\'euros comme 1200 ou "1200.50"', valeur=text)


Montant = Annotated[
    Decimal,
    BeforeValidator(parse_montant),
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str),
    WithJsonSchema(_MONTANT_JSON),
]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "ctai_date", "date inexistante « {valeur} »", {"valeur": apercu(value)}
            ) from None
    raise PydanticCustomError(
        "ctai_date", "date invalide « {valeur} » : format attendu AAAA-MM-JJ", {"valeur": apercu(value)}
    )


DateISO = Annotated[
    date,
    BeforeValidator(parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
]


class Decision(Modele):
    """A recorded decision (copil, DDETS letter, avenant) that money moves rely on."""

    date: DateISO
    reference: Texte


MoisISO = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
    Field(description="Mois au format AAAA-MM."),
]


# --- « non précisé » ------------------------------------------------------------------

NON_PRECISE = "non précisé"
"""The value of a field that the source does not state. Never a default, never zero: ``ctai
validate`` warns about each one (CTAI-W250), documents print it as written, money totals treat it
as unknown (see :func:`precise`)."""


def precise(value: Any) -> Any:
    """``value``, or None when it is « non précisé » (unknown: never zero, never a default)."""
    return None if value == NON_PRECISE else value


def est_non_precise(value: Any) -> bool:
    return isinstance(value, str) and value == NON_PRECISE


def _valide_precisable(value: Any, handler: Any) -> Any:
    if isinstance(value, str) and value.strip() == NON_PRECISE:
        return NON_PRECISE
    return handler(value)


def _serialise_precisable(value: Any, handler: Any) -> Any:
    return NON_PRECISE if est_non_precise(value) else handler(value)


class _SchemaPrecisable:
    """JSON schema: the field's own schema, or the text « non précisé »."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        inner = handler(core_schema)
        return {
            "anyOf": [inner, {"const": NON_PRECISE, "description": "La source ne le précise pas."}],
        }


def precisable(annotation: Any) -> Any:
    """``annotation`` or the value « non précisé » (the source does not state it)."""
    return Annotated[
        annotation,
        WrapValidator(_valide_precisable),
        WrapSerializer(_serialise_precisable),
        _SchemaPrecisable(),
    ]

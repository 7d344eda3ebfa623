"""The person file of ``ctai eligibility check``: facts, all optional.

A fact left out is unknown, never false: the rules ask for it when it matters. The
documents a person holds are the exception, by definition of the format: ``nationalite``
lists all their nationalities, ``titres_sejour`` every titre they held (unless
``titres_anterieurs_inconnus`` says earlier ones are unknown), ``protection`` their protection
(absent: none).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ctai_cli.models.common import DateISO, Modele, Texte, parse_date


@functools.lru_cache(maxsize=1024)
def _alpha_2(code: str) -> bool:
    import pycountry

    return pycountry.countries.get(alpha_2=code) is not None


def parse_pays(value: Any) -> str:
    import pycountry

    if not isinstance(value, str):
        raise PydanticCustomError("ctai_pays", "code pays attendu (ex. AF), pas {valeur}", {"valeur": value})
    code = value.strip()
    if code.lower() == "apatride":
        return "apatride"
    if len(code) == 2 and _alpha_2(code.upper()):
        return code.upper()
    found = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
    hint = f" ; en deux lettres : {found.alpha_2}" if found else ""
    raise PydanticCustomError(
        "ctai_pays",
        "code pays « {valeur} » inconnu : code ISO 3166-1 à deux lettres attendu (ex. AF, UA), ou « apatride »"
        + hint,
        {"valeur": value},
    )


Pays = Annotated[
    str, BeforeValidator(parse_pays), Field(description="Code ISO 3166-1 alpha-2, ou « apatride ».")
]


def _une_ou_plusieurs(value: Any) -> Any:
    """``nationalite: MA`` and ``nationalite: [IT, MA]`` both give a list."""
    return [value] if isinstance(value, str) else value


def _nationalites_coherentes(codes: list[str]) -> list[str]:
    if len(set(codes)) != len(codes):
        raise PydanticCustomError("ctai_nationalites", "nationalité en double dans la liste", {})
    if "apatride" in codes and len(codes) > 1:
        raise PydanticCustomError(
            "ctai_nationalites", "« apatride » exclut toute autre nationalité dans la liste", {}
        )
    return codes


Nationalites = Annotated[
    list[Pays],
    BeforeValidator(_une_ou_plusieurs),
    Field(min_length=1, description="Un code pays, ou la liste de toutes les nationalités."),
    AfterValidator(_nationalites_coherentes),
]


class TitreSejour(Modele):
    type: Texte = Field(
        description="Type de titre : salarie, vie_privee_familiale_autre, etudiant… (voir docs)."
    )
    debut: DateISO
    fin: DateISO | None = Field(default=None, description="Date de fin inscrite sur le titre.")
    recepisse_fin: DateISO | None = Field(
        default=None,
        description="Fin du récépissé de demande de renouvellement de ce titre (CESEDA R431-12).",
    )


# Who recognises each protection in France: refugee status and subsidiary protection,
# OFPRA or the CNDA on appeal; statelessness, OFPRA alone (appeals go to the administrative
# court); temporary protection, the préfecture (the APS).
_AUTORITES = {
    "refugie": ("OFPRA", "CNDA"),
    "protection_subsidiaire": ("OFPRA", "CNDA"),
    "apatride": ("OFPRA",),
    "temporaire": ("prefecture",),
}


class FinProtection(Modele):
    date: DateISO = Field(description="À cette date, la personne n'est plus protégée.")
    motif: Literal["cessation", "retrait", "renonciation", "depart", "autre"]


class Protection(Modele):
    type: Literal["refugie", "protection_subsidiaire", "apatride", "temporaire"]
    autorite: Literal["OFPRA", "CNDA", "prefecture"] | None = None
    date: DateISO | None = None
    fin: FinProtection | None = None

    @field_validator("autorite")
    @classmethod
    def _autorite_du_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("type")
        if value is None or kind is None or value in _AUTORITES[kind]:
            return value
        raise PydanticCustomError(
            "ctai_autorite",
            "« {type} » n'est pas reconnu par « {valeur} » : {attendu}",
            {"type": kind, "valeur": value, "attendu": " ou ".join(_AUTORITES[kind])},
        )


class DemandeAsile(Modele):
    depot: DateISO
    decision: DateISO | None = Field(
        default=None, description="Décision définitive (OFPRA ou CNDA) ; absente : demande en cours."
    )


class Cir(Modele):
    signature: DateISO


class Personne(Modele):
    id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="Identifiant du dossier, sans donnée personnelle (200 caractères au plus)."
    )
    nationalite: Nationalites | None = None
    date_naissance: DateISO | None = None
    titres_sejour: list[TitreSejour] = Field(default_factory=list)
    titres_anterieurs_inconnus: bool | None = Field(
        default=None,
        description=(
            "Vrai : titres_sejour ne liste que les titres connus (la carte en cours), des titres antérieurs "
            "ont pu exister ; absent ou faux : titres_sejour liste tous les titres eus."
        ),
    )
    protection: Protection | None = None
    demande_asile: DemandeAsile | None = None
    demandeur_asile: bool | None = Field(
        default=None, description="Demande d'asile en cours à la date de la vérification."
    )
    cir: Cir | None = None
    mineur_non_accompagne: bool | None = None
    sejour_irregulier: bool | None = None
    residence_ukraine_24_02_2022: bool | None = None
    protection_en_ukraine: bool | None = Field(
        default=None, description="Ressortissant d'un pays tiers protégé en Ukraine avant le 24 février 2022."
    )
    membre_famille_bpt: bool | None = None
    resident_permanent_ukraine_sans_retour: bool | None = None
    intention_installation: bool | None = None
    suivi_agir: bool | None = None


# --- the batch's fast path ---------------------------------------------------------
# ``ctai eligibility check --batch`` builds 100 000 persons a run. For a CSV row whose every
# cell is valid, batch.personne_rapide makes the same Personne as ``Personne.model_validate``
# (same values, same fields set) with the same parsers, each called once per distinct value,
# without pydantic's per-row work; for any other row the batch validates through pydantic,
# so every error is pydantic's, as before (tests/test_eligibility_lot.py compares both).
_object_setattr = object.__setattr__
INVALIDE: Any = object()
"""What :func:`date_valide` and :func:`pays_valide` say of a text pydantic would refuse."""


def instance(cls: type[Modele], values: dict[str, Any], fields_set: set[str]) -> Any:
    """An instance of ``cls`` from values already valid, every field given, as pydantic's
    ``model_construct`` makes it (no validator to run: a Modele has no post-init)."""
    made = cls.__new__(cls)
    _object_setattr(made, "__dict__", values)
    _object_setattr(made, "__pydantic_fields_set__", fields_set)
    _object_setattr(made, "__pydantic_extra__", None)
    _object_setattr(made, "__pydantic_private__", None)
    return made


@functools.lru_cache(maxsize=65_536)
def date_valide(text: str) -> Any:
    """The date of a text, as DateISO reads it; INVALIDE when it refuses it."""
    try:
        return parse_date(text)
    except PydanticCustomError:
        return INVALIDE


@functools.lru_cache(maxsize=1024)
def pays_valide(text: str) -> Any:
    """A country code, as Pays reads it; INVALIDE when it refuses it."""
    try:
        return parse_pays(text)
    except PydanticCustomError:
        return INVALIDE

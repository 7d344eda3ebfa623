"""The person file of ``ctai eligibility check``: facts, all optional."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from ctai_cli.models.common import DateISO, Modele, Texte


def parse_pays(value: Any) -> str:
    import pycountry

    if not isinstance(value, str):
        raise PydanticCustomError("ctai_pays", "code pays attendu (ex. AF), pas {valeur}", {"valeur": value})
    code = value.strip()
    if code.lower() == "apatride":
        return "apatride"
    if len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None:
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


class TitreSejour(Modele):
    type: Texte = Field(description="Type de titre : salarie, vie_privee_familiale, etudiant… (voir docs).")
    debut: DateISO
    fin: DateISO | None = None


class Protection(Modele):
    type: Literal["refugie", "protection_subsidiaire", "apatride", "temporaire"]
    autorite: Literal["OFPRA", "CNDA", "prefecture"] | None = None
    date: DateISO | None = None


class DemandeAsile(Modele):
    depot: DateISO
    decision: DateISO | None = None


class Cir(Modele):
    signature: DateISO


class Personne(Modele):
    id: Texte | None = None
    nationalite: Pays | None = None
    titres_sejour: list[TitreSejour] = Field(default_factory=list)
    protection: Protection | None = None
    demande_asile: DemandeAsile | None = None
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

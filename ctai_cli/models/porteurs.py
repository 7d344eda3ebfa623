"""porteurs.yaml: the structures that carry the actions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ctai_cli.models.common import Identifiant, Modele, Texte, precisable


class Porteur(Modele):
    id: Identifiant
    nom: Texte
    type: precisable(
        Literal[
            "commune",
            "ccas",
            "epci",
            "metropole",
            "departement",
            "region",
            "etablissement_public",
            "association",
            "entreprise",
            "autre",
        ]
    )
    siret: str | None = Field(default=None, description="SIRET (14 chiffres), vérifié.")
    siren: str | None = Field(default=None, description="SIREN (9 chiffres), vérifié.")
    structures: list[Texte] = Field(
        default_factory=list, description="Services du porteur qui mènent les actions."
    )
    note: Texte | None = None


class Porteurs(Modele):
    porteurs: precisable(list[Porteur]) = Field(
        min_length=1,
        description="Les porteurs des actions ; « non précisé » quand la source n'en nomme aucun.",
    )

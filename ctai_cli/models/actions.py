"""actions/<annee>.yaml: annexe 1, the fiches-actions of one year."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ctai_cli.models.common import (
    Annee,
    DateISO,
    Decision,
    Effectif,
    Identifiant,
    Modele,
    Montant,
    Public,
    Texte,
)


class Objectif(Modele):
    id: Identifiant
    libelle: Texte
    cible: Effectif
    unite: Texte = Field(description="Unité de la cible : personnes, heures, ménages…")


class Cofinancement(Modele):
    financeur: Texte
    montant: Montant
    programme: Texte | None = Field(default=None, description="Ex. « BOP 147 », « CAF ».")


class VersementEtat(Modele):
    date: DateISO
    montant: Montant
    destinataire: Texte = Field(
        description="Qui reçoit : la commune, le CCAS ou l'identifiant du porteur (article 4)."
    )


class ReportEntrant(Modele):
    """Money carried over from the previous year's reliquat (article 3)."""

    montant: Montant
    depuis_action: Identifiant | None = Field(
        default=None,
        description="Action de l'année précédente d'où vient le reliquat (défaut : même identifiant).",
    )
    decision: Decision | None = None


class Budget(Modele):
    etat_bop104: Montant = Field(description="Crédits de l'État, programme 104, alloués pour l'année.")
    cofinancements: list[Cofinancement] = Field(default_factory=list)
    report_entrant: ReportEntrant | None = None
    excedent_raisonnable: Montant | None = Field(
        default=None,
        description="Excédent que la convention permet au porteur de conserver (loi 2021-875, article 10 de la "
        "loi 2000-321 modifié).",
    )
    versements: list[VersementEtat] = Field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.etat_bop104 + sum((c.montant for c in self.cofinancements), Decimal(0))


class ArticulationAgir(Modele):
    ouverte_public_agir: bool = Field(description="Le public suivi par AGIR peut-il en bénéficier ?")
    similaire_agir: bool = Field(
        default=False, description="Action similaire à l'accompagnement global AGIR (article 5)."
    )
    note: Texte | None = None


class RefugiesInfo(Modele):
    referencee: bool
    url: Texte | None = None


class Action(Modele):
    id: Identifiant
    axe: int = Field(ge=1, le=99)
    porteur: Identifiant
    structure: Texte | None = Field(default=None, description="Service du porteur (ex. « PAS »).")
    titre: Texte
    description: Texte | None = None
    nouvelle: bool = False
    publics: list[Public] = Field(min_length=1)
    partenaires: list[Texte] = Field(default_factory=list)
    objectifs: list[Objectif] = Field(default_factory=list)
    budget: Budget | None = None
    agir: ArticulationAgir | None = None
    refugies_info: RefugiesInfo | None = None


class Annexe(Modele):
    annee: Annee
    cadre: Literal["contrat", "contrat_precedent"] = Field(
        default="contrat",
        description="« contrat_precedent » pour une année antérieure à la période (bilan joint en annexe).",
    )
    introduction: Texte | None = None
    actions: list[Action] = Field(default_factory=list)

    def action(self, ident: str) -> Action | None:
        return next((a for a in self.actions if a.id == ident), None)

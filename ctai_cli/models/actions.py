"""actions/<annee>.yaml: annexe 1, the fiches-actions of one year."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from ctai_cli.budget import somme
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
    precisable,
    precise,
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
    """Money carried over from one reliquat of the previous year (article 3)."""

    montant: Montant
    depuis_action: Identifiant | None = Field(
        default=None,
        description="Action de l'année précédente d'où vient le reliquat (défaut : même identifiant).",
    )
    decision: Decision | None = None


def _une_ou_liste(value: Any) -> Any:
    """A single mapping (the first form of the format) is a list of one report."""
    return [value] if isinstance(value, dict) else value


class _SchemaUneOuListe:
    """JSON schema: a list of reports, or one report written as a single mapping."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        liste = handler(core_schema)
        return {
            "description": "Reliquats de l'année précédente reportés sur cette action (article 3) : une "
            "liste, ou un seul report écrit comme un dictionnaire.",
            "anyOf": [liste["items"], liste],
        }


ReportsEntrants = Annotated[list[ReportEntrant], BeforeValidator(_une_ou_liste), _SchemaUneOuListe()]


class Budget(Modele):
    etat_bop104: precisable(Montant) = Field(
        description="Crédits de l'État, programme 104, alloués pour l'année (« non précisé » : inconnus)."
    )
    cofinancements: list[Cofinancement] = Field(default_factory=list)
    report_entrant: ReportsEntrants = Field(default_factory=list)
    excedent_raisonnable: Montant | None = Field(
        default=None,
        description="Excédent que la convention permet au porteur de conserver (loi 2021-875, article 10 de la "
        "loi 2000-321 modifié).",
    )
    versements: list[VersementEtat] = Field(default_factory=list)
    illustratif: bool = Field(
        default=False,
        description="Montants inventés pour l'exemple, pas ceux d'une source : bandeau « Illustratif » "
        "sur chaque document qui les imprime.",
    )

    @property
    def total(self) -> Decimal | None:
        """Crédits de l'État + cofinancements: the action's whole planned budget (None: unknown)."""
        return somme([precise(self.etat_bop104), *(c.montant for c in self.cofinancements)])


class ArticulationAgir(Modele):
    ouverte_public_agir: precisable(bool) = Field(
        description="Le public suivi par AGIR peut-il en bénéficier ? « non précisé » si la source ne le dit pas."
    )
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
    porteur: precisable(Identifiant)
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
    partielle: Texte | None = Field(
        default=None,
        description="L'annexe ne reprend qu'une partie des actions de l'année (la source n'en décrit pas "
        "d'autres) : dire ce qui manque. Les totaux de l'année sont alors inconnus (sommes partielles), "
        "jamais présentés comme complets, et un axe sans action n'y compte pas 0 €.",
    )
    illustratif: Texte | None = Field(
        default=None,
        description="Ce fichier n'est pas tiré d'une source : en quoi il est illustratif. Chaque document "
        "qui l'utilise porte un bandeau « Illustratif » avec ce texte.",
    )

    def action(self, ident: str) -> Action | None:
        return next((a for a in self.actions if a.id == ident), None)

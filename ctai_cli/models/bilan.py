"""bilans/<annee>.yaml: the fiche-bilan of Article 8 for one year."""

from __future__ import annotations

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
    precisable,
)


class GroupePublic(Modele):
    publics: list[Public] = Field(
        min_length=1,
        description="Un public, ou plusieurs quand le décompte n'est pas ventilé (ex. [EPA, BPI]).",
    )
    nombre: Effectif
    note: Texte | None = None


class ParSexe(Modele):
    femmes: Effectif | None = None
    hommes: Effectif | None = None


class Beneficiaires(Modele):
    total: Effectif
    file_active: bool = Field(
        default=False,
        description="Le total est la file active de la structure, au-delà du public du contrat (demandeurs "
        "d'asile, statut depuis plus de 5 ans…) : seuls les groupes de « par_public » comptent pour le contrat.",
    )
    par_public: list[GroupePublic] = Field(default_factory=list)
    par_sexe: ParSexe | None = None
    note: Texte | None = None

    @property
    def du_public(self) -> int | None:
        """The people of the contract's public: the total, or only the groups by public when the
        total is a structure's whole file active (None, unknown, when such a file has no groups:
        CTAI-E208)."""
        if self.file_active:
            return sum(g.nombre for g in self.par_public) if self.par_public else None
        return self.total


class Indicateur(Modele):
    libelle: Texte
    valeur: Effectif
    unite: Texte
    objectif: Identifiant | None = Field(
        default=None, description="Identifiant de l'objectif de la fiche-action mesuré."
    )
    note: Texte | None = None


class Reliquat(Modele):
    montant: Montant
    disposition: Literal["report", "reversement", "conserve", "en_attente"] = Field(
        description="report (article 3), reversement, conserve (excédent raisonnable de la convention) ou en_attente."
    )
    vers_action: Identifiant | None = Field(
        default=None, description="Pour un report : action de l'année suivante (défaut : même identifiant)."
    )
    decision: Decision | None = None
    note: Texte | None = None


class CofinancementRealise(Modele):
    financeur: Texte = Field(description="Financeur, écrit comme dans le budget de la fiche-action.")
    montant: Montant = Field(description="Montant effectivement reçu de ce financeur pour l'action.")
    note: Texte | None = None


class BilanAction(Modele):
    action: Identifiant
    beneficiaires: Beneficiaires | None = None
    indicateurs: list[Indicateur] = Field(default_factory=list)
    depenses_realisees: Montant | None = Field(
        default=None,
        description="Dépenses réalisées sur les crédits de l'État (BOP 104), y compris le report entrant.",
    )
    reliquat: Reliquat | None = None
    cofinancements: list[CofinancementRealise] | None = Field(
        default=None,
        description="Cofinancements réalisés (hors BOP 104), financeur par financeur ; absent : non renseignés.",
    )
    qualitatif: Texte | None = None


class Reunion(Modele):
    date: DateISO
    objet: Texte | None = None
    participants: list[Texte] = Field(default_factory=list)


class Pilotage(Modele):
    copils_tenus: precisable(Effectif)
    reunions: list[Reunion] = Field(
        default_factory=list, description="Détail des comités tenus, quand les dates sont connues."
    )
    invites: list[Texte] = Field(default_factory=list)
    texte: Texte | None = None


class NoteContexte(Modele):
    titre: Texte
    texte: Texte


class Bilan(Modele):
    annee: Annee
    cadre: Literal["contrat", "contrat_precedent"] = "contrat"
    date_remise: DateISO | None = None
    synthese: Texte | None = None
    contexte: list[NoteContexte] = Field(default_factory=list)
    pilotage: Pilotage
    actions: list[BilanAction] = Field(default_factory=list)
    illustratif: Texte | None = Field(
        default=None,
        description="Ce fichier n'est pas tiré d'une source : en quoi il est illustratif. Chaque document "
        "qui l'utilise porte un bandeau « Illustratif » avec ce texte.",
    )

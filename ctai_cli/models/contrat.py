"""contrat.yaml: the contract itself (parties, période, axes, imputation, gouvernance)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, WithJsonSchema

from ctai_cli.models.common import (
    Annee,
    DateISO,
    Effectif,
    Modele,
    MoisISO,
    Montant,
    Public,
    Texte,
    precisable,
    precise,
)

CodeDepartement = Annotated[
    str, StringConstraints(pattern=r"^(?:0[1-9]|1[0-9]|2[1-9]|2A|2B|[3-8][0-9]|9[0-5]|97[1-6])$")
]


class Representant(Modele):
    nom: Texte
    qualite: Texte = Field(description="Qualité du signataire (ex. « Maire de Dax »).")


class Partie(Modele):
    role: Literal["collectivite", "etat"]
    nom: Texte
    type: Literal["commune", "epci", "metropole", "ccas", "departement", "region", "prefecture"] | None = None
    designation: Texte | None = Field(
        default=None, description="Terme qui désigne la partie dans le texte (« la commune »)."
    )
    representant: Representant | None = None
    services: list[Texte] = Field(default_factory=list, description="Services associés (DDETS, DDETSPP…).")
    siren: str | None = None
    siret: str | None = None


class Periode(Modele):
    debut: Annee
    fin: Annee


class Quorum(Modele):
    membres: Effectif
    presents: Effectif
    pouvoirs: Effectif = 0
    suffrages_exprimes: Effectif | None = None


class Votes(Modele):
    pour: Effectif
    contre: Effectif = 0
    abstentions: Effectif = 0


class Deliberation(Modele):
    instance: Texte = Field(description="Assemblée délibérante (ex. « Conseil municipal de Dax »).")
    date: DateISO
    objet: Texte | None = None
    convocation: DateISO | None = None
    quorum: Quorum | None = None
    votes: Votes | None = None
    acte: Texte | None = Field(default=None, description="Identifiant de l'acte (accusé de réception).")
    transmission: DateISO | None = Field(default=None, description="Date de télétransmission en préfecture.")
    reception_prefecture: DateISO | None = None
    publication: DateISO | None = None


class Signature(Modele):
    lieu: Texte | None = None
    date: DateISO | None = None


class Axe(Modele):
    numero: int = Field(ge=1, le=99)
    titre: Texte
    mobilise_bop104: precisable(bool) = Field(
        description="L'axe mobilise-t-il les crédits du programme 104 ? (« non précisé » si la source ne le dit pas)"
    )
    description: Texte | None = None


class Imputation(Modele):
    mission: Texte | None = None
    programme: int = Field(ge=100, le=999, description="Programme budgétaire (104).")
    action: int = Field(ge=1, le=99)
    sous_action: int | None = Field(default=None, ge=1, le=99)
    code_activite: str | None = Field(default=None, pattern=r"^[0-9]{12}$")
    ministere: Texte | None = None


class Versement(Modele):
    modalites: Texte | None = None
    beneficiaires: list[Literal["commune", "ccas", "epci", "metropole", "departement", "porteurs"]] = Field(
        default_factory=list
    )
    ordonnateur: Texte | None = None
    comptable: Texte | None = None


class EcheanceBilan(Modele):
    """Article 8 at Dax: the bilan of year n is due by ``jour``/``mois`` of n + 1."""

    mois: int = Field(ge=1, le=12, description="Mois de l'échéance, l'année n + 1 (6 : juin).")
    jour: int = Field(ge=1, le=31, description="Jour de l'échéance (1 : le 1er).")
    destinataire: Texte | None = None


class Gouvernance(Modele):
    """Articles 7 and 8. No default: a value the contract does not state is unknown, and the
    checks that need it say so (CTAI-W254) instead of assuming Dax's « 2 fois par an » or
    « 1er juin »."""

    copil_min_par_an: precisable(Effectif) | None = Field(
        default=None,
        description="Nombre minimal de comités de pilotage par an (article 7). Absent ou « non précisé » : "
        "inconnu, aucun minimum n'est supposé.",
    )
    copilotes: list[Texte] = Field(default_factory=list)
    invites: list[Texte] = Field(default_factory=list)
    bilan: precisable(EcheanceBilan) | None = Field(
        default=None,
        description="Échéance du bilan annuel (article 8). Absente ou « non précisé » : inconnue, aucune "
        "date n'est supposée.",
    )

    @property
    def minimum_copils(self) -> int | None:
        """The yearly minimum of comités, or None when the contract does not state it."""
        return precise(self.copil_min_par_an)

    @property
    def echeance(self) -> EcheanceBilan | None:
        """The bilan's deadline, or None when the contract does not state it."""
        return precise(self.bilan)


class Agir(Modele):
    operateur: Texte | None = None
    deploiement: MoisISO | None = None
    convention_locale: precisable(bool) | None = Field(
        default=None,
        description="Une convention locale entre l'opérateur AGIR et les acteurs du contrat précise-t-elle "
        "l'articulation ? Absent ou « non précisé » : inconnu.",
    )


ORIGINE_BOP104 = "etat_bop104"


class Enveloppe(Modele):
    annee: Annee
    montant: Montant = Field(description="Crédits BOP 104 de l'État pour l'année.")
    # The schema of a one-value Literal differs between pydantic releases (« type » or not): fixed.
    origine: precisable(
        Annotated[Literal["etat_bop104"], WithJsonSchema({"const": ORIGINE_BOP104, "type": "string"})]
    ) = Field(
        default=ORIGINE_BOP104,
        description="D'où viennent ces crédits : etat_bop104 (crédits de l'État, programme 104, le cas "
        "d'un CTAI ; valeur par défaut) ou « non précisé » quand la source donne une dotation sans dire "
        "qui l'apporte ni sur quel programme. Une dotation d'origine non précisée n'est pas comptée "
        "comme crédits BOP 104 : l'enveloppe BOP 104 de l'année reste inconnue.",
    )

    @property
    def bop104(self) -> bool:
        return self.origine == ORIGINE_BOP104


class AnnexeRef(Modele):
    numero: int = Field(ge=1)
    titre: Texte
    fichier: Texte


class Article(Modele):
    """One article of the signed contract, in its own words."""

    numero: Texte = Field(description="Numéro tel qu'écrit : « 1er », « 2 », « 3 bis ».")
    titre: Texte | None = None
    texte: Texte = Field(
        description="Texte de l'article, recopié du contrat signé (paragraphes séparés par une ligne vide)."
    )


class Contrat(Modele):
    intitule: Texte
    territoire: Texte
    departement: precisable(CodeDepartement) = Field(
        description="Code du département (« 40 », « 2A », « 974 ») ; « non précisé » tant qu'il n'est "
        "pas connu (squelette de « ctai init » : jamais un code provisoire, qui serait compté ailleurs).",
    )
    statut: Literal["projet", "signe", "resilie", "termine"] = "projet"
    periode: Periode
    parties: list[Partie] = Field(min_length=2)
    deliberation: Deliberation | None = None
    signature: Signature | None = None
    publics: list[Public] = Field(min_length=1)
    preambule: Texte | None = None
    axes: list[Axe] = Field(min_length=1)
    imputation: precisable(Imputation)
    versement: Versement | None = None
    report_reliquats: precisable(bool) | None = Field(
        default=None,
        description="Article 3 : les montants non dépensés peuvent-ils être reportés à l'exercice suivant ? "
        "Absent ou « non précisé » : inconnu (un report est alors une question, CTAI-W245).",
    )
    gouvernance: Gouvernance = Field(default_factory=Gouvernance)
    agir: Agir | None = None
    refugies_info: precisable(bool) | None = Field(
        default=None,
        description="Article 6 : les actions sont-elles référencées sur refugies.info ? Absent ou « non "
        "précisé » : inconnu.",
    )
    juridiction: Texte | None = None
    annexes: list[AnnexeRef] = Field(default_factory=list)
    enveloppes: list[Enveloppe] = Field(
        default_factory=list, description="Enveloppe annuelle des crédits de l'État (BOP 104)."
    )
    articles: precisable(list[Article]) | None = Field(
        default=None,
        description="Texte des articles du contrat signé, recopié : les documents l'impriment. Absent : "
        "les documents impriment un texte type, marqué comme tel ; « non précisé » : aucun texte "
        "d'article n'est imprimé.",
    )
    illustratif: Texte | None = Field(
        default=None,
        description="Ce fichier n'est pas tiré d'une source : en quoi il est illustratif. Chaque document "
        "qui l'utilise porte un bandeau « Illustratif » avec ce texte.",
    )

    def axe(self, numero: int) -> Axe | None:
        return next((a for a in self.axes if a.numero == numero), None)

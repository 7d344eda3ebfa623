"""What an avenant diff is made of: the changes of a contract between two versions, as data
(see :mod:`ctai_cli.avenants.diff`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ctai_cli.budget import ZERO, Somme, money_text

Statut = Literal["ajout", "suppression", "modification"]
Cote = Literal["base", "head"]

# contrat.yaml fields that record the signing, not the terms agreed.
CHAMPS_DE_SIGNATURE = ("statut", "deliberation", "signature")
# Lists whose elements have an identity: compared element by element.
_CLES = {
    "objectifs": "id",
    "axes": "numero",
    "enveloppes": "annee",
    "parties": "role",
    "annexes": "numero",
}
_LONG_TEXT = 100


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Changement:
    """One field changed. ``avant``/``apres`` are plain values (Decimal, date, str, int,
    bool, list, dict) or ``None`` when the field is absent on that side."""

    chemin: str  # "periode.fin", "budget.etat_bop104", "objectifs[personnes].cible"
    avant: Any
    apres: Any

    def to_dict(self) -> dict[str, Any]:
        return {"chemin": self.chemin, "avant": _json(self.avant), "apres": _json(self.apres)}


@dataclass(frozen=True)
class AxeRef:
    numero: int
    titre: str


@dataclass(frozen=True)
class AxeRenomme:
    numero: int
    avant: str
    apres: str


@dataclass(frozen=True)
class EcartEnveloppe:
    annee: int
    avant: Decimal | None  # None: no envelope for that year on that side
    apres: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.apres or ZERO) - (self.avant or ZERO)


@dataclass(frozen=True)
class DiffConvention:
    """Changes of contrat.yaml."""

    champs: tuple[Changement, ...] = ()  # every field changed (categories below included)
    publics_ajoutes: tuple[str, ...] = ()
    publics_retires: tuple[str, ...] = ()
    axes_ajoutes: tuple[AxeRef, ...] = ()
    axes_retires: tuple[AxeRef, ...] = ()
    axes_renommes: tuple[AxeRenomme, ...] = ()
    enveloppes: tuple[EcartEnveloppe, ...] = ()

    @property
    def dates(self) -> tuple[Changement, ...]:
        """Changes of a date field (``deliberation.date``, ``signature.date``…)."""
        return tuple(c for c in self.champs if isinstance(c.avant, date) or isinstance(c.apres, date))

    @property
    def termes(self) -> tuple[Changement, ...]:
        """Changes of the terms: every change but those recording the signing."""
        return tuple(c for c in self.champs if not _de_signature(c.chemin))

    @property
    def vide(self) -> bool:
        return not self.champs

    def to_dict(self) -> dict[str, Any]:
        return {
            "champs": [c.to_dict() for c in self.champs],
            "publics_ajoutes": list(self.publics_ajoutes),
            "publics_retires": list(self.publics_retires),
            "axes_ajoutes": [{"numero": a.numero, "titre": a.titre} for a in self.axes_ajoutes],
            "axes_retires": [{"numero": a.numero, "titre": a.titre} for a in self.axes_retires],
            "axes_renommes": [
                {"numero": a.numero, "avant": a.avant, "apres": a.apres} for a in self.axes_renommes
            ],
            "dates": [c.to_dict() for c in self.dates],
            "enveloppes": [
                {
                    "annee": e.annee,
                    "avant": money_text(e.avant),
                    "apres": money_text(e.apres),
                    "delta": money_text(e.delta),
                }
                for e in self.enveloppes
            ],
        }


@dataclass(frozen=True)
class DiffAction:
    annee: int
    id: str
    statut: Statut
    titre: str  # head's title (base's for a removed action)
    axe: int  # head's axe (base's for a removed action)
    porteur: str  # head's porteur (base's for a removed action)
    changements: tuple[Changement, ...] = ()  # field changes, for a "modification"
    budget_avant: Decimal | None = None  # budget.etat_bop104; None: absent side, no budget or unknown
    budget_apres: Decimal | None = None
    axe_avant: int | None = None  # None for an added action
    # Why a side's State budget is unknown: SANS_BUDGET (no « budget » in the annexe) or
    # NON_PRECISE (« etat_bop104: non précisé »); None when known or when the action is absent there.
    inconnu_avant: str | None = None
    inconnu_apres: str | None = None

    @property
    def ecart(self) -> Decimal | None:
        """Change of the State budget (an added action: its budget; a removed one: minus it);
        None when a side's budget is unknown (unknown is never zero)."""
        if self.inconnu_avant or self.inconnu_apres:
            return None
        return (self.budget_apres or ZERO) - (self.budget_avant or ZERO)

    @property
    def budget_change(self) -> bool:
        return (self.budget_avant, self.inconnu_avant) != (self.budget_apres, self.inconnu_apres)

    def to_dict(self) -> dict[str, Any]:
        return {
            "annee": self.annee,
            "id": self.id,
            "statut": self.statut,
            "titre": self.titre,
            "axe": self.axe,
            "axe_avant": self.axe_avant,
            "porteur": self.porteur,
            "budget": {
                "avant": money_text(self.budget_avant),
                "apres": money_text(self.budget_apres),
                "delta": money_text(self.ecart),
                "inconnu_avant": self.inconnu_avant,
                "inconnu_apres": self.inconnu_apres,
            },
            "changements": [c.to_dict() for c in self.changements],
        }


@dataclass(frozen=True)
class DiffAnnexe:
    """Changes of actions/<annee>.yaml."""

    annee: int
    numero: int  # annex number in the contract (annexe 1 unless contrat.yaml says otherwise)
    statut: Statut
    cadre: str  # "contrat" or "contrat_precedent" (head's, base's for a removed annexe)
    champs: tuple[Changement, ...] = ()  # annexe fields other than the actions
    actions: tuple[DiffAction, ...] = ()

    @property
    def titre(self) -> str:
        return f"Annexe {self.numero} ({self.annee})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "annee": self.annee,
            "numero": self.numero,
            "statut": self.statut,
            "cadre": self.cadre,
            "fichier": f"actions/{self.annee}.yaml",
            "champs": [c.to_dict() for c in self.champs],
            "actions": [a.to_dict() for a in self.actions],
        }


@dataclass(frozen=True)
class DiffPorteur:
    id: str
    statut: Statut
    nom: str
    type: str
    changements: tuple[Changement, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statut": self.statut,
            "nom": self.nom,
            "type": self.type,
            "changements": [c.to_dict() for c in self.changements],
        }


@dataclass(frozen=True)
class DiffFichiers:
    """Files of a folder (bilans, avenants) added, removed or changed, by number."""

    ajoutes: tuple[int, ...] = ()
    retires: tuple[int, ...] = ()
    modifies: tuple[int, ...] = ()

    @property
    def vide(self) -> bool:
        return not (self.ajoutes or self.retires or self.modifies)

    def to_dict(self) -> dict[str, Any]:
        return {"ajoutes": list(self.ajoutes), "retires": list(self.retires), "modifies": list(self.modifies)}


SANS_BUDGET = "sans budget dans l'annexe"
NON_PRECISE = "budget État non précisé"


@dataclass(frozen=True)
class MontantConnu:
    """One side of a budget comparison: the sum as the budget core computes it (unknown terms
    included), why it is unknown, and which terms are unknown (to tell whether both sides
    share the same unknown terms)."""

    somme: Somme
    raison: str | None = None  # French, when some term is unknown: « annexe 2026 absente »
    inconnus: frozenset[Any] = frozenset()

    @classmethod
    def connu(cls, montant: Decimal) -> MontantConnu:
        return cls(Somme.de([montant]))

    @property
    def valeur(self) -> Decimal | None:
        return self.somme.valeur

    @property
    def partiel(self) -> Decimal | None:
        return self.somme.partiel

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"montant": money_text(self.valeur), "complet": self.somme.complet}
        if not self.somme.complet:
            out["partiel"] = money_text(self.partiel)
            out["raison"] = self.raison
        return out


_ZERO_CONNU = MontantConnu(Somme())


@dataclass(frozen=True)
class EcartBudget:
    """State budget (BOP 104) before and after, for a year and axe, a year, or the whole.

    A side is unknown as soon as one of its terms is (an action without budget or « non
    précisé », a missing or partial annexe): never 0. The delta is known when both sides are,
    or when both have the very same unknown terms (unchanged, so they cancel out)."""

    annee: int | None
    axe: int | None
    avant_montant: MontantConnu
    apres_montant: MontantConnu

    @property
    def avant(self) -> Decimal | None:
        return self.avant_montant.valeur

    @property
    def apres(self) -> Decimal | None:
        return self.apres_montant.valeur

    @property
    def complet(self) -> bool:
        return self.avant_montant.somme.complet and self.apres_montant.somme.complet

    @property
    def delta(self) -> Decimal | None:
        a, b = self.avant_montant, self.apres_montant
        if a.inconnus != b.inconnus:
            return None
        return b.somme.connu - a.somme.connu

    @property
    def change(self) -> bool:
        a, b = self.avant_montant, self.apres_montant
        return (a.somme.connu, a.inconnus) != (b.somme.connu, b.inconnus)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.annee is not None:
            out["annee"] = self.annee
        if self.axe is not None:
            out["axe"] = self.axe
        out.update(
            {
                "avant": money_text(self.avant),
                "apres": money_text(self.apres),
                "delta": money_text(self.delta),
                "complet": self.complet,
            }
        )
        if not self.complet:
            out["inconnu"] = {
                "avant": self.avant_montant.to_dict(),
                "apres": self.apres_montant.to_dict(),
            }
        return out


@dataclass(frozen=True)
class EcartsBudget:
    par_axe: tuple[EcartBudget, ...] = ()  # (year, axe) whose total changed
    par_annee: tuple[EcartBudget, ...] = ()  # years where an action's budget changed
    total: EcartBudget = field(default_factory=lambda: EcartBudget(None, None, _ZERO_CONNU, _ZERO_CONNU))
    # Annexes that could not be compared (invalid file): their amounts are missing from the rows.
    invalides: tuple[str, ...] = ()

    @property
    def complet(self) -> bool:
        """Every amount shown is known and every annexe was compared."""
        return not self.invalides and self.total.complet

    @property
    def vide(self) -> bool:
        return not self.par_annee

    def to_dict(self) -> dict[str, Any]:
        return {
            "par_axe": [e.to_dict() for e in self.par_axe],
            "par_annee": [e.to_dict() for e in self.par_annee],
            "total": self.total.to_dict(),
            "complet": self.complet,
            "annexes_non_comparees": list(self.invalides),
        }


@dataclass(frozen=True)
class FichierInvalide:
    cote: Cote
    fichier: str  # relative to the contract folder: "actions/2025.yaml"
    raison: str

    def to_dict(self) -> dict[str, Any]:
        return {"cote": self.cote, "fichier": self.fichier, "raison": self.raison}


@dataclass(frozen=True)
class DiffContrat:
    contrat: DiffConvention = field(default_factory=DiffConvention)
    annexes: tuple[DiffAnnexe, ...] = ()  # years with a change, in order
    budget: EcartsBudget = field(default_factory=EcartsBudget)
    porteurs: tuple[DiffPorteur, ...] = ()
    bilans: DiffFichiers = field(default_factory=DiffFichiers)
    avenants: DiffFichiers = field(default_factory=DiffFichiers)
    fichiers_termes_modifies: tuple[str, ...] = ()  # "contrat.yaml", "actions/2025.yaml"
    fichiers_invalides: tuple[FichierInvalide, ...] = ()
    territoire: str | None = None  # for titles (head's, or base's)
    base: str = "base"  # French description of each side
    head: str = "head"
    base_commit: str | None = None
    head_commit: str | None = None  # None: the working tree (or plain folders)
    dossier: str = "."  # the contract folder, as shown
    # Names for the sentences, instead of identifiers: porteur id → nom (porteurs.yaml), party
    # role → nom (contrat.yaml); head's, else base's.
    noms_porteurs: dict[str, str] = field(default_factory=dict)
    noms_parties: dict[str, str] = field(default_factory=dict)

    @property
    def termes_modifies(self) -> bool:
        return bool(self.fichiers_termes_modifies)

    @property
    def vide(self) -> bool:
        return not (
            self.fichiers_termes_modifies
            or not self.contrat.vide
            or self.annexes
            or self.porteurs
            or not self.bilans.vide
            or not self.avenants.vide
            or self.fichiers_invalides
        )

    def actions(self) -> Iterator[DiffAction]:
        for annexe in self.annexes:
            yield from annexe.actions

    def to_dict(self) -> dict[str, Any]:
        from ctai_cli.avenants.phrases import phrases  # the sentences build on this data

        return {
            "dossier": self.dossier,
            "territoire": self.territoire,
            "base": {"libelle": self.base, "commit": self.base_commit},
            "head": {"libelle": self.head, "commit": self.head_commit},
            "termes_modifies": self.termes_modifies,
            "fichiers_termes_modifies": list(self.fichiers_termes_modifies),
            "fichiers_invalides": [f.to_dict() for f in self.fichiers_invalides],
            "contrat": self.contrat.to_dict(),
            "annexes": [a.to_dict() for a in self.annexes],
            "budget": self.budget.to_dict(),
            "porteurs": [p.to_dict() for p in self.porteurs],
            "bilans": self.bilans.to_dict(),
            "avenants": self.avenants.to_dict(),
            "phrases": phrases(self),
        }


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _de_signature(chemin: str) -> bool:
    return any(chemin == f or chemin.startswith((f + ".", f + "[")) for f in CHAMPS_DE_SIGNATURE)

"""Reconcile State money per action and year: allocation, carry-over, payments, spending, reliquat.

Everything is ``Decimal``, exact to the cent. For each action of each annexe::

    disponible = alloue + report_entrant
    reliquat   = disponible - depense        (when the bilan gives the spending)
    ecart      = depense - disponible, and in % of disponible (CERFA 15059 logic:
                 réalisé against prévu)

Totals per year, axe, porteur and for the whole contract are sums of the rows; a
total is ``complet: false`` when some amount in it is not known (no budget in the
annexe, no spending in the bilan yet): unknown is never shown as zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ctai_cli.repository import Depot

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = ("alloue", "report_entrant", "disponible", "verse", "depense", "reliquat")


@dataclass
class Ligne:
    annee: int
    action: str
    axe: int
    porteur: str
    titre: str
    alloue: Decimal | None  # None: the annexe gives no budget (unknown, not zero)
    report_entrant: Decimal | None
    verse: Decimal | None
    depense: Decimal | None
    disposition: str | None = None
    vers: str | None = None  # "2025/club-emploi" for a report

    @property
    def disponible(self) -> Decimal | None:
        if self.alloue is None or self.report_entrant is None:
            return None
        return self.alloue + self.report_entrant

    @property
    def reliquat(self) -> Decimal | None:
        disponible = self.disponible
        return None if self.depense is None or disponible is None else disponible - self.depense

    @property
    def ecart(self) -> Decimal | None:
        reliquat = self.reliquat
        return None if reliquat is None else -reliquat

    @property
    def ecart_pct(self) -> Decimal | None:
        if self.ecart is None or not self.disponible:
            return None
        return (self.ecart * 100 / self.disponible).quantize(CENT, rounding=ROUND_HALF_UP)

    def to_dict(self) -> dict[str, Any]:
        return {
            "annee": self.annee,
            "action": self.action,
            "axe": self.axe,
            "porteur": self.porteur,
            "titre": self.titre,
            **{name: money_text(getattr(self, name)) for name in MONEY},
            "disposition": self.disposition,
            "vers": self.vers,
            "ecart": money_text(self.ecart),
            "ecart_pct": None if self.ecart_pct is None else f"{self.ecart_pct:.2f}",
        }


@dataclass
class Total:
    sums: dict[str, Decimal] = field(default_factory=lambda: {name: ZERO for name in MONEY})
    complet: bool = True

    def add(self, ligne: Ligne) -> None:
        for name in MONEY:
            value = getattr(ligne, name)
            if value is None:
                self.complet = False
            else:
                self.sums[name] += value

    def to_dict(self) -> dict[str, Any]:
        return {**{name: money_text(value) for name, value in self.sums.items()}, "complet": self.complet}


@dataclass
class Rapprochement:
    lignes: list[Ligne]
    par_annee: dict[int, Total]
    par_axe: dict[int, Total]
    par_porteur: dict[str, Total]
    contrat: Total

    def to_dict(self) -> dict[str, Any]:
        return {
            "lignes": [ligne.to_dict() for ligne in self.lignes],
            "totaux": {
                "par_annee": {str(k): v.to_dict() for k, v in sorted(self.par_annee.items())},
                "par_axe": {str(k): v.to_dict() for k, v in sorted(self.par_axe.items())},
                "par_porteur": {k: v.to_dict() for k, v in sorted(self.par_porteur.items())},
                "contrat": self.contrat.to_dict(),
            },
        }


def money_text(value: Decimal | None) -> str | None:
    """``Decimal("8000")`` → ``"8000.00"`` (JSON and CSV amounts); None stays None."""
    return None if value is None else f"{value.quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


def rapprocher(depot: Depot, annee: int | None = None) -> Rapprochement:
    """One row per action and year of the valid annexes (``annee`` restricts to one year)."""
    lignes: list[Ligne] = []
    for year in sorted(depot.actions):
        fichier = depot.actions[year]
        if fichier.model is None or (annee is not None and year != annee):
            continue
        bilan_file = depot.bilans.get(year)
        bilan = bilan_file.model if bilan_file else None
        entries = {entry.action: entry for entry in bilan.actions} if bilan else {}
        for action in fichier.model.actions:
            budget = action.budget
            entry = entries.get(action.id)
            reliquat = entry.reliquat if entry else None
            vers = None
            if reliquat is not None and reliquat.disposition == "report":
                vers = f"{year + 1}/{reliquat.vers_action or action.id}"
            lignes.append(
                Ligne(
                    annee=year,
                    action=action.id,
                    axe=action.axe,
                    porteur=action.porteur,
                    titre=action.titre,
                    alloue=budget.etat_bop104 if budget else None,
                    report_entrant=(budget.report_entrant.montant if budget.report_entrant else ZERO)
                    if budget
                    else None,
                    verse=sum((v.montant for v in budget.versements), ZERO) if budget else None,
                    depense=entry.depenses_realisees if entry else None,
                    disposition=reliquat.disposition if reliquat else None,
                    vers=vers,
                )
            )
    par_annee: dict[int, Total] = defaultdict(Total)
    par_axe: dict[int, Total] = defaultdict(Total)
    par_porteur: dict[str, Total] = defaultdict(Total)
    contrat = Total()
    for ligne in lignes:
        for total in (par_annee[ligne.annee], par_axe[ligne.axe], par_porteur[ligne.porteur], contrat):
            total.add(ligne)
    return Rapprochement(lignes, dict(par_annee), dict(par_axe), dict(par_porteur), contrat)

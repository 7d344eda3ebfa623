"""What is illustrative (invented, from no source) in what a command prints.

A contract, annexe or bilan file flagged ``illustratif`` (with a note), or a budget flagged
``illustratif: true``, holds values no source gives. Every output that prints them says so:
the documents' « Illustratif » banner, ``ctai budget reconcile`` and ``ctai aggregate``
(every format). :func:`illustrations` gives the lines of that banner; :func:`du_depot` the
lines for a contract folder, year by year.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ctai_cli import francais as fr

if TYPE_CHECKING:
    from ctai_cli.models import Action, Annexe, Bilan, Contrat
    from ctai_cli.repository import Depot


def illustrations(
    contrat: Contrat | None,
    annexes: Iterable[tuple[Annexe, Iterable[Action]]] = (),
    bilans: Iterable[Bilan] = (),
) -> list[str]:
    """The lines of the « Illustratif » banner of a document: every file it uses that is flagged
    ``illustratif`` (with its note), and the actions whose printed budget is flagged."""
    out: list[str] = []
    if contrat is not None and contrat.illustratif:
        out.append(f"Contrat : {contrat.illustratif}")
    for annexe, actions in annexes:
        if annexe.illustratif:
            out.append(f"Annexe {annexe.annee} : {annexe.illustratif}")
        budgets = [a for a in actions if a.budget is not None]
        flagged = [a.id for a in budgets if a.budget.illustratif]
        if flagged:
            quels = (
                "tous les budgets des fiches-actions"
                if len(flagged) == len(budgets) > 1
                else "budget de "
                + fr.pluriel(len(flagged), "l'action", "les actions")
                + " "
                + fr.liste(flagged)
            )
            out.append(
                f"Annexe {annexe.annee} : montants inventés pour l'exemple, pas ceux d'une source ({quels})"
            )
    for bilan in bilans:
        if bilan.illustratif:
            out.append(f"Bilan {bilan.annee} : {bilan.illustratif}")
    return list(dict.fromkeys(out))


def banniere_texte(entete: str, lignes: Iterable[str]) -> str:
    """The banner for a text report: « ILLUSTRATIF — {entete} : » then one « - » line per item,
    each made safe for a terminal (the notes are text from the files)."""
    from ctai_cli.terminal import sur

    return f"ILLUSTRATIF — {entete} :\n" + "".join(f"  - {sur(ligne)}\n" for ligne in lignes)


def du_depot(depot: Depot, annees: Iterable[int] | None = None) -> list[str]:
    """The banner's lines for a contract folder: contrat.yaml, and the annexes and bilans of
    ``annees`` (every year when None) that are valid."""
    annees = None if annees is None else set(annees)
    annexes = [
        (f.model, f.model.actions)
        for y, f in sorted(depot.actions.items())
        if f.model is not None and (annees is None or y in annees)
    ]
    bilans = [
        f.model
        for y, f in sorted(depot.bilans.items())
        if f.model is not None and (annees is None or y in annees)
    ]
    return illustrations(depot.contrat_model, annexes, bilans)

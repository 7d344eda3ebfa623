"""Money checks (articles 3, 4 and 8): the same arithmetic as ``ctai budget reconcile``."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from ctai_cli.budget import ZERO, rapprocher
from ctai_cli.checks.calendrier import echeance_bilan
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.formatting import date_longue, euros

if TYPE_CHECKING:
    from ctai_cli.checks import Contexte
    from ctai_cli.repository import Depot


def depenses_et_reliquats(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    lignes = {(ligne.annee, ligne.action): ligne for ligne in rapprocher(depot).lignes}
    contrat = depot.contrat_model
    for fichier, i, entry in depot.iter_bilan_actions():
        ligne = lignes.get((fichier.model.annee, entry.action))
        if ligne is None or ligne.disponible is None or ligne.depense is None:
            continue
        base = ("actions", i)
        if ligne.depense > ligne.disponible:
            yield fichier.diag(
                "CTAI-E220",
                (*base, "depenses_realisees"),
                action=entry.action,
                depense=euros(ligne.depense),
                disponible=euros(ligne.disponible),
            )
            continue
        reliquat = entry.reliquat
        if reliquat is not None and reliquat.montant != ligne.reliquat:
            yield fichier.diag(
                "CTAI-E221",
                (*base, "reliquat", "montant"),
                action=entry.action,
                declare=euros(reliquat.montant),
                calcule=euros(ligne.reliquat),
                calcule_brut=f'"{ligne.reliquat:.2f}"',
            )
        pending = reliquat is not None and reliquat.disposition == "en_attente"
        undeclared = reliquat is None and ligne.reliquat > 0
        if (pending or undeclared) and contrat is not None:
            due = echeance_bilan(contrat, fichier.model.annee)
            if due is not None and contexte.date > due:
                yield fichier.diag(
                    "CTAI-W225",
                    (*base, "reliquat", "disposition") if pending else (*base, "depenses_realisees"),
                    action=entry.action,
                    montant=euros(ligne.reliquat),
                    etat="toujours en attente de décision"
                    if pending
                    else "sans reliquat déclaré ni disposition",
                    echeance=date_longue(due),
                )
        if reliquat is not None and reliquat.disposition == "conserve":
            action = depot.actions[fichier.model.annee].model.action(entry.action)
            autorise = action.budget.excedent_raisonnable if action and action.budget else None
            if autorise is None or reliquat.montant > autorise:
                yield fichier.diag(
                    "CTAI-E227",
                    (*base, "reliquat", "montant"),
                    action=entry.action,
                    montant=euros(reliquat.montant),
                    autorise=euros(autorise or ZERO),
                )
        if reliquat is not None and reliquat.disposition == "report" and reliquat.decision is None:
            yield fichier.diag(
                "CTAI-W223",
                (*base, "reliquat"),
                detail=f"action « {entry.action} » : reliquat de {euros(reliquat.montant)} reporté sans décision "
                "enregistrée",
            )


def reports(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    """Every report entrant matches a reliquat reported out of the previous year, to the cent."""
    for fichier, i, action in depot.iter_actions():
        report = action.budget.report_entrant if action.budget else None
        if report is None:
            continue
        year = fichier.model.annee
        origine = report.depuis_action or action.id
        previous = depot.bilans.get(year - 1)
        sortant = None
        if previous is not None and previous.model is not None:
            entry = next((e for e in previous.model.actions if e.action == origine), None)
            reliquat = entry.reliquat if entry else None
            if (
                reliquat
                and reliquat.disposition == "report"
                and (reliquat.vers_action or origine) == action.id
            ):
                sortant = reliquat.montant
        loc = ("actions", i, "budget", "report_entrant")
        if sortant is None:
            yield fichier.diag(
                "CTAI-E222",
                (*loc, "montant"),
                detail=f"action « {action.id} » : report entrant de {euros(report.montant)} sans reliquat "
                f"« {origine} » reporté vers elle dans bilans/{year - 1}.yaml",
            )
        elif sortant != report.montant:
            yield fichier.diag(
                "CTAI-E222",
                (*loc, "montant"),
                detail=f"action « {action.id} » : report entrant de {euros(report.montant)} pour un reliquat "
                f"reporté de {euros(sortant)}",
            )
        if report.decision is None:
            yield fichier.diag(
                "CTAI-W223",
                loc,
                detail=f"action « {action.id} » : report entrant de {euros(report.montant)} sans décision "
                "enregistrée",
            )


def versements(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    for fichier, i, action in depot.iter_actions():
        budget = action.budget
        if budget is None or not budget.versements:
            continue
        verse = sum((v.montant for v in budget.versements), ZERO)
        if verse != budget.etat_bop104:
            yield fichier.diag(
                "CTAI-W224",
                ("actions", i, "budget", "versements"),
                action=action.id,
                verse=euros(verse),
                alloue=euros(budget.etat_bop104),
            )


def enveloppes(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_model
    if contrat is None:
        return
    for k, enveloppe in enumerate(contrat.enveloppes):
        fichier = depot.actions.get(enveloppe.annee)
        if fichier is None or fichier.model is None:
            continue
        total = sum(
            (a.budget.etat_bop104 for a in fichier.model.actions if a.budget is not None), Decimal("0")
        )
        if total > enveloppe.montant:
            yield depot.contrat.diag(
                "CTAI-E226",
                ("enveloppes", k, "montant"),
                annee=enveloppe.annee,
                total=euros(total),
                enveloppe=euros(enveloppe.montant),
            )

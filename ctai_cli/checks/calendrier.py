"""Checks about years, dates and deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.formatting import date_longue
from ctai_cli.francais import liste, nombre_de
from ctai_cli.models.common import est_non_precise

if TYPE_CHECKING:
    from ctai_cli.checks import Contexte
    from ctai_cli.models.contrat import Contrat
    from ctai_cli.repository import Depot


def annees(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_vue("periode")
    for label, group in (("l'annexe", depot.actions), ("le bilan", depot.bilans)):
        for number, fichier in group.items():
            model = fichier.vue("annee", "cadre")
            if model is None:
                continue
            if model.annee != number:
                yield fichier.diag("CTAI-E207", ("annee",), fichier=fichier.path, annee=model.annee)
            if contrat is None:
                continue
            debut, fin = contrat.periode.debut, contrat.periode.fin
            periode = f"{debut}-{fin}"
            if model.cadre == "contrat" and not debut <= model.annee <= fin:
                yield fichier.diag(
                    "CTAI-E202",
                    ("annee",),
                    detail=f"{label} {model.annee} est hors de la période du contrat ({periode})",
                )
            elif model.cadre == "contrat_precedent" and model.annee >= debut:
                yield fichier.diag(
                    "CTAI-E202",
                    ("cadre",),
                    detail=f"« cadre: contrat_precedent » pour {model.annee}, qui n'est pas "
                    f"antérieure à la période du contrat ({periode})",
                )


def echeance_bilan(contrat: Contrat, annee: int) -> date | None:
    """Deadline of the bilan of ``annee`` (Article 8: 1 June of n+1 at Dax).

    None when the contract does not state it (absent or « non précisé »: never a default) or
    when it is impossible (30 February, reported by CTAI-E217).
    """
    echeance = contrat.gouvernance.echeance
    if echeance is None:
        return None
    try:
        return date(annee + 1, echeance.mois, echeance.jour)
    except ValueError:
        return None


def bilan_exigible(contrat: Contrat, annee: int, reference: date) -> tuple[bool, date | None]:
    """Is the bilan of ``annee`` due at ``reference``, and since when.

    ``(True, échéance)`` once the contract's deadline is past; ``(True, None)`` once the year is
    over when the contract states no deadline (a question then: never Dax's 1 June);
    ``(False, None)`` not yet, or an impossible deadline (reported by CTAI-E217).
    """
    if contrat.gouvernance.echeance is None:
        return reference.year > annee, None
    due = echeance_bilan(contrat, annee)
    return (due is not None and reference > due), due


def dates(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    fichier = depot.contrat
    contrat = depot.contrat_vue("periode")
    if contrat is not None and contrat.periode.debut > contrat.periode.fin:
        yield fichier.diag(
            "CTAI-E217",
            ("periode",),
            detail=f"la période commence en {contrat.periode.debut} et finit en {contrat.periode.fin}",
        )
    # A deadline must exist every year: check it against a non-leap year (no 29 February).
    contrat = depot.contrat_vue("gouvernance")
    bilan = contrat.gouvernance.echeance if contrat is not None else None
    if contrat is not None and bilan is not None and echeance_bilan(contrat, 2022) is None:
        yield fichier.diag(
            "CTAI-E217",
            ("gouvernance", "bilan"),
            detail=f"échéance du bilan impossible : jour {bilan.jour} du mois {bilan.mois}",
        )
    contrat = depot.contrat_vue("deliberation", "signature")
    if contrat is None:
        return
    deliberation, signature = contrat.deliberation, contrat.signature
    if deliberation and signature and signature.date and signature.date < deliberation.date:
        yield fichier.diag(
            "CTAI-E217",
            ("signature", "date"),
            detail=f"signature le {date_longue(signature.date)}, avant la délibération du "
            f"{date_longue(deliberation.date)}",
        )


def pilotage(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_vue("gouvernance")
    minimum = contrat.gouvernance.minimum_copils if contrat is not None else None
    for fichier in depot.bilans.values():
        bilan = fichier.vue("annee", "cadre", "pilotage")
        if bilan is None:
            continue
        tenus = bilan.pilotage.copils_tenus
        reunions = bilan.pilotage.reunions
        if est_non_precise(tenus):
            tenus = None  # unknown: neither compared with the détail nor with the minimum
        if tenus is not None and len(reunions) > tenus:
            yield fichier.diag(
                "CTAI-E212",
                ("pilotage", "reunions"),
                detail=f"{len(reunions)} réunions détaillées pour « copils_tenus: {tenus} »",
            )
        for i, reunion in enumerate(reunions):
            if reunion.date.year != bilan.annee:
                yield fichier.diag(
                    "CTAI-E212",
                    ("pilotage", "reunions", i, "date"),
                    detail=f"comité du {date_longue(reunion.date)} hors de l'année {bilan.annee}",
                )
        # No minimum stated by the contract: nothing to compare with (never Dax's « 2 »).
        if tenus is not None and minimum is not None and bilan.cadre == "contrat" and tenus < minimum:
            yield fichier.diag(
                "CTAI-W213",
                ("pilotage", "copils_tenus"),
                comites=nombre_de(tenus, "comité de pilotage tenu", "comités de pilotage tenus"),
                annee=bilan.annee,
                minimum=minimum,
            )


def bilans_dus(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_vue("periode", "gouvernance")
    if contrat is None:
        return
    sans_echeance = []
    for annee in range(contrat.periode.debut, contrat.periode.fin + 1):
        if annee in depot.bilans:
            continue
        exigible, due = bilan_exigible(contrat, annee, contexte.date)
        if not exigible:
            continue
        if due is None:  # no deadline stated: a question, not a silent pass
            sans_echeance.append(annee)
        else:
            yield depot.contrat.diag("CTAI-W214", ("periode",), annee=annee, echeance=date_longue(due))
    if sans_echeance:
        loc = ("gouvernance", "bilan") if contrat.gouvernance.bilan is not None else ("periode",)
        question = "est-il dû ?" if len(sans_echeance) == 1 else "sont-ils dus ?"
        yield depot.contrat.diag("CTAI-W254", loc, annees=liste(sans_echeance), question=question)


def avenants(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    numbers = sorted(depot.avenants)
    for number in numbers:
        fichier = depot.avenants[number]
        numero = fichier.part("numero")
        if numero is not None and numero != number:
            yield fichier.diag(
                "CTAI-E215",
                ("numero",),
                detail=f"{fichier.path} déclare « numero: {numero} »",
            )
    expected = 1
    for number in numbers:
        if number != expected:
            manquants = list(range(expected, number))
            quoi = (
                f"avenant {manquants[0]} manquant"
                if len(manquants) == 1
                else f"avenants {liste(manquants)} manquants"
            )
            yield make(
                "CTAI-E215",
                depot.avenants[number].path,
                detail=f"avenant {number} présent mais {quoi}",
            )
        expected = number + 1

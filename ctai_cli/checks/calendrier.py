"""Checks about years, dates and deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.formatting import date_longue
from ctai_cli.models.common import est_non_precise

if TYPE_CHECKING:
    from ctai_cli.checks import Contexte
    from ctai_cli.models.contrat import Contrat
    from ctai_cli.repository import Depot


def annees(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_model
    for label, group in (("l'annexe", depot.actions), ("le bilan", depot.bilans)):
        for number, fichier in group.items():
            model = fichier.model
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
    """Deadline of the bilan of ``annee`` (Article 8: 1 June of n+1 at Dax)."""
    echeance = contrat.gouvernance.bilan
    try:
        return date(annee + 1, echeance.mois, echeance.jour)
    except ValueError:
        return None


def dates(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_model
    if contrat is None:
        return
    fichier = depot.contrat
    if contrat.periode.debut > contrat.periode.fin:
        yield fichier.diag(
            "CTAI-E217",
            ("periode",),
            detail=f"la période commence en {contrat.periode.debut} et finit en {contrat.periode.fin}",
        )
    # A deadline must exist every year: check it against a non-leap year (no 29 February).
    if echeance_bilan(contrat, 2022) is None:
        bilan = contrat.gouvernance.bilan
        yield fichier.diag(
            "CTAI-E217",
            ("gouvernance", "bilan"),
            detail=f"échéance du bilan impossible : jour {bilan.jour} du mois {bilan.mois}",
        )
    deliberation, signature = contrat.deliberation, contrat.signature
    if deliberation and signature and signature.date and signature.date < deliberation.date:
        yield fichier.diag(
            "CTAI-E217",
            ("signature", "date"),
            detail=f"signature le {date_longue(signature.date)}, avant la délibération du "
            f"{date_longue(deliberation.date)}",
        )


def pilotage(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_model
    for fichier in depot.bilans.values():
        bilan = fichier.model
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
        if tenus is not None and contrat is not None and bilan.cadre == "contrat":
            minimum = contrat.gouvernance.copil_min_par_an
            if tenus < minimum:
                yield fichier.diag(
                    "CTAI-W213",
                    ("pilotage", "copils_tenus"),
                    nombre=tenus,
                    annee=bilan.annee,
                    minimum=minimum,
                )


def bilans_dus(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_model
    if contrat is None:
        return
    for annee in range(contrat.periode.debut, contrat.periode.fin + 1):
        due = echeance_bilan(contrat, annee)
        if due is None or contexte.date <= due or annee in depot.bilans:
            continue
        yield depot.contrat.diag("CTAI-W214", ("periode",), annee=annee, echeance=date_longue(due))


def avenants(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    numbers = sorted(depot.avenants)
    for number in numbers:
        fichier = depot.avenants[number]
        if fichier.model is not None and fichier.model.numero != number:
            yield fichier.diag(
                "CTAI-E215",
                ("numero",),
                detail=f"{fichier.path} déclare « numero: {fichier.model.numero} »",
            )
    expected = 1
    for number in numbers:
        if number != expected:
            missing = ", ".join(str(n) for n in range(expected, number))
            yield make(
                "CTAI-E215",
                depot.avenants[number].path,
                detail=f"avenant {number} présent mais avenant(s) {missing} manquant(s)",
            )
        expected = number + 1

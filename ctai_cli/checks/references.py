"""Checks that one file refers to things another file declares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from ctai_cli.diagnostics import Diagnostic
from ctai_cli.formatting import euros
from ctai_cli.fsutil import dossier_git
from ctai_cli.models.common import est_non_precise
from ctai_cli.schema_errors import suggest

if TYPE_CHECKING:
    from ctai_cli.checks import Contexte
    from ctai_cli.repository import Depot


def porteurs_connus(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    porteurs = depot.porteurs_model
    if porteurs is None:
        return
    known = [p.id for p in porteurs.porteurs]
    for fichier, i, action in depot.iter_actions():
        if action.porteur not in known and not est_non_precise(action.porteur):
            yield fichier.diag(
                "CTAI-E200",
                ("actions", i, "porteur"),
                porteur=action.porteur,
                suggestion=suggest(action.porteur, known, "porteurs déclarés"),
            )


def axes_connus(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    axes = depot.contrat_part("axes")
    if axes is None:
        return
    numeros = [a.numero for a in axes]
    for fichier, i, action in depot.iter_actions():
        if action.axe not in numeros:
            yield fichier.diag(
                "CTAI-E201", ("actions", i, "axe"), axe=action.axe, axes=", ".join(map(str, numeros))
            )


def publics_du_contrat(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat_publics = depot.contrat_part("publics")
    if contrat_publics is None:
        return
    publics = ", ".join(contrat_publics)
    # The previous contract's annexe and bilan answer to the previous contract's publics.
    for fichier, i, action in depot.iter_actions(cadre="contrat"):
        for j, public in enumerate(action.publics):
            if public not in contrat_publics:
                yield fichier.diag("CTAI-E204", ("actions", i, "publics", j), public=public, publics=publics)
    for fichier, i, entry in depot.iter_bilan_actions(cadre="contrat"):
        groupes = entry.beneficiaires.par_public if entry.beneficiaires else []
        for g, groupe in enumerate(groupes):
            for j, public in enumerate(groupe.publics):
                if public not in contrat_publics:
                    yield fichier.diag(
                        "CTAI-E204",
                        ("actions", i, "beneficiaires", "par_public", g, "publics", j),
                        public=public,
                        publics=publics,
                    )


def bop104_par_axe(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_vue("axes")
    if contrat is None:
        return
    for fichier, i, action in depot.iter_actions():
        axe = contrat.axe(action.axe)
        if axe is None or axe.mobilise_bop104 is not False or action.budget is None:
            continue  # True, or « non précisé »: nothing to contradict
        if not est_non_precise(action.budget.etat_bop104) and action.budget.etat_bop104 > 0:
            yield fichier.diag(
                "CTAI-E205",
                ("actions", i, "budget", "etat_bop104"),
                action=action.id,
                montant=euros(action.budget.etat_bop104),
                axe=axe.numero,
            )


def actions_du_bilan(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    for year, fichier in depot.bilans.items():
        bilan = fichier.vue("annee", "actions")
        if bilan is None:
            continue
        annexe_file = depot.actions.get(bilan.annee) or depot.actions.get(year)
        annexe = annexe_file.vue("actions") if annexe_file else None
        if annexe_file is None:
            annexe_path = depot.rel(f"actions/{bilan.annee}.yaml") + ", introuvable"
        elif annexe is None:
            continue  # the annexe's actions are invalid: their own diagnostics say why
        else:
            annexe_path = annexe_file.path
        known = [a.id for a in annexe.actions] if annexe else []
        for i, entry in enumerate(bilan.actions):
            action = annexe.action(entry.action) if annexe else None
            if action is None:
                yield fichier.diag(
                    "CTAI-E203",
                    ("actions", i, "action"),
                    action=entry.action,
                    annee=bilan.annee,
                    fichier=annexe_path,
                    suggestion=suggest(entry.action, known, "actions de l'annexe"),
                )
                continue
            objectifs = [o.id for o in action.objectifs]
            for k, indicateur in enumerate(entry.indicateurs):
                if indicateur.objectif is not None and indicateur.objectif not in objectifs:
                    yield fichier.diag(
                        "CTAI-E209",
                        ("actions", i, "indicateurs", k, "objectif"),
                        objectif=indicateur.objectif,
                        action=action.id,
                        fichier=annexe_path,
                        suggestion=suggest(indicateur.objectif, objectifs, "objectifs de l'action"),
                    )


def annexes_du_contrat(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_vue("annexes")
    if contrat is None:
        return
    for i, annexe in enumerate(contrat.annexes):
        target = PurePosixPath(annexe.fichier)
        # Under .git is not the contract's content (git's own files, not versioned ones).
        sous_git = any(dossier_git(part) for part in target.parts)
        inside = not target.is_absolute() and ".." not in target.parts and not sous_git
        # os.path.isfile: a path longer than the system allows is "absent", not a crash.
        if inside and os.path.isfile(depot.root / target):
            continue
        if inside:
            present = [f.path[len(depot.display) + 1 :] if depot.display else f.path for f in depot.files()]
            hint = suggest(annexe.fichier, present, "fichiers du contrat")
        elif sous_git:
            hint = "le fichier doit être un fichier du contrat, hors du dossier .git de git"
        else:
            hint = "le fichier doit être dans le dossier du contrat, en chemin relatif"
        yield depot.contrat.diag(
            "CTAI-E216",
            ("annexes", i, "fichier"),
            numero=annexe.numero,
            fichier=annexe.fichier,
            suggestion=hint,
        )

"""ctai bilan form, ctai bilan import: the bilan collected from the porteurs by spreadsheet."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from ctai_cli import exitcodes
from ctai_cli.commands._common import UsageProblem, open_valid_depot, parse_annee
from ctai_cli.francais import nombre_de, pluriel


def form(path: Path, annee: int, porteurs: list[str], output: Path, force: bool) -> int:
    from ctai_cli.formulaires.generer import generer, porteurs_de, sans_porteur
    from ctai_cli.fsutil import atomic_write_many
    from ctai_cli.terminal import sur

    if not output.is_dir():
        raise UsageProblem(f"--output « {output} » n'est pas un dossier existant (créez-le d'abord)")
    depot = open_valid_depot(path)
    if depot.annexe(annee) is None:
        known = ", ".join(str(n) for n in sorted(depot.actions)) or "aucune"
        raise UsageProblem(
            f"pas d'annexe d'actions pour {annee} (actions/{annee}.yaml) ; années présentes : {known}"
        )
    avec_actions = porteurs_de(depot, annee)
    inconnus = [p for p in porteurs if p not in avec_actions]
    if inconnus:
        raise UsageProblem(
            f"{pluriel(len(inconnus), 'porteur', 'porteurs')} sans action dans l'annexe {annee} : "
            f"{', '.join(inconnus)} ; "
            f"porteurs de l'annexe : {', '.join(avec_actions)}"
        )
    formulaires = [generer(depot, annee, p) for p in (porteurs or avec_actions)]
    # All files or none; an existing form is replaced only with --force.
    atomic_write_many({output / f.nom_fichier: f.contenu for f in formulaires}, force=force)
    for f in formulaires:
        print(
            f"{(output / f.nom_fichier).as_posix()} : {nombre_de(len(f.actions), 'action')} ({sur(', '.join(f.actions))})"
        )
    orphelines = sans_porteur(depot, annee)
    if orphelines:
        print(f"Sans formulaire (porteur non précisé dans l'annexe) : {sur(', '.join(orphelines))}")
    print(f"Envoyez chaque formulaire à son porteur, puis : ctai bilan import {output.as_posix()}/*.xlsx")
    return exitcodes.OK


def import_(fichiers: list[Path], contrat: Path, annee: int | None, dry_run: bool, force: bool) -> int:
    import difflib

    from ctai_cli.formulaires.importer import ImportProblem, importer
    from ctai_cli.fsutil import atomic_write
    from ctai_cli.reporters.text import report
    from ctai_cli.terminal import sur, sur_lignes
    from ctai_cli.validate import ValidationResult

    if not fichiers:
        raise UsageProblem("indiquez au moins un formulaire : ctai bilan import FICHIER.xlsx …")
    # A path that names nothing is a mistyped argument, not a porteur's form to send back.
    absents = [f for f in fichiers if not os.path.lexists(f)]
    if absents:
        raise UsageProblem(
            f"{pluriel(len(absents), 'formulaire introuvable', 'formulaires introuvables')} : "
            f"{sur(', '.join(f.as_posix() for f in absents))} (vérifiez le chemin) ; rien n'a été importé"
        )
    try:
        result = importer(contrat, fichiers, annee, force, date.today())
    except ImportProblem as exc:
        raise UsageProblem(str(exc)) from None
    shown = ValidationResult(diagnostics=result.diagnostics + result.refus, files=len(fichiers), contracts=1)
    if shown.diagnostics:
        report(shown, sys.stdout)
    if result.cible is None:
        print("Aucun formulaire lisible : rien n'a été écrit.")
        return exitcodes.FINDINGS
    fusion = result.fusion
    for line in fusion.ajouts:
        print(f"  + {sur(line)}")
    for line in fusion.remplacements:
        print(f"  ~ {sur(line)}")
    if result.refus:
        print(f"{result.chemin} : le résultat ne passe pas la validation ; rien n'a été écrit.")
        return exitcodes.FINDINGS
    if not result.a_ecrire:
        print(f"{result.chemin} : aucune modification.")
    elif dry_run:
        diff = difflib.unified_diff(
            result.avant.splitlines(keepends=True),
            result.apres.splitlines(keepends=True),
            fromfile=f"a/{result.chemin}",
            tofile=f"b/{result.chemin}",
        )
        sys.stdout.write(sur_lignes("".join(diff)))
        print(f"(--dry-run : {result.chemin} n'a pas été modifié)")
    else:
        from ctai_cli.yamlread import read_bytes

        current, _ = read_bytes(result.cible, result.chemin)
        if current != result.avant:
            raise UsageProblem(f"{result.chemin} a changé pendant l'import : rien n'a été écrit, relancez")
        # Updating this file is the command's purpose: it replaces it (atomically), --force or not.
        atomic_write(result.cible, result.apres, force=True)
        print(
            f"{result.chemin} : {nombre_de(len(fusion.ajouts), 'valeur ajoutée', 'valeurs ajoutées')}, "
            f"{len(fusion.remplacements)} {pluriel(len(fusion.remplacements), 'remplacée')}. "
            f"Vérifiez : ctai validate {contrat.as_posix()}"
        )
    return exitcodes.FINDINGS if shown.diagnostics else exitcodes.OK


def annee(text: str) -> int:
    """A year typed on the command line (one parser for every --annee)."""
    value = parse_annee(text)
    assert value is not None
    return value

from __future__ import annotations

from pathlib import Path

from ctai_cli import exitcodes
from ctai_cli.commands._common import UsageProblem
from ctai_cli.francais import pluriel


def run(
    dossier: Path,
    *,
    territoire: str | None,
    departement: str | None,
    debut: int | None,
    fin: int | None,
    ci: str,
    force: bool,
) -> int:
    """Write a new contract repository in ``dossier``; nothing at all if a target exists."""
    from datetime import date

    from ctai_cli import scaffold
    from ctai_cli.fsutil import atomic_write_many

    try:
        choix = scaffold.options(
            territoire=territoire,
            departement=departement,
            debut=debut,
            fin=fin,
            ci=ci,
            annee_courante=date.today().year,
        )
    except scaffold.ScaffoldProblem as exc:
        raise UsageProblem(str(exc)) from None
    try:
        if (dossier.exists() or dossier.is_symlink()) and not dossier.is_dir():
            raise UsageProblem(f"« {dossier} » existe et n'est pas un dossier")
    except OSError as exc:  # a path longer than the system allows, a loop of links…
        from ctai_cli.yamlread import os_reason

        raise UsageProblem(f"dossier « {dossier} » inutilisable : {os_reason(exc)}") from None

    files = scaffold.plan(choix)
    existing, blocking = scaffold.conflicts(dossier, files)
    if blocking:
        raise UsageProblem(
            f"impossible de créer le dépôt dans « {dossier} » : "
            + ", ".join(blocking)
            + " existe(nt) et gêne(nt) (un fichier là où il faut un dossier, ou l'inverse) ; rien n'a été écrit"
        )
    if existing and not force:
        raise UsageProblem(
            f"{len(existing)} {pluriel(len(existing), 'fichier existe', 'fichiers existent')} déjà dans « {dossier} » : "
            + ", ".join(existing)
            + " ; rien n'a été écrit (relancez avec --force pour les remplacer)"
        )
    # All files or none: a full disk never leaves a half-made repository.
    atomic_write_many({dossier.joinpath(*rel.split("/")): text for rel, text in files.items()}, force=force)

    _summary(dossier, choix, files, replaced=existing)
    return exitcodes.OK


def _summary(dossier: Path, choix, files: dict[str, str], replaced: list[str]) -> None:
    from ctai_cli.scaffold import A_COMPLETER

    shown = [rel for rel in files if not rel.startswith("schemas/")]
    schemas = len(files) - len(shown)
    print(f"Dépôt de contrat CTAI créé dans {dossier} :")
    for rel in shown:
        print(f"  {rel}{' (remplacé)' if rel in replaced else ''}")
    print(f"  schemas/ ({schemas} schémas JSON pour l'éditeur)")
    print()
    print("Étapes suivantes :")
    steps = [f'remplacez les « {A_COMPLETER} » : grep -rn "{A_COMPLETER}" {dossier}']
    if choix.departement_provisoire:
        steps.append(
            "le département n'est pas donné (« non précisé ») : écrivez son code dans "
            "contrat.yaml, ou relancez avec --departement XX --force"
        )
    steps.append(f"ctai validate {dossier}")
    steps.append(f'cd {dossier} && git init && git add . && git commit -m "Contrat CTAI : création"')
    adapter = ".pre-commit-config.yaml"
    if choix.ci != "aucun":
        from ctai_cli.scaffold import CI_FILES

        adapter += f" et {CI_FILES[choix.ci]}"
    steps.append(f"adaptez l'adresse du dépôt de ctai dans {adapter}, puis : pre-commit install")
    for number, step in enumerate(steps, 1):
        print(f"  {number}. {step}")

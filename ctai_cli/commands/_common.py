from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO

from ctai_cli.terminal import sur


class UsageProblem(Exception):
    """A bad option value: printed in French, exit code 2."""


def parse_date_option(text: str | None) -> date:
    if text is None:
        return date.today()
    # The documented form only: Python also reads 20250101 and 2025-W01-1 as dates.
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise UsageProblem(f"date invalide « {sur(text)} » : format attendu AAAA-MM-JJ")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"date inexistante « {text} » (format AAAA-MM-JJ)") from None


def parse_annee(text: str | None, option: str = "--annee") -> int | None:
    """A year typed on the command line (the framework's own integer errors are English)."""
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{4}", text.strip()):
        raise UsageProblem(f"{option} : « {sur(text)} » n'est pas une année (quatre chiffres, ex. 2025)")
    return int(text)


FORMATS_PAR_EXTENSION = {
    ".txt": "text",
    ".json": "json",
    ".jsonl": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".sarif": "sarif",
}


def resolve_format(fmt: str | None, output: Path | None, formats: Iterable[str], defaut: str) -> str:
    """``--format``, or the one ``--output``'s extension names; refused when they disagree."""
    formats = list(formats)
    du_fichier = FORMATS_PAR_EXTENSION.get(output.suffix.lower()) if output is not None else None
    if fmt is not None:
        check_format(fmt, formats)
    if du_fichier is not None and du_fichier not in formats:
        raise UsageProblem(
            f"--output {sur(output.name)} : l'extension {output.suffix} annonce le format {du_fichier}, "
            f"que cette commande ne produit pas (formats possibles : {', '.join(formats)})"
        )
    if fmt is None and output is not None and output.suffix and du_fichier is None:
        raise UsageProblem(
            f"--output {sur(output.name)} : extension {sur(output.suffix)} inconnue ; précisez --format "
            f"({', '.join(formats)})"
        )
    if fmt is None:
        return du_fichier or defaut
    if du_fichier is not None and fmt != du_fichier:
        raise UsageProblem(
            f"--format {fmt} et --output {sur(output.name)} se contredisent : l'extension "
            f"{output.suffix} annonce le format {du_fichier} ; changez l'un ou l'autre"
        )
    return fmt


def error(message: str) -> None:
    # Messages quote paths and option values as typed: no control character reaches the terminal.
    print(f"ctai : {sur(message)}", file=sys.stderr)


def check_format(fmt: str, formats: Iterable[str]) -> None:
    formats = list(formats)
    if fmt not in formats:
        raise UsageProblem(f"format « {fmt} » inconnu ; formats possibles : {', '.join(formats)}")


@contextmanager
def output_to(output: Path | None, force: bool, *, binary: bool = False) -> Iterator[IO]:
    """Standard output, or ``output`` written atomically and never replaced without --force."""
    from ctai_cli.fsutil import atomic_output

    if output is None:
        if force:
            raise UsageProblem("--force ne sert qu'avec --output (il autorise à remplacer ce fichier)")
        yield sys.stdout
        return
    # A WriteProblem (refused target, disk full…) is a French message and exit 2 (cli.main).
    with atomic_output(output, force=force, binary=binary) as handle:
        yield handle


# Seconds before a progress bar appears: work shorter than that stays silent.
# CTAI_PROGRESSION_DELAI=0 shows it at once (the pseudo-terminal tests use it).
PROGRESSION_DELAI_S = 1.0


@contextmanager
def progression(
    description: str, total: int | None = None, *, unite: tuple[str, str] | None = None
) -> Iterator:
    """A rich progress bar on stderr for long work; ``avance(n)`` moves it.

    ``unite``: the counted thing, singular and plural (``("contrat", "contrats")``); the
    word agrees with the total when it is known, else with the count so far.

    Only when stderr is a terminal, and only after about a second: short work and
    pipes, files and CI logs see nothing. The caller decides the rest (never with
    json, sarif or github output, never while rows are written to the same terminal).
    The bar is transient: it leaves no line behind.
    """
    import os

    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield lambda n=1: None
        return
    import threading

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    from ctai_cli.francais import pluriel

    try:
        delai = float(os.environ.get("CTAI_PROGRESSION_DELAI", PROGRESSION_DELAI_S))
    except ValueError:
        delai = PROGRESSION_DELAI_S

    class Compte(ProgressColumn):
        def render(self, task) -> Text:
            fait = int(task.completed)
            texte = f"{fait}/{total}" if total is not None else str(fait)
            if unite:
                texte += " " + pluriel(total if total is not None else fait, *unite)
            return Text(texte)

    barre = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        Compte(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    tache = barre.add_task(description, total=total)
    verrou = threading.Lock()
    etat = {"fini": False}

    def demarrer() -> None:
        with verrou:
            if not etat["fini"]:
                barre.start()

    minuterie = threading.Timer(delai, demarrer)
    minuterie.daemon = True
    if delai <= 0:
        demarrer()
    else:
        minuterie.start()
    try:
        yield lambda n=1: barre.advance(tache, n)
    finally:
        minuterie.cancel()
        with verrou:
            etat["fini"] = True
            barre.stop()


def open_valid_depot(path: Path):
    """The repository at ``path``, refused (exit 2) when it cannot be read or has errors.

    Cross-file checks run too: a document or a reconciliation built on a bilan that
    names an unknown action would silently leave it out.
    """
    from ctai_cli.checks import Contexte, run_checks
    from ctai_cli.repository import open_depot

    depot, problems = open_depot(path)
    if depot is None:
        raise UsageProblem(problems[0].message)
    problems = problems + list(run_checks(depot, Contexte(date=date.today())))
    invalid = [d for d in problems if d.is_error]
    if invalid:
        from ctai_cli.francais import nombre_de

        raise UsageProblem(
            f"{nombre_de(len(invalid), 'erreur')} dans le contrat : "
            f"{'corrigez-la' if len(invalid) == 1 else 'corrigez-les'} d'abord (ctai validate {path})"
        )
    return depot

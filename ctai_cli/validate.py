"""Core of ``ctai validate``: read contract repositories, run every check, return a result."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ctai_cli import exitcodes
from ctai_cli.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class ValidateOptions:
    paths: tuple[Path, ...]
    date: date
    strict: bool = False
    base: str | None = None  # git revision: signed terms may change only with a new avenant
    cache: Path | None = None  # cache folder (ctai_cli.cache): unchanged contracts are not re-read


@dataclass
class ValidationResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    contracts: int = 0
    input_error: bool = False
    # Said on stderr by the command, never in the report: e.g. a cache folder that cannot be used.
    avis: list[str] = field(default_factory=list)
    # False when the report is on one input of a command (options, a person or scenario file), not
    # a contract: the text footer then does not count files and contracts.
    compter: bool = True

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    def exit_code(self, strict: bool = False) -> int:
        if self.input_error:
            return exitcodes.USAGE
        if self.errors or (strict and self.warnings):
            return exitcodes.FINDINGS
        return exitcodes.OK


def validate(options: ValidateOptions, avancement: Callable[[], None] | None = None) -> ValidationResult:
    """Every file of every contract of ``options.paths``; ``avancement()`` after each contract.

    With ``options.cache``, a contract whose files, date and ctai are unchanged is not
    read again: its diagnostics come from the cache, and if every contract does, neither
    pydantic nor the models are imported. A cache folder that cannot be used is said in
    ``result.avis`` and the run goes on without it.
    """
    result = ValidationResult()
    cache = None
    if options.cache is not None:
        from ctai_cli.cache import Cache, CacheProblem, empreinte

        try:
            cache = Cache.open(options.cache)
        except CacheProblem as exc:
            result.avis.append(f"{exc} ; validation sans cache")
    contexte = None
    # Cached diagnostics are already capped per file (cap_per_file): capping again is
    # needed only when two contracts share a path (the same folder given twice).
    deja_plafonnes = True
    chemins: set[str] = set()
    for root in options.paths:
        lue = empreinte(root) if cache is not None and os.path.isfile(root / "contrat.yaml") else None
        entree = cache.lookup(root, options.date, lue) if cache is not None and lue else None
        if entree is not None:
            result.contracts += 1
            result.files += entree.fichiers
            contrat = entree.diagnostics
            if chemins.intersection(d.path for d in contrat):
                deja_plafonnes = False
            chemins.update(d.path for d in contrat)
        else:
            deja_plafonnes = False
            from ctai_cli.checks import Contexte, run_checks
            from ctai_cli.repository import cap_per_file, open_depot

            contexte = contexte or Contexte(date=options.date)
            depot, contrat = open_depot(root)
            if depot is None:
                result.diagnostics.extend(contrat)
                result.input_error = True
                if avancement is not None:
                    avancement()
                continue
            result.contracts += 1
            result.files += len(depot.files())
            contrat.extend(run_checks(depot, contexte))
            if cache is not None and lue:
                contrat = cap_per_file(contrat)
                cache.store(root, options.date, lue, len(depot.files()), contrat)
        result.diagnostics.extend(contrat)
        if options.base is not None:
            # Raises GitProblem (exit 2) when git cannot compare.
            from ctai_cli.avenants.controle import controler

            deja_plafonnes = False
            result.diagnostics.extend(controler(root, options.base))
        if avancement is not None:
            avancement()
    if not deja_plafonnes:
        from ctai_cli.repository import cap_per_file

        result.diagnostics = cap_per_file(result.diagnostics)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result

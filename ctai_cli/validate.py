"""Core of ``ctai validate``: read contract repositories, run every check, return a result."""

from __future__ import annotations

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


@dataclass
class ValidationResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    contracts: int = 0
    input_error: bool = False

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
    """Every file of every contract of ``options.paths``; ``avancement()`` after each contract."""
    from ctai_cli.checks import Contexte, run_checks
    from ctai_cli.repository import open_depot

    result = ValidationResult()
    contexte = Contexte(date=options.date)
    for root in options.paths:
        depot, diagnostics = open_depot(root)
        result.diagnostics.extend(diagnostics)
        if depot is None:
            result.input_error = True
            if avancement is not None:
                avancement()
            continue
        result.contracts += 1
        result.files += len(depot.files())
        result.diagnostics.extend(run_checks(depot, contexte))
        if options.base is not None:
            # Raises GitProblem (exit 2) when git cannot compare.
            from ctai_cli.avenants.controle import controler

            result.diagnostics.extend(controler(root, options.base))
        if avancement is not None:
            avancement()
    from ctai_cli.repository import cap_per_file

    result.diagnostics = cap_per_file(result.diagnostics)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result

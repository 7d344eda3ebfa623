"""Human-readable report: ``file:line:col: gravité CODE message`` then the hint."""

from __future__ import annotations

from typing import TextIO

from ctai_cli.validate import ValidationResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def report(result: ValidationResult, stream: TextIO) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for d in result.diagnostics:
        style = "bold red" if d.is_error else "yellow"
        console.print(
            f"[bold]{escape(d.location())}[/]: [{style}]{d.severity.label}[/] "
            f"[{style}]{d.code}[/] {escape(d.message)}"
        )
        if d.hint:
            console.print(f"    [dim]→ {escape(d.hint)}[/]")
    summary = (
        f"{_plural(result.errors, 'erreur')}, {_plural(result.warnings, 'avertissement')} "
        f"({_plural(result.files, 'fichier')} dans {_plural(result.contracts, 'contrat')})"
    )
    if not result.diagnostics:
        console.print(f"[green]✓ Aucun problème[/] {summary}")
    else:
        console.print(summary)

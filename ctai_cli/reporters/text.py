"""Human-readable report: ``file:line:col: gravité CODE message`` then the hint.

The same lines whatever the stream: plain writes when it is not a terminal (a CI log, a
pipe, a file: fast, no colour codes), rich's colours when it is one. Text that comes
from the files (paths, messages quoting keys and values) goes through
:func:`ctai_cli.terminal.sur`, so it cannot move the cursor, recolour or forge a line.
"""

from __future__ import annotations

from typing import TextIO

from ctai_cli.terminal import sur
from ctai_cli.validate import ValidationResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def _lines(result: ValidationResult) -> list[tuple[str, str | None, str]]:
    """``(text, style, kind)`` of each line; ``kind`` tells where colour goes."""
    lines: list[tuple[str, str | None, str]] = []
    for d in result.diagnostics:
        style = "bold red" if d.is_error else "yellow"
        lines.append((f"{sur(d.location())}: {d.severity.label} {d.code} {sur(d.message)}", style, "diag"))
        if d.hint:
            lines.append((f"    → {sur(d.hint)}", "dim", "hint"))
    summary = (
        f"{_plural(result.errors, 'erreur')}, {_plural(result.warnings, 'avertissement')} "
        f"({_plural(result.files, 'fichier')} dans {_plural(result.contracts, 'contrat')})"
    )
    if not result.diagnostics:
        lines.append((f"✓ Aucun problème {summary}", "green", "ok"))
    else:
        lines.append((summary, None, "summary"))
    return lines


def report(result: ValidationResult, stream: TextIO) -> None:
    lines = _lines(result)
    if not _is_terminal(stream):
        stream.write("".join(text + "\n" for text, _, _ in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for d, (text, style, kind) in zip(_diagnostics_and_more(result), lines, strict=True):
        line = Text(text)
        if kind == "diag" and d is not None:
            location = len(sur(d.location())) + 1
            line.stylize("bold", 0, location)
            line.stylize(style or "", location + 1, location + 1 + len(d.severity.label) + 1 + len(d.code))
        elif kind == "ok":
            line.stylize(style or "", 0, len("✓ Aucun problème"))
        elif style:
            line.stylize(style)
        console.print(line)


def _diagnostics_and_more(result: ValidationResult):
    """The diagnostic each line belongs to (None for the summary), aligned with :func:`_lines`."""
    for d in result.diagnostics:
        yield d
        if d.hint:
            yield d
    yield None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

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


Span = tuple[int, int | None, str]  # start, end (None: end of line), rich style


def _lines(result: ValidationResult) -> list[tuple[str, list[Span]]]:
    """Each line's text, and where its colours go (used on a terminal only)."""
    lines: list[tuple[str, list[Span]]] = []
    for d in result.diagnostics:
        style = "bold red" if d.is_error else "yellow"
        location = f"{sur(d.location())}:"
        label = f"{d.severity.label} {d.code}"
        end = len(location) + 1 + len(label)
        text = f"{location} {label} {sur(d.message)}"
        lines.append((text, [(0, len(location), "bold"), (len(location) + 1, end, style)]))
        if d.hint:
            lines.append((f"    → {sur(d.hint)}", [(0, None, "dim")]))
    summary = f"{_plural(result.errors, 'erreur')}, {_plural(result.warnings, 'avertissement')}"
    if result.compter:
        summary += f" ({_plural(result.files, 'fichier')} dans {_plural(result.contracts, 'contrat')})"
    if not result.diagnostics:
        ok = "✓ Aucun problème"
        lines.append((f"{ok} {summary}", [(0, len(ok), "green")]))
    else:
        lines.append((summary, []))
    return lines


def report(result: ValidationResult, stream: TextIO) -> None:
    lines = _lines(result)
    if not _is_terminal(stream):
        stream.write("".join(text + "\n" for text, _ in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for text, spans in lines:
        line = Text(text)
        for start, end, style in spans:
            line.stylize(style, start, end)
        console.print(line)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

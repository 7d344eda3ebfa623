"""French formatting of amounts and dates for messages and documents (babel)."""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal

LOCALE = "fr_FR"

# Markdown that text from the files must not produce: links and images ([x](…), ![x](…)),
# raw HTML and autolinks (<…>), code spans, emphasis, headings, table cells.
_MARKDOWN_ACTIF = re.compile(r"([\\`*_\[\]|#])")


def texte_markdown(text: str) -> str:
    """Text from the files, inert in a Markdown document: shown as typed, never interpreted.

    ``[x](javascript:…)`` stays text (brackets escaped), ``<script>`` too (entities).
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_ACTIF.sub(r"\\\1", text)


def euros(amount: Decimal | int) -> str:
    """``Decimal("1234.5")`` → ``"1 234,50 €"`` (narrow no-break spaces, as babel writes them)."""
    from babel.numbers import format_currency

    return format_currency(amount, "EUR", locale=LOCALE)


@functools.lru_cache(maxsize=4096)  # batches format the same few dates again and again
def date_longue(day: date) -> str:
    """``date(2025, 6, 1)`` → ``"1er juin 2025"``, ``date(2024, 10, 17)`` → ``"17 octobre 2024"``."""
    from babel.dates import format_date

    text = format_date(day, format="long", locale=LOCALE)
    return "1er" + text[1:] if day.day == 1 else text

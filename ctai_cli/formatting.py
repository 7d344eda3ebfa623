"""French formatting of amounts and dates for messages and documents (babel)."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

LOCALE = "fr_FR"


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

"""French formatting of amounts and dates for messages and documents (babel)."""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

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


def milliers(n: int) -> str:
    """``131072`` → ``"131 072"`` (narrow no-break space between thousands, as babel writes them)."""
    return f"{n:,}".replace(",", "\u202f")


def taille(octets: int) -> str:
    """A file size in French binary units: « 512 octets », « 1,5 Kio », « 23,4 Mio », « 2 Mio »."""
    for unite, facteur in (("Gio", 2**30), ("Mio", 2**20), ("Kio", 2**10)):
        if octets >= facteur:
            valeur = f"{octets / facteur:.1f}".removesuffix(".0").replace(".", ",")
            return f"{valeur} {unite}"
    return f"{octets} octet{'s' if octets > 1 else ''}"


_CENT = Decimal("0.01")


def euros(amount: Decimal | int) -> str:
    """``Decimal("1234.5")`` → ``"1 234,50 €"``, exactly as babel's ``format_currency(…, "EUR",
    locale="fr_FR")`` writes it (narrow no-break space between thousands, no-break space before
    €, half-even rounding to the cent, the sign of a negative zero kept), without its cost:
    20 µs a call through babel, a few here (tests/test_money.py compares both on many values).
    """
    value = (amount if isinstance(amount, Decimal) else Decimal(amount)).quantize(_CENT, ROUND_HALF_EVEN)
    whole, _, cents = f"{abs(value):f}".partition(".")
    head = len(whole) % 3 or 3
    grouped = "\u202f".join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    return f"{'-' if value.is_signed() else ''}{grouped},{cents}\u00a0€"


_MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@functools.lru_cache(maxsize=4096)  # batches format the same few dates again and again
def date_longue(day: date) -> str:
    """``date(2025, 6, 1)`` → ``"1er juin 2025"``, ``date(2024, 10, 17)`` → ``"17 octobre 2024"``.

    babel's ``format_date(day, format="long", locale="fr_FR")`` (« d MMMM y »), with « 1er »
    for the first of the month, written without babel: loading its French data costs 30 ms,
    a tenth of a ``ctai validate`` (tests/test_money.py compares both on many dates).
    """
    jour = "1er" if day.day == 1 else str(day.day)
    return f"{jour} {_MOIS[day.month - 1]} {day.year}"

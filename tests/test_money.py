"""Amounts are Decimal, exact to the cent; floats and sloppy text are refused with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic_core import PydanticCustomError

from ctai_cli.formatting import euros
from ctai_cli.models.common import parse_montant


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (1200, "1200"),
        ("1200", "1200"),
        ("1200.5", "1200.5"),
        ("1200.50", "1200.50"),
        (" 7.05 ", "7.05"),
    ],
)
def test_accepted(value: object, expected: str) -> None:
    assert parse_montant(value) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1200.5, "flottante"),
        (0.1, "flottante"),
        (True, "booléen"),
        (-5, "négatif"),
        ("-5", "négatif"),
        ("12.345", "deux décimales"),
        ("1 200,50", "1200.50"),
        ("douze", "invalide"),
        ([1], "montant attendu"),
    ],
)
def test_refused(value: object, reason: str) -> None:
    with pytest.raises(PydanticCustomError) as info:
        parse_montant(value)
    # The message says what is wrong, the hint (« conseil ») what to write.
    assert reason in f"{info.value} {(info.value.context or {}).get('conseil', '')}"
    assert (info.value.context or {}).get("conseil")


def test_sums_are_exact() -> None:
    total = sum((parse_montant("0.10") for _ in range(10)), Decimal(0))
    assert total == Decimal("1.00")


def test_french_formatting() -> None:
    assert euros(Decimal("1234.5")) == "1\u202f234,50\xa0€"


def test_euros_writes_exactly_what_babel_writes() -> None:
    """formatting.euros formats without babel on the hot path; babel stays the reference."""
    import random

    from babel.numbers import format_currency

    from ctai_cli.formatting import euros

    rng = random.Random(1789)
    values: list[Decimal | int] = [0, 5, -5, 999, 1000, -1000, 10**15, Decimal("-0"), Decimal("-0.00")]
    values += [Decimal(s) for s in ("0.005", "0.015", "1.005", "12.345", "-0.004", "1E+3", "100.10", "2.675")]
    for _ in range(5000):
        digits = rng.randint(0, 15)
        text = str(rng.randrange(10**digits)) if digits else "0"
        decimals = rng.choice([0, 1, 2, 3, 4])
        if decimals:
            text += "." + str(rng.randrange(10**decimals)).zfill(decimals)
        values.append(Decimal(("-" if rng.random() < 0.3 else "") + text))
        values.append(rng.randrange(-(10**12), 10**12))
    for value in values:
        assert euros(value) == format_currency(value, "EUR", locale="fr_FR"), value


def test_date_longue_writes_exactly_what_babel_writes() -> None:
    """formatting.date_longue formats without babel; babel's « long » French date stays the reference."""
    from datetime import date, timedelta

    from babel.dates import format_date

    from ctai_cli.formatting import date_longue

    days = [date(2000, 1, 1) + timedelta(days=n) for n in range(366 * 32)]  # every day, 2000 to 2031
    days += [
        date(y, m, d) for y in (1, 9, 99, 999, 1900, 1970, 9999) for m in range(1, 13) for d in (1, 2, 28)
    ]
    days += [date.max, date.min]
    for day in days:
        expected = format_date(day, format="long", locale="fr_FR")
        assert date_longue(day) == ("1er" + expected[1:] if day.day == 1 else expected), day

from __future__ import annotations

import sys
from datetime import date


class UsageProblem(Exception):
    """A bad option value: printed in French, exit code 2."""


def parse_date_option(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"date invalide « {text} » : format attendu AAAA-MM-JJ") from None


def error(message: str) -> None:
    print(f"ctai : {message}", file=sys.stderr)

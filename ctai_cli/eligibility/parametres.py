"""Dated parameters of the eligibility rules, read from ``ctai_cli/data/parametres.yaml``.

A parameter is a list of values, each applying from its ``depuis`` date (included)
until the next one, each with its legal reference: rules change by adding data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from ctai_cli.yamlread import parse_text


@dataclass(frozen=True)
class Valeur:
    depuis: date
    valeur: Any
    reference: str


class Parametres:
    def __init__(self, data: dict[str, Any]) -> None:
        self._series: dict[str, list[Valeur]] = {}
        for name, spec in data.items():
            values = [
                Valeur(
                    date.fromisoformat(v["depuis"]), _convert(v["valeur"]), " ".join(v["reference"].split())
                )
                for v in spec["valeurs"]
            ]
            self._series[name] = sorted(values, key=lambda v: v.depuis)

    def at(self, name: str, day: date) -> Valeur:
        """The value of ``name`` in force on ``day`` (the first one before its start)."""
        series = self._series[name]
        current = series[0]
        for value in series:
            if value.depuis <= day:
                current = value
        return current

    def names(self) -> list[str]:
        return sorted(self._series)


def _convert(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    return value


@functools.cache
def charger() -> Parametres:
    text = resources.files("ctai_cli.data").joinpath("parametres.yaml").read_text(encoding="utf-8")
    document, diagnostics = parse_text(text, "ctai_cli/data/parametres.yaml")
    if document is None or diagnostics:
        raise RuntimeError(f"parametres.yaml invalide : {[d.message for d in diagnostics]}")
    return Parametres(document.data)

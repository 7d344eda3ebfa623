"""Dated parameters of the eligibility rules, read from ``ctai_cli/data/parametres.yaml``.

A parameter is a list of values, each applying from its ``depuis`` date (included)
until the next one, each with its legal reference: rules change by adding data.
A date before the first value of a parameter is not covered: asking for it raises
:class:`HorsPeriode` instead of silently applying the first value.
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


class HorsPeriode(LookupError):
    """A parameter was asked for on a date before its first value."""

    def __init__(self, nom: str, jour: date, premiere: Valeur) -> None:
        super().__init__(f"{nom} : aucune valeur avant le {premiere.depuis.isoformat()}")
        self.nom, self.jour, self.premiere = nom, jour, premiere


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
        """The value of ``name`` in force on ``day``; :class:`HorsPeriode` before the first one."""
        found = self._jour(day).get(name)
        if found is None:
            raise HorsPeriode(name, day, self._series[name][0])
        return found

    def en_vigueur(self, day: date) -> dict[str, Valeur]:
        """Every parameter that has a value on ``day`` (those without one are left out)."""
        return self._jour(day)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one Parametres per process, a few days per run
    def _jour(self, day: date) -> dict[str, Valeur]:
        """Every parameter in force on ``day`` (a batch asks for the same day 100 000 times)."""
        out = {}
        for name, series in self._series.items():
            en_vigueur = [v for v in series if v.depuis <= day]  # sorted by date: the last one applies
            if en_vigueur:
                out[name] = en_vigueur[-1]
        return out

    def valeurs(self, name: str) -> list[Valeur]:
        return list(self._series[name])

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

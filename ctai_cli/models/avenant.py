"""avenants/<n>.yaml: an amendment to the contract (Article 10)."""

from __future__ import annotations

from pydantic import Field

from ctai_cli.models.common import DateISO, Modele, Texte


class Avenant(Modele):
    numero: int = Field(ge=1)
    date: DateISO | None = None
    objet: Texte
    signe: bool = False
    date_signature: DateISO | None = None
    modifications: list[Texte] = Field(default_factory=list)

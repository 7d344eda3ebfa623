"""The aggregate as a Frictionless Data Package: ``datapackage.json`` and five CSV files.

The Data Package (v1) and Table Schema conventions are those data.gouv.fr and the
French public open-data tools (validata) read: each CSV is a ``tabular-data-resource``
whose ``schema`` lists its fields with a type and a French description. An empty cell
is an unknown value (``missingValues: [""]``), never 0. The tables are those of
:mod:`ctai_cli.aggregate_tables`; nothing personal is in them (contract files hold no
person's data: porteurs are organisations, beneficiaries are counts).

No licence is written: choosing one (often the Licence Ouverte 2.0) is the publisher's
decision, to add to ``datapackage.json`` before publishing.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ctai_cli import __version__
from ctai_cli.aggregate import Agregat
from ctai_cli.aggregate_tables import SCHEMAS, tables
from ctai_cli.francais import nombre_de

TITRES = {
    "contrats": "Contrats retenus (un par territoire et période)",
    "actions": "Fiches-actions, par contrat et par année",
    "budget": "Crédits BOP 104 et cofinancements, par action et par année",
    "bilans": "Bilans annuels : échéance, remise, comités de pilotage",
    "beneficiaires": "Bénéficiaires par action et par public",
}
CLES = {
    "contrats": ["source"],
    "actions": ["source", "annee", "action"],
    "bilans": ["source", "annee"],
}


def _csv(name: str, rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.name for c in SCHEMAS[name]], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def descriptor(agregat: Agregat) -> dict[str, Any]:
    resources = []
    for name, champs in SCHEMAS.items():
        schema: dict[str, Any] = {
            "fields": [{"name": c.name, "type": c.type, "description": c.description} for c in champs],
            "missingValues": [""],
        }
        if name in CLES:
            schema["primaryKey"] = CLES[name]
        if name != "contrats":
            schema["foreignKeys"] = [
                {"fields": ["source"], "reference": {"resource": "contrats", "fields": ["source"]}}
            ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "title": TITRES[name],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    periode = f"l'année {agregat.annee}" if agregat.annee is not None else "toutes les années des contrats"
    return {
        "profile": "tabular-data-package",
        "name": "ctai-agregat" if agregat.annee is None else f"ctai-agregat-{agregat.annee}",
        "title": "Contrats territoriaux d'accueil et d'intégration (CTAI) : agrégat",
        "description": (
            f"{nombre_de(len(agregat.territoires), 'contrat valide', 'contrats valides')}, {periode}, "
            f"bilans datés au {agregat.date.isoformat()} ; "
            f"{nombre_de(len(agregat.exclus), 'contrat en erreur exclu', 'contrats en erreur exclus')}. "
            "Cellule vide : valeur inconnue (jamais zéro). Écrit par ctai aggregate."
        ),
        "version": __version__,
        "resources": resources,
    }


def fichiers(agregat: Agregat) -> dict[str, str]:
    """File name → content: ``datapackage.json`` and one CSV per table."""
    data = tables(agregat)
    out = {"datapackage.json": json.dumps(descriptor(agregat), ensure_ascii=False, indent=2) + "\n"}
    for name, rows in data.items():
        out[f"{name}.csv"] = _csv(name, rows)
    return out

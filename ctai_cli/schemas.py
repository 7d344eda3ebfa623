"""JSON Schemas of every file kind, exported from the models for editors.

Files of a contract repository start with
``# yaml-language-server: $schema=<path>/contrat.schema.json`` so that VS Code
(with the YAML extension) completes keys and flags mistakes while typing.
"""

from __future__ import annotations

import json

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_TITLES = {
    "contrat": "Contrat territorial d'accueil et d'intégration (contrat.yaml)",
    "porteurs": "Porteurs des actions (porteurs.yaml)",
    "actions": "Annexe 1 : fiches-actions d'une année (actions/<année>.yaml)",
    "bilan": "Fiche-bilan d'une année (bilans/<année>.yaml)",
    "avenant": "Avenant au contrat (avenants/<numéro>.yaml)",
}


def build_schemas() -> dict[str, str]:
    """File name → JSON text, for every file kind."""
    from ctai_cli.repository import FILE_KINDS

    out: dict[str, str] = {}
    for name, kind in FILE_KINDS.items():
        schema = kind.model.model_json_schema()
        document = {"$schema": SCHEMA_DIALECT, "title": _TITLES[name], **schema}
        document["title"] = _TITLES[name]
        out[kind.schema] = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out

"""``ctai avenant new``: the next avenants/<n>.yaml, prefilled from the diff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ctai_cli.avenants.diff import DiffContrat, sections
from ctai_cli.repository import Depot

MODELINE = "# yaml-language-server: $schema={schema}\n"


@dataclass(frozen=True)
class NouvelAvenant:
    numero: int
    chemin: str  # relative to the contract folder: "avenants/2.yaml"
    texte: str


def prochain_numero(depot: Depot) -> int:
    return max(depot.avenants, default=0) + 1


def objet(diff: DiffContrat) -> str:
    """« Modification du contrat et de l'annexe 1 (2025) »."""
    parts = [titre for titre, _ in sections(diff, termes_seulement=True)]
    named = [("du contrat" if p == "Contrat" else f"de l'{p[0].lower()}{p[1:]}") for p in parts]
    if not named:
        return "À COMPLÉTER"
    text = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " et " + named[-1]
    return f"Modification {text}"


def rediger(depot: Depot, diff: DiffContrat, jour: date, schema: str | None = None) -> NouvelAvenant:
    """The avenant's text, written by the round-trip YAML layer (ctai_cli.yamlwrite)."""
    from ctai_cli.yamlwrite import CommentedMap, nouveau, seq, texte

    numero = prochain_numero(depot)
    entete = [MODELINE.format(schema=schema)] if schema else []
    base = diff.base_commit[:12] if diff.base_commit else diff.base
    entete += [
        f"# Avenant n° {numero}, préparé par « ctai avenant new » le {jour.isoformat()}\n",
        f"# à partir des modifications depuis {base}. Relisez l'objet et la liste des\n",
        "# modifications, puis passez « signe » à true avec la date de signature.\n",
    ]
    data = CommentedMap()
    data["numero"] = numero
    data["date"] = jour
    data["objet"] = texte(objet(diff))
    data["signe"] = False
    data["modifications"] = seq(
        [
            texte(f"{titre} : {s}.")
            for titre, sentences in sections(diff, termes_seulement=True)
            for s in sentences
        ]
    )
    return NouvelAvenant(numero, f"avenants/{numero}.yaml", nouveau(data, "".join(entete)))

"""``ctai avenant new``: the next avenants/<n>.yaml, prefilled from the diff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ctai_cli.avenants.diff import DiffContrat, sections
from ctai_cli.avenants.phrases import enonce_sa_valeur
from ctai_cli.repository import Depot

MODELINE = "# yaml-language-server: $schema={schema}\n"


@dataclass(frozen=True)
class NouvelAvenant:
    numero: int
    chemin: str  # relative to the contract folder: "avenants/2.yaml"
    texte: str


def prochain_numero(depot: Depot) -> int:
    return max(depot.avenants, default=0) + 1


def _normal(texte: str) -> str:
    """A modification as compared: spaces collapsed, final period dropped."""
    return " ".join(texte.split()).rstrip(".").strip()


def modifications_portees(depot: Depot, diff: DiffContrat) -> dict[str, int]:
    """The modifications already written in an avenant added or changed since the base (committed
    or not), each with the first avenant that carries it: they are not to be written again."""
    out: dict[str, int] = {}
    for numero in sorted((*diff.avenants.ajoutes, *diff.avenants.modifies)):
        fichier = depot.avenants.get(numero)
        model = fichier.model if fichier is not None else None
        for texte in model.modifications if model is not None else ():
            out.setdefault(_normal(texte), numero)
    return out


def a_rediger(
    diff: DiffContrat, portees: dict[str, int]
) -> tuple[list[tuple[str, list[str]]], dict[int, int]]:
    """The changes of terms no avenant carries yet, by section; and how many each avenant carries.

    Only a sentence stating the value it leaves is carried by the same words in an avenant
    (:func:`~ctai_cli.avenants.phrases.enonce_sa_valeur`): « la description … est modifiée » may
    be another change of the same field, so it is written again."""
    restantes: list[tuple[str, list[str]]] = []
    deja: dict[int, int] = {}
    for titre, sentences in sections(diff, termes_seulement=True):
        kept = []
        for s in sentences:
            texte = _normal(f"{titre} : {s}")
            numero = portees.get(texte) if enonce_sa_valeur(texte) else None
            if numero is None:
                kept.append(s)
            else:
                deja[numero] = deja.get(numero, 0) + 1
        if kept:
            restantes.append((titre, kept))
    return restantes, deja


_SUJET = re.compile(r"^(.*?) (?:passe|passent) d[eu] ")


def deja_modifies(parts: list[tuple[str, list[str]]], portees: dict[str, int]) -> list[tuple[str, int]]:
    """The new modifications whose subject (« Annexe 1 (2025) : le budget État de l'action « x » »)
    an avenant since the base already changes to another value: (subject, that avenant)."""
    sujets: dict[str, int] = {}
    for texte, numero in portees.items():
        if (m := _SUJET.match(texte)) is not None:
            sujets.setdefault(m.group(1), numero)
    out = []
    for titre, sentences in parts:
        for s in sentences:
            m = _SUJET.match(_normal(f"{titre} : {s}"))
            if m is not None and m.group(1) in sujets:
                out.append((m.group(1), sujets[m.group(1)]))
    return out


def objet(diff: DiffContrat, parts_restantes: list[tuple[str, list[str]]] | None = None) -> str:
    """« Modification du contrat et de l'annexe 1 (2025) »."""
    if parts_restantes is None:
        parts_restantes = sections(diff, termes_seulement=True)
    parts = [titre for titre, _ in parts_restantes]
    named = [("du contrat" if p == "Contrat" else f"de l'{p[0].lower()}{p[1:]}") for p in parts]
    if not named:
        return "À COMPLÉTER"
    text = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " et " + named[-1]
    return f"Modification {text}"


def rediger(
    depot: Depot,
    diff: DiffContrat,
    jour: date,
    schema: str | None = None,
    parts: list[tuple[str, list[str]]] | None = None,
) -> NouvelAvenant:
    """The avenant's text, written by the round-trip YAML layer (ctai_cli.yamlwrite); ``parts``:
    the sections to write (default: every change of terms of ``diff``)."""
    from ctai_cli.yamlwrite import CommentedMap, nouveau, seq, texte

    if parts is None:
        parts = sections(diff, termes_seulement=True)
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
    data["objet"] = texte(objet(diff, parts))
    data["signe"] = False
    data["modifications"] = seq([texte(f"{titre} : {s}.") for titre, sentences in parts for s in sentences])
    return NouvelAvenant(numero, f"avenants/{numero}.yaml", nouveau(data, "".join(entete)))

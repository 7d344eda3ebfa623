"""Dynamic values for shell completion (``ctai --install-completion``).

Each function receives what the user has typed so far and returns the values that
start with it. Years are read from file names only (``actions/2025.yaml``,
``bilans/2024.yaml``); action ids from the annexes through the bounded reader.
Completion must never fail: an unreadable folder completes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_ANNEE = re.compile(r"[0-9]{4}")


def _dossier(ctx: Any) -> Path:
    """The contract folder named on the command line so far, else the current folder."""
    params = getattr(ctx, "params", None) or {}
    # While completing, the parser may leave the folder among the unparsed arguments.
    candidats = (params.get("path"), *(params.get("args") or [])[:1], *(getattr(ctx, "args", None) or []))
    for valeur in candidats:
        if isinstance(valeur, str) and (Path(valeur) / "contrat.yaml").is_file():
            return Path(valeur)
    return Path(".")


def _annees(dossier: Path, sous_dossiers: tuple[str, ...]) -> list[str]:
    trouvees: set[str] = set()
    for nom in sous_dossiers:
        try:
            trouvees.update(f.stem for f in (dossier / nom).glob("*.yaml") if _ANNEE.fullmatch(f.stem))
        except OSError:
            continue
    return sorted(trouvees)


def annees(ctx: Any, incomplete: str) -> list[str]:
    """Years of the contract in the folder: those with an annexe or a bilan."""
    return [a for a in _annees(_dossier(ctx), ("actions", "bilans")) if a.startswith(incomplete)]


def annees_bilans(ctx: Any, incomplete: str) -> list[str]:
    return [a for a in _annees(_dossier(ctx), ("bilans",)) if a.startswith(incomplete)]


def actions(ctx: Any, incomplete: str) -> list[str]:
    """Action ids of the annexes of the contract in the folder."""
    from ctai_cli.yamlread import parse_text, read_bytes

    dossier = _dossier(ctx)
    ids: set[str] = set()
    for annee in _annees(dossier, ("actions",)):
        fichier = dossier / "actions" / f"{annee}.yaml"
        texte, _problemes = read_bytes(fichier, str(fichier))
        document, _problemes = parse_text(texte or "", str(fichier))
        data = document.data if document is not None else None
        liste = data.get("actions") if isinstance(data, dict) else None
        for action in liste if isinstance(liste, list) else []:
            if isinstance(action, dict) and isinstance(action.get("id"), str):
                ids.add(action["id"])
    return sorted(i for i in ids if i.startswith(incomplete))


def codes(incomplete: str) -> list[tuple[str, str]]:
    """Diagnostic codes with their titles, and « format ».

    The shell keeps the values that start with what is typed: « E10 » completes to the
    short codes (E101…), « CTAI- » or nothing to the full ones.
    """
    from ctai_cli.catalog import CATALOG

    valeurs = [("format", "la description des fichiers d'un contrat")]
    court = bool(incomplete) and not "CTAI-".startswith(incomplete.upper()[:5])
    for code, entry in CATALOG.items():
        valeur = code.removeprefix("CTAI-") if court else code
        valeurs.append((valeur.lower() if incomplete.islower() else valeur, entry.title))
    return [(v, aide) for v, aide in valeurs if v.startswith(incomplete)]

from __future__ import annotations

import re
import sys
from pathlib import Path

from ctai_cli import exitcodes
from ctai_cli.catalog import CATALOG, lookup
from ctai_cli.commands._common import UsageProblem

# Documentation shipped with ctai, readable without the source tree: « ctai explain format ».
SUJETS = {
    "format": ("format.md", "les fichiers d'un dossier de contrat, clé par clé"),
    "documents": ("documents.md", "les documents produits et les variables des modèles"),
    "formulaires": ("formulaires.md", "les formulaires de bilan envoyés aux porteurs"),
    "agregat": ("agregat.md", "ctai aggregate : plusieurs contrats, manifeste, données ouvertes"),
}


def docs_folder() -> Path:
    """``docs/`` of the source tree, or its copy inside the installed package."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "docs"
    return packaged if (packaged / "format.md").is_file() else package.parent / "docs"


def run(code: str | None) -> int:
    if code is None:
        for entry in CATALOG.values():
            print(f"{entry.code}  {entry.severity.label:<13} {entry.title}")
        for sujet, (_fichier, titre) in SUJETS.items():
            print(f"{sujet:<11} documentation  {titre}")
        return exitcodes.OK
    if code.lower() in SUJETS:
        fichier = docs_folder() / SUJETS[code.lower()][0]
        try:
            sys.stdout.write(fichier.read_text(encoding="utf-8"))
        except OSError:
            raise UsageProblem(f"documentation « {code} » absente de cette installation de ctai") from None
        return exitcodes.OK
    entry = lookup(code)
    if entry is None:
        import difflib

        close = difflib.get_close_matches(code.upper(), list(CATALOG), n=1)
        hint = f" ; vouliez-vous dire {close[0]} ?" if close else " ; « ctai explain » les liste tous"
        raise UsageProblem(f"code « {code} » inconnu{hint}")
    print(f"{entry.code} — {entry.title} ({entry.severity.label})")
    print()
    print(entry.explanation)
    if entry.hint and not re.fullmatch(r"\{\w+\}", entry.hint):
        print()
        hint = re.sub(r"(?<!\{)\{(\w+)\}(?!\})", r"<\1>", entry.hint)
        print("Que faire : " + hint.replace("{{", "{").replace("}}", "}"))
    return exitcodes.OK

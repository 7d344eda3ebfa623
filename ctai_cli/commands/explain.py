from __future__ import annotations

import re

from ctai_cli import exitcodes
from ctai_cli.catalog import CATALOG, lookup
from ctai_cli.commands._common import UsageProblem


def run(code: str | None) -> int:
    if code is None:
        for entry in CATALOG.values():
            print(f"{entry.code}  {entry.severity.label:<13} {entry.title}")
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

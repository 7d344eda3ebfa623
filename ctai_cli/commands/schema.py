from __future__ import annotations

import os
from pathlib import Path

from ctai_cli import exitcodes
from ctai_cli.commands._common import UsageProblem


def run(output_dir: Path, check: bool, force: bool) -> int:
    from ctai_cli.fsutil import atomic_write
    from ctai_cli.schemas import build_schemas

    schemas = build_schemas()
    stale = []
    for name, text in schemas.items():
        target = output_dir / name
        current = target.read_text(encoding="utf-8") if os.path.isfile(target) else None
        if current == text:
            continue
        stale.append(target)
    if check:
        for target in stale:
            print(f"{target} : schéma absent ou périmé")
        if stale:
            print("régénérez les schémas avec « ctai schema --force »")
            return exitcodes.FINDINGS
        print(f"{len(schemas)} schémas à jour dans {output_dir}")
        return exitcodes.OK
    existing = [t for t in stale if os.path.lexists(t)]
    if existing and not force:
        names = ", ".join(str(t) for t in existing)
        raise UsageProblem(f"{names} existe(nt) déjà et diffère(nt) ; relancez avec --force pour remplacer")
    for target in stale:
        atomic_write(target, schemas[target.name], force=force)
        print(f"écrit : {target}")
    if not stale:
        print(f"{len(schemas)} schémas déjà à jour dans {output_dir}")
    return exitcodes.OK

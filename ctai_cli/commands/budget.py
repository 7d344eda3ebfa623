from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TextIO

from ctai_cli import exitcodes
from ctai_cli.commands._common import UsageProblem, check_format, open_valid_depot, output_to

FORMATS = ("text", "json", "csv", "xlsx")
CSV_FIELDS = (
    "annee",
    "action",
    "axe",
    "porteur",
    "alloue",
    "report_entrant",
    "disponible",
    "verse",
    "depense",
    "reliquat",
    "disposition",
    "vers",
    "ecart",
    "ecart_pct",
)


def _text(rapprochement, out: TextIO) -> None:
    from decimal import Decimal

    from ctai_cli.formatting import euros

    def fmt(value: str | None) -> str:
        return "—" if value is None else euros(Decimal(value))

    head = f"{'action':<30} {'alloué':>14} {'report':>12} {'disponible':>14} {'versé':>14} {'dépensé':>14} {'reliquat':>14}  disposition"
    rows = [ligne.to_dict() for ligne in rapprochement.lignes]
    for year, total in sorted(rapprochement.par_annee.items()):
        out.write(f"\nAnnée {year}\n{head}\n")
        for row in (r for r in rows if r["annee"] == year):
            disposition = row["disposition"] or ""
            if row["vers"]:
                disposition += f" → {row['vers']}"
            out.write(
                f"{row['action'][:30]:<30} {fmt(row['alloue']):>14} {fmt(row['report_entrant']):>12} "
                f"{fmt(row['disponible']):>14} {fmt(row['verse']):>14} {fmt(row['depense']):>14} "
                f"{fmt(row['reliquat']):>14}  {disposition}\n"
            )
        t = total.to_dict()
        incomplete = "" if t["complet"] else "  (dépenses incomplètes : bilan absent ou partiel)"
        out.write(
            f"{'Total ' + str(year):<30} {fmt(t['alloue']):>14} {fmt(t['report_entrant']):>12} "
            f"{fmt(t['disponible']):>14} {fmt(t['verse']):>14} {fmt(t['depense']):>14} {fmt(t['reliquat']):>14}"
            f"{incomplete}\n"
        )
    c = rapprochement.contrat.to_dict()
    out.write(
        f"\nContrat : alloué {fmt(c['alloue'])}, dépensé {fmt(c['depense'])}, reliquat {fmt(c['reliquat'])}"
        f"{'' if c['complet'] else ' (incomplet)'}\n"
    )


def reconcile(path: Path, annee: int | None, fmt: str, output: Path | None, force: bool) -> int:
    from ctai_cli.budget import rapprocher

    check_format(fmt, FORMATS)
    depot = open_valid_depot(path)
    if annee is not None and annee not in depot.actions:
        raise UsageProblem(f"aucune annexe pour {annee} (actions/{annee}.yaml)")
    rapprochement = rapprocher(depot, annee)
    if fmt == "xlsx":
        if output is None:
            raise UsageProblem("le format xlsx s'écrit dans un fichier : ajoutez --output rapprochement.xlsx")
        from ctai_cli.budget_xlsx import ecrire

        with output_to(output, force, binary=True) as out:
            ecrire(rapprochement, out)
        return exitcodes.OK
    with output_to(output, force) as out:
        if fmt == "json":
            json.dump(rapprochement.to_dict(), out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(ligne.to_dict() for ligne in rapprochement.lignes)
        else:
            _text(rapprochement, out)
    return exitcodes.OK

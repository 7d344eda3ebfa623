"""The aggregate as a workbook: one sheet per table, and the totals (« ensemble »).

Same conventions as ``ctai budget reconcile --format xlsx`` (:mod:`ctai_cli.budget_xlsx`):
amounts are numbers with the format ``# ##0,00 €``, an unknown value is an empty cell
with a comment (never 0), text from the files is never a formula, and a known total is a
``SUM`` formula over the ``budget`` sheet carrying its computed value (for reports entrants,
disponible and reliquat, minus the ``*_interne`` columns: what passes from one year of a
contract to another is counted once), so that a recalculation gives the same number.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl.utils import get_column_letter

from ctai_cli.aggregate import Agregat
from ctai_cli.aggregate_tables import SCHEMAS, tables
from ctai_cli.budget import COLONNES, LIBELLES
from ctai_cli.budget_xlsx import Classeur

ENTIER = "#,##0"
# The budget sheet's columns of money passed from one year of a contract to another, taken off
# the contract's totals (each euro once).
INTERNES = {
    "report_entrant": "report_entrant_interne",
    "disponible": "report_entrant_interne",
    "reliquat": "reliquat_interne",
}
DATE = "DD/MM/YYYY"


def _table(classeur: Classeur, name: str, rows: list[dict[str, Any]]) -> None:
    sheet = classeur.sheet(name)
    champs = SCHEMAS[name]
    for col, champ in enumerate(champs, 1):
        classeur.texte(sheet, 1, col, champ.name, bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = max(10, min(40, len(champ.name) + 4))
    sheet.freeze_panes = "A2"
    for r, row in enumerate(rows, 2):
        for col, champ in enumerate(champs, 1):
            value = row.get(champ.name)
            if champ.type == "number":
                if value is None:
                    classeur.inconnu(sheet, r, col, "inconnu (jamais compté comme zéro)")
                else:
                    classeur.montant(sheet, r, col, Decimal(value))
            elif champ.type == "integer":
                if value is None:
                    classeur.inconnu(sheet, r, col, "inconnu", ENTIER)
                else:
                    cell = sheet.cell(row=r, column=col, value=int(value))
                    cell.number_format = ENTIER if champ.name not in ("annee", "debut", "fin", "axe") else "0"
            elif champ.type == "date":
                if value is not None:
                    cell = sheet.cell(row=r, column=col, value=date.fromisoformat(value))
                    cell.number_format = DATE
            elif champ.type == "boolean":
                # As in the CSV tables and docs/agregat.md: « true » / « false ».
                classeur.texte(sheet, r, col, value)
            else:
                classeur.texte(sheet, r, col, None if value is None else str(value))


def ecrire(agregat: Agregat, out: BinaryIO) -> None:
    classeur = Classeur()
    data = tables(agregat, pour_csv=False)
    ensemble = classeur.sheet("ensemble")
    classeur.texte(ensemble, 1, 1, "BOP 104, contrats retenus", bold=True)
    classeur.texte(ensemble, 1, 2, "Montant", bold=True)
    ensemble.column_dimensions["A"].width = 34
    ensemble.column_dimensions["B"].width = 18
    last = max(len(data["budget"]), 1) + 1
    champs = [c.name for c in SCHEMAS["budget"]]

    def somme(colonne: str) -> str:
        letter = get_column_letter(champs.index(colonne) + 1)
        return f"SUM(budget!{letter}2:{letter}{last})"

    totaux = agregat.totaux
    for r, colonne in enumerate(COLONNES, 2):
        classeur.texte(ensemble, r, 1, LIBELLES[colonne])
        formula = f"={somme(colonne)}"
        # A reliquat reported to another year of the same contract is the same euros as that
        # year's report entrant: counted once, as in the stored totals (aggregate.Territoire.totaux).
        if colonne in INTERNES:
            formula += f"-{somme(INTERNES[colonne])}"
        classeur.total(
            ensemble,
            r,
            2,
            totaux.sommes[colonne],
            formula,
            "inconnu : un montant au moins manque (feuille budget)",
        )
    r = len(COLONNES) + 3
    classeur.texte(
        ensemble, r, 1, f"Contrats retenus : {len(agregat.territoires)} ; exclus : {len(agregat.exclus)}"
    )
    for e in agregat.exclus:
        r += 1
        classeur.texte(ensemble, r, 1, e.source)
        classeur.texte(ensemble, r, 2, e.raison)
    for name, rows in data.items():
        _table(classeur, name, rows)
    classeur.save(out)

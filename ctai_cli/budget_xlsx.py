"""The reconciliation as a spreadsheet for DDETS agents: one sheet per year, French formats.

Amounts are written as numbers (exact: Decimal to float only at the last step, two
decimals) with the format ``# ##0,00 €``; each year's total row is a SUM formula so the
sheet stays right when an agent edits a cell.
"""

from __future__ import annotations

from typing import BinaryIO

from ctai_cli.budget import MONEY, Rapprochement

HEADERS = {
    "action": "Action",
    "axe": "Axe",
    "porteur": "Porteur",
    "alloue": "Alloué (BOP 104)",
    "report_entrant": "Report entrant",
    "disponible": "Disponible",
    "verse": "Versé",
    "depense": "Dépensé",
    "reliquat": "Reliquat",
    "disposition": "Disposition",
    "vers": "Reporté vers",
    "ecart_pct": "Écart (%)",
}
EUROS = '#,##0.00\\ "€"'


def ecrire(rapprochement: Rapprochement, out: BinaryIO) -> None:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    columns = list(HEADERS)
    rows = [ligne.to_dict() for ligne in rapprochement.lignes]
    for year in sorted(rapprochement.par_annee):
        sheet = workbook.create_sheet(str(year))
        sheet.append([HEADERS[c] for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        year_rows = [r for r in rows if r["annee"] == year]
        for row in year_rows:
            values = []
            for column in columns:
                value = row[column]
                if column in MONEY or column == "ecart_pct":
                    value = None if value is None else float(Decimal(value))
                values.append(value)
            sheet.append(values)
        last = sheet.max_row
        total = ["Total " + str(year), None, None]
        for index, column in enumerate(columns[3:], start=4):
            letter = get_column_letter(index)
            total.append(f"=SUM({letter}2:{letter}{last})" if column in MONEY else None)
        sheet.append(total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            if column in MONEY:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = EUROS
            sheet.column_dimensions[letter].width = 30 if column == "action" else 16
        if not rapprochement.par_annee[year].complet:
            sheet.append([])
            sheet.append(
                ["Montants incomplets : budget absent de l'annexe ou bilan non remis (cellules vides)."]
            )
        sheet.freeze_panes = "A2"
    summary = workbook.create_sheet("Contrat")
    summary.append(["", *[HEADERS[m] for m in MONEY], "Complet"])
    for label, total in [(str(y), t) for y, t in sorted(rapprochement.par_annee.items())] + [
        ("Contrat", rapprochement.contrat)
    ]:
        data = total.to_dict()
        summary.append(
            [label, *[float(Decimal(data[m])) for m in MONEY], "oui" if data["complet"] else "non"]
        )
    for row in summary.iter_rows(min_row=2, min_col=2, max_col=1 + len(MONEY)):
        for cell in row:
            cell.number_format = EUROS
    workbook.save(out)

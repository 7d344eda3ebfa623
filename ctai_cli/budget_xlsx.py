"""The reconciliation as a spreadsheet for DDETS agents: one sheet per year, French formats.

Amounts are numbers (Decimal to float only at the last step) with the format
``# ##0,00 €``. A known total is a formula (``=SUM(D2:D13)``) so the sheet stays right
when an agent edits a cell, and it carries its computed value too: openpyxl writes
formulas without a cached result, so the saved file is patched to hold it (a reader
with ``data_only=True`` sees the number; Excel and LibreOffice recompute on load,
``fullCalcOnLoad``). An unknown total is an empty cell with a comment and a note, never
a sum of what happens to be known. Text from the files (action, funder) is always
written as text: a funder named ``=HYPERLINK(…)`` is not a formula.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any, BinaryIO

from ctai_cli.budget import COLONNES, AnneeBudget, PrevuRealise, Rapprochement, Somme, raisons_texte
from ctai_cli.formatting import euros

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
    "ecart_pct": "Écart (%)",
    "disposition": "Disposition",
    "vers": "Reporté vers",
    "depuis": "Reports reçus",
    "note": "Note",
}
COLUMNS = list(HEADERS)
EUROS = '#,##0.00\\ "€"'
PCT = "+0.00;-0.00;0.00"
FORMULA_START = ("=", "+", "-", "@")


def _col(name: str) -> int:
    return COLUMNS.index(name) + 1


class Classeur:
    """A workbook whose formula cells remember their value, patched in after saving."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        self.cached: dict[str, dict[str, Decimal]] = {}

    def sheet(self, title: str) -> Any:
        self.cached[title] = {}
        return self.workbook.create_sheet(title)

    @staticmethod
    def texte(sheet: Any, row: int, col: int, value: str | None, *, bold: bool = False) -> None:
        cell = sheet.cell(row=row, column=col)
        if value is None:
            return
        cell.value = value
        if value.startswith(FORMULA_START):
            cell.data_type = "s"  # an inline string: never evaluated
            cell.quotePrefix = True
        if bold:
            from openpyxl.styles import Font

            cell.font = Font(bold=True)

    @staticmethod
    def montant(sheet: Any, row: int, col: int, value: Decimal | None, fmt: str = EUROS) -> None:
        cell = sheet.cell(row=row, column=col)
        if value is not None:
            cell.value = float(value)
        cell.number_format = fmt

    def formule(
        self,
        sheet: Any,
        row: int,
        col: int,
        formula: str,
        value: Decimal,
        fmt: str = EUROS,
        bold: bool = True,
    ) -> None:
        from openpyxl.styles import Font

        cell = sheet.cell(row=row, column=col, value=formula)
        cell.number_format = fmt
        if bold:
            cell.font = Font(bold=True)
        self.cached[sheet.title][cell.coordinate] = value

    @staticmethod
    def inconnu(sheet: Any, row: int, col: int, note: str, fmt: str = EUROS) -> None:
        from openpyxl.comments import Comment

        cell = sheet.cell(row=row, column=col)
        cell.number_format = fmt
        cell.comment = Comment(note, "ctai")

    def total(self, sheet: Any, row: int, col: int, somme: Somme, formula: str, note: str) -> None:
        """A known total as a formula with its value; an unknown one as an empty cell with a note."""
        if somme.valeur is not None:
            self.formule(sheet, row, col, formula, somme.valeur)
        else:
            partiel = (
                ""
                if somme.partiel is None
                else f" ; somme partielle des montants connus : {somme.partiel:.2f}"
            )
            self.inconnu(sheet, row, col, note + partiel)

    def save(self, out: BinaryIO) -> None:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        paths = {ws.title: f"xl/worksheets/sheet{i}.xml" for i, ws in enumerate(self.workbook.worksheets, 1)}
        patches = {paths[title]: cells for title, cells in self.cached.items() if cells}
        source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
        target = io.BytesIO()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as patched:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename in patches:
                    data = _cache_values(data.decode("utf-8"), patches[info.filename]).encode("utf-8")
                patched.writestr(info, data)
        out.write(target.getvalue())


def _cache_values(xml: str, cells: dict[str, Decimal]) -> str:
    """Put each formula's computed value in its empty ``<v/>`` (openpyxl writes none)."""

    def fill(match: re.Match[str]) -> str:
        value = cells.get(match["ref"])
        if value is None:
            return match[0]
        return f"{match['head']}<v>{format(value, 'f')}</v></c>"

    patched, count = re.subn(
        r'(?P<head><c r="(?P<ref>[A-Z]+[0-9]+)"[^>]*><f>[^<]*</f>)<v\s*/></c>', fill, xml
    )
    assert count >= len(cells), "openpyxl changed how it writes formula cells"
    return patched


def _year_sheet(classeur: Classeur, annee: AnneeBudget) -> dict[str, Any]:
    """One year: the actions, their total, the envelope and the co-financements. Returns cell addresses."""
    from openpyxl.utils import get_column_letter

    sheet = classeur.sheet(str(annee.annee))
    for col, name in enumerate(COLUMNS, start=1):
        classeur.texte(sheet, 1, col, HEADERS[name], bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = 30 if name in ("action", "note") else 16
    row = 2
    if not annee.annexe:
        classeur.texte(
            sheet, row, 1, f"Pas d'annexe d'actions (actions/{annee.annee}.yaml) : montants inconnus."
        )
        row += 1
    first = row
    for ligne in annee.lignes:
        classeur.texte(sheet, row, _col("action"), ligne.action)
        sheet.cell(row=row, column=_col("axe"), value=ligne.axe)
        classeur.texte(sheet, row, _col("porteur"), ligne.porteur)
        for name in COLONNES:
            classeur.montant(sheet, row, _col(name), getattr(ligne, name))
        classeur.montant(sheet, row, _col("ecart_pct"), ligne.ecart_pct, PCT)
        classeur.texte(sheet, row, _col("disposition"), ligne.disposition)
        classeur.texte(sheet, row, _col("vers"), ligne.vers)
        if ligne.reports:
            classeur.texte(
                sheet, row, _col("depuis"), " ; ".join(f"{r.depuis} : {r.montant:.2f}" for r in ligne.reports)
            )
        notes = list(ligne.inconnus)
        if ligne.illustratif:
            notes.append("montants illustratifs (inventés, voir la feuille Illustratif)")
        classeur.texte(sheet, row, _col("note"), " ; ".join(notes) or None)
        row += 1
    last = row - 1
    total_row = row
    t = annee.totaux
    classeur.texte(sheet, total_row, 1, f"Total {annee.annee}", bold=True)
    note = t.inconnus_texte or ""
    for name in COLONNES:
        letter = get_column_letter(_col(name))
        classeur.total(
            sheet, total_row, _col(name), t.sommes[name], f"=SUM({letter}{first}:{letter}{last})", note
        )
    if t.ecart_pct is not None:
        dispo, depense = (get_column_letter(_col(n)) for n in ("disponible", "depense"))
        classeur.formule(
            sheet,
            total_row,
            _col("ecart_pct"),
            f"=ROUND(({depense}{total_row}-{dispo}{total_row})*100/{dispo}{total_row},2)",
            t.ecart_pct,
            PCT,
        )
    notes = [n for n in (t.inconnus_texte, t.partiels_texte(euros)) if n]
    classeur.texte(sheet, total_row, _col("note"), " ; ".join(notes) or None)
    sheet.freeze_panes = "A2"

    # The contract's envelope for the year against the allocations.
    row = total_row + 2
    amount = get_column_letter(_col("alloue"))
    e = annee.enveloppe
    classeur.texte(sheet, row, 1, f"Enveloppe {annee.annee} de l'État", bold=True)
    if e.montant is not None:
        classeur.montant(sheet, row, _col("alloue"), e.montant)
    else:
        classeur.inconnu(sheet, row, _col("alloue"), "enveloppe non renseignée dans contrat.yaml")
        classeur.texte(sheet, row, _col("note"), "enveloppe non renseignée dans contrat.yaml")
    env_row = row
    row += 1
    classeur.texte(sheet, row, 1, "Alloué aux actions")
    classeur.total(sheet, row, _col("alloue"), e.alloue, f"={amount}{total_row}", note)
    row += 1
    classeur.texte(sheet, row, 1, "Reste à répartir (négatif : dépassement)")
    reste = None if e.ecart is None else -e.ecart
    if reste is not None:
        classeur.formule(sheet, row, _col("alloue"), f"={amount}{env_row}-{amount}{row - 1}", reste)
    else:
        classeur.inconnu(sheet, row, _col("alloue"), "inconnu : enveloppe ou allocations inconnues")
        classeur.texte(sheet, row, _col("note"), "inconnu : enveloppe ou allocations inconnues")

    # Co-financements, funder by funder, never added to BOP 104.
    row += 2
    classeur.texte(sheet, row, 1, f"Cofinancements {annee.annee} (hors BOP 104)", bold=True)
    row += 1
    for col, title in ((1, "Action"), (2, "Financeur"), (4, "Prévu"), (5, "Réalisé"), (6, "Écart")):
        classeur.texte(sheet, row, col, title, bold=True)
    row += 1
    funder_cells: dict[str, list[int]] = {}
    first_cofin = row
    for ligne in annee.lignes:
        for financeur, pair in ligne.cofinancements.items():
            classeur.texte(sheet, row, 1, ligne.action)
            classeur.texte(sheet, row, 2, financeur)
            _pair(classeur, sheet, row, pair, formulas=False)
            funder_cells.setdefault(financeur, []).append(row)
            row += 1
    last_cofin = row - 1
    totals: dict[str, int] = {}
    for financeur, pair in annee.cofinancements.items():
        classeur.texte(sheet, row, 1, "Total", bold=True)
        classeur.texte(sheet, row, 2, financeur, bold=True)
        cells = funder_cells.get(financeur, [])
        _pair(classeur, sheet, row, pair, cells=cells)
        totals[financeur] = row
        row += 1
    classeur.texte(sheet, row, 1, "Total tous financeurs", bold=True)
    span = list(range(first_cofin, last_cofin + 1))
    _pair(classeur, sheet, row, annee.cofinancements_total, cells=span)
    return {"total": total_row, "enveloppe": env_row, "cofinancements": totals, "cofinancements_total": row}


def _pair(
    classeur: Classeur,
    sheet: Any,
    row: int,
    pair: PrevuRealise,
    *,
    formulas: bool = True,
    cells: list[int] | None = None,
) -> None:
    """Prévu (D), réalisé (E), écart (F) of one funder: numbers on a row, formulas on a total."""
    for col, somme, letter, raisons in (
        (4, pair.prevu, "D", pair.raisons_prevu),
        (5, pair.realise, "E", pair.raisons_realise),
    ):
        # « inconnu : action coordination absente du bilan » (the partial sum follows on a total).
        note = "inconnu" + (f" : {raisons_texte(raisons)}" if raisons else "")
        if not formulas:
            if somme.valeur is None:
                classeur.inconnu(sheet, row, col, note)
            else:
                classeur.montant(sheet, row, col, somme.valeur)
            continue
        refs = ",".join(f"{letter}{r}" for r in cells or []) or "0"
        classeur.total(sheet, row, col, somme, f"=SUM({refs})", note)
    if pair.ecart is None:
        classeur.inconnu(sheet, row, 6, "inconnu : prévu ou réalisé inconnu")
    elif formulas:
        classeur.formule(sheet, row, 6, f"=E{row}-D{row}", pair.ecart)
    else:
        classeur.montant(sheet, row, 6, pair.ecart)


def _contract_sheet(
    classeur: Classeur, rapprochement: Rapprochement, where: dict[int, dict[str, Any]]
) -> None:
    from openpyxl.utils import get_column_letter

    sheet = classeur.sheet("Contrat")
    headers = ["Année", "Cadre", *(HEADERS[m] for m in COLONNES), "Enveloppe", "Complet", "Note"]
    for col, title in enumerate(headers, start=1):
        classeur.texte(sheet, 1, col, title, bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = 30 if title == "Note" else 16
    cadres = {"contrat": "contrat", "contrat_precedent": "contrat précédent", "hors_periode": "hors période"}
    # The previous contract's years first: the contract's own years are then one block to sum.
    ordered = sorted(rapprochement.annees, key=lambda a: (a.cadre == "contrat", a.annee))
    row = 2
    contract_rows = []
    for annee in ordered:
        sheet.cell(row=row, column=1, value=annee.annee)
        classeur.texte(sheet, row, 2, cadres[annee.cadre])
        total_row = where[annee.annee]["total"]
        for k, name in enumerate(COLONNES, start=3):
            letter = get_column_letter(_col(name))
            classeur.total(
                sheet,
                row,
                k,
                annee.totaux.sommes[name],
                f"='{annee.annee}'!{letter}{total_row}",
                annee.totaux.inconnus_texte or "",
            )
        env = annee.enveloppe.montant
        env_col = 3 + len(COLONNES)
        if env is None:
            classeur.inconnu(sheet, row, env_col, "enveloppe non renseignée dans contrat.yaml")
        else:
            letter = get_column_letter(_col("alloue"))
            classeur.formule(
                sheet,
                row,
                env_col,
                f"='{annee.annee}'!{letter}{where[annee.annee]['enveloppe']}",
                env,
                bold=False,
            )
        classeur.texte(sheet, row, env_col + 1, "oui" if annee.totaux.complet else "non")
        classeur.texte(sheet, row, env_col + 2, annee.totaux.inconnus_texte)
        if annee.cadre == "contrat":
            contract_rows.append(row)
        row += 1
    contrat = rapprochement.contrat
    assert contrat is not None
    span = (min(contract_rows), max(contract_rows)) if contract_rows else None
    # Reports from one year of the contract to the next are the same euros twice (reliquat of
    # one year, disponible of the next): this row takes them out of the contract's total.
    internes = None
    if contrat.reports_internes or contrat.reliquats_internes:
        internes = row
        classeur.texte(sheet, row, 1, "Reports d'une année à l'autre du contrat (comptés une fois)")
        for k, name in enumerate(COLONNES, start=3):
            value = {
                "report_entrant": contrat.reports_internes,
                "disponible": contrat.reports_internes,
                "reliquat": contrat.reliquats_internes,
            }.get(name)
            if value is not None:
                classeur.montant(sheet, row, k, value)
        row += 1
    classeur.texte(sheet, row, 1, "Total contrat", bold=True)
    classeur.texte(sheet, row, 2, "contrat")
    for k, name in enumerate(COLONNES, start=3):
        letter = get_column_letter(k)
        formula = f"=SUM({letter}{span[0]}:{letter}{span[1]})" if span else "=0"
        if internes is not None and name in ("report_entrant", "disponible", "reliquat"):
            formula += f"-{letter}{internes}"
        classeur.total(sheet, row, k, contrat.sommes[name], formula, contrat.inconnus_texte or "")
    env_col = 3 + len(COLONNES)
    enveloppes = rapprochement.enveloppes
    assert enveloppes is not None
    letter = get_column_letter(env_col)
    classeur.total(
        sheet,
        row,
        env_col,
        enveloppes,
        f"=SUM({letter}{span[0]}:{letter}{span[1]})" if span else "=0",
        "enveloppe non renseignée pour une année au moins",
    )
    classeur.texte(sheet, row, env_col + 1, "oui" if contrat.complet else "non")
    notes = [
        n for n in (contrat.inconnus_texte, contrat.partiels_texte(euros), contrat.internes_texte(euros)) if n
    ]
    classeur.texte(sheet, row, env_col + 2, " ; ".join(notes) or None)

    # Co-financements of the contract, per funder: the sum of the years' totals.
    row += 2
    classeur.texte(sheet, row, 1, "Cofinancements du contrat (hors BOP 104)", bold=True)
    row += 1
    for col, title in ((1, "Financeur"), (4, "Prévu"), (5, "Réalisé"), (6, "Écart")):
        classeur.texte(sheet, row, col, title, bold=True)
    row += 1
    par_financeur, total = rapprochement.cofinancements_contrat
    contract_years = [a.annee for a in rapprochement.annees if a.cadre == "contrat"]
    rows: list[tuple[str | None, PrevuRealise]] = [*par_financeur.items(), (None, total)]
    for financeur, pair in rows:
        classeur.texte(sheet, row, 1, financeur or "Total tous financeurs", bold=True)
        for col, somme, letter in ((4, pair.prevu, "D"), (5, pair.realise, "E")):
            if financeur is None:
                refs = [f"'{y}'!{letter}{where[y]['cofinancements_total']}" for y in contract_years]
            else:
                refs = [
                    f"'{y}'!{letter}{where[y]['cofinancements'][financeur]}"
                    for y in contract_years
                    if financeur in where[y]["cofinancements"]
                ]
            classeur.total(sheet, row, col, somme, "=" + ("+".join(refs) or "0"), "inconnu")
        if pair.ecart is None:
            classeur.inconnu(sheet, row, 6, "inconnu : prévu ou réalisé inconnu")
        else:
            classeur.formule(sheet, row, 6, f"=E{row}-D{row}", pair.ecart)
        row += 1


def _illustratif_sheet(classeur: Classeur, lignes: tuple[str, ...]) -> None:
    """The « Illustratif » banner as the first sheet: which files hold invented amounts."""
    sheet = classeur.sheet("Illustratif")
    sheet.column_dimensions["A"].width = 120
    classeur.texte(
        sheet,
        1,
        1,
        "ILLUSTRATIF — ce classeur contient des montants inventés, qui ne viennent d'aucune source :",
        bold=True,
    )
    for row, ligne in enumerate(lignes, start=2):
        classeur.texte(sheet, row, 1, ligne)


def ecrire(rapprochement: Rapprochement, out: BinaryIO) -> None:
    classeur = Classeur()
    if rapprochement.illustratif:
        _illustratif_sheet(classeur, rapprochement.illustratif)
    where = {annee.annee: _year_sheet(classeur, annee) for annee in rapprochement.annees}
    if rapprochement.contrat is not None:
        _contract_sheet(classeur, rapprochement, where)
    classeur.save(out)

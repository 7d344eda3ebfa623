"""Reading a filled bilan form back: every cell checked, nothing guessed.

A cell is found by the key of its row (hidden column A), never by its position; a value
is read only from an input cell, with the kind its row was written with. A wrong cell is
a diagnostic at ``fichier.xlsx:Feuille!C7`` and its value is left out; a form of another
contract or year, or one that is not a ctai form, is left out whole.
"""

from __future__ import annotations

import io
import math
import os
import re
import stat
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic, apercu
from ctai_cli.formulaires.lignes import (
    DISPOSITION,
    DISPOSITIONS,
    EFFECTIF,
    FORMAT,
    IDENTIFIANT,
    MONTANT,
    OUI_NON,
    PREMIERE_LIGNE,
    TEXTE,
    TITRE,
    VERSION,
    nature_of_key,
)
from ctai_cli.models.common import EFFECTIF_MAX, MONTANT_MAX

MAX_FORM_SIZE = 10 * 1024 * 1024  # a form is a few dozen kilobytes
MAX_UNPACKED = 100 * 1024 * 1024  # a zip bomb is refused before openpyxl opens it
_IDENTIFIANT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
FEUILLE_IDENTITE = "ctai"
FEUILLE_AIDE = "Mode d'emploi"
MAX_LIGNES = 5_000
MAX_COLONNES = 50
MAX_HORS = 20  # cells out of the inputs reported one by one, per sheet


@dataclass(frozen=True)
class Cellule:
    valeur: Any
    ou: str  # "fichier.xlsx:Feuille!C7"
    refusee: bool = False  # the cell holds a wrong value, already reported (CTAI-E404)


@dataclass
class FormulaireLu:
    chemin: str
    annee: int
    porteur: str
    # action id -> key -> the cell (present keys only; value None when the cell is empty or wrong)
    actions: dict[str, dict[str, Cellule]] = field(default_factory=dict)


def _diag(code: str, ou: str, **fields: Any) -> Diagnostic:
    return make(code, ou, **fields)


def _ouvrir(fs_path: Path, chemin: str) -> tuple[Any, list[Diagnostic]]:
    """The workbook, or None with an E400: bounded like the YAML reader (regular file, size, zip size)."""
    try:
        info = os.stat(fs_path)
    except (OSError, ValueError) as exc:
        from ctai_cli.yamlread import os_reason

        if isinstance(exc, FileNotFoundError) and os.path.islink(fs_path):
            return None, [
                _diag(
                    "CTAI-E400",
                    chemin,
                    raison="lien symbolique cassé : sa cible est introuvable",
                    hint="corrigez la cible du lien, ou donnez le formulaire lui-même",
                )
            ]
        return None, [_diag("CTAI-E400", chemin, raison=os_reason(exc))]
    if not stat.S_ISREG(info.st_mode):
        return None, [_diag("CTAI-E400", chemin, raison="ce n'est pas un fichier ordinaire")]
    if info.st_size > MAX_FORM_SIZE:
        return None, [
            _diag(
                "CTAI-E400", chemin, raison=f"{info.st_size} octets, au-delà de la limite de {MAX_FORM_SIZE}"
            )
        ]
    try:
        raw = fs_path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                return None, [_diag("CTAI-E400", chemin, raison="contenu décompressé trop volumineux")]
        from openpyxl import load_workbook

        with warnings.catch_warnings():
            # Spreadsheet programs add extensions openpyxl does not keep: not the user's concern.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(raw), data_only=False), []
    except Exception:  # any defect of a file we did not write: zip, XML, openpyxl
        return None, [
            _diag(
                "CTAI-E400",
                chemin,
                raison="ce n'est pas un classeur .xlsx lisible (enregistrez-le au format .xlsx)",
            )
        ]


def lire(
    fs_path: Path, chemin: str, identite: dict[str, str], annee: int | None
) -> tuple[FormulaireLu | None, list[Diagnostic]]:
    """Read one form; None when it must be left out whole (its diagnostics say why)."""
    workbook, diagnostics = _ouvrir(fs_path, chemin)
    if workbook is None:
        return None, diagnostics
    if FEUILLE_IDENTITE not in workbook.sheetnames:
        return None, [
            _diag(
                "CTAI-E400", chemin, raison="ce n'est pas un formulaire de bilan produit par ctai bilan form"
            )
        ]
    ident = workbook[FEUILLE_IDENTITE]
    if (ident.cell(1, 1).value, ident.cell(1, 2).value) != (FORMAT, VERSION):
        return None, [
            _diag(
                "CTAI-E400",
                chemin,
                raison="version de formulaire inconnue : produisez-le à nouveau (ctai bilan form)",
            )
        ]
    meta: dict[str, str] = {}
    row = 2
    while row < 50 and ident.cell(row, 1).value != "feuilles":
        key, value = ident.cell(row, 1).value, ident.cell(row, 2).value
        if isinstance(key, str):
            meta[key] = value if isinstance(value, str) else ""
        row += 1
    for key, expected in identite.items():
        if meta.get(key) != expected:
            return None, [
                _diag(
                    "CTAI-E401",
                    chemin,
                    detail=f"il est d'un autre contrat ({key} « {apercu(meta.get(key) or '')} », "
                    f"attendu « {apercu(expected)} »)",
                )
            ]
    form_year = meta.get("annee", "")
    if not re.fullmatch(r"[0-9]{4}", form_year):
        return None, [_diag("CTAI-E400", chemin, raison="année du formulaire illisible")]
    if annee is not None and int(form_year) != annee:
        return None, [_diag("CTAI-E401", chemin, detail=f"il porte sur l'année {form_year}, pas sur {annee}")]
    lu = FormulaireLu(chemin, int(form_year), meta.get("porteur", ""))

    listed: dict[str, tuple[str, list[str]]] = {}
    row += 1
    while row < 10_000:
        title, action_id = ident.cell(row, 1).value, ident.cell(row, 2).value
        if not isinstance(title, str) or not isinstance(action_id, str):
            break
        keys = []
        for col in range(3, min(ident.max_column, 2_000) + 1):
            key = ident.cell(row, col).value
            if not isinstance(key, str):
                break
            keys.append(key)
        listed[title] = (action_id, keys)
        row += 1
    for title in workbook.sheetnames:
        if title not in listed and title not in (FEUILLE_IDENTITE, FEUILLE_AIDE):
            diagnostics.append(
                _diag("CTAI-E402", f"{chemin}:{title}", detail=f"feuille « {title} » inattendue (renommée ?)")
            )
    if FEUILLE_AIDE in workbook.sheetnames:
        from ctai_cli.formulaires.generer import derniere_ligne_aide

        derniere = derniere_ligne_aide(len(listed))
        diagnostics.extend(
            _hors_saisie(
                workbook[FEUILLE_AIDE],
                f"{chemin}:{FEUILLE_AIDE}",
                lambda r, c: c == 1 and r <= derniere,
            )
        )
    for title, (action_id, keys) in listed.items():
        if title not in workbook.sheetnames:
            diagnostics.append(
                _diag(
                    "CTAI-E402",
                    chemin,
                    detail=f"la feuille « {title} » (action {action_id}) est absente : renommée ou supprimée",
                )
            )
            continue
        cells, problems = _lire_feuille(workbook[title], f"{chemin}:{title}", keys)
        diagnostics.extend(problems)
        lu.actions[action_id] = cells
    return lu, diagnostics


def _lire_feuille(sheet: Any, ou: str, keys: list[str]) -> tuple[dict[str, Cellule], list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    copies: dict[str, list[int]] = {}
    for row in range(1, min(sheet.max_row, MAX_LIGNES) + 1):
        key = sheet.cell(row, 1).value
        if isinstance(key, str) and key:
            copies.setdefault(key, []).append(row)
    rows = {key: found[0] for key, found in copies.items() if len(found) == 1}
    cells: dict[str, Cellule] = {}
    # A copied row: ctai cannot tell which copy holds the porteur's value: neither is read.
    for key, found in copies.items():
        if len(found) < 2:
            continue
        lignes = ", ".join(str(r) for r in found)
        for row in found:
            diagnostics.append(
                _diag(
                    "CTAI-E403",
                    f"{ou}!A{row}",
                    detail=f"la ligne « {key} » figure {len(found)} fois (lignes {lignes} ; ligne copiée ?) : "
                    "aucune copie n'est lue",
                )
            )
        cells[key] = Cellule(None, f"{ou}!C{found[0]}", refusee=True)
    lignes_cles = {r for found in copies.values() for r in found}
    diagnostics.extend(
        _hors_saisie(
            sheet, ou, lambda r, c: (r < PREMIERE_LIGNE and c in (2, 3)) or (r in lignes_cles and c <= 5)
        )
    )
    for key in keys:
        nature = nature_of_key(key)
        if nature is None or nature == TITRE or key in cells:
            continue
        if key not in rows:
            diagnostics.append(
                _diag("CTAI-E403", ou, detail=f"la ligne « {key} » a été supprimée : sa valeur n'est pas lue")
            )
            continue
        cell = sheet.cell(rows[key], 3)
        where = f"{ou}!{cell.coordinate}"
        value, detail = valeur_cellule(cell, nature)
        if detail is not None:
            diagnostics.append(_diag("CTAI-E404", where, detail=detail))
            value = None
        cells[key] = Cellule(value, where, refusee=detail is not None)
    return cells, diagnostics


def _rempli(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _hors_saisie(sheet: Any, ou: str, du_formulaire: Callable[[int, int], bool]) -> list[Diagnostic]:
    """CTAI-W407 for each non-empty cell the form did not write and does not read
    (``du_formulaire(row, column)`` false): on an action sheet the header (B1:C5) and A to E of
    the rows with a key are the form's; anything else (a row typed under the table, a column
    F…) would otherwise be dropped without a word."""
    out: list[Diagnostic] = []
    hors = []
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, MAX_LIGNES), max_col=MAX_COLONNES):
        for cell in row:
            if not _rempli(cell.value):
                continue
            if du_formulaire(cell.row, cell.column):
                continue
            hors.append(cell)
    for cell in hors[:MAX_HORS]:
        out.append(
            _diag(
                "CTAI-W407",
                f"{ou}!{cell.coordinate}",
                detail=f"« {apercu(str(cell.value), 40)} » est hors des cellules à remplir",
            )
        )
    if len(hors) > MAX_HORS:
        out.append(
            _diag(
                "CTAI-W407",
                ou,
                detail=f"et {len(hors) - MAX_HORS} autres cellules remplies hors des cellules à remplir",
            )
        )
    if sheet.max_row > MAX_LIGNES or sheet.max_column > MAX_COLONNES:
        # Past the bounds, cells are not looked at (bounded work): say so rather than keep silent.
        from openpyxl.utils import get_column_letter

        from ctai_cli.formatting import milliers

        out.append(
            _diag(
                "CTAI-W407",
                ou,
                detail=f"la feuille va au-delà de la ligne {milliers(MAX_LIGNES)} ou de la colonne "
                f"{get_column_letter(MAX_COLONNES)}, dont les cellules ne sont pas examinées : vérifiez "
                "qu'aucune valeur n'y a été saisie",
            )
        )
    return out


def _fr(value: int | float | Decimal) -> str:
    """A number as typed, with the French decimal comma (« 3999,995 »)."""
    return (repr(value) if isinstance(value, float) else str(value)).replace(".", ",")


def valeur_cellule(cell: Any, nature: str) -> tuple[Any, str | None]:
    """``(value, None)`` or ``(None, French reason)``; an empty cell is ``(None, None)``."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and cell.data_type != "s" and value.startswith("=")):
        return None, f"formule « {apercu(str(value), 40)} » : saisissez la valeur elle-même"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if nature == OUI_NON and isinstance(value, bool):  # TRUE/FALSE typed in a spreadsheet
        return value, None
    if not isinstance(value, str | int | float | Decimal) or isinstance(value, bool):
        if isinstance(value, datetime | date | time | timedelta):
            return None, "une date ou une durée n'est pas attendue ici"
        return None, "valeur illisible"
    if nature == EFFECTIF:
        if isinstance(value, str):
            return None, f"texte « {apercu(value, 40)} » dans une cellule de nombre : un entier est attendu"
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return None, f"{_fr(value)} n'est pas un nombre entier de personnes ou d'unités"
        number = int(value)
        if number < 0:
            return None, f"nombre négatif ({number})"
        if number > EFFECTIF_MAX:
            return None, f"nombre trop grand ({number})"
        return number, None
    if nature == MONTANT:
        if isinstance(value, str):
            return None, f"texte « {apercu(value, 40)} » dans une cellule de montant : un nombre est attendu"
        if isinstance(value, float) and not math.isfinite(value):
            return None, "montant illisible"
        try:
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None, "montant illisible"
        if amount < 0:
            return None, f"montant négatif ({_fr(value)} €)"
        if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
            return None, f"montant à plus de deux décimales ({_fr(value)} €) : arrondissez au centime"
        if amount > MONTANT_MAX:
            return None, "montant trop grand"
        return amount.quantize(Decimal("0.01")) if amount != amount.to_integral_value() else amount, None
    text = value if isinstance(value, str) else str(value)
    if nature == DISPOSITION:
        # The label shown by the form (« conservé »), or the model's key written by hand (conserve).
        choix = {**{k: k for k in DISPOSITIONS.values()}, **DISPOSITIONS}
        if text.strip() not in choix:
            return None, f"« {apercu(text, 40)} » : choisissez {', '.join(DISPOSITIONS)}"
        return choix[text.strip()], None
    if nature == OUI_NON:
        reponse = {"oui": True, "non": False}.get(text.strip().lower())
        if reponse is None:
            return None, f"« {apercu(text, 40)} » : répondez oui ou non"
        return reponse, None
    if nature == IDENTIFIANT:
        if not _IDENTIFIANT.match(text.strip()) or len(text.strip()) > 64:
            return (
                None,
                f"« {apercu(text, 40)} » n'est pas un identifiant d'action (minuscules, chiffres, tirets)",
            )
        return text.strip(), None
    assert nature == TEXTE
    return text, None

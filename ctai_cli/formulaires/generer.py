"""``ctai bilan form``: one xlsx per porteur with its actions of a year, prefilled from the bilan.

Each action has its sheet: read-only cells from the annexe (objectives and targets,
planned amounts) and input cells (unlocked, coloured, each with a data validation). A
hidden column A carries each row's key and a hidden sheet « ctai » the form's identity
(contract, year, porteur, the sheet of each action), so that a filled form maps back to
bilans/<N>.yaml without guessing. Sheets and the workbook's structure are protected
(without password: the protection guides, the import checks). Amounts are numbers in the
French format of the budget spreadsheet; text from the files is never written as a
formula (``Classeur.texte``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ctai_cli.budget_xlsx import Classeur
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
    Ligne,
    lignes_action,
)
from ctai_cli.models.common import EFFECTIF_MAX, MONTANT_MAX, precise
from ctai_cli.repository import Depot

FEUILLE_IDENTITE = "ctai"
FEUILLE_AIDE = "Mode d'emploi"
TEXTE_MAX = 30000


@dataclass(frozen=True)
class Formulaire:
    porteur: str
    nom_fichier: str  # bilan-2024-ch-dax.xlsx
    contenu: bytes
    actions: tuple[str, ...]


def identite(depot: Depot) -> dict[str, str]:
    """What ties a form to its contract (compared when the form comes back)."""
    contrat = depot.contrat_model
    return {
        "intitule": contrat.intitule,
        "territoire": contrat.territoire,
        "periode": f"{contrat.periode.debut}-{contrat.periode.fin}",
    }


def sans_porteur(depot: Depot, annee: int) -> list[str]:
    """The actions of ``annee`` whose porteur is « non précisé »: no form can ask for them."""
    annexe = depot.annexe(annee)
    return [a.id for a in (annexe.actions if annexe else []) if precise(a.porteur) is None]


def nom_feuille(action_id: str) -> str:
    return action_id[:31]  # the longest sheet name a spreadsheet accepts


def porteurs_de(depot: Depot, annee: int) -> list[str]:
    """The porteurs with at least one action in the annexe of ``annee``, in annexe order
    (an action whose porteur is « non précisé » has nobody to send a form to)."""
    annexe = depot.annexe(annee)
    seen: list[str] = []
    for action in annexe.actions if annexe else []:
        if precise(action.porteur) is not None and action.porteur not in seen:
            seen.append(action.porteur)
    return seen


def generer(depot: Depot, annee: int, porteur: str) -> Formulaire:
    """The form of ``porteur`` for ``annee`` (the annexe exists and names this porteur)."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.workbook.protection import WorkbookProtection

    annexe = depot.annexe(annee)
    assert annexe is not None
    bilan_fichier = depot.bilans.get(annee)
    bilan = bilan_fichier.model if bilan_fichier is not None else None
    entries = {e.action: e for e in bilan.actions} if bilan is not None else {}
    porteurs = {p.id: p for p in depot.porteurs_model.porteurs} if depot.porteurs_model else {}
    nom = porteurs[porteur].nom if porteur in porteurs else porteur
    actions = [a for a in annexe.actions if a.porteur == porteur]
    contrat = depot.contrat_model

    classeur = Classeur()
    aide = classeur.sheet(FEUILLE_AIDE)
    _instructions(classeur, aide, contrat.intitule, nom, annee, [a.titre for a in actions])

    saisie = PatternFill("solid", fgColor="FFF2CC")
    feuilles: list[tuple[str, str, list[str]]] = []
    for action in actions:
        sheet = classeur.sheet(nom_feuille(action.id))
        classeur.texte(sheet, 1, 2, action.titre, bold=True)
        for row, (label, value) in enumerate(
            (
                ("Identifiant de l'action", action.id),
                ("Axe", str(action.axe)),
                ("Porteur", nom),
                ("Année du bilan", str(annee)),
            ),
            start=2,
        ):
            classeur.texte(sheet, row, 2, label)
            classeur.texte(sheet, row, 3, value)
        lignes = lignes_action(action, entries.get(action.id), list(contrat.publics))
        for row, ligne in enumerate(lignes, start=PREMIERE_LIGNE):
            classeur.texte(sheet, row, 1, ligne.cle)
            classeur.texte(sheet, row, 2, ligne.libelle, bold=ligne.nature == TITRE)
            if ligne.nature == TITRE:
                for col, head in ((3, ligne.valeur), (4, ligne.repere), (5, ligne.unite)):
                    if head:
                        classeur.texte(sheet, row, col, head, bold=True)
                continue
            cell = sheet.cell(row=row, column=3)
            cell.protection = Protection(locked=False)
            cell.fill = saisie
            _valeur(classeur, sheet, row, ligne)
            _validation(sheet, cell.coordinate, ligne)
            if ligne.repere is not None:
                if isinstance(ligne.repere, Decimal):
                    classeur.montant(sheet, row, 4, ligne.repere)
                elif isinstance(ligne.repere, str):
                    classeur.texte(sheet, row, 4, ligne.repere)
                else:
                    sheet.cell(row=row, column=4, value=ligne.repere)
            if ligne.unite:
                classeur.texte(sheet, row, 5, ligne.unite)
            if ligne.nature == TEXTE:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if ligne.cle == "qualitatif":
                    sheet.row_dimensions[row].height = 120
        sheet.column_dimensions["A"].hidden = True
        sheet.column_dimensions["B"].width = 62
        sheet.column_dimensions["C"].width = 40
        sheet.column_dimensions["D"].width = 16
        sheet.column_dimensions["E"].width = 14
        sheet["B1"].font = Font(bold=True, size=13)
        sheet.protection.sheet = True
        feuilles.append((sheet.title, action.id, [ligne.cle for ligne in lignes]))

    ident = classeur.sheet(FEUILLE_IDENTITE)
    rows: list[tuple[str, str]] = [
        (FORMAT, VERSION),
        *identite(depot).items(),
        ("annee", str(annee)),
        ("porteur", porteur),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        classeur.texte(ident, row, 1, key)
        classeur.texte(ident, row, 2, value)
    start = len(rows) + 2
    classeur.texte(ident, start - 1, 1, "feuilles")
    for row, (title, action_id, keys) in enumerate(feuilles, start=start):
        classeur.texte(ident, row, 1, title)
        classeur.texte(ident, row, 2, action_id)
        for col, key in enumerate(keys, start=3):  # one key a cell: a funder may hold any character
            classeur.texte(ident, row, col, key)
    ident.sheet_state = "hidden"
    ident.protection.sheet = True
    classeur.workbook.security = WorkbookProtection(lockStructure=True)
    classeur.workbook.active = 0
    out = io.BytesIO()
    classeur.save(out)
    return Formulaire(porteur, f"bilan-{annee}-{porteur}.xlsx", out.getvalue(), tuple(a.id for a in actions))


def _valeur(classeur: Classeur, sheet: Any, row: int, ligne: Ligne) -> None:
    if ligne.nature == MONTANT:
        classeur.montant(sheet, row, 3, ligne.valeur)
    elif ligne.nature == EFFECTIF:
        cell = sheet.cell(row=row, column=3)
        if ligne.valeur is not None:
            cell.value = int(ligne.valeur)
        cell.number_format = "#,##0"
    else:
        classeur.texte(sheet, row, 3, ligne.valeur)


def _validation(sheet: Any, ref: str, ligne: Ligne) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    common = {"allow_blank": True, "showErrorMessage": True, "errorTitle": "Valeur refusée"}
    if ligne.nature == EFFECTIF:
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2=str(EFFECTIF_MAX),
            error="Saisissez un nombre entier positif ou nul.",
            **common,
        )
    elif ligne.nature == MONTANT:
        dv = DataValidation(
            type="custom",
            formula1=f"AND(ISNUMBER({ref}),{ref}>=0,{ref}<={MONTANT_MAX},ROUND({ref},2)={ref})",
            error="Saisissez un montant en euros, positif ou nul, avec au plus deux décimales.",
            **common,
        )
    elif ligne.nature == DISPOSITION:
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(DISPOSITIONS) + '"',
            error="Choisissez dans la liste : " + ", ".join(DISPOSITIONS) + ".",
            **common,
        )
    elif ligne.nature == OUI_NON:
        dv = DataValidation(type="list", formula1='"oui,non"', error="Répondez oui ou non.", **common)
    elif ligne.nature == IDENTIFIANT:
        dv = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1="64",
            error="Identifiant d'action : minuscules, chiffres et tirets (64 caractères au plus).",
            **common,
        )
    else:
        dv = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(TEXTE_MAX),
            error=f"Texte de {TEXTE_MAX} caractères au plus.",
            **common,
        )
    dv.add(ref)
    sheet.add_data_validation(dv)


INSTRUCTIONS = (
    "Comment remplir ce formulaire",
    "",
    "1. Chaque action dont vous êtes porteur a sa feuille (onglets en bas de l'écran).",
    "2. Remplissez seulement les cellules jaunes de la colonne C. Les autres (objectifs, cibles, "
    "montants prévus) viennent de la fiche-action et ne se modifient pas ici.",
    "3. Une cellule laissée vide signifie « non renseigné » : ne mettez pas 0 si vous ne savez pas.",
    "4. Nombres de personnes : des entiers. Montants : en euros, avec au plus deux décimales.",
    "5. Bénéficiaires : le total, puis la répartition par public (EPA : étrangers primo-arrivants ; "
    "BPI : bénéficiaires de la protection internationale ; BPT : bénéficiaires de la protection "
    "temporaire). Le total compte les personnes du public du contrat ; si vous ne pouvez donner que "
    "toute la file active de votre structure (demandeurs d'asile, personnes ayant un statut depuis plus "
    "de 5 ans…), mettez-la en total, répondez « oui » à la ligne « file active » et donnez la "
    "répartition par public : seules les personnes de ces lignes comptent alors pour le contrat. "
    "Chaque public ne se compte que sur une ligne. La ligne « sans ventilation » sert "
    "quand vous ne pouvez répartir aucune de ces personnes par public : remplissez-la seule, sans les "
    "lignes « dont EPA », « dont BPI »… de ces publics. Si vous connaissez une partie de la répartition "
    "(par exemple 4 EPA sur 10), remplissez seulement ces lignes-là et laissez « sans ventilation » "
    "vide : le reste du total est compté comme non réparti.",
    "6. Reliquat : la part des crédits de l'État non dépensée, et la destination que vous proposez "
    "(report sur une action de l'année suivante, reversement, conservé, en attente).",
    "7. Ne renommez pas les feuilles, n'insérez ni ne supprimez de lignes : le fichier est relu "
    "automatiquement par la coordination du contrat.",
    "8. Enregistrez au format .xlsx et renvoyez le fichier à la coordination.",
)


def derniere_ligne_aide(actions: int) -> int:
    """The last row :func:`_instructions` writes in column A of the mode d'emploi."""
    return 4 + len(INSTRUCTIONS) + 1 + actions


def _instructions(
    classeur: Classeur, sheet: Any, intitule: str, porteur: str, annee: int, titres: list[str]
) -> None:
    from openpyxl.styles import Alignment

    classeur.texte(sheet, 1, 1, f"Bilan {annee} : {intitule}", bold=True)
    classeur.texte(sheet, 2, 1, f"Porteur : {porteur}")
    row = 4
    for line in INSTRUCTIONS:
        classeur.texte(sheet, row, 1, line, bold=row == 4)
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    classeur.texte(sheet, row, 1, "Actions de ce formulaire :", bold=True)
    for titre in titres:
        row += 1
        classeur.texte(sheet, row, 1, f"– {titre}")
    sheet.column_dimensions["A"].width = 110
    sheet.protection.sheet = True


__all__ = ["Formulaire", "generer", "identite", "nom_feuille", "porteurs_de"]

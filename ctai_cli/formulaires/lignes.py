"""The rows of a bilan form for one action: the one description shared by writing and reading.

Every row carries a key (hidden column A of the sheet): reading maps cells back by key,
never by position, so a deleted or moved row is seen, not misread.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ctai_cli.budget import somme
from ctai_cli.models import Action, BilanAction
from ctai_cli.models.common import NON_PRECISE, precise

FORMAT = "ctai-formulaire-bilan"
PREMIERE_LIGNE = 7  # the first row of the form's table on an action sheet (rows above: its header)
VERSION = "1"
# The destinations of a reliquat (models.bilan.Reliquat), as the form shows them and the model's key.
DISPOSITIONS = {
    "report": "report",
    "reversement": "reversement",
    "conservé": "conserve",
    "en attente": "en_attente",
}

# Kinds of input cells.
EFFECTIF = "effectif"  # whole number >= 0
MONTANT = "montant"  # euros, >= 0, at most two decimals
DISPOSITION = "disposition"  # one of DISPOSITIONS (its label, or the model's key)
IDENTIFIANT = "identifiant"  # an action id
OUI_NON = "oui_non"  # « oui » or « non » (a boolean of the model)
TEXTE = "texte"
TITRE = "titre"  # a section header: no input
_ORDRE = {"EPA": 0, "BPI": 1, "BPT": 2}
# Column « Prévu (€) » when the annexe gives no amount: why, never a blank cell.
SANS_BUDGET = "pas de budget dans l'annexe"
NON_PREVU = "non prévu dans l'annexe"  # a funder the action's budget does not list


@dataclass(frozen=True)
class Ligne:
    cle: str
    libelle: str
    nature: str
    valeur: Any = None  # prefilled from the bilan
    repere: Any = None  # read-only column D: target, planned amount…
    unite: str | None = None  # read-only column E


def _publics_key(publics: list[str] | tuple[str, ...]) -> str:
    return "publics:" + "+".join(publics)


def publics_of_key(cle: str) -> list[str]:
    return cle.removeprefix("publics:").split("+")


def _groups(entry: BilanAction | None) -> dict[frozenset[str], int]:
    if entry is None or entry.beneficiaires is None:
        return {}
    return {frozenset(g.publics): g.nombre for g in entry.beneficiaires.par_public}


def lignes_action(action: Action, entry: BilanAction | None, contrat_publics: list[str]) -> list[Ligne]:
    """The rows of the sheet of ``action``, prefilled from ``entry`` (its bilan, if any)."""
    out: list[Ligne] = []
    # Objectives of the fiche-action: what was achieved against each target.
    if action.objectifs:
        out.append(
            Ligne("titre:objectifs", "Objectifs de la fiche-action", TITRE, "Réalisé", "Cible", "Unité")
        )
        for objectif in action.objectifs:
            done = None
            if entry is not None:
                done = next((i.valeur for i in entry.indicateurs if i.objectif == objectif.id), None)
            out.append(
                Ligne(
                    f"objectif:{objectif.id}",
                    objectif.libelle,
                    EFFECTIF,
                    done,
                    objectif.cible,
                    objectif.unite,
                )
            )
    # Beneficiaries: total, by public (one row each, and the counts not split), by sex.
    out.append(Ligne("titre:beneficiaires", "Bénéficiaires", TITRE, "Nombre"))
    benef = entry.beneficiaires if entry is not None else None
    out.append(
        Ligne(
            "beneficiaires:total",
            "Total des bénéficiaires du public du contrat (ou toute la file active : ligne suivante)",
            EFFECTIF,
            benef.total if benef else None,
        )
    )
    # models.bilan.Beneficiaires.file_active: the total is the structure's whole file active.
    out.append(
        Ligne(
            "beneficiaires:file_active",
            "Ce total est-il toute la file active de la structure, au-delà du public du contrat ? (oui, non)",
            OUI_NON,
            ("oui" if benef.file_active else "non") if benef else None,
        )
    )
    groups = _groups(entry)
    publics = [p for p in contrat_publics if p in action.publics] or list(action.publics)
    for public in publics:
        out.append(Ligne(_publics_key([public]), f"dont {public}", EFFECTIF, groups.get(frozenset([public]))))
    multi = [g for g in groups if len(g) > 1]
    if not multi and len(publics) > 1:
        multi = [frozenset(publics)]
    for group in sorted(multi, key=lambda g: sorted(_ORDRE[p] for p in g)):
        ordered = sorted(group, key=_ORDRE.__getitem__)
        out.append(
            Ligne(
                _publics_key(ordered),
                f"dont {', '.join(ordered)} sans ventilation",
                EFFECTIF,
                groups.get(group),
            )
        )
    sexe = benef.par_sexe if benef else None
    out.append(Ligne("sexe:femmes", "dont femmes (facultatif)", EFFECTIF, sexe.femmes if sexe else None))
    out.append(Ligne("sexe:hommes", "dont hommes (facultatif)", EFFECTIF, sexe.hommes if sexe else None))
    # Money: State credits, then each co-funder of the fiche-action (and any already reported).
    out.append(Ligne("titre:credits", "Crédits", TITRE, "Réalisé (€)", "Prévu (€)"))
    budget = action.budget
    # Allocated plus reports: unknown (« non précisé ») stays unknown, never counted as zero; an
    # annexe without budget for the action says so (a blank cell would read as either).
    disponible: Decimal | str = SANS_BUDGET
    if budget is not None:
        disponible = somme([precise(budget.etat_bop104), *(r.montant for r in budget.report_entrant)])
        if disponible is None:
            disponible = NON_PRECISE
    out.append(
        Ligne(
            "depenses_realisees",
            "Dépenses réalisées sur les crédits de l'État (BOP 104), reports entrants compris",
            MONTANT,
            entry.depenses_realisees if entry is not None else None,
            disponible,
        )
    )
    realises = {c.financeur: c.montant for c in (entry.cofinancements or [])} if entry is not None else {}
    prevus = {c.financeur: c.montant for c in budget.cofinancements} if budget is not None else {}
    for financeur in [*prevus, *(f for f in realises if f not in prevus)]:
        out.append(
            Ligne(
                f"cofinancement:{financeur}",
                f"Cofinancement reçu : {financeur}",
                MONTANT,
                realises.get(financeur),
                SANS_BUDGET if budget is None else prevus.get(financeur, NON_PREVU),
            )
        )
    reliquat = entry.reliquat if entry is not None else None
    out.append(Ligne("titre:reliquat", "Reliquat des crédits de l'État", TITRE, "Valeur"))
    out.append(
        Ligne("reliquat:montant", "Montant non dépensé", MONTANT, reliquat.montant if reliquat else None)
    )
    out.append(
        Ligne(
            "reliquat:disposition",
            f"Destination proposée ({', '.join(DISPOSITIONS)})",
            DISPOSITION,
            libelle_disposition(reliquat.disposition) if reliquat else None,
        )
    )
    out.append(
        Ligne(
            "reliquat:vers_action",
            "Pour un report : action de l'année suivante (identifiant)",
            IDENTIFIANT,
            reliquat.vers_action if reliquat else None,
        )
    )
    out.append(Ligne("reliquat:note", "Explication du reliquat", TEXTE, reliquat.note if reliquat else None))
    out.append(Ligne("titre:qualitatif", "Bilan qualitatif", TITRE, "Texte"))
    out.append(
        Ligne(
            "qualitatif",
            "Déroulement, difficultés, perspectives",
            TEXTE,
            entry.qualitatif if entry is not None else None,
        )
    )
    return out


def libelle_disposition(cle: str) -> str:
    """The form's label of a reliquat's destination (« conservé » for ``conserve``)."""
    return next(label for label, key in DISPOSITIONS.items() if key == cle)


def nature_of_key(cle: str) -> str | None:
    """The kind of a key written by :func:`lignes_action`, or None for an unknown key."""
    if cle.startswith("titre:"):
        return TITRE
    if cle.startswith(("objectif:", "publics:", "sexe:")) or cle == "beneficiaires:total":
        return EFFECTIF
    if cle.startswith("cofinancement:") or cle in ("depenses_realisees", "reliquat:montant"):
        return MONTANT
    return {
        "reliquat:disposition": DISPOSITION,
        "beneficiaires:file_active": OUI_NON,
        "reliquat:vers_action": IDENTIFIANT,
        "reliquat:note": TEXTE,
        "qualitatif": TEXTE,
    }.get(cle)

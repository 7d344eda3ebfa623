"""The aggregate as flat tables: the CSV output, the xlsx sheets and the open-data package.

Five tables, one row per fact, no total rows: ``contrats`` (one row per valid contract),
``actions`` (one per action and year), ``budget`` (BOP 104 and co-financements per action
and year, plus one row per year of the period without annexe), ``bilans`` (one per year
of the period) and ``beneficiaires`` (per action: the total, and one row per group of
publics). An empty cell is an unknown value, never 0: adding a column with the rule
« one empty cell makes the total unknown » gives back the totals printed by the other
formats. Each field carries its Table Schema type and a French description
(:data:`SCHEMAS`), used by the data package.

Nothing personal is in any table: the contract files hold no person's data (porteurs are
organisations; beneficiaries are counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ctai_cli.aggregate import PUBLICS, Agregat, Territoire, count_text
from ctai_cli.budget import COLONNES, ZERO, liens_internes, money_text


@dataclass(frozen=True)
class Champ:
    name: str
    type: str  # Table Schema type: string, integer, number, date, boolean
    description: str


_SOURCE = Champ("source", "string", "Dossier du contrat (ou dépôt git et révision) tel que donné à ctai")
_DEPT = Champ("departement", "string", "Code du département")
_ANNEE = Champ("annee", "integer", "Année")
_ACTION = Champ("action", "string", "Identifiant de la fiche-action")
_MONTANTS = [
    Champ(c, "number", f"BOP 104, {label} (euros ; vide : inconnu)")
    for c, label in (
        ("alloue", "alloué"),
        ("report_entrant", "reports entrants"),
        ("disponible", "disponible (alloué + reports entrants)"),
        ("verse", "versé"),
        ("depense", "dépensé"),
        ("reliquat", "reliquat (disponible − dépensé)"),
    )
]

SCHEMAS: dict[str, list[Champ]] = {
    "contrats": [
        _SOURCE,
        Champ("territoire", "string", "Territoire du contrat"),
        _DEPT,
        Champ("intitule", "string", "Intitulé du contrat"),
        Champ("collectivites", "string", "Collectivités signataires, séparées par « ; »"),
        Champ("debut", "integer", "Première année du contrat"),
        Champ("fin", "integer", "Dernière année du contrat"),
        Champ("statut", "string", "projet, signe, resilie ou termine"),
        Champ("publics", "string", "Publics visés (EPA, BPI, BPT), séparés par « ; »"),
        Champ("axes", "integer", "Nombre d'axes du contrat"),
        Champ(
            "actions",
            "integer",
            "Nombre de fiches-actions (années retenues ; vide : une annexe de la période manque)",
        ),
        Champ("enveloppes", "number", "Enveloppes BOP 104 de l'État (euros ; vide : inconnu)"),
        *_MONTANTS,
        Champ(
            "cofinancements_prevus", "number", "Cofinancements prévus, hors BOP 104 (euros ; vide : inconnu)"
        ),
        Champ(
            "cofinancements_realises",
            "number",
            "Cofinancements réalisés, hors BOP 104 (euros ; vide : inconnu)",
        ),
        Champ(
            "beneficiaires",
            "integer",
            "Bénéficiaires du public du contrat, somme par action (vide : inconnu ; hors files actives)",
        ),
        Champ("bilans_remis", "integer", "Bilans remis à l'échéance"),
        Champ("bilans_en_retard", "integer", "Bilans remis après l'échéance"),
        Champ("bilans_date_inconnue", "integer", "Bilans remis sans date de remise"),
        Champ("bilans_manquants", "integer", "Bilans absents, échéance passée"),
        Champ("bilans_a_venir", "integer", "Bilans pas encore dus"),
        Champ("bilans_remis_sans_echeance", "integer", "Bilans remis ; le contrat ne précise pas l'échéance"),
        Champ(
            "bilans_absents_sans_echeance",
            "integer",
            "Bilans absents d'années écoulées ; le contrat ne précise pas l'échéance (dus ou non : inconnu)",
        ),
        Champ(
            "beneficiaires_hors_public",
            "integer",
            "Ce que les files actives des structures comptent au-delà du public du contrat (vide : aucune "
            "file active, ou inconnu)",
        ),
        Champ(
            "beneficiaires_non_ventiles",
            "integer",
            "Bénéficiaires du total dont le bilan ne donne pas le public (vide : inconnu) ; non nul, les "
            "nombres par public sont des minimums",
        ),
        Champ(
            "reports_internes",
            "number",
            "Reliquats reportés d'une année à l'autre du contrat : comptés une fois, ni dans report_entrant "
            "ni dans reliquat (euros)",
        ),
        Champ(
            "illustratif",
            "string",
            "Fichiers du contrat aux montants inventés (aucune source), séparés par « ; » (vide : aucun)",
        ),
    ],
    "actions": [
        _SOURCE,
        _DEPT,
        _ANNEE,
        _ACTION,
        Champ("axe", "integer", "Numéro de l'axe dans le contrat"),
        Champ("axe_titre", "string", "Titre de l'axe dans le contrat"),
        Champ("porteur", "string", "Identifiant du porteur (vide : non précisé)"),
        Champ("titre", "string", "Titre de l'action"),
    ],
    "budget": [
        _SOURCE,
        _DEPT,
        _ANNEE,
        Champ(
            "action", "string", "Identifiant de la fiche-action (vide : année sans annexe, montants inconnus)"
        ),
        Champ("axe", "integer", "Numéro de l'axe"),
        *_MONTANTS,
        Champ("disposition", "string", "Devenir du reliquat : report, reversement, conserve, en_attente"),
        Champ("vers", "string", "Action qui reçoit le report (année/action)"),
        Champ(
            "report_entrant_interne",
            "number",
            "Part du report entrant venue d'une autre année du même contrat (euros ; vide : inconnu)",
        ),
        Champ(
            "reliquat_interne",
            "number",
            "Part du reliquat reportée vers une autre année du même contrat (euros ; vide : inconnu)",
        ),
        Champ("illustratif", "boolean", "Montants de la ligne tirés d'un fichier illustratif (inventés)"),
        Champ(
            "cofinancements_prevus", "number", "Cofinancements prévus, hors BOP 104 (euros ; vide : inconnu)"
        ),
        Champ(
            "cofinancements_realises",
            "number",
            "Cofinancements réalisés, hors BOP 104 (euros ; vide : inconnu)",
        ),
    ],
    "bilans": [
        _SOURCE,
        _DEPT,
        _ANNEE,
        Champ("echeance", "date", "Échéance du bilan (vide : non précisée par le contrat, ou impossible)"),
        Champ("remis", "boolean", "Le fichier du bilan existe"),
        Champ("date_remise", "date", "Date de remise (vide : non renseignée ou pas de bilan)"),
        Champ(
            "etat",
            "string",
            "remis, remis_en_retard, remis_date_inconnue, manquant, a_venir, echeance_inconnue (impossible), "
            "echeance_non_precisee (pas de bilan ; le contrat ne fixe pas l'échéance), "
            "remis_echeance_non_precisee",
        ),
        Champ("copils_tenus", "integer", "Comités de pilotage tenus (vide : inconnu)"),
        Champ(
            "copils_minimum", "integer", "Comités de pilotage prévus par an au minimum (vide : non précisé)"
        ),
    ],
    "beneficiaires": [
        _SOURCE,
        _DEPT,
        _ANNEE,
        _ACTION,
        Champ(
            "groupe",
            "string",
            "« total » (le public du contrat), ou le public (EPA, BPI, BPT ; « EPA+BPI » : comptés "
            "ensemble), ou « non_ventile » (les personnes du total dont le bilan ne donne pas le public : "
            "tant qu'elle n'est pas nulle, les nombres par public de l'action sont des minimums), ou "
            "« hors_public » (ce que la file active d'une structure compte au-delà du public du contrat, "
            "jamais dans « total »)",
        ),
        Champ("nombre", "integer", "Bénéficiaires (vide : inconnu)"),
    ],
}


def _csv_texte(value: str | None) -> str | None:
    """A text cell a spreadsheet would read as a formula gets a leading quote (OWASP)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _contrat(t: Territoire) -> dict[str, Any]:
    totaux = t.totaux
    cof = t.cofinancements
    etats = [b.etat for b in t.bilans]
    return {
        "source": t.source,
        "territoire": t.territoire,
        "departement": t.departement,
        "intitule": t.intitule,
        "collectivites": "; ".join(t.collectivites),
        "debut": t.debut,
        "fin": t.fin,
        "statut": t.statut,
        "publics": "; ".join(t.publics),
        "axes": len(t.axes),
        "actions": None if t.annexes_absentes or t.annexes_partielles else sum(t.actions_par_axe.values()),
        "enveloppes": money_text(t.enveloppes.valeur),
        **{c: money_text(getattr(totaux, c)) for c in COLONNES},
        "cofinancements_prevus": money_text(cof.prevu.valeur),
        "cofinancements_realises": money_text(cof.realise.valeur),
        "beneficiaires": count_text(t.beneficiaires.total.valeur),
        "bilans_remis": etats.count("remis"),
        "bilans_en_retard": etats.count("remis_en_retard"),
        "bilans_date_inconnue": etats.count("remis_date_inconnue"),
        "bilans_manquants": etats.count("manquant"),
        "bilans_a_venir": etats.count("a_venir"),
        "bilans_remis_sans_echeance": etats.count("remis_echeance_non_precisee"),
        "bilans_absents_sans_echeance": etats.count("echeance_non_precisee"),
        "beneficiaires_hors_public": count_text(t.beneficiaires.hors_public.valeur)
        if t.beneficiaires.hors_public.termes
        else None,
        "beneficiaires_non_ventiles": count_text(t.beneficiaires.non_ventile.valeur),
        "reports_internes": money_text(totaux.reports_internes),
        "illustratif": " ; ".join(t.illustratif) or None,
    }


def _lignes(t: Territoire) -> list:
    return [(a, ligne) for a in t.rapprochement.annees if a.cadre == "contrat" for ligne in a.lignes]


def _budget(t: Territoire) -> list[dict[str, Any]]:
    rows = []
    internes = liens_internes([ligne for _, ligne in _lignes(t)])
    for annee in t.rapprochement.annees:
        if annee.cadre != "contrat":
            continue
        if not annee.annexe:
            rows.append({"source": t.source, "departement": t.departement, "annee": annee.annee})
            continue
        for ligne in annee.lignes:
            cof = ligne.cofinancements_total
            rows.append(
                {
                    "source": t.source,
                    "departement": t.departement,
                    "annee": ligne.annee,
                    "action": ligne.action,
                    "axe": ligne.axe,
                    **{c: money_text(getattr(ligne, c)) for c in COLONNES},
                    "disposition": ligne.disposition,
                    "vers": ligne.vers,
                    "report_entrant_interne": None
                    if ligne.reports is None
                    else money_text(
                        sum((r.montant for r in ligne.reports if (r.depuis, ligne.cle) in internes), ZERO)
                    ),
                    "reliquat_interne": (money_text(ligne.reliquat) if ligne.reliquat is not None else None)
                    if (ligne.cle, ligne.vers) in internes
                    else "0.00",
                    "illustratif": "true" if ligne.illustratif else "false",
                    "cofinancements_prevus": money_text(cof.prevu.valeur),
                    "cofinancements_realises": money_text(cof.realise.valeur),
                }
            )
    return rows


def tables(agregat: Agregat, *, pour_csv: bool = True) -> dict[str, list[dict[str, Any]]]:
    """name → rows (dicts keyed by the fields of :data:`SCHEMAS`; None for an unknown value).

    ``pour_csv``: a text a spreadsheet would read as a formula gets a leading quote.
    """
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for t in agregat.territoires:
        out["contrats"].append(_contrat(t))
        for _, ligne in _lignes(t):
            out["actions"].append(
                {
                    "source": t.source,
                    "departement": t.departement,
                    "annee": ligne.annee,
                    "action": ligne.action,
                    "axe": ligne.axe,
                    "axe_titre": t.axe_titre(ligne.axe),
                    "porteur": ligne.porteur if isinstance(ligne.porteur, str) else None,
                    "titre": ligne.titre,
                }
            )
        out["budget"].extend(_budget(t))
        for b, c in zip(t.bilans, t.copils, strict=True):
            out["bilans"].append(
                {
                    "source": t.source,
                    "departement": t.departement,
                    "annee": b.annee,
                    "echeance": b.echeance.isoformat() if b.echeance else None,
                    "remis": "true" if b.remis else "false",
                    "date_remise": b.date_remise.isoformat() if b.date_remise else None,
                    "etat": b.etat,
                    "copils_tenus": c.tenus,
                    "copils_minimum": c.minimum,
                }
            )
        for row in t.beneficiaires_lignes:
            out["beneficiaires"].append({"source": t.source, "departement": t.departement, **row})
    if pour_csv:
        for rows in out.values():
            for row in rows:
                for key, value in row.items():
                    if isinstance(value, str):
                        row[key] = _csv_texte(value)
    return out


__all__ = ["PUBLICS", "SCHEMAS", "Champ", "tables"]

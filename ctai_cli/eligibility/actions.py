"""The actions of a contract that a person may join, on a date (ctai eligibility check --contrat)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ctai_cli.eligibility.regles import FaitManquant

QUESTION_SUIVI_AGIR = (
    "La personne est-elle suivie par l'opérateur AGIR ? Certaines actions ne sont pas ouvertes au "
    "public qu'il accompagne (article 5)."
)


def actions_ouvertes(depot: Any, verdict: Any, personne: Any, jour: date) -> tuple[list[dict], list[str]]:
    """The actions of the year of ``jour``: open to the person (True), closed (False) or to be
    settled (None: a fact is missing), and why (article 5 for AGIR). Never open on a guess: an
    undetermined eligibility, an AGIR follow-up that is not known while the action excludes it,
    or a fiche-action that does not say whether the AGIR public may join, is a question. A
    missing ``suivi_agir`` that decides an action is added to ``verdict.faits_manquants``."""
    notes: list[str] = []
    annexe = depot.annexe(jour.year)
    periode = depot.contrat_model.periode if depot.contrat_model is not None else None
    hors_periode = (
        f"{jour.year} hors de la période du contrat {periode.debut}-{periode.fin}"
        if periode is not None and not periode.debut <= jour.year <= periode.fin
        else None
    )
    if annexe is None:
        if hors_periode is not None:
            notes.append(f"{hors_periode} : actions non listées")
        else:
            notes.append(
                f"aucune annexe valide pour {jour.year} (actions/{jour.year}.yaml) : actions non listées"
            )
        return [], notes
    if annexe.cadre == "contrat_precedent":
        notes.append(
            f"{hors_periode or str(jour.year)} : actions du contrat précédent (actions/{jour.year}.yaml, "
            "cadre : contrat_precedent), listées pour mémoire"
        )
    elif hors_periode is not None:
        notes.append(hors_periode)
    public = verdict.public if verdict.eligible else None
    suivi = personne.suivi_agir
    if suivi is None and public is not None and public != "BPI":
        # AGIR accompanies beneficiaries of international protection only (programme AGIR, article 5
        # of the contracts): an EPA or a BPT is not followed by it, a fact implied, not a question.
        suivi = False
    contrat = depot.contrat_model
    agir_deploye = contrat is not None and contrat.agir is not None
    question_agir = False
    rows = []
    for action in annexe.actions:
        agir = action.agir
        exclut_agir = agir is not None and (agir.similaire_agir or agir.ouverte_public_agir is False)
        # The fiche says nothing about AGIR, or says its opening is « non précisé »: neither is an answer.
        agir_muet = agir is None or (not agir.similaire_agir and agir.ouverte_public_agir is not True)
        if verdict.eligible is None:
            ouverte, raison = None, "à préciser : éligibilité indéterminée (voir les faits manquants)"
        elif public is None:
            ouverte, raison = False, "personne non éligible aux publics du contrat à cette date"
        elif public not in action.publics:
            ouverte, raison = (
                False,
                f"public {public} non visé par l'action (publics : {', '.join(action.publics)})",
            )
        elif suivi and exclut_agir:
            pourquoi = "action similaire à l'accompagnement AGIR, " if agir.similaire_agir else ""
            ouverte, raison = False, f"{pourquoi}non ouverte au public suivi par AGIR (article 5)"
        elif suivi and agir_muet:
            ouverte, raison = (
                None,
                "à préciser : la fiche-action ne dit pas si elle est ouverte au public suivi par AGIR "
                "(article 5)",
            )
        elif suivi is None and exclut_agir:
            question_agir = True
            ouverte, raison = (
                None,
                "à préciser : non ouverte au public suivi par AGIR (article 5) ; la personne l'est-elle ?",
            )
        elif suivi is None and agir_muet and agir_deploye:
            # AGIR is deployed (contrat.yaml « agir »), the fiche does not say whether its public may
            # join, and whether the person is followed is not known: neither fact may be assumed.
            question_agir = True
            ouverte, raison = (
                None,
                "à préciser : la personne est-elle suivie par AGIR ? La fiche-action ne dit pas si elle "
                "est ouverte à ce public (article 5)",
            )
        else:
            ouverte, raison = True, f"public {public} visé par l'action"
        rows.append(
            {"id": action.id, "axe": action.axe, "titre": action.titre, "ouverte": ouverte, "raison": raison}
        )
    if question_agir and not any(f.fait == "suivi_agir" for f in verdict.faits_manquants):
        verdict.faits_manquants.append(FaitManquant("suivi_agir", QUESTION_SUIVI_AGIR))
    return rows, notes

"""Scenario files for ``ctai eligibility test``: a person, a date, the expected verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ctai_cli.eligibility.personne import Personne
from ctai_cli.eligibility.regles import DepartEpa, Verdict, evaluer
from ctai_cli.models.common import DateISO, Modele, Texte


class Attendu(Modele):
    public: Literal["EPA", "BPI", "BPT"] | None = None
    verdict: Literal["eligible", "non_eligible", "indetermine", "non_couvert"]
    faits_manquants: list[Texte] = Field(
        default_factory=list, description="Exactement les faits à demander (ni plus, ni moins)."
    )


class Scenario(Modele):
    nom: Texte
    regle: Texte | None = Field(default=None, description="La règle que le cas illustre (pour la lecture).")
    date: DateISO
    depart_epa: Literal["premier_titre", "cir"] = "premier_titre"
    personne: Personne
    attendu: Attendu


class FichierScenarios(Modele):
    scenarios: list[Scenario] = Field(min_length=1)


@dataclass
class Resultat:
    scenario: Scenario
    verdict: Verdict
    ecarts: list[str]


def executer(scenario: Scenario) -> Resultat:
    from ctai_cli.eligibility.parametres import charger

    depart: DepartEpa = scenario.depart_epa
    verdict = evaluer(scenario.personne, scenario.date, charger(), depart)
    attendu = scenario.attendu
    ecarts = []
    if verdict.verdict != attendu.verdict:
        ecarts.append(f"verdict {verdict.verdict}, attendu {attendu.verdict}")
    if verdict.public != attendu.public:
        ecarts.append(f"public {verdict.public or 'aucun'}, attendu {attendu.public or 'aucun'}")
    manquants = [f.fait for f in verdict.faits_manquants]
    absents = [f for f in attendu.faits_manquants if f not in manquants]
    if absents:
        ecarts.append(f"faits manquants attendus non signalés : {', '.join(absents)}")
    inattendus = [f for f in manquants if f not in attendu.faits_manquants]
    if inattendus:
        ecarts.append(f"faits manquants inattendus : {', '.join(inattendus)}")
    return Resultat(scenario, verdict, ecarts)

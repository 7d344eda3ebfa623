"""The eligibility rules: each one says oui, non or inconnu, why, and under which text.

Three-valued on purpose: a fact that is missing makes its rule "inconnu" and the
verdict "indetermine" with the question to ask; the tool never guesses.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ctai_cli.eligibility.parametres import Parametres
from ctai_cli.eligibility.personne import Personne
from ctai_cli.formatting import date_longue

Resultat = Literal["oui", "non", "inconnu"]
DepartEpa = Literal["premier_titre", "cir"]


@dataclass(frozen=True)
class Raison:
    id: str
    resultat: Resultat
    explication: str
    reference: str

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "resultat": self.resultat,
            "explication": self.explication,
            "reference": self.reference,
        }


@dataclass(frozen=True)
class FaitManquant:
    fait: str
    question: str

    def to_dict(self) -> dict[str, str]:
        return {"fait": self.fait, "question": self.question}


@dataclass
class Verdict:
    date: date
    public: str | None
    verdict: Literal["eligible", "non_eligible", "indetermine"]
    raisons: list[Raison]
    faits_manquants: list[FaitManquant]
    actions: list[dict[str, Any]] | None = None
    notes: list[str] = field(default_factory=list)

    def restreindre(self, publics: list[str]) -> None:
        """A contract may narrow its publics (a CTAIR targets BPI alone)."""
        if self.public is not None and self.public not in publics:
            self.notes.append(
                f"public {self.public} non visé par ce contrat (publics : {', '.join(publics)})"
            )
            self.verdict = "non_eligible"

    @property
    def eligible(self) -> bool | None:
        return None if self.verdict == "indetermine" else self.verdict == "eligible"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "date": self.date.isoformat(),
            "public": self.public,
            "eligible": self.eligible,
            "verdict": self.verdict,
            "raisons": [r.to_dict() for r in self.raisons],
            "faits_manquants": [f.to_dict() for f in self.faits_manquants],
        }
        if self.actions is not None:
            out["actions"] = self.actions
        if self.notes:
            out["notes"] = self.notes
        return out


@functools.cache
def nom_pays(code: str) -> str:
    """French name of a country, from pycountry's translations: ``AF`` → ``Afghanistan (AF)``."""
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    return f"{french.gettext(country.name)} ({code})"


def plus_annees(day: date, years: int) -> date:
    """``day`` + ``years`` years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


_LIBELLES_PROTECTION = {
    "refugie": "statut de réfugié",
    "protection_subsidiaire": "protection subsidiaire",
    "apatride": "statut d'apatride",
}

CONTRAT = "CTAI de Dax 2024-2026, préambule et article 1er"


class _Evaluation:
    def __init__(self, personne: Personne, jour: date, params: Parametres, depart: DepartEpa) -> None:
        self.p = personne
        self.jour = jour
        self.params = params
        self.depart = depart
        self.raisons: list[Raison] = []
        self.manquants: list[FaitManquant] = []

    def raison(self, id: str, resultat: Resultat, explication: str, reference: str) -> Resultat:
        self.raisons.append(Raison(id, resultat, explication, reference))
        return resultat

    def manque(self, fait: str, question: str) -> None:
        if all(m.fait != fait for m in self.manquants):
            self.manquants.append(FaitManquant(fait, question))

    # --- the rules -------------------------------------------------------
    def nationalite(self) -> Resultat:
        ue = self.params.at("ue_eee_suisse", self.jour)
        reference = f"{CONTRAT} (ressortissants de pays tiers à l'Union européenne) ; {ue.reference}"
        code = self.p.nationalite
        if code is None:
            self.manque(
                "nationalite", "Quelle est la nationalité de la personne (code pays, ou « apatride ») ?"
            )
            return self.raison("pays-tiers", "inconnu", "nationalité non renseignée", reference)
        if code == "apatride":
            return self.raison(
                "pays-tiers", "oui", "apatride : ressortissant d'aucun État de l'Union", reference
            )
        if code == "FR":
            return self.raison(
                "pays-tiers", "non", "de nationalité française : n'est pas étranger", reference
            )
        if code in ue.valeur:
            return self.raison(
                "pays-tiers",
                "non",
                f"nationalité {nom_pays(code)} : traité comme un citoyen de l'Union (UE, EEE, Suisse)",
                reference,
            )
        return self.raison(
            "pays-tiers", "oui", f"nationalité {nom_pays(code)} : pays tiers à l'Union", reference
        )

    def exclusions(self) -> Resultat:
        p = self.p
        if p.mineur_non_accompagne:
            return self.raison(
                "exclusions", "non", "mineur non accompagné : relève de l'aide sociale à l'enfance", CONTRAT
            )
        if p.sejour_irregulier:
            return self.raison("exclusions", "non", "en situation irrégulière", CONTRAT)
        asile = p.demande_asile
        protege = (
            p.protection is not None and p.protection.date is not None and p.protection.date <= self.jour
        )
        if (
            asile
            and asile.depot <= self.jour
            and not protege
            and (asile.decision is None or asile.decision > self.jour)
        ):
            return self.raison(
                "exclusions",
                "non",
                f"demandeur d'asile depuis le {date_longue(asile.depot)}, sans décision à cette date",
                CONTRAT,
            )
        return self.raison(
            "exclusions",
            "oui",
            "ni mineur non accompagné, ni en situation irrégulière, ni demandeur d'asile",
            CONTRAT,
        )

    def bpt(self) -> Resultat:
        p, jour = self.p, self.jour
        debut = self.params.at("bpt.debut_regime", jour)
        fin = self.params.at("bpt.fin_regime", jour)
        residence = self.params.at("bpt.date_residence_ukraine", jour)
        temporaire = p.protection is not None and p.protection.type == "temporaire"
        vise = (
            p.nationalite == "UA"
            or p.protection_en_ukraine
            or p.membre_famille_bpt
            or p.resident_permanent_ukraine_sans_retour
        )
        if not temporaire and not (p.residence_ukraine_24_02_2022 and vise):
            return self.raison("bpt", "non", "pas de protection temporaire", debut.reference)
        if jour < debut.valeur or jour > fin.valeur:
            return self.raison(
                "bpt",
                "non",
                f"régime de protection temporaire non en vigueur à cette date (du {date_longue(debut.valeur)} au "
                f"{date_longue(fin.valeur)})",
                fin.reference,
            )
        if p.residence_ukraine_24_02_2022 is False:
            return self.raison(
                "bpt",
                "non",
                f"ne résidait pas en Ukraine le {date_longue(residence.valeur)} ou avant",
                residence.reference,
            )
        if not temporaire:
            self.manque(
                "protection",
                "La préfecture a-t-elle délivré l'autorisation de séjour « protection temporaire » ? À quelle date ?",
            )
            return self.raison(
                "bpt",
                "inconnu",
                "remplit les conditions de la protection temporaire ; la protection doit avoir été accordée",
                residence.reference,
            )
        if p.protection.date is None:
            self.manque("protection.date", "À quelle date la protection temporaire a-t-elle été accordée ?")
            return self.raison(
                "bpt", "inconnu", "date de la protection temporaire non renseignée", debut.reference
            )
        if p.protection.date > jour:
            return self.raison(
                "bpt",
                "non",
                f"protection temporaire accordée le {date_longue(p.protection.date)}, après cette date",
                debut.reference,
            )
        return self.raison(
            "bpt",
            "oui",
            f"bénéficiaire de la protection temporaire depuis le {date_longue(p.protection.date)} ; régime en vigueur "
            f"jusqu'au {date_longue(fin.valeur)}",
            fin.reference,
        )

    def bpi(self) -> Resultat:
        p, jour = self.p, self.jour
        duree = self.params.at("bpi.duree_primo_annees", jour)
        reference = (
            "CESEDA, art. L511-1 (réfugié), L512-1 (protection subsidiaire), L582-1 (apatride) ; "
            + duree.reference
        )
        protection = p.protection
        if protection is None or protection.type == "temporaire":
            return self.raison("bpi", "non", "pas de protection internationale", reference)
        if protection.autorite is None:
            self.manque("protection.autorite", "Qui a reconnu la protection : l'OFPRA ou la CNDA ?")
        elif protection.autorite not in ("OFPRA", "CNDA"):
            return self.raison(
                "bpi", "non", "la protection internationale est reconnue par l'OFPRA ou la CNDA", reference
            )
        if protection.date is None:
            self.manque("protection.date", "À quelle date la protection a-t-elle été accordée ?")
            return self.raison(
                "bpi", "inconnu", "date de la décision de protection non renseignée", reference
            )
        if protection.date > jour:
            return self.raison(
                "bpi",
                "non",
                f"protection accordée le {date_longue(protection.date)} : demandeur d'asile à cette date",
                reference,
            )
        limite = plus_annees(protection.date, duree.valeur)
        if jour >= limite:
            return self.raison(
                "bpi",
                "non",
                f"protégé depuis le {date_longue(protection.date)}, soit {duree.valeur} ans ou plus : n'est plus "
                "primo-arrivant",
                reference,
            )
        if protection.autorite is None:
            return self.raison("bpi", "inconnu", "autorité de reconnaissance non renseignée", reference)
        return self.raison(
            "bpi",
            "oui",
            f"{_LIBELLES_PROTECTION[protection.type]} reconnu par {protection.autorite} le "
            f"{date_longue(protection.date)}, "
            f"primo-arrivant jusqu'au {date_longue(limite)} exclu",
            reference,
        )

    def epa(self) -> Resultat:
        p, jour = self.p, self.jour
        motifs = self.params.at("titres.motifs", jour)
        duree = self.params.at("epa.duree_sejour_max_annees", jour)
        reference = f"{duree.reference} ; {motifs.reference}"
        titres = [t for t in p.titres_sejour if t.debut <= jour]
        ouvrants = [t for t in titres if motifs.valeur.get(t.type) in ("famille", "travail", "protection")]
        if not titres:
            self.manque(
                "titres_sejour", "Quels titres de séjour la personne a-t-elle eus (type et date de début) ?"
            )
            return self.raison("epa", "inconnu", "aucun titre de séjour renseigné à cette date", reference)
        if not ouvrants:
            types = ", ".join(sorted({t.type for t in titres}))
            return self.raison(
                "epa",
                "non",
                f"titre(s) {types} : motif exclu (études, séjour temporaire, saisonnier, détachement)",
                reference,
            )
        courant = [t for t in titres if t.fin is None or t.fin >= jour]
        if not courant:
            self.manque(
                "titres_sejour", "Le titre de séjour a-t-il été renouvelé (récépissé, nouveau titre) ?"
            )
            return self.raison(
                "epa", "inconnu", "aucun titre de séjour en cours de validité à cette date", reference
            )
        if self.depart == "cir":
            if p.cir is None:
                self.manque(
                    "cir.signature", "À quelle date le contrat d'intégration républicaine a-t-il été signé ?"
                )
                return self.raison(
                    "epa", "inconnu", "le délai court de la signature du CIR, non renseignée", reference
                )
            depart, libelle = p.cir.signature, "signature du CIR"
        else:
            depart, libelle = min(t.debut for t in ouvrants), "premier titre de séjour"
            protection = p.protection
            if (
                protection
                and protection.type != "temporaire"
                and protection.date
                and protection.date < depart
            ):
                # A BPI's clock starts at the protection decision, not at the card that follows.
                depart, libelle = protection.date, "décision de protection"
        limite = plus_annees(depart, duree.valeur)
        if jour >= limite:
            return self.raison(
                "epa",
                "non",
                f"{libelle} le {date_longue(depart)} : séjour régulier de {duree.valeur} ans ou plus",
                reference,
            )
        if p.intention_installation is None:
            self.manque(
                "intention_installation",
                "La personne a-t-elle l'intention de s'installer durablement en France ?",
            )
            return self.raison(
                "epa", "inconnu", "intention de s'installer durablement non renseignée", reference
            )
        if not p.intention_installation:
            return self.raison("epa", "non", "n'a pas l'intention de s'installer durablement", reference)
        return self.raison(
            "epa",
            "oui",
            f"{libelle} le {date_longue(depart)} : moins de {duree.valeur} ans de séjour régulier (jusqu'au "
            f"{date_longue(limite)} exclu), installation durable",
            reference,
        )


def evaluer(
    personne: Personne, jour: date, params: Parametres, depart: DepartEpa = "premier_titre"
) -> Verdict:
    e = _Evaluation(personne, jour, params, depart)
    nationalite = e.nationalite()
    exclusions = e.exclusions()
    bpt = e.bpt()
    bpi = e.bpi()
    epa = e.epa() if bpt != "oui" and bpi != "oui" else "oui"
    if "non" in (nationalite, exclusions):
        return Verdict(jour, None, "non_eligible", e.raisons, [])
    if nationalite == "oui" and exclusions == "oui":
        for public, resultat in (("BPT", bpt), ("BPI", bpi), ("EPA", epa)):
            if resultat == "oui":
                return Verdict(jour, public, "eligible", e.raisons, [])
    if "inconnu" in (nationalite, exclusions, bpt, bpi, epa):
        return Verdict(jour, None, "indetermine", e.raisons, e.manquants)
    return Verdict(jour, None, "non_eligible", e.raisons, [])


def titres_inconnus(personne: Personne, jour: date, params: Parametres) -> list[int]:
    """Indexes of the titres whose type the parameters in force on ``jour`` do not know."""
    known = params.at("titres.motifs", jour).valeur
    return [i for i, titre in enumerate(personne.titres_sejour) if titre.type not in known]

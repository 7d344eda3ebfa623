"""The eligibility rules: each one says oui, non or inconnu, why, and under which text.

Three-valued on purpose: a fact is either given, or implied by the law from given facts
(a valid titre or a protection in force excludes irregular stay, a protection decision
closes the asylum claim, a date of birth settles age), or asked for. A rule that lacks a
fact says "inconnu" and asks the question; the verdict is "indetermine" only when an
answer could change it. Each explanation says how every fact it uses is known.
"""

from __future__ import annotations

import calendar
import functools
import weakref
from bisect import bisect_left
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeVar

from ctai_cli.eligibility.parametres import HorsPeriode, Parametres, Valeur
from ctai_cli.eligibility.personne import Personne, TitreSejour
from ctai_cli.formatting import date_longue as _date_longue

Resultat = Literal["oui", "non", "inconnu"]
DepartEpa = Literal["premier_titre", "cir"]
Issue = Literal["eligible", "non_eligible", "indetermine", "non_couvert"]
Origine = Literal["donne", "deduit"]


@dataclass(slots=True)
class Constat:
    """How a fact used by a rule is known: given, or deduced by law from a given fact."""

    fait: str
    origine: Origine
    source: str | None = None

    def to_dict(self) -> dict[str, str]:
        out = {"fait": self.fait, "origine": self.origine}
        if self.source is not None:
            out["source"] = self.source
        return out


@functools.lru_cache(maxsize=512)
def _faits(fait: str, origine: Origine, source: str | None = None) -> tuple[Constat, ...]:
    """One fact and how it is known (shared: rows often know the same fact the same way)."""
    return (Constat(fait, origine, source),)


@dataclass(slots=True)
class Raison:
    id: str
    resultat: Resultat
    explication: str
    reference: str
    faits: tuple[Constat, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "resultat": self.resultat,
            "explication": self.explication,
            "reference": self.reference,
            "faits": [f.to_dict() for f in self.faits],
        }


@dataclass(slots=True)
class FaitManquant:
    fait: str
    question: str

    def to_dict(self) -> dict[str, str]:
        return {"fait": self.fait, "question": self.question}


@dataclass(slots=True)
class Verdict:
    date: date
    public: str | None
    verdict: Issue
    raisons: list[Raison]
    faits_manquants: list[FaitManquant]
    actions: list[dict[str, Any]] | None = None
    notes: list[str] = field(default_factory=list)

    def restreindre(self, publics: list[str]) -> None:
        """A contract may narrow its publics (a CTAIR targets BPI alone)."""
        if self.verdict == "eligible" and self.public is not None and self.public not in publics:
            self.notes.append(
                f"public {self.public} non visé par ce contrat (publics : {', '.join(publics)})"
            )
            self.verdict = "non_eligible"

    @property
    def eligible(self) -> bool | None:
        if self.verdict in ("indetermine", "non_couvert"):
            return None
        return self.verdict == "eligible"

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


date_longue = functools.lru_cache(maxsize=8192)(_date_longue)


def plus_annees(day: date, years: int) -> date | None:
    """``day`` + ``years`` years (29 February becomes 28 February).

    None when that day lies beyond the calendar (after 31 December 9999): a deadline
    that never comes, not an error.
    """
    year = day.year + years
    if year > date.max.year:
        return None
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


@functools.lru_cache(maxsize=256)
def _joindre(*references: str) -> str:
    return " ; ".join(references)


def atteint(jour: date, limite: date | None) -> bool:
    """Has ``jour`` reached ``limite``? Never, for a limit beyond the calendar."""
    return limite is not None and jour >= limite


def _le(day: date | None) -> str:
    return "après le 31 décembre 9999" if day is None else f"le {date_longue(day)}"


def _jusqu_au(limite: date | None) -> str:
    if limite is None:
        return "(échéance au-delà du 31 décembre 9999)"
    return f"jusqu'au {date_longue(limite)} exclu"


_LIBELLES_PROTECTION = {
    "refugie": "statut de réfugié",
    "protection_subsidiaire": "protection subsidiaire",
    "apatride": "statut d'apatride",
    "temporaire": "protection temporaire",
}
_ACCORDE = {
    "refugie": "statut de réfugié reconnu",
    "protection_subsidiaire": "protection subsidiaire accordée",
    "apatride": "statut d'apatride reconnu",
    "temporaire": "protection temporaire accordée",
}
_AUTORITES = {"OFPRA": "l'OFPRA", "CNDA": "la CNDA", "prefecture": "la préfecture"}
_LIBELLES_FIN = {
    "cessation": "cessation",
    "retrait": "retrait",
    "renonciation": "renonciation",
    "depart": "départ de France",
    "autre": "autre motif",
}
_MOTIFS = {
    "famille": "motif familial",
    "travail": "motif professionnel",
    "protection": "motif de protection",
    "residence": "carte de résident",
    "accord_retrait": "droit de séjour de l'accord de retrait du Royaume-Uni",
}
_MOTIFS_OUVRANTS = frozenset(_MOTIFS)
_INTERNATIONALE = frozenset({"refugie", "protection_subsidiaire", "apatride"})
_ASILE = frozenset({"refugie", "protection_subsidiaire"})

CONTRAT = "CTAI de Dax 2024-2026, préambule et article 1er"
PAYS_TIERS = f"{CONTRAT} (ressortissants de pays tiers à l'Union européenne)"
RECEPISSE = "CESEDA, art. R431-12 (le récépissé autorise la présence pour la durée qu'il précise)"
BPI_TEXTES = "CESEDA, art. L511-1 (réfugié), L512-1 (protection subsidiaire), L582-1 (apatride)"
RETRAIT = (
    "ancien CESEDA, art. L311-8-1 (la carte délivrée au titre de la protection est retirée quand la "
    "protection prend fin ; numéro actuel non relu)"
)
APS_BPT = (
    "CESEDA, art. L581-3 (le bénéficiaire de la protection temporaire est mis en possession d'un document "
    "provisoire de séjour, renouvelé tant qu'il n'est pas mis fin à la protection)"
)
FIN_BPI = "CESEDA, art. L511-7 à L511-9 et L512-3 (fin de la protection) ; R562-1"


@dataclass(slots=True)
class _Part:
    """One condition of a rule: its result, a phrase, the questions that would settle it.

    The phrase is printed with the reasons only: without them, the commonest conditions leave it
    empty (evaluer(raisons=False) builds no text that nothing prints)."""

    resultat: Resultat
    texte: str
    questions: tuple[FaitManquant, ...] = ()
    faits: tuple[Constat, ...] = ()
    reference: str | None = None


def _references(reference: str, parts: list[_Part]) -> str:
    """A rule's reference, then each of its conditions' own, each once."""
    refs = [reference]
    for part in parts:
        if part.reference and part.reference not in refs:
            refs.append(part.reference)
    return " ; ".join(refs)


def _question_fin(i: int, titre: TitreSejour) -> FaitManquant:
    return FaitManquant(
        f"titres_sejour.{i}.fin",
        f"Jusqu'à quelle date le titre {titre.type} délivré le {date_longue(titre.debut)} est-il valable "
        "(date de fin inscrite sur le titre) ?",
    )


QUESTION_TITRES = FaitManquant(
    "titres_sejour",
    "Quels titres de séjour la personne a-t-elle eus (type, date de début, date de fin) ?",
)
QUESTION_RENOUVELLEMENT = FaitManquant(
    "titres_sejour",
    "Le titre de séjour a-t-il été renouvelé ? Ajoutez le nouveau titre, ou la fin du récépissé de "
    "demande de renouvellement (recepisse_fin).",
)


class _Contexte:
    """What evaluations on one day, with one set of parameters, one EPA start and reasons kept
    or not share: the memo of the rules, and the thresholds of the day (seuils_dates)."""

    __slots__ = ("jour", "memo", "params", "seuils", "valeurs")

    def __init__(self, params: Parametres, jour: date) -> None:
        self.params, self.jour = params, jour
        self.memo: dict[Hashable, Any] = {}
        self.seuils: tuple[date, ...] | None = None
        self.valeurs = params.en_vigueur(jour)

    def cote(self, day: date | None) -> int | None:
        """Which side of each threshold of the day ``day`` lies on (None for an unknown day)."""
        if day is None:
            return None
        if self.seuils is None:
            self.seuils = seuils_dates(self.jour, self.params)
        return bisect_left(self.seuils, day)


_MEMOS: weakref.WeakKeyDictionary[Parametres, dict[Hashable, _Contexte]] = weakref.WeakKeyDictionary()
MEMO_MAX = 20_000
"""Entries kept per context (then forgotten at once): memory stays bounded."""
CONTEXTES_MAX = 64
_Regle = TypeVar("_Regle", bound=Callable[..., Any])


def _contexte(params: Parametres, jour: date, depart: DepartEpa, raisons: bool) -> _Contexte:
    contextes = _MEMOS.get(params)
    if contextes is None:
        contextes = _MEMOS[params] = {}
    found = contextes.get((jour, depart, raisons))
    if found is None:
        if len(contextes) >= CONTEXTES_MAX:
            contextes.clear()
        found = contextes[(jour, depart, raisons)] = _Contexte(params, jour)
    return found


def _memo(
    faits: Callable[[Personne], Hashable], sans_raisons: Callable[[_Evaluation], Hashable] | None = None
) -> Callable[[_Regle], _Regle]:
    """A rule (or a condition) computed once per distinct value of the facts it reads.

    ``faits(personne)`` must hold every fact of the person the rule reads; the day, the
    parameters, the EPA start and whether reasons are kept complete the key. What the rule
    did to the evaluation (reasons added, questions asked) is replayed on each later call,
    so the verdict is the same as without the memo. A batch meets the same nationality,
    date of birth or asylum situation again and again.

    ``sans_raisons(evaluation)``, when given, is the key when reasons are not kept: it may give
    a day by its side of the day's thresholds only (``evaluation.contexte.cote(day)``), for a
    rule that reads that day only by comparing it with the day of the check, or a number of
    years after it with the day of the check (seuils_dates). The result and the questions,
    so the verdict, the public and the missing facts, are the same; the phrase of a part
    (printed only with reasons) may then be another person's of the same key.
    """

    def decorate(rule: _Regle) -> _Regle:
        name = rule.__name__

        @functools.wraps(rule)
        def memoised(self: _Evaluation) -> Any:
            if sans_raisons is not None and not self.avec_raisons:
                key = (name, sans_raisons(self))
            else:
                key = (name, faits(self.p))
            memo = self.memo
            found = memo.get(key)
            if found is None:
                avant, dehors = len(self.raisons), self.questions
                questions = self.questions = []
                resultat = rule(self)
                found = (resultat, self.raisons[avant:], questions)
                self.questions = dehors
                if dehors is not None:  # inside another memoised rule: it asked them too
                    dehors.extend(questions)
                if len(memo) >= MEMO_MAX:
                    memo.clear()
                memo[key] = found
            else:
                self.raisons.extend(found[1])  # never modified once made: shared between verdicts
                for question in found[2]:
                    self.manque(question)
            return found[0]

        return memoised  # type: ignore[return-value]

    return decorate


class _Evaluation:
    def __init__(
        self, personne: Personne, jour: date, params: Parametres, depart: DepartEpa, raisons: bool = True
    ) -> None:
        self.p = personne
        self.jour = jour
        self.params = params
        self.depart = depart
        self.avec_raisons = raisons
        self.raisons: list[Raison] = []
        self.questions: list[FaitManquant] | None = None  # what a memoised rule asks, to replay it
        self.contexte = _contexte(params, jour, depart, raisons)
        self.memo = self.contexte.memo
        self.manquants: list[FaitManquant] = []
        self._demandes: set[str] = set()
        self.valeurs = self.contexte.valeurs
        self.types: dict[str, dict[str, Any]] = self.param("titres.types").valeur
        # The titres started on the day, those valid on the day, and the latest one (a new
        # titre replaces the previous: its end, or its renewal, is what matters).
        # A card issued on a protection that has ended is withdrawn with it, whatever its end date.
        self.commences: list[tuple[int, TitreSejour]] = []
        self.valides: list[tuple[int, TitreSejour]] = []
        self.retires: list[tuple[int, TitreSejour]] = []
        protection = personne.protection
        self.fin_protection = (
            protection.fin.date
            if protection is not None and protection.fin is not None and protection.fin.date <= jour
            else None
        )
        for i, titre in enumerate(personne.titres_sejour):
            if titre.debut > jour:
                continue
            self.commences.append((i, titre))
            fin, recepisse_fin = titre.fin, titre.recepisse_fin
            if (fin is not None and jour <= fin) or (recepisse_fin is not None and jour <= recepisse_fin):
                if self.fin_protection is not None and self.types[titre.type].get("suppose_protection"):
                    self.retires.append((i, titre))
                else:
                    self.valides.append((i, titre))
        self.courant = None
        for entry in self.commences:  # the latest start; the last listed on a tie
            if self.courant is None or entry[1].debut >= self.courant[1].debut:
                self.courant = entry

    def param(self, name: str) -> Valeur:
        """The value of a parameter on the day; HorsPeriode before its first value."""
        found = self.valeurs.get(name)
        if found is None:
            self.params.at(name, self.jour)  # raises HorsPeriode, with the first value's date
        return found  # type: ignore[return-value]

    def raison(
        self, id: str, resultat: Resultat, explication: str, reference: str, faits: tuple[Constat, ...] = ()
    ) -> Resultat:
        if self.avec_raisons:
            self.raisons.append(Raison(id, resultat, explication, reference, faits))
        return resultat

    def manque(self, question: FaitManquant) -> None:
        if self.questions is not None:
            self.questions.append(question)
        if question.fait not in self._demandes:
            self._demandes.add(question.fait)
            self.manquants.append(question)

    def combiner(self, id: str, parts: list[_Part], reference: str) -> Resultat:
        """A rule made of conditions: any "non" decides; else any "inconnu" asks its questions."""
        for part in parts:
            if part.resultat == "non":
                if not self.avec_raisons:
                    return "non"
                return self.raison(id, "non", part.texte, _references(reference, parts), part.faits)
        inconnu = False
        for part in parts:
            if part.resultat == "inconnu":
                inconnu = True
                for question in part.questions:
                    self.manque(question)
        resultat: Resultat = "inconnu" if inconnu else "oui"
        if not self.avec_raisons:
            return resultat
        textes = " ; ".join(dict.fromkeys(part.texte for part in parts))  # each phrase once, in order
        faits = tuple(fait for part in parts for fait in part.faits)
        return self.raison(id, resultat, textes, _references(reference, parts), faits)

    # --- facts the rules share ------------------------------------------
    def libelle(self, titre: TitreSejour) -> str:
        return self.types[titre.type]["libelle"]

    def titre_valide_texte(self, i: int, titre: TitreSejour) -> str:
        if titre.fin is not None and self.jour <= titre.fin:
            return f"{self.libelle(titre)} valable jusqu'au {date_longue(titre.fin)}"
        assert titre.recepisse_fin is not None
        return (
            f"{self.libelle(titre)} prolongée par un récépissé de demande de renouvellement valable "
            f"jusqu'au {date_longue(titre.recepisse_fin)}"
        )

    def protection_en_vigueur(self) -> bool:
        """A protection granted on or before the day and not ended (BPT: within the regime)."""
        protection = self.p.protection
        if protection is None or protection.date is None or protection.date > self.jour:
            return False
        if protection.fin is not None and protection.fin.date <= self.jour:
            return False
        if protection.type == "temporaire":
            debut = self.param("bpt.debut_regime").valeur
            if debut is None or self.jour < debut:
                return False
            return self.jour <= self.param("bpt.fin_regime").valeur
        return True

    def question_titres(self) -> FaitManquant:
        """What to ask when no titre is known to be valid on the day."""
        if self.courant is None:
            return QUESTION_TITRES
        i, titre = self.courant
        if self.courant in self.retires:
            return FaitManquant(
                "titres_sejour",
                f"La protection a pris fin le {date_longue(self.fin_protection)} : quel titre de séjour la "  # type: ignore[arg-type]
                "personne a-t-elle reçu depuis ?",
            )
        return _question_fin(i, titre) if titre.fin is None else QUESTION_RENOUVELLEMENT

    # --- the rules -------------------------------------------------------
    @_memo(lambda p: tuple(p.nationalite or ()))
    def nationalite(self) -> Resultat:
        ue = self.param("ue_eee_suisse")
        reference = _joindre(PAYS_TIERS, ue.reference)
        codes = self.p.nationalite
        if not codes:
            self.manque(
                FaitManquant(
                    "nationalite",
                    "Quelle est la nationalité de la personne (code pays, toutes ses nationalités, ou "
                    "« apatride ») ?",
                )
            )
            return self.raison("pays-tiers", "inconnu", "nationalité non renseignée", reference)
        faits = _faits("nationalite", "donne")
        if codes == ["apatride"]:
            return self.raison(
                "pays-tiers", "oui", "apatride (donné) : ressortissant d'aucun État", reference, faits
            )
        if "FR" in codes:
            return self.raison(
                "pays-tiers",
                "non",
                "de nationalité française (donnée"
                + (", parmi d'autres" if len(codes) > 1 else "")
                + ") : n'est pas étranger",
                reference,
                faits,
            )
        ue_codes = [c for c in codes if c in ue.valeur]
        if ue_codes:
            if len(codes) > 1:
                texte = (
                    f"nationalités {', '.join(nom_pays(c) for c in codes)} (données) : avec celle de "
                    f"{nom_pays(ue_codes[0])}, traité comme un citoyen de l'Union (UE, EEE, Suisse)"
                )
            else:
                texte = f"nationalité {nom_pays(codes[0])} (donnée) : traité comme un citoyen de l'Union (UE, EEE, Suisse)"
            return self.raison("pays-tiers", "non", texte, reference, faits)
        noms = ", ".join(nom_pays(c) for c in codes)
        pluriel = "s" if len(codes) > 1 else ""
        return self.raison(
            "pays-tiers",
            "oui",
            f"nationalité{pluriel} {noms} (donnée{pluriel}) : pays tiers à l'Union",
            reference,
            faits,
        )

    # Without reasons, the date of birth counts by its side of the thresholds: it is read below
    # only as « majorite.age_annees years after it reached on the day ».
    @_memo(
        lambda p: (p.mineur_non_accompagne, p.date_naissance),
        lambda e: (e.p.mineur_non_accompagne, e.contexte.cote(e.p.date_naissance)),
    )
    def _mineur(self) -> _Part:
        p, jour = self.p, self.jour
        if p.mineur_non_accompagne:
            return _Part(
                "non",
                "mineur non accompagné (donné) : relève de l'aide sociale à l'enfance",
                faits=_faits("mineur_non_accompagne", "donne"),
            )
        if p.mineur_non_accompagne is False:
            return _Part(
                "oui", "pas mineur non accompagné (donné)", faits=_faits("mineur_non_accompagne", "donne")
            )
        if p.date_naissance is not None:
            age = self.param("majorite.age_annees")
            majorite = plus_annees(p.date_naissance, age.valeur)
            if atteint(jour, majorite):
                assert majorite is not None
                return _Part(
                    "oui",
                    f"majeur depuis le {date_longue(majorite)} (déduit de la date de naissance donnée)",
                    faits=_faits("mineur_non_accompagne", "deduit", "date_naissance"),
                    reference=age.reference,
                )
            return _Part(
                "inconnu",
                f"mineur à cette date (date de naissance donnée : {age.valeur} ans {_le(majorite)}) : "
                "accompagné ou non ?",
                (
                    FaitManquant(
                        "mineur_non_accompagne",
                        "La personne est mineure à cette date : est-elle accompagnée d'un parent ou d'un "
                        "représentant légal ?",
                    ),
                ),
                reference=age.reference,
            )
        return _Part(
            "inconnu",
            "âge non renseigné",
            (
                FaitManquant(
                    "date_naissance",
                    "Quelle est la date de naissance de la personne (pour savoir si elle est mineure, et "
                    "alors si elle est accompagnée) ?",
                ),
            ),
        )

    def _sejour(self) -> _Part:
        p = self.p
        if p.sejour_irregulier:
            return _Part(
                "non", "en situation irrégulière (donné)", faits=_faits("sejour_irregulier", "donne")
            )
        if p.sejour_irregulier is False:
            return _Part("oui", "en séjour régulier (donné)", faits=_faits("sejour_irregulier", "donne"))
        if self.valides:
            i, titre = self.valides[-1]
            source = f"titres_sejour.{i}"
            reference = RECEPISSE if not (titre.fin and self.jour <= titre.fin) else None
            return _Part(
                "oui",
                f"en séjour régulier : {self.titre_valide_texte(i, titre)} (déduit du titre donné)"
                if self.avec_raisons
                else "",
                faits=_faits("sejour_irregulier", "deduit", source),
                reference=reference,
            )
        if self.protection_en_vigueur():
            protection = p.protection
            assert protection is not None and protection.date is not None
            return _Part(
                "oui",
                f"en séjour régulier : {_ACCORDE[protection.type]} le {date_longue(protection.date)} "
                "(déduit de la protection donnée)"
                if self.avec_raisons
                else "",
                faits=_faits("sejour_irregulier", "deduit", "protection"),
                reference="CESEDA, art. L424-1, L424-9, L424-18 (titre de séjour de droit des personnes protégées)"
                if protection.type != "temporaire"
                else "CESEDA, art. L581-1 et suivants (autorisation provisoire de séjour)",
            )
        return _Part("inconnu", "régularité du séjour à cette date non établie", (self.question_titres(),))

    @_memo(lambda p: (p.demandeur_asile, p.protection, p.demande_asile))
    def _asile(self) -> _Part:
        p, jour = self.p, self.jour
        if p.demandeur_asile:
            return _Part(
                "non",
                "demandeur d'asile à cette date (donné)",
                faits=_faits("demandeur_asile", "donne"),
            )
        if p.demandeur_asile is False:
            return _Part(
                "oui", "pas de demande d'asile en cours (donné)", faits=_faits("demandeur_asile", "donne")
            )
        protection = p.protection
        protege = (
            protection is not None
            and protection.type in _ASILE
            and protection.date is not None
            and protection.date <= jour
        )
        asile = p.demande_asile
        if asile is not None:
            decision = asile.decision
            if decision is None and protege and protection.date >= asile.depot:  # type: ignore[union-attr]
                decision = protection.date  # type: ignore[union-attr]
            if asile.depot > jour:
                return _Part(
                    "oui",
                    f"demande d'asile déposée le {date_longue(asile.depot)}, après cette date (donné)",
                    faits=_faits("demandeur_asile", "deduit", "demande_asile"),
                )
            if decision is not None and decision <= jour:
                return _Part(
                    "oui",
                    f"demande d'asile du {date_longue(asile.depot)} tranchée le {date_longue(decision)} "
                    f"(déduit de {'la décision donnée' if asile.decision else 'la protection donnée'})",
                    faits=(
                        Constat(
                            "demandeur_asile", "deduit", "demande_asile" if asile.decision else "protection"
                        ),
                    ),
                )
            return _Part(
                "non",
                f"demandeur d'asile depuis le {date_longue(asile.depot)}, sans décision à cette date (donné)",
                faits=_faits("demandeur_asile", "deduit", "demande_asile"),
            )
        if protege and self.protection_en_vigueur():
            assert protection is not None and protection.date is not None
            return _Part(
                "oui",
                f"pas de demande d'asile en cours : {_ACCORDE[protection.type]} le "
                f"{date_longue(protection.date)} (déduit de la protection donnée)",
                faits=_faits("demandeur_asile", "deduit", "protection"),
            )
        return _Part(
            "inconnu",
            "demande d'asile en cours non renseignée",
            (
                FaitManquant(
                    "demandeur_asile",
                    "La personne a-t-elle une demande d'asile en cours à cette date (attestation de "
                    "demande d'asile) ?",
                ),
            ),
        )

    def exclusions(self) -> Resultat:
        return self.combiner("exclusions", [self._mineur(), self._sejour(), self._asile()], CONTRAT)

    def bpt(self) -> Resultat:
        p, jour = self.p, self.jour
        debut = self.param("bpt.debut_regime")
        protection = p.protection
        temporaire = protection is not None and protection.type == "temporaire"
        nationalites = p.nationalite or []
        vise = (
            "UA" in nationalites
            or p.protection_en_ukraine
            or p.membre_famille_bpt
            or p.resident_permanent_ukraine_sans_retour
        )
        # An APS « bénéficiaire de la protection temporaire » is issued only to a beneficiary (APS-BPT).
        aps = None
        if protection is None:
            for entry in self.commences:
                if self.types[entry[1].type]["motif"] == "protection_temporaire":
                    aps = entry
        if not temporaire and aps is None and not (p.residence_ukraine_24_02_2022 and vise):
            return self.raison("bpt", "non", "pas de protection temporaire", debut.reference)
        if debut.valeur is None:
            return self.raison(
                "bpt", "non", "aucune protection temporaire en vigueur à cette date", debut.reference
            )
        fin = self.param("bpt.fin_regime")
        residence = self.param("bpt.date_residence_ukraine")
        if jour < debut.valeur or jour > fin.valeur:
            texte = (
                f"régime de protection temporaire non en vigueur à cette date (du {date_longue(debut.valeur)} au "
                f"{date_longue(fin.valeur)})"
            )
            aujourd_hui = date.today()
            if jour > fin.valeur and jour > aujourd_hui:
                # A date still to come: the end date is the last one decided so far, not a fact of that day.
                texte += (
                    f", d'après les textes connus au {date_longue(aujourd_hui)} : une prorogation décidée "
                    "d'ici là changerait ce résultat"
                )
            return self.raison("bpt", "non", texte, fin.reference)
        if p.residence_ukraine_24_02_2022 is False:
            return self.raison(
                "bpt",
                "non",
                f"ne résidait pas en Ukraine le {date_longue(residence.valeur)} ou avant (donné)",
                residence.reference,
                _faits("residence_ukraine_24_02_2022", "donne"),
            )
        if aps is not None:
            return self._bpt_aps(aps, fin)
        if not temporaire:
            self.manque(
                FaitManquant(
                    "protection",
                    "La préfecture a-t-elle délivré l'autorisation de séjour « protection temporaire » ? "
                    "À quelle date ?",
                )
            )
            return self.raison(
                "bpt",
                "inconnu",
                "remplit les conditions de la protection temporaire (données) ; la protection doit avoir été "
                "accordée",
                residence.reference,
            )
        assert protection is not None
        if protection.date is None:
            self.manque(
                FaitManquant(
                    "protection.date", "À quelle date la protection temporaire a-t-elle été accordée ?"
                )
            )
            return self.raison(
                "bpt", "inconnu", "date de la protection temporaire non renseignée", debut.reference
            )
        faits = _faits("protection", "donne")
        if protection.date > jour:
            return self.raison(
                "bpt",
                "non",
                f"protection temporaire accordée le {date_longue(protection.date)}, après cette date (donné)",
                debut.reference,
                faits,
            )
        if protection.fin is not None and protection.fin.date <= jour:
            return self.raison(
                "bpt",
                "non",
                f"protection temporaire accordée le {date_longue(protection.date)}, fin de la protection le "
                f"{date_longue(protection.fin.date)} ({_LIBELLES_FIN[protection.fin.motif]}) (donné)",
                f"{debut.reference} ; directive 2001/55/CE, article 6",
                faits,
            )
        return self.raison(
            "bpt",
            "oui",
            f"bénéficiaire de la protection temporaire depuis le {date_longue(protection.date)} (donné) ; régime "
            f"en vigueur jusqu'au {date_longue(fin.valeur)} inclus",
            fin.reference,
            faits,
        )

    def _bpt_aps(self, aps: tuple[int, TitreSejour], fin: Valeur) -> Resultat:
        """No protection given, an APS-BPT begun: valid on the day, it proves the protection
        (granted at the latest on its start, not ended since the APS is renewed until it ends);
        expired, the protection is asked for."""
        i, titre = aps
        reference = _joindre(APS_BPT, self.types[titre.type]["article"])
        if aps in self.valides:
            return self.raison(
                "bpt",
                "oui",
                f"{self.titre_valide_texte(i, titre)} (donné) : bénéficiaire de la protection temporaire, "
                f"accordée au plus tard le {date_longue(titre.debut)} (déduit du titre) ; régime en vigueur "
                f"jusqu'au {date_longue(fin.valeur)} inclus"
                if self.avec_raisons
                else "",
                _joindre(reference, fin.reference),
                _faits("protection", "deduit", f"titres_sejour.{i}"),
            )
        self.manque(
            FaitManquant(
                "protection",
                f"L'autorisation provisoire de séjour « protection temporaire » du {date_longue(titre.debut)} "
                "n'est plus en cours à cette date : la protection temporaire a-t-elle pris fin (à quelle "
                "date), ou l'autorisation a-t-elle été renouvelée ?",
            )
        )
        return self.raison(
            "bpt",
            "inconnu",
            f"{self.libelle(titre)} du {date_longue(titre.debut)} (donné) : protection temporaire accordée "
            "au plus tard à cette date (déduit du titre) ; autorisation non en cours à cette date, protection "
            "en vigueur non établie",
            reference,
            _faits("protection", "deduit", f"titres_sejour.{i}"),
        )

    def bpi(self) -> Resultat:
        p, jour = self.p, self.jour
        duree = self.param("bpi.duree_primo_annees")
        reference = _joindre(BPI_TEXTES, duree.reference)
        protection = p.protection
        if protection is None:
            # A titre issued only after a protection decision (carte de résident « réfugié »…) implies
            # one by law: the protection is then unknown, not absent.
            suppose = next(
                (t for _, t in self.commences if self.types.get(t.type, {}).get("suppose_protection")), None
            )
            if suppose is not None:
                self.manque(
                    FaitManquant(
                        "protection", "Quelle protection la personne a-t-elle obtenue, et à quelle date ?"
                    )
                )
                return self.raison(
                    "bpi",
                    "inconnu",
                    f"{self.libelle(suppose)} (donnée) : délivrée après une décision de protection, dont la "
                    "nature et la date ne sont pas renseignées",
                    _joindre(reference, self.types[suppose.type]["article"]),
                    _faits("protection", "deduit", "titres_sejour"),
                )
        if protection is None or protection.type not in _INTERNATIONALE:
            return self.raison("bpi", "non", "pas de protection internationale", reference)
        libelle = _LIBELLES_PROTECTION[protection.type]
        if protection.date is None:
            self.manque(
                FaitManquant("protection.date", "À quelle date la protection a-t-elle été accordée ?")
            )
            if protection.autorite is None:
                self.manque(_question_autorite(protection.type))
            return self.raison("bpi", "inconnu", f"date de la décision ({libelle}) non renseignée", reference)
        faits = _faits("protection", "donne")
        if protection.date > jour:
            return self.raison(
                "bpi",
                "non",
                f"{_ACCORDE[protection.type]} le {date_longue(protection.date)}, après cette date (donné)",
                reference,
                faits,
            )
        if protection.fin is not None and protection.fin.date <= jour:
            return self.raison(
                "bpi",
                "non",
                f"{_ACCORDE[protection.type]} le {date_longue(protection.date)}, fin de la protection le "
                f"{date_longue(protection.fin.date)} ({_LIBELLES_FIN[protection.fin.motif]}) (donné) : n'est plus "
                "protégé",
                f"{reference} ; {FIN_BPI}",
                faits,
            )
        limite = plus_annees(protection.date, duree.valeur)
        if atteint(jour, limite):
            return self.raison(
                "bpi",
                "non",
                f"{_ACCORDE[protection.type]} le {date_longue(protection.date)} (donné) : {duree.valeur} ans "
                f"révolus le {date_longue(limite)}, n'est plus primo-arrivant"  # type: ignore[arg-type]
                if self.avec_raisons
                else "",
                reference,
                faits,
            )
        if protection.autorite is None:
            self.manque(_question_autorite(protection.type))
            return self.raison(
                "bpi",
                "inconnu",
                f"{_ACCORDE[protection.type]} le {date_longue(protection.date)} (donné) ; autorité de "
                "reconnaissance non renseignée",
                reference,
                faits,
            )
        return self.raison(
            "bpi",
            "oui",
            f"{_ACCORDE[protection.type]} par {_AUTORITES[protection.autorite]} le {date_longue(protection.date)} "
            "(donné), "
            f"primo-arrivant {_jusqu_au(limite)}"
            if self.avec_raisons
            else "",
            reference,
            faits,
        )

    # --- EPA -----------------------------------------------------------------
    def _depart(self, comptes: Any) -> tuple[_Part | None, date | None, str]:
        """When regular stay started: (a part that is "inconnu" or "non", or None; the day; its wording)."""
        p, jour = self.p, self.jour
        if self.depart == "cir":
            if p.cir is None:
                return (
                    _Part(
                        "inconnu",
                        "le délai court de la signature du CIR, non renseignée",
                        (
                            FaitManquant(
                                "cir.signature",
                                "À quelle date le contrat d'intégration républicaine a-t-il été signé ?",
                            ),
                        ),
                    ),
                    None,
                    "",
                )
            wording = (
                f"de la signature du CIR le {date_longue(p.cir.signature)} (donnée)"
                if self.avec_raisons
                else ""
            )
            return None, p.cir.signature, wording
        comptes_tous = comptes.valeur == "tous"
        candidats = [
            (titre.debut, i, titre)
            for i, titre in self.commences
            if comptes_tous or self.types[titre.type]["motif"] in _MOTIFS_OUVRANTS
        ]
        protection = p.protection
        debut_protection = (
            protection.date
            if protection is not None
            and protection.type in _INTERNATIONALE
            and protection.date is not None
            and protection.date <= jour
            else None
        )
        if not candidats and debut_protection is None:
            return (
                _Part("inconnu", "aucun titre de séjour renseigné à cette date", (QUESTION_TITRES,)),
                None,
                "",
            )
        premier = min(candidats, key=lambda c: c[0]) if candidats else None
        if premier is not None and (debut_protection is None or premier[0] < debut_protection):
            debut, i, titre = premier
            genre = self.types[titre.type]
            quel = "premier titre de séjour" if comptes_tous else "premier titre d'un motif ouvrant"
            if p.titres_anterieurs_inconnus:
                quel = f"{quel} connu"
            wording = f"du {date_longue(debut)}, {quel} ({titre.type}, donné)" if self.avec_raisons else ""
            if genre.get("apres_sejour") or (genre.get("suppose_protection") and debut_protection is None):
                # Issued after earlier regular stay (carte de résident) or after a protection decision
                # whose date is not given: the stay started before, on an unknown day.
                avant = (
                    "un séjour régulier antérieur"
                    if genre.get("apres_sejour")
                    else "une décision de protection"
                )
                duree = self.param("epa.duree_sejour_max_annees").valeur
                limite = plus_annees(debut, duree)
                if atteint(jour, limite):
                    return (
                        _Part(
                            "non",
                            f"{self.libelle(titre)} délivrée le {date_longue(debut)} (donné) après {avant} : "
                            f"{duree} ans de séjour régulier révolus au plus tard le {date_longue(limite)}",  # type: ignore[arg-type]
                            faits=_faits("debut_sejour_regulier", "deduit", f"titres_sejour.{i}"),
                            reference=genre["article"],
                        ),
                        None,
                        "",
                    )
                question = (
                    FaitManquant(
                        "titres_sejour",
                        f"Quels titres de séjour la personne avait-elle avant sa {self.libelle(titre)} du "
                        f"{date_longue(debut)} ?",
                    )
                    if genre.get("apres_sejour")
                    else FaitManquant(
                        "protection", "Quelle protection la personne a-t-elle obtenue, et à quelle date ?"
                    )
                )
                return (
                    _Part(
                        "inconnu",
                        f"{self.libelle(titre)} délivrée le {date_longue(debut)} (donné), après {avant} : date "
                        "de début du séjour régulier non renseignée",
                        (question,),
                        reference=genre["article"],
                    ),
                    None,
                    "",
                )
            return None, debut, wording
        assert protection is not None and debut_protection is not None
        return (
            None,
            debut_protection,
            f"du {date_longue(debut_protection)}, décision de protection ({_LIBELLES_PROTECTION[protection.type]}, "
            "donnée)",
        )

    def _titre_ouvrant(self) -> _Part:
        valides = self.valides
        ouvrants = [(i, t) for i, t in valides if self.types[t.type]["motif"] in _MOTIFS_OUVRANTS]
        if ouvrants:
            i, titre = ouvrants[-1]
            genre = self.types[titre.type]
            reference = genre["article"]
            if not (titre.fin is not None and self.jour <= titre.fin):
                reference = f"{reference} ; {RECEPISSE}"
            return _Part(
                "oui",
                f"{self.titre_valide_texte(i, titre)} (donné) : {_MOTIFS[genre['motif']]}"
                if self.avec_raisons
                else "",
                faits=_faits("titres_sejour", "donne"),
                reference=reference,
            )
        a_preciser = [(i, t) for i, t in valides if self.types[t.type]["motif"] == "a_preciser"]
        if a_preciser:
            i, titre = a_preciser[-1]
            return _Part(
                "inconnu",
                f"{self.titre_valide_texte(i, titre)} : le fondement décide du motif",
                (
                    FaitManquant(
                        f"titres_sejour.{i}.type",
                        f"Sur quel fondement la carte « vie privée et familiale » du {date_longue(titre.debut)} "
                        "a-t-elle été délivrée ? Type vie_privee_familiale_dispensee_cir (articles L423-13 ou "
                        "L425-9, dont l'étranger malade) ou vie_privee_familiale_autre (tout autre fondement).",
                    ),
                ),
                reference=self.types[titre.type]["article"],
            )
        if valides:
            i, titre = valides[-1]
            genre = self.types[titre.type]
            motif = (
                "relève de la protection temporaire (public BPT), pas du public EPA"
                if genre["motif"] == "protection_temporaire"
                else "motif exclu (études, séjour temporaire ou titre dispensé du contrat d'intégration républicaine)"
            )
            return _Part(
                "non",
                f"titre en cours : {self.titre_valide_texte(i, titre)} (donné) : {motif}"
                if self.avec_raisons
                else "",
                faits=_faits("titres_sejour", "donne"),
                reference=genre["article"],
            )
        # No titre known to be valid on the day: the latest one decides what to ask.
        if self.courant is None:
            return _Part("inconnu", "aucun titre de séjour renseigné à cette date", (QUESTION_TITRES,))
        i, titre = self.courant
        if self.courant in self.retires:
            texte = (
                f"{self.libelle(titre)} délivrée au titre de la protection, qui a pris fin le "
                f"{date_longue(self.fin_protection)} (donné) : retirée avec elle ; titre de séjour depuis non "  # type: ignore[arg-type]
                "renseigné"
            )
            return _Part("inconnu", texte, (self.question_titres(),), reference=RETRAIT)
        if not self.avec_raisons:
            texte = ""
        elif titre.fin is None:
            texte = (
                f"{self.libelle(titre)} du {date_longue(titre.debut)} (donné) : validité à cette date non établie "
                "(date de fin non renseignée)"
            )
        else:
            fin = max(d for d in (titre.fin, titre.recepisse_fin) if d is not None)
            texte = f"aucun titre de séjour en cours de validité à cette date ({titre.type} expiré le {date_longue(fin)})"
        return _Part("inconnu", texte, (self.question_titres(),))

    def _intention(self) -> _Part:
        intention = self.p.intention_installation
        if intention is None:
            return _Part(
                "inconnu",
                "intention de s'installer durablement non renseignée",
                (
                    FaitManquant(
                        "intention_installation",
                        "La personne a-t-elle l'intention de s'installer durablement en France ?",
                    ),
                ),
            )
        faits = _faits("intention_installation", "donne")
        if not intention:
            return _Part("non", "n'a pas l'intention de s'installer durablement (donné)", faits=faits)
        return _Part("oui", "intention de s'installer durablement (donnée)", faits=faits)

    def epa(self) -> Resultat:
        jour = self.jour
        duree = self.param("epa.duree_sejour_max_annees")
        comptes = self.param("epa.titres_comptes")
        reference = _joindre(duree.reference, comptes.reference)
        probleme, depart, wording = self._depart(comptes)
        if probleme is not None:
            delai = probleme
        else:
            assert depart is not None
            limite = plus_annees(depart, duree.valeur)
            anterieurs = self.depart == "premier_titre" and self.p.titres_anterieurs_inconnus
            if anterieurs and not atteint(jour, limite):
                # Earlier titres unknown: an earlier one would have started the delay sooner.
                delai = _Part(
                    "inconnu",
                    f"séjour régulier compté {wording} : moins de {duree.valeur} ans {_jusqu_au(limite)} si "
                    "aucun titre antérieur ; titres antérieurs inconnus (donné)",
                    (
                        FaitManquant(
                            "titres_anterieurs_inconnus",
                            f"La personne a-t-elle eu un titre de séjour avant celui du {date_longue(depart)} ? "
                            "Si oui, ajoutez-le à titres_sejour ; sinon, titres_anterieurs_inconnus : non.",
                        ),
                    ),
                    faits=_faits("titres_anterieurs_inconnus", "donne"),
                )
            elif atteint(jour, limite):
                delai = _Part(
                    "non",
                    f"séjour régulier compté {wording} : {duree.valeur} ans révolus le {date_longue(limite)}"  # type: ignore[arg-type]
                    if self.avec_raisons
                    else "",
                    faits=_faits("debut_sejour_regulier", "donne"),
                )
            else:
                delai = _Part(
                    "oui",
                    f"séjour régulier compté {wording} : moins de {duree.valeur} ans {_jusqu_au(limite)}"
                    if self.avec_raisons
                    else "",
                    faits=_faits("debut_sejour_regulier", "donne"),
                )
        return self.combiner("epa", [delai, self._titre_ouvrant(), self._intention()], reference)


def _question_autorite(kind: str) -> FaitManquant:
    qui = "l'OFPRA" if kind == "apatride" else "l'OFPRA ou la CNDA"
    return FaitManquant(
        "protection.autorite",
        f"Qui a reconnu la protection : {qui} ? (une protection reconnue par un autre État n'est pas une "
        "protection en France)",
    )


def evaluer(
    personne: Personne,
    jour: date,
    params: Parametres,
    depart: DepartEpa = "premier_titre",
    *,
    raisons: bool = True,
) -> Verdict:
    """The verdict on ``personne`` at ``jour``. ``raisons=False``: the same verdict, public and
    missing facts, without the reasons (a batch prints them only with --avec-donnees)."""
    try:
        e = _Evaluation(personne, jour, params, depart, raisons)
        nationalite = e.nationalite()
        exclusions = e.exclusions()
        bpt = e.bpt()
        bpi = e.bpi()
        epa = e.epa() if bpt != "oui" and bpi != "oui" else "oui"
    except HorsPeriode as exc:
        return Verdict(
            jour,
            None,
            "non_couvert",
            [
                Raison(
                    "parametres",
                    "inconnu",
                    f"règles non couvertes à cette date : le paramètre « {exc.nom} » commence le "
                    f"{date_longue(exc.premiere.depuis)}",
                    exc.premiere.reference,
                )
            ],
            [],
        )
    if nationalite == "non" or exclusions == "non" or bpt == bpi == epa == "non":
        # No answer to any question could make the person eligible.
        return Verdict(jour, None, "non_eligible", e.raisons, [])
    if nationalite == "oui" and exclusions == "oui":
        for public, resultat in (("BPT", bpt), ("BPI", bpi), ("EPA", epa)):
            if resultat == "oui":
                return Verdict(jour, public, "eligible", e.raisons, [])
    return Verdict(jour, None, "indetermine", e.raisons, e.manquants)


def types_connus(params: Parametres) -> list[str]:
    """Every titre type the parameters have ever known (a name valid at any date)."""
    known: dict[str, None] = {}
    for value in params.valeurs("titres.types"):
        known.update(dict.fromkeys(value.valeur))
    return list(known)


def titres_inconnus(personne: Personne, params: Parametres) -> list[int]:
    """Indexes of the titres whose type the parameters do not know."""
    known = set(types_connus(params))
    return [i for i, titre in enumerate(personne.titres_sejour) if titre.type not in known]


# --- the thresholds of a day -----------------------------------------------------------
# A condition that reads a person's day only by comparing it with the day of the check, or
# ``n`` years after it with the day of the check (``atteint(jour, plus_annees(day, n))``, n a
# number of years in force), gives the same result for any two days on the same side of each
# threshold below: a memo without reasons may key such a day by its side (_Contexte.cote).
# tests/test_eligibility_lot.py compares, over thousands of days on each side of every
# threshold (a birthday on the day, 29 February), the batch with a fresh evaluation of each person.


def _dernier_jour(vrai: Callable[[date], bool]) -> date | None:
    """The last day for which ``vrai`` holds, ``vrai`` holding up to a day and never after; None if never."""
    bas, haut = date.min.toordinal(), date.max.toordinal()
    if not vrai(date.min):
        return None
    while bas < haut:  # vrai(bas) holds
        milieu = (bas + haut + 1) // 2
        if vrai(date.fromordinal(milieu)):
            bas = milieu
        else:
            haut = milieu - 1
    return date.fromordinal(bas)


def seuils_dates(jour: date, params: Parametres) -> tuple[date, ...]:
    """The days ``s`` such that knowing ``day <= s`` for each of them tells every comparison the
    rules make between a person's ``day`` and the check's day, on ``jour``: the day itself, the
    day before, and for each number of years ``n`` in force, the last day from which ``n`` years
    are reached on ``jour`` (computed with the rules' own plus_annees and atteint)."""
    seuils = {jour}
    if jour > date.min:
        seuils.add(date.fromordinal(jour.toordinal() - 1))
    for valeur in params.en_vigueur(jour).values():
        if type(valeur.valeur) is int:
            dernier = _dernier_jour(lambda day, n=valeur.valeur: atteint(jour, plus_annees(day, n)))
            if dernier is not None:
                seuils.add(dernier)
    return tuple(sorted(seuils))

"""Many contracts at once: the departmental and national view (``ctai aggregate``).

Each contract is validated first (reader, models and every cross-file check, as ``ctai
validate``); one with an error is listed with its error count and kept out of every
figure. The money of each kept contract comes from :func:`ctai_cli.budget.rapprocher`
and is added with :class:`ctai_cli.budget.Somme` only: an unknown term makes the total
unknown (``None``), the sum of the known terms is offered as ``partiel``, to be labelled.
Counts of beneficiaries follow the same rule (an action without beneficiaries in its
bilan is an unknown term, never 0).

Sources are contract folders, or the entries of a manifest file (:mod:`ctai_cli.manifest`):
a folder, or a git repository (bare or not) and a revision, read with the real ``git``
without a work tree (:func:`ctai_cli.avenants.gitrev.ouvrir_revision`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctai_cli.budget import (
    COLONNES,
    PrevuRealise,
    Rapprochement,
    Somme,
    Totaux,
    liens_internes,
    money_text,
    rapprocher,
)
from ctai_cli.francais import nombre_de

if TYPE_CHECKING:
    from ctai_cli.repository import Depot

PUBLICS = ("EPA", "BPI", "BPT")
HORS_PUBLIC = "hors_public"  # beneficiaries rows: what a structure's whole file active adds
# beneficiaries rows: the people of an action's total whose public the bilan does not give (the
# fiche-bilan's « Non ventilé »); while it is not 0, every public's count is only a minimum.
NON_VENTILE = "non_ventile"
# « report_interne »: reported to another year of the same contract, so counted again in that
# year's disponible; outside the contract's reliquat (each euro once). « inconnue »: reliquats
# whose amount is unknown (no spending in the bilan, no budget, no bilan, no annexe) and that
# state no disposition: unknown terms, shown so that no money vanishes from the display.
DISPOSITIONS = (
    "report",
    "reversement",
    "conserve",
    "en_attente",
    "non_indiquee",
    "inconnue",
    "report_interne",
)
LIBELLES_DISPOSITION = {
    "report": "reporté",
    "reversement": "reversé",
    "conserve": "conservé",
    "en_attente": "en attente",
    "non_indiquee": "disposition non indiquée",
    "inconnue": "disposition inconnue",
    "report_interne": "reporté d'une année à l'autre du contrat (hors reliquat du contrat)",
}
ETATS_BILAN = {
    "remis": "remis",
    "remis_en_retard": "remis en retard",
    "remis_date_inconnue": "présent, date de remise non renseignée",
    "manquant": "manquant",
    "a_venir": "à venir",
    "echeance_inconnue": "échéance impossible",
    "remis_echeance_non_precisee": "remis, échéance non précisée",
    "echeance_non_precisee": "absent, échéance non précisée (dû ou non : inconnu)",
}


@dataclass(frozen=True)
class Source:
    """One contract to read: a folder, or a folder of a git repository at a revision."""

    affichage: str  # as shown to the user
    chemin: Path | None = None  # a folder on disk
    depot_git: Path | None = None  # a git repository (work tree or bare)
    revision: str | None = None
    sous_dossier: str = ""  # the contract folder inside the repository


@dataclass(frozen=True)
class Exclu:
    """A contract left out of the figures, and why."""

    source: str
    erreurs: int
    avertissements: int
    raison: str  # French: « 3 erreurs de validation », « révision inconnue … »


@dataclass(frozen=True)
class EtatBilan:
    annee: int
    echeance: date | None
    remis: bool
    date_remise: date | None
    etat: str  # key of ETATS_BILAN

    @property
    def libelle(self) -> str:
        return ETATS_BILAN[self.etat]


@dataclass(frozen=True)
class Copils:
    annee: int
    tenus: int | None  # None: « non précisé » in the bilan, or no bilan
    minimum: int | None  # None: the contract does not state it (never a default)
    bilan: bool  # False: no bilan for that year


@dataclass(frozen=True)
class Beneficiaires:
    """Beneficiaries summed over actions (a person in two actions counts twice)."""

    total: Somme  # people of the contract's public
    par_public: dict[str, Somme]  # "EPA", "BPI", "BPT", or "EPA+BPI" for a group counted together
    # What structures' whole files active (bilan « file_active: true ») count beyond the contract's
    # public: shown apart, never in the total (no term: no file active).
    hors_public: Somme = field(default_factory=Somme)
    # Actions (or years without annexe) whose split by public is unknown, or known only in part:
    # any group, « EPA+BPI » included, may hold some of their people, so each group counts them
    # as unknown terms.
    sans_ventilation: int = 0
    # People of the total whose public the bilans do not give (« non ventilé »).
    non_ventile: Somme = field(default_factory=Somme)
    # Publics the contract does not cover (Rennes 2020: BPI only): « sans objet », never unknown;
    # for a sum of contracts, those none of them covers.
    sans_objet: frozenset[str] = frozenset()

    def groupe(self, cle: str) -> Somme:
        """The sum for a group; a group this contract does not list is 0 for its split actions, and
        unknown for each action whose split is unknown (0 when the contract covers none of its
        publics)."""
        if cle in self.par_public:
            return self.par_public[cle]
        if all(p in self.sans_objet for p in cle.split("+")):
            return Somme()
        return Somme(termes=self.sans_ventilation, inconnus=self.sans_ventilation)

    def __add__(self, other: Beneficiaires) -> Beneficiaires:
        keys = list(dict.fromkeys([*self.par_public, *other.par_public]))
        return Beneficiaires(
            self.total + other.total,
            {k: self.groupe(k) + other.groupe(k) for k in keys},
            self.hors_public + other.hors_public,
            self.sans_ventilation + other.sans_ventilation,
            self.non_ventile + other.non_ventile,
            self.sans_objet & other.sans_objet,
        )


@dataclass(frozen=True)
class Territoire:
    """One valid contract, as the figures see it."""

    source: str
    territoire: str
    departement: str
    intitule: str
    collectivites: tuple[str, ...]
    debut: int
    fin: int
    statut: str
    publics: tuple[str, ...]
    axes: tuple[tuple[int, str], ...]  # (numéro, titre)
    rapprochement: Rapprochement
    actions_par_axe: dict[int, int]
    beneficiaires: Beneficiaires
    beneficiaires_lignes: tuple[dict[str, Any], ...]
    bilans: tuple[EtatBilan, ...]
    copils: tuple[Copils, ...]
    avertissements: int

    # Amounts contrat.yaml gives with no funder or programme (enveloppe « origine: non précisé »):
    # never counted as BOP 104 credits, shown apart so that they do not vanish.
    dotations: tuple[tuple[int, Decimal], ...] = ()

    @cached_property
    def annexes_absentes(self) -> list[int]:
        return [a.annee for a in self.rapprochement.annees if a.cadre == "contrat" and not a.annexe]

    @cached_property
    def annexes_partielles(self) -> list[int]:
        """Years whose annexe says it lists only part of the actions (« partielle »)."""
        return [
            y for a in self.rapprochement.annees if a.cadre == "contrat" for y in a.totaux.annexes_partielles
        ]

    def actions(self, numero: int) -> int | None:
        """The number of fiches-actions of an axe; None (unknown) when an annexe of the period is
        missing or partial (the known count is then only a lower bound, see :meth:`actions_connues`)."""
        return (
            None if self.annexes_absentes or self.annexes_partielles else self.actions_par_axe.get(numero, 0)
        )

    def actions_connues(self, numero: int) -> int:
        return self.actions_par_axe.get(numero, 0)

    def actions_texte(self, numero: int) -> str:
        """« 3 », or « au moins 2 (annexes 2021, 2022 absentes) », or « — (annexes … absentes) »."""
        connues = self.actions_connues(numero)
        if not self.annexes_absentes and not self.annexes_partielles:
            return str(connues)
        raisons = []
        for annees, etat in ((self.annexes_absentes, "absente"), (self.annexes_partielles, "partielle")):
            if annees:
                s = "s" if len(annees) > 1 else ""
                raisons.append(f"annexe{s} {', '.join(str(a) for a in annees)} {etat}{s}")
        quoi = " ; ".join(raisons)
        return f"au moins {connues} ({quoi})" if connues else f"— (inconnu : {quoi})"

    @cached_property
    def annees(self) -> list[int]:
        return [a.annee for a in self.rapprochement.annees if a.cadre == "contrat"]

    @cached_property
    def totaux(self) -> Totaux:
        """BOP 104 over the contract's years (or the year asked)."""
        r = self.rapprochement
        if r.filtre is None:
            contrat = r.contrat
            assert contrat is not None
            return contrat
        return _ajouter_totaux(a.totaux for a in r.annees if a.cadre == "contrat")

    @cached_property
    def par_axe(self) -> dict[int, Totaux]:
        return self.rapprochement.par_axe

    @cached_property
    def cofinancements(self) -> PrevuRealise:
        r = self.rapprochement
        if r.filtre is None:
            return r.cofinancements_contrat[1]
        total = PrevuRealise()
        for annee in r.annees:
            if annee.cadre == "contrat":
                total = total + annee.cofinancements_total
        return total

    @cached_property
    def enveloppes(self) -> Somme:
        return Somme.de(a.enveloppe.montant for a in self.rapprochement.annees if a.cadre == "contrat")

    @cached_property
    def illustratif(self) -> tuple[str, ...]:
        """What is invented (no source) in the files counted: the « Illustratif » lines."""
        return self.rapprochement.illustratif

    @cached_property
    def reliquats(self) -> dict[str, Somme]:
        """Reliquats by disposition; a known non-zero reliquat without one: « non indiquée »; an
        unknown one without one (or a year without annexe): « inconnue »; one reported to another
        year of the contract: « report_interne » (the other keys add up to the contract's reliquat)."""
        out: dict[str, Somme] = {}
        lignes = self._lignes()
        internes = liens_internes(lignes)
        for ligne in lignes:
            reliquat = ligne.reliquat
            if (ligne.cle, ligne.vers) in internes and reliquat is not None:
                key = "report_interne"
            elif ligne.disposition is not None:
                key = ligne.disposition
            elif reliquat is None:
                key = "inconnue"
            elif reliquat != 0:
                key = "non_indiquee"
            else:
                continue
            out[key] = out.get(key, Somme()) + Somme.de([reliquat])
        manquantes = len(self.annexes_absentes) + len(self.annexes_partielles)
        if manquantes:
            out["inconnue"] = out.get("inconnue", Somme()) + Somme.de([None] * manquantes)
        return {k: out[k] for k in DISPOSITIONS if k in out}

    def axe_titre(self, numero: int) -> str:
        return next((t for n, t in self.axes if n == numero), f"axe {numero}")

    def _lignes(self) -> list:
        return [ligne for a in self.rapprochement.annees if a.cadre == "contrat" for ligne in a.lignes]


def _ajouter_totaux(totaux: Iterable[Totaux]) -> Totaux:
    """Totaux of several groups added term by term (unknown terms stay unknown)."""
    totaux = list(totaux)
    sommes = {name: Somme() for name in COLONNES}
    for t in totaux:
        sommes = {name: sommes[name] + t.sommes[name] for name in COLONNES}
    return Totaux(
        sommes,
        lignes=sum(t.lignes for t in totaux),
        sans_budget=sum(t.sans_budget for t in totaux),
        sans_depense=sum(t.sans_depense for t in totaux),
        sans_versement=sum(t.sans_versement for t in totaux),
        annexes_absentes=tuple(y for t in totaux for y in t.annexes_absentes),
        annexes_partielles=tuple(y for t in totaux for y in t.annexes_partielles),
        budget_non_precise=sum(t.budget_non_precise for t in totaux),
        bilans_absents=tuple(sorted({y for t in totaux for y in t.bilans_absents})),
        reports_internes=sum((t.reports_internes for t in totaux), Decimal(0)),
        reliquats_internes=sum((t.reliquats_internes for t in totaux), Decimal(0)),
    )


@dataclass(frozen=True)
class Mediane:
    """The median over territories; unknown as soon as one territory's value is unknown."""

    valeurs: tuple[Decimal, ...]
    inconnus: int

    @property
    def valeur(self) -> Decimal | None:
        return _mediane(self.valeurs) if self.inconnus == 0 else None

    @property
    def partielle(self) -> Decimal | None:
        """The median of the known values only, when some are unknown (label it)."""
        return _mediane(self.valeurs) if self.inconnus and self.valeurs else None

    @property
    def effectif(self) -> int:
        return len(self.valeurs) + self.inconnus


def _mediane(values: tuple[Decimal, ...]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return ((ordered[middle - 1] + ordered[middle]) / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def mediane(values: Iterable[Decimal | None]) -> Mediane:
    values = list(values)
    return Mediane(tuple(v for v in values if v is not None), sum(1 for v in values if v is None))


@dataclass
class Agregat:
    """Every contract read: those kept (figures) and those excluded (listed).

    The figures are computed once, on first use (:func:`aggregate` returns a complete
    object; adding territories afterwards would leave them stale).
    """

    annee: int | None
    date: date
    territoires: list[Territoire] = field(default_factory=list)
    exclus: list[Exclu] = field(default_factory=list)
    hors_annee: list[str] = field(default_factory=list)  # valid, but --annee is not one of their years

    @property
    def lus(self) -> int:
        return len(self.territoires) + len(self.exclus) + len(self.hors_annee)

    @cached_property
    def totaux(self) -> Totaux:
        return _ajouter_totaux(t.totaux for t in self.territoires)

    @property
    def inconnus_texte(self) -> str | None:
        """Why some totals are unknown, each missing or partial annexe named with its contract:
        « inconnu : annexe 2026 absente (Dax 2024–2026), annexe 2020 absente (Dax 2020), … »."""
        from dataclasses import replace

        totaux = self.totaux
        if totaux.complet:
            return None
        parts = []
        for t, label in zip(self.territoires, etiquettes(self.territoires), strict=True):
            for annees, etat in ((t.annexes_absentes, "absente"), (t.annexes_partielles, "partielle")):
                if annees:
                    s = "s" if len(annees) > 1 else ""
                    parts.append(f"annexe{s} {', '.join(map(str, annees))} {etat}{s} ({label})")
        for t, label in zip(self.territoires, etiquettes(self.territoires), strict=True):
            if t.totaux.bilans_absents:  # the spending of those years is unknown for that reason
                s = "s" if len(t.totaux.bilans_absents) > 1 else ""
                parts.append(f"bilan{s} {', '.join(map(str, t.totaux.bilans_absents))} absent{s} ({label})")
        reste = (
            replace(totaux, annexes_absentes=(), annexes_partielles=(), bilans_absents=()).inconnus_texte
            or ""
        )
        reste = reste.removeprefix("inconnu : ")
        return "inconnu : " + ", ".join(p for p in [*parts, reste] if p)

    @property
    def annexes_manquantes(self) -> list[dict[str, Any]]:
        """JSON: the missing (« absentes ») and partial annexes, contract by contract."""
        return [
            {
                "source": t.source,
                "absentes": list(t.annexes_absentes),
                "partielles": list(t.annexes_partielles),
            }
            for t in self.territoires
            if t.annexes_absentes or t.annexes_partielles
        ]

    @cached_property
    def par_departement(self) -> dict[str, Totaux]:
        groups: dict[str, list[Totaux]] = {}
        for t in self.territoires:
            groups.setdefault(t.departement, []).append(t.totaux)
        return {
            k: _ajouter_totaux(v) for k, v in sorted(groups.items(), key=lambda kv: _cle_departement(kv[0]))
        }

    @cached_property
    def _axes(self) -> dict[str, list[tuple[Territoire, Totaux]]]:
        # Axes are matched across contracts by their title as written (no guessing that
        # two wordings mean the same axe): « Apprentissage du français » everywhere.
        groups: dict[str, list[tuple[Territoire, Totaux]]] = {}
        for t in self.territoires:
            for numero, titre in t.axes:
                totaux = t.par_axe.get(numero)
                if totaux is None:  # no action on that axe: 0, unless an annexe is missing or partial
                    totaux = Totaux.de([], t.annexes_absentes, t.annexes_partielles)
                groups.setdefault(titre, []).append((t, totaux))
        return groups

    @cached_property
    def par_axe(self) -> dict[str, Totaux]:
        return {titre: _ajouter_totaux(tt for _, tt in v) for titre, v in self._axes.items()}

    def mediane_axe(self, titre: str, colonne: str = "alloue") -> Mediane:
        return mediane(getattr(tt, colonne) for _, tt in self._axes.get(titre, []))

    @cached_property
    def cofinancements(self) -> PrevuRealise:
        total = PrevuRealise()
        for t in self.territoires:
            total = total + t.cofinancements
        return total

    @cached_property
    def enveloppes(self) -> Somme:
        total = Somme()
        for t in self.territoires:
            total = total + t.enveloppes
        return total

    @cached_property
    def reliquats(self) -> dict[str, Somme]:
        out: dict[str, Somme] = {}
        for t in self.territoires:
            for k, s in t.reliquats.items():
                out[k] = out.get(k, Somme()) + s
        return {k: out[k] for k in DISPOSITIONS if k in out}

    @cached_property
    def beneficiaires(self) -> Beneficiaires:
        total = Beneficiaires(Somme(), {}, sans_objet=frozenset(PUBLICS))
        for t in self.territoires:
            total = total + t.beneficiaires
        return total

    def mediane_public(self, public: str | None) -> Mediane:
        """Median beneficiaries per territory, of one public (None: all publics)."""
        return mediane(
            _valeur_entiere(
                t.beneficiaires.total if public is None else t.beneficiaires.par_public.get(public)
            )
            for t in self.territoires
            if public is None or public in t.beneficiaires.par_public
        )

    @property
    def illustratif(self) -> list[str]:
        """« <source> : Bilan 2024 : … »: what is invented in the figures, contract by contract."""
        return [f"{t.source} : {ligne}" for t in self.territoires for ligne in t.illustratif]

    @cached_property
    def bilans(self) -> dict[str, int]:
        counts = dict.fromkeys(ETATS_BILAN, 0)
        for t in self.territoires:
            for b in t.bilans:
                counts[b.etat] += 1
        return {k: v for k, v in counts.items() if v}


def etiquettes(territoires: list[Territoire]) -> list[str]:
    """One distinct label per contract: « Dax 2020 », « Dax 2024–2026 »; the département, then
    the source, added while two are the same."""
    from ctai_cli.francais import periode

    labels = [f"{t.territoire} {periode(t.debut, t.fin, '–')}" for t in territoires]
    for extra in (lambda t: f" ({t.departement})", lambda t: f" — {t.source}"):
        doubles = {x for x in labels if labels.count(x) > 1}
        labels = [x + extra(t) if x in doubles else x for x, t in zip(labels, territoires, strict=True)]
    return labels


def _valeur_entiere(s: Somme | None) -> Decimal | None:
    return None if s is None else s.valeur


def _cle_departement(code: str) -> tuple[int, str]:
    digits = code.replace("2A", "20").replace("2B", "20")
    return (int(digits) if digits.isdigit() else 999, code)


# --- one contract ---------------------------------------------------------------------------


def beneficiaires_lignes(depot: Depot, years: list[int]) -> list[dict[str, Any]]:
    """Per action and year: the total (``groupe`` « total ») and one row per group of publics.

    ``nombre`` None is unknown: an action without beneficiaries in its bilan (or without
    bilan), a year without annexe; an action whose total is known but not its split by
    public has an unknown row for each of EPA, BPI and BPT. A « non_ventile » row holds the
    people of the total whose public is not given (the whole total when there is no split,
    the rest of it when the groups add up to less; unknown with the total): while it is not
    0, the groups of the action are minimums. When the bilan's total is a structure's whole
    file active (``file_active``), « total » is the contract's public (its groups by public)
    and a « hors_public » row holds what the file active adds beyond it. A public the contract
    does not cover (« publics ») has no unknown row: it is « sans objet », not unknown.
    """
    rows: list[dict[str, Any]] = []
    contrat = depot.contrat_model
    publics = [p for p in PUBLICS if contrat is None or p in contrat.publics]

    def unknown(year: int, action: str | None, total: int | None = None) -> None:
        rows.append({"annee": year, "action": action, "groupe": "total", "nombre": total})
        rows.extend({"annee": year, "action": action, "groupe": p, "nombre": None} for p in publics)
        rows.append({"annee": year, "action": action, "groupe": NON_VENTILE, "nombre": total})

    for year in years:
        fichier = depot.actions.get(year)
        annexe = fichier.model if fichier is not None else None
        if annexe is None:
            unknown(year, None)
            continue
        bilan_file = depot.bilans.get(year)
        bilan = bilan_file.model if bilan_file is not None else None
        entries = {}
        for entry in bilan.actions if bilan is not None and bilan.cadre == annexe.cadre else []:
            entries.setdefault(entry.action, entry)
        for action in annexe.actions:
            entry = entries.get(action.id)
            b = entry.beneficiaires if entry is not None else None
            if b is None:
                unknown(year, action.id)
            elif not b.par_public and b.du_public == 0:
                rows.append({"annee": year, "action": action.id, "groupe": "total", "nombre": 0})
            elif not b.par_public:
                # No split by public; a file active's share of the contract's public is unknown.
                unknown(year, action.id, b.du_public)
                if b.file_active:
                    rows.append({"annee": year, "action": action.id, "groupe": HORS_PUBLIC, "nombre": None})
            else:
                du_public = b.du_public
                rows.append({"annee": year, "action": action.id, "groupe": "total", "nombre": du_public})
                if b.file_active:
                    rows.append(
                        {
                            "annee": year,
                            "action": action.id,
                            "groupe": HORS_PUBLIC,
                            "nombre": b.total - du_public,
                        }
                    )
                for groupe in b.par_public:
                    key = "+".join(p for p in PUBLICS if p in groupe.publics)
                    rows.append({"annee": year, "action": action.id, "groupe": key, "nombre": groupe.nombre})
                reste = b.total - sum(g.nombre for g in b.par_public)
                if reste > 0 and not b.file_active:
                    rows.append({"annee": year, "action": action.id, "groupe": NON_VENTILE, "nombre": reste})
    return rows


def _beneficiaires(rows: list[dict[str, Any]], publics: Iterable[str] = PUBLICS) -> Beneficiaires:
    actions: dict[tuple[int, str | None], dict[str, Decimal | None]] = {}
    for row in rows:
        value = row["nombre"]
        actions.setdefault((row["annee"], row["action"]), {})[row["groupe"]] = (
            None if value is None else Decimal(value)
        )
    speciaux = ("total", HORS_PUBLIC, NON_VENTILE)
    cles = dict.fromkeys(k for a in actions.values() for k in a if k not in speciaux)

    def ouverte(a: dict[str, Decimal | None]) -> bool:
        """Some people of the action's total have no public given (or the total is unknown)."""
        return NON_VENTILE in a and (a[NON_VENTILE] is None or a[NON_VENTILE] > 0)

    sans_objet = frozenset(PUBLICS) - set(publics)
    par_groupe: dict[str, Somme] = {}
    for cle in cles:
        termes: list[Decimal | None] = []
        # the non-ventilé people are of the contract's publics
        peut_en_etre = not all(p in sans_objet for p in cle.split("+"))
        for a in actions.values():
            if cle in a:
                termes.append(a[cle])
                if ouverte(a) and a[cle] is not None and peut_en_etre:
                    termes.append(None)  # the non-ventilé people may be of this group too
            elif ouverte(a) and peut_en_etre:
                termes.append(None)
        par_groupe[cle] = Somme.de(termes)
    order = sorted(par_groupe, key=lambda k: (k.count("+"), [PUBLICS.index(p) for p in k.split("+")]))
    return Beneficiaires(
        total=Somme.de(a["total"] for a in actions.values()),
        par_public={k: par_groupe[k] for k in order},
        hors_public=Somme.de(a[HORS_PUBLIC] for a in actions.values() if HORS_PUBLIC in a),
        sans_ventilation=sum(1 for a in actions.values() if ouverte(a)),
        non_ventile=Somme.de(a[NON_VENTILE] for a in actions.values() if NON_VENTILE in a),
        sans_objet=sans_objet - set(par_groupe),
    )


def _bilans(
    depot: Depot, years: list[int], reference: date
) -> tuple[tuple[EtatBilan, ...], tuple[Copils, ...]]:
    from ctai_cli.checks.calendrier import echeance_bilan
    from ctai_cli.models.common import precise

    contrat = depot.contrat_model
    assert contrat is not None
    etats, copils = [], []
    for year in years:
        due = echeance_bilan(contrat, year)
        fichier = depot.bilans.get(year)
        bilan = fichier.model if fichier is not None else None
        if bilan is not None and bilan.cadre != "contrat":
            bilan = None
        remise = bilan.date_remise if bilan is not None else None
        if contrat.gouvernance.echeance is None:
            etat = "echeance_non_precisee" if bilan is None else "remis_echeance_non_precisee"
        elif due is None:
            etat = "echeance_inconnue"
        elif bilan is not None:
            etat = "remis_date_inconnue" if remise is None else "remis_en_retard" if remise > due else "remis"
        else:
            etat = "manquant" if reference > due else "a_venir"
        etats.append(EtatBilan(year, due, bilan is not None, remise, etat))
        tenus = precise(bilan.pilotage.copils_tenus) if bilan is not None else None
        copils.append(Copils(year, tenus, contrat.gouvernance.minimum_copils, bilan is not None))
    return tuple(etats), tuple(copils)


def territoire(
    depot: Depot, source: str, annee: int | None, reference: date, avertissements: int
) -> Territoire:
    """The figures of one valid contract (``annee``: that year only)."""
    contrat = depot.contrat_model
    assert contrat is not None
    rapprochement = rapprocher(depot, annee)
    years = [a.annee for a in rapprochement.annees if a.cadre == "contrat"]
    actions_par_axe: dict[int, int] = {}
    for year in years:
        fichier = depot.actions.get(year)
        annexe = fichier.model if fichier is not None else None
        if annexe is not None and annexe.cadre == "contrat":
            for action in annexe.actions:
                actions_par_axe[action.axe] = actions_par_axe.get(action.axe, 0) + 1
    bilans, copils = _bilans(depot, years, reference)
    lignes_beneficiaires = beneficiaires_lignes(depot, years)
    return Territoire(
        source=source,
        territoire=contrat.territoire,
        departement=contrat.departement,
        intitule=contrat.intitule,
        collectivites=tuple(p.nom for p in contrat.parties if p.role == "collectivite"),
        debut=contrat.periode.debut,
        fin=contrat.periode.fin,
        statut=contrat.statut,
        publics=tuple(contrat.publics),
        axes=tuple((a.numero, a.titre) for a in contrat.axes),
        rapprochement=rapprochement,
        actions_par_axe=dict(sorted(actions_par_axe.items())),
        dotations=tuple(
            (e.annee, e.montant)
            for e in sorted(contrat.enveloppes, key=lambda e: e.annee)
            if not e.bop104 and (annee is None or e.annee == annee)
        ),
        beneficiaires=_beneficiaires(lignes_beneficiaires, contrat.publics),
        beneficiaires_lignes=tuple(lignes_beneficiaires),
        bilans=bilans,
        copils=copils,
        avertissements=avertissements,
    )


# --- reading ------------------------------------------------------------------------------------


class SourceProblem(Exception):
    """A source cannot be read at all (git problem, not a contract folder)."""


class ContratEnDouble(Exception):
    """Two sources are the same contract (same territoire, département and période): adding
    both would count its money twice. Refused rather than warned about: the totals would still
    be wrong, and keeping one of them would be choosing a version for the user."""


def _doublons(territoires: list[Territoire]) -> None:
    from ctai_cli.francais import periode
    from ctai_cli.models.common import est_non_precise
    from ctai_cli.scaffold import A_COMPLETER

    seen: dict[tuple[str, str, int, int], Territoire] = {}
    for t in territoires:
        if A_COMPLETER in t.territoire or est_non_precise(t.territoire) or est_non_precise(t.departement):
            continue  # a territory not named yet names no contract: two skeletons are not one contract
        key = (" ".join(t.territoire.casefold().split()), t.departement, t.debut, t.fin)
        first = seen.setdefault(key, t)
        if first is not t:
            raise ContratEnDouble(
                f"le contrat de {first.territoire} ({t.departement}), {periode(t.debut, t.fin)}, est donné "
                f"deux fois : « {first.source} » et « {t.source} » (même territoire, même département, "
                "même période ; deux copies ou deux versions du même contrat) : ses montants seraient "
                "comptés deux fois ; n'en donnez qu'un"
            )


@contextmanager
def _ouvrir(source: Source) -> Iterator[tuple[Depot | None, list]]:
    from ctai_cli.repository import open_depot

    if source.depot_git is None:
        assert source.chemin is not None
        yield open_depot(source.chemin)
        return
    from ctai_cli.avenants.gitrev import Emplacement, GitProblem, ouvrir_revision, resoudre

    emplacement = Emplacement(
        chemin=Path(source.affichage), racine=source.depot_git, sous_dossier=source.sous_dossier
    )
    try:
        revision = resoudre(emplacement, source.revision or "HEAD")
        with ouvrir_revision(emplacement, revision) as opened:
            yield opened
    except GitProblem as exc:
        raise SourceProblem(str(exc)) from None


def aggregate(
    sources: Iterable[Source],
    annee: int | None,
    reference: date,
    progression: Callable[[int, int, str], None] | None = None,
) -> Agregat:
    """Read, validate and add up every source; ``reference`` dates the bilans' deadlines.

    ``progression(done, total, source)`` is called after each source. Raises
    :class:`ContratEnDouble` when two valid sources are the same contract.
    """
    from ctai_cli.checks import Contexte, run_checks
    from ctai_cli.repository import cap_per_file

    sources = list(sources)
    agregat = Agregat(annee, reference)
    contexte = Contexte(date=reference)
    for index, source in enumerate(sources, 1):
        try:
            _lire(source, agregat, contexte, run_checks, cap_per_file)
        except SourceProblem as exc:
            agregat.exclus.append(Exclu(source.affichage, 1, 0, str(exc)))
        if progression is not None:
            progression(index, len(sources), source.affichage)
    _doublons(agregat.territoires)
    return agregat


def _lire(source: Source, agregat: Agregat, contexte: Any, run_checks: Any, cap_per_file: Any) -> None:
    """Validate one source; add it to the figures, or to the excluded."""
    annee, reference = agregat.annee, agregat.date
    with _ouvrir(source) as (depot, diagnostics):
        if depot is None:
            errors = [d for d in diagnostics if d.is_error]
            reason = errors[0].message if errors else "dossier de contrat illisible"
            agregat.exclus.append(Exclu(source.affichage, max(len(errors), 1), 0, reason))
            return
        diagnostics = cap_per_file(list(diagnostics) + list(run_checks(depot, contexte)))
        errors = sum(1 for d in diagnostics if d.is_error)
        warnings = len(diagnostics) - errors
        if errors:
            agregat.exclus.append(
                Exclu(source.affichage, errors, warnings, f"{nombre_de(errors, 'erreur')} de validation")
            )
            return
        contrat = depot.contrat_model
        assert contrat is not None
        if annee is not None and not contrat.periode.debut <= annee <= contrat.periode.fin:
            agregat.hors_annee.append(source.affichage)
            return
        agregat.territoires.append(territoire(depot, source.affichage, annee, reference, warnings))


def money(value: Decimal | None) -> str | None:
    return money_text(value)


def count_text(value: Decimal | None) -> str | None:
    return None if value is None else str(int(value))


def somme_dict(s: Somme, fmt: Callable[[Decimal | None], str | None] = money_text) -> dict[str, Any]:
    out: dict[str, Any] = {"valeur": fmt(s.valeur), "complet": s.complet}
    if s.partiel is not None:
        out["partiel"] = fmt(s.partiel)
        out["inconnus"] = s.inconnus
    return out

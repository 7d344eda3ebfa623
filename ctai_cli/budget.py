"""The one money aggregate: State money (BOP 104) per action and year, co-financements, envelopes.

Everything is ``Decimal``, exact to the cent. For each action of each annexe::

    disponible = alloue + Σ reports entrants
    reliquat   = disponible - depense        (when the bilan gives the spending)
    ecart      = realise - prevu, and in % of prevu (CERFA 15059 logic: réalisé against
                 prévu); for BOP 104, prevu is the disponible and realise the spending

Unknown is never zero. A :class:`Somme` adds terms of which some may be unknown (no
budget in the annexe, no spending in the bilan, no annexe at all for a year of the
period): its value is then ``None`` (« — » in text and documents, ``null`` in JSON, an
empty cell with a note in a spreadsheet); the sum of the known terms is only offered as
``partiel``, to be shown labelled as partial. Every total, gap and percentage of
``ctai budget reconcile``, of the documents and of the checks comes from here.

Co-financements (other funders than the State's programme 104) are reconciled the same
way, funder by funder, prévu (annexe) against réalisé (bilan), and never added to BOP 104.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ctai_cli.repository import Depot

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
COLONNES = ("alloue", "report_entrant", "disponible", "verse", "depense", "reliquat")
LIBELLES = {
    "alloue": "alloué",
    "report_entrant": "report entrant",
    "disponible": "disponible",
    "verse": "versé",
    "depense": "dépensé",
    "reliquat": "reliquat",
}


def money_text(value: Decimal | None) -> str | None:
    """``Decimal("8000")`` → ``"8000.00"`` (JSON and CSV amounts); None stays None."""
    return None if value is None else f"{value.quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


def pct_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def ecart(prevu: Decimal | None, realise: Decimal | None) -> Decimal | None:
    """Réalisé − prévu; None when either is unknown."""
    return None if prevu is None or realise is None else realise - prevu


def ecart_pct(prevu: Decimal | None, realise: Decimal | None) -> Decimal | None:
    """The gap in % of the prévu, to two decimals; None when unknown or when the prévu is 0."""
    gap = ecart(prevu, realise)
    if gap is None or not prevu:
        return None
    return (gap * 100 / prevu).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Somme:
    """A sum of amounts of which some may be unknown."""

    connu: Decimal = ZERO  # the sum of the known terms
    termes: int = 0
    inconnus: int = 0

    @classmethod
    def de(cls, values: Iterable[Decimal | None]) -> Somme:
        connu, termes, inconnus = ZERO, 0, 0
        for value in values:
            termes += 1
            if value is None:
                inconnus += 1
            else:
                connu += value
        return cls(connu, termes, inconnus)

    def __add__(self, other: Somme) -> Somme:
        return Somme(self.connu + other.connu, self.termes + other.termes, self.inconnus + other.inconnus)

    @property
    def complet(self) -> bool:
        return self.inconnus == 0

    @property
    def valeur(self) -> Decimal | None:
        """The total, or None as soon as one term is unknown."""
        return self.connu if self.inconnus == 0 else None

    @property
    def partiel(self) -> Decimal | None:
        """The sum of the known terms when some are unknown and some known (label it « partiel »)."""
        return self.connu if 0 < self.inconnus < self.termes else None


def somme(values: Iterable[Decimal | None]) -> Decimal | None:
    """The exact total, or None when one amount is unknown."""
    return Somme.de(values).valeur


# --- co-financements ------------------------------------------------------------------


# Why a co-financement term is unknown: (kind, subject) → French, singular and plural.
RAISONS = {
    "budget_absent": ("action {} sans budget dans l'annexe", "actions {} sans budget dans l'annexe"),
    "absente_bilan": ("action {} absente du bilan", "actions {} absentes du bilan"),
    "bilan_absent": ("bilan {} absent", "bilans {} absents"),
    "non_declares": (
        "action {} sans cofinancements déclarés au bilan",
        "actions {} sans cofinancements déclarés au bilan",
    ),
    "financeur_absent": (
        "action {} : financeur prévu, absent des cofinancements déclarés au bilan",
        "actions {} : financeur prévu, absent des cofinancements déclarés au bilan",
    ),
    "annexe_absente": ("annexe {} absente", "annexes {} absentes"),
    "annexe_partielle": (
        "annexe {} partielle (d'autres actions existent)",
        "annexes {} partielles (d'autres actions existent)",
    ),
}
Raison = tuple[str, str]  # (a key of RAISONS, the action or year it is about)


def _fusion(a: tuple[Raison, ...], b: tuple[Raison, ...]) -> tuple[Raison, ...]:
    return tuple(dict.fromkeys(a + b))


def raisons_texte(raisons: Iterable[Raison]) -> str:
    """« actions a, b absentes du bilan ; annexe 2026 absente »: the reasons, grouped by kind."""
    par_type: dict[str, list[str]] = {}
    for kind, sujet in raisons:
        par_type.setdefault(kind, []).append(sujet)

    def noms(sujets: list[str]) -> str:  # the first three, then how many more
        return (
            ", ".join(sujets) if len(sujets) <= 3 else f"{', '.join(sujets[:3])} et {len(sujets) - 3} autres"
        )

    return " ; ".join(
        RAISONS[kind][len(sujets) > 1].format(noms(sujets)) for kind, sujets in par_type.items()
    )


@dataclass(frozen=True)
class PrevuRealise:
    """Prévu (annexe) against réalisé (bilan) for one funder, on one row or summed."""

    prevu: Somme = field(default_factory=Somme)
    realise: Somme = field(default_factory=Somme)
    # Why the unknown terms of each side are unknown (printed with the partial sum).
    raisons_prevu: tuple[Raison, ...] = ()
    raisons_realise: tuple[Raison, ...] = ()

    def __add__(self, other: PrevuRealise) -> PrevuRealise:
        return PrevuRealise(
            self.prevu + other.prevu,
            self.realise + other.realise,
            _fusion(self.raisons_prevu, other.raisons_prevu),
            _fusion(self.raisons_realise, other.raisons_realise),
        )

    def inconnu_texte(self, cote: str, fmt: Any = None) -> str | None:
        """Why the prévu (``cote="prevu"``) or the réalisé is unknown, with the partial sum:
        « somme partielle, 1 terme inconnu sur 2 : 5 000,00 € ; action coordination absente du
        bilan »; None when it is known."""
        from ctai_cli.formatting import euros
        from ctai_cli.francais import nombre_de

        fmt = fmt or euros
        s, raisons = (
            (self.prevu, self.raisons_prevu) if cote == "prevu" else (self.realise, self.raisons_realise)
        )
        if s.complet:
            return None
        parts = []
        if s.partiel is not None:
            inconnus = nombre_de(s.inconnus, "terme inconnu", "termes inconnus")
            parts.append(f"somme partielle, {inconnus} sur {s.termes} : {fmt(s.partiel)}")
        if raisons:
            parts.append(raisons_texte(raisons))
        return " ; ".join(parts) or "inconnu"

    @property
    def ecart_sans_objet(self) -> bool:
        """Both known and nothing planned: the gap in % of the prévu does not exist (not unknown)."""
        return self.prevu.valeur == ZERO and self.realise.valeur is not None

    @property
    def ecart(self) -> Decimal | None:
        return ecart(self.prevu.valeur, self.realise.valeur)

    @property
    def ecart_pct(self) -> Decimal | None:
        return ecart_pct(self.prevu.valeur, self.realise.valeur)

    @property
    def complet(self) -> bool:
        return self.prevu.complet and self.realise.complet

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "prevu": money_text(self.prevu.valeur),
            "realise": money_text(self.realise.valeur),
            "ecart": money_text(self.ecart),
            "ecart_pct": pct_text(self.ecart_pct),
            "complet": self.complet,
        }
        partiel = {
            name: money_text(s.partiel)
            for name, s in (("prevu", self.prevu), ("realise", self.realise))
            if s.partiel is not None
        }
        if partiel:
            out["partiel"] = partiel
        raisons = {
            name: raisons_texte(r)
            for name, r in (("prevu", self.raisons_prevu), ("realise", self.raisons_realise))
            if r
        }
        if raisons:
            out["raisons"] = raisons
        return out


# --- rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRecu:
    """One report entrant of an action: from which action of the previous year, how much."""

    depuis: str  # "2024/club-emploi"
    montant: Decimal


@dataclass(frozen=True)
class Ligne:
    """One action of one annexe: State money (BOP 104) and co-financements."""

    annee: int
    action: str
    axe: int
    porteur: str
    titre: str
    alloue: Decimal | None  # None: the annexe gives no budget (unknown, not zero)
    reports: tuple[ReportRecu, ...] | None  # None: no budget
    verse: Decimal | None  # None: no versement recorded for a non-zero allocation
    depense: Decimal | None  # None: no bilan, or no depenses_realisees in it
    disposition: str | None = None
    vers: str | None = None  # "2025/club-emploi" for a report
    cadre: str = "contrat"
    # Funder → amount. prevus None: no budget in the annexe (every funder unknown);
    # realises None: the bilan does not state the co-financements received.
    cofinancements_prevus: dict[str, Decimal] | None = None
    cofinancements_realises: dict[str, Decimal] | None = None
    # Amounts of the row come from a file or budget flagged « illustratif » (invented, no source).
    illustratif: bool = False
    # True: the bilan has an entry for the action; False: the bilan leaves it out; None: no bilan.
    au_bilan: bool | None = None

    @property
    def cle(self) -> str:
        """« 2025/accueil »: how reports name this row (``ReportRecu.depuis``, ``vers``)."""
        return f"{self.annee}/{self.action}"

    @property
    def report_entrant(self) -> Decimal | None:
        return None if self.reports is None else somme(r.montant for r in self.reports)

    @property
    def disponible(self) -> Decimal | None:
        return somme([self.alloue, self.report_entrant])

    @property
    def reliquat(self) -> Decimal | None:
        disponible = self.disponible
        return None if disponible is None or self.depense is None else disponible - self.depense

    @property
    def ecart(self) -> Decimal | None:
        return ecart(self.disponible, self.depense)

    @property
    def ecart_pct(self) -> Decimal | None:
        return ecart_pct(self.disponible, self.depense)

    @property
    def inconnus(self) -> list[str]:
        """Why the row's empty cells are unknown, in French (the note of a CSV row or xlsx cell)."""
        notes = []
        if self.reports is None:
            notes.append("budget absent de l'annexe")
        elif self.alloue is None:
            notes.append("budget non précisé dans l'annexe")
        elif self.verse is None:
            notes.append("aucun versement enregistré")
        if self.depense is None:
            notes.append("dépenses absentes du bilan")
        if self.disposition is None and self.reliquat not in (None, ZERO):
            notes.append("disposition du reliquat non indiquée dans le bilan")
        return notes

    def financeurs(self) -> list[str]:
        names = dict.fromkeys(self.cofinancements_prevus or {})
        names.update(dict.fromkeys(self.cofinancements_realises or {}))
        return list(names)

    def cofinancement(self, financeur: str) -> PrevuRealise:
        """Prévu and réalisé of one funder on this row.

        The annexe's budget lists every funder planned (one it does not list: 0 prévu); a
        bilan that states ``cofinancements`` lists every funder that paid (one it does not
        list: 0 réalisé) — except a funder the annexe planned money from: left out of the
        bilan, what it paid is unknown, not zero.
        """
        prevus, realises = self.cofinancements_prevus, self.cofinancements_realises
        prevu = None if prevus is None else prevus.get(financeur, ZERO)
        realise: Decimal | None
        if realises is None:
            realise = None
        elif financeur in realises:
            realise = realises[financeur]
        elif prevu is not None and prevu > ZERO:
            realise = None
        else:
            realise = ZERO
        return PrevuRealise(
            Somme.de([prevu]),
            Somme.de([realise]),
            self._raisons_prevu() if prevu is None else (),
            self._raisons_realise() if realise is None else (),
        )

    def _raisons_prevu(self) -> tuple[Raison, ...]:
        return (("budget_absent", self.action),)

    def _raisons_realise(self) -> tuple[Raison, ...]:
        if self.au_bilan is None:
            return (("bilan_absent", str(self.annee)),)
        if not self.au_bilan:
            return (("absente_bilan", self.action),)
        if self.cofinancements_realises is None:
            return (("non_declares", self.action),)
        return (("financeur_absent", self.action),)

    @property
    def cofinancements(self) -> dict[str, PrevuRealise]:
        return {f: self.cofinancement(f) for f in self.financeurs()}

    @property
    def cofinancements_total(self) -> PrevuRealise:
        """All funders of the row together (never BOP 104)."""
        prevus, realises = self.cofinancements_prevus, self.cofinancements_realises
        prevu = None if prevus is None else somme(prevus.values())
        realise = None if realises is None else somme(p.realise.valeur for p in self.cofinancements.values())
        return PrevuRealise(
            Somme.de([prevu]),
            Somme.de([realise]),
            self._raisons_prevu() if prevu is None else (),
            self._raisons_realise() if realise is None else (),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "annee": self.annee,
            "cadre": self.cadre,
            "action": self.action,
            "axe": self.axe,
            "porteur": self.porteur,
            "titre": self.titre,
            **{name: money_text(getattr(self, name)) for name in COLONNES},
            "reports_entrants": None
            if self.reports is None
            else [{"depuis": r.depuis, "montant": money_text(r.montant)} for r in self.reports],
            "disposition": self.disposition,
            "vers": self.vers,
            "ecart": money_text(self.ecart),
            "ecart_pct": pct_text(self.ecart_pct),
            "cofinancements": [
                {"financeur": name, **pair.to_dict()} for name, pair in self.cofinancements.items()
            ],
            "illustratif": self.illustratif,
        }


# --- aggregates ---------------------------------------------------------------------------


def liens_internes(lignes: list[Ligne]) -> set[tuple[str, str]]:
    """The reports (from, to) whose both ends are rows of ``lignes``: the bilan's reliquat says
    « report vers » a row that lists it among its reports entrants. Inside such a group the
    money is the same euros twice (reliquat of one year, disponible of the next)."""
    cles = {ligne.cle for ligne in lignes}
    sortants = {(ligne.cle, ligne.vers) for ligne in lignes if ligne.vers in cles}
    entrants = {(r.depuis, ligne.cle) for ligne in lignes for r in ligne.reports or () if r.depuis in cles}
    return sortants & entrants


def _colonnes_nettes(ligne: Ligne, internes: set[tuple[str, str]]) -> dict[str, list[Decimal | None]]:
    """The terms a row adds to a group's columns, reports inside the group left out.

    Report entrant and disponible: only what comes from outside the group; reliquat: only what
    leaves it (paid back, kept, pending, or reported outside the group). A row adds no
    reliquat term when its whole reliquat is reported inside the group.
    """
    values: dict[str, list[Decimal | None]] = {name: [getattr(ligne, name)] for name in COLONNES}
    if ligne.reports is not None and any((r.depuis, ligne.cle) in internes for r in ligne.reports):
        externe = somme(r.montant for r in ligne.reports if (r.depuis, ligne.cle) not in internes)
        values["report_entrant"] = [externe]
        values["disponible"] = [somme([ligne.alloue, externe])]
    if (ligne.cle, ligne.vers) in internes and ligne.reliquat is not None:
        values["reliquat"] = []
    return values


@dataclass(frozen=True)
class Totaux:
    """Money of several rows (and of the years whose annexe is missing: unknown terms).

    Each euro counts once: a reliquat reported from one row of the group to another (2025 to
    2026 of the same contract) is neither a report entrant nor a reliquat of the group; it is
    told apart in ``reports_internes`` (as received) and ``reliquats_internes`` (as sent).
    """

    sommes: dict[str, Somme]
    lignes: int = 0
    sans_budget: int = 0
    sans_depense: int = 0
    sans_versement: int = 0
    annexes_absentes: tuple[int, ...] = ()
    # Years whose annexe says it lists only part of the actions (« partielle »): an unknown term each.
    annexes_partielles: tuple[int, ...] = ()
    budget_non_precise: int = 0  # a budget whose etat_bop104 is « non précisé »
    # Years of the rows whose bilan file is absent: their spending is unknown for that reason
    # (« bilan 2025 absent »), not counted in ``sans_depense`` (actions a bilan leaves silent).
    bilans_absents: tuple[int, ...] = ()
    reports_internes: Decimal = ZERO
    reliquats_internes: Decimal = ZERO

    @classmethod
    def de(
        cls,
        lignes: Iterable[Ligne],
        annexes_absentes: Iterable[int] = (),
        annexes_partielles: Iterable[int] = (),
    ) -> Totaux:
        lignes = list(lignes)
        absentes = tuple(sorted(set(annexes_absentes)))
        partielles = tuple(sorted(set(annexes_partielles)))
        internes = liens_internes(lignes)
        termes = [_colonnes_nettes(ligne, internes) for ligne in lignes]
        sommes = {
            name: Somme.de(v for t in termes for v in t[name])
            + Somme.de([None] * (len(absentes) + len(partielles)))
            for name in COLONNES
        }
        return cls(
            sommes,
            lignes=len(lignes),
            sans_budget=sum(1 for ligne in lignes if ligne.alloue is None and ligne.reports is None),
            sans_depense=sum(1 for ligne in lignes if ligne.depense is None and ligne.au_bilan is not None),
            sans_versement=sum(1 for ligne in lignes if ligne.alloue is not None and ligne.verse is None),
            annexes_absentes=absentes,
            annexes_partielles=partielles,
            budget_non_precise=sum(
                1 for ligne in lignes if ligne.alloue is None and ligne.reports is not None
            ),
            bilans_absents=tuple(sorted({ligne.annee for ligne in lignes if ligne.au_bilan is None})),
            reports_internes=sum(
                (
                    r.montant
                    for ligne in lignes
                    for r in ligne.reports or ()
                    if (r.depuis, ligne.cle) in internes
                ),
                ZERO,
            ),
            reliquats_internes=sum(
                (
                    ligne.reliquat
                    for ligne in lignes
                    if (ligne.cle, ligne.vers) in internes and ligne.reliquat is not None
                ),
                ZERO,
            ),
        )

    # The value of each column: None when one term is unknown.
    @property
    def alloue(self) -> Decimal | None:
        return self.sommes["alloue"].valeur

    @property
    def report_entrant(self) -> Decimal | None:
        return self.sommes["report_entrant"].valeur

    @property
    def disponible(self) -> Decimal | None:
        return self.sommes["disponible"].valeur

    @property
    def verse(self) -> Decimal | None:
        return self.sommes["verse"].valeur

    @property
    def depense(self) -> Decimal | None:
        return self.sommes["depense"].valeur

    @property
    def reliquat(self) -> Decimal | None:
        return self.sommes["reliquat"].valeur

    @property
    def ecart(self) -> Decimal | None:
        return ecart(self.disponible, self.depense)

    @property
    def ecart_pct(self) -> Decimal | None:
        return ecart_pct(self.disponible, self.depense)

    @property
    def complet(self) -> bool:
        return all(s.complet for s in self.sommes.values())

    @property
    def connu(self) -> bool:
        """Both the disponible and the spending are known."""
        return self.disponible is not None and self.depense is not None

    @property
    def partiels(self) -> dict[str, Decimal]:
        """Column → sum of the known terms, for the unknown columns that have known terms."""
        return {name: s.partiel for name, s in self.sommes.items() if s.partiel is not None}

    @property
    def inconnus_texte(self) -> str | None:
        """Why some amounts are unknown, in French: « 8 actions sans budget dans l'annexe, … »."""
        if self.complet:
            return None
        parts = []
        if self.annexes_absentes:
            years = ", ".join(map(str, self.annexes_absentes))
            parts.append(
                f"annexe{'s' if len(self.annexes_absentes) > 1 else ''} {years} absente"
                f"{'s' if len(self.annexes_absentes) > 1 else ''}"
            )
        if self.annexes_partielles:
            years = ", ".join(map(str, self.annexes_partielles))
            pluriel = "s" if len(self.annexes_partielles) > 1 else ""
            parts.append(f"annexe{pluriel} {years} partielle{pluriel} (d'autres actions existent)")
        for count, what in (
            (self.sans_budget, "sans budget dans l'annexe"),
            (self.budget_non_precise, "au budget non précisé dans l'annexe"),
            (self.sans_depense, "sans dépenses au bilan"),
            (self.sans_versement, "sans versement enregistré"),
        ):
            if count:
                parts.append(f"{count} action{'s' if count > 1 else ''} sur {self.lignes} {what}")
        if self.bilans_absents:
            years = ", ".join(map(str, self.bilans_absents))
            pluriel = "s" if len(self.bilans_absents) > 1 else ""
            parts.append(f"bilan{pluriel} {years} absent{pluriel}")
        return "inconnu : " + ", ".join(parts)

    def internes_texte(self, fmt: Any) -> str | None:
        """« reports d'une année à l'autre comptés une fois : 2 134,65 € … », or None."""
        if not self.reports_internes and not self.reliquats_internes:
            return None
        return (
            f"reports d'une année à l'autre comptés une fois : {fmt(self.reports_internes)} reçus, "
            "ni dans le report entrant ni dans le reliquat du total"
            + (
                f" ({fmt(self.reliquats_internes)} envoyés)"
                if self.reliquats_internes != self.reports_internes
                else ""
            )
        )

    def partiels_texte(self, fmt: Any) -> str | None:
        """« somme partielle (montants connus seulement) : alloué 150 000,00 €, … », or None."""
        partiels = self.partiels
        if not partiels:
            return None
        return "somme partielle (montants connus seulement) : " + ", ".join(
            f"{LIBELLES[name]} {fmt(value)}" for name, value in partiels.items()
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: money_text(s.valeur) for name, s in self.sommes.items()}
        out["ecart"] = money_text(self.ecart)
        out["ecart_pct"] = pct_text(self.ecart_pct)
        out["complet"] = self.complet
        if self.reports_internes or self.reliquats_internes:
            # Reported between rows of the group: counted once (neither report entrant nor reliquat).
            out["reports_internes"] = money_text(self.reports_internes)
            out["reliquats_internes"] = money_text(self.reliquats_internes)
        if not self.complet:
            out["inconnus"] = {
                "actions_sans_budget": self.sans_budget,
                "actions_budget_non_precise": self.budget_non_precise,
                "actions_sans_depense": self.sans_depense,
                "bilans_absents": list(self.bilans_absents),
                "actions_sans_versement": self.sans_versement,
                "annexes_absentes": list(self.annexes_absentes),
                "annexes_partielles": list(self.annexes_partielles),
            }
            out["partiel"] = {name: money_text(value) for name, value in self.partiels.items()}
        return out


def cofinancements(
    lignes: Iterable[Ligne], annexes_absentes: int = 0, raisons: tuple[Raison, ...] = ()
) -> tuple[dict[str, PrevuRealise], PrevuRealise]:
    """Per funder and in total, prévu against réalisé, over several rows (and missing annexes,
    ``raisons`` saying which)."""
    lignes = list(lignes)
    unknown = Somme.de([None] * annexes_absentes)
    missing = PrevuRealise(unknown, unknown, raisons, raisons) if annexes_absentes else PrevuRealise()
    names = list(dict.fromkeys(name for ligne in lignes for name in ligne.financeurs()))
    par_financeur: dict[str, PrevuRealise] = {}
    for name in names:
        total = missing
        for ligne in lignes:
            total = total + ligne.cofinancement(name)
        par_financeur[name] = total
    total = missing
    for ligne in lignes:
        total = total + ligne.cofinancements_total
    return par_financeur, total


@dataclass(frozen=True)
class Enveloppe:
    """The contract's envelope of one year against what the annexe allocates to its actions."""

    annee: int | None  # None: the whole contract
    montant: Decimal | None  # None: contrat.yaml states no envelope for that year
    alloue: Somme

    @property
    def ecart(self) -> Decimal | None:
        """Alloué − enveloppe: negative, the remainder not allocated; positive, over-allocation."""
        return ecart(self.montant, self.alloue.valeur)

    @property
    def non_reparti(self) -> Decimal | None:
        gap = self.ecart
        return None if gap is None else max(-gap, ZERO)

    @property
    def depassement(self) -> Decimal | None:
        gap = self.ecart
        return None if gap is None else max(gap, ZERO)

    @property
    def depassement_certain(self) -> Decimal | None:
        """Over-allocation already certain from the known allocations alone (amounts are ≥ 0)."""
        if self.montant is None or self.alloue.connu <= self.montant:
            return None
        return self.alloue.connu - self.montant

    def to_dict(self) -> dict[str, Any]:
        out = {
            "enveloppe": money_text(self.montant),
            "alloue": money_text(self.alloue.valeur),
            "ecart": money_text(self.ecart),
            "non_reparti": money_text(self.non_reparti),
            "depassement": money_text(self.depassement),
        }
        if self.alloue.partiel is not None:
            out["alloue_partiel"] = money_text(self.alloue.partiel)
        return out


@dataclass(frozen=True)
class AnneeBudget:
    annee: int
    cadre: str  # "contrat", "contrat_precedent", or "hors_periode"
    annexe: bool  # False: no valid actions/<année>.yaml
    lignes: list[Ligne]
    totaux: Totaux
    enveloppe: Enveloppe

    @property
    def cofinancements(self) -> dict[str, PrevuRealise]:
        return self._cofinancements()[0]

    @property
    def cofinancements_total(self) -> PrevuRealise:
        return self._cofinancements()[1]

    def _cofinancements(self) -> tuple[dict[str, PrevuRealise], PrevuRealise]:
        raison: tuple[Raison, ...] = (
            (("annexe_absente", str(self.annee)),)
            if not self.annexe
            else (("annexe_partielle", str(self.annee)),)
            if self.totaux.annexes_partielles
            else ()
        )
        return cofinancements(self.lignes, len(raison), raison)

    @property
    def illustratif(self) -> bool:
        """Some amounts of the year come from a file or budget flagged « illustratif »."""
        return any(ligne.illustratif for ligne in self.lignes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cadre": self.cadre,
            "annexe": self.annexe,
            "illustratif": self.illustratif,
            "enveloppe": self.enveloppe.to_dict(),
            "cofinancements": {
                "par_financeur": {k: v.to_dict() for k, v in self.cofinancements.items()},
                "total": self.cofinancements_total.to_dict(),
            },
        }


@dataclass(frozen=True)
class Rapprochement:
    annees: list[AnneeBudget]
    filtre: int | None = None  # --annee: contract-wide totals are then not computed
    # What is illustrative (invented) in the files reconciled: the « Illustratif » banner's lines.
    illustratif: tuple[str, ...] = ()

    @property
    def lignes(self) -> list[Ligne]:
        return [ligne for annee in self.annees for ligne in annee.lignes]

    def annee(self, year: int) -> AnneeBudget | None:
        return next((a for a in self.annees if a.annee == year), None)

    # Contract-wide totals: the years of the contract only (not the previous contract's).
    def _du_contrat(self) -> tuple[list[Ligne], list[int]]:
        years = [a for a in self.annees if a.cadre == "contrat"]
        return [ligne for a in years for ligne in a.lignes], [a.annee for a in years if not a.annexe]

    def _partielles(self) -> list[int]:
        return [y for a in self.annees if a.cadre == "contrat" for y in a.totaux.annexes_partielles]

    @property
    def contrat(self) -> Totaux | None:
        if self.filtre is not None:
            return None
        lignes, absentes = self._du_contrat()
        return Totaux.de(lignes, absentes, self._partielles())

    @property
    def par_axe(self) -> dict[int, Totaux]:
        return self._groupes(lambda ligne: ligne.axe)

    @property
    def par_porteur(self) -> dict[str, Totaux]:
        return self._groupes(lambda ligne: ligne.porteur)

    def _groupes(self, key: Any) -> dict[Any, Totaux]:
        if self.filtre is not None:
            lignes = [ligne for ligne in self.lignes if ligne.cadre == "contrat"]
            absentes: list[int] = []
        else:
            lignes, absentes = self._du_contrat()
        groups: dict[Any, list[Ligne]] = {}
        for ligne in lignes:
            groups.setdefault(key(ligne), []).append(ligne)
        partielles = self._partielles()
        return {k: Totaux.de(v, absentes, partielles) for k, v in sorted(groups.items())}

    @property
    def cofinancements_contrat(self) -> tuple[dict[str, PrevuRealise], PrevuRealise]:
        """Per funder and in total over the contract's years (a missing annexe: unknown)."""
        lignes, absentes = self._du_contrat()
        raisons = tuple(("annexe_absente", str(y)) for y in absentes) + tuple(
            ("annexe_partielle", str(y)) for y in self._partielles()
        )
        return cofinancements(lignes, len(raisons), raisons)

    @property
    def enveloppes(self) -> Somme | None:
        """The contract's envelopes over its years (unknown for a year without one)."""
        if self.filtre is not None:
            return None
        return Somme.de(a.enveloppe.montant for a in self.annees if a.cadre == "contrat")

    @property
    def enveloppe_contrat(self) -> Enveloppe | None:
        """All the contract's envelopes against all its allocations."""
        enveloppes, contrat = self.enveloppes, self.contrat
        if enveloppes is None or contrat is None:
            return None
        return Enveloppe(None, enveloppes.valeur, contrat.sommes["alloue"])

    def to_dict(self) -> dict[str, Any]:
        contrat = self.contrat
        out: dict[str, Any] = {
            "illustratif": list(self.illustratif),
            "annees": {str(a.annee): a.to_dict() for a in self.annees},
            "lignes": [ligne.to_dict() for ligne in self.lignes],
            "totaux": {
                "par_annee": {str(a.annee): a.totaux.to_dict() for a in self.annees},
                "par_axe": {str(k): v.to_dict() for k, v in self.par_axe.items()},
                "par_porteur": {k: v.to_dict() for k, v in self.par_porteur.items()},
                "contrat": None if contrat is None else contrat.to_dict(),
            },
        }
        if self.filtre is None:
            enveloppes = self.enveloppes
            assert enveloppes is not None
            par_financeur, total = self.cofinancements_contrat
            enveloppe = self.enveloppe_contrat
            assert enveloppe is not None
            out["contrat"] = {
                "enveloppes": money_text(enveloppes.valeur),
                "enveloppes_partiel": money_text(enveloppes.partiel),
                "enveloppe": enveloppe.to_dict(),
                "cofinancements": {
                    "par_financeur": {k: v.to_dict() for k, v in par_financeur.items()},
                    "total": total.to_dict(),
                },
            }
        return out


# --- building ---------------------------------------------------------------------------------


def _cadre(depot: Depot, year: int, annexe_cadre: str | None) -> str:
    if annexe_cadre is not None:
        return annexe_cadre
    contrat = depot.contrat_model
    if contrat is not None and contrat.periode.debut <= year <= contrat.periode.fin:
        return "contrat"
    return "hors_periode"


def _amounts_by_name(items: Iterable[Any]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for item in items:
        out[item.financeur] = out.get(item.financeur, ZERO) + item.montant
    return out


def annees_du_budget(depot: Depot) -> list[int]:
    """The years reconciled: those with an annexe, the years of the period and of the envelopes."""
    years = {y for y, f in depot.actions.items() if f.model is not None}
    contrat = depot.contrat_model
    if contrat is not None:
        if contrat.periode.debut <= contrat.periode.fin:
            years |= set(range(contrat.periode.debut, contrat.periode.fin + 1))
        years |= {e.annee for e in contrat.enveloppes}
    return sorted(years)


def lignes_de(depot: Depot, year: int) -> list[Ligne]:
    from ctai_cli.models.common import precise  # here: the models import this module

    fichier = depot.actions.get(year)
    annexe = fichier.model if fichier is not None else None
    if annexe is None:
        return []
    bilan_file = depot.bilans.get(year)
    bilan = bilan_file.model if bilan_file else None
    entries = {}
    for entry in bilan.actions if bilan else []:
        entries.setdefault(entry.action, entry)
    lignes = []
    for action in annexe.actions:
        budget = action.budget
        entry = entries.get(action.id)
        reliquat = entry.reliquat if entry else None
        vers = None
        if reliquat is not None and reliquat.disposition == "report":
            vers = f"{year + 1}/{reliquat.vers_action or action.id}"
        alloue = precise(budget.etat_bop104) if budget else None  # « non précisé »: unknown
        verse = None
        if budget is not None and (budget.versements or alloue == ZERO):
            verse = somme(v.montant for v in budget.versements)
        lignes.append(
            Ligne(
                annee=year,
                action=action.id,
                axe=action.axe,
                porteur=action.porteur,
                titre=action.titre,
                alloue=alloue,
                reports=None
                if budget is None
                else tuple(
                    ReportRecu(f"{year - 1}/{r.depuis_action or action.id}", r.montant)
                    for r in budget.report_entrant
                ),
                verse=verse,
                depense=entry.depenses_realisees if entry else None,
                disposition=reliquat.disposition if reliquat else None,
                vers=vers,
                cadre=annexe.cadre,
                cofinancements_prevus=None if budget is None else _amounts_by_name(budget.cofinancements),
                cofinancements_realises=None
                if entry is None or entry.cofinancements is None
                else _amounts_by_name(entry.cofinancements),
                illustratif=bool(
                    annexe.illustratif
                    or (budget is not None and budget.illustratif)
                    or (bilan is not None and bilan.illustratif)
                ),
                au_bilan=None if bilan is None else entry is not None,
            )
        )
    return lignes


def rapprocher(depot: Depot, annee: int | None = None) -> Rapprochement:
    """Every year of the contract (``annee`` restricts to one), each with its rows and totals."""
    contrat = depot.contrat_model
    # A dotation of unstated origin is not BOP 104 credits: that year's envelope stays unknown.
    envelopes = {e.annee: e.montant for e in contrat.enveloppes if e.bop104} if contrat else {}
    annees = []
    for year in annees_du_budget(depot):
        if annee is not None and year != annee:
            continue
        fichier = depot.actions.get(year)
        annexe = fichier.model if fichier is not None else None
        lignes = lignes_de(depot, year)
        totaux = Totaux.de(
            lignes,
            [] if annexe is not None else [year],
            [year] if annexe is not None and annexe.partielle else [],
        )
        annees.append(
            AnneeBudget(
                annee=year,
                cadre=_cadre(depot, year, annexe.cadre if annexe else None),
                annexe=annexe is not None,
                lignes=lignes,
                totaux=totaux,
                enveloppe=Enveloppe(year, envelopes.get(year), totaux.sommes["alloue"]),
            )
        )
    from ctai_cli.illustratif import du_depot

    return Rapprochement(annees, annee, tuple(du_depot(depot, None if annee is None else [annee])))

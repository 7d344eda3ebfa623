"""View objects handed to templates: what a fiche-bilan, a fiche-action or the contract shows.

Templates only read these (they run in a sandbox). Figures come from the
validated models and from :func:`ctai_cli.budget.rapprocher` (rows, and
:class:`ctai_cli.budget.Totaux` for every total), so the documents and ``ctai budget
reconcile`` always agree. An unknown figure is ``None`` (rendered « — »), never zero.
The variables are documented in docs/documents.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ctai_cli import francais as fr
from ctai_cli.budget import Ligne, PrevuRealise, Totaux, cofinancements, rapprocher, somme
from ctai_cli.illustratif import illustrations
from ctai_cli.models import Action, Annexe, Avenant, Bilan, BilanAction, Contrat
from ctai_cli.models.bilan import Beneficiaires, ParSexe, Reliquat
from ctai_cli.models.common import NON_PRECISE, PUBLICS, est_non_precise, precise
from ctai_cli.models.contrat import Axe, Partie
from ctai_cli.models.porteurs import Porteur
from ctai_cli.repository import Depot

NON_VENTILE = "Non ventilé"
HORS_PUBLIC = "Hors public du contrat"  # what a structure's whole file active adds (file_active)


@dataclass(frozen=True)
class Realisation:
    """An objective of the fiche-action against what the bilan measured (or a free indicator)."""

    libelle: str
    unite: str
    cible: int | None  # None: an indicator the fiche-action set no objective for
    realise: int | None  # None: the bilan does not measure it
    note: str | None = None

    @property
    def taux(self) -> Decimal | None:
        if self.cible is None or self.realise is None or self.cible == 0:
            return None
        return (Decimal(self.realise) * 100 / self.cible).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Part:
    """Beneficiaries of one public, or of several publics counted together."""

    groupe: str  # "EPA", "EPA + BPI", or NON_VENTILE
    nombre: int
    note: str | None = None


def repartition(beneficiaires: Beneficiaires | None) -> list[Part]:
    """The split by public as declared; what the groups leave of the total is « non ventilé »."""
    if beneficiaires is None:
        return []
    parts = [Part(" + ".join(_ordered(g.publics)), g.nombre, g.note) for g in beneficiaires.par_public]
    reste = beneficiaires.total - sum(p.nombre for p in parts)
    if reste > 0:
        parts.append(Part(HORS_PUBLIC if beneficiaires.file_active else NON_VENTILE, reste))
    return parts


def _ordered(publics: Iterable[str]) -> list[str]:
    return sorted(set(publics), key=PUBLICS.index)


def ordre_groupes(groupes: Iterable[str]) -> list[str]:
    """Columns of a table by public: EPA, BPI, BPT, then combined groups, then « non ventilé »."""

    def key(groupe: str) -> tuple[int, list[int], str]:
        if groupe in (NON_VENTILE, HORS_PUBLIC):
            return (2 if groupe == NON_VENTILE else 3, [], groupe)
        members = groupe.split(" + ")
        return (0 if len(members) == 1 else 1, [PUBLICS.index(m) for m in members], groupe)

    return sorted(set(groupes), key=key)


@dataclass(frozen=True)
class FicheAction:
    """One action of annexe 1, with its porteur resolved."""

    annee: int
    action: Action
    porteur: Porteur | None

    @property
    def porteur_nom(self) -> str:
        return self.porteur.nom if self.porteur else self.action.porteur


@dataclass(frozen=True)
class ActionBilan:
    fiche: FicheAction
    entree: BilanAction | None
    realisations: list[Realisation]
    parts: list[Part]
    finances: Ligne | None

    @property
    def action(self) -> Action:
        return self.fiche.action

    @property
    def beneficiaires(self) -> Beneficiaires | None:
        return self.entree.beneficiaires if self.entree else None

    @property
    def par_sexe(self) -> ParSexe | None:
        return self.beneficiaires.par_sexe if self.beneficiaires else None

    @property
    def reliquat(self) -> Reliquat | None:
        return self.entree.reliquat if self.entree else None

    @property
    def qualitatif(self) -> str | None:
        return self.entree.qualitatif if self.entree else None

    def nombre(self, groupe: str) -> int | None:
        return next((p.nombre for p in self.parts if p.groupe == groupe), None)


@dataclass(frozen=True)
class AxeBilan:
    axe: Axe
    actions: list[ActionBilan]
    finances: Totaux

    @property
    def beneficiaires(self) -> int | None:
        """People of the contract's public, counted action by action (a file active counts only
        its groups by public)."""
        known = [n for a in self.actions if a.beneficiaires and (n := a.beneficiaires.du_public) is not None]
        return sum(known) if known else None

    @property
    def inscrits(self) -> int | None:
        """Every person the actions count, a structure's whole file active included."""
        known = [a.beneficiaires.total for a in self.actions if a.beneficiaires]
        return sum(known) if known else None

    def nombre(self, groupe: str) -> int:
        return sum(a.nombre(groupe) or 0 for a in self.actions)


@dataclass(frozen=True)
class DocumentBilan:
    """Everything the fiche-bilan of one year shows (article 8)."""

    contrat: Contrat
    collectivite: Partie | None
    etat: Partie | None
    annee: int
    bilan: Bilan
    echeance: date | None
    axes: list[AxeBilan]
    groupes: list[str]  # the columns of the beneficiaries table
    finances: Totaux
    copils_min: int | None  # None: the contract does not state it (never a default)
    graphiques: dict[str, str] = field(default_factory=dict)  # name → inline SVG (HTML only)
    illustratif: list[str] = field(default_factory=list)  # the banner's lines (see illustrations)
    partielle: str | None = None  # the annexe lists only part of the year's actions: why
    # A bilan of the previous contract (« cadre: contrat_precedent »): the current contract's
    # deadline, recipient and minimum of comités do not apply to it and are never printed.
    precedent: bool = False

    @property
    def actions(self) -> list[ActionBilan]:
        return [a for axe in self.axes for a in axe.actions]

    @property
    def beneficiaires(self) -> int | None:
        """The headline: people of the contract's public, counted action by action."""
        known = [axe.beneficiaires for axe in self.axes if axe.beneficiaires is not None]
        return sum(known) if known else None

    @property
    def inscrits(self) -> int | None:
        """Every person counted, structures' whole files active included (the table's total)."""
        known = [axe.inscrits for axe in self.axes if axe.inscrits is not None]
        return sum(known) if known else None

    @property
    def sans_budget(self) -> bool:
        """No action of the year's annexe gives a budget (« aucun budget », not « pas tous »)."""
        return all(a.action.budget is None for a in self.actions)

    @property
    def destinataire(self) -> str | None:
        """To whom the bilan goes (article 8), when the contract says it."""
        echeance = self.contrat.gouvernance.echeance
        return echeance.destinataire if echeance is not None else None

    @property
    def files_actives(self) -> list[ActionBilan]:
        """Actions whose total is a structure's whole file active, beyond the contract's public."""
        return [a for a in self.actions if a.beneficiaires and a.beneficiaires.file_active]

    @property
    def hors_public(self) -> int:
        """What those files active add beyond the contract's public."""
        return sum(
            a.beneficiaires.total - n
            for a in self.files_actives
            if (n := a.beneficiaires.du_public) is not None
        )

    def nombre(self, groupe: str) -> int:
        return sum(axe.nombre(groupe) for axe in self.axes)

    @property
    def reliquats(self) -> list[ActionBilan]:
        """Actions with a reliquat: declared in the bilan, or known from the money (disponible
        minus dépensé, not zero) without one declared: that money is listed too, « destination
        non indiquée » (``a.reliquat`` is None, the amount is ``a.finances.reliquat``)."""
        return [
            a
            for a in self.actions
            if a.reliquat is not None or (a.finances is not None and a.finances.reliquat not in (None, 0))
        ]

    @property
    def beneficiaires_non_renseignes(self) -> list[ActionBilan]:
        return [a for a in self.actions if a.beneficiaires is None or a.beneficiaires.du_public is None]

    @property
    def cofinancements(self) -> dict[str, PrevuRealise]:
        """Co-financements (hors BOP 104) per funder: prévu (annexe) against réalisé (bilan)."""
        return cofinancements(a.finances for a in self.actions if a.finances)[0]

    @property
    def cofinancements_total(self) -> PrevuRealise:
        return cofinancements(a.finances for a in self.actions if a.finances)[1]


@dataclass(frozen=True)
class DocumentFiches:
    """Fiches-actions of one year (annexe 1), grouped by axe."""

    contrat: Contrat
    annexe: Annexe
    axes: list[tuple[Axe, list[FicheAction]]]
    illustratif: list[str] = field(default_factory=list)  # the banner's lines (see illustrations)

    @property
    def annee(self) -> int:
        return self.annexe.annee

    @property
    def fiches(self) -> list[FicheAction]:
        return [f for _, fiches in self.axes for f in fiches]

    @property
    def total_etat(self) -> Decimal | None:
        budgets = [f.action.budget for f in self.fiches]
        if not budgets:
            return None
        return somme(precise(b.etat_bop104) if b is not None else None for b in budgets)


@dataclass(frozen=True)
class Annexe1:
    numero: int
    titre: str
    fiches: DocumentFiches


@dataclass(frozen=True)
class Annexe2:
    numero: int
    titre: str
    bilan: DocumentBilan


PUBLICS_LIBELLES = {
    "EPA": "des étrangers primo-arrivants (EPA)",
    "BPI": "des bénéficiaires d'une protection internationale (BPI)",
    "BPT": "des bénéficiaires d'une protection temporaire (BPT)",
}


@dataclass(frozen=True)
class DocumentContrat:
    contrat: Contrat
    collectivite: Partie | None
    etat: Partie | None
    annexes: list[Annexe1 | Annexe2]
    echeance_bilan: str | None  # « 1er juin de l'année n + 1 »; None: the contract does not state it
    illustratif: list[str] = field(default_factory=list)  # the banner's lines (see illustrations)
    # When the signed text is « non précisé »: what the files say of the contract, value by value
    # (a label, then the values as written). Printed instead of the articles, never model text.
    fiche: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def publics_libelles(self) -> list[str]:
        return [PUBLICS_LIBELLES[p] for p in _ordered(self.contrat.publics)]

    @property
    def axes_libelles(self) -> list[str]:
        return [f"Axe {a.numero} : {a.titre}" for a in self.contrat.axes]

    @property
    def annees(self) -> list[int]:
        return list(range(self.contrat.periode.debut, self.contrat.periode.fin + 1))

    @property
    def enveloppes_libelles(self) -> list[str]:
        from ctai_cli.formatting import euros

        # Every year of the period: its State credits, or « non précisé » when contrat.yaml gives
        # none (a year with only a dotation of unstated origin is in dotations_libelles).
        par_annee = {e.annee: e for e in self.contrat.enveloppes}
        annees = sorted({*self.annees, *par_annee}) if self.contrat.enveloppes else []
        return [
            f"{a} : {euros(par_annee[a].montant)}" if a in par_annee else f"{a} : {NON_PRECISE}"
            for a in annees
            if a not in par_annee or par_annee[a].bop104
        ]

    @property
    def publics_sigles(self) -> list[str]:
        """The contract's publics in the usual order: ``["EPA", "BPI"]``."""
        return list(_ordered(self.contrat.publics))

    @property
    def dotations_libelles(self) -> list[str]:
        """Amounts the contract is endowed with, whose funder and programme the source does not state."""
        return montants_par_annee(self.contrat, bop104=False)

    @property
    def annexes_libelles(self) -> list[str]:
        return [f"l'annexe {a.numero} : {a.titre}" for a in self.contrat.annexes]

    @property
    def collectivites(self) -> list[Partie]:
        return [p for p in self.contrat.parties if p.role == "collectivite"]

    @property
    def etats(self) -> list[Partie]:
        return [p for p in self.contrat.parties if p.role == "etat"]

    @property
    def duree(self) -> str:
        """Article 2: « l'année 2020 », « les 3 années 2024, 2025 et 2026 »."""
        annees = self.annees
        if len(annees) == 1:
            return f"l'année {annees[0]}"
        return f"les {fr.nombre_de(len(annees), 'année')} {fr.liste(annees)}"

    @property
    def sujet_collectivites(self) -> str:
        """Every collectivité that the engagements bind: « la commune », « Rennes Métropole et la
        Ville de Rennes » (« la collectivité » when none is declared: validate reports it)."""
        return fr.liste(designation(p) for p in self.collectivites) or "la collectivité"

    @property
    def sujet_bilan(self) -> str:
        """Article 8: who produces the yearly bilan (« La commune et les porteurs de projet »)."""
        designations = [designation(p) for p in self.collectivites] or ["la collectivité"]
        return fr.majuscule(fr.liste([*designations, "les porteurs de projet"]))

    @property
    def engagement_collectivites(self) -> str:
        """Article 3: what the collectivités undertake, agreed with how many they are."""
        genres = [genre(p) for p in self.collectivites] or ["f"]
        nombre = len(genres)
        services = [s for p in self.etats for s in p.services if not est_non_precise(s)]
        avec = "Avec les services de l'État" + (
            f" ({', '.join(dict.fromkeys(services))})" if services else ""
        )
        verbe = "s'engagent" if nombre > 1 else "s'engage"
        participe = "participent" if nombre > 1 else "participe"
        return (
            f"{fr.majuscule(self.sujet_collectivites)} {verbe} à mettre en œuvre des actions contribuant aux "
            f"priorités identifiées du contrat. {avec}, {fr.pronom_sujet(genres)} {participe} au pilotage "
            "et à l'animation du contrat."
        )


# --- builders ---------------------------------------------------------------------


def genre(partie: Partie) -> fr.Genre:
    return fr.genre_partie(partie.role, partie.type, partie.designation, partie.nom)


def designation(partie: Partie) -> str:
    """How the text names a party: its designation (« la commune »), else its name as written,
    with the article a common noun calls for (« la Ville de Rennes »)."""
    return partie.designation or fr.dans_la_phrase(partie.nom, genre(partie))


def ligne_partie(partie: Partie, *, services: bool = True) -> str:
    """« Rennes Métropole, représentée par Nathalie Appéré, présidente de Rennes Métropole »;
    a value the files leave « non précisé » is said in brackets (« [partie non précisée],
    représentée par [représentant non précisé] »)."""
    texte = "[partie non précisée]" if est_non_precise(partie.nom) else partie.nom
    if partie.representant is not None:
        r = partie.representant
        # « représenté » follows the name it is attached to, not the designation given after it
        genre_nom = fr.genre_partie(partie.role, partie.type, None, partie.nom)
        nom, qualite = est_non_precise(r.nom), est_non_precise(r.qualite)
        qui = (
            "[représentant non précisé]"
            if nom and qualite
            else f"[nom non précisé], {r.qualite}"
            if nom
            else f"{r.nom} (qualité non précisée)"
            if qualite
            else f"{r.nom}, {r.qualite}"
        )
        texte += f", représenté{fr.accord(genre_nom)} par {qui}"
    if partie.designation:
        texte += f", ci-après « {partie.designation} »"
    if services and partie.services:
        connus = [s for s in partie.services if not est_non_precise(s)]
        texte += f" (services : {', '.join(connus)})" if connus else " (services non précisés)"
    return texte


def _partie(contrat: Contrat, role: str) -> Partie | None:
    return next((p for p in contrat.parties if p.role == role), None)


def _porteurs(depot: Depot) -> dict[str, Porteur]:
    model = depot.porteurs_model
    return {p.id: p for p in model.porteurs} if model else {}


def _axe(contrat: Contrat, numero: int) -> Axe:
    return contrat.axe(numero) or Axe(numero=numero, titre=f"Axe {numero}", mobilise_bop104=False)


def _realisations(action: Action | None, entree: BilanAction | None) -> list[Realisation]:
    indicateurs = list(entree.indicateurs) if entree else []
    out: list[Realisation] = []
    for objectif in action.objectifs if action else []:
        mesure = next((i for i in indicateurs if i.objectif == objectif.id), None)
        if mesure is not None:
            indicateurs.remove(mesure)
        out.append(
            Realisation(
                objectif.libelle,
                objectif.unite,
                objectif.cible,
                mesure.valeur if mesure else None,
                mesure.note if mesure else None,
            )
        )
    out.extend(Realisation(i.libelle, i.unite, None, i.valeur, i.note) for i in indicateurs)
    return out


def document_fiches(depot: Depot, annee: int, ids: list[str] | None = None) -> DocumentFiches:
    contrat = depot.contrat_model
    annexe = depot.annexe(annee)
    assert contrat is not None and annexe is not None  # the caller checked
    porteurs = _porteurs(depot)
    actions = [a for a in annexe.actions if ids is None or a.id in ids]
    if ids is not None:
        actions.sort(key=lambda a: ids.index(a.id))
    axes: list[tuple[Axe, list[FicheAction]]] = []
    for numero in sorted({a.axe for a in actions}) if ids is None else dict.fromkeys(a.axe for a in actions):
        fiches = [FicheAction(annee, a, porteurs.get(a.porteur)) for a in actions if a.axe == numero]
        axes.append((_axe(contrat, numero), fiches))
    return DocumentFiches(contrat, annexe, axes, illustrations(contrat, [(annexe, actions)]))


def document_bilan(depot: Depot, annee: int) -> DocumentBilan:
    from ctai_cli.checks.calendrier import echeance_bilan

    contrat = depot.contrat_model
    bilan: Bilan = depot.bilans[annee].model
    assert contrat is not None and bilan is not None  # the caller checked
    annexe = depot.annexe(annee)
    porteurs = _porteurs(depot)
    lignes = {ligne.action: ligne for ligne in rapprocher(depot, annee).lignes}
    entrees = {e.action: e for e in bilan.actions}
    # The annexe's order (a bilan entry for an action the annexe lacks is a validation error).
    actions: list[Action] = list(annexe.actions) if annexe else []

    items: list[ActionBilan] = []
    for action in actions:
        entree = entrees.get(action.id)
        items.append(
            ActionBilan(
                FicheAction(annee, action, porteurs.get(action.porteur)),
                entree,
                _realisations(action, entree),
                repartition(entree.beneficiaires if entree else None),
                lignes.get(action.id),
            )
        )
    # A partial annexe (« partielle »): the year's and each axe's totals have an unknown term.
    partielles = [annee] if annexe is not None and annexe.partielle else []
    axes = []
    for numero in sorted({i.action.axe for i in items}):
        in_axe = [i for i in items if i.action.axe == numero]
        axes.append(
            AxeBilan(
                _axe(contrat, numero),
                in_axe,
                Totaux.de((i.finances for i in in_axe if i.finances), (), partielles),
            )
        )
    groupes = ordre_groupes(p.groupe for i in items for p in i.parts)
    return DocumentBilan(
        contrat=contrat,
        collectivite=_partie(contrat, "collectivite"),
        etat=_partie(contrat, "etat"),
        annee=annee,
        bilan=bilan,
        echeance=echeance_bilan(contrat, annee),
        axes=axes,
        groupes=groupes,
        finances=Totaux.de(lignes.values(), (), partielles),
        copils_min=contrat.gouvernance.minimum_copils,
        partielle=annexe.partielle if annexe is not None else None,
        illustratif=illustrations(contrat, [(annexe, annexe.actions)] if annexe else [], [bilan]),
        precedent=bilan.cadre == "contrat_precedent",
    )


def document_contrat(depot: Depot) -> DocumentContrat:
    contrat = depot.contrat_model
    assert contrat is not None
    annexes: list[Annexe1 | Annexe2] = []
    for ref in contrat.annexes:
        kind, _, name = ref.fichier.partition("/")
        year = name.removesuffix(".yaml")
        if not year.isdigit():
            continue
        if kind == "actions" and depot.annexe(int(year)) is not None:
            annexes.append(Annexe1(ref.numero, ref.titre, document_fiches(depot, int(year))))
        elif kind == "bilans" and int(year) in depot.bilans and depot.bilans[int(year)].model is not None:
            annexes.append(Annexe2(ref.numero, ref.titre, document_bilan(depot, int(year))))
    bilan = contrat.gouvernance.echeance
    from ctai_cli.formatting import date_longue

    echeance: str | None = None
    if bilan is not None:
        try:
            jour = date_longue(date(2000, bilan.mois, bilan.jour)).removesuffix(" 2000")
        except ValueError:  # 30 February: validate reports it
            jour = f"{bilan.jour}/{bilan.mois}"
        echeance = f"{jour} de l'année n + 1"
    fiche = fiche_contrat(depot, echeance) if est_non_precise(contrat.articles) else []
    return DocumentContrat(
        contrat,
        _partie(contrat, "collectivite"),
        _partie(contrat, "etat"),
        annexes,
        echeance,
        list(
            dict.fromkeys(
                [
                    *illustrations(contrat),
                    *(
                        line
                        for a in annexes
                        for line in (a.fiches.illustratif if isinstance(a, Annexe1) else a.bilan.illustratif)
                    ),
                ]
            )
        ),
        fiche,
    )


def montants_par_annee(contrat: Contrat, *, bop104: bool) -> list[str]:
    """« 2020 : 300 000,00 € » for each enveloppe of contrat.yaml, by year: the State's BOP 104
    credits, or (``bop104=False``) the dotations whose origin is « non précisé »."""
    from ctai_cli.formatting import euros

    return [
        f"{e.annee} : {euros(e.montant)}"
        for e in sorted(contrat.enveloppes, key=lambda e: e.annee)
        if e.bop104 == bop104
    ]


def fiche_contrat(depot: Depot, echeance: str | None) -> list[tuple[str, list[str]]]:
    """What contrat.yaml and porteurs.yaml say of the contract, for a document whose signed text is
    not available: each line a label and the values as the files write them (« non précisé »
    included, agreed with its label: « Imputation : non précisée »), nothing else."""

    contrat = depot.contrat_model
    assert contrat is not None
    debut, fin = contrat.periode.debut, contrat.periode.fin
    lignes: list[tuple[str, list[str]]] = [
        ("Statut", [fr.STATUTS[contrat.statut]]),
        ("Période", [fr.periode(debut, fin, " à ")]),
        ("Publics", list(_ordered(contrat.publics))),
        (
            "Axes",
            [
                f"Axe {a.numero} : {a.titre} (crédits du programme 104 : "
                f"{fr.non_precise('m', 2) if est_non_precise(a.mobilise_bop104) else 'oui' if a.mobilise_bop104 else 'non'})"
                for a in contrat.axes
            ],
        ),
    ]
    if est_non_precise(contrat.imputation):
        lignes.append(("Imputation", [fr.non_precise("f")]))
    else:
        i = contrat.imputation
        sous_action = f", sous-action {i.sous_action}" if i.sous_action else ""
        lignes.append(("Imputation", [f"programme {i.programme}, action {i.action}{sous_action}"]))
    for libelle, bop104 in (
        ("Crédits de l'État", True),
        ("Dotation (financeur et programme non précisés)", False),
    ):
        if montants := montants_par_annee(contrat, bop104=bop104):
            lignes.append((libelle, montants))
    porteurs = depot.porteurs.model if depot.porteurs is not None else None
    if porteurs is not None:
        noms = (
            [fr.non_precise("m", 2)]
            if est_non_precise(porteurs.porteurs)
            else [p.nom for p in porteurs.porteurs]
        )
        lignes.append(("Porteurs", noms))
    g = contrat.gouvernance
    minimum = g.minimum_copils
    lignes.append(
        ("Comités de pilotage par an, au moins", [NON_PRECISE if minimum is None else str(minimum)])
    )
    lignes.append(("Échéance du bilan annuel", [echeance or fr.non_precise("f")]))
    return lignes


@dataclass(frozen=True)
class ArticleAvenant:
    cible: str  # « l'annexe 1 (2025) », « le contrat »
    intitule: str  # « L'annexe 1 (2025) est modifiée comme suit »
    modifications: list[str]


@dataclass(frozen=True)
class DocumentAvenant:
    contrat: Contrat
    collectivite: Partie | None
    etat: Partie | None
    avenant: Avenant
    articles: list[ArticleAvenant]
    illustratif: list[str] = field(default_factory=list)  # the banner's lines (see illustrations)


def _article(cible: str, phrases: list[str]) -> ArticleAvenant:
    if cible == "Contrat":
        return ArticleAvenant("le contrat", "Le contrat est modifié comme suit", phrases)
    if cible.startswith("Annexe"):
        return ArticleAvenant(
            f"l'{cible[0].lower()}{cible[1:]}",
            f"L'{cible[0].lower()}{cible[1:]} est modifiée comme suit",
            phrases,
        )
    return ArticleAvenant(cible, f"{cible} : modifications", phrases)


def document_avenant(depot: Depot, numero: int) -> DocumentAvenant:
    """An avenant's modifications grouped by what they amend: one article each.

    ``ctai avenant new`` writes each modification as « Annexe 1 (2025) : … . »; a
    modification written by hand without that prefix goes to « Dispositions diverses ».
    """
    contrat = depot.contrat_model
    avenant: Avenant = depot.avenants[numero].model
    assert contrat is not None and avenant is not None  # the caller checked
    groupes: dict[str, list[str]] = {}
    for texte in avenant.modifications:
        cible, sep, reste = texte.partition(" : ")
        if not sep or not (cible == "Contrat" or cible.startswith("Annexe")):
            cible, reste = "Dispositions diverses", texte
        groupes.setdefault(cible, []).append(reste[:1].upper() + reste[1:])
    articles = [_article(cible, phrases) for cible, phrases in groupes.items()]
    return DocumentAvenant(
        contrat,
        _partie(contrat, "collectivite"),
        _partie(contrat, "etat"),
        avenant,
        articles,
        illustrations(contrat),
    )

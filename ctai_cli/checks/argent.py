"""Money checks (articles 3, 4 and 8): money never vanishes.

Every euro allocated ends spent, reported (and found on the other side) or paid back.
The arithmetic is the one of ``ctai budget reconcile`` (:mod:`ctai_cli.budget`); the
report chain is checked in both directions: out of a bilan (:func:`reports_sortants`)
and into an annexe (:func:`reports_entrants`), matched by :func:`chaine_des_reports`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ctai_cli.budget import ZERO, Enveloppe, rapprocher, somme
from ctai_cli.checks.calendrier import bilan_exigible
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.formatting import date_longue, euros
from ctai_cli.models.common import est_non_precise, precise

if TYPE_CHECKING:
    from ctai_cli.checks import Contexte
    from ctai_cli.models import Contrat
    from ctai_cli.models.bilan import Reliquat
    from ctai_cli.repository import Depot, Fichier


def apres_le_bilan(contrat: Contrat, annee: int, reference: date) -> str | None:
    """When a decision about the money of ``annee`` is due at ``reference``, how to say it.

    « après l'échéance du bilan (1er juin 2025) » once the contract's deadline is past. When the
    contract states no deadline (« gouvernance.bilan » absent or « non précisé »: never Dax's
    1 June), the question is asked once the year is over. None: not yet (or an impossible
    deadline, reported by CTAI-E217).
    """
    exigible, due = bilan_exigible(contrat, annee, reference)
    if not exigible:
        return None
    if due is None:
        return f"après l'année {annee} ; le contrat ne fixe pas l'échéance du bilan : quelle date de remise retenir ?"
    return f"après l'échéance du bilan ({date_longue(due)})"


def depenses_et_reliquats(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    """Spending within the disponible, exact reliquat, a reliquat always verifiable, kept within bounds."""
    lignes = {(ligne.annee, ligne.action): ligne for ligne in rapprocher(depot).lignes}
    contrat = depot.contrat_vue("gouvernance")
    for fichier, i, entry in depot.iter_bilan_actions():
        ligne = lignes.get((fichier.part("annee"), entry.action))
        if ligne is None:  # an action the annexe lacks: E203
            continue
        base = ("actions", i)
        reliquat = entry.reliquat
        known = ligne.disponible is not None and ligne.depense is not None
        if known and ligne.depense > ligne.disponible:
            yield fichier.diag(
                "CTAI-E220",
                (*base, "depenses_realisees"),
                action=entry.action,
                depense=euros(ligne.depense),
                disponible=euros(ligne.disponible),
            )
        elif known and reliquat is not None and reliquat.montant != ligne.reliquat:
            yield fichier.diag(
                "CTAI-E221",
                (*base, "reliquat", "montant"),
                action=entry.action,
                declare=euros(reliquat.montant),
                calcule=euros(ligne.reliquat),
                calcule_brut=f'"{ligne.reliquat:.2f}"',
            )
        elif not known and reliquat is not None:
            if ligne.disponible is None and ligne.reports is not None:
                manque = "alors que les crédits de l'action dans l'annexe ne sont pas précisés"
            elif ligne.disponible is None:
                manque = "sans budget dans l'annexe"
            else:
                manque = "sans dépenses réalisées (« depenses_realisees »)"
            yield fichier.diag(
                "CTAI-E228",
                (*base, "reliquat", "montant"),
                action=entry.action,
                montant=euros(reliquat.montant),
                manque=manque,
            )
        pending = reliquat is not None and reliquat.disposition == "en_attente"
        undeclared = reliquat is None and known and ligne.reliquat > 0
        if (pending or undeclared) and contrat is not None:
            quand = apres_le_bilan(contrat, fichier.part("annee"), contexte.date)
            if quand is not None:
                yield fichier.diag(
                    "CTAI-W225",
                    (*base, "reliquat", "disposition") if pending else (*base, "depenses_realisees"),
                    action=entry.action,
                    montant=euros(reliquat.montant if pending else ligne.reliquat),
                    etat=f"reliquat de {euros(reliquat.montant)} toujours en attente de décision"
                    if pending
                    else f"{euros(ligne.reliquat)} non dépensés (disponible moins dépensé) ; le bilan n'en "
                    "déclare ni le reliquat ni la destination,",
                    quand=quand,
                )
        if (
            reliquat is not None
            and reliquat.disposition in ("reversement", "conserve")
            and not reliquat.decision
        ):
            yield fichier.diag(
                "CTAI-W246",
                (*base, "reliquat", "disposition"),
                action=entry.action,
                montant=euros(reliquat.montant),
                disposition="reversé" if reliquat.disposition == "reversement" else "conservé par le porteur",
            )
        if reliquat is not None and reliquat.disposition == "conserve":
            action = depot.actions[fichier.part("annee")].model.action(entry.action)
            autorise = action.budget.excedent_raisonnable if action and action.budget else None
            if autorise is None or reliquat.montant > autorise:
                yield fichier.diag(
                    "CTAI-E227",
                    (*base, "reliquat", "montant"),
                    action=entry.action,
                    montant=euros(reliquat.montant),
                    autorise="non déclaré dans le budget de l'action"
                    if autorise is None
                    else euros(autorise),
                )


def depenses_declarees(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    """State money available to an action, with a bilan for its year and no spending declared.

    Once the bilan's deadline is past (or, without one, the year is over), an action whose
    disponible is known and positive and whose spending the bilan does not give (no
    « depenses_realisees », or no entry at all) is money nobody accounts for: a question.
    """
    contrat = depot.contrat_vue("gouvernance")
    if contrat is None:
        return
    for annee in rapprocher(depot).annees:
        fichier = depot.bilans.get(annee.annee)
        bilan = fichier.vue("annee", "cadre", "actions") if fichier is not None else None
        if bilan is None:
            continue
        quand = apres_le_bilan(contrat, annee.annee, contexte.date)
        if quand is None:
            continue
        entrees = {}
        for i, entry in enumerate(bilan.actions):
            entrees.setdefault(entry.action, i)
        for ligne in annee.lignes:
            if ligne.depense is not None or ligne.disponible is None or ligne.disponible <= ZERO:
                continue
            i = entrees.get(ligne.action)
            yield fichier.diag(
                "CTAI-W247",
                ("actions",) if i is None else ("actions", i, "action"),
                action=ligne.action,
                montant=euros(ligne.disponible),
                annee=annee.annee,
                ou="action absente du bilan" if i is None else "« depenses_realisees » absent",
                quand=quand,
            )


# --- the report chain ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sortant:
    """A reliquat of the bilan of ``annee`` reported to ``vers`` in ``annee + 1``."""

    fichier: Fichier
    index: int  # of the entry in the bilan's actions
    annee: int
    action: str
    vers: str
    reliquat: Reliquat

    @property
    def montant(self) -> Decimal:
        return self.reliquat.montant

    def loc(self, *rest: str) -> tuple:
        return ("actions", self.index, "reliquat", *rest)

    @property
    def loc_vers(self) -> tuple:
        return self.loc("vers_action") if self.reliquat.vers_action else self.loc("disposition")


@dataclass(frozen=True)
class Entrant:
    """One report entrant of an action of the annexe of ``annee``, from ``depuis`` in ``annee - 1``."""

    fichier: Fichier
    index: int  # of the action in the annexe
    k: int  # of the report in the action's report_entrant
    annee: int
    action: str
    depuis: str
    montant: Decimal
    decide: bool

    def loc(self, *rest: str) -> tuple:
        base = ("actions", self.index, "budget", "report_entrant")
        document = self.fichier.document
        # The single-mapping form (report_entrant: {montant: …}) has no index in the file.
        if document is not None and self.k == 0 and (*base, 0) not in document.values:
            return (*base, *rest)
        return (*base, self.k, *rest)


@dataclass(frozen=True)
class Chaine:
    sortants: list[Sortant]
    entrants: list[Entrant]
    # Each outgoing report and the incoming one that takes it (None: nowhere).
    recu_par: dict[int, Entrant | None]
    # Incoming reports that repeat one already matched (same origin, same action).
    doublons: list[Entrant]


def chaine_des_reports(depot: Depot) -> Chaine:
    sortants = [
        Sortant(
            fichier,
            i,
            fichier.part("annee"),
            entry.action,
            entry.reliquat.vers_action or entry.action,
            entry.reliquat,
        )
        for fichier, i, entry in depot.iter_bilan_actions()
        if entry.reliquat is not None and entry.reliquat.disposition == "report"
    ]
    entrants = [
        Entrant(
            fichier,
            i,
            k,
            fichier.part("annee"),
            action.id,
            report.depuis_action or action.id,
            report.montant,
            report.decision is not None,
        )
        for fichier, i, action in depot.iter_actions()
        if action.budget is not None
        for k, report in enumerate(action.budget.report_entrant)
    ]
    recu_par: dict[int, Entrant | None] = {}
    taken: set[int] = set()
    for s, sortant in enumerate(sortants):
        match = next(
            (
                e
                for e in entrants
                if id(e) not in taken
                and (e.annee, e.action, e.depuis) == (sortant.annee + 1, sortant.vers, sortant.action)
            ),
            None,
        )
        recu_par[s] = match
        if match is not None:
            taken.add(id(match))
    matched = {(e.annee, e.action, e.depuis) for e in recu_par.values() if e is not None}
    doublons = [e for e in entrants if id(e) not in taken and (e.annee, e.action, e.depuis) in matched]
    return Chaine(sortants, entrants, recu_par, doublons)


def reports_sortants(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    """Every reliquat reported out lands in an existing action of year n+1, which lists it."""
    contrat = depot.contrat_vue("report_reliquats", "periode")
    chaine = chaine_des_reports(depot)
    for s, sortant in enumerate(chaine.sortants):
        cible = sortant.annee + 1
        if contrat is not None and contrat.report_reliquats is False:
            yield sortant.fichier.diag(
                "CTAI-E229", sortant.loc("disposition"), action=sortant.action, montant=euros(sortant.montant)
            )
            continue
        if contrat is not None and precise(contrat.report_reliquats) is None:
            # The contract does not say whether reports are allowed (article 3): a question.
            yield sortant.fichier.diag(
                "CTAI-W245", sortant.loc("disposition"), action=sortant.action, montant=euros(sortant.montant)
            )
        if contrat is not None and cible > contrat.periode.fin:
            yield sortant.fichier.diag(
                "CTAI-E240",
                sortant.loc("disposition"),
                action=sortant.action,
                montant=euros(sortant.montant),
                annee=cible,
                fin=contrat.periode.fin,
            )
            continue
        if sortant.reliquat.decision is None:
            yield sortant.fichier.diag(
                "CTAI-W223",
                sortant.loc(),
                detail=f"action « {sortant.action} » : reliquat de {euros(sortant.montant)} reporté sans "
                "décision enregistrée",
            )
        if chaine.recu_par[s] is not None:
            continue
        fichier = depot.actions.get(cible)
        if fichier is None:
            yield sortant.fichier.diag(
                "CTAI-W244",
                sortant.loc_vers,
                action=sortant.action,
                montant=euros(sortant.montant),
                vers=f"{cible}/{sortant.vers}",
                annee=cible,
            )
        elif fichier.model is None:  # the annexe has its own errors; its links are checked later
            continue
        elif fichier.model.action(sortant.vers) is None:
            yield sortant.fichier.diag(
                "CTAI-E241",
                sortant.loc_vers,
                action=sortant.action,
                montant=euros(sortant.montant),
                vers=sortant.vers,
                annee=cible,
            )
        else:
            yield sortant.fichier.diag(
                "CTAI-E242",
                sortant.loc_vers,
                action=sortant.action,
                montant=euros(sortant.montant),
                vers=sortant.vers,
                annee=cible,
            )


def reports_entrants(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    """Every report entrant takes a reliquat reported to it, once, to the cent, with its decision."""
    chaine = chaine_des_reports(depot)
    matched = {id(e): chaine.sortants[s] for s, e in chaine.recu_par.items() if e is not None}
    doublons = {id(e) for e in chaine.doublons}
    for entrant in chaine.entrants:
        origine = entrant.annee - 1
        previous = depot.bilans.get(origine)
        if previous is not None and previous.model is None:  # the bilan has its own errors
            continue
        if id(entrant) in doublons:
            yield entrant.fichier.diag(
                "CTAI-E243",
                entrant.loc("montant"),
                action=entrant.action,
                depuis=entrant.depuis,
                montant=euros(entrant.montant),
                annee=origine,
            )
            continue
        sortant = matched.get(id(entrant))
        if sortant is None:
            ailleurs = next(
                (s for s in chaine.sortants if (s.annee, s.action) == (origine, entrant.depuis)), None
            )
            if ailleurs is not None:
                raison = (
                    f"le reliquat « {entrant.depuis} » est reporté vers « {ailleurs.vers} », pas vers elle"
                )
            else:
                raison = (
                    f"aucun reliquat « {entrant.depuis} » n'est reporté vers elle dans bilans/{origine}.yaml"
                )
            yield entrant.fichier.diag(
                "CTAI-E222",
                entrant.loc("montant"),
                detail=f"action « {entrant.action} » : report entrant de {euros(entrant.montant)} "
                f"depuis « {entrant.depuis} », mais {raison}",
            )
        elif sortant.montant != entrant.montant:
            yield entrant.fichier.diag(
                "CTAI-E222",
                entrant.loc("montant"),
                detail=f"action « {entrant.action} » : report entrant de {euros(entrant.montant)} depuis "
                f"« {entrant.depuis} », pour un reliquat reporté de {euros(sortant.montant)}",
            )
        if not entrant.decide:
            yield entrant.fichier.diag(
                "CTAI-W223",
                entrant.loc(),
                detail=f"action « {entrant.action} » : report entrant de {euros(entrant.montant)} sans décision "
                "enregistrée",
            )


def versements(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    for fichier, i, action in depot.iter_actions():
        budget = action.budget
        if budget is None or not budget.versements:
            continue
        verse = somme(v.montant for v in budget.versements)
        if est_non_precise(budget.etat_bop104):
            continue  # the allocation is unknown: nothing to compare the versements with
        if verse != budget.etat_bop104:
            yield fichier.diag(
                "CTAI-W224",
                ("actions", i, "budget", "versements"),
                action=action.id,
                verse=euros(verse),
                alloue=euros(budget.etat_bop104),
            )


def enveloppes(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    """The allocations of a year stay within its envelope (known allocations are a lower bound)."""
    contrat = depot.contrat_vue("enveloppes")
    if contrat is None:
        return
    rapprochement = rapprocher(depot)
    for k, enveloppe in enumerate(contrat.enveloppes):
        if not enveloppe.bop104:  # who funds it is not stated: nothing to compare the allocations with
            continue
        annee = rapprochement.annee(enveloppe.annee)
        if annee is None:
            continue
        alloue = annee.totaux.sommes["alloue"]
        if Enveloppe(enveloppe.annee, enveloppe.montant, alloue).depassement_certain is None:
            continue
        yield depot.contrat.diag(
            "CTAI-E226",
            ("enveloppes", k, "montant"),
            annee=enveloppe.annee,
            total=euros(alloue.connu) if alloue.complet else f"au moins {euros(alloue.connu)}",
            enveloppe=euros(enveloppe.montant),
        )

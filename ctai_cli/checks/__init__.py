"""The explicit registry of cross-file checks.

A check is a plain function ``(depot, contexte) -> Iterable[Diagnostic]``. It
declares the codes it may emit; registration rejects duplicate names and codes
unknown to the catalog. Checks run on the files that passed schema validation:
a check skips what it needs when that file is missing or invalid. contrat.yaml is
read field by field: a check names the fields it reads (``Depot.contrat_vue``) and
runs as long as those fields validated, whatever the errors elsewhere in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from ctai_cli.catalog import CATALOG
from ctai_cli.checks import argent, calendrier, coherence, precisions, references
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.repository import Depot


@dataclass(frozen=True)
class Contexte:
    """What a check may depend on besides the files: the reference date."""

    date: date


CheckFn = Callable[[Depot, Contexte], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Check:
    name: str
    codes: tuple[str, ...]
    run: CheckFn
    description: str


def _registry(*checks: Check) -> tuple[Check, ...]:
    names: set[str] = set()
    for check in checks:
        if check.name in names:
            raise ValueError(f"duplicate check {check.name}")
        names.add(check.name)
        unknown = [code for code in check.codes if code not in CATALOG]
        if unknown:
            raise ValueError(f"check {check.name}: unknown codes {unknown}")
    return checks


REGISTRY: tuple[Check, ...] = _registry(
    Check(
        "identifiants-uniques",
        ("CTAI-E206",),
        coherence.identifiants_uniques,
        "identifiants de porteurs, d'actions, d'axes et d'objectifs uniques",
    ),
    Check(
        "porteurs-connus",
        ("CTAI-E200",),
        references.porteurs_connus,
        "chaque action désigne un porteur de porteurs.yaml",
    ),
    Check(
        "axes-connus", ("CTAI-E201",), references.axes_connus, "chaque action se rattache à un axe du contrat"
    ),
    Check(
        "publics-du-contrat",
        ("CTAI-E204",),
        references.publics_du_contrat,
        "les publics des actions sont ceux du contrat",
    ),
    Check(
        "bop104-par-axe",
        ("CTAI-E205",),
        references.bop104_par_axe,
        "pas de crédits BOP 104 sur un axe qui ne les mobilise pas",
    ),
    Check(
        "actions-du-bilan",
        ("CTAI-E203", "CTAI-E209"),
        references.actions_du_bilan,
        "un bilan ne cite que les actions et objectifs de l'annexe de son année",
    ),
    Check(
        "annexes-du-contrat",
        ("CTAI-E216",),
        references.annexes_du_contrat,
        "les annexes déclarées renvoient à des fichiers existants",
    ),
    Check(
        "annees",
        ("CTAI-E202", "CTAI-E207"),
        calendrier.annees,
        "années des annexes et bilans dans la période et conformes au nom du fichier",
    ),
    Check(
        "dates", ("CTAI-E217",), calendrier.dates, "période, délibération, signature et échéance cohérentes"
    ),
    Check(
        "pilotage",
        ("CTAI-E212", "CTAI-W213"),
        calendrier.pilotage,
        "comités de pilotage : nombre minimum et dates dans l'année",
    ),
    Check(
        "bilans-dus",
        ("CTAI-W214", "CTAI-W254"),
        calendrier.bilans_dus,
        "un bilan par année échue, à l'échéance du contrat",
    ),
    Check("avenants", ("CTAI-E215",), calendrier.avenants, "avenants numérotés sans trou"),
    Check(
        "effectifs",
        ("CTAI-E208",),
        coherence.effectifs,
        "bénéficiaires par public et par sexe cohérents avec le total",
    ),
    Check("siret", ("CTAI-E210",), coherence.siret, "SIRET et SIREN valides"),
    Check("agir", ("CTAI-E211",), coherence.agir, "articulation AGIR non contradictoire (article 5)"),
    Check(
        "depenses-et-reliquats",
        ("CTAI-E220", "CTAI-E221", "CTAI-E228", "CTAI-W225", "CTAI-E227", "CTAI-W246"),
        argent.depenses_et_reliquats,
        "dépenses dans le disponible, reliquat exact et vérifiable, pas de reliquat en attente après "
        "l'échéance, excédent conservé dans la limite de la convention, reversement décidé",
    ),
    Check(
        "depenses-declarees",
        ("CTAI-W247",),
        argent.depenses_declarees,
        "les dépenses de chaque action aux crédits disponibles sont déclarées au bilan, une fois l'échéance passée",
    ),
    Check(
        "reports-sortants",
        ("CTAI-E229", "CTAI-W245", "CTAI-E240", "CTAI-E241", "CTAI-E242", "CTAI-W244", "CTAI-W223"),
        argent.reports_sortants,
        "chaque reliquat reporté arrive dans une action de l'année suivante, dans la période, qui le reprend",
    ),
    Check(
        "reports-entrants",
        ("CTAI-E222", "CTAI-E243", "CTAI-W223"),
        argent.reports_entrants,
        "chaque report entrant reprend une fois, au centime, un reliquat reporté vers lui, avec sa décision",
    ),
    Check("versements", ("CTAI-W224",), argent.versements, "versements de l'État égaux à l'allocation"),
    Check(
        "enveloppes", ("CTAI-E226",), argent.enveloppes, "allocations d'une année dans l'enveloppe du contrat"
    ),
    Check(
        "parties",
        ("CTAI-E218",),
        coherence.parties,
        "une partie État et au moins une collectivité signataires",
    ),
    Check(
        "non-precises",
        ("CTAI-W250", "CTAI-E251"),
        precisions.non_precises,
        "valeurs « non précisé » signalées, erreur pour celles sans lesquelles un contrat signé ne tient pas",
    ),
    Check("a-completer", ("CTAI-W252",), precisions.a_completer, "plus de « À COMPLÉTER » dans les fichiers"),
    Check(
        "publics-aux-dates",
        ("CTAI-W253",),
        precisions.publics_aux_dates,
        "pas de BPT avant le régime de protection temporaire (4 mars 2022)",
    ),
)


def run_checks(depot: Depot, contexte: Contexte) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for check in REGISTRY:
        diagnostics.extend(check.run(depot, contexte))
    return diagnostics

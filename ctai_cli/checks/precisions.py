"""What the files do not say, or cannot say: « non précisé » values, placeholders left by
``ctai init``, publics that did not exist at the contract's dates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ctai_cli.diagnostics import Diagnostic
from ctai_cli.formatting import date_longue
from ctai_cli.models.common import est_non_precise
from ctai_cli.scaffold import A_COMPLETER
from ctai_cli.yamlread import Loc

if TYPE_CHECKING:
    from ctai_cli.checks import Contexte
    from ctai_cli.repository import Depot, Fichier


# Fields without which a signed contract cannot stand: (file kind, field path with "*" for a
# list index) → why. Every other « non précisé » is a warning, signed or not: the two real
# 2020 contracts of examples/ are signed and their public texts leave all of them unstated.
def _credits_etat(fichier: Fichier, loc: Loc) -> bool:
    """The action at ``loc`` (``actions[i]…``) receives State credits (a known amount above 0)."""
    actions = fichier.part("actions")
    if not actions or not isinstance(loc[1], int) or loc[1] >= len(actions):
        return False
    budget = actions[loc[1]].budget
    montant = budget.etat_bop104 if budget is not None else None
    return montant is not None and not est_non_precise(montant) and montant > 0


# Values a signed contract cannot stand without, and when: (reason, condition on the file and
# the value's place). Anywhere else « non précisé » is a warning (CTAI-W250): the source may
# well not say it, and a signed contract must not be called a draft to be encoded honestly.
INDISPENSABLES_SI_SIGNE: dict[tuple[str, tuple[str, ...]], tuple[str, Callable[[Fichier, Loc], bool]]] = {
    ("actions", ("actions", "*", "porteur")): (
        "des crédits de l'État y sont alloués : ils sont versés à une structure identifiée",
        _credits_etat,
    ),
}


def _values(value: Any, loc: Loc) -> Iterator[tuple[Loc, Any]]:
    """Every leaf of a validated model with its path."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _values(getattr(value, name), (*loc, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _values(item, (*loc, i))
    else:
        yield loc, value


def _motif(loc: Loc) -> tuple[str, ...]:
    return tuple("*" if isinstance(part, int) else str(part) for part in loc)


def _chemin(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _leaves(depot: Depot) -> Iterator[tuple[Fichier, Loc, Any]]:
    for fichier in depot.files():
        if fichier.model is not None:
            for loc, value in _values(fichier.model, ()):
                yield fichier, loc, value
        else:  # the fields that validated on their own
            for name, part in fichier.parts.items():
                for loc, value in _values(part, (name,)):
                    yield fichier, loc, value


def non_precises(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    contrat = depot.contrat_vue("statut")
    signe = contrat is not None and contrat.statut == "signe"
    for fichier, loc, value in _leaves(depot):
        if not est_non_precise(value):
            continue
        indispensable = INDISPENSABLES_SI_SIGNE.get((fichier.kind, _motif(loc)))
        if signe and indispensable is not None and indispensable[1](fichier, loc):
            yield fichier.diag("CTAI-E251", loc, champ=_chemin(loc), raison=indispensable[0])
        else:
            yield fichier.diag("CTAI-W250", loc, champ=_chemin(loc))


def a_completer(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    for fichier, loc, value in _leaves(depot):
        if isinstance(value, str) and A_COMPLETER in value:
            yield fichier.diag("CTAI-W252", loc, champ=_chemin(loc))


def debut_protection_temporaire() -> date | None:
    """The first day of the temporary protection regime (a dated parameter), None if never."""
    from ctai_cli.eligibility.parametres import charger

    return next((v.valeur for v in charger().valeurs("bpt.debut_regime") if v.valeur is not None), None)


def publics_aux_dates(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    """BPT named where the regime did not exist yet (before 4 March 2022)."""
    debut = debut_protection_temporaire()
    if debut is None:
        return
    contrat = depot.contrat_vue("publics", "signature", "periode")
    if contrat is not None and "BPT" in contrat.publics:
        signature = contrat.signature.date if contrat.signature else None
        quand = None
        if contrat.periode.fin < debut.year:
            quand = f"la période {contrat.periode.debut}-{contrat.periode.fin}"
        elif signature is not None and signature < debut:
            quand = f"la signature du {date_longue(signature)}"
        if quand is not None:
            yield depot.contrat.diag(
                "CTAI-W253",
                ("publics", contrat.publics.index("BPT")),
                ou="le contrat",
                quand=quand,
                debut=date_longue(debut),
            )
    for fichier, i, action in depot.iter_actions():
        if "BPT" in action.publics and fichier.part("annee") < debut.year:
            yield fichier.diag(
                "CTAI-W253",
                ("actions", i, "publics", action.publics.index("BPT")),
                ou=f"l'action « {action.id} »",
                quand=f"l'année {fichier.part('annee')}",
                debut=date_longue(debut),
            )
    for fichier, i, entry in depot.iter_bilan_actions():
        if fichier.part("annee") >= debut.year or entry.beneficiaires is None:
            continue
        for g, groupe in enumerate(entry.beneficiaires.par_public):
            if "BPT" in groupe.publics:
                yield fichier.diag(
                    "CTAI-W253",
                    ("actions", i, "beneficiaires", "par_public", g, "publics", groupe.publics.index("BPT")),
                    ou=f"le bilan de l'action « {entry.action} »",
                    quand=f"l'année {fichier.part('annee')}",
                    debut=date_longue(debut),
                )

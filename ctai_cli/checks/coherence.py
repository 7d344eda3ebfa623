"""Checks inside a file that need the whole file (uniqueness, sums, identifiers)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ctai_cli.diagnostics import Diagnostic
from ctai_cli.yamlread import Loc

if TYPE_CHECKING:
    from ctai_cli.checks import Contexte
    from ctai_cli.repository import Depot, Fichier


def _duplicates(fichier: Fichier, quoi: str, items: Iterable[tuple[Loc, Any]]) -> Iterator[Diagnostic]:
    seen: dict[Any, Loc] = {}
    for loc, value in items:
        if value in seen:
            line = fichier.document.position(seen[value])[0] if fichier.document else 0
            yield fichier.diag("CTAI-E206", loc, quoi=quoi, valeur=value, ligne=line)
        else:
            seen[value] = loc


def identifiants_uniques(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    if depot.porteurs_model:
        yield from _duplicates(
            depot.porteurs,
            "porteur",
            ((("porteurs", i, "id"), p.id) for i, p in enumerate(depot.porteurs_model.porteurs)),
        )
    if (axes := depot.contrat_part("axes")) is not None:
        yield from _duplicates(
            depot.contrat, "axe", ((("axes", i, "numero"), a.numero) for i, a in enumerate(axes))
        )
    if (annexes := depot.contrat_part("annexes")) is not None:
        yield from _duplicates(
            depot.contrat, "annexe", ((("annexes", i, "numero"), a.numero) for i, a in enumerate(annexes))
        )
    for fichier in depot.actions.values():
        actions = fichier.part("actions")
        if actions is None:
            continue
        yield from _duplicates(
            fichier, "action", ((("actions", i, "id"), a.id) for i, a in enumerate(actions))
        )
        for i, action in enumerate(actions):
            yield from _duplicates(
                fichier,
                "objectif",
                ((("actions", i, "objectifs", k, "id"), o.id) for k, o in enumerate(action.objectifs)),
            )
    for fichier in depot.bilans.values():
        if (actions := fichier.part("actions")) is None:
            continue
        yield from _duplicates(
            fichier,
            "action du bilan",
            ((("actions", i, "action"), a.action) for i, a in enumerate(actions)),
        )


def effectifs(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    for fichier, i, entry in depot.iter_bilan_actions():
        ben = entry.beneficiaires
        if ben is None:
            continue
        base = ("actions", i, "beneficiaires")
        somme = sum(g.nombre for g in ben.par_public)
        if somme > ben.total:
            yield fichier.diag(
                "CTAI-E208",
                (*base, "par_public"),
                detail=f"action « {entry.action} » : {somme} bénéficiaires par public pour un "
                f"total de {ben.total}",
            )
        if ben.file_active and not ben.par_public:
            yield fichier.diag(
                "CTAI-E208",
                (*base, "file_active"),
                detail=f"action « {entry.action} » : « file_active: true » sans « par_public » : le total "
                "est toute la file active de la structure, le public du contrat n'y est pas décompté",
            )
        seen: set[str] = set()
        for g, groupe in enumerate(ben.par_public):
            for j, public in enumerate(groupe.publics):
                if public in seen:
                    yield fichier.diag(
                        "CTAI-E208",
                        (*base, "par_public", g, "publics", j),
                        detail=f"action « {entry.action} » : le public {public} figure dans deux groupes",
                    )
                seen.add(public)
        if ben.par_sexe is not None:
            sexes = (ben.par_sexe.femmes or 0) + (ben.par_sexe.hommes or 0)
            if sexes > ben.total:
                yield fichier.diag(
                    "CTAI-E208",
                    (*base, "par_sexe"),
                    detail=f"action « {entry.action} » : {sexes} femmes et hommes pour un "
                    f"total de {ben.total}",
                )


_STDNUM_REASONS = {
    "InvalidLength": "longueur invalide ({longueur} chiffres attendus)",
    "InvalidFormat": "format invalide (chiffres uniquement)",
    "InvalidChecksum": "clé de contrôle invalide (faute de frappe ?)",
}


def _check_number(fichier: Fichier, loc: Loc, kind: str, value: str) -> Diagnostic | None:
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siren, siret

    module, longueur = (siret, 14) if kind == "SIRET" else (siren, 9)
    try:
        module.validate(value)
    except ValidationError as exc:
        reason = _STDNUM_REASONS.get(type(exc).__name__, "numéro invalide").format(longueur=longueur)
        return fichier.diag("CTAI-E210", loc, type=kind, valeur=value, raison=reason)
    return None


def siret(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    candidates: list[tuple[Fichier, Loc, str, str]] = []
    if depot.porteurs_model:
        for i, porteur in enumerate(depot.porteurs_model.porteurs):
            if porteur.siret is not None:
                candidates.append((depot.porteurs, ("porteurs", i, "siret"), "SIRET", porteur.siret))
            if porteur.siren is not None:
                candidates.append((depot.porteurs, ("porteurs", i, "siren"), "SIREN", porteur.siren))
    if depot.contrat_part("parties"):
        for i, partie in enumerate(depot.contrat_part("parties")):
            if partie.siret is not None:
                candidates.append((depot.contrat, ("parties", i, "siret"), "SIRET", partie.siret))
            if partie.siren is not None:
                candidates.append((depot.contrat, ("parties", i, "siren"), "SIREN", partie.siren))
    for fichier, loc, kind, value in candidates:
        diagnostic = _check_number(fichier, loc, kind, value)
        if diagnostic is not None:
            yield diagnostic


def agir(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    for fichier, i, action in depot.iter_actions():
        if action.agir and action.agir.similaire_agir and action.agir.ouverte_public_agir is True:
            yield fichier.diag("CTAI-E211", ("actions", i, "agir"), action=action.id)


def parties(depot: Depot, contexte: Contexte) -> Iterator[Diagnostic]:
    parties = depot.contrat_part("parties")
    if parties is None:
        return
    # Several State signatories are usual (the préfet and the délégué interministériel à
    # l'accueil et à l'intégration des réfugiés signed the 2020 Rennes contract), as are several
    # collectivités (Rennes Métropole and the Ville de Rennes).
    etats = [i for i, p in enumerate(parties) if p.role == "etat"]
    collectivites = [p for p in parties if p.role == "collectivite"]
    if not collectivites:
        yield depot.contrat.diag(
            "CTAI-E218", ("parties",), detail="aucune collectivité parmi les parties (role: collectivite)"
        )
    if not etats:
        yield depot.contrat.diag(
            "CTAI-E218", ("parties",), detail="l'État ne figure pas parmi les parties (role: etat)"
        )

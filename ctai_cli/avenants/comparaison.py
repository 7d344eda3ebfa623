"""Comparing two versions of a contract repository: builds the data of :mod:`ecarts`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ctai_cli.avenants.ecarts import (
    _CLES,
    AxeRef,
    AxeRenomme,
    Changement,
    Cote,
    DiffAction,
    DiffAnnexe,
    DiffContrat,
    DiffConvention,
    DiffFichiers,
    DiffPorteur,
    EcartBudget,
    EcartEnveloppe,
    EcartsBudget,
    FichierInvalide,
    Statut,
)
from ctai_cli.budget import ZERO
from ctai_cli.models import Action, Annexe, Contrat, Porteur
from ctai_cli.models.common import precise
from ctai_cli.repository import Depot, Fichier


def _plain(value: Any) -> Any:
    """A model as plain values, keeping Decimal and date (``model_dump`` turns money into text)."""
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _join(chemin: str, key: str) -> str:
    return f"{chemin}.{key}" if chemin else key


def _last_name(chemin: str) -> str:
    return re.sub(r"\[[^\]]*\]$", "", chemin).rsplit(".", 1)[-1]


def _keyed(items: list[Any], key: str) -> dict[Any, Any] | None:
    if not all(isinstance(item, dict) and item.get(key) is not None for item in items):
        return None
    out = {item[key]: item for item in items}
    return out if len(out) == len(items) else None


def differences(chemin: str, avant: Any, apres: Any) -> list[Changement]:
    """Field-by-field changes between two plain values (dicts descend, keyed lists by identity)."""
    if avant == apres or (_empty(avant) and _empty(apres)):
        return []
    if isinstance(avant, (dict, type(None))) and isinstance(apres, (dict, type(None))):
        a, b = avant or {}, apres or {}
        out: list[Changement] = []
        for key in dict.fromkeys([*a, *b]):
            out.extend(differences(_join(chemin, key), a.get(key), b.get(key)))
        return out
    if isinstance(avant, list) and isinstance(apres, list) and (cle := _CLES.get(_last_name(chemin))):
        ia, ib = _keyed(avant, cle), _keyed(apres, cle)
        if ia is not None and ib is not None:
            out = []
            for key in dict.fromkeys([*ia, *ib]):
                sub = f"{chemin}[{key}]"
                if key not in ia:
                    out.append(Changement(sub, None, ib[key]))
                elif key not in ib:
                    out.append(Changement(sub, ia[key], None))
                else:
                    out.extend(differences(sub, ia[key], ib[key]))
            return out  # a keyed list's order is not a change
    return [Changement(chemin, avant, apres)]


def comparer_contrats(avant: Contrat, apres: Contrat) -> DiffConvention:
    champs = tuple(differences("", _plain(avant), _plain(apres)))
    axes_a = {a.numero: a for a in reversed(avant.axes)}  # first occurrence wins
    axes_b = {a.numero: a for a in reversed(apres.axes)}
    env_a = {e.annee: e.montant for e in reversed(avant.enveloppes)}
    env_b = {e.annee: e.montant for e in reversed(apres.enveloppes)}
    return DiffConvention(
        champs=champs,
        publics_ajoutes=tuple(p for p in dict.fromkeys(apres.publics) if p not in avant.publics),
        publics_retires=tuple(p for p in dict.fromkeys(avant.publics) if p not in apres.publics),
        axes_ajoutes=tuple(AxeRef(n, axes_b[n].titre) for n in sorted(axes_b.keys() - axes_a.keys())),
        axes_retires=tuple(AxeRef(n, axes_a[n].titre) for n in sorted(axes_a.keys() - axes_b.keys())),
        axes_renommes=tuple(
            AxeRenomme(n, axes_a[n].titre, axes_b[n].titre)
            for n in sorted(axes_a.keys() & axes_b.keys())
            if axes_a[n].titre != axes_b[n].titre
        ),
        enveloppes=tuple(
            EcartEnveloppe(y, env_a.get(y), env_b.get(y))
            for y in sorted(env_a.keys() | env_b.keys())
            if env_a.get(y) != env_b.get(y)
        ),
    )


def _budget(action: Action) -> Decimal | None:
    return precise(action.budget.etat_bop104) if action.budget is not None else None


def _index(actions: Iterable[Action]) -> dict[tuple[str, int], Action]:
    """Actions by (id, occurrence): duplicated ids (an error of their own) still pair up in order."""
    seen: Counter[str] = Counter()
    out = {}
    for action in actions:
        out[(action.id, seen[action.id])] = action
        seen[action.id] += 1
    return out


def _diff_action(annee: int, statut: Statut, a: Action | None, b: Action | None) -> DiffAction:
    shown = b if b is not None else a
    assert shown is not None
    changements: tuple[Changement, ...] = ()
    if a is not None and b is not None:
        changements = tuple(differences("", _plain(a), _plain(b)))
    return DiffAction(
        annee=annee,
        id=shown.id,
        statut=statut,
        titre=shown.titre,
        axe=shown.axe,
        porteur=shown.porteur,
        changements=changements,
        budget_avant=_budget(a) if a is not None else None,
        budget_apres=_budget(b) if b is not None else None,
        axe_avant=a.axe if a is not None else None,
    )


def comparer_annexes(
    annee: int, avant: Annexe | None, apres: Annexe | None, numero: int = 1
) -> DiffAnnexe | None:
    """Changes of one year's annexe; ``None`` when nothing changed."""
    if avant is None and apres is None:
        return None
    shown = apres if apres is not None else avant
    assert shown is not None
    ia = _index(avant.actions) if avant else {}
    ib = _index(apres.actions) if apres else {}
    actions: list[DiffAction] = []
    for key, action in ib.items():
        if key not in ia:
            actions.append(_diff_action(annee, "ajout", None, action))
        else:
            diff = _diff_action(annee, "modification", ia[key], action)
            if diff.changements:
                actions.append(diff)
    actions.extend(
        _diff_action(annee, "suppression", action, None) for key, action in ia.items() if key not in ib
    )
    champs: tuple[Changement, ...] = ()
    if avant is not None and apres is not None:
        pa, pb = _plain(avant), _plain(apres)
        del pa["actions"], pb["actions"]
        champs = tuple(differences("", pa, pb))
    statut: Statut = "ajout" if avant is None else "suppression" if apres is None else "modification"
    if statut == "modification" and not champs and not actions:
        return None
    return DiffAnnexe(annee, numero, statut, shown.cadre, champs, tuple(actions))


def comparer_porteurs(avant: list[Porteur], apres: list[Porteur]) -> tuple[DiffPorteur, ...]:
    ia = {p.id: p for p in reversed(avant)}
    ib = {p.id: p for p in reversed(apres)}
    out = []
    for porteur in apres:
        if porteur.id not in ia:
            out.append(DiffPorteur(porteur.id, "ajout", porteur.nom, porteur.type))
        elif ib[porteur.id] is porteur:
            changes = tuple(differences("", _plain(ia[porteur.id]), _plain(porteur)))
            if changes:
                out.append(DiffPorteur(porteur.id, "modification", porteur.nom, porteur.type, changes))
    out.extend(
        DiffPorteur(p.id, "suppression", p.nom, p.type) for p in avant if p.id not in ib and ia[p.id] is p
    )
    return tuple(out)


_UNKNOWN = object()


def _contenu(fichier: Fichier | None) -> Any:
    """What a file says: its model's values, its raw data when invalid, unknown when unreadable."""
    if fichier is None:
        return None
    if fichier.model is not None:
        return _plain(fichier.model)
    if fichier.document is not None:
        return ("brut", fichier.document.data)
    return _UNKNOWN


def _change(a: Fichier | None, b: Fichier | None) -> bool:
    ca, cb = _contenu(a), _contenu(b)
    return ca is _UNKNOWN or cb is _UNKNOWN or ca != cb


def _files(avant: dict[int, Fichier], apres: dict[int, Fichier]) -> DiffFichiers:
    return DiffFichiers(
        ajoutes=tuple(sorted(apres.keys() - avant.keys())),
        retires=tuple(sorted(avant.keys() - apres.keys())),
        modifies=tuple(n for n in sorted(avant.keys() & apres.keys()) if _change(avant[n], apres[n])),
    )


def _relative(fichier: Fichier) -> str:
    folder = {"actions": "actions", "bilan": "bilans", "avenant": "avenants"}.get(fichier.kind)
    return f"{folder}/{fichier.number}.yaml" if folder else f"{fichier.kind}.yaml"


def _invalides(depot: Depot, cote: Cote) -> list[FichierInvalide]:
    return [
        FichierInvalide(
            cote,
            _relative(f),
            "fichier illisible" if f.document is None else "structure non conforme au format",
        )
        for f in depot.files()
        if f.model is None
    ]


def _numero_annexe(annee: int, *contrats: Contrat | None) -> int:
    target = f"actions/{annee}.yaml"
    for contrat in contrats:
        if contrat is None:
            continue
        for ref in contrat.annexes:
            if ref.fichier.strip().removeprefix("./") == target:
                return ref.numero
    return 1


def _sums_by_axe(annexe: Annexe | None) -> dict[int, Decimal]:
    sums: dict[int, Decimal] = {}
    for action in annexe.actions if annexe else ():
        sums[action.axe] = sums.get(action.axe, ZERO) + (_budget(action) or ZERO)
    return sums


def _ecarts(
    pairs: dict[int, tuple[Annexe | None, Annexe | None]], annexes: list[DiffAnnexe], complet: bool
) -> EcartsBudget:
    changed_years = {a.annee for d in annexes for a in d.actions if a.budget_avant != a.budget_apres}
    par_axe: list[EcartBudget] = []
    par_annee: list[EcartBudget] = []
    total_a = total_b = ZERO
    for annee in sorted(pairs):
        avant, apres = pairs[annee]
        sa, sb = _sums_by_axe(avant), _sums_by_axe(apres)
        ya, yb = sum(sa.values(), ZERO), sum(sb.values(), ZERO)
        total_a, total_b = total_a + ya, total_b + yb
        rows = [
            EcartBudget(annee, axe, sa.get(axe, ZERO), sb.get(axe, ZERO))
            for axe in sorted(sa.keys() | sb.keys())
        ]
        rows = [row for row in rows if row.delta]
        par_axe += rows
        # A year is shown when an action's budget changed, or when an action moved to another axe.
        if annee in changed_years or rows:
            par_annee.append(EcartBudget(annee, None, ya, yb))
    return EcartsBudget(tuple(par_axe), tuple(par_annee), EcartBudget(None, None, total_a, total_b), complet)


def comparer(
    base: Depot,
    head: Depot,
    *,
    libelle_base: str = "base",
    libelle_head: str = "head",
    base_commit: str | None = None,
    head_commit: str | None = None,
    dossier: str = ".",
) -> DiffContrat:
    """The semantic diff of the contract from ``base`` to ``head``."""
    invalides = _invalides(base, "base") + _invalides(head, "head")
    termes: list[str] = []

    ca, cb = base.contrat_model, head.contrat_model
    convention = DiffConvention()
    if ca is not None and cb is not None:
        convention = comparer_contrats(ca, cb)
        if convention.termes:
            termes.append("contrat.yaml")
    elif _change(base.contrat, head.contrat):
        termes.append("contrat.yaml")

    annexes: list[DiffAnnexe] = []
    pairs: dict[int, tuple[Annexe | None, Annexe | None]] = {}
    complet = True
    for annee in sorted(base.actions.keys() | head.actions.keys()):
        fa, fb = base.actions.get(annee), head.actions.get(annee)
        if (fa is not None and fa.model is None) or (fb is not None and fb.model is None):
            complet = False
            if _change(fa, fb):
                termes.append(f"actions/{annee}.yaml")
            continue
        ma, mb = base.annexe(annee), head.annexe(annee)
        pairs[annee] = (ma, mb)
        diff = comparer_annexes(annee, ma, mb, _numero_annexe(annee, cb, ca))
        if diff is not None:
            annexes.append(diff)
            termes.append(f"actions/{annee}.yaml")

    pa, pb = base.porteurs_model, head.porteurs_model
    porteurs = comparer_porteurs(pa.porteurs, pb.porteurs) if pa is not None and pb is not None else ()

    shown = cb or ca
    return DiffContrat(
        contrat=convention,
        annexes=tuple(annexes),
        budget=_ecarts(pairs, annexes, complet),
        porteurs=porteurs,
        bilans=_files(base.bilans, head.bilans),
        avenants=_files(base.avenants, head.avenants),
        fichiers_termes_modifies=tuple(termes),
        fichiers_invalides=tuple(invalides),
        territoire=shown.territoire if shown else None,
        base=libelle_base,
        head=libelle_head,
        base_commit=base_commit,
        head_commit=head_commit,
        dossier=dossier,
    )

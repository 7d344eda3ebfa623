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
    SANS_BUDGET,
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
    MontantConnu,
    Statut,
)
from ctai_cli.avenants.ecarts import NON_PRECISE as BUDGET_NON_PRECISE
from ctai_cli.budget import Ligne, Rapprochement, Totaux, rapprocher
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


def _inconnu(action: Action | None) -> str | None:
    """Why the action's State budget is unknown (None: known, or no action on that side)."""
    if action is None:
        return None
    if action.budget is None:
        return SANS_BUDGET
    return BUDGET_NON_PRECISE if precise(action.budget.etat_bop104) is None else None


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
        inconnu_avant=_inconnu(a),
        inconnu_apres=_inconnu(b),
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


# --------------------------------------------------------------------------- budget deltas
# The sums are the budget core's (ctai_cli.budget.rapprocher, as « ctai budget reconcile »):
# a missing or partial annexe, an action without budget or with « non précisé » make a sum
# unknown, with the partial sum of the known terms.


def _raison(totaux: Totaux, invalides: tuple[int, ...] = ()) -> str | None:
    """Why the State allocations (alloué) of ``totaux`` are unknown, in French."""
    if totaux.sommes["alloue"].complet:
        return None
    parts = []
    absentes = [y for y in totaux.annexes_absentes if y not in invalides]
    for years, what in ((absentes, "absente"), (list(invalides), "invalide, non comparée")):
        if years:
            pluriel = "s" if len(years) > 1 else ""
            parts.append(f"annexe{pluriel} {', '.join(map(str, years))} {what}{pluriel}")
    if totaux.annexes_partielles:
        pluriel = "s" if len(totaux.annexes_partielles) > 1 else ""
        years = ", ".join(map(str, totaux.annexes_partielles))
        parts.append(f"annexe{pluriel} {years} partielle{pluriel}")
    for count, what in (
        (totaux.sans_budget, "sans budget dans l'annexe"),
        (totaux.budget_non_precise, "au budget État non précisé"),
    ):
        if count:
            parts.append(f"{count} action{'s' if count > 1 else ''} {what}")
    return ", ".join(parts)


def _cles(lignes: list[Ligne], absentes: Iterable[int], partielles: Iterable[int]) -> frozenset[Any]:
    """The unknown terms, by identity: a missing or partial annexe, each action without a known budget.

    A partial annexe's unknown term is the source's actions it does not list: the same on both
    sides only when the very same actions are listed (of the year, or of the axe for an axe's
    row). Transcribing one more action changes the listed part, not the real total: no delta."""
    seen: Counter[str] = Counter()
    out: set[Any] = {("annexe", y) for y in absentes}
    out |= {("partielle", y, frozenset(x.action for x in lignes if x.annee == y)) for y in partielles}
    for ligne in lignes:
        seen[ligne.cle] += 1
        if ligne.alloue is None:
            kind = "sans budget" if ligne.reports is None else "non précisé"
            out.add((ligne.cle, seen[ligne.cle], kind))
    return frozenset(out)


def _montant(
    lignes: list[Ligne], absentes: list[int], partielles: list[int], invalides: tuple[int, ...]
) -> MontantConnu:
    totaux = Totaux.de(lignes, absentes, partielles)
    return MontantConnu(
        totaux.sommes["alloue"], _raison(totaux, invalides), _cles(lignes, absentes, partielles)
    )


class _Cote:
    """One side's budget, as reconciled by the budget core."""

    def __init__(self, depot: Depot) -> None:
        self.rap: Rapprochement = rapprocher(depot)
        self.invalides = tuple(y for y, f in depot.actions.items() if f.model is None)

    def annee(self, year: int, axe: int | None = None) -> MontantConnu:
        annee = self.rap.annee(year)
        if annee is None or not annee.annexe:
            return _montant([], [year], [], self.invalides)
        lignes = [x for x in annee.lignes if axe is None or x.axe == axe]
        return _montant(lignes, [], list(annee.totaux.annexes_partielles), self.invalides)

    def axes(self, year: int) -> set[int]:
        annee = self.rap.annee(year)
        return {x.axe for x in annee.lignes} if annee is not None else set()

    def contrat(self) -> MontantConnu:
        """The contract's total over its years, as « ctai budget reconcile » gives it."""
        totaux = self.rap.contrat
        assert totaux is not None
        annees = [a for a in self.rap.annees if a.cadre == "contrat"]
        lignes = [x for a in annees for x in a.lignes]
        absentes = [a.annee for a in annees if not a.annexe]
        partielles = [y for a in annees for y in a.totaux.annexes_partielles]
        return MontantConnu(
            totaux.sommes["alloue"], _raison(totaux, self.invalides), _cles(lignes, absentes, partielles)
        )


def _ecarts(base: Depot, head: Depot, years: list[int], annexes: list[DiffAnnexe]) -> EcartsBudget:
    a, b = _Cote(base), _Cote(head)
    changed_years = {d.annee for d in annexes for x in d.actions if x.budget_change}
    changed_years |= {d.annee for d in annexes if d.statut != "modification"}
    par_axe: list[EcartBudget] = []
    par_annee: list[EcartBudget] = []
    for annee in years:
        rows = [
            EcartBudget(annee, axe, a.annee(annee, axe), b.annee(annee, axe))
            for axe in sorted(a.axes(annee) | b.axes(annee))
        ]
        rows = [row for row in rows if row.change]
        par_axe += rows
        # A year is shown when an action's budget changed, or when an action moved to another axe.
        if annee in changed_years or rows:
            par_annee.append(EcartBudget(annee, None, a.annee(annee), b.annee(annee)))
    invalides = tuple(f"actions/{y}.yaml" for y in sorted(set(a.invalides) | set(b.invalides)))
    return EcartsBudget(
        tuple(par_axe), tuple(par_annee), EcartBudget(None, None, a.contrat(), b.contrat()), invalides
    )


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
    compared: list[int] = []
    for annee in sorted(base.actions.keys() | head.actions.keys()):
        fa, fb = base.actions.get(annee), head.actions.get(annee)
        if (fa is not None and fa.model is None) or (fb is not None and fb.model is None):
            if _change(fa, fb):
                termes.append(f"actions/{annee}.yaml")
            continue
        ma, mb = base.annexe(annee), head.annexe(annee)
        compared.append(annee)
        diff = comparer_annexes(annee, ma, mb, _numero_annexe(annee, cb, ca))
        if diff is not None:
            annexes.append(diff)
            termes.append(f"actions/{annee}.yaml")

    pa, pb = base.porteurs_model, head.porteurs_model
    porteurs = comparer_porteurs(pa.porteurs, pb.porteurs) if pa is not None and pb is not None else ()

    shown = cb or ca
    noms_porteurs: dict[str, str] = {}
    for model in (pa, pb):  # head's names last: they win
        if model is not None and isinstance(model.porteurs, list):
            noms_porteurs.update({p.id: p.nom for p in model.porteurs})
    noms_parties = {p.role: p.nom for c in (ca, cb) if c is not None for p in c.parties}
    return DiffContrat(
        contrat=convention,
        annexes=tuple(annexes),
        budget=_ecarts(base, head, compared, annexes),
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
        noms_porteurs=noms_porteurs,
        noms_parties=noms_parties,
    )

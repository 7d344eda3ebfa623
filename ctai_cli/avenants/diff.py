"""Semantic diff of a contract between two versions, in contract terms.

:func:`comparer` takes two :class:`~ctai_cli.repository.Depot` (the *base* and the
*head*) and returns a :class:`DiffContrat`:

- ``contrat`` (:class:`DiffConvention`): the changes of ``contrat.yaml``, field by
  field (dotted paths of the French keys, ``periode.fin``; list elements with an
  identity are named by it, ``axes[3].titre``, ``enveloppes[2025].montant``), with
  the categories an avenant talks about: publics added or removed, axes added, removed
  or retitled (by ``numero``), dates changed, yearly State envelopes changed;
- ``annexes`` (:class:`DiffAnnexe`): per ``actions/<année>.yaml``, the actions added,
  removed or changed field by field (actions by ``id``, their objectives by ``id``,
  other lists compared as wholes), each with its State budget before and after;
- ``budget`` (:class:`EcartsBudget`): the State budget (``budget.etat_bop104``) deltas
  per year and axe, per year and in total;
- ``porteurs``, ``bilans``, ``avenants``: what changed in the other files;
- ``fichiers_termes_modifies`` / ``termes_modifies``: whether the *terms* of the
  contract changed — ``contrat.yaml`` and the annexes ``actions/<année>.yaml``. Bilans
  are reports and avenants are the amendments themselves, so they are not terms, nor
  is ``porteurs.yaml`` (a directory of the structures). In ``contrat.yaml``, the fields
  that record the signing itself (``statut``, ``deliberation``, ``signature``) are not
  terms either: recording that the contract was signed needs no avenant.

Values are compared as validated models (so a comment or the order of keys is not a
change, and a field written with its default value equals an absent one). Only files
whose model validated on both sides are compared field by field; an invalid file is
listed in ``fichiers_invalides`` and, for the terms, counted as changed when its raw
content differs.

Money is :class:`~decimal.Decimal` throughout. An action without a ``budget`` counts
for 0 in the sums; its own line says "sans budget État indiqué".

Renderers: :func:`phrases` (French sentences in administrative style, for
``avenants/<n>.yaml``), :func:`en_texte`, :func:`en_markdown` (a pull-request
description) and :meth:`DiffContrat.to_dict` (JSON).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from ctai_cli import francais as fr
from ctai_cli.budget import ZERO, Somme, money_text
from ctai_cli.formatting import date_longue, euros
from ctai_cli.models import Action, Annexe, Contrat, Porteur
from ctai_cli.models.common import precise
from ctai_cli.repository import Depot, Fichier

Statut = Literal["ajout", "suppression", "modification"]
Cote = Literal["base", "head"]

# contrat.yaml fields that record the signing, not the terms agreed.
CHAMPS_DE_SIGNATURE = ("statut", "deliberation", "signature")
# Lists whose elements have an identity: compared element by element.
_CLES = {
    "objectifs": "id",
    "axes": "numero",
    "enveloppes": "annee",
    "parties": "role",
    "annexes": "numero",
}
_LONG_TEXT = 100


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Changement:
    """One field changed. ``avant``/``apres`` are plain values (Decimal, date, str, int,
    bool, list, dict) or ``None`` when the field is absent on that side."""

    chemin: str  # "periode.fin", "budget.etat_bop104", "objectifs[personnes].cible"
    avant: Any
    apres: Any

    def to_dict(self) -> dict[str, Any]:
        return {"chemin": self.chemin, "avant": _json(self.avant), "apres": _json(self.apres)}


@dataclass(frozen=True)
class AxeRef:
    numero: int
    titre: str


@dataclass(frozen=True)
class AxeRenomme:
    numero: int
    avant: str
    apres: str


@dataclass(frozen=True)
class EcartEnveloppe:
    annee: int
    avant: Decimal | None  # None: no envelope for that year on that side
    apres: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.apres or ZERO) - (self.avant or ZERO)


@dataclass(frozen=True)
class DiffConvention:
    """Changes of contrat.yaml."""

    champs: tuple[Changement, ...] = ()  # every field changed (categories below included)
    publics_ajoutes: tuple[str, ...] = ()
    publics_retires: tuple[str, ...] = ()
    axes_ajoutes: tuple[AxeRef, ...] = ()
    axes_retires: tuple[AxeRef, ...] = ()
    axes_renommes: tuple[AxeRenomme, ...] = ()
    enveloppes: tuple[EcartEnveloppe, ...] = ()

    @property
    def dates(self) -> tuple[Changement, ...]:
        """Changes of a date field (``deliberation.date``, ``signature.date``…)."""
        return tuple(c for c in self.champs if isinstance(c.avant, date) or isinstance(c.apres, date))

    @property
    def termes(self) -> tuple[Changement, ...]:
        """Changes of the terms: every change but those recording the signing."""
        return tuple(c for c in self.champs if not _de_signature(c.chemin))

    @property
    def vide(self) -> bool:
        return not self.champs

    def to_dict(self) -> dict[str, Any]:
        return {
            "champs": [c.to_dict() for c in self.champs],
            "publics_ajoutes": list(self.publics_ajoutes),
            "publics_retires": list(self.publics_retires),
            "axes_ajoutes": [{"numero": a.numero, "titre": a.titre} for a in self.axes_ajoutes],
            "axes_retires": [{"numero": a.numero, "titre": a.titre} for a in self.axes_retires],
            "axes_renommes": [
                {"numero": a.numero, "avant": a.avant, "apres": a.apres} for a in self.axes_renommes
            ],
            "dates": [c.to_dict() for c in self.dates],
            "enveloppes": [
                {
                    "annee": e.annee,
                    "avant": money_text(e.avant),
                    "apres": money_text(e.apres),
                    "delta": money_text(e.delta),
                }
                for e in self.enveloppes
            ],
        }


@dataclass(frozen=True)
class DiffAction:
    annee: int
    id: str
    statut: Statut
    titre: str  # head's title (base's for a removed action)
    axe: int  # head's axe (base's for a removed action)
    porteur: str  # head's porteur (base's for a removed action)
    changements: tuple[Changement, ...] = ()  # field changes, for a "modification"
    budget_avant: Decimal | None = None  # budget.etat_bop104; None: absent or no budget
    budget_apres: Decimal | None = None
    axe_avant: int | None = None  # None for an added action

    @property
    def ecart(self) -> Decimal:
        """Change of the State budget (an added action: its budget; a removed one: minus it)."""
        return (self.budget_apres or ZERO) - (self.budget_avant or ZERO)

    def to_dict(self) -> dict[str, Any]:
        return {
            "annee": self.annee,
            "id": self.id,
            "statut": self.statut,
            "titre": self.titre,
            "axe": self.axe,
            "axe_avant": self.axe_avant,
            "porteur": self.porteur,
            "budget": {
                "avant": money_text(self.budget_avant),
                "apres": money_text(self.budget_apres),
                "delta": money_text(self.ecart),
            },
            "changements": [c.to_dict() for c in self.changements],
        }


@dataclass(frozen=True)
class DiffAnnexe:
    """Changes of actions/<annee>.yaml."""

    annee: int
    numero: int  # annex number in the contract (annexe 1 unless contrat.yaml says otherwise)
    statut: Statut
    cadre: str  # "contrat" or "contrat_precedent" (head's, base's for a removed annexe)
    champs: tuple[Changement, ...] = ()  # annexe fields other than the actions
    actions: tuple[DiffAction, ...] = ()

    @property
    def titre(self) -> str:
        return f"Annexe {self.numero} ({self.annee})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "annee": self.annee,
            "numero": self.numero,
            "statut": self.statut,
            "cadre": self.cadre,
            "fichier": f"actions/{self.annee}.yaml",
            "champs": [c.to_dict() for c in self.champs],
            "actions": [a.to_dict() for a in self.actions],
        }


@dataclass(frozen=True)
class DiffPorteur:
    id: str
    statut: Statut
    nom: str
    type: str
    changements: tuple[Changement, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statut": self.statut,
            "nom": self.nom,
            "type": self.type,
            "changements": [c.to_dict() for c in self.changements],
        }


@dataclass(frozen=True)
class DiffFichiers:
    """Files of a folder (bilans, avenants) added, removed or changed, by number."""

    ajoutes: tuple[int, ...] = ()
    retires: tuple[int, ...] = ()
    modifies: tuple[int, ...] = ()

    @property
    def vide(self) -> bool:
        return not (self.ajoutes or self.retires or self.modifies)

    def to_dict(self) -> dict[str, Any]:
        return {"ajoutes": list(self.ajoutes), "retires": list(self.retires), "modifies": list(self.modifies)}


@dataclass(frozen=True)
class EcartBudget:
    """State budget (BOP 104) before and after, for a year and axe, a year, or the whole."""

    annee: int | None
    axe: int | None
    avant: Decimal
    apres: Decimal

    @property
    def delta(self) -> Decimal:
        return self.apres - self.avant

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.annee is not None:
            out["annee"] = self.annee
        if self.axe is not None:
            out["axe"] = self.axe
        return {
            **out,
            "avant": money_text(self.avant),
            "apres": money_text(self.apres),
            "delta": money_text(self.delta),
        }


@dataclass(frozen=True)
class EcartsBudget:
    par_axe: tuple[EcartBudget, ...] = ()  # (year, axe) whose total changed
    par_annee: tuple[EcartBudget, ...] = ()  # years where an action's budget changed
    total: EcartBudget = field(default_factory=lambda: EcartBudget(None, None, ZERO, ZERO))
    complet: bool = True  # False when an annexe could not be compared (invalid file)

    @property
    def vide(self) -> bool:
        return not self.par_annee

    def to_dict(self) -> dict[str, Any]:
        return {
            "par_axe": [e.to_dict() for e in self.par_axe],
            "par_annee": [e.to_dict() for e in self.par_annee],
            "total": self.total.to_dict(),
            "complet": self.complet,
        }


@dataclass(frozen=True)
class FichierInvalide:
    cote: Cote
    fichier: str  # relative to the contract folder: "actions/2025.yaml"
    raison: str

    def to_dict(self) -> dict[str, Any]:
        return {"cote": self.cote, "fichier": self.fichier, "raison": self.raison}


@dataclass(frozen=True)
class DiffContrat:
    contrat: DiffConvention = field(default_factory=DiffConvention)
    annexes: tuple[DiffAnnexe, ...] = ()  # years with a change, in order
    budget: EcartsBudget = field(default_factory=EcartsBudget)
    porteurs: tuple[DiffPorteur, ...] = ()
    bilans: DiffFichiers = field(default_factory=DiffFichiers)
    avenants: DiffFichiers = field(default_factory=DiffFichiers)
    fichiers_termes_modifies: tuple[str, ...] = ()  # "contrat.yaml", "actions/2025.yaml"
    fichiers_invalides: tuple[FichierInvalide, ...] = ()
    territoire: str | None = None  # for titles (head's, or base's)
    base: str = "base"  # French description of each side
    head: str = "head"
    base_commit: str | None = None
    head_commit: str | None = None  # None: the working tree (or plain folders)
    dossier: str = "."  # the contract folder, as shown

    @property
    def termes_modifies(self) -> bool:
        return bool(self.fichiers_termes_modifies)

    @property
    def vide(self) -> bool:
        return not (
            self.fichiers_termes_modifies
            or not self.contrat.vide
            or self.annexes
            or self.porteurs
            or not self.bilans.vide
            or not self.avenants.vide
            or self.fichiers_invalides
        )

    def actions(self) -> Iterator[DiffAction]:
        for annexe in self.annexes:
            yield from annexe.actions

    def to_dict(self) -> dict[str, Any]:
        return {
            "dossier": self.dossier,
            "territoire": self.territoire,
            "base": {"libelle": self.base, "commit": self.base_commit},
            "head": {"libelle": self.head, "commit": self.head_commit},
            "termes_modifies": self.termes_modifies,
            "fichiers_termes_modifies": list(self.fichiers_termes_modifies),
            "fichiers_invalides": [f.to_dict() for f in self.fichiers_invalides],
            "contrat": self.contrat.to_dict(),
            "annexes": [a.to_dict() for a in self.annexes],
            "budget": self.budget.to_dict(),
            "porteurs": [p.to_dict() for p in self.porteurs],
            "bilans": self.bilans.to_dict(),
            "avenants": self.avenants.to_dict(),
            "phrases": phrases(self),
        }


# --------------------------------------------------------------------------- comparing


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


def _de_signature(chemin: str) -> bool:
    return any(chemin == f or chemin.startswith((f + ".", f + "[")) for f in CHAMPS_DE_SIGNATURE)


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


# --------------------------------------------------------------------------- French sentences

# Labels: (text with its article, feminine, plural). "{0}" takes the element key of a path.
_M, _F = False, True
_LABELS_CONTRAT: dict[str, tuple[str, bool, bool]] = {
    "intitule": ("l'intitulé", _M, False),
    "territoire": ("le territoire", _M, False),
    "departement": ("le département", _M, False),
    "statut": ("le statut du contrat", _M, False),
    "periode.debut": ("la première année de la période", _F, False),
    "periode.fin": ("la dernière année de la période", _F, False),
    "deliberation.date": ("la date de la délibération", _F, False),
    "deliberation.instance": ("l'instance délibérante", _F, False),
    "signature.date": ("la date de signature", _F, False),
    "signature.lieu": ("le lieu de signature", _M, False),
    "preambule": ("le préambule", _M, False),
    "axes[*].mobilise_bop104": ("la mobilisation des crédits du programme 104 par l'axe {0}", _F, False),
    "axes[*].description": ("la description de l'axe {0}", _F, False),
    "imputation.programme": ("le programme budgétaire", _M, False),
    "imputation.action": ("l'action budgétaire", _F, False),
    "imputation.sous_action": ("la sous-action budgétaire", _F, False),
    "imputation.code_activite": ("le code d'activité", _M, False),
    "report_reliquats": ("le report des reliquats", _M, False),
    "gouvernance.copil_min_par_an": ("le nombre minimal de comités de pilotage par an", _M, False),
    "refugies_info": ("le référencement sur refugies.info", _M, False),
    "juridiction": ("la juridiction compétente", _F, False),
    "annexes[*].titre": ("le titre de l'annexe {0}", _M, False),
    "annexes[*].fichier": ("le fichier de l'annexe {0}", _M, False),
    "parties[*].nom": ("le nom de la partie « {0} »", _M, False),
    "parties[*].representant.nom": ("le représentant de la partie « {0} »", _M, False),
    "parties[*].representant.qualite": ("la qualité du représentant de la partie « {0} »", _F, False),
}
_LABELS_ACTION: dict[str, tuple[str, bool, bool]] = {
    "titre": ("le titre", _M, False),
    "description": ("la description", _F, False),
    "axe": ("l'axe", _M, False),
    "porteur": ("le porteur", _M, False),
    "structure": ("la structure", _F, False),
    "nouvelle": ("la mention « action nouvelle »", _F, False),
    "publics": ("les publics", _M, True),
    "partenaires": ("les partenaires", _M, True),
    "budget.cofinancements": ("les cofinancements", _M, True),
    "budget.versements": ("les versements de l'État", _M, True),
    "budget.report_entrant": ("les reports entrants", _M, True),
    "budget.excedent_raisonnable": ("l'excédent raisonnable", _M, False),
    "agir.ouverte_public_agir": ("l'ouverture au public suivi par AGIR", _F, False),
    "agir.similaire_agir": ("la similarité avec l'accompagnement AGIR", _F, False),
    "agir.note": ("la note sur l'articulation avec AGIR", _F, False),
    "refugies_info.referencee": ("le référencement sur refugies.info", _M, False),
    "objectifs[*].libelle": ("le libellé de l'objectif « {0} »", _M, False),
    "objectifs[*].cible": ("la cible de l'objectif « {0} »", _F, False),
    "objectifs[*].unite": ("l'unité de l'objectif « {0} »", _F, False),
}
_LABELS_ANNEXE: dict[str, tuple[str, bool, bool]] = {
    "introduction": ("l'introduction", _F, False),
    "cadre": ("le cadre", _M, False),
    "annee": ("l'année", _F, False),
}
_LABELS_PORTEUR: dict[str, tuple[str, bool, bool]] = {
    "nom": ("le nom", _M, False),
    "type": ("le type", _M, False),
    "siret": ("le SIRET", _M, False),
    "siren": ("le SIREN", _M, False),
    "structures": ("les structures", _F, True),
    "note": ("la note", _F, False),
}
_ELEMENTS = {
    "objectifs": "l'objectif « {0} »",
    "parties": "la partie « {0} »",
    "annexes": "l'annexe {0}",
}
_PUBLICS = {"EPA", "BPI", "BPT"}


def _label(chemin: str, labels: dict[str, tuple[str, bool, bool]], with_path: bool) -> tuple[str, bool, bool]:
    keys = re.findall(r"\[([^\]]*)\]", chemin)
    pattern = re.sub(r"\[[^\]]*\]", "[*]", chemin)
    if pattern in labels:
        text, feminine, plural = labels[pattern]
        text = text.format(*keys)
        return (f"{text} ({chemin})" if with_path else text), feminine, plural
    return f"le champ « {chemin} »", _M, False


def _valeur(value: Any, *, quote: bool = True) -> str:
    if value is None:
        return "non renseigné"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return euros(value)
    if isinstance(value, date):
        return date_longue(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        text = value if len(value) <= 160 else value[:157] + "…"
        return f"« {text} »" if quote and value not in _PUBLICS else text
    if isinstance(value, dict):  # "Ville de Dax (15 000,00 €)": the first value, then the others
        parts = [_valeur(v, quote=False) for v in value.values() if not _empty(v)]
        if not parts:
            return "vide"
        return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")
    if isinstance(value, list):
        if not value:
            return "aucun"
        if any(isinstance(v, dict) for v in value):
            return "« " + " ; ".join(_valeur(v, quote=False) for v in value) + " »"
        return ", ".join(_valeur(v, quote=quote) for v in value)
    return str(value)


def _element(name: str, value: Any) -> str:
    """A keyed list element in a few words."""
    if isinstance(value, dict):
        if name == "objectifs":
            return f"« {value.get('libelle')} », cible : {value.get('cible')} {value.get('unite')}"
        if name == "parties":
            return str(value.get("nom"))
        if name == "annexes":
            return f"« {value.get('titre')} », {value.get('fichier')}"
        value = {k: v for k, v in value.items() if k != _CLES.get(name)}
    return _valeur(value)


def _accord(feminine: bool, plural: bool) -> str:
    return fr.accord("f" if feminine else "m", 2 if plural else 1)


def _long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > _LONG_TEXT or "\n" in value)


def _phrase_changement(
    change: Changement, labels: dict[str, tuple[str, bool, bool]], sujet: str, *, with_path: bool = False
) -> str:
    """One field change as a sentence (without the "Annexe 1 (2025) : " prefix)."""
    chemin, avant, apres = change.chemin, change.avant, change.apres
    element = re.fullmatch(r"(?:.*\.)?(\w+)\[([^\]]*)\]", chemin)
    if element and (isinstance(avant, dict) or isinstance(apres, dict)):  # a keyed element added or removed
        name, key = element.groups()
        what = _ELEMENTS.get(name, f"l'élément « {key} » de « {chemin.rsplit('[', 1)[0]} »").format(key)
        if avant is None:
            link = " à " + sujet.removeprefix("de ").removeprefix("du ") if sujet else ""
            return f"ajout de {what}{link} ({_element(name, apres)})"
        if apres is None:
            return f"suppression de {what}{' ' + sujet if sujet else ''} ({_element(name, avant)})"
    label, feminine, plural = _label(chemin, labels, with_path)
    subject = f"{label} {sujet}".strip()
    accord = _accord(feminine, plural)
    if (
        isinstance(avant, list)
        and isinstance(apres, list)
        and not any(isinstance(v, dict) for v in avant + apres)
    ):
        added = [v for v in apres if v not in avant]
        removed = [v for v in avant if v not in apres]
        parts = []
        if added:
            parts.append(f"ajout de {_valeur(added)}")
        if removed:
            parts.append(f"retrait de {_valeur(removed)}")
        return f"{subject} : {' ; '.join(parts) if parts else 'ordre modifié'}"
    if _long(avant) or _long(apres):
        verb = "sont" if plural else "est"
        return f"{subject} {verb} modifié{accord}"
    if _empty(avant):
        verb = "sont" if plural else "est"
        return f"{subject} {verb} renseigné{accord} : {_valeur(apres)}"
    if _empty(apres):
        verb = "ne sont plus" if plural else "n'est plus"
        return f"{subject} {verb} renseigné{accord} (auparavant : {_valeur(avant)})"
    verb = "passent" if plural else "passe"
    if isinstance(avant, date) and isinstance(apres, date):
        return f"{subject} {verb} du {_valeur(avant)} au {_valeur(apres)}"
    return f"{subject} {verb} de {_valeur(avant)} à {_valeur(apres)}"


def ecart_signe(delta: Decimal) -> str:
    """``+3 000,00 €``, ``-749,60 €``, ``0,00 €``."""
    return f"+{euros(delta)}" if delta > 0 else euros(delta)


def _budget_texte(montant: Decimal | None) -> str:
    return euros(montant) if montant is not None else "sans budget État indiqué"


def _phrases_action(action: DiffAction) -> list[str]:
    sujet = f"de l'action « {action.id} »"
    if action.statut in ("ajout", "suppression"):
        montant = action.budget_apres if action.statut == "ajout" else action.budget_avant
        what = "ajout" if action.statut == "ajout" else "suppression"
        return [
            f"{what} de l'action « {action.id} », intitulée « {action.titre} » "
            f"(axe {action.axe}, porteur {action.porteur}, {_budget_texte(montant)})"
        ]
    out = []
    for change in action.changements:
        if change.chemin == "budget.etat_bop104":
            avant, apres = change.avant, change.apres
            if avant is None:
                out.append(f"le budget État {sujet} est fixé à {euros(apres)}")
            elif apres is None:
                out.append(f"le budget État {sujet} n'est plus indiqué (auparavant : {euros(avant)})")
            else:
                out.append(
                    f"le budget État {sujet} passe de {euros(avant)} à {euros(apres)} ({ecart_signe(apres - avant)})"
                )
        else:
            out.append(_phrase_changement(change, _LABELS_ACTION, sujet))
    return out


def _phrases_contrat(diff: DiffConvention, *, termes_seulement: bool) -> list[str]:
    out = [f"ajout du public {p}" for p in diff.publics_ajoutes]
    out += [f"retrait du public {p}" for p in diff.publics_retires]
    out += [f"ajout de l'axe {a.numero} « {a.titre} »" for a in diff.axes_ajoutes]
    out += [f"suppression de l'axe {a.numero} « {a.titre} »" for a in diff.axes_retires]
    out += [
        f"l'axe {a.numero} est renommé « {a.apres} » (auparavant : « {a.avant} »)" for a in diff.axes_renommes
    ]
    for e in diff.enveloppes:
        if e.avant is None:
            out.append(f"l'enveloppe de l'État pour {e.annee} est fixée à {euros(e.apres or ZERO)}")
        elif e.apres is None:
            out.append(f"l'enveloppe de l'État pour {e.annee} est supprimée (auparavant : {euros(e.avant)})")
        else:
            out.append(
                f"l'enveloppe de l'État pour {e.annee} passe de {euros(e.avant)} à {euros(e.apres)} "
                f"({ecart_signe(e.delta)})"
            )
    covered = {f"axes[{a.numero}]" for a in (*diff.axes_ajoutes, *diff.axes_retires)}
    covered |= {f"axes[{a.numero}].titre" for a in diff.axes_renommes}
    for change in diff.termes if termes_seulement else diff.champs:
        chemin = change.chemin
        if (
            chemin in covered
            or chemin in ("publics", "axes", "enveloppes")
            or chemin.startswith("enveloppes[")
        ):
            continue
        out.append(_phrase_changement(change, _LABELS_CONTRAT, "", with_path=True))
    return out


def _phrases_annexe(annexe: DiffAnnexe) -> list[str]:
    out = []
    if annexe.statut in ("ajout", "suppression"):
        n = len(annexe.actions)
        total = Somme.de(
            a.budget_apres if annexe.statut == "ajout" else a.budget_avant for a in annexe.actions
        )
        what = "ajout" if annexe.statut == "ajout" else "suppression"
        if total.valeur is not None:
            budget = f"budget État total de {euros(total.valeur)}"
        else:  # unknown is never zero: an action without budget makes the total unknown
            budget = f"budget État total inconnu, {total.inconnus} action{'s' if total.inconnus > 1 else ''} sans budget"
            if total.partiel is not None:
                budget += f" (somme partielle des autres : {euros(total.partiel)})"
        out.append(
            f"{what} de l'annexe des actions de {annexe.annee} ({n} action{'s' if n > 1 else ''}, {budget})"
        )
    out += [_phrase_changement(c, _LABELS_ANNEXE, "de l'annexe") for c in annexe.champs]
    for action in annexe.actions:
        out += _phrases_action(action)
    return out


def _phrases_porteur(porteur: DiffPorteur) -> list[str]:
    if porteur.statut == "ajout":
        return [f"ajout du porteur « {porteur.id} » ({porteur.nom}, {porteur.type})"]
    if porteur.statut == "suppression":
        return [f"suppression du porteur « {porteur.id} » ({porteur.nom})"]
    return [
        _phrase_changement(c, _LABELS_PORTEUR, f"du porteur « {porteur.id} »") for c in porteur.changements
    ]


def sections(diff: DiffContrat, *, termes_seulement: bool = False) -> list[tuple[str, list[str]]]:
    """Sentences grouped by part of the contract: [("Contrat", [...]), ("Annexe 1 (2025)", [...]), …]."""
    out: list[tuple[str, list[str]]] = []
    contrat = _phrases_contrat(diff.contrat, termes_seulement=termes_seulement)
    if contrat:
        out.append(("Contrat", contrat))
    for annexe in diff.annexes:
        sentences = _phrases_annexe(annexe)
        if sentences:
            out.append((annexe.titre, sentences))
    if not termes_seulement:
        porteurs = [s for p in diff.porteurs for s in _phrases_porteur(p)]
        if porteurs:
            out.append(("Porteurs", porteurs))
    return out


def phrases(diff: DiffContrat, *, termes_seulement: bool = False) -> list[str]:
    """Every change as a French sentence: « Annexe 1 (2025) : ajout de l'action … ».

    ``termes_seulement``: only the terms of the contract (what an avenant lists): no
    porteurs, no change recording the signing (statut, délibération, signature).
    """
    return [
        f"{titre} : {s}."
        for titre, sentences in sections(diff, termes_seulement=termes_seulement)
        for s in sentences
    ]


def _fichiers(group: DiffFichiers, label: str, folder: str) -> list[str]:
    out = []
    for verb, numbers in (
        ("ajouté", group.ajoutes),
        ("supprimé", group.retires),
        ("modifié", group.modifies),
    ):
        out += [f"{label} {n} {verb} ({folder}/{n}.yaml)" for n in numbers]
    return out


def _invalides_texte(diff: DiffContrat) -> list[str]:
    return [f"{f.fichier} ({f.cote}) : {f.raison}, non comparé" for f in diff.fichiers_invalides]


def _table(diff: DiffContrat) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for year in diff.budget.par_annee:
        for row in diff.budget.par_axe:
            if row.annee == year.annee:
                rows.append(
                    (
                        str(row.annee),
                        f"axe {row.axe}",
                        euros(row.avant),
                        euros(row.apres),
                        ecart_signe(row.delta),
                    )
                )
        rows.append((str(year.annee), "total", euros(year.avant), euros(year.apres), ecart_signe(year.delta)))
    return rows


def _titre(diff: DiffContrat) -> str:
    return f"Modifications du contrat de {diff.territoire}" if diff.territoire else "Modifications du contrat"


def en_texte(diff: DiffContrat) -> str:
    """Plain-text report for the terminal."""
    lines = [f"{_titre(diff)} ({diff.dossier})", f"Base : {diff.base}", f"Comparée à : {diff.head}", ""]
    if diff.vide:
        lines.append("Aucune modification.")
        return "\n".join(lines) + "\n"
    if diff.termes_modifies:
        lines.append(
            "Termes du contrat modifiés : " + ", ".join(diff.fichiers_termes_modifies) + ". "
            "Le contrat ne se modifie que par avenant (article 10)."
        )
    else:
        lines.append("Termes du contrat inchangés (contrat.yaml et annexes).")
    if not diff.avenants.vide:
        lines.append("Avenants : " + "; ".join(_fichiers(diff.avenants, "avenant n°", "avenants")) + ".")
    rows = _table(diff)
    if rows:
        lines += ["", "Budget de l'État (BOP 104) :"]
        header = ("Année", "Axe", "Avant", "Après", "Écart")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
        for row in [header, *rows]:
            cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
            cells += [row[i].rjust(widths[i]) for i in (2, 3, 4)]
            lines.append("  " + "  ".join(cells).rstrip())
        total = diff.budget.total
        lines.append(
            f"  Total du contrat : {euros(total.avant)} → {euros(total.apres)} ({ecart_signe(total.delta)})"
            + ("" if diff.budget.complet else " — incomplet : des annexes n'ont pas pu être comparées")
        )
    for titre, sentences in sections(diff):
        lines += ["", f"{titre} :"]
        lines += [f"  - {s}." for s in sentences]
    bilans = _fichiers(diff.bilans, "bilan", "bilans")
    if bilans:
        lines += ["", "Bilans (hors termes du contrat) :"] + [f"  - {s}." for s in bilans]
    invalid = _invalides_texte(diff)
    if invalid:
        lines += ["", "Fichiers invalides :"] + [f"  - {s}." for s in invalid]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape Markdown in a sentence (titles may hold '*', '_', '|'…); no HTML tags."""
    from ctai_cli.formatting import texte_markdown

    return texte_markdown(text)


def en_markdown(diff: DiffContrat) -> str:
    """A pull-request description: title, budget table per year and axe, then the details."""
    lines = [f"## {_md(_titre(diff))}", ""]
    lines.append(f"Comparaison de {_md(diff.base)} avec {_md(diff.head)} — dossier `{diff.dossier}`.")
    lines.append("")
    if diff.vide:
        lines.append("Aucune modification.")
        return "\n".join(lines) + "\n"
    if diff.termes_modifies:
        files = ", ".join(f"`{f}`" for f in diff.fichiers_termes_modifies)
        lines.append(
            f"> **Termes du contrat modifiés** : {files}. Le contrat ne se modifie que par avenant (article 10)."
        )
    else:
        lines.append("> Termes du contrat inchangés (`contrat.yaml` et annexes).")
    if not diff.avenants.vide:
        lines.append(">")
        lines.append(
            "> Avenants : " + _md("; ".join(_fichiers(diff.avenants, "avenant n°", "avenants"))) + "."
        )
    rows = _table(diff)
    if rows:
        lines += [
            "",
            "### Budget de l'État (BOP 104)",
            "",
            "| Année | Axe | Avant | Après | Écart |",
            "|---|---|--:|--:|--:|",
        ]
        for annee, axe, avant, apres, delta in rows:
            if axe == "total":
                lines.append(f"| **{annee}** | **total** | **{avant}** | **{apres}** | **{delta}** |")
            else:
                lines.append(f"| {annee} | {axe} | {avant} | {apres} | {delta} |")
        total = diff.budget.total
        lines.append(
            f"| **Contrat** | **toutes années** | **{euros(total.avant)}** | **{euros(total.apres)}** "
            f"| **{ecart_signe(total.delta)}** |"
        )
        if not diff.budget.complet:
            lines += ["", "_Totaux incomplets : des annexes invalides n'ont pas pu être comparées._"]
    parts = sections(diff)
    if parts:
        lines += ["", "### Détail des modifications"]
        for titre, sentences in parts:
            lines += ["", f"#### {_md(titre)}", ""]
            lines += [f"- {_md(s)}." for s in sentences]
    bilans = _fichiers(diff.bilans, "bilan", "bilans")
    if bilans:
        lines += ["", "### Bilans (hors termes du contrat)", ""] + [f"- {_md(s)}." for s in bilans]
    invalid = _invalides_texte(diff)
    if invalid:
        lines += ["", "### Fichiers invalides", ""] + [f"- {_md(s)}." for s in invalid]
    return "\n".join(lines) + "\n"


def to_dict(diff: DiffContrat) -> dict[str, Any]:
    """JSON-ready form (amounts as text with two decimals, dates ISO)."""
    return diff.to_dict()


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value

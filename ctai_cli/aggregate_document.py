"""The aggregate as a document: Markdown, or one self-contained printable HTML page.

The view is built here once (every amount already worded in French by the same helpers
as the text output: « — » for unknown, the partial sum labelled), then rendered by the
built-in templates ``agregat.md.j2`` and ``agregat.html.j2`` in the sandboxed Jinja
environment. The HTML charts are drawn by :mod:`ctai_cli.documents.graphiques`, as the
fiche-bilan's; the numbers are always in a table next to them.
"""

from __future__ import annotations

from typing import Any

from ctai_cli.aggregate import (
    ETATS_BILAN,
    LIBELLES_DISPOSITION,
    PUBLICS,
    Agregat,
    Territoire,
    etiquettes,
)
from ctai_cli.aggregate_report import (
    _euros,
    _nombre,
    cofinancements_texte,
    effectif_texte,
    groupe_texte,
    groupes,
    mediane_texte,
    non_ventile_texte,
    reliquat_montant,
    retenus_exclus,
    somme_texte,
    titre_ensemble,
)
from ctai_cli.budget import COLONNES, LIBELLES, Somme
from ctai_cli.francais import STATUTS, nombre_de, periode, pluriel


class RenduImpossible(Exception):
    """A built-in template failed: a bug of ctai (exit 3)."""


def _periode(t: Territoire) -> str:
    return periode(t.debut, t.fin, "–")


def _bop(totaux: Any) -> list[dict[str, str]]:
    return [{"libelle": LIBELLES[c], "valeur": somme_texte(totaux.sommes[c])} for c in COLONNES]


def _hors_public(b: Any) -> str | None:
    """What structures' whole files active add beyond the contract's public; None: no file active."""
    return effectif_texte(b.hors_public) if b.hors_public.termes else None


def _non_ventile(b: Any) -> list[dict[str, str]]:
    """The « non ventilé » row of a table by public (none when every person has a public)."""
    texte = non_ventile_texte(b)
    return [] if texte is None else [{"public": "non ventilé", "nombre": texte}]


def vue(agregat: Agregat) -> dict[str, Any]:
    territoires = []
    for t in agregat.territoires:
        totaux = t.totaux
        territoires.append(
            {
                "territoire": t.territoire,
                "departement": t.departement,
                "source": t.source,
                "periode": _periode(t),
                "statut": STATUTS[t.statut],
                "collectivites": ", ".join(t.collectivites),
                "publics": ", ".join(t.publics),
                "axes": [{"numero": n, "titre": titre, "actions": t.actions_texte(n)} for n, titre in t.axes],
                "dotations": [f"{annee} : {_euros(montant)}" for annee, montant in t.dotations],
                "enveloppes": somme_texte(t.enveloppes),
                "alloue": _euros(totaux.alloue),
                "depense": _euros(totaux.depense),
                "reliquat": _euros(totaux.reliquat),
                "bop": _bop(totaux),
                "inconnus": totaux.inconnus_texte,
                "reliquats": [
                    {"disposition": LIBELLES_DISPOSITION[k], "montant": reliquat_montant(k, s)}
                    for k, s in t.reliquats.items()
                ],
                "cofinancements": cofinancements_texte(t.cofinancements),
                "beneficiaires": effectif_texte(t.beneficiaires.total),
                "hors_public": _hors_public(t.beneficiaires),
                "par_public": [{"public": k, "nombre": groupe_texte(s)} for k, s in groupes(t.beneficiaires)]
                + _non_ventile(t.beneficiaires),
                "bilans": [
                    {
                        "annee": b.annee,
                        "etat": b.libelle,
                        "echeance": b.echeance,
                        "date_remise": b.date_remise,
                        "copils": "—"
                        if c.tenus is None
                        else f"{c.tenus} (minimum {'non précisé' if c.minimum is None else c.minimum})",
                    }
                    for b, c in zip(t.bilans, t.copils, strict=True)
                ],
            }
        )
    ensemble = agregat.totaux if agregat.territoires else None
    b = agregat.beneficiaires
    out: dict[str, Any] = {
        "annee": agregat.annee,
        "periode": f"année {agregat.annee}"
        if agregat.annee is not None
        else "toutes les années des contrats",
        "date": agregat.date,
        "lus": agregat.lus,
        "retenus": len(agregat.territoires),
        # « 4 contrats lus », « 3 retenus, 1 exclu », « Ensemble des 3 contrats retenus »
        "contrats_lus": f"{agregat.lus} {pluriel(agregat.lus, 'contrat lu', 'contrats lus')}",
        "retenus_exclus": retenus_exclus(agregat),
        "contrats_retenus": nombre_de(len(agregat.territoires), "contrat"),
        "titre_ensemble": titre_ensemble(agregat),
        "illustratif": agregat.illustratif,  # the « Illustratif » banner (templates/_illustratif.*.j2)
        "exclus": [{"source": e.source, "raison": e.raison} for e in agregat.exclus],
        "hors_annee": list(agregat.hors_annee),
        "territoires": territoires,
        "ensemble": None
        if ensemble is None
        else {
            "enveloppes": somme_texte(agregat.enveloppes),
            "bop": _bop(ensemble),
            "inconnus": agregat.inconnus_texte,
            "reliquats": [
                {"disposition": LIBELLES_DISPOSITION[k], "montant": reliquat_montant(k, s)}
                for k, s in agregat.reliquats.items()
            ],
            "cofinancements": cofinancements_texte(agregat.cofinancements),
            "departements": [
                {
                    "code": k,
                    "alloue": somme_texte(v.sommes["alloue"]),
                    "depense": somme_texte(v.sommes["depense"]),
                }
                for k, v in agregat.par_departement.items()
            ],
            "axes": [
                {
                    "titre": titre,
                    "alloue": somme_texte(v.sommes["alloue"]),
                    "depense": somme_texte(v.sommes["depense"]),
                    "mediane": mediane_texte(agregat.mediane_axe(titre)),
                }
                for titre, v in agregat.par_axe.items()
            ],
            "beneficiaires": effectif_texte(b.total),
            "hors_public": _hors_public(b),
            "mediane_beneficiaires": mediane_texte(agregat.mediane_public(None), _nombre),
            "publics": [
                {
                    "public": k,
                    "nombre": groupe_texte(s),
                    "mediane": "—" if s is None else mediane_texte(agregat.mediane_public(k), _nombre),
                }
                for k, s in groupes(b)
            ]
            + [{**n, "mediane": "—"} for n in _non_ventile(b)],
            "bilans": [{"etat": ETATS_BILAN[k], "nombre": n} for k, n in agregat.bilans.items()],
        },
        "graphiques": {},
    }
    return out


def _graphiques(agregat: Agregat) -> dict[str, Any]:
    from ctai_cli.documents.contexte import NON_VENTILE
    from ctai_cli.documents.graphiques import barres_appariees, barres_empilees
    from ctai_cli.documents.jinja import f_nombre, markup

    out: dict[str, Any] = {"departements": None, "beneficiaires": None}
    suffix = f" {agregat.annee}" if agregat.annee is not None else ""
    depts = barres_appariees(
        f"Crédits BOP 104{suffix} par département : alloué et dépensé",
        [(f"Département {k}", v.alloue, v.depense) for k, v in agregat.par_departement.items()],
        ("Alloué", "Dépensé"),
    )
    if depts is not None:
        out["departements"] = markup(depts)
    groupes = list(dict.fromkeys([*PUBLICS, *agregat.beneficiaires.par_public]))
    labels = etiquettes(agregat.territoires)

    def connu(s: Somme) -> int | None:
        return None if s.termes == s.inconnus else int(s.connu)

    def connus(t: Territoire, label: str) -> tuple[str, dict[str, int | None]]:
        # The known part of each group is drawn, and the people without a public (« non ventilé »):
        # the bar ends at the total when it is known.
        b = t.beneficiaires
        counts = {k: connu(s) for k, s in b.par_public.items()}
        if b.non_ventile.termes:
            counts[NON_VENTILE] = connu(b.non_ventile)
        return label, counts

    def texte(s: Somme) -> str:
        if s.valeur is not None:
            return f_nombre(int(s.valeur))
        return f"au moins {f_nombre(int(s.partiel))}" if s.partiel else "inconnu"

    def total(t: Territoire) -> str:
        return texte(t.beneficiaires.total)

    def detail(t: Territoire, label: str) -> str:
        b = t.beneficiaires
        parts = [f"{k} {texte(s)}" for k, s in b.par_public.items()]
        if b.non_ventile.termes:
            parts.append(f"{NON_VENTILE.lower()} {texte(b.non_ventile)}")
        return f"{label} : {total(t)} ({', '.join(parts)})"

    territoires = agregat.territoires
    presents = [*groupes, NON_VENTILE]
    benef = barres_empilees(
        f"Bénéficiaires{suffix} par contrat et par public (somme par action ; part connue)",
        [connus(t, labels[i]) for i, t in enumerate(territoires)],
        [
            g
            for g in presents
            if any(
                (t.beneficiaires.non_ventile.connu if g == NON_VENTILE else g in t.beneficiaires.par_public)
                for t in territoires
            )
        ],
        totaux=[total(t) for t in territoires],
        textes=[
            {
                **{k: texte(s) for k, s in t.beneficiaires.par_public.items()},
                NON_VENTILE: texte(t.beneficiaires.non_ventile),
            }
            for t in territoires
        ],
        description="; ".join(detail(t, labels[i]) for i, t in enumerate(territoires)),
    )
    if benef is not None:
        out["beneficiaires"] = markup(benef)
    return out


def rendre(agregat: Agregat, fmt: str) -> str:
    """The document as Markdown (``md``) or HTML (``html``)."""
    from ctai_cli.documents.rendu import rendre_texte

    doc = vue(agregat)
    if fmt == "html":
        doc["graphiques"] = _graphiques(agregat)
    rendu = rendre_texte("agregat", fmt, {"doc": doc}, None)
    if rendu.contenu is None:
        raise RenduImpossible("; ".join(d.message for d in rendu.diagnostics))
    return str(rendu.contenu)

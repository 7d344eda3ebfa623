"""The aggregate in text (terminal) and JSON; the tables in CSV.

Amounts: « — » in text and ``null`` in JSON for an unknown total, the sum of the known
terms shown only labelled « somme partielle ». Text read from the files goes through
:func:`ctai_cli.terminal.sur` when printed.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any, TextIO

from ctai_cli.aggregate import (
    LIBELLES_DISPOSITION,
    PUBLICS,
    Agregat,
    Mediane,
    Territoire,
    count_text,
    somme_dict,
)
from ctai_cli.budget import COLONNES, LIBELLES, PrevuRealise, Somme, Totaux, money_text
from ctai_cli.francais import STATUTS, nombre_de, pluriel
from ctai_cli.francais import periode as fr_periode


def _euros(value: Decimal | None) -> str:
    from ctai_cli.formatting import euros

    return "—" if value is None else euros(value)


def _nombre(value: Decimal | int | None) -> str:
    from ctai_cli.documents.jinja import f_nombre

    return "—" if value is None else f_nombre(int(value))


def somme_texte(s: Somme, fmt: Any = _euros) -> str:
    text = fmt(s.valeur)
    if s.partiel is not None:
        inconnus = nombre_de(s.inconnus, "terme inconnu", "termes inconnus")
        text += f" (somme partielle, {inconnus} sur {s.termes} : {fmt(s.partiel)})"
    elif s.valeur is None and s.termes:
        text += " (inconnu)"
    return text


def effectif_texte(s: Somme) -> str:
    """A count of people: « 479 »; a partial sum, a minimum (counts are never negative):
    « au moins 55 (somme partielle, 1 terme inconnu sur 14) »; « — (inconnu) »."""
    if s.partiel:
        inconnus = nombre_de(s.inconnus, "terme inconnu", "termes inconnus")
        return f"au moins {_nombre(s.partiel)} (somme partielle, {inconnus} sur {s.termes})"
    return somme_texte(s, _nombre)


def reliquat_montant(disposition: str, s: Somme) -> str:
    """« 1 000,00 € »; for reliquats of unknown amount and disposition « — (2 reliquats inconnus) »."""
    if disposition == "inconnue" and s.valeur is None and s.partiel is None:
        return f"— ({nombre_de(s.inconnus, 'reliquat inconnu', 'reliquats inconnus')})"
    return somme_texte(s)


def reliquat_texte(disposition: str, s: Somme) -> str:
    """« reversé 1 000,00 € », « disposition inconnue — (2 reliquats inconnus) »."""
    return f"{LIBELLES_DISPOSITION[disposition]} {reliquat_montant(disposition, s)}"


def reliquats_dict(reliquats: dict[str, Somme]) -> dict[str, Any]:
    """JSON: each disposition's sum; an unknown one says how many terms are unknown."""
    return {
        k: {**somme_dict(s), "inconnus": s.inconnus} if s.inconnus else somme_dict(s)
        for k, s in reliquats.items()
    }


def mediane_texte(m: Mediane, fmt: Any = _euros) -> str:
    if m.effectif == 0:
        return "—"
    text = fmt(m.valeur)
    if m.partielle is not None:
        connues = len(m.valeurs)
        de = f"des {connues} valeurs connues" if connues > 1 else f"de {connues} valeur connue"
        text += f" (médiane {de} sur {m.effectif} : {fmt(m.partielle)})"
    return text


def totaux_texte(t: Totaux, indent: str = "    ", inconnus: str | None = None) -> str:
    """The six columns, then why some are unknown (``inconnus``: said better by the caller)."""
    lines = [f"{indent}{LIBELLES[c]} : {somme_texte(t.sommes[c])}" for c in COLONNES]
    inconnus = inconnus or t.inconnus_texte
    if inconnus:
        lines.append(f"{indent}{inconnus}")
    return "\n".join(lines) + "\n"


def cofinancements_texte(pair: PrevuRealise) -> str:
    return f"prévus {somme_texte(pair.prevu)} ; réalisés {somme_texte(pair.realise)}"


def _periode(agregat: Agregat) -> str:
    return f"année {agregat.annee}" if agregat.annee is not None else "toutes les années des contrats"


def retenus_exclus(agregat: Agregat) -> str:
    """« 3 retenus, 1 exclu »."""
    retenus, exclus = len(agregat.territoires), len(agregat.exclus)
    return f"{retenus} {pluriel(retenus, 'retenu')}, {exclus} {pluriel(exclus, 'exclu', 'exclus')}"


def titre_ensemble(agregat: Agregat) -> str:
    """« Ensemble des 3 contrats retenus »; « Ensemble du contrat retenu » for one."""
    retenus = len(agregat.territoires)
    return f"Ensemble des {retenus} contrats retenus" if retenus > 1 else "Ensemble du contrat retenu"


def _territoire_texte(t: Territoire, out: TextIO) -> None:
    from ctai_cli.terminal import sur

    periode = fr_periode(t.debut, t.fin, "–")
    out.write(f"\n{sur(t.territoire)} ({t.departement}) — {periode}, {STATUTS[t.statut]} — {sur(t.source)}\n")
    out.write(f"  collectivités : {sur(', '.join(t.collectivites)) or '—'}\n")
    out.write(f"  publics : {', '.join(t.publics)}\n")
    out.write("  axes (fiches-actions) :\n")
    for numero, titre in t.axes:
        out.write(f"    {numero}. {sur(titre)} : {t.actions_texte(numero)}\n")
    out.write(f"  enveloppes BOP 104 : {somme_texte(t.enveloppes)}\n")
    if t.dotations:
        out.write(
            "  dotations, financeur et programme non précisés (comptées à part du BOP 104) : "
            + " ; ".join(f"{annee} : {_euros(montant)}" for annee, montant in t.dotations)
            + "\n"
        )
    out.write("  BOP 104 :\n")
    out.write(totaux_texte(t.totaux))
    if t.reliquats:
        out.write("  reliquats : ")
        out.write(" ; ".join(reliquat_texte(k, s) for k, s in t.reliquats.items()))
        out.write("\n")
    out.write(f"  cofinancements (hors BOP 104) : {cofinancements_texte(t.cofinancements)}\n")
    b = t.beneficiaires
    out.write(f"  bénéficiaires du public du contrat (somme par action) : {effectif_texte(b.total)}\n")
    for key, s in groupes(b):
        out.write(f"    {key} : {groupe_texte(s)}\n")
    _non_ventile(b, out)
    _hors_public(b, out)
    out.write("  bilans :\n")
    for etat, copil in zip(t.bilans, t.copils, strict=True):
        from ctai_cli.formatting import date_longue

        details = []
        if etat.echeance:
            details.append(f"échéance {date_longue(etat.echeance)}")
        elif etat.etat == "echeance_inconnue":
            details.append("échéance inconnue")
        if etat.date_remise:
            details.append(f"remis le {date_longue(etat.date_remise)}")
        minimum = "non précisé" if copil.minimum is None else copil.minimum
        copils = (
            f" ; comités de pilotage : {copil.tenus} {pluriel(copil.tenus, 'tenu')} (minimum {minimum})"
            if copil.tenus is not None
            else f" ; comités de pilotage : inconnu (minimum {minimum})"
            if copil.bilan
            else ""
        )
        entre = f" ({', '.join(details)})" if details else ""
        out.write(f"    {etat.annee} : {etat.libelle}{entre}{copils}\n")


def non_ventile_texte(b: Any) -> str | None:
    """The people of the totals whose public the bilans do not give; None when there are none."""
    s = b.non_ventile
    return None if s.termes == 0 or s.valeur == 0 else effectif_texte(s)


SANS_OBJET = "sans objet (public non visé par le contrat)"


def sans_objet(b: Any) -> list[str]:
    """The publics no contract of the sum covers, in the order EPA, BPI, BPT."""
    return [p for p in PUBLICS if p in b.sans_objet]


def groupes(b: Any) -> list[tuple[str, Somme | None]]:
    """Each group of publics, EPA, BPI, BPT then those counted together; None: « sans objet »."""
    items = [*b.par_public.items(), *((p, None) for p in sans_objet(b))]
    return sorted(items, key=lambda kv: (kv[0].count("+"), [PUBLICS.index(p) for p in kv[0].split("+")]))


def groupe_texte(s: Somme | None) -> str:
    return SANS_OBJET if s is None else effectif_texte(s)


def _non_ventile(b: Any, out: TextIO) -> None:
    texte = non_ventile_texte(b)
    if texte is not None:
        out.write(f"    non ventilé (public non indiqué au bilan) : {texte}\n")


def _hors_public(b: Any, out: TextIO) -> None:
    if b.hors_public.termes:
        out.write(
            "    s'y ajoutent, hors public du contrat (files actives des structures, non comptées) : "
            f"{effectif_texte(b.hors_public)}\n"
        )


def text(agregat: Agregat, out: TextIO) -> None:
    from ctai_cli.terminal import sur

    out.write(
        f"Agrégat de {nombre_de(agregat.lus, 'contrat')}, {_periode(agregat)} : {retenus_exclus(agregat)}\n"
    )
    if agregat.illustratif:
        from ctai_cli.illustratif import banniere_texte

        entete = "des montants inventés, qui ne viennent d'aucune source, entrent dans ces chiffres"
        out.write("\n" + banniere_texte(entete, agregat.illustratif))
    if agregat.exclus:
        out.write("\nContrats exclus des chiffres (corrigez-les, puis ctai validate DOSSIER) :\n")
        for e in agregat.exclus:
            out.write(f"  {sur(e.source)} : {sur(e.raison)}\n")
    if agregat.hors_annee:
        out.write(f"\nContrats valides dont la période ne comprend pas {agregat.annee} :\n")
        for source in agregat.hors_annee:
            out.write(f"  {sur(source)}\n")
    for t in agregat.territoires:
        _territoire_texte(t, out)
    if not agregat.territoires:
        return
    out.write(f"\n{titre_ensemble(agregat)}\n")
    out.write(f"  enveloppes BOP 104 : {somme_texte(agregat.enveloppes)}\n")
    out.write("  BOP 104 :\n")
    out.write(totaux_texte(agregat.totaux, inconnus=agregat.inconnus_texte))
    if agregat.reliquats:
        out.write("  reliquats : ")
        out.write(" ; ".join(reliquat_texte(k, s) for k, s in agregat.reliquats.items()))
        out.write("\n")
    out.write(f"  cofinancements (hors BOP 104) : {cofinancements_texte(agregat.cofinancements)}\n")
    out.write("  par département (BOP 104 alloué ; dépensé) :\n")
    for dept, t in agregat.par_departement.items():
        out.write(f"    {dept} : {somme_texte(t.sommes['alloue'])} ; {somme_texte(t.sommes['depense'])}\n")
    out.write("  par axe (titre tel qu'écrit ; alloué, dépensé, médiane de l'alloué par contrat) :\n")
    for titre, t in agregat.par_axe.items():
        out.write(
            f"    {sur(titre)} : {somme_texte(t.sommes['alloue'])} ; {somme_texte(t.sommes['depense'])} ; "
            f"médiane {mediane_texte(agregat.mediane_axe(titre))}\n"
        )
    b = agregat.beneficiaires
    out.write(
        f"  bénéficiaires du public du contrat (somme par action) : {effectif_texte(b.total)} ; "
        f"médiane par contrat {mediane_texte(agregat.mediane_public(None), _nombre)}\n"
    )
    for key, s in groupes(b):
        mediane = (
            ""
            if s is None
            else f" ; médiane par contrat {mediane_texte(agregat.mediane_public(key), _nombre)}"
        )
        out.write(f"    {key} : {groupe_texte(s)}{mediane}\n")
    _non_ventile(b, out)
    _hors_public(b, out)
    if agregat.bilans:
        from ctai_cli.aggregate import ETATS_BILAN

        out.write(
            "  bilans : " + " ; ".join(f"{ETATS_BILAN[k]} {n}" for k, n in agregat.bilans.items()) + "\n"
        )


# --- json -------------------------------------------------------------------------------------


def _mediane_dict(m: Mediane, fmt: Any = money_text) -> dict[str, Any]:
    return {
        "valeur": fmt(m.valeur),
        "partielle": fmt(m.partielle),
        "contrats": m.effectif,
        "inconnus": m.inconnus,
    }


def _benef_dict(b: Any) -> dict[str, Any]:
    return {
        "total": somme_dict(b.total, count_text),
        # Complete only when no action leaves people without a public (« non ventilé »).
        "par_public": {k: somme_dict(s, count_text) for k, s in b.par_public.items()},
        # People of the total whose public the bilans do not give.
        "non_ventile": somme_dict(b.non_ventile, count_text),
        # Publics the contract does not cover (for the ensemble: none of the contracts does).
        "sans_objet": sans_objet(b),
        # Beyond the contract's public, in structures' whole files active; null: no file active.
        "hors_public": somme_dict(b.hors_public, count_text) if b.hors_public.termes else None,
    }


def _territoire_dict(t: Territoire) -> dict[str, Any]:
    return {
        "source": t.source,
        "territoire": t.territoire,
        "departement": t.departement,
        "intitule": t.intitule,
        "collectivites": list(t.collectivites),
        "periode": {"debut": t.debut, "fin": t.fin},
        "statut": t.statut,
        "publics": list(t.publics),
        "axes": [
            {"numero": n, "titre": titre, "actions": t.actions(n), "actions_connues": t.actions_connues(n)}
            for n, titre in t.axes
        ],
        # Amounts with no funder or programme stated (enveloppe « origine: non précisé »): not BOP 104.
        "dotations_origine_non_precisee": [
            {"annee": annee, "montant": money_text(montant)} for annee, montant in t.dotations
        ],
        "avertissements": t.avertissements,
        "enveloppes": somme_dict(t.enveloppes),
        "bop104": t.totaux.to_dict(),
        "bop104_par_axe": {str(k): v.to_dict() for k, v in t.par_axe.items()},
        "reliquats": reliquats_dict(t.reliquats),
        "illustratif": list(t.illustratif),
        "cofinancements": t.cofinancements.to_dict(),
        "beneficiaires": _benef_dict(t.beneficiaires),
        "bilans": [
            {
                "annee": b.annee,
                "echeance": b.echeance.isoformat() if b.echeance else None,
                "date_remise": b.date_remise.isoformat() if b.date_remise else None,
                "etat": b.etat,
                "copils_tenus": c.tenus,
                "copils_minimum": c.minimum,
            }
            for b, c in zip(t.bilans, t.copils, strict=True)
        ],
    }


def to_dict(agregat: Agregat) -> dict[str, Any]:
    out: dict[str, Any] = {
        "annee": agregat.annee,
        "date_reference": agregat.date.isoformat(),
        "contrats_lus": agregat.lus,
        # What is invented (no source) in the figures, contract by contract: « <source> : Bilan 2024 : … ».
        "illustratif": agregat.illustratif,
        "exclus": [
            {"source": e.source, "erreurs": e.erreurs, "avertissements": e.avertissements, "raison": e.raison}
            for e in agregat.exclus
        ],
        "hors_annee": list(agregat.hors_annee),
        "territoires": [_territoire_dict(t) for t in agregat.territoires],
    }
    out["ensemble"] = {
        "contrats": len(agregat.territoires),
        "enveloppes": somme_dict(agregat.enveloppes),
        "bop104": agregat.totaux.to_dict(),
        # The years of « bop104.inconnus.annexes_absentes », contract by contract.
        "annexes_manquantes": agregat.annexes_manquantes,
        "par_departement": {k: v.to_dict() for k, v in agregat.par_departement.items()},
        "par_axe": {
            titre: {**t.to_dict(), "mediane_alloue": _mediane_dict(agregat.mediane_axe(titre))}
            for titre, t in agregat.par_axe.items()
        },
        "reliquats": reliquats_dict(agregat.reliquats),
        "cofinancements": agregat.cofinancements.to_dict(),
        "beneficiaires": {
            **_benef_dict(agregat.beneficiaires),
            "mediane": _mediane_dict(agregat.mediane_public(None), count_text),
            "mediane_par_public": {
                k: _mediane_dict(agregat.mediane_public(k), count_text)
                for k in agregat.beneficiaires.par_public
            },
        },
        "bilans": agregat.bilans,
    }
    return out


# --- csv --------------------------------------------------------------------------------------


def csv_table(agregat: Agregat, name: str, out: TextIO) -> None:
    from ctai_cli.aggregate_tables import SCHEMAS, tables

    writer = csv.DictWriter(out, fieldnames=[c.name for c in SCHEMAS[name]], lineterminator="\n")
    writer.writeheader()
    writer.writerows(tables(agregat)[name])


__all__ = ["PUBLICS", "csv_table", "text", "to_dict"]

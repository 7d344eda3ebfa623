from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from ctai_cli import exitcodes
from ctai_cli.commands._common import UsageProblem, open_valid_depot, output_to, resolve_format

FORMATS = ("text", "json", "csv", "xlsx")
CSV_FIELDS = (
    "nature",
    "annee",
    "cadre",
    "action",
    "axe",
    "porteur",
    "financeur",
    "alloue",
    "report_entrant",
    "disponible",
    "verse",
    "depense",
    "reliquat",
    "disposition",
    "vers",
    "depuis",
    "prevu",
    "realise",
    "enveloppe",
    "ecart",
    "ecart_pct",
    "illustratif",
    "note",
)
CADRES = {
    "contrat": "",
    "contrat_precedent": " (contrat précédent, hors total du contrat)",
    "hors_periode": " (hors période)",
}


def _fmt(value: Decimal | None) -> str:
    from ctai_cli.formatting import euros

    return "—" if value is None else euros(value)


def _pct(value: Decimal | None) -> str:
    return "" if value is None else f"{value:+.2f} %".replace(".", ",").replace("-", "−")


def _ecart_cell(totaux: Any) -> str:
    """The écart in %: « sans objet » when nothing was available and the spending is known."""
    if totaux.disponible == 0 and totaux.depense is not None:
        return "sans objet"
    return _pct(totaux.ecart_pct)


# --- text -------------------------------------------------------------------------------


def _row(label: str, values: list[Decimal | None], tail: str = "") -> str:
    widths = (14, 13, 14, 14, 14, 14)
    cells = " ".join(f"{_fmt(v):>{w}}" for v, w in zip(values, widths, strict=True))
    return f"{label[:30]:<30} {cells}{tail}\n"


def _notes(totaux: Any, out: TextIO) -> None:
    for note in (totaux.inconnus_texte, totaux.partiels_texte(_fmt), totaux.internes_texte(_fmt)):
        if note:
            out.write(f"  {note}\n")


def _cofinancements_text(titre: str, lignes: list, par_financeur: dict, total: Any, out: TextIO) -> None:
    out.write(f"{titre}\n")
    head = f"  {'action' if lignes else '':<28} {'financeur':<28} {'prévu':>14} {'réalisé':>14} {'écart':>14}"
    out.write(head.rstrip() + "\n" if not lignes else head + "\n")
    for ligne in lignes:
        for name, pair in ligne.cofinancements.items():
            out.write(
                f"  {ligne.action[:28]:<28} {name[:28]:<28} {_fmt(pair.prevu.valeur):>14} "
                f"{_fmt(pair.realise.valeur):>14} {_fmt(pair.ecart):>14}\n"
            )
            _pair_notes(pair, out)
    for name, pair in par_financeur.items():
        out.write(
            f"  {'Total ' + name[:51]:<57} {_fmt(pair.prevu.valeur):>14} {_fmt(pair.realise.valeur):>14} "
            f"{_fmt(pair.ecart):>14}\n"
        )
        _pair_notes(pair, out)
    out.write(
        f"  {'Total tous financeurs':<57} {_fmt(total.prevu.valeur):>14} {_fmt(total.realise.valeur):>14} "
        f"{_fmt(total.ecart):>14}\n"
    )
    _pair_notes(total, out)


def _pair_notes(pair: Any, out: TextIO) -> None:
    """Under a co-financement row with an unknown side: the partial sum and why it is unknown."""
    for cote, label in (("prevu", "prévu"), ("realise", "réalisé")):
        note = pair.inconnu_texte(cote, _fmt)
        if note:
            out.write(f"    {label} inconnu : {note}\n")


def _enveloppe_text(enveloppe: Any) -> str:
    if enveloppe.montant is None:
        return "non renseignée dans contrat.yaml"
    text = f"{_fmt(enveloppe.montant)} ; alloué aux actions {_fmt(enveloppe.alloue.valeur)}"
    if enveloppe.ecart is None:
        partiel = enveloppe.alloue.partiel
        return text + (
            f" (somme partielle des allocations connues : {_fmt(partiel)}) ; reste à répartir inconnu"
            if partiel is not None
            else " ; reste à répartir inconnu"
        )
    if enveloppe.depassement:
        return text + f" ; dépassement de {_fmt(enveloppe.depassement)}"
    return text + f" ; non réparti {_fmt(enveloppe.non_reparti)}"


def _text(rapprochement: Any, out: TextIO) -> None:
    head = (
        f"{'action':<30} {'alloué':>14} {'report':>13} {'disponible':>14} {'versé':>14} {'dépensé':>14} "
        f"{'reliquat':>14} {'écart':>10}  disposition\n"
    )
    from ctai_cli.budget import COLONNES

    if rapprochement.illustratif:
        from ctai_cli.illustratif import banniere_texte

        entete = "ce rapprochement contient des montants inventés, qui ne viennent d'aucune source"
        out.write(banniere_texte(entete, rapprochement.illustratif))
    for annee in rapprochement.annees:
        marque = " — montants illustratifs (voir ILLUSTRATIF)" if annee.illustratif else ""
        out.write(f"\nAnnée {annee.annee}{CADRES[annee.cadre]}{marque}\n")
        if not annee.annexe:
            out.write(f"  pas d'annexe d'actions (actions/{annee.annee}.yaml) : montants inconnus\n")
        else:
            out.write(head)
        for ligne in annee.lignes:
            disposition = ligne.disposition or ""
            if ligne.vers:
                disposition += f" → {ligne.vers}"
            out.write(
                _row(
                    ligne.action,
                    [getattr(ligne, c) for c in COLONNES],
                    f" {_ecart_cell(ligne):>10}  {disposition}".rstrip(),
                )
            )
            if ligne.reports:
                recus = " ; ".join(f"{r.depuis} {_fmt(r.montant)}" for r in ligne.reports)
                out.write(f"    reports reçus : {recus}\n")
        t = annee.totaux
        out.write(
            _row(
                f"Total {annee.annee}",
                [getattr(t, c) for c in COLONNES],
                f" {_ecart_cell(t):>10}" + ("" if t.complet else "  incomplet"),
            )
        )
        _notes(t, out)
        out.write(f"Enveloppe {annee.annee} : {_enveloppe_text(annee.enveloppe)}\n")
        total = annee.cofinancements_total
        if not any(ligne.financeurs() for ligne in annee.lignes):
            etat = (
                "aucun prévu dans l'annexe"
                if total.prevu.complet
                else "inconnus (budgets absents de l'annexe)"
                if annee.annexe
                else "inconnus (annexe absente)"
            )
            out.write(f"Cofinancements {annee.annee} (hors BOP 104) : {etat}\n")
        else:
            _cofinancements_text(
                f"Cofinancements {annee.annee} (hors BOP 104)",
                annee.lignes,
                annee.cofinancements,
                annee.cofinancements_total,
                out,
            )
    contrat = rapprochement.contrat
    if contrat is None:
        return
    years = [a.annee for a in rapprochement.annees if a.cadre == "contrat"]
    out.write(f"\nContrat ({years[0]}–{years[-1]})\n" if years else "\nContrat\n")
    out.write(head)
    out.write(
        _row(
            "Total contrat",
            [getattr(contrat, c) for c in COLONNES],
            f" {_ecart_cell(contrat):>10}" + ("" if contrat.complet else "  incomplet"),
        )
    )
    _notes(contrat, out)
    enveloppes = rapprochement.enveloppes
    out.write(f"Enveloppes {years[0]}–{years[-1]} : " if years else "Enveloppes : ")
    if enveloppes.valeur is None:
        partiel = enveloppes.partiel
        out.write(
            "inconnues (une année au moins sans enveloppe dans contrat.yaml"
            + (f" ; somme partielle des enveloppes connues : {_fmt(partiel)}" if partiel is not None else "")
            + ")\n"
        )
    else:
        out.write(_enveloppe_text(rapprochement.enveloppe_contrat) + "\n")
    par_financeur, total = rapprochement.cofinancements_contrat
    _cofinancements_text("Cofinancements du contrat (hors BOP 104)", [], par_financeur, total, out)


# --- csv ----------------------------------------------------------------------------------


def _csv_texte(value: str | None) -> str | None:
    """A text cell a spreadsheet would read as a formula is written with a leading quote (OWASP)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _oui_non(value: bool) -> str:
    return "true" if value else "false"


def _csv_rows(rapprochement: Any) -> list[dict[str, Any]]:
    from ctai_cli.budget import COLONNES, money_text, pct_text

    rows: list[dict[str, Any]] = []

    def totals(nature: str, annee: int | None, cadre: str | None, t: Any) -> dict[str, Any]:
        notes = [
            n for n in (t.inconnus_texte, t.partiels_texte(money_text), t.internes_texte(money_text)) if n
        ]
        return {
            "nature": nature,
            "annee": annee,
            "cadre": cadre,
            **{c: money_text(getattr(t, c)) for c in COLONNES},
            "ecart": money_text(t.ecart),
            "ecart_pct": pct_text(t.ecart_pct),
            "note": " ; ".join(notes) or None,
        }

    def pair_row(nature: str, annee: int | None, action: str | None, name: str | None, pair: Any) -> dict:
        notes = [
            f"{label} inconnu ({pair.inconnu_texte(cote, money_text)})"
            for cote, label in (("prevu", "prévu"), ("realise", "réalisé"))
            if pair.inconnu_texte(cote, money_text)
        ]
        return {
            "nature": nature,
            "annee": annee,
            "action": action,
            "financeur": _csv_texte(name),
            "prevu": money_text(pair.prevu.valeur),
            "realise": money_text(pair.realise.valeur),
            "ecart": money_text(pair.ecart),
            "ecart_pct": pct_text(pair.ecart_pct),
            "note": " ; ".join(["tous financeurs"] * (name is None) + notes) or None,
        }

    for annee in rapprochement.annees:
        for ligne in annee.lignes:
            data = ligne.to_dict()
            data["nature"] = "action"
            data["illustratif"] = _oui_non(ligne.illustratif)
            data["note"] = " ; ".join(ligne.inconnus) or None
            data["depuis"] = (
                ";".join(f"{r.depuis}:{money_text(r.montant)}" for r in ligne.reports)
                if ligne.reports
                else None
            )
            rows.append(data)
        rows.append(
            {
                **totals("total_annee", annee.annee, annee.cadre, annee.totaux),
                "illustratif": _oui_non(annee.illustratif),
            }
        )
        for ligne in annee.lignes:
            for name, pair in ligne.cofinancements.items():
                rows.append(pair_row("cofinancement", annee.annee, ligne.action, name, pair))
        for name, pair in annee.cofinancements.items():
            rows.append(pair_row("total_cofinancement", annee.annee, None, name, pair))
        rows.append(pair_row("total_cofinancement", annee.annee, None, None, annee.cofinancements_total))
        e = annee.enveloppe
        rows.append(
            {
                "nature": "enveloppe",
                "annee": annee.annee,
                "cadre": annee.cadre,
                "enveloppe": money_text(e.montant),
                "alloue": money_text(e.alloue.valeur),
                "ecart": money_text(e.ecart),
                "note": None
                if e.ecart is not None
                else "enveloppe non renseignée"
                if e.montant is None
                else "allocations inconnues"
                + (
                    f" (somme partielle : {money_text(e.alloue.partiel)})"
                    if e.alloue.partiel is not None
                    else ""
                ),
            }
        )
    contrat = rapprochement.contrat
    if contrat is not None:
        rows.append(
            {
                **totals("total_contrat", None, "contrat", contrat),
                "illustratif": _oui_non(
                    any(a.illustratif for a in rapprochement.annees if a.cadre == "contrat")
                ),
            }
        )
        par_financeur, total = rapprochement.cofinancements_contrat
        for name, pair in par_financeur.items():
            rows.append(pair_row("total_cofinancement_contrat", None, None, name, pair))
        rows.append(pair_row("total_cofinancement_contrat", None, None, None, total))
        enveloppes = rapprochement.enveloppes
        rows.append(
            {
                "nature": "enveloppes_contrat",
                "enveloppe": money_text(enveloppes.valeur),
                "note": None
                if enveloppes.complet
                else "enveloppes inconnues pour une année au moins"
                + (
                    f" (somme partielle : {money_text(enveloppes.partiel)})"
                    if enveloppes.partiel is not None
                    else ""
                ),
            }
        )
    return rows


def reconcile(path: Path, annee: int | None, fmt: str | None, output: Path | None, force: bool) -> int:
    from ctai_cli.budget import annees_du_budget, rapprocher

    fmt = resolve_format(fmt, output, FORMATS, "text")
    depot = open_valid_depot(path)
    if annee is not None and annee not in annees_du_budget(depot):
        raise UsageProblem(
            f"{annee} n'est ni une année du contrat ni celle d'une annexe (actions/{annee}.yaml)"
        )
    rapprochement = rapprocher(depot, annee)
    if fmt == "xlsx":
        if output is None:
            raise UsageProblem("le format xlsx s'écrit dans un fichier : ajoutez --output rapprochement.xlsx")
        from ctai_cli.budget_xlsx import ecrire

        with output_to(output, force, binary=True) as out:
            ecrire(rapprochement, out)
        return exitcodes.OK
    with output_to(output, force) as out:
        if fmt == "json":
            json.dump(rapprochement.to_dict(), out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(_csv_rows(rapprochement))
        else:
            _text(rapprochement, out)
    return exitcodes.OK

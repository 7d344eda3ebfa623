"""The renderings of an avenant diff: text, Markdown (a pull-request description), JSON."""

from __future__ import annotations

from typing import Any

from ctai_cli.avenants.ecarts import DiffContrat, DiffFichiers, EcartBudget, MontantConnu
from ctai_cli.avenants.phrases import ecart_signe, sections
from ctai_cli.formatting import euros


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


def montant_texte(montant: MontantConnu) -> str:
    """« 172 000,00 € », or « inconnu (partiel : 172 000,00 €) »: an unknown sum is never a number."""
    if montant.valeur is not None:
        return euros(montant.valeur)
    if montant.partiel is not None:
        return f"inconnu (partiel : {euros(montant.partiel)})"
    return "inconnu"


def _table(diff: DiffContrat) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for year in diff.budget.par_annee:
        for row in diff.budget.par_axe:
            if row.annee == year.annee:
                rows.append(
                    (
                        str(row.annee),
                        f"axe {row.axe}",
                        montant_texte(row.avant_montant),
                        montant_texte(row.apres_montant),
                        ecart_signe(row.delta),
                    )
                )
        rows.append(
            (
                str(year.annee),
                "total",
                montant_texte(year.avant_montant),
                montant_texte(year.apres_montant),
                ecart_signe(year.delta),
            )
        )
    return rows


def _raisons(ecart: EcartBudget, quoi: str) -> list[str]:
    """« Total du contrat, avant : inconnu — annexe 2026 absente »."""
    out = []
    for cote, montant in (("avant", ecart.avant_montant), ("après", ecart.apres_montant)):
        if montant.raison:
            out.append(f"{quoi}, {cote} : inconnu — {montant.raison}")
    return out


def inconnus(diff: DiffContrat) -> list[str]:
    """Why the unknown amounts of the table are unknown, year by year then for the contract."""
    out = [s for year in diff.budget.par_annee for s in _raisons(year, str(year.annee))]
    out += _raisons(diff.budget.total, "Total du contrat")
    if diff.budget.invalides:
        out.append("annexes non comparées (fichier invalide) : " + ", ".join(diff.budget.invalides))
    if any(
        e.delta is not None and not e.complet
        for e in (*diff.budget.par_annee, *diff.budget.par_axe, diff.budget.total)
    ):
        out.append(
            "un écart entre deux montants inconnus est donné quand les termes inconnus sont les mêmes des deux côtés"
        )
    return out


def _total_texte(diff: DiffContrat) -> str:
    total = diff.budget.total
    return (
        f"{montant_texte(total.avant_montant)} → {montant_texte(total.apres_montant)} "
        f"({ecart_signe(total.delta)})"
    )


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
        lines.append(f"  Total du contrat : {_total_texte(diff)}")
        unknown = inconnus(diff)
        if unknown:
            lines += ["", "Montants inconnus (jamais comptés pour 0) :"] + [f"  - {s}." for s in unknown]
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
            f"| **Contrat** | **toutes années** | **{montant_texte(total.avant_montant)}** "
            f"| **{montant_texte(total.apres_montant)}** | **{ecart_signe(total.delta)}** |"
        )
        unknown = inconnus(diff)
        if unknown:
            lines += ["", "_Montants inconnus (jamais comptés pour 0) :_", ""] + [
                f"- {_md(s)}." for s in unknown
            ]
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

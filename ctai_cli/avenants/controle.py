"""``ctai validate --base REV``: signed terms change only with a new avenant (article 10).

Compared with ``REV``, the working tree of a contract folder must add an avenant file
when, the base contract being signed, it changes the terms of ``contrat.yaml`` or an
annexe (added, modified or removed: the annexes are part of the contract), or when it
changes an avenant that was already signed. Recording the signature itself (statut, délibération, signature)
is not a change of terms.
"""

from __future__ import annotations

from pathlib import Path

from ctai_cli.avenants import ARBRE_DE_TRAVAIL, comparer, localiser, ouvrir_revision, resoudre
from ctai_cli.avenants.diff import DiffContrat, sections
from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.repository import Depot


def controler(chemin: Path, base: str) -> list[Diagnostic]:
    """Diagnostics E230/E231/E232/W233 for the contract folder ``chemin`` against revision ``base``.

    Raises :class:`ctai_cli.avenants.GitProblem` when git cannot answer.
    """
    emplacement = localiser(chemin)
    rev_base = resoudre(emplacement, base)
    out: list[Diagnostic] = []
    with (
        ouvrir_revision(emplacement, rev_base) as (depot_base, _),
        ouvrir_revision(emplacement, ARBRE_DE_TRAVAIL) as (depot_head, _),
    ):
        contrat = depot_base.contrat_model
        if contrat is None or contrat.statut != "signe":
            return out
        diff = comparer(depot_base, depot_head)
        # Every change of terms, a new year's annexe included: the annexes are part of the contract
        # (article 11 of the Dax contract), which changes only by avenant (article 10) — the same
        # list « ctai avenant diff » calls « Termes du contrat modifiés ».
        signed = list(diff.fichiers_termes_modifies)
        if signed and not diff.avenants.ajoutes:
            parts = sections(diff, termes_seulement=True)
            for relative in signed:
                changes = [p for titre, ps in parts if _concerne(titre, relative) for p in ps]
                detail = " ; ".join(changes[:3]) + (" ; …" if len(changes) > 3 else "")
                out.append(
                    make(
                        "CTAI-E230",
                        depot_head.rel(relative),
                        1,
                        1,
                        fichier=relative,
                        base=rev_base.court,
                        detail=detail or "contenu modifié",
                    )
                )
        if diff.avenants.ajoutes or diff.avenants.modifies:
            out += _non_portees(depot_head, diff, signed, rev_base.court)
        out += _doublons(depot_head, diff)
        for numero in diff.avenants.modifies + diff.avenants.retires:
            fichier = depot_base.avenants.get(numero)
            if fichier is not None and fichier.model is not None and fichier.model.signe:
                out.append(
                    make(
                        "CTAI-E231",
                        depot_head.rel(f"avenants/{numero}.yaml"),
                        1,
                        1,
                        numero=numero,
                        action="supprimé" if numero in diff.avenants.retires else "modifié",
                    )
                )
    return out


def _non_portees(depot: Depot, diff: DiffContrat, signed: list[str], base: str) -> list[Diagnostic]:
    """CTAI-W233: a change of terms since the base, stating its value, that no avenant added or
    changed since the base writes: the avenant signed would not say it (a change made after
    « ctai avenant new »). The sentences and the avenants are those of ``ctai avenant new``; a
    sentence not stating its value cannot be matched and is not checked."""
    from ctai_cli.avenants.nouveau import a_rediger, modifications_portees
    from ctai_cli.avenants.phrases import enonce_sa_valeur

    restantes, _ = a_rediger(diff, modifications_portees(depot, diff))
    out = []
    for titre, sentences in restantes:
        relative = next((r for r in signed if _concerne(titre, r)), "contrat.yaml")
        for s in sentences:
            texte = f"{titre} : {s}"
            if enonce_sa_valeur(texte):
                out.append(make("CTAI-W233", depot.rel(relative), 1, 1, modification=texte, base=base))
    return out


def _doublons(depot: Depot, diff: DiffContrat) -> list[Diagnostic]:
    """CTAI-E232: an avenant added or changed since the base repeats another avenant's modifications.

    Only the modifications that state the value they leave count: « la description … est
    modifiée » twice may be two changes (:func:`~ctai_cli.avenants.phrases.enonce_sa_valeur`)."""
    from ctai_cli.avenants.nouveau import _normal
    from ctai_cli.avenants.phrases import enonce_sa_valeur

    textes = {
        n: [_normal(t) for t in f.model.modifications if enonce_sa_valeur(t)]
        for n, f in depot.avenants.items()
        if f.model is not None
    }
    out = []
    for numero in sorted((*diff.avenants.ajoutes, *diff.avenants.modifies)):
        for autre in sorted(textes):
            if autre == numero or numero not in textes:
                continue
            communes = [t for t in textes[numero] if t and t in set(textes[autre])]
            # Reported once per pair: on the newer avenant when both are new or changed.
            if communes and not (
                autre > numero and autre in (*diff.avenants.ajoutes, *diff.avenants.modifies)
            ):
                n = len(communes)
                out.append(
                    make(
                        "CTAI-E232",
                        depot.rel(f"avenants/{numero}.yaml"),
                        1,
                        1,
                        numero=numero,
                        nombre=f"{n} modification{'s' if n > 1 else ''}",
                        s="s" if n > 1 else "",
                        autre=autre,
                        exemple=f"« {communes[0]} »" + (" …" if n > 1 else ""),
                    )
                )
    return out


def _concerne(titre: str, relative: str) -> bool:
    if relative == "contrat.yaml":
        return titre == "Contrat"
    year = relative.removeprefix("actions/").removesuffix(".yaml")
    return titre.endswith(f"({year})")

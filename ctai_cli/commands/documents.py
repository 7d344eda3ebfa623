"""ctai bilan render, ctai fiche render, ctai contrat render."""

from __future__ import annotations

import os
import re
import sys
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from ctai_cli import exitcodes
from ctai_cli.commands._common import (
    UsageProblem,
    open_valid_depot,
    output_to,
    progression,
    resolve_format,
)

FORMATS = ("md", "html", "pdf")
_IDENT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def _templates(templates: Path | None) -> Path | None:
    if templates is not None and not os.path.isdir(templates):
        raise UsageProblem(f"dossier de modèles introuvable : « {templates} »")
    return templates


def render_document(
    nom: str, fmt: str, contexte: dict[str, Any], output: Path | None, force: bool, templates
) -> int:
    from ctai_cli.documents.rendu import PdfIndisponible, rendre

    if fmt == "pdf" and output is None:
        raise UsageProblem("le format pdf s'écrit dans un fichier : ajoutez --output document.pdf")
    if output is not None:
        from ctai_cli.fsutil import check_target

        check_target(output, force=force)  # refuse before rendering: a PDF can take seconds

    # A PDF takes seconds: a bar on a terminal (the document never goes to the terminal here).
    try:
        with progression(f"document {fmt}") if output is not None else nullcontext():
            rendu = rendre(nom, fmt, contexte, _templates(templates))
    except PdfIndisponible as exc:
        raise UsageProblem(
            f"{exc} (ou produisez le HTML avec --format html et imprimez-le en PDF depuis un navigateur)"
        ) from None
    if rendu.contenu is None:
        # stdout may be the document: the diagnostics go to stderr.
        from ctai_cli.terminal import sur

        for d in rendu.diagnostics:
            print(f"{sur(d.location())}: {d.severity.label} {d.code} {sur(d.message)}", file=sys.stderr)
            if d.hint:
                print(f"    → {sur(d.hint)}", file=sys.stderr)
        print("ctai : rien n'a été écrit.", file=sys.stderr)
        return exitcodes.USAGE
    with output_to(output, force, binary=isinstance(rendu.contenu, bytes)) as out:
        out.write(rendu.contenu)
    return exitcodes.OK


def bilan(
    path: Path, annee: int, fmt: str | None, output: Path | None, force: bool, templates: Path | None
) -> int:
    from ctai_cli.documents.contexte import document_bilan
    from ctai_cli.documents.graphiques import avec_graphiques

    fmt = resolve_format(fmt, output, FORMATS, "md")
    depot = open_valid_depot(path)
    if annee not in depot.bilans:
        known = ", ".join(str(y) for y in sorted(depot.bilans)) or "aucun"
        periode = depot.contrat_model.periode if depot.contrat_model is not None else None
        # The year before the period may hold the previous contract's bilan (cadre: contrat_precedent).
        if periode is not None and not periode.debut - 1 <= annee <= periode.fin:
            from ctai_cli.francais import periode as texte_periode

            raise UsageProblem(
                f"{annee} est hors de la période du contrat ({texte_periode(periode.debut, periode.fin)}) : "
                f"pas de bilan {annee} ; bilans présents : {known}"
            )
        raise UsageProblem(f"pas de bilan {annee} (bilans/{annee}.yaml) ; bilans présents : {known}")
    doc = document_bilan(depot, annee)
    if fmt != "md":
        doc = avec_graphiques(doc)
    return render_document("bilan", fmt, {"doc": doc}, output, force, templates)


def fiche(
    args: list[str],
    annee: int | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
    templates: Path | None,
) -> int:
    """``args`` is ``[PATH] ACTION_ID…``: the first is the contract folder when it is one."""
    from ctai_cli.documents.contexte import document_fiches
    from ctai_cli.schema_errors import suggest

    fmt = resolve_format(fmt, output, FORMATS, "md")
    path = Path(".")
    # The first argument is the folder when it is one (or cannot be an action identifier).
    if args and (os.path.exists(Path(args[0]) / "contrat.yaml") or not _IDENT.match(args[0])):
        path, args = Path(args[0]), args[1:]
    depot = open_valid_depot(path)
    years = sorted(depot.actions)
    if not years:
        raise UsageProblem("aucune annexe d'actions (actions/<année>.yaml) dans ce contrat")
    if annee is None:
        # The latest annexe that has every action asked for.
        candidates = [y for y in years if all(depot.annexe(y).action(i) for i in args)]
        annee = candidates[-1] if candidates else years[-1]
    if annee not in depot.actions:
        raise UsageProblem(
            f"pas d'annexe {annee} (actions/{annee}.yaml) ; annexes présentes : {', '.join(map(str, years))}"
        )
    annexe = depot.annexe(annee)
    known = [a.id for a in annexe.actions]
    for ident in args:
        if ident not in known:
            raise UsageProblem(
                f"action « {ident} » absente de l'annexe {annee} ; {suggest(ident, known, 'actions')}"
            )
    doc = document_fiches(depot, annee, list(dict.fromkeys(args)) or None)
    return render_document("fiche", fmt, {"doc": doc}, output, force, templates)


def contrat(path: Path, fmt: str | None, output: Path | None, force: bool, templates: Path | None) -> int:
    from ctai_cli.documents.contexte import Annexe2, document_contrat
    from ctai_cli.documents.graphiques import avec_graphiques

    fmt = resolve_format(fmt, output, FORMATS, "md")
    depot = open_valid_depot(path)
    doc = document_contrat(depot)
    if fmt != "md":  # the bilans annexed to the contract get their charts
        annexes = [
            replace(a, bilan=avec_graphiques(a.bilan)) if isinstance(a, Annexe2) else a for a in doc.annexes
        ]
        doc = replace(doc, annexes=annexes)
    return render_document("contrat", fmt, {"doc": doc}, output, force, templates)

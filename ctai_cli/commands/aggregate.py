from __future__ import annotations

import gc
import json
import os
from pathlib import Path

from ctai_cli import exitcodes
from ctai_cli.commands._common import (
    UsageProblem,
    output_to,
    parse_date_option,
    progression,
    resolve_format,
)
from ctai_cli.francais import nombre_de

FORMATS = ("text", "md", "html", "json", "csv", "xlsx", "datapackage")
TABLES = ("contrats", "actions", "budget", "bilans", "beneficiaires")


def _sources(paths: list[Path]) -> list:
    """Folders as given; a regular file is a manifest listing contracts."""
    from ctai_cli.aggregate import Source
    from ctai_cli.manifest import read_manifest
    from ctai_cli.repository import _display

    sources = []
    for path in paths or [Path(".")]:
        if path.is_file():
            listed, problems = read_manifest(path)
            errors = [d for d in problems if d.is_error]
            if errors:
                first = errors[0]
                raise UsageProblem(
                    f"manifeste illisible : {first.path}:{first.line}:{first.col} {first.message}"
                    + (
                        f" (et {nombre_de(len(errors) - 1, 'autre erreur', 'autres erreurs')})"
                        if len(errors) > 1
                        else ""
                    )
                )
            sources.extend(listed)
        else:
            sources.append(Source(affichage=_display(path) or ".", chemin=path))
    # The same contract twice would count its money twice.
    seen: dict[tuple, str] = {}
    for source in sources:
        where = source.chemin if source.depot_git is None else source.depot_git
        key = (os.path.realpath(where), source.revision, source.sous_dossier)
        if key in seen:
            raise UsageProblem(
                f"le contrat « {source.affichage} » est donné deux fois (déjà comme « {seen[key]} ») : "
                "ses montants seraient comptés deux fois"
            )
        seen[key] = source.affichage
    return sources


def _datapackage(agregat, output: Path | None, force: bool) -> None:
    from ctai_cli.aggregate_datapackage import fichiers
    from ctai_cli.fsutil import atomic_write_many

    if output is None:
        raise UsageProblem("le format datapackage s'écrit dans un dossier : ajoutez --output DOSSIER")
    if not output.parent.is_dir():
        raise UsageProblem(f"le dossier « {output.parent} » n'existe pas (créez-le d'abord)")
    if output.exists() and not output.is_dir():
        raise UsageProblem(f"« {output} » n'est pas un dossier : le paquet de données est un dossier")
    atomic_write_many({output / name: content for name, content in fichiers(agregat).items()}, force=force)


def run(
    paths: list[Path],
    annee: int | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
    date_text: str | None,
    table: str | None,
) -> int:
    from ctai_cli import aggregate_report as report
    from ctai_cli.aggregate import ContratEnDouble, aggregate

    fmt = resolve_format(fmt, output, FORMATS, "text")
    if table is not None and fmt != "csv":
        raise UsageProblem("--table ne sert qu'avec --format csv")
    table = table or "contrats"
    if table not in TABLES:
        raise UsageProblem(f"table « {table} » inconnue ; tables possibles : {', '.join(TABLES)}")
    reference = parse_date_option(date_text)
    sources = _sources(paths)
    # As in ctai validate: the documents read stay alive for the checks; the default
    # collector thresholds would rescan them over and over (bench/README.md).
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    # The bar (stderr, terminal only) is gone before anything is written; not with
    # json, whose readers are programs (as ctai validate).
    try:
        with progression("lecture des contrats", len(sources), unite=("contrat", "contrats")) as avance:
            agregat = aggregate(sources, annee, reference, None if fmt == "json" else lambda *_: avance(1))
    except ContratEnDouble as exc:
        raise UsageProblem(str(exc)) from None
    if fmt == "datapackage":
        _datapackage(agregat, output, force)
        return exitcodes.FINDINGS if agregat.exclus else exitcodes.OK
    if fmt == "xlsx":
        if output is None:
            raise UsageProblem("le format xlsx s'écrit dans un fichier : ajoutez --output agregat.xlsx")
        from ctai_cli.aggregate_xlsx import ecrire

        with output_to(output, force, binary=True) as out:
            ecrire(agregat, out)
        return exitcodes.FINDINGS if agregat.exclus else exitcodes.OK
    with output_to(output, force) as out:
        if fmt == "json":
            json.dump(report.to_dict(agregat), out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif fmt == "csv":
            report.csv_table(agregat, table, out)
        elif fmt in ("md", "html"):
            from ctai_cli.aggregate_document import rendre

            out.write(rendre(agregat, fmt))
        else:
            report.text(agregat, out)
    return exitcodes.FINDINGS if agregat.exclus else exitcodes.OK

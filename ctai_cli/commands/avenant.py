"""ctai avenant diff, ctai avenant new, ctai avenant render."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from ctai_cli import exitcodes
from ctai_cli.commands._common import UsageProblem, open_valid_depot, output_to, resolve_format

DIFF_FORMATS = ("text", "md", "json")


def _diff(path: Path, base: str | None, head: str | None):
    from ctai_cli.avenants import GitProblem, comparer_revisions

    try:
        return comparer_revisions(path, base, head)
    except GitProblem as exc:
        raise UsageProblem(str(exc)) from None


def diff(
    path: Path, base: str | None, head: str | None, fmt: str | None, output: Path | None, force: bool
) -> int:
    from ctai_cli.avenants import en_markdown, en_texte, to_dict

    fmt = resolve_format(fmt, output, DIFF_FORMATS, "text")
    result = _diff(path, base, head)
    with output_to(output, force) as out:
        if fmt == "json":
            json.dump(to_dict(result), out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            from ctai_cli.terminal import sur_lignes

            out.write(sur_lignes(en_markdown(result) if fmt == "md" else en_texte(result)))
    return exitcodes.OK


def _schema_line(path: Path) -> str | None:
    """The avenant's schema, next to the one contrat.yaml names (one folder deeper)."""
    from ctai_cli.yamlread import read_bytes

    # The bounded reader: contrat.yaml may be a link to /dev/zero or a pipe.
    text, _ = read_bytes(path / "contrat.yaml", "contrat.yaml")
    if text is None:
        return None
    first = text.partition("\n")[0].strip()
    prefix, _, target = first.partition("# yaml-language-server: $schema=")
    if prefix or not target.endswith("contrat.schema.json"):
        return None
    folder = target.removesuffix("contrat.schema.json")
    if not folder.startswith(("/", "http:", "https:")):
        folder = "../" + folder
    return folder + "avenant.schema.json"


def new(path: Path, base: str | None, jour: date) -> int:
    from ctai_cli.avenants.nouveau import a_rediger, deja_modifies, modifications_portees, rediger
    from ctai_cli.fsutil import RefusedOverwrite, atomic_write_many
    from ctai_cli.repository import FILE_KINDS, open_depot, validate_document
    from ctai_cli.yamlread import parse_text

    # The working tree may have errors elsewhere (a bilan to update after a budget change):
    # preparing the avenant only needs the folder and its avenant numbers.
    depot, problems = open_depot(path)
    if depot is None:
        raise UsageProblem(problems[0].message)
    result = _diff(path, base, None)
    if not result.termes_modifies:  # nothing to do is not a finding
        print(f"Aucune modification des termes du contrat depuis {result.base} : pas d'avenant à préparer.")
        return exitcodes.OK
    invalides = [f for f in result.fichiers_invalides if f.fichier in result.fichiers_termes_modifies]
    if invalides:
        # The change of an invalid file cannot be described: an avenant would list nothing.
        details = "; ".join(f"{f.fichier} ({f.raison})" for f in invalides)
        raise UsageProblem(
            f"impossible de décrire les modifications : {details}. Corrigez d'abord "
            f"(ctai validate {path.as_posix()}) ; rien n'a été écrit"
        )
    # A change an avenant added since the base already carries (committed or not) is not written twice.
    portees_par = modifications_portees(depot, result)
    parts, deja = a_rediger(result, portees_par)
    numeros = sorted(deja)
    portees = (
        ""
        if not numeros
        else f"l'avenant n° {numeros[0]} (avenants/{numeros[0]}.yaml)"
        if len(numeros) == 1
        else "les avenants n° " + ", ".join(map(str, numeros[:-1])) + f" et {numeros[-1]}"
    )
    if not parts:
        print(
            f"Aucune modification nouvelle des termes du contrat depuis {result.base} : toutes sont déjà "
            f"portées par {portees} ; pas d'avenant à préparer."
        )
        return exitcodes.OK
    avenant = rediger(depot, result, jour, _schema_line(path), parts)
    target = path / avenant.chemin
    # What we write must validate: parse it back before it reaches the disk.
    document, problems = parse_text(avenant.texte, avenant.chemin)
    model, problems = validate_document(document, FILE_KINDS["avenant"].model, problems)
    if model is None:  # pragma: no cover - a bug of ours, not of the user's files
        raise RuntimeError(f"avenant généré invalide : {[d.message for d in problems]}")
    try:
        atomic_write_many({target: avenant.texte})  # creates avenants/ for the first one
    except RefusedOverwrite:
        raise UsageProblem(f"« {target} » existe déjà : rien n'a été écrit") from None
    print(f"Avenant n° {avenant.numero} préparé : {target.as_posix()}")
    print(f"  objet : {model.objet}")
    for texte in model.modifications:
        print(f"  - {texte}")
    if deja:
        nombre = sum(deja.values())
        print(
            f"  ({nombre} modification{'s' if nombre > 1 else ''} déjà portée{'s' if nombre > 1 else ''} "
            f"par {portees}, non reprise{'s' if nombre > 1 else ''})"
        )
    for sujet, numero in deja_modifies(parts, portees_par):
        # The value since the base, while an avenant not yet merged gives another: both need reading.
        print(
            f"  attention : l'avenant n° {numero} modifie déjà « {sujet} » vers une autre valeur ; "
            "relisez les deux avenants"
        )
    print("Relisez-le, puis : ctai avenant render", path.as_posix(), avenant.numero)
    return exitcodes.OK


def render(args: list[str], fmt: str | None, output: Path | None, force: bool, templates: Path | None) -> int:
    """``args`` is ``[PATH] N``."""
    from ctai_cli.commands.documents import FORMATS, render_document
    from ctai_cli.documents.contexte import document_avenant

    fmt = resolve_format(fmt, output, FORMATS, "md")
    # ASCII digits only, as in avenants/<n>.yaml: str.isdigit() accepts « ² » and « ١ ».
    if len(args) not in (1, 2) or not re.fullmatch(r"[0-9]{1,4}", args[-1]):
        raise UsageProblem(
            "indiquez le numéro de l'avenant (1 à 9999, en chiffres) : ctai avenant render [DOSSIER] N"
        )
    path, numero = Path(args[0] if len(args) == 2 else "."), int(args[-1])
    depot = open_valid_depot(path)
    if numero not in depot.avenants:
        known = ", ".join(str(n) for n in sorted(depot.avenants)) or "aucun"
        raise UsageProblem(f"pas d'avenant {numero} (avenants/{numero}.yaml) ; avenants présents : {known}")
    doc = document_avenant(depot, numero)
    return render_document("avenant", fmt, {"doc": doc}, output, force, templates)

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from ctai_cli import exitcodes
from ctai_cli.commands._common import (
    UsageProblem,
    check_format,
    output_to,
    parse_date_option,
    progression,
    resolve_format,
)

FORMATS = ("text", "json")


def _report_input_problems(diagnostics: list, fmt: str) -> int:
    """Bad input file: the diagnostics, in the chosen format, and exit 2."""
    from ctai_cli.reporters import get_reporter
    from ctai_cli.validate import ValidationResult

    get_reporter(fmt)(ValidationResult(diagnostics=diagnostics, files=1, compter=False), sys.stdout)
    return exitcodes.USAGE


_OPTIONS = {
    "nationalite": "--nationalite",
    "date_naissance": "--naissance",
    "titres_sejour": "--titres",
    "protection": "--protection",
    "demande_asile": "--demande-asile",
    "cir": "--cir",
}


def _option(loc: tuple) -> str:
    """The option a fact typed at the counter came from: ``--titres, titre 1, fin``."""
    head = str(loc[0]) if loc else ""
    nom = _OPTIONS.get(head, f"--oui/--non {head}")
    reste = loc[1:]
    if head == "titres_sejour" and reste and isinstance(reste[0], int):
        nom, reste = f"{nom}, titre {reste[0] + 1}", reste[1:]
    if head == "nationalite":
        reste = ()
    return ", ".join([nom, *(str(part) for part in reste)])


def _options_nommees(faits: dict, model: Any, diagnostics: list) -> list:
    """Diagnostics on facts typed as options have no line to point at: each names its option
    (the diagnostics follow pydantic's errors, one each, in order)."""
    import dataclasses

    from pydantic import ValidationError

    try:
        model.model_validate(faits)
    except ValidationError as exc:
        locs = [tuple(error["loc"]) for error in exc.errors(include_url=False)]
    else:
        return diagnostics
    out = list(diagnostics)
    if len(locs) != sum(1 for d in out if d.code != "CTAI-E015"):
        return out
    for i, loc in enumerate(locs):
        if out[i].path == "(options)" and out[i].code != "CTAI-E015":
            out[i] = dataclasses.replace(out[i], path=f"option {_option(loc)}", line=0, col=0)
    return out


def _check_titres(document: Any, personne: Any, base: tuple = ()) -> list:
    """Unknown titre types are refused with the list of known ones (they live in the parameters)."""
    from ctai_cli.catalog import make
    from ctai_cli.eligibility.parametres import charger
    from ctai_cli.eligibility.regles import titres_inconnus, types_connus

    params = charger()
    known = sorted(types_connus(params))
    out = []
    for i in titres_inconnus(personne, params):
        value = personne.titres_sejour[i].type
        line, col = document.position((*base, "titres_sejour", i, "type"))
        path = document.path
        if path == "(options)":
            path, line, col = f"option --titres, titre {i + 1}, type", 0, 0
        proche = _type_proche(value, known)
        out.append(
            make(
                "CTAI-E105",
                path,
                line,
                col,
                valeur=value,
                attendu=", ".join(known),
                suggestion=f"vouliez-vous dire « {proche} » ?"
                if proche
                else "choisissez l'un des types possibles",
            )
        )
    return out


def _type_proche(value: str, known: list[str]) -> str | None:
    """A titre type spelt almost like ``value`` (a typo, a case, an accent), else None: two
    types a few letters apart may have different legal effects (certificat_residence is not a
    carte_resident), so no looser guess."""
    import difflib

    from ctai_cli.francais import sans_accents

    plain = sans_accents(value)
    if plain in known:
        return plain
    close = difflib.get_close_matches(plain, known, n=1, cutoff=0.85)
    return close[0] if close else None


def _pas_utf8(rows: Path) -> str:
    """A batch file in another encoding (Windows-1252 from Excel): say how to save it."""
    comment = (
        "enregistrez-le au format « CSV UTF-8 (délimité par des virgules) »"
        if rows.suffix.lower() == ".csv"
        else "enregistrez-le en UTF-8"
    )
    return f"« {rows} » n'est pas encodé en UTF-8 : {comment}"


def batch(
    rows: Path,
    date_text: str | None,
    contrat: Path | None,
    fmt: str | None,
    depart: str,
    output: Path | None,
    force: bool,
    avec_donnees: bool,
) -> int:
    from ctai_cli.eligibility.batch import EnteteInvalide, traiter, verifier_entete
    from ctai_cli.repository import open_depot

    fmt = resolve_format(fmt, output, FORMATS, "text")
    if avec_donnees and fmt != "json":
        raise UsageProblem("--avec-donnees ne s'emploie qu'avec --format json (ou --output verdicts.jsonl)")
    if rows.suffix.lower() not in (".csv", ".jsonl"):
        raise UsageProblem(f"« {rows} » : fichier .csv ou .jsonl attendu pour --batch")
    if not rows.is_file():
        raise UsageProblem(f"fichier « {rows} » introuvable")
    jour = parse_date_option(date_text)
    publics = None
    if contrat is not None:
        depot, _problems = open_depot(contrat)
        if depot is None or depot.contrat_model is None:
            raise UsageProblem(f"« {contrat} » n'est pas un contrat valide (ctai validate {contrat})")
        publics = list(depot.contrat_model.publics)
    try:
        verifier_entete(rows, avec_donnees)
    except EnteteInvalide as exc:
        raise UsageProblem(f"« {rows} » : {exc}") from None
    except UnicodeDecodeError:
        raise UsageProblem(_pas_utf8(rows)) from None
    try:
        # A bar only when the verdicts do not go to the terminal the bar would share.
        barre = output is not None or not sys.stdout.isatty()
        with (
            output_to(output, force) as out,
            progression("éligibilité", unite=("ligne", "lignes")) if barre else nullcontext(None) as avance,
        ):
            resume = traiter(
                rows,
                jour,
                out,
                fmt=fmt,
                depart=depart,
                avec_donnees=avec_donnees,  # type: ignore[arg-type]
                publics_contrat=publics,
                avancement=avance,
            )
    except UnicodeDecodeError:
        raise UsageProblem(_pas_utf8(rows)) from None
    from ctai_cli.eligibility.batch import RESUME_TEXTE

    counts = ", ".join(f"{RESUME_TEXTE.get(k, k)} : {v}" for k, v in resume.to_dict().items())
    print(f"Résumé ({jour.isoformat()}) — {counts}", file=sys.stderr)
    if resume.doublons:
        from ctai_cli.francais import nombre_de
        from ctai_cli.terminal import sur

        doublons = list(resume.doublons)
        if fmt == "json":
            doublons = [json.loads(d) for d in doublons]
        montres = ", ".join(doublons[:10]) + (" …" if len(doublons) > 10 else "")
        print(
            f"Attention : {nombre_de(len(doublons), 'identifiant')} sur plusieurs lignes ({sur(montres)}) : "
            "la même personne comptée deux fois, ou deux dossiers sous un même id ?",
            file=sys.stderr,
        )
    return exitcodes.FINDINGS if resume.par_resultat["erreur"] else exitcodes.OK


def faits_depuis_options(options: dict[str, str | None], oui: list[str], non: list[str]) -> dict[str, Any]:
    """Facts typed at the counter → a person, through the same mapping as a CSV row.

    ``--protection type[:autorite[:date[:fin:motif]]]`` and ``--demande-asile depot[:decision]``
    pack several columns in one option.
    """
    from ctai_cli.eligibility.batch import BOOL_COLUMNS, RowError, personne_depuis_csv
    from ctai_cli.schema_errors import suggest

    row: dict[str, str | None] = {k: v for k, v in options.items() if v is not None}
    if row.get("protection_date") and ":" in row["protection_date"]:
        date_, fin, motif = [*row["protection_date"].split(":", 2), "", ""][:3]
        row.update(protection_date=date_, protection_fin=fin, protection_fin_motif=motif)
    if row.get("demande_asile_depot") and ":" in row["demande_asile_depot"]:
        depot, decision = row["demande_asile_depot"].split(":", 1)
        row.update(demande_asile_depot=depot, demande_asile_decision=decision)
    for value, facts in (("oui", oui), ("non", non)):
        for fact in facts:
            if fact not in BOOL_COLUMNS:
                raise UsageProblem(
                    f"fait « {fact} » inconnu pour --{value} ; {suggest(fact, list(BOOL_COLUMNS), 'faits possibles')}"
                )
            row[fact] = value
    try:
        return personne_depuis_csv(row)
    except RowError as exc:
        raise UsageProblem(f"option « {exc.champ} » invalide ({exc.code}) : {exc.message}") from None


def check(
    person_file: Path | None,
    date_text: str | None,
    contrat: Path | None,
    fmt: str | None,
    depart: str,
    faits: dict[str, Any] | None = None,
) -> int:
    from ctai_cli.eligibility.parametres import charger
    from ctai_cli.eligibility.personne import Personne
    from ctai_cli.eligibility.regles import evaluer
    from ctai_cli.repository import open_depot, read_model, validate_document
    from ctai_cli.yamlread import Document

    fmt = fmt or "text"
    check_format(fmt, FORMATS)
    if depart not in ("premier_titre", "cir"):
        raise UsageProblem(f"--depart-epa « {depart} » inconnu : premier_titre ou cir")
    jour = parse_date_option(date_text)
    if person_file is None:
        # Facts given as options: the same validation as a file, on an in-memory document.
        document = Document("(options)", faits or {})
        personne, diagnostics = validate_document(document, Personne)
        diagnostics = _options_nommees(faits or {}, Personne, diagnostics)
    else:
        if not person_file.is_file():
            raise UsageProblem(f"fichier « {person_file} » introuvable")
        document, personne, diagnostics = read_model(person_file, person_file.as_posix(), Personne)
    if personne is not None:
        diagnostics += _check_titres(document, personne)
    if diagnostics:
        return _report_input_problems(diagnostics, fmt)
    depot = None
    if contrat is not None:
        depot, problems = open_depot(contrat)
        if depot is None:
            return _report_input_problems(problems, fmt)
    verdict = evaluer(personne, jour, charger(), depart)  # type: ignore[arg-type]
    if depot is not None:
        if depot.contrat_model is not None:
            verdict.restreindre(list(depot.contrat_model.publics))
        from ctai_cli.eligibility.actions import actions_ouvertes

        verdict.actions, notes = actions_ouvertes(depot, verdict, personne, jour)
        verdict.notes.extend(notes)
    if fmt == "json":
        json.dump(verdict.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_text(verdict, personne)
    return exitcodes.OK


_SYMBOLS = {"oui": "✓", "non": "✗", "inconnu": "?"}


def _print_text(verdict: Any, personne: Any) -> None:
    from ctai_cli.formatting import date_longue
    from ctai_cli.francais import VERDICTS

    qui = f" ({personne.id})" if personne.id else ""
    public = f" : {verdict.public}" if verdict.public else ""
    print(f"Au {date_longue(verdict.date)}{qui} : {VERDICTS[verdict.verdict]}{public}")
    print()
    for raison in verdict.raisons:
        print(f"  {_SYMBOLS[raison.resultat]} {raison.id} : {raison.explication}")
        print(f"      ({raison.reference})")
    if verdict.faits_manquants:
        print()
        print("Faits manquants pour conclure :")
        for fait in verdict.faits_manquants:
            print(f"  - {fait.fait} : {fait.question}")
    for note in verdict.notes:
        print(f"\nNote : {note}")
    if verdict.actions:
        print()
        print("Actions :")
        for action in verdict.actions:
            mark = {True: "ouverte   ", False: "fermée    ", None: "à préciser"}[action["ouverte"]]
            print(f"  {mark} axe {action['axe']}  {action['id']} — {action['raison']}")


def test(scenario_file: Path) -> int:
    from ctai_cli.eligibility.scenarios import FichierScenarios, executer
    from ctai_cli.repository import read_model

    if not scenario_file.is_file():
        raise UsageProblem(f"fichier « {scenario_file} » introuvable")
    document, fichier, diagnostics = read_model(scenario_file, scenario_file.as_posix(), FichierScenarios)
    if fichier is not None:
        for i, scenario in enumerate(fichier.scenarios):
            diagnostics += _check_titres(document, scenario.personne, ("scenarios", i, "personne"))
    if diagnostics:
        return _report_input_problems(diagnostics, "text")
    echecs = 0
    for i, scenario in enumerate(fichier.scenarios):
        resultat = executer(scenario)
        line = document.position(("scenarios", i))[0]
        if resultat.ecarts:
            echecs += 1
            print(f"✗ {scenario_file.as_posix()}:{line} {scenario.nom} : {' ; '.join(resultat.ecarts)}")
            for raison in resultat.verdict.raisons:
                print(f"      {_SYMBOLS[raison.resultat]} {raison.id} : {raison.explication}")
        else:
            print(f"✓ {scenario.nom}")
    total = len(fichier.scenarios)
    from ctai_cli.francais import nombre_de, pluriel

    reussis = total - echecs
    print(
        f"\n{reussis} {pluriel(reussis, 'réussi')}, {echecs} {pluriel(echecs, 'échoué')}"
        f" sur {nombre_de(total, 'scénario')}"
    )
    return exitcodes.FINDINGS if echecs else exitcodes.OK

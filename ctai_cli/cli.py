"""The typer skin: options in, one core call, an exit code out.

Only typer is imported at start-up; each command imports what it needs when it
runs, so no ``--help`` loads pydantic, jinja2 or rich. Parameters are ``str``,
``list[str]`` or ``bool`` (paths too), which :mod:`ctai_cli.commands._aide` takes
without typer's pydantic coercion. No ``from __future__ import annotations``
here: typer would evaluate every annotation string of every command at start-up.
All exit codes are decided here and in :mod:`ctai_cli.exitcodes`.
"""

import copy
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ctai_cli import __version__, exitcodes
from ctai_cli.commands import _completion as completer
from ctai_cli.commands._aide import Application, Commande, Groupe

app = Application(
    cls=Groupe,
    name="ctai",
    help="Outils pour les contrats territoriaux d'accueil et d'intégration (CTAI).",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Options shared by several commands.
_PATH = Annotated[
    str,
    typer.Argument(
        help="Dossier du contrat (défaut : dossier courant).", metavar="DOSSIER", show_default=False
    ),
]
_OUTPUT = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FICHIER",
        help="Écrit le résultat dans ce fichier ; son extension choisit le format si --format manque.",
    ),
]
_FORCE = Annotated[bool, typer.Option("--force", help="Remplace le fichier de --output s'il existe.")]


def _version(value: bool) -> None:
    if value:
        print(f"ctai {__version__}")
        raise typer.Exit(exitcodes.OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Affiche la version."),
    ] = False,
) -> None:
    """Outils pour les contrats territoriaux d'accueil et d'intégration (CTAI)."""


@app.command("validate", cls=Commande)
def validate_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Dossier(s) de contrat à valider (défaut : dossier courant).",
            metavar="DOSSIER",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, json, github ou sarif (github par défaut quand GITHUB_ACTIONS est défini).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Les avertissements font aussi échouer.")] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="Date de référence AAAA-MM-JJ pour les échéances (défaut : aujourd'hui).",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="RÉVISION",
            help="Révision git de référence (ex. origin/main) : toute modification des termes signés "
            "depuis celle-ci exige un nouvel avenant.",
            show_default=False,
        ),
    ] = None,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache",
            help="Garde le résultat de chaque contrat dans le cache de l'utilisateur "
            "($XDG_CACHE_HOME/ctai, sinon ~/.cache/ctai) : un contrat inchangé (fichiers, date, "
            "version de ctai) n'est pas relu.",
        ),
    ] = False,
    cache_dir: Annotated[
        str | None,
        typer.Option(
            "--cache-dir",
            metavar="DOSSIER",
            help="Comme --cache, avec ce dossier de cache.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Valide les fichiers d'un contrat et leur cohérence ; signale tout d'un coup.

    Codes de sortie : 0 sans erreur, 1 problèmes trouvés, 2 usage ou dossier
    inutilisable, 3 bogue de ctai.
    """
    from ctai_cli.commands import validate

    raise typer.Exit(
        validate.run(
            [Path(p) for p in paths or []],
            fmt,
            strict,
            date,
            base,
            cache=cache,
            cache_dir=Path(cache_dir) if cache_dir else None,
        )
    )


@app.command("explain", cls=Commande)
def explain_command(
    code: Annotated[
        str | None,
        typer.Argument(
            help="Code à expliquer, ex. CTAI-E200 (ou E200), ou « format » : la description des fichiers.",
            metavar="CODE",
            show_default=False,
            autocompletion=completer.codes,
        ),
    ] = None,
) -> None:
    """Explique un code de diagnostic (sans argument : liste tous les codes)."""
    from ctai_cli.commands import explain

    raise typer.Exit(explain.run(code))


@app.command("schema", cls=Commande)
def schema_command(
    output_dir: Annotated[
        str, typer.Argument(help="Dossier où écrire les schémas JSON.", metavar="DOSSIER")
    ] = "schemas",
    check: Annotated[
        bool, typer.Option("--check", help="Vérifie seulement que les schémas sont à jour.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Remplace les schémas existants.")] = False,
) -> None:
    """Écrit les schémas JSON de chaque type de fichier (pour les éditeurs)."""
    from ctai_cli.commands import schema

    raise typer.Exit(schema.run(Path(output_dir), check, force))


def _group(name: str, help: str) -> typer.Typer:
    """A command group (``ctai eligibility …``) with the same settings as the main app."""
    group = Application(cls=Groupe, help=help, no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(group, name=name)
    return group


eligibility_app = _group(
    "eligibility", "Éligibilité d'une personne aux publics du CTAI (EPA, BPI, BPT) à une date."
)


@eligibility_app.command("check", cls=Commande)
def eligibility_check_command(
    person: Annotated[
        str | None,
        typer.Argument(
            help="Fichier YAML des faits connus sur la personne.", metavar="PERSONNE", show_default=False
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help="Date de la vérification AAAA-MM-JJ (défaut : aujourd'hui)."
        ),
    ] = None,
    contrat: Annotated[
        str | None,
        typer.Option(
            "--contrat",
            metavar="DOSSIER",
            help="Dossier du contrat : liste les actions ouvertes à la personne.",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text ou json (défaut : d'après l'extension de --output, sinon text).",
            show_default=False,
        ),
    ] = None,
    depart_epa: Annotated[
        str,
        typer.Option(
            "--depart-epa",
            metavar="DÉPART",
            help="Point de départ des 5 ans : premier_titre (défaut) ou cir.",
        ),
    ] = "premier_titre",
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            metavar="FICHIER",
            help="Fichier .csv ou .jsonl : un verdict par ligne, sans données personnelles.",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FICHIER",
            help="Avec --batch : écrit les verdicts dans ce fichier (.jsonl : format json).",
        ),
    ] = None,
    force: _FORCE = False,
    avec_donnees: Annotated[
        bool,
        typer.Option(
            "--avec-donnees", help="Avec --batch et --format json : ajoute les raisons de chaque verdict."
        ),
    ] = False,
    nationalite: Annotated[
        str | None,
        typer.Option(
            "--nationalite",
            metavar="PAYS",
            help="Au guichet : code pays (AF), plusieurs séparés par « ; », ou apatride.",
        ),
    ] = None,
    naissance: Annotated[
        str | None,
        typer.Option("--naissance", metavar="DATE", help="Au guichet : date de naissance AAAA-MM-JJ."),
    ] = None,
    titres: Annotated[
        str | None,
        typer.Option(
            "--titres",
            metavar="TITRES",
            help="Au guichet : titres « type:debut[:fin[:recepisse_fin]] » séparés par « ; ».",
        ),
    ] = None,
    protection: Annotated[
        str | None,
        typer.Option(
            "--protection",
            metavar="PROTECTION",
            help="Au guichet : « type[:autorite[:date[:fin:motif]]] », ex. refugie:OFPRA:2023-05-10.",
        ),
    ] = None,
    asile: Annotated[
        str | None,
        typer.Option(
            "--demande-asile",
            metavar="DATES",
            help="Au guichet : dépôt de la demande d'asile « depot[:decision] ».",
        ),
    ] = None,
    cir: Annotated[
        str | None, typer.Option("--cir", metavar="DATE", help="Au guichet : date de signature du CIR.")
    ] = None,
    oui: Annotated[
        list[str] | None,
        typer.Option("--oui", metavar="FAIT", help="Au guichet : un fait vrai (ex. intention_installation)."),
    ] = None,
    non: Annotated[
        list[str] | None,
        typer.Option("--non", metavar="FAIT", help="Au guichet : un fait faux (ex. suivi_agir)."),
    ] = None,
) -> None:
    """La personne est-elle EPA, BPI ou BPT à cette date ? Pourquoi, et que manque-t-il ?"""
    from ctai_cli.commands import eligibility
    from ctai_cli.commands._common import UsageProblem

    contrat_path = Path(contrat) if contrat else None
    if batch is not None:
        if person is not None:
            raise UsageProblem("donnez soit un fichier personne, soit --batch, pas les deux")
        code = eligibility.batch(
            Path(batch),
            date,
            contrat_path,
            fmt,
            depart_epa,
            Path(output) if output else None,
            force,
            avec_donnees,
        )
        raise typer.Exit(code)
    if output is not None or force or avec_donnees:
        raise UsageProblem("--output, --force et --avec-donnees ne s'emploient qu'avec --batch")
    counter = [nationalite, naissance, titres, protection, asile, cir, *(oui or []), *(non or [])]
    if person is not None:
        if any(v is not None for v in counter):
            raise UsageProblem(
                "donnez les faits soit dans le fichier personne, soit en options, pas les deux"
            )
        raise typer.Exit(eligibility.check(Path(person), date, contrat_path, fmt, depart_epa))
    if all(v is None for v in counter):
        raise UsageProblem(
            "fichier personne manquant (ou faits en options : --nationalite, --titres…, ou --batch)"
        )
    type_, autorite, date_protection = [*(protection or "").split(":", 2), "", ""][:3]
    faits = eligibility.faits_depuis_options(
        {
            "nationalite": nationalite,
            "date_naissance": naissance,
            "titres_sejour": titres,
            "protection_type": type_ or None,
            "protection_autorite": autorite or None,
            "protection_date": date_protection or None,
            "demande_asile_depot": asile,
            "cir_signature": cir,
        },
        oui or [],
        non or [],
    )
    raise typer.Exit(eligibility.check(None, date, contrat_path, fmt, depart_epa, faits))


@eligibility_app.command("test", cls=Commande)
def eligibility_test_command(
    scenarios: Annotated[
        str,
        typer.Argument(
            help="Fichier YAML de scénarios (personne, date, résultat attendu).", metavar="SCÉNARIOS"
        ),
    ],
) -> None:
    """Rejoue des scénarios d'éligibilité et signale ceux dont le résultat diffère."""
    from ctai_cli.commands import eligibility

    raise typer.Exit(eligibility.test(Path(scenarios)))


budget_app = _group("budget", "Rapprochement des crédits : alloué, reporté, versé, dépensé, reliquats.")


@budget_app.command("reconcile", cls=Commande)
def budget_reconcile_command(
    path: _PATH = ".",
    annee: Annotated[
        str | None,
        typer.Option("--annee", metavar="ANNÉE", help="Une seule année.", autocompletion=completer.annees),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, json, csv ou xlsx (xlsx avec --output ; défaut : d'après l'extension de "
            "--output, sinon text).",
            show_default=False,
        ),
    ] = None,
    output: _OUTPUT = None,
    force: _FORCE = False,
) -> None:
    """Par action et par année : alloué, report entrant, disponible, versé, dépensé, reliquat et sa disposition."""
    from ctai_cli.commands import budget
    from ctai_cli.commands._common import parse_annee

    raise typer.Exit(
        budget.reconcile(Path(path), parse_annee(annee), fmt, Path(output) if output else None, force)
    )


_FORMAT_DOC = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="md, html ou pdf (pdf avec --output ; défaut : d'après l'extension de --output, sinon md).",
        show_default=False,
    ),
]
_OUTPUT_DOC = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FICHIER",
        help="Écrit le document dans ce fichier (défaut : sortie standard).",
    ),
]
_TEMPLATES = Annotated[
    str | None,
    typer.Option(
        "--templates",
        metavar="DOSSIER",
        help="Dossier de modèles Jinja qui remplacent ceux de ctai, par nom (ex. bilan.html.j2).",
        show_default=False,
    ),
]


def _opt_path(value: str | None) -> Path | None:
    return Path(value) if value else None


bilan_app = _group("bilan", "La fiche-bilan annuelle (article 8), due aux services de l'État.")


@bilan_app.command("render", cls=Commande)
def bilan_render_command(
    annee: Annotated[
        str,
        typer.Option(
            "--annee",
            metavar="ANNÉE",
            help="Année du bilan (bilans/<année>.yaml).",
            autocompletion=completer.annees_bilans,
        ),
    ],
    path: _PATH = ".",
    fmt: _FORMAT_DOC = None,
    output: _OUTPUT_DOC = None,
    force: _FORCE = False,
    templates: _TEMPLATES = None,
) -> None:
    """Produit la fiche-bilan d'une année : objectifs et réalisations, bénéficiaires par public,
    dépenses et reliquats, pilotage, avec une synthèse."""
    from ctai_cli.commands import documents
    from ctai_cli.commands._common import parse_annee

    raise typer.Exit(
        documents.bilan(Path(path), parse_annee(annee), fmt, _opt_path(output), force, _opt_path(templates))
    )


@bilan_app.command("form")
def bilan_form_command(
    annee: Annotated[str, typer.Option("--annee", metavar="ANNÉE", help="Année du bilan.")],
    output: Annotated[
        str,
        typer.Option(
            "--output", "-o", metavar="DOSSIER", help="Dossier où écrire un formulaire .xlsx par porteur."
        ),
    ],
    path: _PATH = ".",
    porteurs: Annotated[
        list[str] | None,
        typer.Option(
            "--porteur",
            metavar="PORTEUR",
            help="Identifiant d'un porteur (répétable ; défaut : tous).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Remplace les formulaires déjà présents.")] = False,
) -> None:
    """Produit un formulaire de bilan (.xlsx) par porteur, prérempli d'après bilans/<année>.yaml."""
    from ctai_cli.commands import formulaires

    raise typer.Exit(
        formulaires.form(Path(path), formulaires.annee(annee), list(porteurs or []), Path(output), force)
    )


@bilan_app.command("import")
def bilan_import_command(
    fichiers: Annotated[
        list[str],
        typer.Argument(help="Formulaires remplis (.xlsx).", metavar="FORMULAIRE", show_default=False),
    ],
    contrat: Annotated[
        str,
        typer.Option("--contrat", metavar="DOSSIER", help="Dossier du contrat (défaut : dossier courant)."),
    ] = ".",
    annee: Annotated[
        str | None,
        typer.Option(
            "--annee", metavar="ANNÉE", help="Ne lit que les formulaires de cette année.", show_default=False
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Affiche les modifications sans rien écrire.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="En cas de conflit, la valeur du formulaire remplace celle du bilan."),
    ] = False,
) -> None:
    """Reporte les formulaires remplis dans bilans/<année>.yaml, commentaires et mise en page gardés."""
    from ctai_cli.commands import formulaires

    annee_ = formulaires.annee(annee) if annee is not None else None
    raise typer.Exit(formulaires.import_([Path(f) for f in fichiers], Path(contrat), annee_, dry_run, force))


fiche_app = _group("fiche", "Les fiches-actions de l'annexe 1.")


@fiche_app.command("render", cls=Commande)
def fiche_render_command(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="Dossier du contrat (défaut : dossier courant ; le premier argument est pris pour "
            "le dossier quand il contient contrat.yaml), puis les identifiants des actions "
            "(défaut : toutes les actions de l'année).",
            metavar="[DOSSIER] [ACTION ...]",
            show_default=False,
            autocompletion=completer.actions,
        ),
    ] = None,
    annee: Annotated[
        str | None,
        typer.Option(
            "--annee",
            metavar="ANNÉE",
            help="Année de l'annexe (défaut : la plus récente qui a ces actions).",
            autocompletion=completer.annees,
        ),
    ] = None,
    fmt: _FORMAT_DOC = None,
    output: _OUTPUT_DOC = None,
    force: _FORCE = False,
    templates: _TEMPLATES = None,
) -> None:
    """Produit les fiches-actions d'une année, à la manière de l'annexe 1 du contrat."""
    from ctai_cli.commands import documents
    from ctai_cli.commands._common import parse_annee

    raise typer.Exit(
        documents.fiche(
            list(args or []), parse_annee(annee), fmt, _opt_path(output), force, _opt_path(templates)
        )
    )


contrat_app = _group("contrat", "Le contrat lui-même.")


@contrat_app.command("render", cls=Commande)
def contrat_render_command(
    path: _PATH = ".",
    fmt: _FORMAT_DOC = None,
    output: _OUTPUT_DOC = None,
    force: _FORCE = False,
    templates: _TEMPLATES = None,
) -> None:
    """Produit le contrat complet, articles et annexes, en un seul document."""
    from ctai_cli.commands import documents

    raise typer.Exit(documents.contrat(Path(path), fmt, _opt_path(output), force, _opt_path(templates)))


avenant_app = _group("avenant", "Les avenants (article 10) : ce qu'une pull request change au contrat.")
_BASE = Annotated[
    str | None,
    typer.Option(
        "--base",
        metavar="RÉVISION",
        help="Révision git de départ (défaut : point de départ de la branche depuis la branche par défaut).",
        show_default=False,
    ),
]


@avenant_app.command("diff", cls=Commande)
def avenant_diff_command(
    path: _PATH = ".",
    base: _BASE = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            metavar="RÉVISION",
            help="Révision git d'arrivée (défaut : l'arbre de travail).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, md (description de pull request) ou json (défaut : d'après l'extension de "
            "--output, sinon text).",
            show_default=False,
        ),
    ] = None,
    output: _OUTPUT = None,
    force: _FORCE = False,
) -> None:
    """Ce que les modifications changent au contrat : actions, budgets par action, axe et année,
    publics, axes, dates."""
    from ctai_cli.commands import avenant

    raise typer.Exit(avenant.diff(Path(path), base, head, fmt, _opt_path(output), force))


@avenant_app.command("new", cls=Commande)
def avenant_new_command(
    path: _PATH = ".",
    base: _BASE = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="Date de l'avenant AAAA-MM-JJ (défaut : aujourd'hui).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Écrit le prochain avenants/<n>.yaml, prérempli d'après les modifications (sans rien écraser)."""
    from ctai_cli.commands import avenant
    from ctai_cli.commands._common import parse_date_option

    raise typer.Exit(avenant.new(Path(path), base, parse_date_option(date)))


@avenant_app.command("render", cls=Commande)
def avenant_render_command(
    args: Annotated[
        list[str],
        typer.Argument(
            help="Dossier du contrat (défaut : dossier courant) et numéro de l'avenant.",
            metavar="[DOSSIER] N",
            show_default=False,
        ),
    ],
    fmt: _FORMAT_DOC = None,
    output: _OUTPUT_DOC = None,
    force: _FORCE = False,
    templates: _TEMPLATES = None,
) -> None:
    """Produit l'avenant comme document administratif (articles « L'annexe 1 est modifiée comme suit »)."""
    from ctai_cli.commands import avenant

    raise typer.Exit(avenant.render(args, fmt, _opt_path(output), force, _opt_path(templates)))


@app.command("aggregate", cls=Commande)
def aggregate_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Dossiers de contrat, ou fichiers manifestes qui les listent (défaut : dossier courant).",
            metavar="DOSSIER",
            show_default=False,
        ),
    ] = None,
    annee: Annotated[
        str | None,
        typer.Option(
            "--annee", metavar="ANNÉE", help="Une seule année (défaut : toutes).", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, md, html, json, csv, xlsx ou datapackage "
            "(défaut : d'après l'extension de --output, sinon text).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FICHIER",
            help="Écrit le résultat dans ce fichier (datapackage : dans ce dossier).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Remplace le fichier de --output s'il existe.")
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="Date de référence AAAA-MM-JJ pour les bilans dus (défaut : aujourd'hui).",
            show_default=False,
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            metavar="TABLE",
            help="Avec --format csv : contrats (défaut), actions, budget, bilans ou beneficiaires.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Plusieurs contrats d'un coup : vue départementale et nationale.

    Chaque contrat est validé d'abord ; un contrat en erreur est listé avec son nombre
    d'erreurs et laissé hors des chiffres. Codes de sortie : 0 tous retenus, 1 au moins
    un contrat exclu, 2 usage ou manifeste illisible.
    """
    from ctai_cli.commands import aggregate
    from ctai_cli.commands._common import parse_annee

    raise typer.Exit(
        aggregate.run(
            [Path(p) for p in paths or []],
            parse_annee(annee),
            fmt,
            Path(output) if output else None,
            force,
            date,
            table,
        )
    )


@app.command("init", cls=Commande)
def init_command(
    dossier: Annotated[
        str,
        typer.Argument(
            help="Dossier du nouveau dépôt de contrat (défaut : dossier courant).",
            metavar="DOSSIER",
            show_default=False,
        ),
    ] = ".",
    territoire: Annotated[
        str | None,
        typer.Option(
            "--territoire", metavar="NOM", help="Nom du territoire (ex. « Dax »).", show_default=False
        ),
    ] = None,
    departement: Annotated[
        str | None,
        typer.Option(
            "--departement",
            metavar="CODE",
            help="Code du département (ex. 40, 2A, 974) ; sans lui : « non précisé », à compléter.",
            show_default=False,
        ),
    ] = None,
    debut: Annotated[
        str | None,
        typer.Option(
            "--debut",
            metavar="ANNÉE",
            help="Première année du contrat (article 2) ; obligatoire.",
            show_default=False,
        ),
    ] = None,
    fin: Annotated[
        str | None,
        typer.Option(
            "--fin",
            metavar="ANNÉE",
            help="Dernière année du contrat (incluse) ; obligatoire.",
            show_default=False,
        ),
    ] = None,
    ci: Annotated[
        str,
        typer.Option("--ci", metavar="CI", help="Fichier d'intégration continue : github, gitlab ou aucun."),
    ] = "github",
    force: Annotated[bool, typer.Option("--force", help="Remplace les fichiers existants.")] = False,
) -> None:
    """Crée un dépôt de contrat prêt à remplir : contrat, porteurs, première annexe, CI et pre-commit.

    Le résultat passe « ctai validate » tel quel.
    """
    from ctai_cli.commands import init
    from ctai_cli.commands._common import parse_annee

    raise typer.Exit(
        init.run(
            Path(dossier),
            territoire=territoire,
            departement=departement,
            debut=parse_annee(debut, "--debut"),
            fin=parse_annee(fin, "--fin"),
            ci=ci,
            force=force,
        )
    )


def _crash(exc: BaseException) -> int:
    print(
        f"ctai : erreur interne ({type(exc).__name__}: {exc}). C'est un bogue de ctai, pas de vos "
        "fichiers : merci de le signaler avec la commande lancée.",
        file=sys.stderr,
    )
    if os.environ.get("CTAI_DEBUG"):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    else:
        print("Relancez avec CTAI_DEBUG=1 pour afficher la trace complète.", file=sys.stderr)
    return exitcodes.INTERNAL


def _framework_exceptions() -> tuple[type[Exception], type[Exception]]:
    """The command-line framework's usage-error and base exception classes.

    typer vendors click as a private module (``typer._click``) and only exports
    ``typer.BadParameter``; its ancestors are the classes we need. Reaching them
    through the public class keeps us off private modules whatever the release.
    """
    ancestors = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
    return ancestors["UsageError"], ancestors["ClickException"]


def _reader_gone() -> int:
    """The reader of standard output went away (``ctai explain | head -2``): not an error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return exitcodes.OK


def _application(args: list[str]) -> typer.Typer:
    """The application with only the command or group named first on the command line.

    typer builds every command's parameters before running one (a third of ``ctai
    validate --help``'s own time): when the first argument names a command, the others
    are left out. The whole application otherwise: no argument, a root option (``--help``,
    ``--version``), an unknown name (its error suggests a near one), shell completion.
    """
    if not args or args[0].startswith("-") or "_CTAI_COMPLETE" in os.environ:
        return app
    commandes = [c for c in app.registered_commands if c.name == args[0]]
    groupes = [g for g in app.registered_groups if g.name == args[0]]
    if not commandes and not groupes:
        return app
    seule = copy.copy(app)
    seule.registered_commands, seule.registered_groups = commandes, groupes
    return seule


def main(argv: list[str] | None = None) -> int:
    """Entry point: the single place where exceptions become exit codes."""
    from typer.main import get_command

    from ctai_cli.commands._aide import ErreurUsage, message_erreur, montrer_erreur
    from ctai_cli.commands._common import UsageProblem, error
    from ctai_cli.fsutil import WriteProblem

    usage_error, click_exception = _framework_exceptions()

    command = get_command(_application(sys.argv[1:] if argv is None else argv))
    try:
        result = command.main(args=argv, prog_name="ctai", standalone_mode=False)
    except (UsageProblem, WriteProblem) as exc:
        error(str(exc))
        return exitcodes.USAGE
    except ErreurUsage as exc:
        montrer_erreur(str(exc), exc.contexte)
        return exitcodes.USAGE
    except usage_error as exc:
        # The framework's own usage errors, worded again in French (its texts are English).
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            print(exc.ctx.get_help(), file=sys.stderr)
        else:
            montrer_erreur(message_erreur(exc), exc.ctx)
        return exitcodes.USAGE
    except click_exception as exc:
        error("erreur de la ligne de commande")
        return exc.exit_code
    except BrokenPipeError:
        return _reader_gone()
    except SystemExit as exc:
        # The framework turns a closed pipe into exit 1; shell completion exits on purpose.
        if isinstance(exc.__context__, BrokenPipeError):
            return _reader_gone()
        raise
    except typer.Exit as exc:
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        error("interrompu")
        return exitcodes.INTERRUPTED
    except Exception as exc:
        return _crash(exc)
    return result if isinstance(result, int) else exitcodes.OK

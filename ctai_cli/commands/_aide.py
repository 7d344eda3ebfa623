"""The framework's texts in French: help pages, usage lines and usage errors.

typer (>= 0.26) carries its own copy of click, whose texts are English and not
translatable (no gettext catalogue reaches them). We never reword its strings:
help pages are written here from the public attributes of the command and its
parameters (``opts``, ``metavar``, ``help``, ``required``…), through the public
customisation points (``cls=`` on commands and groups, ``format_help``,
``resolve_command``, ``parse_args``), and usage errors are re-rendered from the
exception's class name and public attributes (``param``, ``option_name``,
``possibilities``, ``ctx``), never from its English message.

Imported at start-up by :mod:`ctai_cli.cli`: typer only, nothing heavy.
"""

from __future__ import annotations

import difflib
import inspect
import shutil
import sys
import textwrap
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

AIDE = "Affiche cette aide et quitte."
# Options that typer adds itself, by parameter name.
TEXTES_CADRE = {
    "help": AIDE,
    "install_completion": "Installe la complétion du shell courant (bash, zsh, fish).",
    "show_completion": "Affiche le script de complétion du shell courant, à copier ou adapter.",
}


class ErreurUsage(Exception):
    """A usage error already worded in French; ``contexte`` gives the usage line."""

    def __init__(self, message: str, contexte: Any = None) -> None:
        super().__init__(message)
        self.contexte = contexte


def _largeur() -> int:
    return max(60, min(shutil.get_terminal_size((88, 24)).columns, 100))


def _metavar(param: Any) -> str:
    return param.metavar or (param.name or "valeur").upper()


def _est_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _est_drapeau(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False) or getattr(param, "count", False))


def nom_parametre(param: Any) -> str:
    """How a parameter is named in a message: « --annee » or « DOSSIER »."""
    if _est_option(param):
        opts = sorted(param.opts, key=lambda o: (not o.startswith("--"), o))
        return opts[0] if opts else f"--{param.name}"
    return _metavar(param)


def ligne_usage(ctx: Any) -> str:
    commande = ctx.command
    morceaux = [ctx.command_path]
    if any(_est_option(p) for p in commande.get_params(ctx) if not getattr(p, "hidden", False)):
        morceaux.append("[OPTIONS]")
    for param in commande.get_params(ctx):
        if _est_option(param):
            continue
        nom = _metavar(param)
        if not param.required and not nom.startswith("["):
            nom = f"[{nom}]"
        # A metavar that already says it repeats (« [ACTION ...] ») gets no second « ... ».
        morceaux.append(f"{nom}..." if param.nargs == -1 and "..." not in nom else nom)
    if isinstance(commande, TyperGroup):
        morceaux.append("COMMANDE [ARGUMENTS]...")
    return "Utilisation : " + " ".join(morceaux)


def _defaut(param: Any) -> str:
    if param.required:
        return " (obligatoire)"
    default = param.default
    if (
        param.show_default is False
        or default is None
        or default is False
        or default in ((), [])
        or callable(default)
        or "défaut" in (param.help or "")
    ):
        return ""
    return f" (défaut : {default})"


def _colonnes(lignes: list[tuple[str, str]], largeur: int) -> list[str]:
    if not lignes:
        return []
    gauche = min(max(len(g) for g, _ in lignes), 30)
    sortie = []
    for g, d in lignes:
        corps = textwrap.wrap(d, width=max(30, largeur - gauche - 6)) or [""]
        if len(g) > gauche:
            sortie.append(f"  {g}")
            sortie.extend(f"  {'':<{gauche}}  {c}" for c in corps)
            continue
        sortie.append(f"  {g:<{gauche}}  {corps[0]}".rstrip())
        sortie.extend(f"  {'':<{gauche}}  {c}" for c in corps[1:])
    return sortie


def page_aide(ctx: Any) -> str:
    """The whole help page of ``ctx.command``, in French."""
    commande = ctx.command
    largeur = _largeur()
    lignes = [ligne_usage(ctx), ""]
    texte = inspect.cleandoc(commande.help or "")
    for paragraphe in texte.split("\n\n"):
        if paragraphe.strip():
            lignes.extend(
                textwrap.wrap(
                    " ".join(paragraphe.split()),
                    width=largeur - 2,
                    initial_indent="  ",
                    subsequent_indent="  ",
                )
            )
            lignes.append("")
    arguments, options = [], []
    for param in commande.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        aide = TEXTES_CADRE.get(param.name or "", param.help or "")
        if _est_option(param):
            # Short names first (-o, --output), whatever order the framework keeps them in.
            noms = ", ".join(sorted([*param.opts, *param.secondary_opts], key=lambda o: o.startswith("--")))
            if not _est_drapeau(param):
                noms += f" {_metavar(param)}"
            if getattr(param, "multiple", False):
                aide += " Répétable."
            options.append((noms, aide + _defaut(param)))
        else:
            arguments.append((_metavar(param), aide + _defaut(param)))
    for titre, contenu in (("Arguments", arguments), ("Options", options)):
        if contenu:
            lignes.append(f"{titre} :")
            lignes.extend(_colonnes(contenu, largeur))
            lignes.append("")
    if isinstance(commande, TyperGroup):
        sous = [
            (nom, c.short_help or " ".join(inspect.cleandoc(c.help or "").split("\n\n")[0].split()))
            for nom in commande.list_commands(ctx)
            if (c := commande.get_command(ctx, nom)) is not None and not c.hidden
        ]
        if sous:
            lignes.append("Commandes :")
            lignes.extend(_colonnes(sous, largeur))
            lignes.append("")
    return "\n".join(lignes).rstrip() + "\n"


def _franciser_parametres(commande: Any) -> None:
    """The options typer adds itself (after building the group): French help, French install."""
    for param in commande.params:
        if param.name in TEXTES_CADRE:
            param.help = TEXTES_CADRE[param.name]
        if param.name == "install_completion":
            param.callback = _installer_completion


def _sans_pydantic(param: Any) -> None:
    """Take plain text and flags as they come, without typer's pydantic coercion.

    Recent typer (0.29) turns every parameter value, even an absent one, through a
    pydantic ``TypeAdapter``: importing pydantic and building the adapters costs
    more than typer itself, on every command and every subcommand's ``--help``
    (typer 0.26 uses no pydantic). Our parameters are all ``str``, ``list[str]`` or
    ``bool``: their values are already what the command receives. For those, the
    parameter's public ``process_value`` is replaced by the same steps (missing
    values, the callback) without the adapter; anything unusual (a required value
    missing, a value of another type) is left to typer's own processing.
    """
    descripteur = getattr(param, "type_descriptor", None)
    if descripteur is None or "process_value" in vars(param):
        return
    annotation = descripteur.annotation
    if annotation not in (str, bool, list[str]):
        return
    typer_process_value = param.process_value

    def process_value(ctx: Any, value: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:
            value = () if multiple else None
        elif multiple:
            if annotation != list[str] or not all(isinstance(v, str) for v in value):
                return typer_process_value(ctx, value)
            value = list(value)
        elif not isinstance(value, annotation):
            return typer_process_value(ctx, value)
        if param.required and param.value_is_missing(value):
            return typer_process_value(ctx, value)  # typer's own "missing" error
        if param.callback is not None:
            value = param.callback(ctx, param, value)
        return value

    param.process_value = process_value


class _Francais:
    """Mixed into typer's command and group classes: French help and usage errors."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            _sans_pydantic(param)
        return params

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(page_aide(ctx))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = AIDE
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write(ligne_usage(ctx) + "\n")

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except Exception as exc:
            # The option parser raises without a context: give it one, for the usage line.
            if getattr(exc, "ctx", False) is None:
                exc.ctx = ctx  # type: ignore[attr-defined]
            raise


class Commande(_Francais, TyperCommand):
    """A command whose help and errors are French."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # click refuses extra arguments with an English sentence: let them through, refuse here.
        permis = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            reste = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = permis
        if ctx.args and not permis and not ctx.resilient_parsing:
            en_trop = " ".join(ctx.args)
            from ctai_cli.francais import pluriel

            raise ErreurUsage(f"{pluriel(len(ctx.args), 'argument')} en trop : {en_trop}", ctx)
        return reste


class Groupe(_Francais, TyperGroup):
    """A group of commands whose help, errors and completion options are French."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _franciser_parametres(self)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        nom = args[0] if args else ""
        if (
            args
            and not nom.startswith("-")
            and self.get_command(ctx, nom) is None
            and not ctx.resilient_parsing
        ):
            proches = difflib.get_close_matches(nom, self.list_commands(ctx), n=1)
            conseil = f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""
            raise ErreurUsage(f"commande « {nom} » inconnue{conseil}", ctx)
        return super().resolve_command(ctx, args)


class Application(typer.Typer):
    """``typer.Typer`` whose commands and groups are French unless told otherwise."""

    def __init__(self, *args: Any, cls: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, cls=cls or Groupe, **kwargs)

    def command(self, name: str | None = None, *, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(name, cls=cls or Commande, **kwargs)


def _installer_completion(ctx: Any, param: Any, value: Any) -> Any:
    if not value or ctx.resilient_parsing:
        return value
    from typer.completion import install

    shell, chemin = install(shell=value) if isinstance(value, str) else install()
    print(f"Complétion {shell} installée dans {chemin}.")
    print("Elle prendra effet au prochain démarrage du terminal.")
    raise typer.Exit(0)


def message_erreur(exc: Any) -> str:
    """A framework usage error in French, from its class and public attributes only."""
    classes = {cls.__name__ for cls in type(exc).__mro__}
    param = getattr(exc, "param", None)
    ctx = getattr(exc, "ctx", None)
    if "NoSuchOption" in classes:
        nom = exc.option_name
        proches = [p for p in (getattr(exc, "possibilities", None) or []) if p]
        if not proches and ctx is not None:
            connues = [o for p in ctx.command.get_params(ctx) if _est_option(p) for o in p.opts]
            proches = difflib.get_close_matches(nom, connues, n=1)
        conseil = f" ; vouliez-vous dire {', '.join(sorted(proches))} ?" if proches else ""
        return f"option « {nom} » inconnue{conseil}"
    if "BadOptionUsage" in classes:
        nom = exc.option_name
        option = None
        if ctx is not None:
            option = next((p for p in ctx.command.get_params(ctx) if nom in getattr(p, "opts", ())), None)
        if option is not None and _est_drapeau(option):
            return f"l'option « {nom} » ne prend pas de valeur"
        if option is not None:
            return f"l'option « {nom} » attend une valeur ({_metavar(option)})"
        return f"option « {nom} » mal employée"
    if "MissingParameter" in classes and param is not None:
        if _est_option(param):
            return f"option « {nom_parametre(param)} » obligatoire manquante"
        return f"argument {nom_parametre(param)} manquant"
    if "BadParameter" in classes and param is not None:
        return f"valeur invalide pour {nom_parametre(param)}"
    if "BadArgumentUsage" in classes:
        return "nombre d'arguments incorrect"
    if "NoArgsIsHelpError" in classes:
        return "commande manquante"
    return "ligne de commande invalide"


def montrer_erreur(message: str, ctx: Any) -> None:
    """``ctai : message``, then the usage line and where to find help, on stderr."""
    from ctai_cli.terminal import sur

    print(f"ctai : {sur(message)}", file=sys.stderr)
    if ctx is not None:
        print(sur(ligne_usage(ctx)), file=sys.stderr)
        print(f"Aide : {sur(ctx.command_path)} --help", file=sys.stderr)

"""The Jinja environment of every document: sandboxed, strict, French filters.

All templates, built-in or the user's (``--templates DIR``), run in one
``ImmutableSandboxedEnvironment``: a template reads the contract's data but cannot
reach Python internals (``''.__class__.__mro__``) nor change the data. Undefined
variables are errors (``StrictUndefined``), never an empty string in a document
sent to the State. HTML templates (``*.html.j2``) are autoescaped, so text typed in
a YAML file (``<script>``) is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.filters import do_format as _FORMAT
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ctai_cli.diagnostics import apercu
from ctai_cli.formatting import LOCALE, date_longue, euros, milliers, texte_markdown
from ctai_cli.models.common import NON_PRECISE, est_non_precise

NON_RENSEIGNE = "—"


def builtin_templates() -> Path:
    """``templates/`` of the source tree, or its copy inside the installed package."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".svg.j2"))


# --- filters ---------------------------------------------------------------------


def f_euros(value: Decimal | int | None, genre: str = "m", nombre: int = 1) -> str:
    """``1234.5`` → ``1 234,50 €``; an unknown amount is « — », never 0; an amount the source
    does not give is « non précisé », agreed with the noun it stands for
    (``bu.etat_bop104 | euros(nombre=2)`` after « crédits » → « non précisés »)."""
    if est_non_precise(value):
        from ctai_cli.francais import non_precise

        return non_precise("f" if genre == "f" else "m", nombre)
    return NON_RENSEIGNE if value is None else euros(value)


def f_nombre_de(nombre: int, singulier: str, pluriel: str | None = None) -> str:
    """``3 | nombre_de("action")`` → ``3 actions``; ``1 | nombre_de("action")`` → ``1 action``."""
    from ctai_cli.francais import nombre_de

    return nombre_de(nombre, singulier, pluriel)


def f_ecart(value: Decimal | None) -> str:
    """Signed amount: ``+3 000,00 €``, ``−749,60 €``."""
    if value is None:
        return NON_RENSEIGNE
    text = euros(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def f_date(value: date | None) -> str:
    """``date(2024, 10, 17)`` → ``17 octobre 2024``."""
    return NON_RENSEIGNE if value is None else date_longue(value)


def f_mois(value: str | None) -> str:
    """``"2024-02"`` → ``février 2024``."""
    if not value:
        return NON_RENSEIGNE
    from babel.dates import format_date

    year, month = (int(x) for x in value.split("-"))
    return format_date(date(year, month, 1), format="MMMM y", locale=LOCALE)


def f_nombre(value: int | Decimal | None) -> str:
    """``1234`` → ``1 234`` (French grouping)."""
    if value is None:
        return NON_RENSEIGNE
    from babel.numbers import format_decimal

    return format_decimal(value, locale=LOCALE)


def f_pourcent(value: Decimal | int | None, signe: bool = False) -> str:
    """A value already in percent: ``-4.16`` → ``−4,16 %``."""
    if value is None:
        return NON_RENSEIGNE
    from babel.numbers import format_decimal

    text = format_decimal(abs(value), format="#,##0.##", locale=LOCALE) + "\u202f%"
    if value < 0:
        return "−" + text
    return ("+" + text) if signe and value > 0 else text


def f_paragraphes(text: str | None) -> list[str]:
    """Split a text on blank lines; lines inside a paragraph are joined."""
    if not text:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def f_md(text: object) -> str:
    """Text for Markdown: markup typed in the data is shown, not interpreted (None: nothing)."""
    if text is None:
        return ""
    return texte_markdown(str(text))


def f_md_cellule(text: object) -> str:
    """Text for a Markdown table cell: one line, pipes escaped (by :func:`f_md`)."""
    return " ".join(f_md(text).split())


def f_publics(publics: Iterable[str]) -> str:
    return " + ".join(publics)


def f_liste(items: Iterable[object], derniere: str = " et ") -> str:
    """``["a", "b", "c"]`` → ``a, b et c``."""
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + derniere + items[-1]


def f_partie(partie: object) -> str:
    """A party's line in « Entre les soussignés », agreed in gender (see contexte.ligne_partie)."""
    from ctai_cli.documents.contexte import ligne_partie

    return ligne_partie(partie)  # type: ignore[arg-type]


def f_partie_sans_services(partie: object) -> str:
    from ctai_cli.documents.contexte import ligne_partie

    return ligne_partie(partie, services=False)  # type: ignore[arg-type]


def f_de_territoire(contrat: object) -> str:
    """« de Dax », « du Puy-de-Dôme », « de l'Isère »: the contract's territory after « CTAI »."""
    from ctai_cli.francais import de_territoire

    return de_territoire(contrat.territoire, contrat.departement)  # type: ignore[attr-defined]


def f_periode(valeur: object, trait: str = "-") -> str:
    """``c.periode | periode`` → ``2024-2026``, or ``2020`` for one year (see francais.periode)."""
    from ctai_cli.francais import periode

    if isinstance(valeur, dict):
        return periode(valeur["debut"], valeur["fin"], trait)
    return periode(valeur.debut, valeur.fin, trait)  # type: ignore[attr-defined]


def f_sinon(valeur: object, texte: str) -> object:
    """``r.qualite | sinon("qualité non précisée")``: a value, or « [qualité non précisée] » when
    the files say « non précisé » (a model sentence around it then still reads)."""
    if valeur is None:
        return NON_RENSEIGNE
    return f"[{texte}]" if est_non_precise(valeur) else valeur


FILTERS = {
    "partie": f_partie,
    "sinon": f_sinon,
    "partie_sans_services": f_partie_sans_services,
    "de_territoire": f_de_territoire,
    "periode": f_periode,
    "euros": f_euros,
    "nombre_de": f_nombre_de,
    "ecart": f_ecart,
    "date_fr": f_date,
    "mois_fr": f_mois,
    "nombre": f_nombre,
    "pourcent": f_pourcent,
    "paragraphes": f_paragraphes,
    "md": f_md,
    "md_cellule": f_md_cellule,
    "publics": f_publics,
    "liste": f_liste,
}


# --- limits of the sandbox ------------------------------------------------------------
# A user template is code the user chose to run: bounded, not trusted. Besides the time,
# memory and output budgets of :mod:`ctai_cli.documents.rendu`, the operations that build
# a huge value in one step are refused before they run.
TAILLE_MAX = 1_000_000  # characters (or items) one operation may build
TAILLE_MODELE_MAX = 1_000_000  # bytes of one template file


class Demesure(Exception):
    """An operation of a template would build a value beyond the limits."""


def _taille(value: object) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*([0-9]*)(?:\.([0-9]*))?[a-zA-Z%]")
_FORMAT_SPEC = re.compile(r"\{[^{}]*:([^{}]*)\}")


def _largeurs(fmt: str) -> list[int]:
    """Widths and precisions of a %-format and of str.format specifications."""
    found = [int(n) for match in _PERCENT_SPEC.finditer(fmt) for n in match.groups() if n]
    found += [int(n) for spec in _FORMAT_SPEC.findall(fmt) for n in re.findall(r"[0-9]+", spec)]
    return found


class _BacASable(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context, operator, left, right):  # type: ignore[override]
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                size = _taille(seq)
                if size is not None and isinstance(count, int) and size * max(count, 0) > TAILLE_MAX:
                    raise Demesure(f"répétition de {size} × {count} éléments")
        elif operator == "**" and type(left) is int and type(right) is int and right > 0 and abs(left) > 1:
            if right * abs(left).bit_length() > 100_000:
                raise Demesure(f"puissance {left} ** {right}")
        elif operator == "%" and isinstance(left, str) and any(n > 10_000 for n in _largeurs(left)):
            raise Demesure("largeur de format démesurée")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value):  # type: ignore[override]
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and any(n > 10_000 for n in _largeurs(str(getattr(value, "__self__", "")))):

            def refuse(*args, **kwargs):
                raise Demesure("largeur de format démesurée")

            return refuse
        return wrapped


def _format_borne(value, *args, **kwargs):
    if any(n > 10_000 for n in _largeurs(str(value))):
        raise Demesure("largeur de format démesurée")
    return _FORMAT(value, *args, **kwargs)


def _borne(filtre, *positions: int):
    """``filtre`` with its width arguments (at ``positions``) limited to 10 000."""

    def borne(*args, **kwargs):
        for i in positions:
            if i < len(args) and isinstance(args[i], int) and args[i] > 10_000:
                raise Demesure(f"argument {args[i]} du filtre « {filtre.__name__} »")
        for value in kwargs.values():
            if isinstance(value, int) and not isinstance(value, bool) and value > 10_000:
                raise Demesure(f"argument {value} du filtre « {filtre.__name__} »")
        return filtre(*args, **kwargs)

    borne.__name__ = filtre.__name__.removeprefix("do_")
    return borne


class ValeurInconnue(Exception):
    """``|int`` or ``|float`` on an unknown or non-numeric value, with no default given."""


def _sans_zero(filtre, nom: str):
    """Jinja's ``int``/``float``, which turn what they cannot read into 0: an unknown value
    (None, « non précisé », « — ») would print as 0 in a user template. Without an explicit
    default (``|int(0)`` is the author's choice), that is an error instead."""
    echec = object()

    def strict(value, *args, **kwargs):
        if args or "default" in kwargs:
            return filtre(value, *args, **kwargs)
        if value is None or (isinstance(value, str) and value.strip() in (NON_PRECISE, NON_RENSEIGNE, "")):
            raise ValeurInconnue(f"« {nom} » appliqué à une valeur inconnue : elle ne vaut pas 0")
        result = filtre(value, echec)
        if result is echec:
            raise ValeurInconnue(
                f"« {nom} » appliqué à « {apercu(str(value), 40)} », qui n'est pas un nombre"
            )
        return result

    strict.__name__ = nom
    return strict


class ModeleIllisible(TemplateError):
    """A template file that exists but must not be read."""

    def __init__(self, name: str, filename: str, raison: str) -> None:
        super().__init__(f"{name} : {raison}")
        self.name, self.filename, self.raison = name, filename, raison


class _Chargeur(FileSystemLoader):
    """A FileSystemLoader that reads only regular files of a bounded size (not a pipe)."""

    def get_source(self, environment, template):  # type: ignore[override]
        import os
        import stat

        from jinja2 import TemplateNotFound
        from jinja2.loaders import split_template_path

        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = os.path.join(searchpath, *pieces)
            try:
                info = os.stat(filename)
            except (OSError, ValueError):
                continue
            # Not TemplateNotFound: the next loader would silently use the built-in template.
            if not stat.S_ISREG(info.st_mode):
                raise ModeleIllisible(
                    template, filename, "ce n'est pas un fichier ordinaire (tube, périphérique…)"
                )
            if info.st_size > TAILLE_MODELE_MAX:
                raise ModeleIllisible(template, filename, f"plus de {milliers(TAILLE_MODELE_MAX)} octets")
            return super().get_source(environment, template)
        raise TemplateNotFound(template)


def environnement(templates: Path | None = None) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment; ``templates`` overrides built-in templates by name."""
    loaders = [_Chargeur(str(builtin_templates()))]
    if templates is not None:
        loaders.insert(0, _Chargeur(str(templates)))
    env = _BacASable(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Never invent text: no lorem ipsum generator in a document sent to the State.
    env.globals.pop("lipsum", None)
    for name, positions in (("center", (1,)), ("indent", (1,)), ("wordwrap", (1,)), ("truncate", (1,))):
        env.filters[name] = _borne(env.filters[name], *positions)
    env.filters["format"] = _format_borne
    # Unknown is never zero, in a user template too.
    env.filters["int"] = _sans_zero(env.filters["int"], "int")
    env.filters["float"] = _sans_zero(env.filters["float"], "float")
    env.filters.update(FILTERS)
    env.tests["non_precise"] = est_non_precise  # {% if x is non_precise %}
    env.tests["inconnu"] = lambda x: x is None or est_non_precise(x)  # absent or « non précisé »
    return env


def markup(html: str) -> Markup:
    """Trusted markup built by ctai itself (SVG charts), inserted as is."""
    return Markup(html)

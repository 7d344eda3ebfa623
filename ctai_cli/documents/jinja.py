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

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ctai_cli.formatting import LOCALE, date_longue, euros

NON_RENSEIGNE = "—"


def builtin_templates() -> Path:
    """``templates/`` of the source tree, or its copy inside the installed package."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".svg.j2"))


# --- filters ---------------------------------------------------------------------


def f_euros(value: Decimal | int | None) -> str:
    """``1234.5`` → ``1 234,50 €``; an unknown amount is « — », never 0."""
    return NON_RENSEIGNE if value is None else euros(value)


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
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def f_md_cellule(text: object) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join(f_md(text).split()).replace("|", "\\|")


def f_publics(publics: Iterable[str]) -> str:
    return " + ".join(publics)


def f_liste(items: Iterable[object], derniere: str = " et ") -> str:
    """``["a", "b", "c"]`` → ``a, b et c``."""
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + derniere + items[-1]


FILTERS = {
    "euros": f_euros,
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


def environnement(templates: Path | None = None) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment; ``templates`` overrides built-in templates by name."""
    loaders = [FileSystemLoader(str(builtin_templates()))]
    if templates is not None:
        loaders.insert(0, FileSystemLoader(str(templates)))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def markup(html: str) -> Markup:
    """Trusted markup built by ctai itself (SVG charts), inserted as is."""
    return Markup(html)

"""Render a document through its template; template failures become diagnostics.

``rendre("bilan", "html", {"doc": ...}, templates=None)`` looks for
``bilan.html.j2`` in the user's folder first, then in ctai's ``templates/``. A
template that does not compile, names an unknown variable, reaches for Python
internals or fails on the data gives one diagnostic (E300–E303) with the
template's file and line, and no content: nothing half-rendered is written.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic

FORMATS = ("md", "html", "pdf")
EXTENSIONS = {"md": ".md", "html": ".html", "pdf": ".pdf"}


class PdfIndisponible(Exception):
    """WeasyPrint (the ``pdf`` extra) is not installed."""


@dataclass
class Rendu:
    contenu: str | bytes | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _shown(filename: str | None, templates: Path | None) -> str:
    from ctai_cli.documents.jinja import builtin_templates

    if not filename:
        return "(modèle)"
    path = Path(filename)
    for root, prefix in ((templates, None), (builtin_templates(), "templates")):
        if root is None:
            continue
        try:
            rel = path.resolve().relative_to(Path(root).resolve())
        except ValueError:
            continue
        return (Path(prefix) / rel).as_posix() if prefix else (Path(root) / rel).as_posix()
    return path.as_posix()


def _template_frame(exc: BaseException) -> tuple[str | None, int]:
    """The innermost template frame of a failure (Jinja rewrites tracebacks to template lines)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno or 0
    return None, 0


def _diagnostic(exc: BaseException, nom: str, templates: Path | None) -> Diagnostic:
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(exc, TemplateSyntaxError):
        path = _shown(exc.filename, templates)
        return make(
            "CTAI-E300",
            path,
            exc.lineno or 0,
            0,
            modele=exc.name or nom,
            detail=f"erreur de syntaxe Jinja : {exc.message}",
        )
    if isinstance(exc, TemplateNotFound):
        filename, line = _template_frame(exc)
        return make(
            "CTAI-E300",
            _shown(filename, templates),
            line,
            0,
            modele=nom,
            detail=f"modèle inclus introuvable : {exc.name}",
        )
    filename, line = _template_frame(exc)
    path = _shown(filename, templates)
    modele = Path(filename).name if filename else nom
    if isinstance(exc, SecurityError):
        return make("CTAI-E302", path, line, 0, modele=modele, detail=str(exc))
    if isinstance(exc, UndefinedError):
        return make("CTAI-E301", path, line, 0, modele=modele, detail=_undefined_fr(str(exc)))
    return make("CTAI-E303", path, line, 0, modele=modele, detail=f"{type(exc).__name__} : {exc}")


def _undefined_fr(message: str) -> str:
    import re

    if m := re.fullmatch(r"'(.+)' is undefined", message):
        return f"variable inconnue « {m.group(1)} »"
    if m := re.fullmatch(r"'(.+)' has no attribute '(.+)'", message):
        return f"« {m.group(2)} » n'existe pas dans {m.group(1)}"
    return message


def rendre_texte(nom: str, fmt: str, contexte: dict[str, Any], templates: Path | None) -> Rendu:
    """Render ``<nom>.<fmt>.j2`` (md or html) to text."""
    from jinja2 import TemplateError

    from ctai_cli.documents.jinja import environnement

    try:
        env = environnement(templates)
        text = env.get_template(f"{nom}.{fmt}.j2").render(contexte)
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        return Rendu(None, [_diagnostic(exc, f"{nom}.{fmt}.j2", templates)])
    return Rendu(text)


def rendre(nom: str, fmt: str, contexte: dict[str, Any], templates: Path | None = None) -> Rendu:
    """Render document ``nom`` as md, html or pdf (bytes; raises PdfIndisponible without WeasyPrint)."""
    if fmt != "pdf":
        return rendre_texte(nom, fmt, contexte, templates)
    html = rendre_texte(nom, "html", {**contexte, "pour_pdf": True}, templates)
    if html.contenu is None:
        return html
    return Rendu(en_pdf(str(html.contenu)))


def en_pdf(html: str) -> bytes:
    try:
        import weasyprint
    except ImportError:
        raise PdfIndisponible(
            "le format pdf demande WeasyPrint, qui n'est pas installé : pip install 'ctai[pdf]'"
        ) from None
    except OSError as exc:  # WeasyPrint is there but the system's Pango is not
        raise PdfIndisponible(
            f"WeasyPrint ne trouve pas la bibliothèque Pango du système ({exc}) : sous Debian ou "
            "Ubuntu, apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from None
    from weasyprint.urls import URLFetcher

    # Documents are self-contained: only data: URLs are read, never a file or the network
    # (a user template could otherwise embed /etc/passwd into the PDF).
    fetcher = URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()

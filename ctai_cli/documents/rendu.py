"""Render a document through its template; template failures become diagnostics.

``rendre("bilan", "html", {"doc": ...}, templates=None)`` looks for
``bilan.html.j2`` in the user's folder first, then in ctai's ``templates/``. A
template that does not compile, names an unknown variable, reaches for Python
internals or fails on the data gives one diagnostic (E300–E303) with the
template's file and line, and no content: nothing half-rendered is written.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic, apercu

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
            1,
            modele=exc.name or nom,
            detail=f"erreur de syntaxe Jinja : {_syntaxe_fr(exc)}",
        )
    from ctai_cli.documents.jinja import ModeleIllisible

    if isinstance(exc, ModeleIllisible):
        return make(
            "CTAI-E300",
            _shown(exc.filename, templates),
            0,
            1,
            modele=exc.name,
            detail=f"modèle illisible : {exc.raison}",
        )
    if isinstance(exc, TemplateNotFound):
        filename, line = _template_frame(exc)
        return make(
            "CTAI-E300",
            _shown(filename, templates),
            line,
            1,
            modele=nom,
            detail=f"modèle inclus introuvable : {exc.name}",
        )
    filename, line = _template_frame(exc)
    path = _shown(filename, templates)
    modele = Path(filename).name if filename else nom
    if isinstance(exc, SecurityError):
        return make("CTAI-E302", path, line, 1, modele=modele, detail=_securite_fr(str(exc)))
    if isinstance(exc, UndefinedError):
        return make("CTAI-E301", path, line, 1, modele=modele, detail=_undefined_fr(str(exc)))
    return make("CTAI-E303", path, line, 1, modele=modele, detail=_echec_fr(exc))


# Jinja words its errors in English; we say in French what we can recognise, and
# otherwise show the template's own line rather than Jinja's sentence.
_SYNTAXE = (
    (r"Encountered unknown tag '(.+?)'", "balise inconnue « {0} »"),
    (
        r"[Uu]nexpected end of template",
        "fin du modèle atteinte avec un bloc ouvert ({{% endif %}}, {{% endfor %}}… manquant ?)",
    ),
    (r"No filter named '(.+?)'", "filtre inconnu « {0} »"),
    (r"No test named '(.+?)'", "test inconnu « {0} »"),
    (r"block '(.+?)' defined twice", "bloc « {0} » défini deux fois"),
    (r"unexpected char '(.+?)'", "caractère inattendu « {0} »"),
    (r"unexpected '(.+?)'", "« {0} » inattendu"),
)


def _syntaxe_fr(exc: Any) -> str:
    import re

    ligne = ""
    if exc.source and exc.lineno:
        lignes = exc.source.splitlines()
        if 0 < exc.lineno <= len(lignes):
            ligne = f" : « {apercu(lignes[exc.lineno - 1].strip(), 120)} »"
    for motif, francais in _SYNTAXE:
        if m := re.search(motif, exc.message or ""):
            return francais.format(*(apercu(g, 60) for g in m.groups())) + ligne
    return "syntaxe invalide" + ligne


def _securite_fr(message: str) -> str:
    import re

    if m := re.fullmatch(r"access to attribute '(.+)' of '(.+)' object is unsafe\.?", message):
        return f"accès à l'attribut « {m.group(1)} » (sur {_type_fr(m.group(2))})"
    if re.fullmatch(r".+ is not safely callable", message, re.DOTALL):
        return "appel d'une fonction interne"
    return "accès à un objet interne"


# Python's own words are English: the kind of failure only, the line says where. The first
# matching kind wins (UnicodeError and ZeroDivisionError before ValueError and
# ArithmeticError's other kinds); {0} is the exception's text, {1} its text cut short, {2}
# the memory budget in GB.
_ECHECS_FR: tuple[tuple[type[BaseException], str], ...] = (
    (RecursionError, "récursion sans fin (macro qui s'appelle elle-même, modèle qui s'inclut lui-même ?)"),
    (MemoryError, "mémoire épuisée (plus de {2} Go demandés)"),
    (ZeroDivisionError, "division par zéro"),
    (UnicodeError, "caractère impossible à encoder ou décoder"),
    (OverflowError, "nombre trop grand"),
    (TypeError, "opération ou filtre appliqué à une valeur du mauvais type"),
    (KeyError, "clé absente ({1})"),
    (IndexError, "élément absent (indice hors de la liste)"),
    (ValueError, "valeur invalide pour cette opération"),
)


def _echec_fr(exc: BaseException) -> str:
    """A French reason for a failure while rendering (the exception's own words are English)."""
    from ctai_cli.documents.jinja import Demesure, ValeurInconnue

    if isinstance(exc, (_HorsBudget, ValeurInconnue)):  # ctai's own French words
        return str(exc)
    if isinstance(exc, Demesure):
        return f"opération démesurée refusée ({exc})"
    texte = next(
        (t for kind, t in _ECHECS_FR if isinstance(exc, kind)), "erreur pendant l'exécution du modèle"
    )
    return texte.format(str(exc), apercu(str(exc), 120), MEMOIRE_MAX // 1024**3)


def _undefined_fr(message: str) -> str:
    import re

    if m := re.fullmatch(r"'(.+)' is undefined", message):
        return f"variable inconnue « {m.group(1)} »"
    if m := re.fullmatch(r"'(.+)' has no attribute '(.+)'", message):
        return f"« {m.group(2)} » n'existe pas dans {_objet_fr(m.group(1))}"
    if m := re.fullmatch(r"(.+) has no element (.+)", message):
        return f"l'élément {m.group(2)} n'existe pas dans {_objet_fr(m.group(1))}"
    return "valeur indéfinie"


_TYPES_FR = {
    "str": "un texte",
    "int": "un nombre entier",
    "float": "un nombre",
    "Decimal": "un montant",
    "bool": "un booléen",
    "list": "une liste",
    "tuple": "une liste",
    "dict": "un dictionnaire",
    "date": "une date",
}


def _type_fr(nom: str) -> str:
    return _TYPES_FR.get(nom, f"une valeur de type {nom}")


def _objet_fr(description: str) -> str:
    """Jinja's « dict object » / « None »: what the value was, in French."""
    import re

    if description == "None":
        return "une valeur absente (none)"
    if m := re.fullmatch(r"(?:[\w.]+\.)?(\w+) object", description):
        return _type_fr(m.group(1))
    return f"« {description} »"


# Budgets of one template rendering (built-in or the user's). A normal document takes
# well under a second and a few megabytes; these stop a runaway template, with E303.
DELAI_S = 20
SORTIE_MAX = 20_000_000  # characters of output
MEMOIRE_MAX = 2 * 1024**3  # bytes of address space beyond what the process already uses


class _HorsBudget(Exception):
    pass


@contextmanager
def _budget() -> Iterator[None]:
    """Time (SIGALRM) and memory (RLIMIT_AS) limits around a rendering, where the system has them.

    The alarm only works in the main thread of a Unix process; elsewhere the rendering
    runs with the output and operation limits alone.
    """
    import signal
    import threading

    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if alarm:

        def stop(signum, frame):
            raise _HorsBudget(f"délai de {DELAI_S} s dépassé (boucle trop longue ?)")

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, DELAI_S)
    limits = _limit_memory()
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if limits is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, limits)


def _limit_memory() -> tuple[int, int] | None:
    """Lower the soft RLIMIT_AS to current use + MEMOIRE_MAX; returns the limits to restore."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as handle:
            used = int(handle.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        target = used + MEMOIRE_MAX
        if soft != resource.RLIM_INFINITY and soft <= target:
            return None
        if hard != resource.RLIM_INFINITY and hard < target:
            return None
        resource.setrlimit(resource.RLIMIT_AS, (target, hard))
        return soft, hard
    except (ImportError, OSError, ValueError):
        return None


def _rendu_borne(template, contexte: dict[str, Any]) -> str:
    parts: list[str] = []
    size = 0
    for part in template.generate(contexte):
        size += len(part)
        if size > SORTIE_MAX:
            raise _HorsBudget(f"document de plus de {SORTIE_MAX // 1_000_000} millions de caractères")
        parts.append(part)
    return "".join(parts)


def rendre_texte(nom: str, fmt: str, contexte: dict[str, Any], templates: Path | None) -> Rendu:
    """Render ``<nom>.<fmt>.j2`` (md or html) to text, within the budgets.

    Every failure of a template is a diagnostic, never an exception: syntax (E300),
    unknown variable (E301), sandbox (E302), and anything else on the data or the budgets
    (E303: recursion, memory, time, output size, a filter given the wrong type…).
    """
    from ctai_cli.documents.jinja import environnement

    try:
        with _budget():
            env = environnement(templates)
            text = _rendu_borne(env.get_template(f"{nom}.{fmt}.j2"), contexte)
    except Exception as exc:
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

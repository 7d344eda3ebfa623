"""The opt-in cache of ``ctai validate`` (``--cache``, ``--cache-dir``): one entry per contract.

A contract's diagnostics depend on several of its files (the cross-file checks), on
the folder's layout (misnamed files, the annexes' referenced files that must exist),
on the reference date, and on ctai itself (its code, its parameter data files, the
libraries that read and validate). An entry is reused only when all of that is the
same as when it was written:

- its file name is a hash of the contract folder (absolute and as given: the
  diagnostics' paths start with it), the reference date and the environment: ctai's
  version, the size and modification time of every file of the ``ctai_cli`` package
  (code and data), the Python version and the installed distributions next to the
  libraries ctai reads with;
- it holds the folder's *empreinte*: every entry of the folder at any depth (``.git``
  excepted) with its type, and the content hash of every YAML file. A folder with a
  symbolic link, or a YAML file above 64 Mio, is not cached at all;
- it is checked whole (format, a hash of its body, its key, every field's type)
  before it is believed: a truncated, corrupt, foreign or other-version entry is a
  miss, never an error.

Entries are written through :mod:`ctai_cli.fsutil` (a temporary file renamed over the
target): a concurrent run reads the old entry or the new one, never half of one. The
folder's empreinte is taken before and after the checks, and the entry is written only
if both agree (a file edited during the run is not cached with the wrong result).

A hit imports neither pydantic nor the models: this module uses the standard library.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ctai_cli import __version__
from ctai_cli.diagnostics import Diagnostic, Severity

try:  # CPython 3.11's own SHA-256 loads in 0.3 ms; hashlib links OpenSSL first (3 to 9 ms here)
    from _sha256 import sha256
except ImportError:  # pragma: no cover - Python 3.12 renamed it; hashlib then
    from hashlib import sha256

FORMAT = "ctai-cache-validate/1"
MAX_YAML = 64 * 1024 * 1024
# The libraries whose behaviour shapes the diagnostics: their installed versions are in the key.
LIBRARIES = ("pydantic", "pydantic_core", "yaml", "babel", "stdnum", "pycountry")


class CacheProblem(Exception):
    """The cache folder cannot be used (the command runs without it); the message is French."""


@dataclass(frozen=True)
class Entree:
    """What a cached run of one contract gives back."""

    fichiers: int
    diagnostics: list[Diagnostic]


def default_dir() -> Path:
    """``$XDG_CACHE_HOME/ctai``, else ``~/.cache/ctai``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ctai"


def _sha256(*parts: str) -> str:
    return sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _environment() -> str:
    """ctai's code and data, Python, and the reading libraries' installed distributions."""
    from importlib.util import find_spec

    lignes = [FORMAT, __version__, sys.version, sys.implementation.cache_tag or ""]
    package = Path(__file__).resolve().parent
    for dossier, sous_dossiers, fichiers in os.walk(package):
        sous_dossiers[:] = sorted(d for d in sous_dossiers if d != "__pycache__")
        for nom in sorted(fichiers):
            info = os.stat(os.path.join(dossier, nom))
            lignes.append(
                f"{os.path.relpath(os.path.join(dossier, nom), package)} {info.st_size} {info.st_mtime_ns}"
            )
    sites: set[str] = set()
    for nom in LIBRARIES:
        spec = find_spec(nom)
        origine = spec.origin if spec is not None else None
        lignes.append(f"{nom} {origine}")
        if origine:
            sites.add(os.path.dirname(os.path.dirname(origine)))
    for site in sorted(sites):
        with os.scandir(site) as entries:
            lignes.extend(sorted(e.name for e in entries if e.name.endswith((".dist-info", ".egg-info"))))
    return _sha256(*lignes)


def empreinte(root: Path) -> str | None:
    """Every entry under ``root`` (type, and the content hash of YAML files); None: not cacheable."""
    h = sha256()
    pile = [""]
    while pile:
        rel = pile.pop()
        dossier = os.path.join(root, rel) if rel else os.fspath(root)
        try:
            with os.scandir(dossier) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            h.update(f"{rel}\0!{exc.errno}\n".encode("utf-8", "surrogateescape"))
            continue
        for entry in entries:
            chemin = f"{rel}/{entry.name}" if rel else entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                return None
            mode = info.st_mode
            if stat.S_ISLNK(mode):
                return None
            if stat.S_ISDIR(mode):
                genre = "d"
                if entry.name != ".git":
                    pile.append(chemin)
            elif stat.S_ISREG(mode):
                genre = "f"
                if entry.name.endswith((".yaml", ".yml")):
                    if info.st_size > MAX_YAML:
                        return None
                    try:
                        with open(entry.path, "rb") as handle:
                            genre = "f " + sha256(handle.read()).hexdigest()
                    except OSError as exc:
                        genre = f"f !{exc.errno}"
            else:
                genre = "o"
            h.update(f"{chemin}\0{genre}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _diagnostic(item: Any) -> Diagnostic:
    code, severite, path, line, col, message, hint, extra = item
    if not (
        isinstance(code, str)
        and isinstance(path, str)
        and type(line) is int
        and type(col) is int
        and isinstance(message, str)
        and (hint is None or isinstance(hint, str))
        and isinstance(extra, dict)
    ):
        raise ValueError("champ de diagnostic invalide")
    return Diagnostic(code, Severity(severite), path, line, col, message, hint, extra)


def _ligne(d: Diagnostic) -> list[Any]:
    return [d.code, d.severity.value, d.path, d.line, d.col, d.message, d.hint, d.extra]


@dataclass
class Cache:
    """A cache folder for ``ctai validate``; :meth:`open` checks that it can be used."""

    folder: Path
    environment: str

    @classmethod
    def open(cls, folder: Path) -> Cache:
        dossier = folder / "validate"
        try:
            dossier.mkdir(parents=True, exist_ok=True)
        except (OSError, ValueError) as exc:
            from ctai_cli.yamlread import os_reason

            raise CacheProblem(f"cache « {folder} » inutilisable : {os_reason(exc)}") from None
        return cls(dossier, _environment())

    def _cle(self, root: Path, reference: date) -> str:
        # The folder as given too: the diagnostics' paths start with it.
        return _sha256(
            FORMAT, self.environment, os.path.abspath(root), root.as_posix(), reference.isoformat()
        )

    def _chemin(self, cle: str) -> Path:
        return self.folder / f"{cle}.json"

    def lookup(self, root: Path, reference: date, empreinte_actuelle: str) -> Entree | None:
        """The entry for this folder, date and environment if its empreinte is ``empreinte_actuelle``."""
        cle = self._cle(root, reference)
        try:
            with open(self._chemin(cle), "rb") as handle:
                contenu = handle.read()
            entete, _, corps = contenu.partition(b"\n")
            if entete != f"{FORMAT} {sha256(corps).hexdigest()}".encode():
                return None
            data = json.loads(corps)
            if not isinstance(data, dict) or data.get("cle") != cle or data.get("ctai") != __version__:
                return None
            if data.get("empreinte") != empreinte_actuelle:
                return None
            fichiers = data["fichiers"]
            if type(fichiers) is not int or not isinstance(data["diagnostics"], list):
                return None
            return Entree(fichiers, [_diagnostic(item) for item in data["diagnostics"]])
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            # Missing, unreadable, truncated, corrupt or foreign: a miss, never believed.
            return None

    def store(
        self,
        root: Path,
        reference: date,
        empreinte_lue: str,
        fichiers: int,
        diagnostics: list[Diagnostic],
    ) -> None:
        """Write the entry, unless the folder changed during the run or a value does not survive JSON."""
        if empreinte(root) != empreinte_lue:
            return
        lignes = [_ligne(d) for d in diagnostics]
        try:
            if any(json.loads(json.dumps(d.extra)) != d.extra for d in diagnostics):
                return  # a value JSON would change (a tuple): not cached
        except (TypeError, ValueError):
            return  # a value JSON cannot hold (a Decimal, a date): not cached
        cle = self._cle(root, reference)
        corps = json.dumps(
            {
                "cle": cle,
                "ctai": __version__,
                "empreinte": empreinte_lue,
                "fichiers": fichiers,
                "diagnostics": lignes,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        from ctai_cli.fsutil import WriteProblem, atomic_output

        try:
            with atomic_output(self._chemin(cle), force=True, binary=True, durable=False) as handle:
                handle.write(f"{FORMAT} {sha256(corps).hexdigest()}\n".encode() + corps)
        except WriteProblem:
            pass  # a cache that cannot be written only costs the next run its time

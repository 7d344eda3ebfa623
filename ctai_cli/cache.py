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
- it holds the folder's *empreinte*: every entry of the folder at any depth with its
  type (``.git`` folders excepted: no check reads them, an annexe there is E216),
  and the content hash of every YAML file (``.YAML`` too: a case-insensitive disk
  reads ``contrat.YAML`` as ``contrat.yaml``). A folder with a symbolic link, or a
  YAML file above 64 Mio, is not cached at all;
- it is checked whole (format, a hash of its body, its key, every field's type)
  before it is believed: a truncated, corrupt, foreign or other-version entry is a
  miss, never an error; so is anything but a regular file of at most 16 Mio (a named
  pipe would block the run, ``/dev/zero`` fill the memory).

Entries not used for 30 days are removed when an entry is written, at most once a day
and at most 20 000 names looked at: only regular files named as this module names them
(``<64 hex>.json``, and its temporary files), nothing else in the folder. A hit sets its
entry's modification time to now when it is more than a day old: the age is the last use.

Entries are written through :mod:`ctai_cli.fsutil` (a temporary file renamed over the
target): a concurrent run reads the old entry or the new one, never half of one. The
folder's empreinte is taken before and after the checks, and the entry is written only
if both agree (a file edited during the run is not cached with the wrong result).

A hit imports neither pydantic nor the models: this module uses the standard library.
"""

from __future__ import annotations

import contextlib
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
from ctai_cli.fsutil import dossier_git

try:  # CPython 3.11's own SHA-256 loads in 0.3 ms; hashlib links OpenSSL first (3 to 9 ms here)
    from _sha256 import sha256
except ImportError:  # pragma: no cover - Python 3.12 renamed it; hashlib then
    from hashlib import sha256

FORMAT = "ctai-cache-validate/1"
MAX_YAML = 64 * 1024 * 1024
MAX_ENTREE = 16 * 1024 * 1024
JOUR = 24 * 3600
DUREE_DE_VIE = 30 * JOUR  # an entry not used for this long is removed
ELAGAGE_MAX = 20_000  # names looked at by one pruning
MARQUE_ELAGAGE = ".validate-elagage"  # next to validate/; its modification time: the last pruning
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
            chemin = os.path.join(dossier, nom)
            try:
                info = os.stat(chemin)
                etat = f"{info.st_size} {info.st_mtime_ns}"
            except OSError as exc:  # a dangling link, a file removed meanwhile
                etat = f"!{exc.errno}"
            lignes.append(f"{os.path.relpath(chemin, package)} {etat}")
    sites: set[str] = set()
    for nom in LIBRARIES:
        spec = find_spec(nom)
        origine = spec.origin if spec is not None else None
        lignes.append(f"{nom} {origine}")
        if origine:
            sites.add(os.path.dirname(os.path.dirname(origine)))
    for site in sorted(sites):
        try:
            with os.scandir(site) as entries:
                noms = sorted(e.name for e in entries if e.name.endswith((".dist-info", ".egg-info")))
        except OSError as exc:
            noms = [f"{site} !{exc.errno}"]
        lignes.extend(noms)
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
                if not dossier_git(entry.name):  # git's own files: no check reads them (E216 refuses them)
                    pile.append(chemin)
            elif stat.S_ISREG(mode):
                genre = "f"
                if entry.name.lower().endswith((".yaml", ".yml")):
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


def _lire(chemin: Path) -> tuple[bytes, int] | None:
    """The bytes of a regular file of at most MAX_ENTREE bytes, and its age in seconds.

    Opened without blocking (a named pipe), refused unless regular (``/dev/zero``) and small.
    None: not an entry.
    """
    import time

    fd = os.open(chemin, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTREE:
            return None
        contenu = handle.read(MAX_ENTREE + 1)
        if len(contenu) > MAX_ENTREE:
            return None
        return contenu, int(time.time() - info.st_mtime)


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
        chemin = self._chemin(cle)
        try:
            lu = _lire(chemin)
            if lu is None:
                return None
            contenu, age = lu
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
            entree = Entree(fichiers, [_diagnostic(item) for item in data["diagnostics"]])
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            # Missing, unreadable, truncated, corrupt or foreign: a miss, never believed.
            return None
        if age > JOUR:  # its modification time says when it was last used (pruning)
            with contextlib.suppress(OSError):  # a read-only cache is still read
                os.utime(chemin)
        return entree

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
        # ASCII: a path that is not UTF-8 (a surrogate once decoded) is written as an escape.
        corps = json.dumps(
            {
                "cle": cle,
                "ctai": __version__,
                "empreinte": empreinte_lue,
                "fichiers": fichiers,
                "diagnostics": lignes,
            },
            separators=(",", ":"),
        ).encode("ascii")
        if len(corps) > MAX_ENTREE - 100:
            return  # its reader would refuse it
        from ctai_cli.fsutil import WriteProblem, atomic_output

        try:
            with atomic_output(self._chemin(cle), force=True, binary=True, durable=False) as handle:
                handle.write(f"{FORMAT} {sha256(corps).hexdigest()}\n".encode() + corps)
        except WriteProblem:
            return  # a cache that cannot be written only costs the next run its time
        self._elaguer()

    def _elaguer(self) -> None:
        """Remove this module's entries unused for DUREE_DE_VIE: at most once a day, bounded work."""
        import re
        import time

        from ctai_cli.fsutil import WriteProblem, atomic_output

        maintenant = time.time()
        marque = self.folder.parent / MARQUE_ELAGAGE
        try:
            if maintenant - os.lstat(marque).st_mtime < JOUR:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        try:  # first: a concurrent run sees it and does not prune too
            with atomic_output(marque, force=True, binary=True, durable=False):
                pass
        except WriteProblem:
            return
        # An entry, or the temporary file fsutil.atomic_output writes it through.
        nom = re.compile(r"(?:[0-9a-f]{64}\.json|\.[0-9a-f]{64}\.json\.[A-Za-z0-9_]+\.tmp)\Z")
        try:
            with os.scandir(self.folder) as entries:
                for n, entry in enumerate(entries):
                    if n >= ELAGAGE_MAX:
                        break
                    if not nom.match(entry.name):
                        continue
                    try:
                        info = entry.stat(follow_symlinks=False)
                        if stat.S_ISREG(info.st_mode) and maintenant - info.st_mtime > DUREE_DE_VIE:
                            os.unlink(entry.path)
                    except OSError:
                        continue  # removed by a concurrent run, or not ours to remove
        except OSError:
            pass

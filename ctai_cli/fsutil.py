"""The one writer of ctai: atomic, never half-written, never replacing what it should not.

Every file ctai writes (``--output``, ``ctai init``, ``ctai schema``, ``avenant new``)
goes through here:

- the content goes to a temporary file next to the target, flushed and synced, then
  renamed over it: a reader never sees a half-written file, and a failure (disk full,
  read-only file system, quota) leaves the target as it was;
- an existing target is replaced only with ``force``, and only if it is a regular file:
  ``-o /dev/null --force`` or ``-o some-folder --force`` is refused, never obeyed;
- the parent folder must exist: a typo in ``-o`` does not silently create folders;
- every operating-system error becomes a :class:`WriteProblem` with a French message
  (the commands turn it into exit code 2).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def dossier_git(nom: str) -> bool:
    """A path part that names git's own folder (« .git », « .GIT » on a case-insensitive disk): not
    the contract's content. The annexes check (E216) and the cache's empreinte both use it, so
    that what one refuses the other leaves out."""
    return nom.casefold() == ".git"


class WriteProblem(Exception):
    """A file could not be written; the message is French and says why."""


class RefusedOverwrite(WriteProblem):
    """The target exists and --force was not given."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"« {path} » existe déjà ; relancez avec --force pour le remplacer")
        self.path = str(path)


def _reason(exc: BaseException) -> str:
    from ctai_cli.yamlread import os_reason

    return os_reason(exc)


def check_target(path: Path, *, force: bool, parents: bool = False) -> None:
    """Raise :class:`WriteProblem` unless ``path`` may be written (see the module's rules).

    ``parents``: missing parent folders will be created (``ctai init``), so only an
    existing ancestor that is not a folder is refused.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as exc:
        raise WriteProblem(f"impossible d'écrire « {path} » : {_reason(exc)}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise WriteProblem(
                f"« {path} » est un lien symbolique : ctai ne remplace qu'un fichier ordinaire "
                "(donnez le chemin du fichier visé)"
            )
        if not stat.S_ISREG(info.st_mode):
            kind = "un dossier" if stat.S_ISDIR(info.st_mode) else "un fichier spécial (périphérique, tube…)"
            raise WriteProblem(f"« {path} » est {kind} : ctai ne le remplace pas, même avec --force")
        if not force:
            raise RefusedOverwrite(path)
    parent = path.parent
    while True:
        try:
            if not stat.S_ISDIR(os.stat(parent).st_mode):
                raise WriteProblem(f"impossible d'écrire « {path} » : « {parent} » n'est pas un dossier")
            return
        except FileNotFoundError:
            if not parents:
                raise WriteProblem(
                    f"impossible d'écrire « {path} » : le dossier « {parent} » n'existe pas (créez-le d'abord)"
                ) from None
            if parent == parent.parent:
                return
            parent = parent.parent
        except (OSError, ValueError) as exc:
            raise WriteProblem(f"impossible d'écrire « {path} » : {_reason(exc)}") from None


def _usual_mode(fd: int) -> None:
    # mkstemp creates the file 0600; the result gets the usual mode (0666 less the umask).
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(fd, 0o666 & ~umask)


def atomic_write(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically; refuses to replace a file unless ``force``."""
    with atomic_output(path, force=force) as handle:
        handle.write(text)


@contextmanager
def atomic_output(
    path: Path, *, force: bool = False, binary: bool = False, durable: bool = True
) -> Iterator[IO]:
    """Stream into a temporary file next to ``path``, renamed over it only on success.

    ``durable=False`` skips the sync to disk (a cache entry: after a power cut it may be
    lost or damaged, which its reader detects; the rename still keeps it whole for a
    concurrent reader).
    """
    import tempfile  # here: every command imports this module for WriteProblem, few write

    check_target(path, force=force)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except (OSError, ValueError) as exc:
        raise WriteProblem(f"impossible d'écrire « {path} » : {_reason(exc)}") from None
    try:
        _usual_mode(fd)
        mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, **mode) as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        check_target(path, force=force)  # nothing appeared in its place meanwhile
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteProblem(f"impossible d'écrire « {path} » : {_reason(exc)}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_many(files: Mapping[Path, str | bytes], *, force: bool = False) -> None:
    """Write several files as one operation: all of them, or none.

    Every target is checked first; then every content goes to a temporary file next to
    its target (missing folders are created); only when all are written and synced are
    they renamed into place. On any failure the temporary files and the folders this
    call created are removed, and the targets are left as they were.
    """
    import tempfile

    for path in files:
        check_target(path, force=force, parents=True)
    created: list[Path] = []
    staged: list[tuple[str, Path]] = []
    renamed_new: list[Path] = []  # targets that did not exist: removed again on failure
    current: Path | None = None
    try:
        for path, content in files.items():
            current = path
            missing = []
            parent = path.parent
            while not parent.exists():
                missing.append(parent)
                parent = parent.parent
            for folder in reversed(missing):
                folder.mkdir()
                created.append(folder)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            _usual_mode(fd)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content.encode("utf-8") if isinstance(content, str) else content)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            current = path
            new = not os.path.lexists(path)
            os.replace(tmp, path)
            if new:
                renamed_new.append(path)
    except BaseException as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        for path in renamed_new:
            path.unlink(missing_ok=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):  # not empty: something else was put there
                folder.rmdir()
        if isinstance(exc, OSError):
            raise WriteProblem(
                f"impossible d'écrire « {current} » : {_reason(exc)} ; rien n'a été écrit"
            ) from None
        raise

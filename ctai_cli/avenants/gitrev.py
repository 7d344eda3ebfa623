"""The contract at a git revision: find the repository, resolve revisions, read the files.

Real ``git`` is run as a subprocess (argument lists, never a shell; ``LC_ALL=C`` so that
its messages can be recognised; ``GIT_TERMINAL_PROMPT=0`` so that it never waits for a
password). Every problem — git missing, not a repository, unknown revision, contract
folder absent at a revision — raises :class:`GitProblem` with a French message; the
command line turns it into exit code 2.

Revisions compared by ``ctai avenant diff``:

- **head** defaults to the *working tree*: the contract folder as it is on disk,
  uncommitted and untracked changes included. A coordinator preparing a pull request
  wants to see what they are about to propose before committing it. ``--head REV``
  compares a commit instead.
- **base** defaults to the *merge base* of the head (``HEAD`` for the working tree) with
  the default branch: the commit the branch started from, so that changes merged into
  the default branch since then do not show up as changes of the branch (what a pull
  request shows). The default branch is the first that exists among ``origin/HEAD``
  (the remote's default branch), ``origin/main``, ``origin/master``, ``main``, ``master``.
- when the head *is* the default branch (or behind it), the merge base is the head
  commit itself, and the base is ``HEAD``: the diff shows the uncommitted changes of the
  working tree — "what have I changed and not yet committed", like ``git diff HEAD``.
  We deliberately do not fall back to ``HEAD~1``: on the default branch the last commit
  is usually someone else's merged pull request, it would be mixed with the working
  tree's changes, and a repository with a single commit has no ``HEAD~1``. To review the
  last commit, say so: ``--base HEAD~1 --head HEAD``.

A revision is materialised in a temporary folder, only what :func:`open_depot` reads:
the ``.yaml``/``.yml`` files at the root of the contract folder and in ``actions/``,
``bilans/`` and ``avenants/`` (other files, such as PDFs, are never extracted; other
folders are created empty so that look-alike names are still reported). Symbolic links
are followed inside the repository by git itself (``cat-file --follow-symlinks``); a
link that leaves the repository is extracted as a broken link, which the reader reports
like any unreadable file. Oversized files become sparse files of the same size, which
the reader refuses (CTAI-E003) without git sending their content.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ctai_cli.diagnostics import Diagnostic
from ctai_cli.repository import Depot
from ctai_cli.yamlread import MAX_FILE_SIZE

GIT_ENV = {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
DEFAULT_BRANCHES = (
    "refs/remotes/origin/main",
    "refs/remotes/origin/master",
    "refs/heads/main",
    "refs/heads/master",
)
FOLDERS = ("actions", "bilans", "avenants")  # the sub-folders open_depot reads
_YAML = (".yaml", ".yml")
_BROKEN_LINK = ".ctai-lien-hors-du-depot"  # target of the broken link standing for an outside symlink


class GitProblem(Exception):
    """git cannot give what was asked (French message, exit code 2)."""


@dataclass(frozen=True)
class Emplacement:
    """Where a contract folder stands in its git repository."""

    chemin: Path  # the contract folder as given by the user
    racine: Path  # the top of the git working tree
    sous_dossier: str  # POSIX path of the contract folder inside the repository, "" at the top

    @property
    def affichage(self) -> str:
        """The contract folder as shown in messages (same form as ``open_depot``'s paths)."""
        return _display(self.chemin)


@dataclass(frozen=True)
class Revision:
    """One side of a comparison: a commit, or the working tree (``commit is None``)."""

    commit: str | None
    libelle: str  # French noun phrase, e.g. "a1b2c3d (point de départ de HEAD depuis main)"
    demande: str | None = None  # the revision as the user typed it

    @property
    def arbre_de_travail(self) -> bool:
        return self.commit is None

    @property
    def court(self) -> str:
        return self.commit[:7] if self.commit else "arbre de travail"


ARBRE_DE_TRAVAIL = Revision(None, "l'arbre de travail (modifications non validées comprises)")


def _display(path: Path) -> str:
    text = path.as_posix()
    return "" if text in (".", "") else posixpath.normpath(text)


def _shown(path: Path) -> str:
    return _display(path) or "."


def _run(
    args: Sequence[str], cwd: Path, *, entree: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **GIT_ENV}
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=entree, capture_output=True, env=env, check=False
        )
    except FileNotFoundError as exc:
        if exc.filename not in (None, "git"):
            raise GitProblem(f"le dossier « {_shown(cwd)} » n'existe pas") from None
        raise GitProblem(
            "git est introuvable : installez git, ou ajoutez-le au PATH, pour comparer des révisions"
        ) from None
    except NotADirectoryError:
        raise GitProblem(f"« {_shown(cwd)} » n'est pas un dossier") from None
    except OSError as exc:
        raise GitProblem(f"impossible de lancer git : {exc.strerror or exc}") from None


def _message(process: subprocess.CompletedProcess[bytes]) -> str:
    lines = [line.strip() for line in process.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    text = lines[-1] if lines else f"code de sortie {process.returncode}"
    for prefix in ("fatal: ", "error: "):
        text = text.removeprefix(prefix)
    return text


def _git(args: Sequence[str], cwd: Path, *, entree: bytes | None = None) -> bytes:
    process = _run(args, cwd, entree=entree)
    if process.returncode != 0:
        raise GitProblem(f"la commande « git {args[0]} » a échoué : {_message(process)}")
    return process.stdout


def localiser(chemin: Path) -> Emplacement:
    """The git repository holding the contract folder ``chemin`` (which may be a sub-folder)."""
    if not os.path.lexists(chemin):
        raise GitProblem(f"le dossier « {_shown(chemin)} » n'existe pas ou n'est pas accessible")
    if not os.path.isdir(chemin):
        raise GitProblem(f"« {_shown(chemin)} » n'est pas un dossier")
    process = _run(["rev-parse", "--show-toplevel", "--show-prefix"], chemin)
    if process.returncode != 0:
        message = _message(process)
        if "not a git repository" in message:
            raise GitProblem(
                f"« {_shown(chemin)} » n'est pas dans un dépôt git : comparer des versions du contrat "
                "demande son historique git (clonez le dépôt du contrat, ou créez-le avec git init)"
            )
        raise GitProblem(f"git ne peut pas lire le dépôt de « {_shown(chemin)} » : {message}")
    lines = os.fsdecode(process.stdout).split("\n")
    if len(lines) < 2 or not lines[0]:
        raise GitProblem(f"« {_shown(chemin)} » n'est pas dans l'arbre de travail d'un dépôt git")
    return Emplacement(chemin=chemin, racine=Path(lines[0]), sous_dossier=lines[1].strip("/"))


def _verifier(emplacement: Emplacement, ref: str) -> str | None:
    process = _run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], emplacement.racine)
    return process.stdout.decode("ascii").strip() if process.returncode == 0 else None


def _superficiel(emplacement: Emplacement) -> bool:
    process = _run(["rev-parse", "--is-shallow-repository"], emplacement.racine)
    return process.returncode == 0 and process.stdout.strip() == b"true"


def resoudre(emplacement: Emplacement, rev: str) -> Revision:
    """The commit named by ``rev`` (branch, tag, sha, ``HEAD~1``…)."""
    if not rev or rev.startswith("-") or any(c in rev for c in "\n\r\0"):
        raise GitProblem(f"révision invalide « {rev} » : attendu une branche, une étiquette ou un commit")
    commit = _verifier(emplacement, rev)
    if commit is None:
        detail = "ni branche, ni étiquette, ni commit de ce dépôt"
        if _superficiel(emplacement):
            detail += " (le clone est superficiel : récupérez l'historique avec git fetch --unshallow)"
        elif "/" in rev:
            detail += " (une branche distante doit d'abord être récupérée : git fetch)"
        raise GitProblem(f"révision inconnue « {rev} » : {detail}")
    libelle = commit[:7] if commit.startswith(rev) else f"{rev} ({commit[:7]})"
    return Revision(commit, libelle, demande=rev)


def branche_par_defaut(emplacement: Emplacement) -> tuple[str, str] | None:
    """The default branch, as (short name, commit): origin/HEAD, origin/main, origin/master, main, master."""
    candidates = list(DEFAULT_BRANCHES)
    process = _run(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], emplacement.racine)
    if process.returncode == 0:
        candidates.insert(0, os.fsdecode(process.stdout).strip())
    for ref in candidates:
        commit = _verifier(emplacement, ref)
        if commit is not None:
            short = ref.removeprefix("refs/remotes/").removeprefix("refs/heads/")
            return short, commit
    return None


def base_par_defaut(emplacement: Emplacement, head: Revision = ARBRE_DE_TRAVAIL) -> Revision:
    """The merge base of ``head`` (``HEAD`` for the working tree) with the default branch.

    When ``head`` is on the default branch (or behind it) the merge base is ``head``'s
    commit itself: with the working tree as head, the diff then shows the uncommitted
    changes (see the module documentation).
    """
    if head.commit is None:
        commit = _verifier(emplacement, "HEAD")
        if commit is None:
            raise GitProblem(
                "le dépôt n'a encore aucun commit : validez une première version du contrat "
                "(git commit) ou précisez la base avec --base"
            )
        head_name = "HEAD"
    else:
        commit = head.commit
        head_name = head.demande or commit[:7]
    default = branche_par_defaut(emplacement)
    if default is None:
        raise GitProblem(
            "branche par défaut introuvable (ni origin/HEAD, ni origin/main, origin/master, main ou master) : "
            "précisez la base avec --base"
        )
    name, tip = default
    process = _run(["merge-base", commit, tip], emplacement.racine)
    if process.returncode != 0:
        if _superficiel(emplacement):
            raise GitProblem(
                f"point de départ de {head_name} depuis {name} introuvable : le clone est superficiel ; "
                "récupérez l'historique (git fetch --unshallow, ou fetch-depth: 0 dans actions/checkout) "
                "ou précisez la base avec --base"
            )
        raise GitProblem(f"{head_name} et {name} n'ont aucun commit en commun : précisez la base avec --base")
    base = process.stdout.decode("ascii").strip()
    if base == commit:
        libelle = f"{head_name} ({base[:7]}, sans divergence avec {name})"
    else:
        libelle = f"{base[:7]} (point de départ de {head_name} depuis {name})"
    return Revision(base, libelle)


@dataclass(frozen=True)
class _Entree:
    mode: str
    type: str
    objet: str
    taille: int | None
    nom: str


def _lister(emplacement: Emplacement, arbre: str) -> list[_Entree]:
    out = _git(["ls-tree", "-l", "-z", arbre], emplacement.racine)
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_name = record.partition(b"\t")
        mode, kind, objet, size = meta.decode("ascii").split()
        entries.append(_Entree(mode, kind, objet, None if size == "-" else int(size), os.fsdecode(raw_name)))
    return entries


def _nom_sur(nom: str) -> bool:
    return nom not in ("", ".", "..") and not any(c in nom for c in "/\\\0\n\r")


def materialiser(emplacement: Emplacement, revision: Revision, destination: Path) -> None:
    """Write into ``destination`` the contract folder's files read by ``open_depot``, as at ``revision``."""
    if revision.commit is None:
        raise ValueError("materialiser: the working tree needs no materialising")
    commit, sub = revision.commit, emplacement.sous_dossier
    tree = f"{commit}:{sub}" if sub else f"{commit}^{{tree}}"
    shown = emplacement.affichage or "."
    kind = _run(["cat-file", "-t", tree], emplacement.racine)
    if kind.returncode != 0 or kind.stdout.strip() != b"tree":
        raise GitProblem(f"le dossier du contrat « {shown} » n'existe pas à la révision {revision.libelle}")

    # (destination file, request for cat-file) — a blob by id, or a symlink by path so git follows it.
    requests: list[tuple[Path, str]] = []

    def plan(entry: _Entree, target: Path, repo_path: str) -> None:
        if entry.type == "tree":
            target.mkdir(exist_ok=True)
        elif entry.type == "blob" and entry.nom.endswith(_YAML):
            if entry.mode == "120000":
                requests.append((target, f"{commit}:{repo_path}"))
            elif entry.taille is not None and entry.taille > MAX_FILE_SIZE:
                with target.open("wb") as handle:  # sparse: the reader only needs the size
                    handle.truncate(entry.taille)
            else:
                requests.append((target, entry.objet))
        # submodules and other files: not read by open_depot

    for entry in _lister(emplacement, tree):
        if not _nom_sur(entry.nom):
            continue
        repo_path = posixpath.join(sub, entry.nom) if sub else entry.nom
        plan(entry, destination / entry.nom, repo_path)
        if entry.type == "tree" and entry.nom in FOLDERS:
            for child in _lister(emplacement, entry.objet):
                if _nom_sur(child.nom):
                    plan(child, destination / entry.nom / child.nom, f"{repo_path}/{child.nom}")

    if not requests:
        return
    entree = "".join(f"{request}\n" for _, request in requests).encode("utf-8", "surrogateescape")
    out = _git(["cat-file", "--batch", "--follow-symlinks"], emplacement.racine, entree=entree)
    pos = 0
    for target, _ in requests:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("utf-8", "replace").split(" ")
        pos = end + 1
        content: bytes | None = None
        if header[-1] in ("missing", "ambiguous"):
            pass
        elif header[0] in ("symlink", "dangling", "loop", "notdir"):
            pos += int(header[1]) + 1
        else:
            size = int(header[2])
            if header[1] == "blob":
                content = out[pos : pos + size]
            pos += size + 1
        if content is None:  # a link leaving the repository, broken or looping: unreadable
            os.symlink(_BROKEN_LINK, target)
        else:
            target.write_bytes(content)


def _relocaliser(depot: Depot, diagnostics: list[Diagnostic], nouveau: str) -> list[Diagnostic]:
    """Show the files of a materialised revision under the user's path, not the temporary one."""
    ancien = depot.display

    def move(path: str) -> str:
        if path == ancien:
            return nouveau or "."
        if path.startswith(ancien + "/"):
            rest = path[len(ancien) + 1 :]
            return posixpath.join(nouveau, rest) if nouveau else rest
        return path

    depot.display = nouveau
    for fichier in depot.files():
        fichier.path = move(fichier.path)
        if fichier.document is not None:
            fichier.document.path = fichier.path
    shown = nouveau or "."
    return [
        dataclasses.replace(
            d,
            path=move(d.path),
            message=d.message.replace(ancien, shown),
            hint=d.hint.replace(ancien, shown) if d.hint else d.hint,
        )
        for d in diagnostics
    ]


@contextmanager
def ouvrir_revision(emplacement: Emplacement, revision: Revision) -> Iterator[tuple[Depot, list[Diagnostic]]]:
    """The contract read at ``revision``, with ``open_depot``'s diagnostics.

    For a commit, the files live in a temporary folder until the ``with`` block ends
    (``depot.root``); paths in ``depot`` and in the diagnostics are shown as in the
    working tree.
    """
    from ctai_cli.repository import open_depot

    shown = emplacement.affichage or "."
    if revision.commit is None:
        depot, diagnostics = open_depot(emplacement.chemin)
        if depot is None:
            raise GitProblem(f"« {shown} » n'est pas un dossier de contrat : contrat.yaml est absent")
        yield depot, diagnostics
        return
    with tempfile.TemporaryDirectory(prefix="ctai-revision-") as tmp:
        dossier = Path(tmp) / "contrat"
        dossier.mkdir()
        materialiser(emplacement, revision, dossier)
        depot, diagnostics = open_depot(dossier)
        if depot is None:
            raise GitProblem(
                f"à la révision {revision.libelle}, « {shown} » n'est pas un dossier de contrat : "
                "contrat.yaml est absent"
            )
        yield depot, _relocaliser(depot, diagnostics, emplacement.affichage)

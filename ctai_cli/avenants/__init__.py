"""Avenants (article 10): what changed in a contract between two git revisions.

- :mod:`ctai_cli.avenants.gitrev`: real ``git``, the contract folder at a revision;
- :mod:`ctai_cli.avenants.diff`: the semantic diff of two versions and its renderings.

:func:`comparer_revisions` ties them together for ``ctai avenant diff``.
"""

from __future__ import annotations

from pathlib import Path

from ctai_cli.avenants.diff import DiffContrat, comparer, en_markdown, en_texte, phrases, to_dict
from ctai_cli.avenants.gitrev import (
    ARBRE_DE_TRAVAIL,
    Emplacement,
    GitProblem,
    Revision,
    base_par_defaut,
    localiser,
    ouvrir_revision,
    resoudre,
)

__all__ = [
    "ARBRE_DE_TRAVAIL",
    "DiffContrat",
    "Emplacement",
    "GitProblem",
    "Revision",
    "comparer",
    "comparer_revisions",
    "en_markdown",
    "en_texte",
    "phrases",
    "revisions",
    "to_dict",
]


def revisions(
    chemin: Path, base: str | None = None, head: str | None = None
) -> tuple[Emplacement, Revision, Revision]:
    """Locate the contract and resolve both sides: ``head`` defaults to the working tree,
    ``base`` to the merge base of the head with the default branch (see :mod:`.gitrev`)."""
    emplacement = localiser(chemin)
    rev_head = ARBRE_DE_TRAVAIL if head is None else resoudre(emplacement, head)
    rev_base = base_par_defaut(emplacement, rev_head) if base is None else resoudre(emplacement, base)
    return emplacement, rev_base, rev_head


def comparer_revisions(chemin: Path, base: str | None = None, head: str | None = None) -> DiffContrat:
    """The semantic diff of the contract folder ``chemin`` from ``base`` to ``head``.

    Raises :class:`GitProblem` (French message, exit code 2) when git cannot answer.
    """
    emplacement, rev_base, rev_head = revisions(chemin, base, head)
    with (
        ouvrir_revision(emplacement, rev_base) as (depot_base, _),
        ouvrir_revision(emplacement, rev_head) as (depot_head, _),
    ):
        return comparer(
            depot_base,
            depot_head,
            libelle_base=rev_base.libelle,
            libelle_head=rev_head.libelle,
            base_commit=rev_base.commit,
            head_commit=rev_head.commit,
            dossier=emplacement.sous_dossier or ".",
        )

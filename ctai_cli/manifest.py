"""A manifest: the list of contracts ``ctai aggregate`` reads, in a YAML file.

::

    contrats:
      - dossier: ../dax-2024-2026            # a contract folder (relative to this file)
      - depot: /srv/git/ctai-rennes.git      # a git repository, bare or not
        revision: v2.1                       # branch, tag or commit (default: HEAD)
        dossier: contrat                     # the contract folder inside it (default: its top)

A repository entry is read with the real ``git`` at that revision, from its object store:
no work tree is needed nor touched. The file goes through the bounded reader and a strict
model; any problem is an input error (exit 2) with the file's positions.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from pydantic import Field, model_validator

from ctai_cli.aggregate import Source
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.models.common import Modele, Texte


class Entree(Modele):
    dossier: Texte | None = Field(
        default=None,
        description="Dossier du contrat (relatif au manifeste) ; avec depot : sous-dossier dans le dépôt.",
    )
    depot: Texte | None = Field(default=None, description="Dépôt git (nu ou non), relatif au manifeste.")
    revision: Texte | None = Field(
        default=None, description="Révision git (défaut : HEAD) ; avec depot seulement."
    )

    @model_validator(mode="after")
    def _coherent(self) -> Entree:
        if self.depot is None and self.dossier is None:
            raise ValueError("une entrée donne « dossier », ou « depot » (et « revision »)")
        if self.depot is None and self.revision is not None:
            raise ValueError("« revision » ne sert qu'avec « depot »")
        return self


class Manifeste(Modele):
    contrats: list[Entree] = Field(min_length=1)


def read_manifest(path: Path) -> tuple[list[Source], list[Diagnostic]]:
    """The sources listed in ``path``; diagnostics (errors) when it cannot be used."""
    from ctai_cli.repository import read_model

    _, model, diagnostics = read_model(path, path.as_posix(), Manifeste)
    if model is None:
        return [], diagnostics
    base = path.parent
    sources = []
    for entree in model.contrats:
        if entree.depot is None:
            assert entree.dossier is not None
            chemin = base / entree.dossier
            sources.append(Source(affichage=posixpath.normpath(chemin.as_posix()), chemin=chemin))
        else:
            depot = base / entree.depot
            sous = posixpath.normpath(entree.dossier).strip("/") if entree.dossier else ""
            sous = "" if sous == "." else sous
            revision = entree.revision or "HEAD"
            shown = posixpath.normpath(depot.as_posix()) + (f"/{sous}" if sous else "")
            sources.append(
                Source(
                    affichage=f"{shown}@{revision}",
                    depot_git=depot,
                    revision=revision,
                    sous_dossier=sous,
                )
            )
    return sources, diagnostics

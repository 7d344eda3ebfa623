"""Pydantic models of the files of a contract repository.

Each file kind has one root model. Models are strict (``extra="forbid"``,
no silent coercion) so that what the editor's JSON Schema accepts is what
``ctai validate`` accepts. Cross-file rules live in :mod:`ctai_cli.checks`.
"""

from ctai_cli.models.actions import Action, Annexe
from ctai_cli.models.avenant import Avenant
from ctai_cli.models.bilan import Bilan, BilanAction
from ctai_cli.models.contrat import Contrat
from ctai_cli.models.porteurs import Porteur, Porteurs

__all__ = [
    "Action",
    "Annexe",
    "Avenant",
    "Bilan",
    "BilanAction",
    "Contrat",
    "Porteur",
    "Porteurs",
]

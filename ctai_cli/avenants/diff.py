"""Semantic diff of a contract between two versions, in contract terms.

:func:`comparer` takes two :class:`~ctai_cli.repository.Depot` (the *base* and the
*head*) and returns a :class:`DiffContrat`:

- ``contrat`` (:class:`DiffConvention`): the changes of ``contrat.yaml``, field by
  field (dotted paths of the French keys, ``periode.fin``; list elements with an
  identity are named by it, ``axes[3].titre``, ``enveloppes[2025].montant``), with
  the categories an avenant talks about: publics added or removed, axes added, removed
  or retitled (by ``numero``), dates changed, yearly State envelopes changed;
- ``annexes`` (:class:`DiffAnnexe`): per ``actions/<année>.yaml``, the actions added,
  removed or changed field by field (actions by ``id``, their objectives by ``id``,
  other lists compared as wholes), each with its State budget before and after;
- ``budget`` (:class:`EcartsBudget`): the State budget (``budget.etat_bop104``) deltas
  per year and axe, per year and in total;
- ``porteurs``, ``bilans``, ``avenants``: what changed in the other files;
- ``fichiers_termes_modifies`` / ``termes_modifies``: whether the *terms* of the
  contract changed — ``contrat.yaml`` and the annexes ``actions/<année>.yaml``. Bilans
  are reports and avenants are the amendments themselves, so they are not terms, nor
  is ``porteurs.yaml`` (a directory of the structures). In ``contrat.yaml``, the fields
  that record the signing itself (``statut``, ``deliberation``, ``signature``) are not
  terms either: recording that the contract was signed needs no avenant.

Values are compared as validated models (so a comment or the order of keys is not a
change, and a field written with its default value equals an absent one). Only files
whose model validated on both sides are compared field by field; an invalid file is
listed in ``fichiers_invalides`` and, for the terms, counted as changed when its raw
content differs.

Money is :class:`~decimal.Decimal` throughout. Unknown is never zero: the sums are the budget
core's (:func:`ctai_cli.budget.rapprocher`, as ``ctai budget reconcile``), so an action without
``budget`` (« sans budget dans l'annexe ») or with ``etat_bop104: non précisé`` (« budget État
non précisé »), a missing or partial annexe make that side's sum unknown, with its partial sum and
the reason; a delta is known when both sides are, or when their unknown terms are the same.

Renderers: :func:`phrases` (French sentences in administrative style, for
``avenants/<n>.yaml``), :func:`en_texte`, :func:`en_markdown` (a pull-request
description) and :meth:`DiffContrat.to_dict` (JSON).

One module per job: :mod:`ctai_cli.avenants.ecarts` (the data), :mod:`.comparaison` (the
comparison), :mod:`.phrases` (the French sentences, built with :mod:`ctai_cli.francais`) and
:mod:`.sortie` (text, Markdown, JSON). This module gathers their public names.
"""

from __future__ import annotations

from ctai_cli.avenants.comparaison import (
    comparer,
    comparer_annexes,
    comparer_contrats,
    comparer_porteurs,
    differences,
)
from ctai_cli.avenants.ecarts import (
    CHAMPS_DE_SIGNATURE,
    AxeRef,
    AxeRenomme,
    Changement,
    Cote,
    DiffAction,
    DiffAnnexe,
    DiffContrat,
    DiffConvention,
    DiffFichiers,
    DiffPorteur,
    EcartBudget,
    EcartEnveloppe,
    EcartsBudget,
    FichierInvalide,
    Statut,
)
from ctai_cli.avenants.phrases import ecart_signe, phrases, sections
from ctai_cli.avenants.sortie import en_markdown, en_texte, to_dict

__all__ = [
    "CHAMPS_DE_SIGNATURE",
    "AxeRef",
    "AxeRenomme",
    "Changement",
    "Cote",
    "DiffAction",
    "DiffAnnexe",
    "DiffContrat",
    "DiffConvention",
    "DiffFichiers",
    "DiffPorteur",
    "EcartBudget",
    "EcartEnveloppe",
    "EcartsBudget",
    "FichierInvalide",
    "Statut",
    "comparer",
    "comparer_annexes",
    "comparer_contrats",
    "comparer_porteurs",
    "differences",
    "ecart_signe",
    "en_markdown",
    "en_texte",
    "phrases",
    "sections",
    "to_dict",
]

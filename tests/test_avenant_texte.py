"""The avenant's text: French labels and names from the files, model text marked as such."""

from __future__ import annotations

import importlib
import types
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from ctai_cli.avenants.ecarts import _CLES
from ctai_cli.models import Action, Annexe, Contrat, Porteur
from tests.gitutil import commit, edit, git, git_env, make_repo  # noqa: F401

pytestmark = pytest.mark.slow  # runs git

_PHRASES = importlib.import_module("ctai_cli.avenants.phrases")


def _modele(annotation: typing.Any) -> typing.Any:
    """The model (or ("list", model)) inside a field's annotation, or None for a plain value."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _modele(args[0])
    if origin in (typing.Union, types.UnionType):
        return next((m for m in map(_modele, args) if m is not None), None)
    if origin is list:
        inner = _modele(args[0])
        return ("list", inner) if inner is not None else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _chemins(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every path a change can have in the diff of ``model`` (as ctai_cli.avenants.comparaison names it)."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        sub = _modele(info.annotation)
        out.append(path)
        if isinstance(sub, tuple):
            if name in _CLES:  # compared element by element
                out += _chemins(sub[1], path + "[*]")
        elif sub is not None:
            out += _chemins(sub, path)
    return out


@pytest.mark.parametrize(
    ("model", "labels"),
    [
        (Contrat, "_LABELS_CONTRAT"),
        (Action, "_LABELS_ACTION"),
        (Annexe, "_LABELS_ANNEXE"),
        (Porteur, "_LABELS_PORTEUR"),
    ],
)
def test_every_field_has_a_french_label(model: type[BaseModel], labels: str) -> None:
    """No « le champ « gouvernance.bilan.mois » » in an avenant: every field reads in French."""
    table = getattr(_PHRASES, labels)
    lists = {n for n, f in model.model_fields.items() if isinstance(_modele(f.annotation), tuple)}
    missing = [
        p
        for p in _chemins(model)
        if p not in table
        and not p.startswith("actions")  # an annexe's actions are compared one by one
        and p not in lists | {"axes", "enveloppes", "parties", "annexes", "objectifs"}
        and p not in _PHRASES_COVERED
    ]
    assert missing == []


# Paths whose changes get sentences of their own (publics, axes, envelopes, an action's id).
_PHRASES_COVERED = {"publics", "id", "axes[*].titre", "enveloppes[*].montant"}


def test_avenant_uses_labels_and_names_and_marks_model_text(ctai, tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    edit(contract / "contrat.yaml", "    mois: 6\n", "    mois: 9\n")
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "etat_bop104: 8000", "etat_bop104: 8500")
    annexe.write_text(
        annexe.read_text(encoding="utf-8")
        + "  - id: permanence-juridique\n    axe: 4\n    porteur: ville-dax\n"
        "    titre: Permanence juridique\n    publics: [EPA]\n    budget: {etat_bop104: 3000}\n",
        encoding="utf-8",
    )
    run = ctai("avenant", "new", contract, "--date", "2026-01-10")
    assert run.code == 0, run.err
    text = (contract / "avenants" / "1.yaml").read_text(encoding="utf-8")
    assert "Contrat : le mois de remise du bilan annuel passe de 6 à 9." in text
    assert "(axe 4, porteur Ville de Dax, 3\u202f000,00\u00a0€)" in text
    for raw in ("gouvernance", "bilan.mois", "le champ", "ville-dax", "ccas-dax"):
        assert raw not in text, raw

    md = ctai("avenant", "render", contract, "1").out
    assert "> **Texte type : seuls l'objet et les modifications viennent de avenants/1.yaml" in md
    assert "## Article 3 – Autres dispositions (texte type)" in md
    assert "## Article 4 – Prise d'effet (texte type)" in md
    assert "- Le mois de remise du bilan annuel passe de 6 à 9." in md
    html_path = tmp_path / "avenant.html"
    assert ctai("avenant", "render", contract, "1", "-f", "html", "-o", html_path).code == 0
    html = html_path.read_text(encoding="utf-8")
    assert '<p class="modele-avis"><strong>Texte type : seuls l\'objet' in html
    assert "Prise d&#39;effet (texte type)</h2>" in html


def test_versement_recipient_by_name(tmp_path: Path) -> None:
    from ctai_cli.avenants import comparer_revisions, phrases

    _, contract = make_repo(tmp_path)
    annexe = contract / "actions" / "2024.yaml"
    edit(
        annexe,
        "{date: 2024-11-15, montant: 8000, destinataire: ccas-dax}",
        "{date: 2024-11-20, montant: 8000, destinataire: ccas-dax}",
    )
    [sentence] = phrases(comparer_revisions(contract), termes_seulement=True)
    assert "CCAS de Dax" in sentence and "ccas-dax" not in sentence, sentence


@pytest.mark.parametrize(
    ("modification", "enonce"),
    [
        (
            "Annexe 1 (2025) : le budget État de l'action « x » passe de 8 000,00 € à 9 000,00 € (+1 000,00 €).",
            True,
        ),
        ("Contrat : la date de signature passe du 1 mars 2024 au 2 mars 2024.", True),
        ("Contrat : le préambule est renseigné : « Court. ».", True),
        ("Contrat : le lieu de signature n'est plus renseigné (auparavant : « Dax »).", True),
        ("Contrat : l'enveloppe de l'État pour 2025 est fixée à 300 000,00 €.", True),
        ("Contrat : l'enveloppe de l'État pour 2025 est supprimée (auparavant : 300 000,00 €).", True),
        (
            "Annexe 1 (2025) : le budget État de l'action « x » est fixé à 5 000,00 € (auparavant : sans budget dans l'annexe).",
            True,
        ),
        (
            "Annexe 1 (2025) : l'annexe ne donne plus de budget pour l'action « x » (auparavant : budget État de 5,00 €).",
            True,
        ),
        (
            "Annexe 1 (2025) : suppression de l'action « x », intitulée « X » (axe 1, porteur P, 5 000,00 €).",
            True,
        ),
        ("Contrat : ajout du public BPT.", True),
        ("Contrat : l'axe 2 est renommé « B » (auparavant : « A »).", True),
        # The same words for different changes: never carried by another avenant's sentence.
        ("Annexe 1 (2025) : la description de l'action « x » est modifiée.", False),
        ("Contrat : les publics : ordre modifié.", False),
        ("Annexe 1 (2025) : les partenaires de l'action « x » : ajout de « A ».", False),
        ("Annexe 1 (2025) : ajout de l'action « x », intitulée « X » (axe 1, porteur P, 5 000,00 €).", False),
        ("Annexe 1 (2025) : ajout de l'objectif « o » à l'action « x » (« O », cible : 3 personnes).", False),
        ("Contrat : ajout de l'axe 6 « Santé ».", False),
        ("Annexe 1 (2025) : le titre de l'action « x » passe de « Un titre long… » à « B ».", False),
        # A value quoted inside cannot make the sentence look stated.
        ("Annexe 1 (2025) : ajout de l'action « x », intitulée « Le tarif passe de 1 à 2 » (axe 1).", False),
        ("le budget passe de 1 à 2", False),  # no « Annexe … : » part: not an avenant's sentence
    ],
)
def test_which_modifications_state_their_value(modification: str, enonce: bool) -> None:
    """Only a sentence stating the value it leaves may be said carried by another avenant (« ctai
    avenant new », CTAI-E232)."""
    assert _PHRASES.enonce_sa_valeur(modification) is enonce

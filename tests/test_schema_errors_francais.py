"""The French of the type errors (CTAI-E102, E106): every expected type's participle agrees with
its noun (« une liste est attendue », « un texte est attendu »), counts are plural-agreed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ctai_cli import schema_errors
from ctai_cli.yamlread import parse_text
from tests.conftest import QUIET_DATE, Run


class _Sous(BaseModel):
    a: int = 0


class _Tout(BaseModel):
    """One field per kind of type error that ``schema_errors._EXPECTED`` words."""

    model_config = ConfigDict(extra="forbid", strict=True)
    texte: str
    entier: int
    decimal: int
    booleen: bool
    liste: list[str]
    sous: _Sous
    dico: dict[str, int]
    deux: list[str] = Field(min_length=2)
    vide: list[str]


YAML = """\
texte: 12
entier: douze
decimal: 1.5
booleen: oui
liste: BPI
sous: trois
dico: [1, 2]
deux: [seul]
vide:
"""


def _messages() -> list[str]:
    document, problems = parse_text(YAML, "t.yaml")
    assert document is not None and not problems
    with pytest.raises(ValidationError) as exc:
        _Tout.model_validate(document.data)
    return [d.message for d in schema_errors.diagnostics_from_error(exc.value, _Tout, document)]


def _accord_fautif(message: str) -> list[str]:
    """Each « un(e) … est attendu(e) » whose participle does not agree with its article."""
    fautes = []
    for article, participe in re.findall(r"\b(une?) [^,:;()]+? est (attendue?)\b", message):
        if (article == "une") != (participe == "attendue"):
            fautes.append(f"{article} … est {participe}")
    return fautes


def test_every_expected_type_agrees_with_its_participle() -> None:
    noms = {nom for nom, _ in schema_errors._EXPECTED.values()} | set(schema_errors._TYPE_NAMES.values())
    for nom in noms:
        assert nom.split(" ")[0] in ("un", "une"), nom  # the article gives the gender
        phrase = schema_errors.est_attendu(nom)
        assert not _accord_fautif(phrase), phrase
    assert schema_errors.est_attendu("une liste") == "une liste est attendue"
    assert schema_errors.est_attendu("un dictionnaire") == "un dictionnaire est attendu"


def test_real_type_errors_are_agreed() -> None:
    messages = _messages()
    joined = "\n".join(messages)
    # Every wording of _EXPECTED that the model can produce is in there, each agreed.
    for attendu in ("un texte est attendu", "un nombre entier est attendu", "un booléen est attendu"):
        assert attendu in joined, joined
    assert "« liste » : une liste est attendue, pas un texte" in joined
    assert "« sous » : un dictionnaire est attendu" in joined
    assert "« dico » : un dictionnaire est attendu" in joined
    assert "valeur vide pour « vide » : une liste est attendue" in joined
    assert "« deux » doit contenir au moins 2 éléments" in joined
    assert "(s)" not in joined
    assert [f for m in messages for f in _accord_fautif(m)] == []


def test_cli_says_une_liste_est_attendue(dax_copy: Path, ctai: Callable[..., Run]) -> None:
    contrat = dax_copy / "contrat.yaml"
    text = contrat.read_text(encoding="utf-8")
    assert "publics: [EPA, BPI, BPT]\n" in text
    contrat.write_text(text.replace("publics: [EPA, BPI, BPT]\n", "publics: BPI\n"), encoding="utf-8")
    run = ctai("validate", dax_copy, "--date", QUIET_DATE)
    assert run.code == 1
    assert "« publics » : une liste est attendue, pas un texte ('BPI')" in run.out

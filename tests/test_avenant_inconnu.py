"""Avenant diff with unknown money: « non précisé » and absent budgets, missing annexes.

Unknown is never zero: a change between an amount and « non précisé » is shown as such, never
crashes; a side with an unknown term has an unknown total, as « ctai budget reconcile » says.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ctai_cli.avenants.diff import comparer, en_markdown, en_texte, phrases
from ctai_cli.repository import open_depot
from tests.conftest import DAX, QUIET_DATE
from tests.gitutil import NEW_ACTION, commit, edit, git_env, make_repo  # noqa: F401

pytestmark = pytest.mark.slow  # runs git

# The budget of one action (club-emploi, 2024, axe 5) in every state the format allows.
ETATS = {
    "montant": "    budget:\n      etat_bop104: 5000\n",
    "zero": "    budget:\n      etat_bop104: 0\n",
    "non_precise": "    budget:\n      etat_bop104: non précisé\n",
    "sans_budget": "",
}


def _folder(tmp_path: Path, name: str, etat: str | None) -> Path:
    """The Dax example whose club-emploi 2024 budget is in state ``etat`` (None: no such action)."""
    folder = tmp_path / name
    shutil.copytree(DAX, folder)
    annexe = folder / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    start = text.index("  - id: club-emploi\n")
    end = text.index("  - id: ", start + 1)
    action = text[start:end]
    budget = re.search(r"    budget:\n(?:      .*\n)+", action)
    assert budget is not None
    new = "" if etat is None else action[: budget.start()] + ETATS[etat] + action[budget.end() :]
    annexe.write_text(text[:start] + new + text[end:], encoding="utf-8")
    return folder


def _diff(tmp_path: Path, avant: str | None, apres: str | None):
    base, _ = open_depot(_folder(tmp_path, "base", avant))
    head, _ = open_depot(_folder(tmp_path, "head", apres))
    assert base is not None and head is not None
    return comparer(base, head)


CAS = [
    (a, b) for a, b in itertools.product([*ETATS, None], repeat=2) if a != b and not (a is None and b is None)
]


@pytest.mark.parametrize(("avant", "apres"), CAS, ids=[f"{a}->{b}" for a, b in CAS])
def test_every_budget_state_change_is_shown_without_guessing(tmp_path: Path, avant, apres) -> None:
    diff = _diff(tmp_path, avant, apres)
    # Every rendering works (no crash) and no unknown amount is printed as a number.
    text = en_texte(diff)
    assert en_markdown(diff)
    data = json.loads(json.dumps(diff.to_dict()))
    sentences = phrases(diff)
    [action] = [a for a in diff.actions() if a.id == "club-emploi"]
    known = {"montant": Decimal(5000), "zero": Decimal(0)}
    if avant in known and apres in known:
        assert action.ecart == known[apres] - known[avant]
        assert diff.budget.par_annee[0].delta == action.ecart
    elif (avant is not None and apres is not None) or (avant in ETATS and avant not in known):
        assert action.ecart is None
    if None not in (avant, apres) and {avant, apres} & {"non_precise", "sans_budget"}:
        # One side of 2024 has an unknown term: that side's total is unknown, so is the delta.
        [annee] = diff.budget.par_annee
        raisons = {
            "non_precise": "1 action au budget État non précisé",
            "sans_budget": "1 action sans budget",
        }
        for etat, side in ((avant, annee.avant_montant), (apres, annee.apres_montant)):
            if etat in raisons:
                assert side.valeur is None and side.partiel is not None
                assert side.raison.startswith(raisons[etat])
            else:
                assert side.valeur is not None and side.raison is None
        assert annee.delta is None and not diff.budget.complet
        assert data["budget"]["par_annee"][0]["delta"] is None
        assert data["budget"]["par_annee"][0]["complet"] is False
        assert re.search(r"2024\s+total\s+.*inconnu \(partiel : ", text)
    for state, words in (("non_precise", "non précisé"), ("sans_budget", "sans budget dans l'annexe")):
        if state in (avant, apres) and None in (avant, apres):
            assert any(words in s for s in sentences), sentences
    if apres == "sans_budget" and avant is not None:
        assert any("l'annexe ne donne plus de budget pour l'action « club-emploi »" in s for s in sentences)
    if avant == "sans_budget" and apres not in (None, "sans_budget"):
        assert any("(auparavant : sans budget dans l'annexe)" in s for s in sentences), sentences
    # A budget added or removed is one sentence, without the noise of its default fields.
    assert not any("illustratif" in s for s in sentences), sentences
    if {avant, apres} == {"montant", "non_precise"}:
        expected = (
            "passe de 5\u202f000,00\xa0€ à non précisé (écart inconnu)"
            if avant == "montant"
            else "passe de non précisé à 5\u202f000,00\xa0€ (écart inconnu)"
        )
        assert any(expected in s for s in sentences), sentences


def test_absent_budget_and_non_precise_read_differently(tmp_path: Path) -> None:
    added_np = phrases(_diff(tmp_path / "a", None, "non_precise"))
    added_none = phrases(_diff(tmp_path / "b", None, "sans_budget"))
    assert any("budget État non précisé)" in s for s in added_np), added_np
    assert any("sans budget dans l'annexe)" in s for s in added_none), added_none


def test_contract_total_agrees_with_budget_reconcile(ctai, tmp_path: Path) -> None:
    """No change at all in money, but the total is unknown in both (2026 annexe missing)."""
    _, contract = make_repo(tmp_path)
    edit(contract / "actions" / "2025.yaml", "etat_bop104: 8000", "etat_bop104: 8500")
    run = ctai("avenant", "diff", contract, "--format", "json")
    assert run.code == 0, run.err
    total = json.loads(run.out)["budget"]["total"]
    reconcile = json.loads(ctai("budget", "reconcile", contract, "--format", "json").out)
    contrat = reconcile["totaux"]["contrat"]
    assert contrat["alloue"] is None and contrat["inconnus"]["annexes_absentes"] == [2026]
    assert total["apres"] is None and total["complet"] is False
    assert total["inconnu"]["apres"]["partiel"] == contrat["partiel"]["alloue"]
    assert total["inconnu"]["apres"]["raison"] == "annexe 2026 absente"
    assert total["delta"] == "500.00"  # the same unknown term on both sides: the delta is known
    text = ctai("avenant", "diff", contract).out
    assert re.search(r"Total du contrat : inconnu \(partiel : [\d\u202f]+,00\xa0€\) → inconnu", text)
    assert "Total du contrat, avant : inconnu — annexe 2026 absente." in text


@pytest.mark.parametrize(("avant", "apres"), [("5123", "non précisé"), ("non précisé", "5123")])
def test_cli_between_an_amount_and_non_precise(ctai, tmp_path: Path, avant: str, apres: str) -> None:
    """ctai avenant diff, new and validate --base: exit 0/1, never 3 (internal error)."""
    repo, contract = make_repo(tmp_path)
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "etat_bop104: 8000", f"etat_bop104: {avant}")
    commit(repo, "base")
    edit(annexe, f"etat_bop104: {avant}", f"etat_bop104: {apres}")
    run = ctai("avenant", "diff", contract, "--base", "HEAD")
    assert run.code == 0, run.err
    shown = {"5123": "5\u202f123,00\xa0€", "non précisé": "non précisé"}
    assert f"passe de {shown[avant]} à {shown[apres]} (écart inconnu)" in run.out
    for fmt in ("md", "json"):
        assert ctai("avenant", "diff", contract, "--base", "HEAD", "--format", fmt).code == 0
    run = ctai("validate", contract, "--base", "HEAD", "--date", QUIET_DATE)
    assert run.code == 1 and "CTAI-E230" in run.out, run.out + run.err
    run = ctai("avenant", "new", contract, "--base", "HEAD", "--date", "2026-01-05")
    assert run.code == 0, run.err
    assert f"passe de {shown[avant]} à {shown[apres]}" in (contract / "avenants" / "1.yaml").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(("avant", "apres"), [("etat_bop104", "non précisé"), ("non précisé", "etat_bop104")])
def test_envelope_origin_between_bop104_and_non_precise(tmp_path: Path, avant: str, apres: str) -> None:
    """An envelope whose origin becomes (or stops being) « non précisé »: said, in words."""
    folders = []
    for name, origine in (("base", avant), ("head", apres)):
        folder = tmp_path / name
        shutil.copytree(DAX, folder)
        edit(
            folder / "contrat.yaml",
            "juridiction: Tribunal administratif de Pau\n",
            "juridiction: Tribunal administratif de Pau\n"
            f"enveloppes:\n  - {{annee: 2025, montant: 150000, origine: {origine}}}\n",
        )
        depot, _ = open_depot(folder)
        assert depot is not None
        folders.append(depot)
    diff = comparer(*folders)
    words = {"etat_bop104": "« crédits de l'État, programme 104 »", "non précisé": "« non précisé »"}
    assert phrases(diff, termes_seulement=True) == [
        f"Contrat : l'origine des crédits de l'enveloppe 2025 passe de {words[avant]} à {words[apres]}."
    ]
    assert diff.fichiers_termes_modifies == ("contrat.yaml",)


def test_partial_annexe_delta_is_known_only_for_the_same_listed_actions(ctai, tmp_path: Path) -> None:
    """A partial annexe lists some actions of its source: one more action transcribed changes
    the listed part, not the real total, so the delta is unknown; a listed action's budget
    changed, the same actions listed on both sides, the delta is known."""
    repo, contract = make_repo(tmp_path)
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "annee: 2025\n", "annee: 2025\npartielle: seule l'action club-emploi est transcrite\n")
    commit(repo, "Annexe 2025 partielle")
    annexe.write_text(annexe.read_text(encoding="utf-8") + NEW_ACTION, encoding="utf-8")
    run = ctai("avenant", "diff", contract, "--base", "HEAD", "--format", "json")
    assert run.code == 0, run.err
    budget = json.loads(run.out)["budget"]
    assert [(r["annee"], r["axe"], r["delta"]) for r in budget["par_axe"]] == [(2025, 4, None)]
    annee = budget["par_annee"]
    assert [(r["annee"], r["delta"]) for r in annee] == [(2025, None)]
    assert annee[0]["inconnu"]["avant"]["partiel"] == "150000.00"
    assert annee[0]["inconnu"]["apres"]["partiel"] == "155000.00"
    assert budget["total"]["delta"] is None
    text = ctai("avenant", "diff", contract, "--base", "HEAD").out
    assert "+5\u202f000,00\xa0€" not in text
    assert re.search(
        r"2025\s+total\s+inconnu \(partiel : 150\u202f000,00\xa0€\)\s+inconnu \(partiel : 155\u202f000,00\xa0€\)"
        r"\s+inconnu\n",
        text,
    ), text
    assert re.search(
        r"Total du contrat : inconnu \(partiel : .*\) → inconnu \(partiel : .*\) \(inconnu\)", text
    )
    # The same actions listed, one budget changed: the partial term cancels out.
    annexe.write_text(annexe.read_text(encoding="utf-8").replace(NEW_ACTION, ""), encoding="utf-8")
    edit(annexe, "etat_bop104: 8000", "etat_bop104: 11000")
    budget = json.loads(ctai("avenant", "diff", contract, "--base", "HEAD", "--format", "json").out)["budget"]
    assert [(r["annee"], r["delta"]) for r in budget["par_annee"]] == [(2025, "3000.00")]
    assert budget["total"]["delta"] == "3000.00"

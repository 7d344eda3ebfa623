"""ctai avenant diff/new/render and ctai validate --base, on real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import QUIET_DATE
from tests.gitutil import NEW_ACTION, commit, edit, git, git_env, make_repo  # noqa: F401

pytestmark = pytest.mark.slow  # runs git

# Codes only these tests produce (counted by the catalog coverage test).
CODES = ("CTAI-E230", "CTAI-E231", "CTAI-E232", "CTAI-W233")


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, Path]:
    """A branch that raises club-emploi's 2025 budget by 3 000 € and adds a 5 000 € action."""
    repo, contract = make_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "budget-2025")
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "    etat_bop104: 8000\n", "    etat_bop104: 11000\n")
    annexe.write_text(annexe.read_text(encoding="utf-8") + NEW_ACTION, encoding="utf-8")
    commit(repo, "Annexe 2025 : club-emploi +3 000 €, atelier numérique")
    return repo, contract


def test_diff_shows_both_changes_with_their_deltas(ctai, pull_request) -> None:
    _, contract = pull_request
    run = ctai("avenant", "diff", contract, "--format", "json")
    assert run.code == 0, run.err
    diff = json.loads(run.out)
    actions = {a["id"]: a for annexe in diff["annexes"] for a in annexe["actions"]}
    assert set(actions) == {"club-emploi", "atelier-numerique"}
    assert actions["club-emploi"]["budget"] == {
        "avant": "8000.00",
        "apres": "11000.00",
        "delta": "3000.00",
        "inconnu_avant": None,
        "inconnu_apres": None,
    }
    assert actions["atelier-numerique"]["statut"] == "ajout"
    assert actions["atelier-numerique"]["budget"]["delta"] == "5000.00"
    assert diff["budget"]["total"]["delta"] == "8000.00"
    md = ctai("avenant", "diff", contract, "--format", "md").out
    assert "| 2025 | axe 5 | 39\u202f000,00\u00a0€ | 42\u202f000,00\u00a0€ | +3\u202f000,00\u00a0€ |" in md
    assert "ajout de l'action « atelier-numerique »" in md
    text = ctai("avenant", "diff", contract).out
    assert "passe de 8\u202f000,00\u00a0€ à 11\u202f000,00\u00a0€ (+3\u202f000,00\u00a0€)" in text


def test_validate_base_needs_an_avenant_then_passes(ctai, pull_request) -> None:
    repo, contract = pull_request
    run = ctai("validate", contract, "--base", "main", "--date", QUIET_DATE, "--format", "json")
    assert run.code == 1
    found = [
        (d["code"], d["path"], d["line"])
        for d in json.loads(run.out)["diagnostics"]
        if d["severity"] == "error"
    ]
    assert found == [("CTAI-E230", f"{contract.as_posix()}/actions/2025.yaml", 1)]

    run = ctai("avenant", "new", contract, "--date", "2025-03-01")
    assert run.code == 0, run.err
    avenant = contract / "avenants" / "1.yaml"
    text = avenant.read_text(encoding="utf-8")
    assert "numero: 1" in text and "signe: false" in text
    assert (
        "le budget État de l'action « club-emploi » passe de 8\u202f000,00\u00a0€ à 11\u202f000,00\u00a0€"
        in text
    )
    assert "ajout de l'action « atelier-numerique »" in text
    run = ctai("validate", contract, "--base", "main", "--date", QUIET_DATE)
    assert run.code == 0, run.out

    # The next one is numbered 2, and nothing is overwritten.
    commit(repo, "Avenant 1")
    edit(contract / "actions" / "2025.yaml", "    etat_bop104: 11000\n", "    etat_bop104: 12000\n")
    assert ctai("avenant", "new", contract, "--base", "HEAD", "--date", "2025-04-01").code == 0
    assert (contract / "avenants" / "2.yaml").exists()
    assert avenant.read_text(encoding="utf-8") == text


def test_avenant_render(ctai, pull_request, tmp_path: Path) -> None:
    _, contract = pull_request
    assert ctai("avenant", "new", contract, "--date", "2025-03-01").code == 0
    md = ctai("avenant", "render", contract, "1").out
    assert md.startswith("# Avenant n° 1 au contrat territorial d'accueil et d'intégration 2024-2026 de Dax")
    assert "## Article 1 – L'annexe 1 (2025) est modifiée comme suit" in md
    assert "- Le budget État de l'action « club-emploi » passe de 8\u202f000,00\u00a0€" in md
    assert "## Article 3 – Prise d'effet" in md
    out = tmp_path / "avenant-1.html"
    assert ctai("avenant", "render", contract, "1", "-f", "html", "-o", out).code == 0
    assert "<h2>Article 1 – L&#39;annexe 1 (2025) est modifiée comme suit</h2>" in out.read_text(
        encoding="utf-8"
    )
    run = ctai("avenant", "render", contract, "7")
    assert run.code == 2 and "avenants présents : 1" in run.err


def test_no_change_no_avenant(ctai, tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    assert ctai("validate", contract, "--base", "main", "--date", QUIET_DATE).code == 0
    run = ctai("avenant", "new", contract)
    assert run.code == 0 and "pas d'avenant à préparer" in run.out  # nothing to do is not a finding
    assert not (contract / "avenants").exists()


def test_signature_and_unsigned_contract_need_no_avenant(ctai, tmp_path: Path) -> None:
    repo, contract = make_repo(tmp_path)
    # Recording the signature date is not a change of terms.
    edit(
        contract / "contrat.yaml",
        "signature:\n  lieu: Dax\n",
        "signature:\n  lieu: Dax\n  date: 2024-11-04\n",
    )
    assert ctai("validate", contract, "--base", "main", "--date", QUIET_DATE).code == 0
    # A contract still in draft changes freely.
    edit(contract / "contrat.yaml", "statut: signe", "statut: projet")
    commit(repo, "projet")
    edit(contract / "actions" / "2025.yaml", "    etat_bop104: 8000\n", "    etat_bop104: 9000\n")
    assert ctai("validate", contract, "--base", "HEAD", "--date", QUIET_DATE).code == 0


def test_a_signed_avenant_cannot_change(ctai, pull_request) -> None:
    repo, contract = pull_request
    assert ctai("avenant", "new", contract, "--date", "2025-03-01").code == 0
    avenant = contract / "avenants" / "1.yaml"
    edit(avenant, "signe: false", "signe: true\ndate_signature: 2025-03-10")
    commit(repo, "Avenant 1 signé")
    edit(avenant, "date_signature: 2025-03-10", "date_signature: 2025-03-11")
    run = ctai("validate", contract, "--base", "HEAD", "--date", QUIET_DATE)
    assert run.code == 1 and "CTAI-E231" in run.out and "l'avenant 1, déjà signé, est modifié" in run.out


def test_git_problems_are_usage_errors(ctai, tmp_path: Path, pull_request) -> None:
    _, contract = pull_request
    run = ctai("validate", contract, "--base", "nulle-part")
    assert run.code == 2 and "nulle-part" in run.err and "Traceback" not in run.err
    run = ctai("avenant", "diff", contract, "--base", "nulle-part")
    assert run.code == 2 and "nulle-part" in run.err
    alone = tmp_path / "hors-git"
    alone.mkdir()
    (alone / "contrat.yaml").write_text("x: 1\n")
    run = ctai("avenant", "diff", alone)
    assert run.code == 2 and "git" in run.err


@pytest.fixture
def deux_budgets(tmp_path: Path) -> tuple[Path, Path]:
    """A branch changing two 2025 budgets: sentences that state their value (« passe de A à B »)."""
    repo, contract = make_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "budget-2025")
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "    etat_bop104: 8000\n", "    etat_bop104: 11000\n")
    edit(annexe, "    etat_bop104: 16000\n", "    etat_bop104: 17000\n")
    commit(repo, "Annexe 2025 : club-emploi +3 000 €, savoir-habiter +1 000 €")
    return repo, contract


@pytest.mark.parametrize("committed", [False, True])
def test_avenant_new_twice_writes_no_duplicate(ctai, deux_budgets, committed: bool) -> None:
    repo, contract = deux_budgets
    assert ctai("avenant", "new", contract, "--date", "2025-03-01").code == 0
    if committed:
        commit(repo, "Avenant 1")
    run = ctai("avenant", "new", contract, "--date", "2025-03-02")
    assert run.code == 0, run.err
    assert run.out == (
        "Aucune modification nouvelle des termes du contrat depuis "
        f"{run.out.split('depuis ', 1)[1].split(' : ', 1)[0]} : toutes sont déjà portées par "
        "l'avenant n° 1 (avenants/1.yaml) ; pas d'avenant à préparer.\n"
    )
    assert not (contract / "avenants" / "2.yaml").exists()
    # A further change gets an avenant of its own, with that change only.
    edit(contract / "actions" / "2025.yaml", "    etat_bop104: 11000\n", "    etat_bop104: 12000\n")
    run = ctai("avenant", "new", contract, "--date", "2025-03-03")
    assert run.code == 0, run.err
    assert "(1 modification déjà portée par l'avenant n° 1 (avenants/1.yaml), non reprise)" in run.out
    # The same budget changed again: avenant 2 says so from the base, and the command warns.
    assert (
        "attention : l'avenant n° 1 modifie déjà « Annexe 1 (2025) : le budget État de l'action "
        "« club-emploi » » vers une autre valeur ; relisez les deux avenants"
    ) in run.out
    text = (contract / "avenants" / "2.yaml").read_text(encoding="utf-8")
    assert "savoir-habiter" not in text
    assert "passe de 8\u202f000,00\u00a0€ à 12\u202f000,00\u00a0€" in text
    assert ctai("validate", contract, "--base", "main", "--date", QUIET_DATE).code == 0


def test_validate_base_warns_about_a_duplicate_avenant(ctai, deux_budgets) -> None:
    _, contract = deux_budgets
    assert ctai("avenant", "new", contract, "--date", "2025-03-01").code == 0
    first = (contract / "avenants" / "1.yaml").read_text(encoding="utf-8")
    (contract / "avenants" / "2.yaml").write_text(first.replace("numero: 1", "numero: 2"), encoding="utf-8")
    run = ctai("validate", contract, "--base", "main", "--date", QUIET_DATE, "--format", "json")
    found = [
        (d["code"], d["path"].rsplit("/", 2)[-2:])
        for d in json.loads(run.out)["diagnostics"]
        if d["code"] in CODES or d["severity"] == "error"
    ]
    assert found == [("CTAI-E232", ["avenants", "2.yaml"])]
    assert run.code == 1
    text = ctai("validate", contract, "--base", "main", "--date", QUIET_DATE).out
    assert "l'avenant 2 reprend 2 modifications déjà portées par l'avenant 1" in text


def test_a_new_annexe_changes_the_terms_for_diff_and_validate_alike(ctai, tmp_path: Path) -> None:
    """An annexe for a new year is part of the contract (article 11): both commands say so."""
    _, contract = make_repo(tmp_path)
    (contract / "actions" / "2026.yaml").write_text(
        "annee: 2026\nactions:\n  - id: club-emploi\n    axe: 5\n    porteur: ccas-dax\n"
        "    titre: Club emploi\n    publics: [EPA]\n    budget: {etat_bop104: 7000}\n",
        encoding="utf-8",
    )
    diff = json.loads(ctai("avenant", "diff", contract, "--format", "json").out)
    assert diff["termes_modifies"] and diff["fichiers_termes_modifies"] == ["actions/2026.yaml"]
    run = ctai("validate", contract, "--base", "main", "--date", QUIET_DATE, "--format", "json")
    errors = [(d["code"], d["path"]) for d in json.loads(run.out)["diagnostics"] if d["severity"] == "error"]
    assert errors == [("CTAI-E230", f"{contract.as_posix()}/actions/2026.yaml")]
    assert run.code == 1
    assert ctai("avenant", "new", contract, "--date", "2026-01-10").code == 0
    assert ctai("validate", contract, "--base", "main", "--date", QUIET_DATE).code == 0


def test_e230_lists_changes_with_french_spacing_and_signs(ctai, tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    annexe = contract / "actions" / "2025.yaml"
    for old, new in (("8000", "7000"), ("9000", "8500")):
        edit(annexe, f"    etat_bop104: {old}\n", f"    etat_bop104: {new}\n")
    run = ctai("validate", contract, "--base", "main", "--date", QUIET_DATE)
    [line] = [x for x in run.out.splitlines() if "CTAI-E230" in x]
    assert "(−1\u202f000,00\u00a0€) ; le budget État" in line, line
    assert "€);" not in line and "-1\u202f000" not in line


CLUB_PUBLICS = "    publics: [EPA, BPI, BPT]\n    partenaires: [France Travail]\n"
CLUB_GARDE = "dont le mode de garde de l'enfant"


@pytest.mark.parametrize(
    ("avant", "v1", "v2", "phrase"),
    [
        (
            CLUB_GARDE,
            "dont le mode de garde (V1)",
            "dont le mode de garde (V2)",
            "Annexe 1 (2025) : la description de l'action « club-emploi » est modifiée.",
        ),
        (
            CLUB_PUBLICS,
            CLUB_PUBLICS.replace("EPA, BPI, BPT", "BPT, EPA, BPI"),
            CLUB_PUBLICS.replace("EPA, BPI, BPT", "BPI, BPT, EPA"),
            "Annexe 1 (2025) : les publics de l'action « club-emploi » : ordre modifié.",
        ),
    ],
    ids=["description", "ordre"],
)
def test_a_change_read_alike_is_not_already_carried(ctai, tmp_path: Path, avant, v1, v2, phrase) -> None:
    """The same words for two different changes of a field (« est modifiée », « ordre modifié »):
    the second change gets its avenant, and validate --base does not call it a duplicate."""
    repo, contract = make_repo(tmp_path)
    git(repo, "tag", "base")  # the signed contract, before both changes
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, avant, v1)
    run = ctai("avenant", "new", contract, "--base", "base", "--date", "2025-03-01")
    assert run.code == 0, run.err
    assert f"  - {phrase}\n" in run.out
    edit(contract / "avenants" / "1.yaml", "signe: false", "signe: true")
    commit(repo, "Avenant 1, signé")
    edit(annexe, v1, v2)
    run = ctai("avenant", "new", contract, "--base", "base", "--date", "2025-04-01")
    assert run.code == 0, run.err
    assert run.out.startswith("Avenant n° 2 préparé : ")
    assert f"  - {phrase}\n" in run.out
    assert "déjà portée" not in run.out
    assert phrase in (contract / "avenants" / "2.yaml").read_text(encoding="utf-8")
    run = ctai("validate", contract, "--base", "base", "--date", QUIET_DATE, "--format", "json")
    assert run.code == 0, run.out
    assert not [d for d in json.loads(run.out)["diagnostics"] if d["code"] in CODES]


def test_an_action_added_then_changed_is_written_again(ctai, pull_request) -> None:
    """« ajout de l'action … (axe, porteur, budget) » does not say the action's other fields: after
    a change of its description, the addition is written again; the budget's « passe de A à B »,
    unchanged, stays carried by avenant 1."""
    repo, contract = pull_request
    assert ctai("avenant", "new", contract, "--date", "2025-03-01").code == 0
    edit(contract / "avenants" / "1.yaml", "signe: false", "signe: true")
    commit(repo, "Avenant 1, signé")
    annexe = contract / "actions" / "2025.yaml"
    edit(
        annexe, "    titre: Atelier numérique\n", "    titre: Atelier numérique\n    description: En ligne.\n"
    )
    run = ctai("avenant", "new", contract, "--date", "2025-04-01")
    assert run.code == 0, run.err
    assert run.out.startswith("Avenant n° 2 préparé : ")
    assert "  - Annexe 1 (2025) : ajout de l'action « atelier-numerique », intitulée" in run.out
    assert "(1 modification déjà portée par l'avenant n° 1 (avenants/1.yaml), non reprise)" in run.out
    text = (contract / "avenants" / "2.yaml").read_text(encoding="utf-8")
    assert "club-emploi" not in text
    run = ctai("validate", contract, "--base", "main", "--date", QUIET_DATE, "--format", "json")
    assert run.code == 0, run.out
    assert not [d for d in json.loads(run.out)["diagnostics"] if d["code"] in CODES]


SAVOIR_HABITER = (
    "Annexe 1 (2025) : le budget État de l'action « savoir-habiter » passe de 16\u202f000,00\u00a0€ "
    "à 17\u202f000,00\u00a0€ (+1\u202f000,00\u00a0€)"
)


def _w233(ctai, contract: Path) -> list[tuple[str, str]]:
    run = ctai("validate", contract, "--base", "base", "--date", QUIET_DATE, "--format", "json")
    assert run.code == 0, run.out  # a warning only
    return [
        (d["path"].rsplit("/", 2)[-2] + "/" + d["path"].rsplit("/", 1)[-1], d["message"])
        for d in json.loads(run.out)["diagnostics"]
        if d["code"] in CODES
    ]


def test_a_change_made_after_avenant_new_is_in_no_avenant(ctai, tmp_path: Path) -> None:
    """Once an avenant is added, E230 is satisfied: a later change that it does not write warns (W233);
    written into the avenant by hand, it no longer does."""
    repo, contract = make_repo(tmp_path)
    git(repo, "tag", "base")
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "    etat_bop104: 8000\n", "    etat_bop104: 11000\n")
    assert ctai("avenant", "new", contract, "--base", "base", "--date", "2025-03-01").code == 0
    assert _w233(ctai, contract) == []
    edit(annexe, "    etat_bop104: 16000\n", "    etat_bop104: 17000\n")
    [(chemin, message)] = _w233(ctai, contract)
    assert chemin == "actions/2025.yaml"
    base = git(repo, "rev-parse", "--short", "base")
    assert message == (
        f"la modification « {SAVOIR_HABITER} » n'est dans aucun avenant ajouté depuis {base} : "
        "l'avenant signé ne la dirait pas"
    )
    text = ctai("validate", contract, "--base", "base", "--date", QUIET_DATE).out
    assert f"actions/2025.yaml:1:1: avertissement CTAI-W233 la modification « {SAVOIR_HABITER} »" in text
    # Committed or not, the avenant is read the same way.
    commit(repo, "Avenant 1 et budget de savoir-habiter")
    assert [c for c, _ in _w233(ctai, contract)] == ["actions/2025.yaml"]
    avenant = contract / "avenants" / "1.yaml"
    text = avenant.read_text(encoding="utf-8")
    avenant.write_text(
        text.rstrip("\n") + "\n  - " + json.dumps(SAVOIR_HABITER + ".", ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert _w233(ctai, contract) == []


def test_a_second_avenant_new_carries_the_later_change(ctai, tmp_path: Path) -> None:
    repo, contract = make_repo(tmp_path)
    git(repo, "tag", "base")
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "    etat_bop104: 8000\n", "    etat_bop104: 11000\n")
    assert ctai("avenant", "new", contract, "--base", "base", "--date", "2025-03-01").code == 0
    edit(annexe, "    etat_bop104: 16000\n", "    etat_bop104: 17000\n")
    assert len(_w233(ctai, contract)) == 1
    run = ctai("avenant", "new", contract, "--base", "base", "--date", "2025-03-02")
    assert run.code == 0, run.err
    assert f"  - {SAVOIR_HABITER}.\n" in run.out
    assert _w233(ctai, contract) == []
    # Changed again after avenant 1: « passe de 8 000 à 12 000 » is in neither avenant.
    edit(annexe, "    etat_bop104: 11000\n", "    etat_bop104: 12000\n")
    [(_, message)] = _w233(ctai, contract)
    assert "« club-emploi » passe de 8\u202f000,00\u00a0€ à 12\u202f000,00\u00a0€" in message


@pytest.mark.parametrize(
    ("avant", "apres"),
    [
        (CLUB_GARDE, "dont le mode de garde (modifié)"),
        (CLUB_PUBLICS, CLUB_PUBLICS.replace("EPA, BPI, BPT", "BPT, EPA, BPI")),
        (None, NEW_ACTION),
    ],
    ids=["description", "ordre", "ajout"],
)
def test_a_sentence_without_its_value_is_never_checked(ctai, tmp_path: Path, avant, apres) -> None:
    """« est modifiée », « ordre modifié », « ajout de l'action … » cannot be matched: no W233."""
    repo, contract = make_repo(tmp_path)
    git(repo, "tag", "base")
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "    etat_bop104: 8000\n", "    etat_bop104: 11000\n")
    assert ctai("avenant", "new", contract, "--base", "base", "--date", "2025-03-01").code == 0
    if avant is None:
        annexe.write_text(annexe.read_text(encoding="utf-8") + apres, encoding="utf-8")
    else:
        edit(annexe, avant, apres)
    diff = ctai("avenant", "diff", contract, "--base", "base").out
    assert "Annexe 1 (2025)" in diff
    assert _w233(ctai, contract) == []

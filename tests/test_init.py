"""ctai init: a new contract repository that validates at once, and its CI files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from jsonschema import Draft202012Validator

from ctai_cli import scaffold
from ctai_cli.repository import FILE_KINDS
from ctai_cli.yamlread import parse_text
from tests.conftest import ROOT

DOCS_CI = {
    "github": ROOT / "docs" / "ci" / "github-actions.yml",
    "gitlab": ROOT / "docs" / "ci" / "gitlab-ci.yml",
}
GENERATED_CI = {"github": ".github/workflows/ctai.yml", "gitlab": ".gitlab-ci.yml"}
MODELINE = "# yaml-language-server: $schema="
MARKER = "<!-- ctai avenant diff -->"


YEAR = date.today().year


def _init(ctai, *args: object):
    """``ctai init`` with the period that the command requires, when the test gives none."""
    extra = [] if "--debut" in args else ["--debut", str(YEAR)]
    extra += [] if "--fin" in args else ["--fin", str(YEAR + 2)]
    return ctai("init", *args, *extra)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _validate_json(ctai, path: Path, *extra: str) -> dict:
    done = ctai("validate", path, "--format", "json", *extra)
    report = json.loads(done.out)
    report["code"] = done.code
    return report


# The skeleton's values that only the signed contract gives (articles 1, 3, 5, 6, 7 and 8), the
# annexe (the State's credits) and the porteur's type: written « non précisé » (CTAI-W250),
# never Dax's « true », « 2 », « 1er juin », « commune » or « 0 ».
A_PRECISER = [
    "« gouvernance.copil_min_par_an » : non précisé",
    "« gouvernance.bilan » : non précisé",
    "« report_reliquats » : non précisé",
    "« agir.convention_locale » : non précisé",
    "« refugies_info » : non précisé",
    *(f"« axes[{i}].mobilise_bop104 » : non précisé" for i in range(6)),
    "« actions[0].budget.etat_bop104 » : non précisé",
    "« porteurs[0].type » : non précisé",
]
DEPARTEMENT_A_PRECISER = "« departement » : non précisé"


def _hors_a_completer(report: dict) -> list[dict]:
    """The diagnostics besides the skeleton's placeholders: « À COMPLÉTER » (CTAI-W252) and the
    gouvernance's « non précisé » (CTAI-W250)."""
    a_preciser = [d["message"] for d in report["diagnostics"] if d["code"] == "CTAI-W250"]
    sans_departement = [m for m in a_preciser if m != DEPARTEMENT_A_PRECISER]
    assert len(a_preciser) - len(sans_departement) <= 1  # without --departement
    assert sorted(sans_departement) == sorted(A_PRECISER)
    return [d for d in report["diagnostics"] if d["code"] not in ("CTAI-W252", "CTAI-W250")]


def _kind(rel: str) -> str:
    folder = rel.split("/")[0] if "/" in rel else None
    return next(k.name for k in FILE_KINDS.values() if (k.folder == folder and folder) or k.filename == rel)


# --- the scaffold validates -----------------------------------------------------------


def test_init_then_validate_without_any_diagnostic(ctai, tmp_path: Path) -> None:
    target = tmp_path / "nouveau" / "contrat-dax"  # parents are created
    done = _init(ctai, target, "--territoire", "Dax", "--departement", "40")
    assert done.code == 0, done.err
    for shown in ("contrat.yaml", "porteurs.yaml", f"actions/{date.today().year}.yaml", "README.md"):
        assert shown in done.out
    assert "ctai validate" in done.out and "provisoire" not in done.out
    # The publics are a value the model requires: grep finds them to complete (final review)
    publics = next(
        line
        for line in (target / "contrat.yaml").read_text(encoding="utf-8").splitlines()
        if line.startswith("publics:")
    )
    assert "À COMPLÉTER" in publics.partition("#")[2]
    # The contract's bilan deadline is « non précisé »: the README does not state Dax's
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "juin" not in readme and "échéance que fixe le contrat" in readme
    report = _validate_json(ctai, target)
    assert report["code"] == 0
    # No other warning, at today's date: only the placeholders left to fill (CTAI-W252), one
    # per « À COMPLÉTER » value of the files.
    assert _hors_a_completer(report) == []
    valeurs = sum(
        line.split("#")[0].count("À COMPLÉTER")
        for rel in ("contrat.yaml", "porteurs.yaml", f"actions/{date.today().year}.yaml")
        for line in (target / rel).read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    )
    assert valeurs > 0
    assert sum(d["code"] == "CTAI-W252" for d in report["diagnostics"]) == valeurs
    assert _validate_json(ctai, target, "--strict")["code"] == 1  # not ready to sign as it is
    assert report["summary"]["files"] == 3
    contrat = yaml.safe_load((target / "contrat.yaml").read_text(encoding="utf-8"))
    assert contrat["territoire"] == "Dax" and contrat["departement"] == "40"
    assert contrat["statut"] == "projet"
    year = YEAR
    assert contrat["periode"] == {"debut": year, "fin": year + 2}
    assert contrat["publics"] == ["EPA", "BPI"]  # the national programme's; BPT only if the contract says
    assert (contrat["imputation"]["programme"], contrat["imputation"]["action"]) == (104, 12)
    assert contrat["annexes"] == [
        {"numero": 1, "titre": f"Fiches-actions {year}", "fichier": f"actions/{year}.yaml"}
    ]
    assert sorted(p["role"] for p in contrat["parties"]) == ["collectivite", "etat"]
    assert "À COMPLÉTER" in contrat["parties"][0]["nom"]
    actions = yaml.safe_load((target / "actions" / f"{year}.yaml").read_text(encoding="utf-8"))
    (action,) = actions["actions"]
    # No invented target: the sample objective is a comment, the sample titre a placeholder
    assert action["objectifs"] == [] and "etat_bop104" in action["budget"]
    assert "À COMPLÉTER" in action["titre"]
    porteurs = yaml.safe_load((target / "porteurs.yaml").read_text(encoding="utf-8"))
    assert [p["id"] for p in porteurs["porteurs"]] == [action["porteur"]]


def test_defaults_are_valid_placeholders(ctai, tmp_path: Path) -> None:
    done = _init(ctai, tmp_path)
    assert done.code == 0, done.err
    assert "département n'est pas donné" in done.out  # the département placeholder is pointed out
    report = _validate_json(ctai, tmp_path)
    assert report["code"] == 0
    # Never a real code (review 20, finding 1): « non précisé », flagged by validate.
    assert [d["message"] for d in report["diagnostics"] if "departement" in d["message"]] == [
        DEPARTEMENT_A_PRECISER
    ]
    text = (tmp_path / "contrat.yaml").read_text(encoding="utf-8")
    contrat = yaml.safe_load(text)
    assert contrat["territoire"] == "À COMPLÉTER"
    assert contrat["departement"] == "non précisé"
    departement_line = next(line for line in text.splitlines() if line.startswith("departement:"))
    assert "À COMPLÉTER" in departement_line  # grep finds it too


def test_a_skeleton_is_never_filed_under_a_real_departement(ctai, tmp_path: Path) -> None:
    assert _init(ctai, tmp_path / "a", "--ci", "aucun").code == 0
    assert _init(ctai, tmp_path / "b", "--ci", "aucun", "--territoire", "Dax").code == 0
    assert _init(ctai, tmp_path / "c", "--ci", "aucun", "--territoire", "Dax").code == 0
    done = ctai("aggregate", tmp_path / "a", tmp_path / "b", tmp_path / "c", "--annee", str(YEAR))
    assert done.code == 0, done.err
    assert "À COMPLÉTER (non précisé)" in done.out
    par_departement = done.out.split("par département")[1].split("par axe")[0]
    assert [line.split(":")[0].strip() for line in par_departement.splitlines()[1:] if line.strip()] == [
        "non précisé"
    ]
    # Two « Dax » whose département is unknown are not declared one contract given twice.
    assert "deux fois" not in done.out + done.err


@pytest.mark.parametrize("args", [[], ["--debut", "2027"], ["--fin", "2029"]])
def test_the_period_is_required_never_supposed(ctai, tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "contrat"
    done = ctai("init", target, *args)
    assert done.code == 2
    manquent = [o for o in ("--debut", "--fin") if o not in args]
    assert done.err.startswith(f"ctai : {' et '.join(manquent)} manque")
    assert "période du contrat (article 2)" in done.err and "ne la suppose pas" in done.err
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "debut", "fin", "quiet"),
    [
        (["--debut", "2030", "--fin", "2032"], 2030, 2032, "2030-12-31"),
        (["--debut", "2030", "--fin", "2030"], 2030, 2030, "2030-12-31"),
        (["--debut", "2024", "--fin", "2026"], 2024, 2026, "2024-12-31"),
        (["--debut", "2099", "--fin", "2100"], 2099, 2100, "2099-12-31"),
    ],
)
def test_periods_validate_before_the_first_bilan_is_due(
    ctai, tmp_path: Path, args: list[str], debut: int, fin: int, quiet: str
) -> None:
    assert _init(ctai, tmp_path, *args).code == 0
    assert yaml.safe_load((tmp_path / "contrat.yaml").read_text(encoding="utf-8"))["periode"] == {
        "debut": debut,
        "fin": fin,
    }
    assert (tmp_path / "actions" / f"{debut}.yaml").is_file()
    assert _hors_a_completer(_validate_json(ctai, tmp_path, "--date", quiet)) == []


def test_a_past_start_only_brings_the_missing_bilan_question(ctai, tmp_path: Path) -> None:
    assert ctai("init", tmp_path, "--debut", "2024", "--fin", "2026").code == 0
    report = _validate_json(ctai, tmp_path, "--date", "2025-01-02")
    assert report["code"] == 0
    # 2024 is over and has no bilan; the skeleton states no deadline, so it is a question
    # (W254), not « due on 1 June » (W214).
    (question,) = _hors_a_completer(report)
    assert question["code"] == "CTAI-W254" and "aucun bilan pour 2024" in question["message"]


@pytest.mark.parametrize(
    ("given", "written"),
    [("2a", "2A"), ("2B", "2B"), ("5", "05"), ("974", "974"), (" 40 ", "40"), ("95", "95")],
)
def test_departement_is_normalised(ctai, tmp_path: Path, given: str, written: str) -> None:
    assert _init(ctai, tmp_path, "--departement", given).code == 0
    assert yaml.safe_load((tmp_path / "contrat.yaml").read_text(encoding="utf-8"))["departement"] == written
    assert _validate_json(ctai, tmp_path)["code"] == 0


@pytest.mark.parametrize(
    "territoire",
    ["Saint-Denis", 'Ville "nouvelle" : test # pas un commentaire', "L'Haÿ-les-Roses", "NO", "[x]"],
)
def test_territoire_is_written_safely(ctai, tmp_path: Path, territoire: str) -> None:
    assert _init(ctai, tmp_path, "--territoire", territoire).code == 0
    contrat = yaml.safe_load((tmp_path / "contrat.yaml").read_text(encoding="utf-8"))
    assert contrat["territoire"] == territoire
    assert territoire in contrat["intitule"]
    assert _hors_a_completer(_validate_json(ctai, tmp_path)) == []


# --- CI variants ----------------------------------------------------------------------


@pytest.mark.parametrize("ci", ["github", "gitlab", "aucun", "GitLab"])
def test_each_ci_variant_writes_its_file(ctai, tmp_path: Path, ci: str) -> None:
    done = _init(ctai, tmp_path, "--ci", ci)
    assert done.code == 0, done.err
    chosen = ci.lower()
    for name, rel in GENERATED_CI.items():
        path = tmp_path / rel
        if name == chosen:
            assert path.read_bytes() == DOCS_CI[name].read_bytes()
            assert rel in done.out
        else:
            assert not path.exists()
    assert not (tmp_path / ".github").exists() or chosen == "github"
    assert (tmp_path / ".pre-commit-config.yaml").is_file()
    assert _hors_a_completer(_validate_json(ctai, tmp_path)) == []


def test_default_ci_is_github(ctai, tmp_path: Path) -> None:
    assert _init(ctai, tmp_path).code == 0
    assert (tmp_path / GENERATED_CI["github"]).is_file()
    assert not (tmp_path / GENERATED_CI["gitlab"]).exists()


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_docs_ci_files_are_what_init_writes(ci: str) -> None:
    assert DOCS_CI[ci].read_text(encoding="utf-8") == scaffold.ci_text(ci), (
        f"{DOCS_CI[ci].relative_to(ROOT)} diffère de ce qu'écrit « ctai init --ci {ci} » : "
        f"ctai init /tmp/x --ci {ci} puis copiez /tmp/x/{GENERATED_CI[ci]} à sa place "
        "(ou corrigez ctai_cli/scaffold.py)"
    )


# --- never overwrite ------------------------------------------------------------------


def test_refuses_when_a_target_exists_and_writes_nothing(ctai, tmp_path: Path) -> None:
    (tmp_path / "contrat.yaml").write_bytes(b"ancien contrat\n")
    (tmp_path / "README.md").write_bytes(b"# mon README\n")
    (tmp_path / "notes.txt").write_bytes(b"autre")
    before = _files(tmp_path)
    done = _init(ctai, tmp_path, "--territoire", "Dax")
    assert done.code == 2
    assert "contrat.yaml" in done.err and "README.md" in done.err
    assert "porteurs.yaml" not in done.err  # only the existing ones are listed
    assert "--force" in done.err and "rien n'a été écrit" in done.err
    assert _files(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "contrat.yaml", "notes.txt"]


def test_refuses_for_a_single_nested_target(ctai, tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "bilan.schema.json").write_text("{}", encoding="utf-8")
    done = _init(ctai, tmp_path, "--ci", "gitlab")
    assert done.code == 2 and "schemas/bilan.schema.json" in done.err
    assert _files(tmp_path) == {"schemas/bilan.schema.json": b"{}"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schemas"]  # no actions/, no .gitlab-ci.yml


def test_force_replaces_and_the_result_validates(ctai, tmp_path: Path) -> None:
    (tmp_path / "contrat.yaml").write_text("ancien\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("gardé", encoding="utf-8")
    done = _init(ctai, tmp_path, "--force")
    assert done.code == 0, done.err
    assert "remplacé" in done.out
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "gardé"
    assert _hors_a_completer(_validate_json(ctai, tmp_path)) == []


def test_a_file_where_a_folder_is_needed_is_refused_even_with_force(ctai, tmp_path: Path) -> None:
    (tmp_path / "actions").write_text("pas un dossier", encoding="utf-8")
    done = _init(ctai, tmp_path, "--force")
    assert done.code == 2 and "actions" in done.err
    assert _files(tmp_path) == {"actions": b"pas un dossier"}


def test_target_that_is_a_file(ctai, tmp_path: Path) -> None:
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    done = _init(ctai, tmp_path / "fichier")
    assert done.code == 2 and "n'est pas un dossier" in done.err


def test_init_in_the_current_folder(ctai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _init(ctai, "--ci", "aucun").code == 0
    assert (tmp_path / "contrat.yaml").is_file()
    assert _validate_json(ctai, Path("."))["code"] == 0


# --- bad options ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--departement", "20"], "département « 20 » invalide"),
        (["--departement", "96"], "département « 96 » invalide"),
        (["--departement", "977"], "département « 977 » invalide"),
        (["--departement", "4O"], "2A, 2B, ou 971 à 976"),
        (["--departement", ""], "département «  » invalide"),
        (["--debut", "2027", "--fin", "2026"], "--fin 2026 est avant --debut 2027"),
        (["--debut", "1999"], "--debut 1999 invalide"),
        (["--debut", "2101"], "--debut 2101 invalide"),
        (["--debut", "2026", "--fin", "2101"], "--fin 2101 invalide : une année entre 2000 et 2100"),
        (
            ["--ci", "jenkins"],
            "intégration continue « jenkins » inconnue ; choix possibles : github, gitlab, aucun",
        ),
        (["--territoire", "  "], "territoire vide"),
        (["--territoire", "Dax\nPau"], "tenir sur une ligne"),
    ],
)
def test_bad_options_exit_2_in_french_and_write_nothing(
    ctai, tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "contrat"
    done = _init(ctai, target, *args)
    assert done.code == 2
    assert message in done.err
    assert done.err.startswith("ctai : ")
    assert not target.exists()


# --- the files themselves -------------------------------------------------------------


@pytest.fixture
def generated(ctai, tmp_path: Path) -> Path:
    assert _init(ctai, tmp_path, "--territoire", "Dax", "--departement", "40").code == 0
    return tmp_path


def test_generated_yaml_parses_with_ctai_and_points_editors_at_a_schema(generated: Path) -> None:
    contract_files = [
        p.relative_to(generated).as_posix()
        for p in generated.rglob("*.yaml")
        if not p.relative_to(generated).as_posix().startswith(".")
    ]
    assert sorted(contract_files) == sorted(
        ["contrat.yaml", "porteurs.yaml", f"actions/{date.today().year}.yaml"]
    )
    for rel in contract_files:
        path = generated / rel
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0]
        assert first.startswith(MODELINE), rel
        schema_path = (path.parent / first[len(MODELINE) :]).resolve()
        assert schema_path == (generated / "schemas" / FILE_KINDS[_kind(rel)].schema).resolve()
        doc, diags = parse_text(text, rel)
        assert diags == [], rel
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        assert list(Draft202012Validator(schema).iter_errors(doc.data)) == [], rel


def test_generated_schemas_are_ctais(generated: Path) -> None:
    from ctai_cli.schemas import build_schemas

    expected = build_schemas()
    assert {p.name: p.read_text(encoding="utf-8") for p in (generated / "schemas").iterdir()} == expected


def test_every_generated_file_is_valid_yaml_or_markdown(generated: Path) -> None:
    for rel, content in _files(generated).items():
        text = content.decode("utf-8")
        assert text.endswith("\n") and "\t" not in text, rel
        if rel.endswith((".yaml", ".yml")):
            assert isinstance(yaml.safe_load(text), dict), rel
        elif rel.endswith(".json"):
            json.loads(text)
        else:
            assert rel == "README.md"


def test_readme_explains_the_usual_tasks(generated: Path) -> None:
    readme = (generated / "README.md").read_text(encoding="utf-8")
    for needle in (
        "ctai validate",
        "ctai bilan render",
        "avenants/1.yaml",
        "ctai avenant diff",
        "pre-commit install",
    ):
        assert needle in readme
    assert scaffold.CTAI_PIP in readme


def test_documents_render_from_the_scaffold(ctai, generated: Path) -> None:
    year = str(date.today().year)
    contrat = ctai("contrat", "render", generated)
    assert contrat.code == 0, contrat.err
    assert "programme 104, action 12" in contrat.out
    fiche = ctai("fiche", "render", generated, "--annee", year)
    assert fiche.code == 0, fiche.err
    assert "Coordination et animation du CTAI" in fiche.out


def test_placeholders_are_all_greppable(generated: Path) -> None:
    contrat = (generated / "contrat.yaml").read_text(encoding="utf-8")
    assert contrat.count("À COMPLÉTER") >= 10
    data = yaml.safe_load(contrat)
    etat = next(p for p in data["parties"] if p["role"] == "etat")
    assert etat["nom"] == etat["representant"]["nom"] == "À COMPLÉTER"


def test_precommit_config_uses_the_ctai_hook(generated: Path) -> None:
    config = yaml.safe_load((generated / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["rev"] == scaffold.CTAI_REV and repo["repo"] == scaffold.CTAI_GIT_URL
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in repo["hooks"]] == [hooks[0]["id"]] == ["ctai-validate"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git absent")
def test_generated_folder_is_ready_for_git(ctai, generated: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
            cwd=generated,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "--no-verify", "-m", "Contrat CTAI : création")
    tracked = set(git("ls-files").splitlines())
    assert set(_files(generated)) - {p for p in _files(generated) if p.startswith(".git/")} == tracked
    assert git("status", "--porcelain") == ""
    assert _hors_a_completer(_validate_json(ctai, generated)) == []


# --- the CI files ---------------------------------------------------------------------


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_ci_files_are_valid_yaml(ci: str) -> None:
    data = yaml.safe_load(DOCS_CI[ci].read_text(encoding="utf-8"))
    if ci == "github":
        # PyYAML reads the key « on » as the boolean true (YAML 1.1); GitHub reads it as "on".
        assert data[True] == {"pull_request": None}
        assert data["permissions"]["pull-requests"] == "write"
        steps = data["jobs"]["contrat"]["steps"]
        assert steps[0]["with"]["fetch-depth"] == 0
        runs = [s["run"] for s in steps if "run" in s]
    else:
        job = data["ctai"]
        assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
        assert job["variables"]["GIT_DEPTH"] == "0"
        runs = job["before_script"] + job["script"]
    text = "\n".join(runs)
    assert 'ctai validate --base "' in text
    assert 'ctai avenant diff --base "' in text and "--format md > avenant-diff.md" in text
    assert scaffold.CTAI_PIP in text


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_ci_files_match_the_official_schemas(ci: str) -> None:
    pytest.importorskip("check_jsonschema")
    schema = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}[ci]
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(DOCS_CI[ci])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _github_runs() -> list[str]:
    data = yaml.safe_load(DOCS_CI["github"].read_text(encoding="utf-8"))
    return [s["run"] for s in data["jobs"]["contrat"]["steps"] if "run" in s]


def test_ci_shell_is_valid_and_free_of_expression_injection() -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash absent")
    gitlab = yaml.safe_load(DOCS_CI["gitlab"].read_text(encoding="utf-8"))["ctai"]
    scripts = [*_github_runs(), "\n".join(gitlab["before_script"] + gitlab["script"])]
    for script in scripts:
        # GitHub expressions go through env:, never pasted into a script.
        assert "${{" not in script
        done = subprocess.run([bash, "-n"], input=script, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr


FAKE_GH = """\
import json, os, subprocess, sys
args = sys.argv[1:]
stdin = sys.stdin.read() if "--input" in args else None
with open(os.environ["FAKE_GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"args": args, "stdin": stdin}) + "\\n")
if args[0] == "api" and "--jq" in args:
    expr = args[args.index("--jq") + 1]
    out = subprocess.run(["jq", "-r", expr], input=os.environ["FAKE_GH_COMMENTS"], text=True,
                         capture_output=True, check=True).stdout
    sys.stdout.write(out)
"""


@pytest.mark.parametrize(
    ("comments", "expected"),
    [
        ([{"id": 1, "body": "LGTM"}], "create"),
        (
            [
                {"id": 1, "body": "LGTM"},
                {"id": 42, "body": MARKER + "\nancien résumé"},
                {"id": 43, "body": MARKER + "\nautre"},
            ],
            "update 42",
        ),
    ],
)
def test_github_comment_step_creates_then_updates(tmp_path: Path, comments: list, expected: str) -> None:
    if shutil.which("bash") is None or shutil.which("jq") is None:
        pytest.skip("bash ou jq absent")
    (script,) = [run for run in _github_runs() if "gh " in run]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
    gh.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    (work / "avenant-diff.md").write_text("## Changements\n\n- axe 3 : budget + 1 000 €\n", encoding="utf-8")
    log = tmp_path / "gh.log"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "FAKE_GH_LOG": str(log),
        "FAKE_GH_COMMENTS": json.dumps(comments),
        "GITHUB_REPOSITORY": "territoire/ctai-dax",
        "PR": "7",
        "GH_TOKEN": "x",
    }
    # GitHub runs `run:` with bash -e -o pipefail.
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    body = MARKER + "\n## Changements\n\n- axe 3 : budget + 1 000 €\n"
    assert calls[0]["args"][:3] == ["api", "--paginate", "repos/territoire/ctai-dax/issues/7/comments"]
    if expected == "create":
        assert calls[1]["args"] == [
            "pr", "comment", "7", "--repo", "territoire/ctai-dax", "--body-file", "commentaire.md"
        ]  # fmt: skip
        assert (work / "commentaire.md").read_text(encoding="utf-8") == body
    else:
        assert calls[1]["args"][:4] == [
            "api",
            "--method",
            "PATCH",
            "repos/territoire/ctai-dax/issues/comments/42",
        ]
        assert json.loads(calls[1]["stdin"]) == {"body": body}
    assert len(calls) == 2


class _FakeGitLab(BaseHTTPRequestHandler):
    # Replaced by fresh lists in each test's subclass (fixture fake_gitlab).
    notes: ClassVar[list[dict]] = []
    requests: ClassVar[list[tuple[str, str, dict | None, str | None]]] = []

    def _answer(self, payload: object) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> dict | None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.requests.append((self.command, self.path, body, self.headers.get("PRIVATE-TOKEN")))
        return body

    def do_GET(self) -> None:
        self._record()
        self._answer(self.notes)

    def do_POST(self) -> None:
        self._answer({"id": 1, "body": self._record()["body"]})

    def do_PUT(self) -> None:
        self._answer({"id": 2, "body": self._record()["body"]})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_gitlab() -> Iterator[tuple[str, type[_FakeGitLab]]]:
    handler = type("Handler", (_FakeGitLab,), {"notes": [], "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v4", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _gitlab_note_script() -> str:
    job = yaml.safe_load(DOCS_CI["gitlab"].read_text(encoding="utf-8"))["ctai"]
    (entry,) = [s for s in job["script"] if "<<'EOF'" in s]
    lines = entry.splitlines()
    return "\n".join(lines[1 : lines.index("EOF")]) + "\n"


@pytest.mark.parametrize("existing", [False, True])
def test_gitlab_note_step_creates_then_updates(tmp_path: Path, fake_gitlab, existing: bool) -> None:
    url, handler = fake_gitlab
    if existing:
        # Most recent first (sort=desc): the latest summary is the one updated.
        handler.notes = [
            {"id": 5, "body": "merci"},
            {"id": 9, "body": MARKER + "\nancien"},
            {"id": 4, "body": MARKER + "\nplus ancien"},
        ]
    (tmp_path / "avenant-diff.md").write_text("## Changements\n", encoding="utf-8")
    env = {
        **os.environ,
        "CTAI_GITLAB_TOKEN": "jeton",
        "CI_API_V4_URL": url,
        "CI_PROJECT_ID": "12",
        "CI_MERGE_REQUEST_IID": "3",
    }
    done = subprocess.run(
        [sys.executable, "-"],
        input=_gitlab_note_script(),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    notes = "/api/v4/projects/12/merge_requests/3/notes"
    (get, write) = handler.requests
    assert get[0] == "GET" and get[1].startswith(notes + "?") and "sort=desc" in get[1]
    assert {r[3] for r in handler.requests} == {"jeton"}
    if existing:
        assert write[:2] == ("PUT", notes + "/9")
    else:
        assert write[:2] == ("POST", notes)
    assert write[2] == {"body": MARKER + "\n## Changements\n"}


def test_gitlab_note_step_without_token_posts_nothing(tmp_path: Path, fake_gitlab) -> None:
    url, handler = fake_gitlab
    (tmp_path / "avenant-diff.md").write_text("x\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CTAI_GITLAB_TOKEN"}
    env |= {"CI_API_V4_URL": url, "CI_PROJECT_ID": "12", "CI_MERGE_REQUEST_IID": "3"}
    done = subprocess.run(
        [sys.executable, "-"],
        input=_gitlab_note_script(),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "CTAI_GITLAB_TOKEN" in done.stdout
    assert handler.requests == []


# --- French of the README -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("territoire", "departement", "attendu"),
    [
        ("Issoire", "63", "(CTAI) d'Issoire sous forme"),
        ("Le Puy-en-Velay", "43", "(CTAI) du Puy-en-Velay sous forme"),
        ("Les Martres-de-Veyre", "63", "(CTAI) des Martres-de-Veyre sous forme"),
        ("Puy-de-Dôme", "63", "(CTAI) du Puy-de-Dôme sous forme"),
        ("Dax", None, "(CTAI) de Dax sous forme"),
        (None, None, "(CTAI) de À COMPLÉTER sous forme"),
    ],
)
def test_readme_names_the_territory_as_the_documents_do(
    ctai, tmp_path: Path, territoire: str | None, departement: str | None, attendu: str
) -> None:
    """« (CTAI) de Issoire », « de Le Puy-en-Velay » (review 20, finding 7): the documents' helper."""
    args = [tmp_path, "--ci", "aucun"]
    args += ["--territoire", territoire] if territoire else []
    args += ["--departement", departement] if departement else []
    assert _init(ctai, *args).code == 0
    readme = " ".join((tmp_path / "README.md").read_text(encoding="utf-8").split())
    assert attendu in readme
    assert " de Le " not in readme and " de Les " not in readme and " de Issoire" not in readme


# --- the avenant diff is published even when validation fails (review 20, finding 3) -----

FAKE_CTAI = """\
import os, sys
verb = sys.argv[1:3]
if verb[0] == "validate":
    print("contrat.yaml:1:1: erreur CTAI-E100 …")
    sys.exit(int(os.environ["FAKE_VALIDATE"]))
if verb == ["avenant", "diff"]:
    code = int(os.environ["FAKE_DIFF"])
    if code == 0:
        print("## Modifications du contrat de Dax")
    sys.exit(code)
sys.exit(99)
"""


def _fake_ctai(tmp_path: Path, validate: int, diff: int) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ctai"
    fake.write_text(f"#!{sys.executable}\n{FAKE_CTAI}", encoding="utf-8")
    fake.chmod(0o755)
    return {
        **{k: v for k, v in os.environ.items() if k != "CTAI_GITLAB_TOKEN"},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "FAKE_VALIDATE": str(validate),
        "FAKE_DIFF": str(diff),
        "BASE": "origin/main",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
    }


def test_github_diff_and_comment_steps_run_after_a_failed_validation() -> None:
    data = yaml.safe_load(DOCS_CI["github"].read_text(encoding="utf-8"))
    steps = {s.get("name"): s for s in data["jobs"]["contrat"]["steps"]}
    valider = steps["Valider le contrat"]
    assert "if" not in valider and "continue-on-error" not in valider  # its failure fails the job
    resume = steps["Résumer les changements du contrat"]
    # Not after a failed installation (no ctai to run), but after a failed validation.
    assert resume["if"] == "${{ !cancelled() && steps.installer.outcome == 'success' }}"
    assert steps["Installer ctai"]["id"] == "installer" and resume["id"] == "resume"
    publier = steps["Publier le résumé en commentaire"]
    condition = " ".join(publier["if"].split())
    assert condition.startswith("${{ !cancelled() && steps.resume.outcome != 'skipped'")
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "mis à jour à chaque nouveau commit, que la" in DOCS_CI["github"].read_text(encoding="utf-8")


@pytest.mark.parametrize(("diff", "attendu"), [(0, "## Modifications du contrat de Dax"), (3, "non produit")])
def test_github_diff_step_always_leaves_a_summary(tmp_path: Path, diff: int, attendu: str) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash absent")
    (script,) = [run for run in _github_runs() if "ctai avenant diff --base" in run]
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=_fake_ctai(tmp_path, validate=1, diff=diff),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == diff, done.stderr
    # A failed summary replaces the old comment with a sentence saying so, never leaves it stale.
    assert attendu in (tmp_path / "avenant-diff.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("validate", "diff", "code", "attendu"),
    [
        (1, 0, 1, "## Modifications du contrat de Dax"),
        (2, 0, 2, "## Modifications du contrat de Dax"),
        (0, 0, 0, "## Modifications du contrat de Dax"),
        (0, 3, 3, "« ctai avenant diff » a échoué (code 3"),
        (1, 3, 1, "« ctai avenant diff » a échoué (code 3"),
    ],
)
def test_gitlab_job_summarises_then_exits_with_validations_code(
    tmp_path: Path, validate: int, diff: int, code: int, attendu: str
) -> None:
    if shutil.which("bash") is None or shutil.which("python3") is None:
        pytest.skip("bash ou python3 absent")
    job = yaml.safe_load(DOCS_CI["gitlab"].read_text(encoding="utf-8"))["ctai"]
    assert job["artifacts"] == {"when": "always", "paths": ["avenant-diff.md"]}
    # GitLab runs the script's lines in one shell that stops at the first failing command.
    script = "\n".join(job["script"])
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=_fake_ctai(tmp_path, validate=validate, diff=diff),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == code, done.stdout + done.stderr
    assert attendu in (tmp_path / "avenant-diff.md").read_text(encoding="utf-8")
    assert "résumé non publié" in done.stdout  # the note step ran (no token here)


# --- no Dax fact as the new contract's (review 20, finding 2) ------------------------------


def test_no_fact_of_dax_is_written_as_the_new_contracts(ctai, tmp_path: Path) -> None:
    assert _init(ctai, tmp_path, "--territoire", "Issoire", "--departement", "63", "--ci", "aucun").code == 0
    contrat = yaml.safe_load((tmp_path / "contrat.yaml").read_text(encoding="utf-8"))
    assert [a["mobilise_bop104"] for a in contrat["axes"]] == ["non précisé"] * 6
    assert "invites" not in contrat["gouvernance"]
    collectivite = next(p for p in contrat["parties"] if p["role"] == "collectivite")
    assert "type" not in collectivite
    assert contrat["publics"] == ["EPA", "BPI"]
    (action,) = yaml.safe_load((tmp_path / "actions" / f"{YEAR}.yaml").read_text(encoding="utf-8"))["actions"]
    assert "nouvelle" not in action and action["budget"]["etat_bop104"] == "non précisé"
    assert "BPT" not in action["publics"]
    (porteur,) = yaml.safe_load((tmp_path / "porteurs.yaml").read_text(encoding="utf-8"))["porteurs"]
    assert porteur["type"] == "non précisé"
    # Dax's values stay as commented examples, said to be Dax's.
    text = (tmp_path / "contrat.yaml").read_text(encoding="utf-8")
    for dax in ("Opérateur AGIR, Porteurs de projets du CTAI", "[EPA, BPI, BPT]", "false pour les axes"):
        (line,) = [line for line in text.splitlines() if dax in line]
        assert line.lstrip().startswith("#"), line
    assert "à Dax" in text.split("Opérateur AGIR, Porteurs")[0].rsplit("\n", 2)[-2]

    # Once every « À COMPLÉTER » is replaced, the documents print nothing of Dax's.
    for path in tmp_path.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("À COMPLÉTER", "Texte"), encoding="utf-8")
    assert _validate_json(ctai, tmp_path)["code"] == 0
    document = ctai("contrat", "render", tmp_path)
    assert document.code == 0, document.err
    assert "conviés" not in document.out and "Opérateur AGIR" not in document.out
    assert "BPT" not in document.out
    fiche = ctai("fiche", "render", tmp_path, "--annee", str(YEAR))
    assert fiche.code == 0, fiche.err
    assert "(nouvelle action)" not in fiche.out
    assert "crédits de l'État (BOP 104) **non précisés**" in fiche.out

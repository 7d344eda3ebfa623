"""Hostile and clumsy input (issue 10): each defect found by fuzzing has its regression test here.

Every test runs the real CLI (in-process through ``main``, or as a subprocess where a
hang or a crash of the interpreter is the risk) on real files made in a temporary
folder, and checks the exit code, the French message and that nothing was written or
replaced. The fuzz harness (tests/fuzz/) looks for new defects of the same classes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import QUIET_DATE, ROOT
from tests.gitutil import git_env  # noqa: F401 - the fixture that isolates git (autouse)

# Codes a case file of tests/cases/ cannot show (it would have to list every diagnostic).
CODES = ("CTAI-E015",)


def _validate(ctai, root: Path, *extra: str):
    run = ctai("validate", root, "--format", "json", "--date", QUIET_DATE, *extra)
    return run, json.loads(run.out) if run.out.startswith("{") else None


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# --- 1. integers beyond Python's 4 300-digit conversion limit ---------------------------


@pytest.mark.parametrize("digits", [31, 4301, 100_000])
def test_huge_integer_is_e014_not_a_crash(ctai, dax_copy: Path, digits: int) -> None:
    target = dax_copy / "actions" / "2024.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("annee: 2024\n", f"annee: {'9' * digits}\n"),
        encoding="utf-8",
    )
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1, run.err
    codes = [d["code"] for d in report["diagnostics"] if d["path"].endswith("actions/2024.yaml")]
    assert codes == ["CTAI-E014"]
    assert len(run.out) < 10_000


# --- 2. amounts that exact arithmetic cannot format -------------------------------------


@pytest.mark.parametrize("amount", ['"10000000000000000000000000000"', '"1000000000000.00"', "1000000000000"])
def test_amount_beyond_a_thousand_billion_is_refused(ctai, dax_copy: Path, amount: str) -> None:
    target = dax_copy / "actions" / "2024.yaml"
    text = target.read_text(encoding="utf-8")
    assert "montant: 25000}" in text
    target.write_text(text.replace("montant: 25000}", f"montant: {amount}}}", 1), encoding="utf-8")
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1, run.err
    (diagnostic,) = [d for d in report["diagnostics"] if d["code"] == "CTAI-E103"]
    assert "démesuré" in diagnostic["message"]
    for command in (["budget", "reconcile", dax_copy], ["bilan", "render", dax_copy, "--annee", "2024"]):
        refused = ctai(*command)
        assert refused.code == 2 and "erreur dans le contrat" in refused.err


# --- 12. a named pipe or a device in place of a contract file ---------------------------


def _subprocess(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ctai_cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/null"])
def test_special_file_in_place_of_a_contract_file_is_refused_without_reading(
    dax_copy: Path, special: str
) -> None:
    target = dax_copy / "porteurs.yaml"
    target.unlink()
    if special == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(special)
    # A subprocess: reading a pipe with no writer would block the test itself.
    done = _subprocess("validate", str(dax_copy), "--format", "json", "--date", QUIET_DATE, timeout=60)
    assert done.returncode == 1, done.stderr
    (diagnostic,) = [d for d in json.loads(done.stdout)["diagnostics"] if d["path"].endswith("porteurs.yaml")]
    assert diagnostic["code"] == "CTAI-E001"
    assert "pas un fichier ordinaire" in diagnostic["message"]


# --- 13. scalar alias amplification ------------------------------------------------------


def test_long_text_aliased_thousands_of_times_is_e008(ctai, dax_copy: Path) -> None:
    # 135 KB of YAML that would expand to 500 MB of values (and of messages quoting them).
    payload = 'zz: &a "' + "x" * 100_000 + '"\nyy: [' + ", ".join(["*a"] * 5_000) + "]\n"
    _append(dax_copy / "porteurs.yaml", payload)
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1
    (diagnostic,) = [d for d in report["diagnostics"] if d["path"].endswith("porteurs.yaml")]
    assert diagnostic["code"] == "CTAI-E008" and "caractères" in diagnostic["message"]
    assert len(run.out) < 10_000


def test_long_values_are_cut_in_messages(ctai, dax_copy: Path) -> None:
    target = dax_copy / "actions" / "2024.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(
        text.replace("montant: 25000}", 'montant: "' + "9," * 50_000 + '"}', 1), encoding="utf-8"
    )
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1
    (diagnostic,) = [d for d in report["diagnostics"] if d["code"] == "CTAI-E103"]
    assert len(diagnostic["message"]) < 300
    assert "100\u202f000 caractères" in diagnostic["message"]


# --- 14. a hundred thousand unknown keys -------------------------------------------------


def test_problems_beyond_200_in_a_file_are_counted_not_listed(ctai, dax_copy: Path) -> None:
    _append(dax_copy / "porteurs.yaml", "".join(f"k{i}: 1\n" for i in range(100_000)))
    text = ctai("validate", dax_copy, "--format", "text", "--date", QUIET_DATE)
    assert text.code == 1 and len(text.out) < 100_000
    run = ctai("validate", dax_copy, "--format", "json", "--date", QUIET_DATE)
    assert run.code == 1 and len(run.out) < 100_000
    report = json.loads(run.out)
    ours = [d for d in report["diagnostics"] if d["path"].endswith("porteurs.yaml")]
    assert [d["code"] for d in ours].count("CTAI-E100") == 200
    (summary,) = [d for d in ours if d["code"] == "CTAI-E015"]
    assert (
        "99\u202f800 autres problèmes" in summary["message"] or "99800 autres problèmes" in summary["message"]
    )


# --- 3, 18. writing: refused targets, OS errors, nothing half-written --------------------


def _render(ctai, dax: Path, *extra: object):
    return ctai("fiche", "render", dax, *extra)


def test_output_into_a_missing_folder_or_under_a_file_is_refused(ctai, tmp_path: Path) -> None:
    from tests.conftest import DAX

    run = _render(ctai, DAX, "-o", tmp_path / "absent" / "fiche.md")
    assert run.code == 2 and "le dossier" in run.err and "n'existe pas" in run.err
    assert not (tmp_path / "absent").exists()  # no folder created behind the user's back
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    run = _render(ctai, DAX, "-o", tmp_path / "fichier" / "fiche.md")
    assert run.code == 2 and "n'est pas un dossier" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize("kind", ["dossier", "tube", "lien"])
def test_force_replaces_only_a_regular_file(ctai, tmp_path: Path, kind: str) -> None:
    from tests.conftest import DAX

    target = tmp_path / "cible"
    if kind == "dossier":
        target.mkdir()
    elif kind == "tube":
        os.mkfifo(target)
    else:
        (tmp_path / "vrai.md").write_text("garder\n", encoding="utf-8")
        target.symlink_to(tmp_path / "vrai.md")
    before = os.lstat(target).st_mode
    run = _render(ctai, DAX, "-o", target, "--force")
    assert run.code == 2, run.err
    assert "ne le remplace pas" in run.err or "lien symbolique" in run.err
    assert os.lstat(target).st_mode == before
    if kind == "lien":
        assert (tmp_path / "vrai.md").read_text(encoding="utf-8") == "garder\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _limited_subprocess(args: list[str], max_bytes: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    """ctai with a file-size limit: writing past it fails with EFBIG, as on a full disk."""
    import resource
    import signal

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return subprocess.run(
        [sys.executable, "-m", "ctai_cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        preexec_fn=limit,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    from tests.conftest import DAX

    target = tmp_path / "fiche.md"
    target.write_text("ancienne version\n", encoding="utf-8")
    done = _limited_subprocess(["contrat", "render", str(DAX), "-o", str(target), "--force"], 1000, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "impossible d'écrire" in done.stderr and "Traceback" not in done.stderr
    assert target.read_text(encoding="utf-8") == "ancienne version\n"
    assert [p.name for p in tmp_path.iterdir()] == ["fiche.md"]


def test_init_on_a_full_disk_writes_nothing(tmp_path: Path) -> None:
    done = _limited_subprocess(
        ["init", str(tmp_path / "depot"), "--ci", "github", "--debut", "2026", "--fin", "2028"],
        3000,
        tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert "rien n'a été écrit" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_read_only_file_system_is_a_french_message(ctai, tmp_path: Path, monkeypatch) -> None:
    import errno
    import tempfile

    from tests.conftest import DAX

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    run = _render(ctai, DAX, "-o", tmp_path / "fiche.md")
    assert run.code == 2
    assert "lecture seule" in run.err and "Read-only" not in run.err


# --- 4. paths longer than the system allows ----------------------------------------------


def test_annexe_path_longer_than_the_system_allows(ctai, dax_copy: Path) -> None:
    contrat = dax_copy / "contrat.yaml"
    text = contrat.read_text(encoding="utf-8")
    assert "fichier: actions/2024.yaml" in text
    contrat.write_text(
        text.replace("fichier: actions/2024.yaml", "fichier: " + "a/" * 3000 + "x.yaml"), "utf-8"
    )
    run, report = _validate(ctai, dax_copy)
    assert run.code == 1, run.err
    assert [d["code"] for d in report["diagnostics"] if d["severity"] == "error"] == ["CTAI-E216"]


@pytest.mark.parametrize("name", ["a" * 300, "/".join(["b" * 200] * 30)])
def test_init_in_a_path_longer_than_the_system_allows(ctai, tmp_path: Path, name: str) -> None:
    run = ctai("init", tmp_path / name, "--debut", "2026", "--fin", "2028")
    assert run.code == 2
    assert "chemin trop long" in run.err


# --- 5. avenant numbers ------------------------------------------------------------------


@pytest.mark.parametrize("numero", ["²", "١", "9" * 4301, "1.0", "0x1"])
def test_avenant_number_must_be_ascii_digits(ctai, numero: str) -> None:
    from tests.conftest import DAX

    run = ctai("avenant", "render", DAX, numero)
    assert run.code == 2
    assert "numéro de l'avenant" in run.err


# --- 6, 7, 16. avenant new ---------------------------------------------------------------


@pytest.fixture
def signed_repo(tmp_path: Path):
    """The Dax contract committed on main, then a branch for the change (git isolated by git_env)."""
    from tests import gitutil

    repo, contract = gitutil.make_repo(tmp_path, sub="")
    gitutil.git(repo, "checkout", "-q", "-b", "modif")
    return repo, contract


def test_avenant_new_with_an_invalid_file_writes_nothing(ctai, signed_repo) -> None:
    from tests.gitutil import edit

    _, contract = signed_repo
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "    etat_bop104: 8000\n", "    etat_bop104: 9000\n")
    annexe.write_text(annexe.read_text(encoding="utf-8") + "  bogus: [\n", encoding="utf-8")
    run = ctai("avenant", "new", contract, "--base", "main")
    assert run.code == 2, run.err
    assert "impossible de décrire les modifications" in run.err and "actions/2025.yaml" in run.err
    assert not (contract / "avenants").exists()


def test_avenant_new_escapes_characters_yaml_cannot_hold(ctai, signed_repo) -> None:
    from tests.gitutil import edit

    _, contract = signed_repo
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "    etat_bop104: 8000\n", "    etat_bop104: 9000\n")
    text = annexe.read_text(encoding="utf-8")
    old = "titre: « Club » d'accès à l'emploi avec France Travail"
    assert old in text
    annexe.write_text(text.replace(old, 'titre: "Club \\x7f\\x85\\u0090\\ufffe\\u2028 emploi"', 1), "utf-8")
    run = ctai("avenant", "new", contract, "--base", "main", "--date", "2025-03-01")
    assert run.code == 0, run.err
    written = (contract / "avenants" / "1.yaml").read_text(encoding="utf-8")
    assert "\\x7F" in written and "\x7f" not in written and "\ufffe" not in written
    assert ctai("validate", contract, "--date", QUIET_DATE).code in (0, 1)
    assert not [
        d
        for d in json.loads(ctai("validate", contract, "-f", "json").out)["diagnostics"]
        if d["path"].endswith("avenants/1.yaml")
    ]


def test_avenant_new_does_not_read_an_endless_contrat_yaml(signed_repo, tmp_path: Path) -> None:
    from tests.gitutil import edit

    _, contract = signed_repo
    edit(contract / "actions" / "2025.yaml", "    etat_bop104: 8000\n", "    etat_bop104: 9000\n")
    (contract / "contrat.yaml").unlink()
    (contract / "contrat.yaml").symlink_to("/dev/zero")
    done = _subprocess("avenant", "new", str(contract), "--base", "main", timeout=60)
    assert done.returncode in (1, 2), done.stderr
    assert "Traceback" not in done.stderr


# --- 11, 15. user templates: every failure E303, bounded in time, memory and size ---------


def _template(ctai, tmp_path: Path, text: str):
    from tests.conftest import DAX

    folder = tmp_path / "modeles"
    folder.mkdir(exist_ok=True)
    (folder / "fiche.md.j2").write_text(text, encoding="utf-8")
    target = tmp_path / "sortie.md"
    run = ctai("fiche", "render", DAX, "--templates", folder, "-o", target)
    assert not target.exists(), "rien ne doit être écrit"
    return run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "récursion sans fin"),
        ("{% include 'fiche.md.j2' %}", "récursion sans fin"),
        ("{{ doc|length + 'x' }}", "mauvais type"),
        ("{{ 'é'.encode('ascii') }}", "encoder"),
        ("{{ ''|center(10**9) }}", "démesurée"),
        ("{{ 'x'|wordwrap(10**9) }}", "démesurée"),
        ("{{ '%0999999999d' % 1 }}", "démesurée"),
        ("{{ '%0999999999d'|format(1) }}", "démesurée"),
        ("{{ '{:>999999999}'.format(1) }}", "démesurée"),
        ("{{ 'a' * 10**9 }}", "démesurée"),
        ("{{ 7 ** 1000000000 }}", "démesurée"),
        ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "millions de caractères"),
    ],
)
def test_template_failures_are_e303_in_french(ctai, tmp_path: Path, text: str, expected: str) -> None:
    run = _template(ctai, tmp_path, text)
    assert run.code == 2
    assert "CTAI-E303" in run.err and expected in run.err, run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ none|int }}", "« int » appliqué à une valeur inconnue : elle ne vaut pas 0"),
        ("{{ 'non précisé'|int }}", "« int » appliqué à une valeur inconnue"),
        ("{{ '—'|float }}", "« float » appliqué à une valeur inconnue"),
        ("{{ 'douze'|int }}", "« int » appliqué à « douze », qui n'est pas un nombre"),
    ],
)
def test_int_and_float_never_turn_unknown_into_zero(ctai, tmp_path: Path, text: str, expected: str) -> None:
    run = _template(ctai, tmp_path, text)
    assert run.code == 2
    assert "CTAI-E303" in run.err and expected in run.err, run.err


def test_int_with_an_explicit_default_is_the_authors_choice(ctai, tmp_path: Path) -> None:
    from tests.conftest import DAX

    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "fiche.md.j2").write_text(
        "{{ none|int(7) }} {{ '12'|int }} {{ '2,5'|float(-1) }} {{ '2.5'|float }}"
    )
    target = tmp_path / "sortie.md"
    run = ctai("fiche", "render", DAX, "--templates", folder, "-o", target)
    assert run.code == 0, run.err
    assert target.read_text(encoding="utf-8").strip() == "7 12 -1 2.5"


def test_lipsum_is_not_available(ctai, tmp_path: Path) -> None:
    run = _template(ctai, tmp_path, "{{ lipsum(10**6) }}")
    assert run.code == 2 and "CTAI-E301" in run.err and "lipsum" in run.err


def test_template_time_budget(ctai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ctai_cli.documents import rendu

    monkeypatch.setattr(rendu, "DELAI_S", 1)
    run = _template(
        ctai, tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    assert run.code == 2 and "CTAI-E303" in run.err and "délai de 1 s dépassé" in run.err


def test_template_memory_budget(ctai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ctai_cli.documents import rendu

    if not Path("/proc/self/statm").exists():
        pytest.skip("budget mémoire : Linux seulement")
    monkeypatch.setattr(rendu, "MEMOIRE_MAX", 256 * 1024**2)
    # 900 000 × 1 000 characters: 0.9 GB in one replace.
    run = _template(ctai, tmp_path, "{% set x = 'y' * 900000 %}{{ x|replace('y', 'y' * 1000)|length }}")
    assert run.code == 2 and "CTAI-E303" in run.err and "mémoire épuisée" in run.err


def test_a_pipe_as_template_is_not_read(tmp_path: Path) -> None:
    from tests.conftest import DAX

    folder = tmp_path / "modeles"
    folder.mkdir()
    os.mkfifo(folder / "fiche.md.j2")
    done = _subprocess("fiche", "render", str(DAX), "--templates", str(folder), timeout=60)
    assert done.returncode == 2, done.stderr
    assert "CTAI-E300" in done.stderr and "pas un fichier ordinaire" in done.stderr


# --- 19. Markdown injection --------------------------------------------------------------


def test_markdown_links_and_images_from_the_data_stay_text(ctai, dax_copy: Path) -> None:
    from markdown_it import MarkdownIt

    annexe = dax_copy / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    old = "titre: « Club » d'accès à l'emploi avec France Travail"
    assert old in text
    payload = "Club ![pixel](http://espion.example/p.png) [clic](javascript:alert(1)) <http://x.example>"
    annexe.write_text(text.replace(old, f"titre: '{payload}'", 1), encoding="utf-8")
    md = ctai("fiche", "render", dax_copy, "club-emploi", "--annee", "2024").out
    html = MarkdownIt("commonmark").render(md)
    assert "<a " not in html and "<img" not in html
    assert "![pixel](http://espion.example/p.png)" in html  # shown as typed


# --- 20. terminal escape sequences in text reports ---------------------------------------


def test_escape_sequences_and_newlines_from_a_key_are_shown_not_sent(ctai, dax_copy: Path) -> None:
    _append(
        dax_copy / "porteurs.yaml", '"\\e]0;pwned\\a\\e[31mROUGE\\nfaux.yaml:1:1: erreur forgée\\u202e": 1\n'
    )
    run = ctai("validate", dax_copy, "--date", QUIET_DATE)
    assert run.code == 1
    assert "\x1b" not in run.out and "\x07" not in run.out and "\u202e" not in run.out
    assert "\\x1b]0;pwned" in run.out and "\\nfaux.yaml" in run.out
    assert not [line for line in run.out.splitlines() if line.startswith("faux.yaml")]


# --- also: --date in the documented form only ---------------------------------------------


@pytest.mark.parametrize("value", ["20250101", "2025-W01-1", "2025-1-1", "2025-02-30"])
def test_date_option_in_the_documented_form_only(ctai, value: str) -> None:
    from tests.conftest import DAX

    run = ctai("validate", DAX, "--date", value)
    assert run.code == 2 and "AAAA-MM-JJ" in run.err


def test_csv_cell_limit_does_not_depend_on_another_library(ctai, tmp_path: Path) -> None:
    """frictionless raises the csv module's process-wide limit on import; ours still holds."""
    import csv

    previous = csv.field_size_limit(sys.maxsize)
    try:
        rows = tmp_path / "p.csv"
        rows.write_text(f"id,nationalite\np1,{'A' * 140_000}\np2,MA\n", encoding="utf-8")
        run = ctai("eligibility", "check", "--batch", rows, "--date", "2024-11-01", "--format", "json")
        first = json.loads(run.out.splitlines()[0])
        assert first["verdict"] == "erreur" and "131\u202f072" in first["erreur"]["message"]
        assert csv.field_size_limit() == sys.maxsize  # restored
    finally:
        csv.field_size_limit(previous)

"""The opt-in cache of ``ctai validate``: same report as without it, never wrongly trusted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DAX, ROOT

EXAMPLES = ROOT / "examples"
DATE = "2026-11-23"  # the Dax example has an overdue bilan then: one warning


def _findings(tmp_path: Path) -> list[Path]:
    """Two broken copies of the Dax example: schema errors, cross-file errors, misnamed files."""
    one = tmp_path / "corpus" / "un"
    two = tmp_path / "corpus" / "deux"
    for target in (one, two):
        shutil.copytree(DAX, target)
    porteurs = one / "porteurs.yaml"
    porteurs.write_text(porteurs.read_text(encoding="utf-8").replace("id: ccas-dax", "id: ccas-dx"), "utf-8")
    actions = one / "actions" / "2024.yaml"
    actions.write_text(actions.read_text(encoding="utf-8").replace("annee: 2024", "annee: 2024\ninconnu: 1"))
    (one / "actions" / "2025.yaml").rename(one / "actions" / "2025.yml")
    contrat = two / "contrat.yaml"
    contrat.write_text(contrat.read_text(encoding="utf-8") + "clef_en_trop: oui\n", "utf-8")
    (two / "bilans" / "2024.yaml").write_text("annee: [\n", "utf-8")
    return [one, two]


def _json(ctai, *args: object) -> tuple[int, dict]:
    run = ctai("validate", *args, "--format", "json")
    assert run.err == "", run.err
    return run.code, json.loads(run.out)


@pytest.mark.parametrize("folders", [["dax-2024-2026"], ["dax-2020", "rennes-2020"]])
def test_cached_report_equals_the_uncached_one_on_the_examples(ctai, tmp_path: Path, folders) -> None:
    paths = [EXAMPLES / f for f in folders]
    for date in (DATE, "2025-01-01"):
        plain = _json(ctai, *paths, "--date", date)
        first = _json(ctai, *paths, "--date", date, "--cache-dir", tmp_path / "c")
        second = _json(ctai, *paths, "--date", date, "--cache-dir", tmp_path / "c")
        assert plain == first == second
    assert len(list((tmp_path / "c" / "validate").iterdir())) == 2 * len(folders)


def test_cached_report_equals_the_uncached_one_with_findings(ctai, tmp_path: Path) -> None:
    paths = _findings(tmp_path)
    plain = _json(ctai, *paths, "--date", DATE)
    assert plain[0] == 1 and len(plain[1]["diagnostics"]) >= 5
    codes = {d["code"] for d in plain[1]["diagnostics"]}
    assert {"CTAI-E200", "CTAI-W022"} <= codes
    for _ in range(2):
        assert _json(ctai, *paths, "--date", DATE, "--cache-dir", tmp_path / "c") == plain
    # Text too, and the same folder given twice (the per-file cap is then applied again).
    text = ctai("validate", *paths, "--date", DATE)
    for _ in range(2):
        assert ctai("validate", *paths, "--date", DATE, "--cache-dir", tmp_path / "c").out == text.out
    twice = _json(ctai, paths[0], paths[0], "--date", DATE)
    assert _json(ctai, paths[0], paths[0], "--date", DATE, "--cache-dir", tmp_path / "c") == twice


def _entry(cache: Path) -> Path:
    (entry,) = (cache / "validate").iterdir()
    return entry


def _poison(entry: Path, message: str) -> None:
    """Rewrite a well-formed entry whose diagnostics say ``message``: shows when it is believed."""
    from ctai_cli.cache import FORMAT, sha256

    body = json.loads(entry.read_bytes().partition(b"\n")[2])
    body["diagnostics"] = [["CTAI-W214", "warning", "x.yaml", 1, 1, message, None, {}]]
    raw = json.dumps(body).encode()
    entry.write_bytes(f"{FORMAT} {sha256(raw).hexdigest()}\n".encode() + raw)


def test_a_hit_is_believed_and_imports_no_model(ctai, dax_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    ctai("validate", dax_copy, "--date", DATE, "--cache-dir", cache)
    _poison(_entry(cache), "empoisonné")
    assert "empoisonné" in ctai("validate", dax_copy, "--date", DATE, "--cache-dir", cache).out
    code = (
        "import sys\n"
        "from ctai_cli.cli import main\n"
        f"rc = main(['validate', {str(dax_copy)!r}, '--date', {DATE!r}, '--cache-dir', {str(cache)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml', 'rich'))\n"
        "print(repr(heavy)); sys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "empoisonné" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("change", ["edit", "new-file", "rename", "date", "version"])
def test_what_changes_the_result_is_a_miss(ctai, dax_copy: Path, tmp_path: Path, monkeypatch, change) -> None:
    cache = tmp_path / "c"
    ctai("validate", dax_copy, "--date", DATE, "--cache-dir", cache)
    _poison(_entry(cache), "empoisonné")
    date = DATE
    if change == "edit":
        porteurs = dax_copy / "porteurs.yaml"
        porteurs.write_text(porteurs.read_text(encoding="utf-8") + "# un commentaire\n", "utf-8")
    elif change == "new-file":
        (dax_copy / "contrats.yaml").write_text("{}\n", "utf-8")  # a look-alike: W022
    elif change == "rename":
        (dax_copy / "bilans" / "2024.yaml").rename(dax_copy / "bilans" / "2024.yml")
    elif change == "date":
        date = "2025-01-01"
    else:
        monkeypatch.setattr("ctai_cli.cache.__version__", "99.0")
    cached = ctai("validate", dax_copy, "--date", date, "--cache-dir", cache, "--format", "json")
    plain = ctai("validate", dax_copy, "--date", date, "--format", "json")
    assert "empoisonné" not in cached.out
    assert (cached.code, cached.out) == (plain.code, plain.out)


def _garbage(entry: Path, kind: str) -> None:
    from ctai_cli.cache import FORMAT, sha256

    raw = entry.read_bytes()
    header, _, body = raw.partition(b"\n")
    data = json.loads(body)
    if kind == "empty":
        entry.write_bytes(b"")
    elif kind == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif kind == "bytes":
        entry.write_bytes(os.urandom(300))
    elif kind == "bad-checksum":
        entry.write_bytes(header + b"\n" + body.replace(b"W214", b"W215"))
    elif kind == "other-format":
        entry.write_bytes(raw.replace(FORMAT.encode(), b"ctai-cache-validate/0", 1))
    elif kind == "folder":
        entry.unlink()
        entry.mkdir()
        return
    else:
        if kind == "foreign":
            data = ["pas", "une", "entrée"]
        elif kind == "other-version":
            data["ctai"] = "0.0.1"
        elif kind == "wrong-types":
            data["diagnostics"][0][3] = "14"
        elif kind == "bad-severity":
            data["diagnostics"][0][1] = "fatal"
        elif kind == "short-diagnostic":
            data["diagnostics"][0] = data["diagnostics"][0][:5]
        elif kind == "missing-key":
            del data["fichiers"]
        new = json.dumps(data).encode()
        entry.write_bytes(f"{FORMAT} {sha256(new).hexdigest()}\n".encode() + new)


@pytest.mark.parametrize(
    "kind",
    [
        "empty",
        "truncated",
        "bytes",
        "bad-checksum",
        "other-format",
        "folder",
        "foreign",
        "other-version",
        "wrong-types",
        "bad-severity",
        "short-diagnostic",
        "missing-key",
    ],
)
def test_a_damaged_or_foreign_entry_is_ignored(ctai, tmp_path: Path, kind: str) -> None:
    cache = tmp_path / "c"
    plain = ctai("validate", DAX, "--date", DATE, "--format", "json")
    ctai("validate", DAX, "--date", DATE, "--cache-dir", cache)
    entry = _entry(cache)
    _poison(entry, "empoisonné")  # well-formed: believed as it is (test above), never once damaged
    _garbage(entry, kind)
    again = ctai("validate", DAX, "--date", DATE, "--cache-dir", cache, "--format", "json")
    assert (again.code, again.out, again.err) == (plain.code, plain.out, "")
    if kind != "folder":  # rewritten whole
        assert _json(ctai, DAX, "--date", DATE, "--cache-dir", cache) == (plain.code, json.loads(plain.out))
        assert entry.read_bytes().startswith(b"ctai-cache-validate/1 ")


def test_an_unusable_cache_folder_is_said_and_skipped(ctai, tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("", "utf-8")
    plain = ctai("validate", DAX, "--date", DATE, "--format", "json")
    run = ctai("validate", DAX, "--date", DATE, "--cache-dir", blocker / "c", "--format", "json")
    assert (run.code, run.out) == (plain.code, plain.out)
    assert run.err.startswith("ctai : cache « ") and "validation sans cache" in run.err
    assert "Traceback" not in run.err


def test_cache_option_uses_the_user_cache_folder(ctai, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    ctai("validate", DAX, "--date", DATE, "--cache")
    assert len(list((tmp_path / "xdg" / "ctai" / "validate").iterdir())) == 1
    monkeypatch.setenv("XDG_CACHE_HOME", "relatif")  # not absolute: ignored, as the XDG rule says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ctai("validate", DAX, "--date", DATE, "--cache")
    assert len(list((tmp_path / "home" / ".cache" / "ctai" / "validate").iterdir())) == 1


def test_a_folder_with_a_symbolic_link_is_not_cached(ctai, dax_copy: Path, tmp_path: Path) -> None:
    (dax_copy / "lien").symlink_to(dax_copy / "actions")
    ctai("validate", dax_copy, "--date", DATE, "--cache-dir", tmp_path / "c")
    assert list((tmp_path / "c" / "validate").iterdir()) == []


def test_concurrent_runs_leave_a_whole_entry(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    command = [
        sys.executable,
        "-m",
        "ctai_cli",
        "validate",
        str(DAX),
        "--date",
        DATE,
        "--cache-dir",
        str(cache),
    ]
    runs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT) for _ in range(4)]
    assert [p.wait(timeout=120) for p in runs] == [0, 0, 0, 0]
    entry = _entry(cache)
    from ctai_cli.cache import FORMAT, sha256

    header, _, body = entry.read_bytes().partition(b"\n")
    assert header == f"{FORMAT} {sha256(body).hexdigest()}".encode()
    assert [p.name for p in (cache / "validate").iterdir()] == [entry.name]  # no temporary file left


def test_git_files_are_not_contract_files(ctai, dax_copy: Path, tmp_path: Path) -> None:
    """An annexe declared under .git is E216 whether the file exists or not (git's own files are not
    the contract's), so the empreinte leaves .git out: a commit or a fetch does not void the entry."""
    contrat = dax_copy / "contrat.yaml"
    text = contrat.read_text(encoding="utf-8")
    assert "fichier: bilans/2023.yaml" in text
    contrat.write_text(text.replace("fichier: bilans/2023.yaml", "fichier: .git/annexe.pdf"), "utf-8")
    (dax_copy / ".git").mkdir()
    cache = tmp_path / "c"
    first = ctai("validate", dax_copy, "--date", DATE, "--cache-dir", cache, "--format", "json")
    assert "CTAI-E216" in first.out and "hors du dossier .git" in first.out
    (dax_copy / ".git" / "annexe.pdf").write_bytes(b"%PDF-1.7\n")
    plain = ctai("validate", dax_copy, "--date", DATE, "--format", "json")
    assert "CTAI-E216" in plain.out
    from ctai_cli.cache import empreinte

    avant = empreinte(dax_copy)
    (dax_copy / ".git" / "objects").mkdir()
    assert empreinte(dax_copy) == avant
    cached = ctai("validate", dax_copy, "--date", DATE, "--cache-dir", cache, "--format", "json")
    assert (cached.code, cached.out) == (plain.code, plain.out) == (first.code, first.out)
    # .GIT as a case-insensitive disk would read it: refused the same way, left out the same way
    contrat.write_text(text.replace("fichier: bilans/2023.yaml", "fichier: x/.GIT/a.pdf"), "utf-8")
    assert "hors du dossier .git" in ctai("validate", dax_copy, "--date", DATE).out
    (dax_copy / "x" / ".GIT").mkdir(parents=True)
    avant = empreinte(dax_copy)
    (dax_copy / "x" / ".GIT" / "a.pdf").write_bytes(b"%PDF-1.7\n")
    assert empreinte(dax_copy) == avant


def test_a_folder_name_that_is_not_utf8_is_cached(tmp_path: Path) -> None:
    """Paths are bytes on POSIX: a name that is not UTF-8 reaches the diagnostics and the entry."""
    if sys.platform in ("darwin", "win32"):
        pytest.skip("file names that are not UTF-8 are refused there")
    folder = tmp_path / os.fsdecode(b"dax-\xff")
    shutil.copytree(DAX, folder)
    (folder / "actions" / os.fsdecode(b"\xfe.yaml")).write_text("{}\n", "utf-8")  # W022 on that path
    cache = tmp_path / "c"

    def run(*args: object) -> tuple[int, bytes, bytes]:
        # A subprocess: its standard output writes such a name back as it came (surrogateescape).
        command = [sys.executable, "-m", "ctai_cli", "validate", folder, "--date", DATE, *args]
        done = subprocess.run([os.fsencode(a) for a in command], capture_output=True, cwd=ROOT, timeout=120)
        return done.returncode, done.stdout, done.stderr

    plain = run("--format", "json")
    assert plain[0] == 0 and b"CTAI-W022" in plain[1] and b"dax-\xff/actions/\xfe.yaml" in plain[1]
    for _ in range(2):
        assert run("--format", "json", "--cache-dir", cache) == plain
    _poison(_entry(cache), "empoisonné")  # it was written, and is read back
    assert "empoisonné".encode() in run("--cache-dir", cache)[1]


def test_an_upper_case_yaml_name_is_hashed_too(tmp_path: Path) -> None:
    """On a case-insensitive disk (macOS, Windows) contrat.YAML is read as contrat.yaml."""
    from ctai_cli.cache import empreinte

    (tmp_path / "contrat.YAML").write_text("titre: a\n", "utf-8")
    (tmp_path / "porteurs.Yml").write_text("porteurs: []\n", "utf-8")
    avant = empreinte(tmp_path)
    (tmp_path / "contrat.YAML").write_text("titre: b\n", "utf-8")
    apres = empreinte(tmp_path)
    (tmp_path / "porteurs.Yml").write_text("porteurs: [1]\n", "utf-8")
    assert len({avant, apres, empreinte(tmp_path)}) == 3


def _bounded_run(cache: Path) -> subprocess.CompletedProcess:
    """The real command in a child limited to 2 Gio of memory, so that a regression cannot hog the machine."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    command = [sys.executable, "-m", "ctai_cli", "validate", str(DAX), "--date", DATE, "--format", "json"]
    return subprocess.run(
        [*command, "--cache-dir", str(cache)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        preexec_fn=limit,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
@pytest.mark.parametrize("kind", ["fifo", "endless", "oversized"])
def test_an_entry_that_is_not_a_small_regular_file_is_not_read(ctai, tmp_path: Path, kind: str) -> None:
    """A named pipe would block the run forever, /dev/zero would fill the memory: both are misses."""
    from ctai_cli.cache import MAX_ENTREE

    plain = ctai("validate", DAX, "--date", DATE, "--format", "json")
    cache = tmp_path / "c"
    ctai("validate", DAX, "--date", DATE, "--cache-dir", cache)
    entry = _entry(cache)
    _poison(entry, "empoisonné")
    if kind == "oversized":  # a well-formed entry, padded with spaces JSON ignores: too big all the same
        from ctai_cli.cache import FORMAT, sha256

        body = entry.read_bytes().partition(b"\n")[2]

        body += b" " * MAX_ENTREE
        entry.write_bytes(f"{FORMAT} {sha256(body).hexdigest()}\n".encode() + body)
    else:
        entry.unlink()
        if kind == "fifo":
            os.mkfifo(entry)
        else:
            entry.symlink_to("/dev/zero")
    done = _bounded_run(cache)
    assert (done.returncode, done.stdout, done.stderr) == (plain.code, plain.out, "")


def _age(path: Path, days: float) -> None:
    import time

    moment = time.time() - days * 86400
    os.utime(path, (moment, moment), follow_symlinks=False)


def test_entries_unused_for_30_days_are_pruned_and_nothing_else(ctai, dax_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    ctai("validate", dax_copy, "--date", DATE, "--cache-dir", cache)
    folder = cache / "validate"
    (current,) = folder.iterdir()
    old = folder / f"{'a' * 64}.json"
    old_tmp = folder / f".{'b' * 64}.json.k2_x9abc.tmp"  # left by a killed run
    recent = folder / f"{'c' * 64}.json"
    other = tmp_path / "autre.txt"
    other.write_text("à garder\n", "utf-8")
    foreign = [
        folder / "notes.txt",
        folder / f"{'D' * 64}.json",
        folder / f"{'e' * 63}.json",
        folder / f"{'f' * 64}.json.bak",
        folder / f"{'1' * 64}.json",  # a symbolic link: never ours
        folder / f"{'2' * 64}.json",  # a folder
    ]
    for path in (old, old_tmp, recent, *foreign[:4]):
        path.write_text("{}\n", "utf-8")
    foreign[4].symlink_to(other)
    foreign[5].mkdir()
    for path in (old, old_tmp, *foreign):
        _age(path, 40)
    _age(recent, 29)
    _age(current, 40)
    _age(cache / ".validate-elagage", 2)  # the first write pruned (nothing): a day ago
    # A hit makes its entry young again: what was used lately stays.
    ctai("validate", dax_copy, "--date", DATE, "--cache-dir", cache)
    # A write prunes, once a day.
    ctai("validate", dax_copy, "--date", "2025-01-01", "--cache-dir", cache)
    left = {p.name for p in folder.iterdir()}
    assert old.name not in left and old_tmp.name not in left
    assert {current.name, recent.name, *(p.name for p in foreign)} <= left
    assert other.read_text("utf-8") == "à garder\n" and foreign[5].is_dir()
    assert len(left) == 3 + len(foreign)  # the new entry of 2025-01-01 too
    old.write_text("{}\n", "utf-8")
    _age(old, 40)
    ctai("validate", dax_copy, "--date", "2025-01-02", "--cache-dir", cache)
    assert old.exists()  # pruned less than a day ago: not again
    _age(cache / ".validate-elagage", 2)
    ctai("validate", dax_copy, "--date", "2025-01-03", "--cache-dir", cache)
    assert not old.exists()
    plain = ctai("validate", dax_copy, "--date", DATE, "--format", "json")
    assert _json(ctai, dax_copy, "--date", DATE, "--cache-dir", cache) == (plain.code, json.loads(plain.out))


def test_a_file_of_ctai_that_cannot_be_read_does_not_break_the_cache(
    ctai, tmp_path: Path, monkeypatch
) -> None:
    """The key reads ctai's own files: a dangling link among them (a half-done edit) is in the key, not a crash."""
    import ctai_cli.cache as module

    package = tmp_path / "ctai_cli"
    shutil.copytree(Path(module.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "perdu.py").symlink_to(package / "absent.py")
    monkeypatch.setattr(module, "__file__", str(package / "cache.py"))
    plain = ctai("validate", DAX, "--date", DATE, "--format", "json")
    for _ in range(2):
        run = ctai("validate", DAX, "--date", DATE, "--format", "json", "--cache-dir", tmp_path / "c")
        assert (run.code, run.out, run.err) == (plain.code, plain.out, "")
    _poison(_entry(tmp_path / "c"), "empoisonné")
    assert "empoisonné" in ctai("validate", DAX, "--date", DATE, "--cache-dir", tmp_path / "c").out

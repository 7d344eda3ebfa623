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

"""Every reporter renders the same result; JSON and SARIF are valid documents."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import QUIET_DATE, lire_terminal


@pytest.fixture
def broken(dax_copy: Path) -> Path:
    actions = dax_copy / "actions" / "2024.yaml"
    text = actions.read_text(encoding="utf-8").replace("porteur: ch-dax\n", "porteur: ch-daxx\n", 1)
    actions.write_text(text, encoding="utf-8")
    (dax_copy / "bilans" / "2025.yaml").write_text(
        "annee: 2025\npilotage:\n  copils_tenus: 1\n", encoding="utf-8"
    )
    return dax_copy


def test_json(ctai, broken: Path) -> None:
    run = ctai("validate", broken, "--format", "json", "--date", QUIET_DATE)
    assert run.code == 1
    report = json.loads(run.out)
    # Warnings: W213 and the example's W246 (illustrative reversement without decision).
    assert report["summary"] == {"errors": 1, "warnings": 2, "files": 8, "contracts": 1}
    first = report["diagnostics"][0]
    assert set(first) == {"code", "severity", "path", "line", "col", "message", "hint"}


def test_sarif(ctai, broken: Path) -> None:
    run = ctai("validate", broken, "--format", "sarif", "--date", QUIET_DATE)
    assert run.code == 1
    sarif = json.loads(run.out)
    assert sarif["version"] == "2.1.0"
    (sarif_run,) = sarif["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    results = sarif_run["results"]
    assert {r["ruleId"] for r in results} == {"CTAI-E200", "CTAI-W213", "CTAI-W246"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith(".yaml")
        assert location["region"]["startLine"] >= 1
        assert result["level"] in ("error", "warning")


def test_github_annotations(ctai, broken: Path) -> None:
    run = ctai("validate", broken, "--format", "github", "--date", QUIET_DATE)
    lines = run.out.splitlines()
    error = next(line for line in lines if line.startswith("::error "))
    assert f"file={broken.as_posix()}/actions/2024.yaml" in error
    assert ",title=CTAI-E200::" in error
    assert "\n" not in error


def test_github_escaping() -> None:
    from ctai_cli.reporters.github import _data, _property

    assert _data("50 %\nsuite") == "50 %25%0Asuite"
    assert _property("a:b,c") == "a%3Ab%2Cc"


def test_text(ctai, broken: Path) -> None:
    run = ctai("validate", broken, "--date", QUIET_DATE)
    assert f"{broken.as_posix()}/actions/2024.yaml:" in run.out
    assert "erreur CTAI-E200 porteur « ch-daxx » absent de porteurs.yaml" in run.out
    assert "→ vouliez-vous dire « ch-dax » ?" in run.out
    assert run.out.strip().endswith("1 erreur, 2 avertissements (8 fichiers dans 1 contrat)")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_text_is_the_same_on_a_terminal_and_off_it(broken: Path) -> None:
    """Plain writes off a terminal, rich's colours on one: the same lines, in the same order."""
    command = [sys.executable, "-m", "ctai_cli", "validate", str(broken), str(broken), "--date", QUIET_DATE]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env |= {"TERM": "xterm-256color", "COLUMNS": "60", "CTAI_PROGRESSION_DELAI": "3600"}
    piped = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    leader, follower = os.openpty()
    process = subprocess.Popen(command, stdout=follower, stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    terminal = lire_terminal(leader).decode().replace("\r\n", "\n")
    assert process.wait(timeout=120) == piped.returncode == 1
    os.close(leader)
    assert "\x1b[" in terminal  # coloured…
    assert "\x1b" not in piped.stdout  # …only on a terminal
    plain = re.sub(r"\x1b\[[0-9;]*m", "", terminal)
    assert plain == piped.stdout
    lines = piped.stdout.splitlines()
    assert len(lines) >= 5 and "CTAI-E200" in lines[0] and lines[-1].startswith("2 erreurs")
    assert max(map(len, lines)) > 60  # longer than the terminal: not wrapped there either


def test_sarif_uris_are_valid_uri_references(ctai, dax_copy: Path, tmp_path: Path, monkeypatch) -> None:
    """artifactLocation.uri is a URI reference (RFC 3986, SARIF 2.1.0 §3.4.4): percent-encoded,
    relative to %SRCROOT% (the current directory) for a file inside it, else an absolute file://
    URI without uriBaseId."""
    from urllib.parse import unquote, urlsplit

    root = tmp_path / "dépôt" / "sp ace" / "é x#1"
    root.parent.mkdir(parents=True)
    dax_copy.rename(root)
    (root / "bilans" / "2025.yaml").write_text(
        "annee: 2025\npilotage:\n  copils_tenus: 1\n", encoding="utf-8"
    )
    allowed = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+$")

    monkeypatch.chdir(tmp_path / "dépôt")
    sarif = json.loads(ctai("validate", "sp ace/é x#1", "--format", "sarif", "--date", QUIET_DATE).out)
    (run,) = sarif["runs"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (tmp_path / "dépôt").as_uri() + "/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert locations
    for location in locations:
        uri = location["uri"]
        assert allowed.match(uri), uri
        assert location["uriBaseId"] == "%SRCROOT%"
        assert urlsplit(uri).scheme == "" and not uri.startswith("/")
        assert unquote(uri).startswith("sp ace/é x#1/")
        assert (tmp_path / "dépôt" / unquote(uri)).is_file()
    assert any(loc["uri"] == "sp%20ace/%C3%A9%20x%231/bilans/2025.yaml" for loc in locations)

    # The same folder given by an absolute path from elsewhere: outside the current directory.
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    sarif = json.loads(ctai("validate", str(root), "--format", "sarif", "--date", QUIET_DATE).out)
    for result in sarif["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert "uriBaseId" not in location
        assert location["uri"].startswith("file:///") and allowed.match(location["uri"][len("file:") :])
        assert Path(unquote(urlsplit(location["uri"]).path)).is_file()


def test_sarif_uri_of_a_name_that_is_not_utf8(dax_copy: Path) -> None:
    """A file name that is not UTF-8 (bytes on POSIX) is percent-encoded from its bytes; it crashed
    the SARIF report (exit 3) while the text report worked."""
    if sys.platform in ("darwin", "win32"):
        pytest.skip("file names that are not UTF-8 are refused there")
    (dax_copy / "actions" / os.fsdecode(b"2027-\xff.yaml")).write_text("annee: 2027\n", encoding="utf-8")
    # A subprocess: its standard output writes such a name back as it came (surrogateescape).
    done = subprocess.run(
        [sys.executable, "-m", "ctai_cli", "validate", ".", "--format", "sarif", "--date", QUIET_DATE],
        capture_output=True,
        cwd=dax_copy,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(done.stdout.decode("utf-8", "surrogateescape"))["runs"][0]["results"]
    ]
    assert "actions/2027-%FF.yaml" in uris

"""The headless-Chromium harness (tests/browser.py) sees what a page does.

Each test can fail: a page that is clean must report nothing, a page that misbehaves must be
reported, and inline handlers must really run (so that a test asserting that *escaped*
markup does not run proves something).  Skipped without Chromium, unless
CTAI_REQUIRE_CHROMIUM=1 (CI), where a missing Chromium is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import browser
from tests.browser import BrowserError, PageReport, chromium_path, open_in_chromium

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _chromium() -> None:
    if chromium_path() is None:
        if os.environ.get("CTAI_REQUIRE_CHROMIUM") == "1":
            pytest.fail(
                "CTAI_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium, or set CTAI_CHROMIUM)"
            )
        pytest.skip(
            "no Chromium found (apt-get install chromium, or set CTAI_CHROMIUM); CI sets CTAI_REQUIRE_CHROMIUM=1"
        )


def page(tmp_path: Path, body: str, title: str = "Essai") -> Path:
    path = tmp_path / "page.html"
    path.write_text(
        f'<!doctype html>\n<html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>\n'
        f"<body>\n{body}\n</body></html>\n",
        encoding="utf-8",
    )
    return path


def test_clean_page_reports_no_error_and_evaluates(tmp_path: Path) -> None:
    path = page(tmp_path, '<p id="p">Contrat signé</p><script>console.log("prêt")</script>', "Dax — CTAI")
    report = open_in_chromium(
        path,
        {
            "title": "document.title",
            "text": "document.getElementById('p').textContent",
            "list": "[1, 'deux']",
        },
    )
    assert report.errors == []
    assert report.values == {"title": "Dax — CTAI", "text": "Contrat signé", "list": [1, "deux"]}
    assert ("log", "prêt") in report.console


def test_console_error_is_an_error(tmp_path: Path) -> None:
    report = open_in_chromium(page(tmp_path, '<script>console.error("boom")</script>'))
    assert report.errors == ["console.error: boom"]


def test_uncaught_exception_is_an_error(tmp_path: Path) -> None:
    report = open_in_chromium(page(tmp_path, '<script>throw new Error("kaput")</script>'))
    assert len(report.errors) == 1
    assert report.errors[0].startswith("uncaught exception:")
    assert "kaput" in report.errors[0]


def test_unhandled_rejection_is_an_error(tmp_path: Path) -> None:
    report = open_in_chromium(page(tmp_path, '<script>Promise.reject(new Error("refusé"))</script>'))
    assert any("refusé" in error for error in report.errors), report.errors


def test_inline_handlers_run_and_missing_files_are_errors(tmp_path: Path) -> None:
    # Unescaped markup runs: the broken image's onerror handler fires...
    report = open_in_chromium(
        page(tmp_path, '<img src="x" onerror="window.__ran=1">'), {"ran": "window.__ran"}
    )
    assert report.values["ran"] == 1
    # ... and the missing file is itself an error: a self-contained document references none.
    assert len(report.errors) == 1
    assert "ERR_FILE_NOT_FOUND" in report.errors[0]
    assert (tmp_path / "x").as_uri() in report.errors[0]


def test_escaped_markup_does_not_run(tmp_path: Path) -> None:
    """The counterpart of the test above: the same handler, escaped, is only text."""
    body = '<p id="p">&lt;img src="x" onerror="window.__ran=1"&gt;</p>'
    report = open_in_chromium(
        page(tmp_path, body), {"ran": "window.__ran", "text": "document.getElementById('p').textContent"}
    )
    assert report.errors == []
    assert report.values == {"ran": None, "text": '<img src="x" onerror="window.__ran=1">'}


def test_evaluation_error_raises(tmp_path: Path) -> None:
    with pytest.raises(BrowserError, match="ReferenceError"):
        open_in_chromium(page(tmp_path, ""), {"x": "pas_defini.du_tout"})


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record (profile, reaper pid) of every browser the harness starts."""
    started: list[tuple[str, int]] = []
    init = browser._Browser.__init__

    def spying_init(self: browser._Browser, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        assert self.process is not None
        started.append((self.profile, self.process.pid))

    monkeypatch.setattr(browser._Browser, "__init__", spying_init)
    return started


def _leftovers(profile: str, group: int) -> list[str]:
    """Processes, zombies included, still in the browser's process group or whose environment
    mentions ``profile`` (Chromium and all its helpers inherit HOME=<profile>/home)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # already gone
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            environ = b""  # a zombie's, or not ours to read
        if int(stat.rpartition(")")[2].split()[2]) == group or profile.encode() in environ:
            found.append(stat)
    return found


def _assert_nothing_left(started: list[tuple[str, int]]) -> None:
    assert len(started) == 1
    profile, reaper = started[0]
    assert not Path(profile).exists()
    assert not Path(f"/proc/{reaper}").exists(), "the reaper (Chromium's parent) was not reaped"
    assert _leftovers(profile, group=reaper) == []


def test_nothing_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = _spy(monkeypatch)
    report = open_in_chromium(page(tmp_path, "<p>ok</p>"))
    assert report == PageReport(console=[], errors=[], values={})
    _assert_nothing_left(started)


def test_timeout_is_clear_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = _spy(monkeypatch)
    # Under load, start-up alone may use the budget: any "timed out" will do, the point is
    # the clear error and the clean-up.
    with pytest.raises(BrowserError, match="timed out waiting for"):
        open_in_chromium(page(tmp_path, "<script>while (true) {}</script>"), timeout=5)
    _assert_nothing_left(started)

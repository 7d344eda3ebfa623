"""Open a local HTML file in a real headless Chromium and report what happened (stdlib only).

The browser is driven with the DevTools protocol (CDP) over a pipe: started with
``--remote-debugging-pipe``, Chromium reads commands on its fd 3 and writes responses and
events on its fd 4, each message being JSON followed by a NUL byte.  No websocket, no
playwright, no selenium.

    report = open_in_chromium(Path("rapport.html"), {"title": "document.title"})
    assert report.errors == []
    assert report.values["title"] == "Rapport"

What counts as an error (``PageReport.errors``):

* ``console.error(...)`` and ``console.assert`` failures;
* uncaught exceptions and unhandled promise rejections (``Runtime.exceptionThrown``);
* every ``Log`` entry of level ``error``.  This includes **resource-load failures**
  (``Failed to load resource: net::ERR_FILE_NOT_FOUND`` for an ``<img>``, a stylesheet, a
  script...) and CSP violations: the documents under test are meant to be self-contained,
  so a reference to a missing file is a defect, not noise.

Warnings, ``console.log`` and Chromium's own verbose entries (``violation``, ``intervention``...)
land in ``PageReport.console`` only.  Chromium's stderr (D-Bus, launcher script chatter) is
never looked at, except to explain a ``BrowserError`` (with the D-Bus noise filtered out).

Chromium and every helper process it spawns are always killed and reaped, and the temporary
profile (which also serves as ``$HOME``) removed, whatever happens (timeout, crash,
evaluation error): see ``_REAPER``.  Linux only (``/proc``, ``prctl``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BrowserError", "PageReport", "chromium_path", "open_in_chromium"]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
)
# Chromium's stderr lines that say nothing about a failure (no D-Bus in a container; the
# Debian launcher's ``[: ...: unexpected operator`` when /dev/shm has several mounts).
_STDERR_NOISE = re.compile(r":ERROR:dbus/|unexpected operator$")
# Console types that are errors (Runtime.consoleAPICalled "type").
_CONSOLE_ERROR_TYPES = frozenset({"error", "assert"})


class BrowserError(RuntimeError):
    """Chromium could not be started, timed out, crashed or rejected a command."""


@dataclass
class PageReport:
    """What a page did while loading (plus ``settle`` seconds) and the values asked for.

    ``console``: ``(kind, text)`` for every console API call (kind = ``log``, ``error``,
    ``warning``...) and every ``Log`` entry (kind = ``log.<level>``, e.g. ``log.error``),
    in order of arrival.
    ``errors``: the subset that is an error (see module docstring) plus uncaught exceptions,
    as readable strings.
    ``values``: ``name -> value`` of each expression of ``evaluate`` (JSON-like values; an
    ``undefined`` result is ``None``).
    """

    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)


def chromium_path() -> str | None:
    """The Chromium to use: ``$CTAI_CHROMIUM`` if set (used as is, so a wrong value fails
    loudly instead of skipping), else ``chromium`` or ``chromium-browser`` on the PATH."""
    explicit = os.environ.get("CTAI_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def open_in_chromium(
    path: Path,
    evaluate: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    settle: float = 0.3,
) -> PageReport:
    """Load ``path`` (a local file) in a fresh headless Chromium and report what happened.

    Waits for the ``load`` event, then ``settle`` seconds more for late messages, then
    evaluates each expression of ``evaluate`` in the page (promises are awaited).
    ``timeout`` bounds the whole operation, start-up included.

    Raises ``BrowserError`` if no Chromium is found, if it does not start, if the page
    cannot be navigated to, if ``load`` does not fire in time, if the page crashes or if an
    expression throws.
    """
    executable = chromium_path()
    if executable is None:
        raise BrowserError("Chromium not found: install the 'chromium' package or set CTAI_CHROMIUM")
    url = Path(path).resolve().as_uri()
    deadline = time.monotonic() + timeout
    profile = tempfile.mkdtemp(prefix="ctai-chromium-")
    with _Browser(executable, profile, deadline) as browser:
        return browser.run(url, evaluate or {}, settle)


class _Browser:
    """One Chromium process, one page, one flattened CDP session."""

    def __init__(self, executable: str, profile: str, deadline: float) -> None:
        self.deadline = deadline
        self.profile = profile
        self.report = PageReport()
        self.session: str | None = None
        self.loaded = False
        self.buffer = b""
        self.next_id = 0
        self.process: subprocess.Popen[bytes] | None = None  # the reaper, parent of Chromium
        self.stderr_path = os.path.join(profile, "chromium-stderr.log")
        # Parent's ends: we write commands to ``to_browser``, read events from ``from_browser``.
        self.to_browser = self.from_browser = -1
        child_fds: list[int] = []
        try:
            commands_r, self.to_browser = os.pipe()
            child_fds.append(commands_r)
            self.from_browser, events_w = os.pipe()
            child_fds.append(events_w)
            os.set_blocking(self.to_browser, False)  # see write(): never block past the deadline
            home = os.path.join(profile, "home")  # crashpad, dconf... write under $HOME: keep it here
            env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home}
            argv = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"]
            with open(self.stderr_path, "wb") as stderr:
                self.process = subprocess.Popen(
                    [sys.executable, "-I", "-c", _REAPER, str(commands_r), str(events_w), *argv],
                    stdin=subprocess.DEVNULL,
                    stdout=stderr,
                    stderr=stderr,
                    env=env,
                    pass_fds=child_fds,
                    start_new_session=True,  # own process group, shared by Chromium and its helpers
                )
        except BaseException:
            self.close()
            raise
        finally:
            for fd in child_fds:
                os.close(fd)

    def __enter__(self) -> _Browser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the scenario -------------------------------------------------------------------

    def run(self, url: str, evaluate: Mapping[str, str], settle: float) -> PageReport:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False
        )
        self.session = attached["sessionId"]
        for domain in ("Inspector", "Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        navigated = self.send("Page.navigate", {"url": url})
        if navigated.get("errorText"):
            raise BrowserError(f"cannot open {url}: {navigated['errorText']}")
        while not self.loaded:
            self.dispatch(self._read_required(f"the load event of {url}"))
        settle_until = min(time.monotonic() + settle, self.deadline)
        while (message := self.read_message("late messages", until=settle_until)) is not None:
            self.dispatch(message)
        for name, expression in evaluate.items():
            self.report.values[name] = self.evaluate(expression)
        return self.report

    def evaluate(self, expression: str) -> object:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise BrowserError(
                f"evaluating {expression!r} threw: {_exception_text(result['exceptionDetails'])}"
            )
        value = result["result"]
        if "unserializableValue" in value:  # NaN, Infinity, -0, bigint
            return value["unserializableValue"]
        return value.get("value")

    # -- events ---------------------------------------------------------------------------

    def dispatch(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Target.detachedFromTarget" and params.get("sessionId") == self.session:
            raise BrowserError("the page was closed or crashed (Target.detachedFromTarget)")
        if message.get("sessionId") != self.session:
            return  # browser-level events, other targets
        if method == "Page.loadEventFired":
            self.loaded = True
        elif method == "Runtime.consoleAPICalled":
            kind = params.get("type", "log")
            text = " ".join(_remote_object_text(arg) for arg in params.get("args", []))
            self.report.console.append((kind, text))
            if kind in _CONSOLE_ERROR_TYPES:
                self.report.errors.append(f"console.{kind}: {text}")
        elif method == "Runtime.exceptionThrown":
            self.report.errors.append(f"uncaught exception: {_exception_text(params['exceptionDetails'])}")
        elif method == "Log.entryAdded":
            entry = params["entry"]
            text = entry.get("text", "")
            if entry.get("url"):
                text = f"{text} ({entry['url']})"
            self.report.console.append((f"log.{entry.get('level')}", text))
            if entry.get("level") == "error":
                self.report.errors.append(f"{entry.get('source', 'log')}: {text}")
        elif method == "Inspector.targetCrashed":
            raise BrowserError("the page crashed (Inspector.targetCrashed)")

    # -- protocol plumbing ----------------------------------------------------------------

    def send(self, method: str, params: dict[str, Any] | None = None, session: bool = True) -> dict[str, Any]:
        """Send a command and return its result, dispatching the events read meanwhile."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_required(f"the answer to {method}")
            if reply.get("id") == message["id"]:
                break
            self.dispatch(reply)
        if "error" in reply:
            raise BrowserError(f"{method} failed: {reply['error'].get('message', reply['error'])}")
        return reply.get("result", {})

    def write(self, data: bytes) -> None:
        while data:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"timed out writing to Chromium{self.stderr_tail()}")
            _, ready, _ = select.select([], [self.to_browser], [], remaining)
            if not ready:
                continue
            try:
                written = os.write(self.to_browser, data)
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise BrowserError(f"Chromium exited{self.stderr_tail()}") from None
            data = data[written:]

    def _read_required(self, waiting_for: str) -> dict[str, Any]:
        message = self.read_message(waiting_for)
        assert message is not None  # no ``until``: only the deadline stops the wait, by raising
        return message

    def read_message(self, waiting_for: str, until: float | None = None) -> dict[str, Any] | None:
        """Next message; None once ``until`` is reached; BrowserError at the overall deadline."""
        limit = self.deadline if until is None else min(until, self.deadline)
        while b"\0" not in self.buffer:
            remaining = limit - time.monotonic()
            if remaining <= 0:
                if until is not None:
                    return None
                raise BrowserError(f"timed out waiting for {waiting_for}{self.stderr_tail()}")
            ready, _, _ = select.select([self.from_browser], [], [], remaining)
            if ready:
                chunk = os.read(self.from_browser, 1 << 16)
                if not chunk:
                    raise BrowserError(f"Chromium exited while waiting for {waiting_for}{self.stderr_tail()}")
                self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def stderr_tail(self) -> str:
        try:
            with open(self.stderr_path, encoding="utf-8", errors="replace") as stderr:
                lines = [line for line in stderr.read().splitlines() if not _STDERR_NOISE.search(line)][-15:]
        except OSError:
            return ""
        return "\nChromium's stderr (end):\n" + "\n".join(lines) if lines else ""

    def close(self) -> None:
        """Stop Chromium and all its helpers, reap them, close the pipes, delete the profile."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None and self.to_browser >= 0:
                self.next_id += 1
                close = json.dumps({"id": self.next_id, "method": "Browser.close"}).encode() + b"\0"
                with contextlib.suppress(OSError):
                    os.write(self.to_browser, close)  # politely first
            if self.from_browser >= 0:
                # Nobody reads any more: Chromium must not block on a full pipe meanwhile.
                os.close(self.from_browser)
                self.from_browser = -1
            # Then SIGTERM the reaper (it kills Chromium and reaps the helpers); last resort,
            # the reaper being stuck: SIGKILL its process group, shared by Chromium.
            for stop in (None, process.terminate, lambda: os.killpg(process.pid, signal.SIGKILL)):
                if stop is not None:
                    stop()
                try:
                    process.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    continue
        for fd in (self.to_browser, self.from_browser):
            if fd >= 0:
                os.close(fd)
        self.to_browser = self.from_browser = -1
        shutil.rmtree(self.profile, ignore_errors=True)


# Run by a separate Python between us and Chromium: it puts the two pipe ends on fds 3 and
# 4 (subprocess cannot choose fd numbers), starts Chromium, and as a "child subreaper"
# (Linux prctl) it inherits every orphaned helper (zygotes, crashpad handlers, renderers of
# a killed browser): once Chromium has exited it kills and reaps all of them, so that
# nothing outlives open_in_chromium, not even a zombie.  SIGTERM: kill Chromium first.
_REAPER = """
import ctypes, fcntl, os, signal, subprocess, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
except (OSError, AttributeError):
    pass
received = [int(fd) for fd in sys.argv[1:3]]
high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in received]
for fd in received:
    os.close(fd)
for fd, target in zip(high, (3, 4)):
    os.dup2(fd, target)
    os.close(fd)
browser = []
signal.signal(signal.SIGTERM, lambda *_: [process.kill() for process in browser])
browser.append(subprocess.Popen(sys.argv[3:], stdin=subprocess.DEVNULL, pass_fds=(3, 4)))
os.close(3)
os.close(4)
browser[0].wait()
me = str(os.getpid())
while True:
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[1] == me:
                    os.kill(int(entry), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass
    try:
        os.wait()
    except ChildProcessError:
        break
"""


def _remote_object_text(obj: Mapping[str, Any]) -> str:
    if "value" in obj:
        value = obj["value"]
        return value if isinstance(value, str) else json.dumps(value)
    return str(obj.get("unserializableValue") or obj.get("description") or obj.get("type", ""))


def _exception_text(details: Mapping[str, Any]) -> str:
    exception = details.get("exception") or {}
    text = exception.get("description") or details.get("text", "exception")
    return text.splitlines()[0] if text else "exception"

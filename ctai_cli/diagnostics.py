"""The one result type of every check: a :class:`Diagnostic`.

Checks never raise to report a problem in the user's files; they yield
diagnostics. Exceptions are kept for bugs (exit code 3).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

APERCU_MAX = 80


def apercu(value: Any, limite: int = APERCU_MAX) -> str:
    """A value as quoted in a message, cut to ``limite`` characters: a 1 MB text in a
    YAML file (or aliased 5 000 times) must not become 1 MB of report."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limite:
        return text
    from ctai_cli.formatting import milliers

    return f"{text[: limite - 1]}… ({milliers(len(text))} caractères)"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "erreur" if self is Severity.ERROR else "avertissement"


@dataclass(frozen=True, order=False)
class Diagnostic:
    """A problem found in a contract repository.

    ``path`` is relative to the folder given on the command line (POSIX
    separators) so that CI annotations point at the right file. ``line`` and
    ``col`` are 1-based; 0 means "the whole file".
    """

    code: str
    severity: Severity
    path: str
    line: int
    col: int
    message: str
    hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.col, self.code, self.message)

    def as_tuple(self) -> tuple[str, str, int, int]:
        """Compact form for tests: (code, path, line, col)."""
        return (self.code, self.path, self.line, self.col)

    def location(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}"
        return self.path

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "hint": self.hint,
        }

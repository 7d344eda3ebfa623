"""The one result type of every check: a :class:`Diagnostic`.

Checks never raise to report a problem in the user's files; they yield
diagnostics. Exceptions are kept for bugs (exit code 3).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


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

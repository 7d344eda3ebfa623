"""Reporters by name, all over the same :class:`~ctai_cli.validate.ValidationResult`.

Each reporter module has ``report(result, stream) -> None``. Modules are imported
only when chosen, so a JSON run never pays for rich.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from ctai_cli.validate import ValidationResult


class Reporter(Protocol):
    def __call__(self, result: ValidationResult, stream: TextIO) -> None: ...


REPORTER_BY_NAME: dict[str, str] = {
    "text": "ctai_cli.reporters.text",
    "json": "ctai_cli.reporters.json",
    "github": "ctai_cli.reporters.github",
    "sarif": "ctai_cli.reporters.sarif",
}


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def get_reporter(name: str) -> Reporter:
    return importlib.import_module(REPORTER_BY_NAME[name]).report

"""Machine-readable report: one JSON object with the diagnostics and a summary."""

from __future__ import annotations

import json
from typing import TextIO

from ctai_cli import __version__
from ctai_cli.validate import ValidationResult


def report(result: ValidationResult, stream: TextIO) -> None:
    document = {
        "tool": "ctai",
        "version": __version__,
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "files": result.files,
            "contracts": result.contracts,
        },
    }
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")

"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import json
from typing import TextIO

from ctai_cli import __version__
from ctai_cli.catalog import CATALOG
from ctai_cli.diagnostics import Severity
from ctai_cli.validate import ValidationResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def report(result: ValidationResult, stream: TextIO) -> None:
    codes = sorted(CATALOG)
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "name": CATALOG[code].title,
            "shortDescription": {"text": CATALOG[code].title},
            "fullDescription": {"text": CATALOG[code].explanation},
            "help": {"text": f"ctai explain {code}"},
            "defaultConfiguration": {
                "level": "error" if CATALOG[code].severity is Severity.ERROR else "warning"
            },
        }
        for code in codes
    ]
    results = []
    for d in result.diagnostics:
        physical: dict = {"artifactLocation": {"uri": d.path}}
        if d.line:
            physical["region"] = {"startLine": d.line, "startColumn": max(d.col, 1)}
        text = d.message + (f" ({d.hint})" if d.hint else "")
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": "error" if d.is_error else "warning",
                "message": {"text": text},
                "locations": [{"physicalLocation": physical}],
            }
        )
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "ctai", "version": __version__, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")

"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import quote

from ctai_cli import __version__
from ctai_cli.catalog import CATALOG
from ctai_cli.diagnostics import Severity
from ctai_cli.validate import ValidationResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# The base of relative URIs: the current directory, the repository's root in CI (SARIF 2.1.0
# §3.4.4 and §3.14.14; GitHub code scanning maps such a URI to the file of the checkout).
SRCROOT = "%SRCROOT%"


def artifact_location(path: str, cwd: str | None = None) -> dict[str, str]:
    """The ``artifactLocation`` of a diagnostic's path: a relative URI reference, percent-encoded
    (« sp ace/é x/a.yaml » → « sp%20ace/%C3%A9%20x/a.yaml »), against ``%SRCROOT%`` (the current
    directory) when the file is inside it; else an absolute ``file://`` URI, which SARIF forbids
    to carry a ``uriBaseId``."""
    cwd = cwd or os.getcwd()
    absolute = os.path.abspath(os.path.join(cwd, path))
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive (Windows)
        relative = os.pardir
    if relative != os.pardir and not relative.startswith(os.pardir + os.sep) and relative != os.curdir:
        posix = PurePosixPath(*Path(relative).parts).as_posix()
        # The name's bytes (a name that is not UTF-8 holds surrogates), as Path.as_uri does.
        return {"uri": quote(os.fsencode(posix), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(absolute).as_uri()}


def _dossier_uri(path: str) -> str:
    """A directory's absolute ``file://`` URI, ending with « / » (SARIF §3.14.14)."""
    uri = Path(path).as_uri()
    return uri if uri.endswith("/") else uri + "/"


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
    cwd = os.getcwd()
    for d in result.diagnostics:
        physical: dict = {"artifactLocation": artifact_location(d.path, cwd)}
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
                "originalUriBaseIds": {SRCROOT: {"uri": _dossier_uri(cwd)}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")

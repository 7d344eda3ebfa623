"""GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request."""

from __future__ import annotations

from typing import TextIO

from ctai_cli.francais import nombre_de
from ctai_cli.validate import ValidationResult


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def report(result: ValidationResult, stream: TextIO) -> None:
    for d in result.diagnostics:
        level = "error" if d.is_error else "warning"
        props = [f"file={_property(d.path)}"]
        if d.line:
            props += [f"line={d.line}", f"col={d.col}"]
        props.append(f"title={_property(d.code)}")
        message = d.message + (f" ({d.hint})" if d.hint else "")
        stream.write(f"::{level} {','.join(props)}::{_data(message)}\n")
    stream.write(
        f"ctai : {nombre_de(result.errors, 'erreur')}, {nombre_de(result.warnings, 'avertissement')}, "
        f"{nombre_de(result.files, 'fichier')}\n"
    )

from __future__ import annotations

import gc
import sys
from contextlib import nullcontext
from pathlib import Path

from ctai_cli.commands._common import UsageProblem, check_format, error, parse_date_option, progression


def run(
    paths: list[Path],
    fmt: str | None,
    strict: bool,
    date_text: str | None,
    base: str | None = None,
    cache: bool = False,
    cache_dir: Path | None = None,
) -> int:
    from ctai_cli.reporters import REPORTER_BY_NAME, default_format, get_reporter
    from ctai_cli.validate import ValidateOptions, validate

    fmt = fmt or default_format()
    check_format(fmt, REPORTER_BY_NAME)
    options = ValidateOptions(
        paths=tuple(paths) or (Path("."),),
        date=parse_date_option(date_text),
        strict=strict,
        base=base,
        cache=cache_dir if cache_dir is not None else _default_cache() if cache else None,
    )
    # The documents of each contract stay alive for the cross-file checks: with the
    # default thresholds the collector rescans them (and every imported module) over
    # and over, 20-25 % of the run on the national corpus (bench/). A one-shot
    # command has no reference cycles worth collecting early.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    # A bar for humans only: never mixed into machine formats (json, sarif, github).
    with (
        progression("validation", len(options.paths), unite=("contrat", "contrats"))
        if fmt == "text"
        else nullcontext(lambda n=1: None)
    ) as avance:
        if base is None:
            result = validate(options, avance)
        else:
            from ctai_cli.avenants.gitrev import GitProblem

            try:
                result = validate(options, avance)
            except GitProblem as exc:
                raise UsageProblem(str(exc)) from None
    for avis in result.avis:
        error(avis)
    get_reporter(fmt)(result, sys.stdout)
    return result.exit_code(strict)


def _default_cache() -> Path:
    from ctai_cli.cache import default_dir

    return default_dir()

#!/usr/bin/env python3
"""Benchmark ``ctai validate`` on a synthetic national corpus.

Usage::

    python bench/bench_validate.py [--territories 100] [--repeat 3] [--corpus DIR] [--profile]

Prints plain text: the corpus size; ``ctai validate`` as a subprocess (wall time,
MB/s, peak RSS of the child); check-jsonschema on the same files (one call per
file kind, times summed); start-up times; an in-process breakdown (reading,
YAML parsing, pydantic, cross-file checks); with ``--profile``, the top
functions of a cProfile run of ``ctai_cli.validate.validate``.

Timings are best of ``--repeat``. Nothing is asserted: this is a measurement,
not a test. The corpus comes from bench/generate_corpus.py (in a temporary
folder, removed at the end) unless ``--corpus`` names an existing one.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCHEMAS = REPO / "schemas"
REF_DATE = "2027-01-01"
MIB = 1024 * 1024
MB = 1_000_000

sys.path.insert(0, str(HERE))
import generate_corpus  # noqa: E402

# --------------------------------------------------------------------------------------
# Helpers


def run_child(cmd: list[str]) -> tuple[float, int, int, bytes, bytes]:
    """Run ``cmd``; return (wall seconds, peak RSS in KiB, exit code, stdout, stderr).

    ``os.wait4`` gives the resource usage of this one child (RUSAGE_CHILDREN would
    be the maximum over every child waited for so far).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return wall, usage.ru_maxrss, code, out.read(), err.read()


def best_of(n: int, fn: Callable[[], object]) -> tuple[float, object]:
    """Best wall time of ``n`` calls of ``fn`` and the result of the last call."""
    best = float("inf")
    result = None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def find_tool(name: str, explicit: str | None) -> str | None:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def interpreter_of(script: str) -> str:
    """The Python that runs a console script (its shebang), else this one."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline().decode("utf-8", "replace").strip()
    except OSError:
        return sys.executable
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    return sys.executable


def kind_of(rel: Path) -> str | None:
    """File kind from its place in a contract folder (see ctai_cli/repository.py)."""
    parts = rel.parts
    if len(parts) == 1 and parts[0] in ("contrat.yaml", "porteurs.yaml"):
        return parts[0][:-5]
    if len(parts) == 2 and parts[1].endswith(".yaml"):
        return {"actions": "actions", "bilans": "bilan", "avenants": "avenant"}.get(parts[0])
    return None


def row(label: str, *cells: str) -> str:
    return f"  {label:<50}" + "".join(f"{c:>14}" for c in cells)


# --------------------------------------------------------------------------------------
# Measurements


def corpus_files(folders: list[Path]) -> dict[str, list[Path]]:
    by_kind: dict[str, list[Path]] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.yaml")):
            kind = kind_of(path.relative_to(folder))
            if kind:
                by_kind.setdefault(kind, []).append(path)
    return by_kind


def bench_subprocess_ctai(ctai: list[str], folders: list[Path], repeat: int) -> dict:
    import json

    cmd = [*ctai, "validate", *map(str, folders), "--format", "json", "--date", REF_DATE]
    walls, rss = [], 0
    summary: dict = {}
    codes: dict[str, int] = {}
    exit_code = None
    for _ in range(repeat):
        wall, maxrss, exit_code, out, err = run_child(cmd)
        walls.append(wall)
        rss = max(rss, maxrss)
        try:
            report = json.loads(out)
            summary = report["summary"]
            codes = {}
            for d in report["diagnostics"]:
                codes[d["code"]] = codes.get(d["code"], 0) + 1
        except (ValueError, KeyError):
            summary = {"unreadable output": err.decode("utf-8", "replace")[-500:]}
    return {
        "wall": min(walls),
        "walls": walls,
        "rss": rss,
        "exit": exit_code,
        "summary": summary,
        "codes": codes,
    }


def bench_check_jsonschema(cj: str, by_kind: dict[str, list[Path]], repeat: int) -> dict:
    from ctai_cli.repository import FILE_KINDS

    per_kind: dict[str, dict] = {}
    for kind, files in by_kind.items():
        schema = SCHEMAS / FILE_KINDS[kind].schema
        cmd = [cj, "--schemafile", str(schema), *map(str, files)]
        walls, rss, code, out, err = [], 0, None, b"", b""
        for _ in range(repeat):
            wall, maxrss, code, out, err = run_child(cmd)
            walls.append(wall)
            rss = max(rss, maxrss)
        per_kind[kind] = {
            "wall": min(walls),
            "rss": rss,
            "exit": code,
            "files": len(files),
            "bytes": sum(p.stat().st_size for p in files),
            "output": (out + err).decode("utf-8", "replace"),
        }
    return per_kind


def bench_startup(ctai: list[str], n: int) -> list[tuple[str, float]]:
    commands = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("python -c 'import pydantic'", [sys.executable, "-c", "import pydantic; pydantic.BaseModel"]),
        ("ctai --help", [*ctai, "--help"]),
        ("ctai --version", [*ctai, "--version"]),
        (
            "python -c 'import <modules of validate>'",
            [
                sys.executable,
                "-c",
                "import ctai_cli.cli, ctai_cli.checks, ctai_cli.repository, ctai_cli.reporters.json",
            ],
        ),
    ]
    results = []
    for label, cmd in commands:
        results.append((label, min(run_child(cmd)[0] for _ in range(n))))
    return results


def bench_in_process(folders: list[Path], by_kind: dict[str, list[Path]], repeat: int) -> list[tuple]:
    """Time each stage of validate() with the library functions, in this process.

    Per file, as validate() does it: read, parse, pydantic, then drop the result,
    so the heap (and the garbage collector's work) stays like the real run's.
    Only public functions of ctai_cli are timed (plus yaml.compose with the loader
    yamlread uses), so the bench survives changes inside yamlread. Called in a
    fresh child process by default (see run()).
    """
    import gc

    import yaml

    from ctai_cli import yamlread
    from ctai_cli.checks import Contexte, run_checks
    from ctai_cli.repository import FILE_KINDS, open_depot
    from ctai_cli.validate import ValidateOptions, validate
    from ctai_cli.yamlread import parse_text, read_bytes, read_document

    # The loader yamlread composes with (private, hence the fallback).
    loader = getattr(yamlread, "_Loader", None) or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = [(kind, path) for kind, paths in by_kind.items() for path in paths]
    ref = date.fromisoformat(REF_DATE)
    clock = time.perf_counter

    def stages() -> tuple[float, float, float, float]:
        """Per file: read, compose, parse_text (compose + walk), pydantic; walk = the difference."""
        t_read = t_compose = t_parse_text = t_model = 0.0
        for kind, path in files:
            t0 = clock()
            text = read_bytes(path, str(path))[0] or ""
            t1 = clock()
            yaml.compose(text, Loader=loader)
            t2 = clock()
            document = parse_text(text, str(path))[0]
            t3 = clock()
            if document is not None:
                FILE_KINDS[kind].model.model_validate(document.data)
            t4 = clock()
            t_read += t1 - t0
            t_compose += t2 - t1
            t_parse_text += t3 - t2
            t_model += t4 - t3
        return t_read, t_compose, max(0.0, t_parse_text - t_compose), t_model

    def parse_all() -> None:
        for _, path in files:
            read_document(path, str(path))

    contexte = Contexte(date=ref)

    def checks_all() -> float:
        spent = 0.0
        for folder in folders:
            depot = open_depot(folder)[0]
            if depot is not None:
                start = clock()
                run_checks(depot, contexte)
                spent += clock() - start
        return spent

    options = ValidateOptions(paths=tuple(folders), date=ref)

    def timed(fn: Callable[[], object]) -> float:
        start = clock()
        fn()
        return clock() - start

    def validate_without_gc() -> float:
        gc.collect()
        gc.disable()
        try:
            return timed(lambda: validate(options))
        finally:
            gc.enable()

    n_diags = len(validate(options).diagnostics)
    # Rounds interleave every measurement: this VM's speed drifts by tens of percent
    # over tens of seconds, and interleaving keeps the figures of one run comparable.
    best = [float("inf")] * 8
    for _ in range(repeat):
        round_times = [
            *stages(),
            timed(parse_all),
            checks_all(),
            timed(lambda: validate(options)),
            validate_without_gc(),
        ]
        best = [min(a, b) for a, b in zip(best, round_times, strict=True)]
    t_read, t_compose, t_walk, t_model, t_parse, t_checks, t_validate, t_nogc = best
    return [
        ("read + UTF-8 decode (yamlread.read_bytes)", t_read),
        ("compose: yaml.compose, yamlread's libyaml loader", t_compose),
        ("walk = parse_text - compose (positions, YAML 1.1)", t_walk),
        ("pydantic model_validate", t_model),
        ("checks (checks.run_checks)", t_checks),
        ("sum of the stages above", t_read + t_compose + t_walk + t_model + t_checks),
        ("parse alone (yamlread.read_document)", t_parse),
        ("validate() end to end", t_validate),
        ("validate() with the garbage collector off", t_nogc),
        ("diagnostics found", float(n_diags)),
    ]


def in_child(args: argparse.Namespace) -> list[tuple]:
    """Run bench_in_process in a fresh interpreter (clean heap, like the CLI's)."""
    import json

    cmd = [sys.executable, __file__, "--worker-breakdown", "--repeat", str(args.repeat), "--corpus", "."]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"breakdown worker failed:\n{proc.stderr}")
    return [tuple(item) for item in json.loads(proc.stdout)]


def profile_validate(folders: list[Path], top: int) -> str:
    from ctai_cli.validate import ValidateOptions, validate

    options = ValidateOptions(paths=tuple(folders), date=date.fromisoformat(REF_DATE))
    validate(options)  # warm: imports and first-call caches out of the profile
    profiler = cProfile.Profile()
    profiler.enable()
    validate(options)
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    buffer.write("\n")
    stats.sort_stats("tottime").print_stats(top)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--territories", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="best of N for every timing (default 3)")
    parser.add_argument(
        "--cj-repeat",
        type=int,
        default=1,
        help="best of N for check-jsonschema (default 1: without ruamel.yaml.clib it takes ~1 min)",
    )
    parser.add_argument("--startup-repeat", type=int, default=10)
    parser.add_argument("--corpus", type=Path, help="use this corpus instead of generating one")
    parser.add_argument("--ctai", help="ctai executable (default: the one beside this Python)")
    parser.add_argument(
        "--check-jsonschema",
        dest="cj",
        action="append",
        help="check-jsonschema executable (default: the one beside this Python); repeat the option "
        "to compare several installs, e.g. one with ruamel.yaml.clib",
    )
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of validate()")
    parser.add_argument("--profile-top", type=int, default=10)
    parser.add_argument("--in-process", action="store_true", help="breakdown in this process, not a child")
    parser.add_argument("--worker-breakdown", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker_breakdown:
        import json

        root = args.corpus or Path(".")
        folders = sorted(p.parent.relative_to(root) for p in root.glob("*/contrat.yaml"))
        os.chdir(root)
        print(json.dumps(bench_in_process(folders, corpus_files(folders), args.repeat)))
        return 0

    tmp = None
    try:
        if args.corpus:
            root = args.corpus
            folders = sorted(p.parent for p in root.glob("*/contrat.yaml"))
            gen_time = None
        else:
            tmp = tempfile.mkdtemp(prefix="ctai-bench-")
            root = Path(tmp)
            start = time.perf_counter()
            folders = generate_corpus.generate(root, args.territories, args.seed)
            gen_time = time.perf_counter() - start
        if not folders:
            print(f"no contract folder (*/contrat.yaml) in {root}", file=sys.stderr)
            return 2
        # Relative paths keep the command line and the report short.
        os.chdir(root)
        folders = [f.relative_to(root) if f.is_absolute() else f for f in folders]
        return run(args, root, folders, gen_time)
    finally:
        if tmp:
            os.chdir(REPO)
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, root: Path, folders: list[Path], gen_time: float | None) -> int:
    import platform

    import pydantic
    import yaml

    by_kind = corpus_files(folders)
    n_files = sum(len(v) for v in by_kind.values())
    size = sum(p.stat().st_size for v in by_kind.values() for p in v)
    mb = size / MB

    print("ctai validate benchmark")
    print(
        f"  machine: {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"PyYAML {yaml.__version__} (libyaml C loader: {hasattr(yaml, 'CSafeLoader')}), "
        f"pydantic {pydantic.VERSION}"
    )
    import ctai_cli

    print(f"  ctai_cli {ctai_cli.__version__} from {Path(ctai_cli.__file__).parent}")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print(
            "  PYTHONDONTWRITEBYTECODE is set: an editable ctai_cli without __pycache__ is compiled at "
            "every start"
        )
    print(
        f"  timings: best of {args.repeat}; start-up: best of {args.startup_repeat}; reference date {REF_DATE}"
    )
    print()
    print("Corpus")
    origin = f"generated in {gen_time:.2f} s, seed {args.seed}" if gen_time is not None else f"from {root}"
    print(f"  {len(folders)} contracts, {n_files} files, {mb:.2f} MB ({size / MIB:.2f} MiB), {origin}")
    for kind, files in by_kind.items():
        kb = sum(p.stat().st_size for p in files) / len(files) / 1000
        print(f"    {kind:<9} {len(files):>5} files, {kb:6.1f} KB average")
    print()

    ctai_exe = find_tool("ctai", args.ctai)
    ctai = [ctai_exe] if ctai_exe else [sys.executable, "-m", "ctai_cli"]
    cjs = args.cj or [c for c in [find_tool("check-jsonschema", None)] if c]

    print("Subprocess (whole corpus)")
    print(row("", "wall s", "MB/s", "peak RSS MiB"))
    c = bench_subprocess_ctai(ctai, folders, args.repeat)
    print(
        row(
            "ctai validate --format json",
            f"{c['wall']:.2f}",
            f"{mb / c['wall']:.2f}",
            f"{c['rss'] / 1024:.0f}",
        )
    )
    print(f"    exit code {c['exit']}, summary {c['summary']}")
    if c["codes"]:
        print(f"    diagnostics by code: {c['codes']}")
    print(f"    all runs: {', '.join(f'{w:.2f}' for w in c['walls'])} s")

    for cj in cjs:
        runner = interpreter_of(cj)
        has_clib = subprocess.run([runner, "-c", "import _ruamel_yaml"], capture_output=True).returncode == 0
        per_kind = bench_check_jsonschema(cj, by_kind, args.cj_repeat)
        total = sum(k["wall"] for k in per_kind.values())
        rss = max(k["rss"] for k in per_kind.values())
        print()
        print(f"  check-jsonschema: {cj}")
        print(
            f"    ruamel.yaml C extension: {'yes (ruamel.yaml.clib)' if has_clib else 'NO, pure-Python parser'}"
        )
        label = f"check-jsonschema, {len(per_kind)} calls (sum, best of {args.cj_repeat})"
        print(row(label, f"{total:.2f}", f"{mb / total:.2f}", f"{rss / 1024:.0f}"))
        for kind, k in per_kind.items():
            status = "ok" if k["exit"] == 0 else f"EXIT {k['exit']}"
            print(
                row(
                    f"  {kind} ({k['files']} files) {status}",
                    f"{k['wall']:.2f}",
                    f"{k['bytes'] / MB / k['wall']:.2f}",
                    f"{k['rss'] / 1024:.0f}",
                )
            )
        print(row("ratio ctai / check-jsonschema", f"{c['wall'] / total:.2f}"))
        for kind, k in per_kind.items():
            if k["exit"] != 0:
                print(f"    check-jsonschema rejected {kind} files:\n{k['output'][:2000]}")
    if cjs:
        print(
            "  ctai does more than check-jsonschema: positions of every value, YAML 1.1/1.2 ambiguity\n"
            "  checks, duplicate keys, size/alias/depth limits, cross-file checks (porteurs, axes, publics,\n"
            "  bilans vs annexes, SIRET keys...), in one process instead of one per file kind."
        )
    else:
        print("  check-jsonschema: not found (pip install check-jsonschema)")
    print()

    print("Start-up")
    print(row("", "wall s"))
    for label, wall in bench_startup(ctai, args.startup_repeat):
        print(row(label, f"{wall:.3f}"))
    print()

    where = "this process" if args.in_process else "a fresh child process"
    print(f"In process: library functions on the whole corpus ({n_files} files), in {where}")
    print(row("", "s", "MB/s", "% validate"))
    breakdown = bench_in_process(folders, by_kind, args.repeat) if args.in_process else in_child(args)
    total = dict(breakdown)["validate() end to end"]
    for label, value in breakdown:
        if label.startswith("diagnostics"):
            print(row(label, f"{value:.0f}"))
        else:
            print(
                row(
                    label,
                    f"{value:.3f}",
                    f"{mb / value:.1f}" if value > 0 else "-",
                    f"{100 * value / total:.0f}",
                )
            )

    if args.profile:
        print()
        print(f"cProfile of validate() on the corpus (top {args.profile_top}; profiling slows Python code)")
        print(profile_validate(folders, args.profile_top))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Time ``ctai aggregate`` on the synthetic national corpus and on ten times it.

Usage::

    python bench/bench_aggregate.py [--territories 44] [--factor 10] [--repeat 3] [--format json]

Generates two corpora in a temporary folder (``--territories`` contracts, then
``--territories × --factor``), checks that ``ctai validate`` finds nothing in the small one
(the figures of an invalid corpus would be the excluded contracts' list), then runs
``ctai aggregate <every folder> --date 2027-01-01 --format FORMAT`` as a subprocess and
prints the best wall time of ``--repeat`` runs, the peak memory of the child and the
growth ratio. No assertion on time: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate_corpus  # noqa: E402

DATE = "2027-01-01"


def run_child(cmd: list[str]) -> tuple[float, float, int, int, bytes, bytes]:
    """Run ``cmd``: (wall seconds, CPU seconds user + system, peak RSS KiB, exit code, stdout, stderr).

    The CPU time of the child (``os.wait4``) is what to compare on a loaded machine: the
    wall time also counts the time other processes held the cores.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code, out.read(), err.read()


def ctai() -> list[str]:
    return [sys.executable, "-m", "ctai_cli"]


def measure(folders: list[Path], fmt: str, repeat: int) -> tuple[float, float, int, dict | None]:
    """Best wall and best CPU time of ``repeat`` runs, peak memory, the JSON output."""
    best, best_cpu, peak, data = float("inf"), float("inf"), 0, None
    cmd = [*ctai(), "aggregate", *map(str, folders), "--date", DATE, "--format", fmt]
    for _ in range(repeat):
        wall, cpu, rss, code, out, err = run_child(cmd)
        if code != 0:
            raise SystemExit(f"ctai aggregate: exit {code}: {err.decode()[-2000:]}")
        best, best_cpu, peak = min(best, wall), min(best_cpu, cpu), max(peak, rss)
        if fmt == "json":
            data = json.loads(out)
    return best, best_cpu, peak, data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--territories", type=int, default=44)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", default="json", choices=("text", "json", "csv", "md", "html"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ctai-bench-aggregate-") as tmp:
        results = []
        for n in (args.territories, args.territories * args.factor):
            folders = generate_corpus.generate(Path(tmp) / f"corpus-{n}", n, args.seed)
            files = sum(1 for f in folders for _ in f.rglob("*.yaml"))
            size = sum(p.stat().st_size for f in folders for p in f.rglob("*.yaml"))
            actions = sum(
                (f / "actions" / f"{y}.yaml").read_text(encoding="utf-8").count("\n  - id: ")
                for f in folders
                for y in generate_corpus.YEARS
            )
            if n == args.territories:
                _, cpu, _, code, out, _ = run_child([*ctai(), "validate", *map(str, folders), "--date", DATE])
                print(
                    f"ctai validate, {n} contrats : code {code}, {out.decode().strip().splitlines()[-1]} "
                    f"({cpu:.2f} s CPU)"
                )
                if code != 0:
                    return 1
            wall, cpu, rss, data = measure(folders, args.format, args.repeat)
            if data is not None and data["exclus"]:
                print(f"{len(data['exclus'])} contrat(s) exclu(s) : corpus invalide", file=sys.stderr)
                return 1
            per_year = actions // len(generate_corpus.YEARS)
            print(
                f"{n:>5} contrats, {files} fichiers, {size / 1e6:.1f} Mo, {per_year} actions par an : "
                f"ctai aggregate --format {args.format} {wall:.2f} s réel, {cpu:.2f} s CPU "
                f"(meilleurs de {args.repeat}), pic mémoire {rss / 1024:.0f} Mio"
            )
            results.append((n, wall, cpu))
        (n1, t1, c1), (n2, t2, c2) = results
        print(
            f"croissance : ×{n2 / n1:.0f} contrats, ×{t2 / t1:.2f} en temps réel, ×{c2 / c1:.2f} en temps CPU"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

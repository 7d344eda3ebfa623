"""Long fuzz run: ``python -m tests.fuzz [--seed S] [--n N] [--jobs J]`` (see README, « Fuzzing »).

Prints the figures (inputs, defects, per-family counts, slowest input) and exits 1 when
any defect is found, with each defect's input replayable from the seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from tests.fuzz.harness import executer, generer, rapport


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args()
    started = time.monotonic()
    cases = generer(options.seed, options.n)

    def progress(done: int, total: int) -> None:
        if done % 500 == 0 or done == total:
            print(f"  {done}/{total} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)

    results = executer(cases, jobs=options.jobs, progress=progress)
    elapsed = time.monotonic() - started
    families = Counter(r.cas.nom.rsplit("-", 1)[0] for r in results)
    codes = Counter(r.code for r in results)
    slowest = max(results, key=lambda r: r.duree)
    print(
        f"graine {options.seed}, {len(results)} entrées en {elapsed:.0f} s ({len(results) / elapsed:.1f}/s)"
    )
    print("familles : " + ", ".join(f"{k} {v}" for k, v in sorted(families.items())))
    print("codes de sortie : " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=str)))
    print(f"plus lente : {slowest.cas.nom} en {slowest.duree:.1f} s")
    print(rapport(results))
    return 1 if any(r.defauts for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

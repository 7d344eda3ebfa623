"""Rows per second of ``ctai eligibility check --batch`` on a synthetic file (default 100 000 rows).

    python bench/bench_eligibility.py [--rows 100000] [--format csv|jsonl]

Prints figures; asserts nothing (a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = "id,nationalite,titres_sejour,protection_type,protection_autorite,protection_date,intention_installation,suivi_agir,residence_ukraine_24_02_2022"
PROFILES = [
    lambda r, i: (
        f"p{i},AF,carte_resident_refugie:2023-07-01,refugie,OFPRA,2023-0{r.randint(1, 9)}-10,oui,oui,"
    ),
    lambda r, i: f"p{i},UA,,temporaire,prefecture,2022-04-0{r.randint(1, 9)},,,oui",
    lambda r, i: f"p{i},MA,salarie:20{r.randint(15, 24)}-06-01,,,,oui,,",
    lambda r, i: f"p{i},CN,etudiant:2023-09-01,,,,oui,,",
    lambda r, i: f"p{i},,salarie:2023-01-01,,,,,,",
]


def generate(path: Path, rows: int, fmt: str) -> None:
    rng = random.Random(0)
    with path.open("w", encoding="utf-8") as out:
        if fmt == "csv":
            out.write(HEADER + "\n")
        for i in range(rows):
            line = rng.choice(PROFILES)(rng, i)
            if fmt == "csv":
                out.write(line + "\n")
            else:
                keys = HEADER.split(",")
                cells = dict(zip(keys, line.split(","), strict=True))
                person = {"id": cells["id"]}
                if cells["nationalite"]:
                    person["nationalite"] = cells["nationalite"]
                if cells["titres_sejour"]:
                    kind, start = cells["titres_sejour"].split(":")
                    person["titres_sejour"] = [{"type": kind, "debut": start}]
                out.write(json.dumps(person) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / f"personnes.{args.format}"
        generate(rows, args.rows, args.format)
        size = rows.stat().st_size / 1e6
        ctai = Path(sys.executable).parent / "ctai"
        start = time.perf_counter()
        done = subprocess.run(
            [
                str(ctai),
                "eligibility",
                "check",
                "--batch",
                str(rows),
                "--date",
                "2024-11-01",
                "--format",
                "json",
                "--output",
                str(Path(tmp) / "verdicts.jsonl"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"ctai eligibility check --batch ({args.format}, {args.rows} lignes, {size:.1f} Mo)")
    print(f"  code de sortie {done.returncode} ; {done.stderr.strip()}")
    print(
        f"  temps réel {wall:.2f} s, {args.rows / wall:,.0f} lignes/s, pic mémoire {peak:.0f} Mio".replace(
            ",", " "
        )
    )


if __name__ == "__main__":
    main()

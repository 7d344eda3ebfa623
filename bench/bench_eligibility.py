"""Rows per second of ``ctai eligibility check --batch`` on a synthetic file (default 100 000 rows).

    python bench/bench_eligibility.py [--rows 100000] [--format csv jsonl] [--repeat 5]
                                      [--baseline-rev e1571be]

Each round runs every (tree, format) once, in a shuffled order: the current tree and, with
``--baseline-rev``, that revision from a git worktree (bench/arbres.py: same Python, compiled
bytecode). Printed for each: the best and the median time in rows/s, the least processor
time (parent and worker processes: what the rows cost, whatever else runs on the machine),
the memory peak of the best run, the ratios, and whether both trees wrote the same verdicts
byte for byte. The machine's load is printed before and after.

Prints figures; asserts nothing (a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from arbres import Arbre, arbres, charge, environnement, verifier

HEADER = (
    "id,nationalite,date_naissance,titres_sejour,protection_type,protection_autorite,protection_date,"
    "demandeur_asile,intention_installation,suivi_agir,residence_ukraine_24_02_2022"
)
# Complete rows, so that every rule runs to its end (an incomplete row stops earlier).
PROFILES = [
    lambda r, i: (
        f"p{i},AF,1990-0{r.randint(1, 9)}-15,carte_resident_refugie:2023-07-01:2033-06-30,refugie,OFPRA,"
        f"2023-0{r.randint(1, 9)}-10,,oui,oui,"
    ),
    lambda r, i: (
        f"p{i},UA,1985-04-0{r.randint(1, 9)},,temporaire,prefecture,2022-04-0{r.randint(1, 9)},non,,,oui"
    ),
    lambda r, i: (
        f"p{i},MA;SN,1992-11-2{r.randint(1, 9)},salarie:20{r.randint(15, 23)}-06-01:2023-05-31;"
        "salarie:2023-06-01:2027-05-31,,,,non,oui,,"
    ),
    lambda r, i: f"p{i},CN,2001-02-03,etudiant:2023-09-01:2024-08-31,,,,non,oui,,",
    lambda r, i: f"p{i},,,salarie:2023-01-01,,,,,,,",
]
DATE = "2024-11-01"


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
                person: dict = {"id": cells["id"]}
                if cells["nationalite"]:
                    codes = cells["nationalite"].split(";")
                    person["nationalite"] = codes if len(codes) > 1 else codes[0]
                if cells["date_naissance"]:
                    person["date_naissance"] = cells["date_naissance"]
                if cells["titres_sejour"]:
                    person["titres_sejour"] = [
                        dict(zip(("type", "debut", "fin"), item.split(":"), strict=False))
                        for item in cells["titres_sejour"].split(";")
                    ]
                if cells["protection_type"]:
                    person["protection"] = {
                        "type": cells["protection_type"],
                        "autorite": cells["protection_autorite"],
                        "date": cells["protection_date"],
                    }
                for key in (
                    "demandeur_asile",
                    "intention_installation",
                    "suivi_agir",
                    "residence_ukraine_24_02_2022",
                ):
                    if cells[key]:
                        person[key] = cells[key] == "oui"
                out.write(json.dumps(person) + "\n")


def milliers(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def executer(arbre: Arbre, rows: Path, output: Path, env: dict[str, str], cwd: Path) -> tuple:
    """One run: (wall seconds, processor seconds of ctai and its workers, peak Mio, exit code, stderr)."""
    command = arbre.commande(
        "eligibility", "check", "--batch", str(rows), "--date", DATE, "--format", "json",
        "--output", str(output), "--force",
    )  # fmt: skip
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return (
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        stderr.strip(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", nargs="+", choices=("csv", "jsonl"), default=["csv", "jsonl"])
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="rounds; the best and the median are printed (a shared machine is noisy)",
    )
    parser.add_argument("--baseline-rev", help="also time this git revision, interleaved (e.g. e1571be)")
    args = parser.parse_args()
    print(f"{charge()} (avant)")
    with arbres(args.baseline_rev) as (liste, tmp):
        pyc = tmp / "pyc"
        cwd = tmp / "cwd"
        cwd.mkdir()
        envs = {arbre.label: environnement(arbre, pyc) for arbre in liste}
        fichiers = {}
        for fmt in args.format:
            fichiers[fmt] = tmp / f"personnes.{fmt}"
            generate(fichiers[fmt], args.rows, fmt)
            petit = tmp / f"petit.{fmt}"
            generate(petit, 10, fmt)
            for arbre in liste:  # warm-up: bytecode compiled, and the tree checked
                verifier(arbre, envs[arbre.label], cwd)
                executer(arbre, petit, tmp / "petit.out", envs[arbre.label], cwd)
        runs: dict[tuple[str, str], list[tuple]] = {}
        order = [(fmt, arbre) for fmt in args.format for arbre in liste]
        rng = random.Random(1)
        for _ in range(args.repeat):
            rng.shuffle(order)
            for fmt, arbre in order:
                output = tmp / f"verdicts-{fmt}-{liste.index(arbre)}.jsonl"
                runs.setdefault((fmt, arbre.label), []).append(
                    executer(arbre, fichiers[fmt], output, envs[arbre.label], cwd)
                )
        for fmt in args.format:
            size = fichiers[fmt].stat().st_size / 1e6
            print(
                f"\nctai eligibility check --batch ({fmt}, {args.rows} lignes, {size:.1f} Mo), {args.repeat} tours"
            )
            best, medianes, processeur = {}, {}, {}
            for arbre in liste:
                mesures = runs[(fmt, arbre.label)]
                wall, _, peak, code, stderr = min(mesures)
                best[arbre.label] = wall
                medianes[arbre.label] = statistics.median(m[0] for m in mesures)
                processeur[arbre.label] = min(m[1] for m in mesures)
                print(
                    f"  {arbre.label:24} {milliers(args.rows / wall):>7} lignes/s (médiane "
                    f"{milliers(args.rows / medianes[arbre.label])}) ; processeur {processeur[arbre.label]:.2f} s "
                    f"(au mieux, parent et processus de travail) ; pic mémoire {peak:.0f} Mio ; code {code}"
                )
                if code != 0:
                    print(f"    {stderr}")
            if len(liste) == 2:
                avant, apres = (liste[0].label, liste[1].label)
                sorties = [(tmp / f"verdicts-{fmt}-{i}.jsonl").read_bytes() for i in range(2)]
                print(
                    f"  après / avant : x{best[avant] / best[apres]:.2f} (meilleurs temps), "
                    f"x{medianes[avant] / medianes[apres]:.2f} (médianes), "
                    f"x{processeur[avant] / processeur[apres]:.2f} (temps processeur) ; "
                    f"verdicts identiques octet pour octet : {'oui' if sorties[0] == sorties[1] else 'NON'}"
                )
    print(f"\n{charge()} (après)")


if __name__ == "__main__":
    main()

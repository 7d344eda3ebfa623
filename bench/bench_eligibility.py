"""Rows per second of ``ctai eligibility check --batch`` on a synthetic file (default 100 000 rows).

    python bench/bench_eligibility.py [--rows 100000] [--format csv jsonl] [--repeat 5] [--seed 0]
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
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from arbres import Arbre, arbres, charge, environnement, verifier

from ctai_cli.eligibility.batch import personne_depuis_csv

# A caseworker's file, as varied as a real one: every column of the format, dates of birth over
# 60 years, titre, protection and asylum dates over 10 years, nationalities in a realistic mix
# (the usual countries of origin, then every other code of ISO 3166-1, a few Europeans and
# dual French nationals, stateless persons), and about one fact in ten missing. The same file
# for a given --seed. Per-value caches must pay off on this variety, not on repetitions.
HEADER = [  # every column of the format as of 02f2c92 (a newer column would be refused by an older tree)
    "id",
    "nationalite",
    "date_naissance",
    "titres_sejour",
    "protection_type",
    "protection_autorite",
    "protection_date",
    "protection_fin",
    "protection_fin_motif",
    "demande_asile_depot",
    "demande_asile_decision",
    "cir_signature",
    "demandeur_asile",
    "mineur_non_accompagne",
    "sejour_irregulier",
    "residence_ukraine_24_02_2022",
    "protection_en_ukraine",
    "membre_famille_bpt",
    "resident_permanent_ukraine_sans_retour",
    "intention_installation",
    "suivi_agir",
]
FREQUENTES = {  # weights, roughly those of first residence permits and protections in France
    "DZ": 12,
    "MA": 11,
    "TN": 6,
    "AF": 8,
    "UA": 7,
    "CI": 5,
    "GN": 4,
    "SN": 4,
    "CM": 3,
    "SY": 3,
    "ER": 2,
    "SD": 3,
    "CD": 3,
    "HT": 2,
    "CN": 3,
    "TR": 3,
    "RU": 2,
    "BD": 2,
    "PK": 2,
    "LK": 1,
    "ML": 2,
    "CG": 1,
    "CO": 1,
    "BR": 2,
    "VN": 1,
    "IN": 2,
    "US": 1,
    "GE": 1,
    "AL": 1,
    "SO": 1,
}
EUROPEENS = ["IT", "ES", "PT", "RO", "DE", "BE", "PL", "CH", "NO"]
TITRES_OUVRANTS = [
    "salarie", "travailleur_non_salarie", "regroupement_familial", "conjoint_francais",
    "parent_enfant_francais", "vie_privee_familiale_autre", "carte_resident",
]  # fmt: skip
TITRES_AUTRES = ["etudiant", "passeport_talent", "vie_privee_familiale", "vie_privee_familiale_dispensee_cir"]
DATE = "2024-11-01"


def _pays(r: random.Random, tous: list[str]) -> str:
    tirage = r.random()
    if tirage < 0.80:
        return r.choices(list(FREQUENTES), weights=list(FREQUENTES.values()))[0]
    if tirage < 0.93:
        return r.choice(tous)  # the long tail: any code (Europeans included)
    if tirage < 0.96:
        return r.choice(EUROPEENS)
    if tirage < 0.99:
        return f"{r.choice(list(FREQUENTES))};{r.choice(['FR', 'IT', 'ES', 'BE', 'CA'])}"
    return "apatride"


def _jour(r: random.Random, debut: int, fin: int) -> date:
    """A day between 1 January of ``debut`` and 31 December of ``fin``."""
    premier, dernier = date(debut, 1, 1).toordinal(), date(fin, 12, 31).toordinal()
    return date.fromordinal(r.randint(premier, dernier))


def _titre(r: random.Random, kind: str, debut: date) -> str:
    fin = debut + timedelta(days=r.choice([365, 365, 730, 1460, 3652]) - 1)
    parts = [kind, debut.isoformat(), fin.isoformat() if r.random() < 0.9 else ""]
    if r.random() < 0.1:
        parts.append((fin + timedelta(days=r.choice([90, 180]))).isoformat())
    return ":".join(parts).rstrip(":")


def ligne(r: random.Random, i: int, tous: list[str]) -> list[str]:
    """One person: cells in the order of HEADER."""
    c = dict.fromkeys(HEADER, "")
    c["id"] = f"D{2015 + i % 10}-{i:07d}"
    c["nationalite"] = _pays(r, tous)
    c["date_naissance"] = _jour(r, 1955, 2014).isoformat()
    c["demandeur_asile"] = "non"
    c["intention_installation"] = r.choice(["oui"] * 9 + ["non"])
    c["suivi_agir"] = r.choice(["oui", "non", ""])
    profil = r.choices(["bpi", "bpt", "epa", "etudiant", "asile", "irregulier"], [28, 10, 45, 7, 6, 4])[0]
    if profil == "bpi":
        protection = _jour(r, 2014, 2024)
        c["protection_type"] = r.choice(["refugie", "refugie", "protection_subsidiaire", "apatride"])
        c["protection_autorite"] = (
            "OFPRA" if c["protection_type"] == "apatride" else r.choice(["OFPRA", "CNDA"])
        )
        c["protection_date"] = protection.isoformat()
        if c["protection_type"] == "apatride":
            c["nationalite"] = "apatride"
        if r.random() < 0.5:
            kind = "carte_resident_refugie" if c["protection_type"] == "refugie" else "protection_subsidiaire"
            c["titres_sejour"] = _titre(r, kind, protection + timedelta(days=r.randint(20, 200)))
        if r.random() < 0.4:
            depot = protection - timedelta(days=r.randint(120, 900))
            c["demande_asile_depot"] = depot.isoformat()
            if r.random() < 0.5:
                c["demande_asile_decision"] = protection.isoformat()
        if r.random() < 0.04:
            c["protection_fin"] = _jour(r, protection.year, 2025).isoformat()
            c["protection_fin_motif"] = r.choice(["cessation", "retrait", "renonciation", "depart", "autre"])
    elif profil == "bpt":
        c["nationalite"] = "UA" if r.random() < 0.9 else r.choice(["RU", "BY", "MD", "NG", "IN"])
        protection = date(2022, 3, 4) + timedelta(days=r.randint(0, 1000))
        c["protection_type"], c["protection_autorite"] = "temporaire", "prefecture"
        c["protection_date"] = protection.isoformat()
        c["residence_ukraine_24_02_2022"] = "oui"
        if c["nationalite"] != "UA":
            c["protection_en_ukraine"] = r.choice(["oui", "non", ""])
            c["membre_famille_bpt"] = r.choice(["oui", "non", ""])
        if r.random() < 0.3:
            c["titres_sejour"] = _titre(r, "aps_protection_temporaire", protection)
        if r.random() < 0.03:
            c["protection_fin"] = _jour(r, 2023, 2025).isoformat()
            c["protection_fin_motif"] = r.choice(["depart", "autre"])
    elif profil in ("epa", "etudiant"):
        debut = _jour(r, 2014, 2024)
        titres = [
            _titre(
                r,
                r.choice(TITRES_AUTRES if profil == "etudiant" else TITRES_OUVRANTS * 3 + TITRES_AUTRES),
                debut,
            )
        ]
        for _ in range(r.choice([0, 0, 1, 1, 2])):
            debut += timedelta(days=r.randint(300, 1500))
            titres.append(_titre(r, r.choice(TITRES_OUVRANTS), debut))
        c["titres_sejour"] = ";".join(titres)
        if r.random() < 0.15:
            c["cir_signature"] = (
                date.fromisoformat(titres[0].split(":")[1]) + timedelta(days=r.randint(10, 300))
            ).isoformat()
    elif profil == "asile":
        depot = _jour(r, 2021, 2024)
        c["demande_asile_depot"] = depot.isoformat()
        c["demandeur_asile"] = r.choice(["oui", ""])
        if r.random() < 0.3:
            c["demande_asile_decision"] = (depot + timedelta(days=r.randint(100, 700))).isoformat()
    else:
        c["sejour_irregulier"] = "oui"
    if r.random() < 0.02:
        c["mineur_non_accompagne"] = r.choice(["oui", "non"])
    for key in HEADER[1:]:  # about one fact in ten missing (asked, never guessed)
        if c[key] and r.random() < 0.08:
            c[key] = ""
    # A missing protection, asylum claim or end of protection goes with its details (the format
    # refuses details without it): the file stays valid.
    for cle, details in (
        (
            "protection_type",
            ("protection_autorite", "protection_date", "protection_fin", "protection_fin_motif"),
        ),
        ("demande_asile_depot", ("demande_asile_decision",)),
        ("protection_fin", ("protection_fin_motif",)),
        ("protection_fin_motif", ("protection_fin",)),
    ):
        if not c[cle]:
            for detail in details:
                c[detail] = ""
    return [c[key] for key in HEADER]


def generate(path: Path, rows: int, fmt: str, seed: int = 0) -> None:
    import pycountry

    tous = sorted(country.alpha_2 for country in pycountry.countries)
    r = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        if fmt == "csv":
            out.write(",".join(HEADER) + "\n")
        for i in range(rows):
            cells = ligne(r, i, tous)
            if fmt == "csv":
                out.write(",".join(cells) + "\n")
            else:  # the same person, in the nested shape of a person file
                out.write(json.dumps(personne_depuis_csv(dict(zip(HEADER, cells, strict=True)))) + "\n")


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
    parser.add_argument("--seed", type=int, default=0, help="the synthetic file (the same for a given seed)")
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
            generate(fichiers[fmt], args.rows, fmt, args.seed)
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

#!/usr/bin/env python3
"""``ctai validate`` on the national corpus: JSON and text, cold and with the cache.

Usage::

    python bench/bench_corpus.py [--territories 100] [--runs 5] [--baseline-rev e1571be] [--corpus DIR]

Generates the corpus (bench/generate_corpus.py) in a temporary folder unless ``--corpus``
names one, then runs, in a shuffled order each round, for each tree (the current one;
with ``--baseline-rev``, that revision too, from a git worktree, see bench/arbres.py):

- ``ctai validate <every folder> --date 2027-01-01 --format json`` and the same in text
  (standard output to a file: a CI log, no terminal);
- for a tree that has ``--cache-dir``: a first run into an empty cache folder (« froid » :
  everything read, entries written) and a second one (« succès » : nothing changed), in
  JSON and in text.

Printed: minimum and median of each, the ratios text / JSON and hit / cold, and whether
the cached report is byte for byte the uncached one. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate_corpus  # noqa: E402
from arbres import Arbre, Mesures, arbres, charge, environnement, verifier  # noqa: E402

DATE = "2027-01-01"


def run(cmd: list[str], env: dict[str, str], cwd: Path, sortie: Path) -> tuple[float, int]:
    with open(sortie, "wb") as out:
        start = time.perf_counter()
        code = subprocess.run(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL).returncode
        return time.perf_counter() - start, code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--territories", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="an existing corpus (else generated in a temp folder)")
    parser.add_argument("--baseline-rev", help="git revision to compare with (a worktree in a temp folder)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    with arbres(args.baseline_rev) as (liste, tmp):
        corpus = args.corpus
        if corpus is None:
            corpus = tmp / "corpus"
            generate_corpus.main([str(corpus), "--territories", str(args.territories)])
        dossiers = sorted(str(p) for p in corpus.iterdir() if (p / "contrat.yaml").is_file())
        pyc, cwd = tmp / "pyc", tmp / "cwd"
        cwd.mkdir()
        envs = {a.label: environnement(a, pyc) for a in liste}
        base = ["validate", *dossiers, "--date", DATE]

        def avec_cache(a: Arbre) -> bool:
            aide = subprocess.run(
                a.commande("validate", "--help"), env=envs[a.label], cwd=cwd, capture_output=True, text=True
            )
            return "--cache-dir" in aide.stdout

        mesures: dict[tuple[str, str], Mesures] = {}
        taches: list[tuple[Arbre, str]] = []
        for a in liste:
            verifier(a, envs[a.label], cwd)
            noms = ["json", "texte"] + (
                ["cache froid, json", "cache succès, json", "cache succès, texte"] if avec_cache(a) else []
            )
            for nom in noms:
                mesures[(a.label, nom)] = Mesures()
            taches.extend((a, nom) for nom in ("json", "texte"))
            if "cache froid, json" in noms:
                taches.append((a, "cache"))
            run(a.commande(*base, "--format", "json"), envs[a.label], cwd, tmp / "chauffe")  # bytecode

        print(f"Corpus : {len(dossiers)} contrats ({corpus})")
        print(f"{args.runs} tours ; au début : {charge()}")
        identiques = []
        for tour in range(args.runs):
            rng.shuffle(taches)
            for a, nom in taches:
                env = envs[a.label]
                if nom == "json":
                    t, _ = run(a.commande(*base, "--format", "json"), env, cwd, tmp / f"{a.label}.json")
                    mesures[(a.label, nom)].temps.append(t)
                elif nom == "texte":
                    t, _ = run(a.commande(*base, "--format", "text"), env, cwd, tmp / f"{a.label}.txt")
                    mesures[(a.label, nom)].temps.append(t)
                else:
                    dossier_cache = tmp / f"cache-{tour}"
                    shutil.rmtree(dossier_cache, ignore_errors=True)
                    c = ["--cache-dir", str(dossier_cache)]
                    froid = tmp / "froid.json"
                    t, _ = run(a.commande(*base, "--format", "json", *c), env, cwd, froid)
                    mesures[(a.label, "cache froid, json")].temps.append(t)
                    succes = tmp / "succes.json"
                    t, _ = run(a.commande(*base, "--format", "json", *c), env, cwd, succes)
                    mesures[(a.label, "cache succès, json")].temps.append(t)
                    t, _ = run(a.commande(*base, "--format", "text", *c), env, cwd, tmp / "succes.txt")
                    mesures[(a.label, "cache succès, texte")].temps.append(t)
                    sans = subprocess.run(
                        a.commande(*base, "--format", "json"), env=env, cwd=cwd, capture_output=True
                    ).stdout
                    identiques.append(froid.read_bytes() == succes.read_bytes() == sans)
                    shutil.rmtree(dossier_cache, ignore_errors=True)
        print(f"à la fin : {charge()}")
        print()
        print(f"{'':<24}" + "".join(f"{a.label:>30}" for a in liste))
        print(f"{'':<24}" + "".join(f"{'min / médiane (s)':>30}" for _ in liste))
        for nom in ["json", "texte", "cache froid, json", "cache succès, json", "cache succès, texte"]:
            cellules = []
            for a in liste:
                m = mesures.get((a.label, nom))
                cellules.append(f"{m.min:>20.2f} / {m.mediane:.2f}" if m else f"{'—':>30}")
            print(f"{nom:<24}" + "".join(cellules))
        print()
        for a in liste:
            j, t = mesures[(a.label, "json")], mesures[(a.label, "texte")]
            ligne = f"{a.label} : texte / json {t.min / j.min:.2f} (min) {t.mediane / j.mediane:.2f} (méd.)"
            if (a.label, "cache succès, json") in mesures:
                s, f = mesures[(a.label, "cache succès, json")], mesures[(a.label, "cache froid, json")]
                ligne += f" ; succès / froid {s.min / f.min:.3f} (min) {s.mediane / f.mediane:.3f} (méd.)"
                ligne += f" ; succès / json sans cache {s.min / j.min:.3f} (min)"
            print(ligne)
        if identiques:
            print(
                f"rapport JSON avec cache (froid, succès) = sans cache : {'oui' if all(identiques) else 'NON'}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

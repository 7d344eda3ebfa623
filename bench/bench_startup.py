#!/usr/bin/env python3
"""Start-up of ctai against ``python -c "import typer"``, measured as pairs.

Usage::

    python bench/bench_startup.py [--runs 15] [--baseline-rev e1571be]

For each command (``ctai validate`` on the Dax example, the same with a warm
``--cache-dir``, ``ctai --help`` and every group's and subcommand's ``--help``) and each
tree (the current one; with ``--baseline-rev``, that revision too, from a git worktree),
every round runs ``python -c "import typer"`` then the command, in a shuffled order of
(tree, command). Printed: the command's minimum and median time, and its ratio to typer:
the ratio of the minimums, and the median of the per-pair ratios. Goals (issue 17):
``validate`` within 2.0x, every ``--help`` within 1.3x.

``--etages``: instead of the ``--help`` commands, the floors under ``ctai validate``, each
paired with ``import typer`` the same way: ``python -c pass``, ``import typer,
pydantic_core``, ``import typer`` plus pydantic's ``BaseModel``, plus ctai's model classes
(``ctai_cli.models``: pydantic builds their validators), plus the checks and the repository
reader, then ``ctai validate`` itself (current tree only).

Nothing is asserted: a measurement, not a test. See bench/arbres.py for how the trees
are run (same Python, compiled bytecode).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from arbres import REPO, Arbre, Mesures, arbres, charge, chrono, environnement, ms, verifier

EXEMPLE = REPO / "examples" / "dax-2024-2026"
DATE = "2026-11-23"
TYPER = [sys.executable, "-c", "import typer"]

PYTHON = "--python"  # a command given as ["--python", code] runs ``python -c code``
ETAGES = {
    "python -c pass": "pass",
    "import typer, pydantic_core": "import typer, pydantic_core",
    "import typer + pydantic.BaseModel": "import typer; from pydantic import BaseModel",
    "import typer, ctai_cli.models": "import typer, ctai_cli.models",
    "import typer, ctai_cli.checks, ctai_cli.repository": "import typer, ctai_cli.checks, ctai_cli.repository",
}

LISTE = """
import json
from typer.main import get_command
from ctai_cli.cli import app
def paths(cmd, prefix):
    yield prefix
    for name, sub in sorted(getattr(cmd, 'commands', {}).items()):
        yield from paths(sub, [*prefix, name])
print(json.dumps(list(paths(get_command(app), []))))
"""


def commandes(
    arbre: Arbre, env: dict[str, str], cwd: Path, cache: Path, etages: bool = False
) -> dict[str, list[str] | None]:
    if etages:
        return {
            **{nom: [PYTHON, code] for nom, code in ETAGES.items()},
            "validate (Dax)": ["validate", str(EXEMPLE), "--date", DATE],
        }
    aides = json.loads(
        subprocess.run(
            [sys.executable, "-c", LISTE], env=env, cwd=cwd, capture_output=True, text=True, check=True
        ).stdout
    )
    out: dict[str, list[str] | None] = {
        "validate (Dax)": ["validate", str(EXEMPLE), "--date", DATE],
        "validate --cache-dir (succès)": [
            "validate",
            str(EXEMPLE),
            "--date",
            DATE,
            "--cache-dir",
            str(cache),
        ],
    }
    for path in aides:
        out[" ".join(["ctai", *path, "--help"])] = [*path, "--help"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (each runs every pair once)")
    parser.add_argument("--baseline-rev", help="git revision to compare with (a worktree in a temp folder)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--etages", action="store_true", help="the floors under ctai validate instead of the --help commands"
    )
    args = parser.parse_args(argv)
    if args.etages and args.baseline_rev:
        parser.error("--etages measures the current tree only")
    rng = random.Random(args.seed)

    with arbres(args.baseline_rev) as (liste, tmp):
        pyc = tmp / "pyc"
        cwd = tmp / "cwd"
        cwd.mkdir()
        envs = {a.label: environnement(a, pyc) for a in liste}
        for a in liste:
            verifier(a, envs[a.label], cwd)
        courant = liste[-1]
        noms = commandes(courant, envs[courant.label], cwd, tmp / "cache", args.etages)

        def argv_de(a: Arbre, cmd: list[str]) -> list[str]:
            return [sys.executable, "-c", cmd[1]] if cmd[0] == PYTHON else a.commande(*cmd)

        # What each tree can run (a baseline without --cache-dir cannot); warm-up compiles bytecode.
        paires: list[tuple[Arbre, str]] = []
        for a in liste:
            for nom, cmd in noms.items():
                ok = True
                for _ in range(2):
                    _, code = chrono(argv_de(a, cmd), envs[a.label], cwd)
                    ok = ok and code in (0, 1)
                if ok:
                    paires.append((a, nom))
        chrono(TYPER, envs[courant.label], cwd)

        print(f"Python {platform.python_version()}, {sys.executable}")
        print(f"{args.runs} tours ; au début : {charge()}")
        cmd_t: dict[tuple[str, str], Mesures] = {p: Mesures() for p in ((a.label, n) for a, n in paires)}
        ratios: dict[tuple[str, str], list[float]] = {k: [] for k in cmd_t}
        typer_t: dict[str, Mesures] = {a.label: Mesures() for a in liste}
        for _ in range(args.runs):
            ordre = list(paires)
            rng.shuffle(ordre)
            for a, nom in ordre:
                t_typer, _ = chrono(TYPER, envs[a.label], cwd)
                t_cmd, _ = chrono(argv_de(a, noms[nom]), envs[a.label], cwd)
                typer_t[a.label].temps.append(t_typer)
                cmd_t[(a.label, nom)].temps.append(t_cmd)
                ratios[(a.label, nom)].append(t_cmd / t_typer)
        print(f"à la fin : {charge()}")
        print()
        for a in liste:
            t = typer_t[a.label]
            print(
                f'python -c "import typer" (paires de {a.label}) : min {ms(t.min)}, médiane {ms(t.mediane)}'
            )
        print()
        largeur = max(len(n) for n in noms) + 2
        entete = "".join(f"{a.label:>34}" for a in liste)
        print(f"{'':<{largeur}}{entete}")
        print(f"{'':<{largeur}}" + "".join(f"{'min / méd. ms   ratio min / méd.':>34}" for _ in liste))
        for nom in noms:
            cellules = []
            for a in liste:
                k = (a.label, nom)
                if k not in cmd_t:
                    cellules.append(f"{'—':>34}")
                    continue
                m, r = cmd_t[k], sorted(ratios[k])
                rmin = m.min / typer_t[a.label].min
                rmed = r[len(r) // 2]
                cellules.append(
                    f"{m.min * 1000:>9.0f} /{m.mediane * 1000:>5.0f}   {rmin:>8.2f}x / {rmed:.2f}x"
                )
            print(f"{nom:<{largeur}}" + "".join(cellules))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A seeded fuzz harness for every command of ctai (issue 10).

Each input is a :class:`Cas`: files made in a fresh folder (a mutated copy of the Dax
contract, hostile YAML, special files, hostile CSV/JSONL rows, hostile templates, odd
output paths, odd option values) and the command line to run on them. The harness runs
each one in a child process forked from a warmed-up parent (imports done once), with a
time budget and a memory limit, and reports a *defect* when:

- the exit code is 3 or more, or the process died from a signal (crash, time-out),
- stdout or stderr holds a Python traceback or ctai's « erreur interne »,
- an input file changed (content, type or presence), or something was written that the
  command was not asked to write,
- batch output shows a personal datum (a marker planted in every row) without
  ``--avec-donnees``.

Everything is derived from one seed: ``python -m tests.fuzz --seed 7 --n 20000`` replays
exactly. The short run inside the suite is tests/test_fuzz.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAX = ROOT / "examples" / "dax-2024-2026"
MARQUEUR = "Zorglub-Personnel"  # a "personal datum" planted in batch rows
TIME_BUDGET_S = 30.0
MEMORY_LIMIT = 4 * 1024**3


@dataclass
class Cas:
    """One fuzz input: a folder to prepare, a command line, what may be written."""

    nom: str
    args: list[str]
    preparer: Callable[[Path], None]
    ecrits: tuple[str, ...] = ()  # relative paths the command may create or change
    donnees_personnelles: bool = False  # batch rows carry MARQUEUR; must not leak


@dataclass
class Resultat:
    cas: Cas
    code: int | None
    signal: int | None
    duree: float
    sortie: str
    erreur: str
    defauts: list[str] = field(default_factory=list)


# --- generators -----------------------------------------------------------------------

HOSTILE_SCALARS = [
    "9" * 31,
    "9" * 4301,
    '"10000000000000000000000000000"',
    '"1e400"',
    "1e400",
    ".nan",
    "-.inf",
    "no",
    "on",
    "0o17",
    "010",
    "1_000",
    "12:30",
    "0x1F",
    '"\\x1b[31mrouge\\x1b]0;titre\\x07"',
    '"\\u202eRTL"',
    '"\\x00\\x7f\\x85\\ufffe"',
    '"' + "x" * 200_000 + '"',
    "!!python/object:os.system ls",
    "!!binary aGVsbG8=",
    "&a [1, *a]",
    "*inconnu",
    "[" * 200 + "]" * 200,
    "{a: " * 100 + "1" + "}" * 100,
    "- - - -",
    "? complexe",
    "<<: {a: 1}",
    "''",
    "~",
    "2024-02-30",
    "20240101",
    "-1",
    '"-0.001"',
    '"1 200,50"',
    "1200.5",
    "true",
    "[]",
    "{}",
    "'![x](javascript:alert(1)) [y](http://e.example)'",
    "'<script>alert(1)</script>'",
    "'{{ 7 * 7 }} {% raw %}'",
]


def _contract_files() -> list[Path]:
    return sorted(p for p in DAX.rglob("*.yaml"))


def _copy_dax(root: Path) -> Path:
    target = root / "dax"
    shutil.copytree(DAX, target)
    return target


def _mutate_text(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        choice = rng.randrange(10)
        if choice == 0:
            del lines[i]
        elif choice == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif choice == 2 and ":" in lines[i]:
            key, _, _ = lines[i].partition(":")
            lines[i] = f"{key}: {rng.choice(HOSTILE_SCALARS)}"
        elif choice == 3:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif choice == 4:
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = (
                lines[i][:pos]
                + rng.choice(["\t", ":", "- ", "&x ", "*x", "#", "'", '"', "{", "[", "\x00"])
                + lines[i][pos:]
            )
        elif choice == 5:
            lines[i] = "  " + lines[i]
        elif choice == 6:
            lines[i] = lines[i].lstrip()
        elif choice == 7:
            lines.insert(
                i,
                f"{rng.choice(['cle_inconnue', 'no', 'id', 'annee', 'budget'])}: {rng.choice(HOSTILE_SCALARS)}",
            )
        elif choice == 8:
            lines = lines[:i]
        else:
            lines[i] = lines[i].upper()
    return "\n".join(lines)


def _mutated_contract(rng: random.Random) -> Callable[[Path], None]:
    victim = rng.choice(_contract_files()).relative_to(DAX)
    seed = rng.random()

    def prepare(root: Path) -> None:
        dax = _copy_dax(root)
        path = dax / victim
        local = random.Random(seed)
        text = path.read_text(encoding="utf-8")
        path.write_text(_mutate_text(local, text), encoding="utf-8")

    return prepare


def _payload_file(rng: random.Random) -> Callable[[Path], None]:
    victim = rng.choice(_contract_files()).relative_to(DAX)
    kind = rng.randrange(12)
    seed = rng.random()

    def prepare(root: Path) -> None:
        dax = _copy_dax(root)
        path = dax / victim
        local = random.Random(seed)
        if kind == 0:  # billion laughs
            lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
            for n, name in enumerate("bcdefghi"):
                prev = "abcdefghi"[n]
                lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        elif kind == 1:  # scalar amplification
            path.write_text(
                'z: &a "' + "x" * 100_000 + '"\ny: [' + ", ".join(["*a"] * local.randint(10, 3000)) + "]\n",
                encoding="utf-8",
            )
        elif kind == 2:  # deep nesting
            depth = local.choice([65, 1000, 10_000, 100_000])
            path.write_text("v: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
        elif kind == 3:
            path.write_bytes("annee: é\n".encode("latin-1"))
        elif kind == 4:
            path.write_bytes("annee: 2024\n".encode("utf-16"))
        elif kind == 5:
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        elif kind == 6:
            path.write_text("a: 1\n---\nb: 2\n", encoding="utf-8")
        elif kind == 7:
            path.write_text(
                "".join(
                    f"k{i}: {local.choice(HOSTILE_SCALARS[:14])}\n"
                    for i in range(local.choice([10, 1000, 30_000]))
                ),
                encoding="utf-8",
            )
        elif kind == 8:
            path.write_bytes(bytes(local.randrange(256) for _ in range(local.randint(1, 5000))))
        elif kind == 9:
            path.write_text("", encoding="utf-8")
        elif kind == 10:
            path.write_text("- 1\n- 2\n", encoding="utf-8")
        else:
            path.write_text("!!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")

    return prepare


def _special_file(rng: random.Random) -> Callable[[Path], None]:
    victim = rng.choice(["contrat.yaml", "porteurs.yaml", "actions/2024.yaml", "bilans/2023.yaml"])
    kind = rng.randrange(5)

    def prepare(root: Path) -> None:
        dax = _copy_dax(root)
        path = dax / victim
        path.unlink()
        if kind == 0:
            os.mkfifo(path)
        elif kind == 1:
            path.symlink_to("/dev/zero")
        elif kind == 2:
            path.symlink_to(path.name)  # a loop
        elif kind == 3:
            path.mkdir()
        else:
            path.symlink_to(root / "absent.yaml")

    return prepare


def _csv_rows(rng: random.Random) -> str:
    header = "id,nationalite,date_naissance,titres_sejour,demandeur_asile,intention_installation"
    rows = []
    for n in range(rng.randint(1, 6)):
        cells = [
            rng.choice([f"p{n}", "", "x" * 200_000]),  # the id is printed by design
            rng.choice(["MA", "FR", "XX", MARQUEUR, "IT;MA", "apatride", ""]),
            rng.choice(["1990-03-15", "9999-12-31", "2024-02-30", MARQUEUR, ""]),
            rng.choice(["salarie:2023-06-01:2027-05-31", "salarie:9999-12-31", "x:y:z", MARQUEUR, ""]),
            rng.choice(["oui", "non", "peut-être", MARQUEUR, ""]),
            rng.choice(["oui", "non", "", "\x1b[31m"]),
        ]
        rows.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    if rng.random() < 0.3:
        return "\n".join(rows) + "\n"  # no header: the first person must not become one
    return header + "\n" + "\n".join(rows) + "\n"


def _jsonl_rows(rng: random.Random) -> str:
    lines = []
    for n in range(rng.randint(1, 6)):
        kind = rng.randrange(7)
        if kind == 0:
            lines.append(json.dumps({"id": f"p{n}", "nationalite": "MA", "nom": MARQUEUR}))
        elif kind == 1:
            lines.append("[" * 100_000)
        elif kind == 2:
            lines.append('{"id": ' + "9" * 4301 + "}")
        elif kind == 3:
            lines.append(json.dumps({"id": {"nom": MARQUEUR}, "nationalite": MARQUEUR}))
        elif kind == 4:
            lines.append(json.dumps({"id": f"p{n}", MARQUEUR: 1}))
        elif kind == 5:
            lines.append("NaN")
        else:
            lines.append(
                json.dumps(
                    {
                        "id": f"p{n}",
                        "nationalite": "UA",
                        "protection": {"type": "temporaire", "date": "2022-03-10"},
                    }
                )
            )
    return "\n".join(lines) + "\n"


def _batch(rng: random.Random) -> tuple[Callable[[Path], None], list[str], bool]:
    csv = rng.random() < 0.6
    text = _csv_rows(rng) if csv else _jsonl_rows(rng)
    name = "personnes.csv" if csv else "personnes.jsonl"

    def prepare(root: Path) -> None:
        (root / name).write_text(text, encoding="utf-8")

    args = [
        "eligibility",
        "check",
        "--batch",
        name,
        "--date",
        rng.choice(["2024-11-01", "9999-12-31", "2016-01-01"]),
    ]
    args += rng.choice([[], ["--format", "json"], ["--format", "text"]])
    return prepare, args, True


TEMPLATES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ doc.__class__ }}",
    "{{ lipsum(10**6) }}",
    "{{ ''|center(10**9) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ 'a' * 10**9 }}",
    "{{ 7 ** 1000000000 }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% include 'fiche.md.j2' %}",
    "{{ doc|length + 'x' }}",
    "{{ 'é'.encode('ascii') }}",
    "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "{{ doc.annee / 0 }}",
    "{% if %}",
    "{{ inconnu }}",
    "{{ doc.groupes.append(1) }}",
    "{{ range(10**9)|list }}",
    "{{ (doc|attr('__init__')) }}",
    "{{ self.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{% for x in doc %}{% endfor %}",
]


def _template(rng: random.Random) -> tuple[Callable[[Path], None], list[str]]:
    text = rng.choice(TEMPLATES)
    special = rng.random() < 0.1

    def prepare(root: Path) -> None:
        folder = root / "modeles"
        folder.mkdir()
        if special:
            os.mkfifo(folder / "fiche.md.j2")
        else:
            (folder / "fiche.md.j2").write_text(text, encoding="utf-8")

    return prepare, ["fiche", "render", str(DAX), "--templates", "modeles", "-o", "sortie.md"]


def _output_path(rng: random.Random) -> tuple[Callable[[Path], None], list[str], tuple[str, ...]]:
    kind = rng.randrange(7)

    def prepare(root: Path) -> None:
        if kind == 0:
            (root / "cible").mkdir()
        elif kind == 1:
            os.mkfifo(root / "cible")
        elif kind == 2:
            (root / "parent").write_text("fichier", encoding="utf-8")
        elif kind == 3:
            (root / "vrai").write_text("garder", encoding="utf-8")
            (root / "cible").symlink_to(root / "vrai")
        elif kind == 4:
            (root / "cible").write_text("ancien", encoding="utf-8")

    target = {0: "cible", 1: "cible", 2: "parent/x", 3: "cible", 4: "cible", 5: "absent/x", 6: "a" * 300}[
        kind
    ]
    command = rng.choice(
        [
            ["fiche", "render", str(DAX)],
            ["contrat", "render", str(DAX)],
            ["budget", "reconcile", str(DAX)],
            ["budget", "reconcile", str(DAX), "--format", "xlsx"],
            ["bilan", "render", str(DAX), "--annee", "2023", "--format", "html"],
        ]
    )
    force = rng.random() < 0.6
    ecrits = ("cible",) if kind == 4 and force else ()
    return prepare, [*command, "-o", target, *(["--force"] if force else [])], ecrits


ODD_VALUES = [
    "",
    "²",
    "١",
    "9" * 4301,
    "-1",
    "0",
    "2024-02-30",
    "20250101",
    "\x1b[31m",
    "é" * 1000,
    "../..",
    "/dev/zero",
    "NaN",
]


def _odd_options(rng: random.Random) -> list[str]:
    value = rng.choice(ODD_VALUES)
    return rng.choice(
        [
            ["validate", str(DAX), "--date", value],
            ["validate", value],
            ["validate", str(DAX), "--format", value],
            ["bilan", "render", str(DAX), "--annee", value],
            ["fiche", "render", str(DAX), value],
            ["avenant", "render", str(DAX), value],
            ["explain", value],
            ["eligibility", "check", "--nationalite", value, "--date", "2024-01-01"],
            ["eligibility", "check", "--titres", f"salarie:{value}", "--date", "2024-01-01"],
            ["budget", "reconcile", str(DAX), "--annee", value],
            ["init", value or "x", "--departement", value, "--debut", "2026", "--fin", "2028"],
        ]
    )


def generer(seed: int, n: int) -> list[Cas]:
    """``n`` inputs, all derived from ``seed``."""
    rng = random.Random(seed)
    cases: list[Cas] = []
    for i in range(n):
        family = rng.choices(
            ["contrat", "charge", "special", "lot", "modele", "sortie", "options"],
            weights=[40, 12, 6, 14, 10, 10, 8],
        )[0]
        nom = f"{family}-{i}"
        if family in ("contrat", "charge", "special"):
            prepare = {"contrat": _mutated_contract, "charge": _payload_file, "special": _special_file}[
                family
            ](rng)
            command = rng.choice(
                [
                    ["validate", "dax", "--format", rng.choice(["text", "json", "github", "sarif"])],
                    ["budget", "reconcile", "dax", "--format", rng.choice(["text", "json", "csv"])],
                    ["bilan", "render", "dax", "--annee", rng.choice(["2023", "2024"])],
                    ["contrat", "render", "dax"],
                    ["fiche", "render", "dax"],
                ]
            )
            cases.append(Cas(nom, command, prepare))
        elif family == "lot":
            prepare, args, personal = _batch(rng)
            cases.append(Cas(nom, args, prepare, donnees_personnelles=personal))
        elif family == "modele":
            prepare, args = _template(rng)
            cases.append(Cas(nom, args, prepare, ecrits=("sortie.md",)))
        elif family == "sortie":
            prepare, args, ecrits = _output_path(rng)
            cases.append(Cas(nom, args, prepare, ecrits=ecrits))
        else:
            args = _odd_options(rng)
            cases.append(Cas(nom, args, lambda root: None))
    return cases


# --- running --------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, str]:
    """Type and content hash of everything under ``root`` (links not followed)."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode):
                found[rel] = "f:" + hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                found[rel] = "l:" + os.readlink(path)
            elif stat.S_ISDIR(info.st_mode):
                found[rel] = "d"
            else:
                found[rel] = f"s:{stat.S_IFMT(info.st_mode)}"
    return found


def _child(cas: Cas, root: Path, out: Path, err: Path) -> None:  # pragma: no cover - runs in the fork
    code = 99
    try:
        import resource

        os.chdir(root)
        fd_in = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd_in, 0)
        fd_out = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        fd_err = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd_out, 1)
        os.dup2(fd_err, 2)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        from ctai_cli.cli import main
        from ctai_cli.documents import rendu

        rendu.DELAI_S = 5  # the template budget, shorter than the harness's own
        code = main(cas.args)
    except BaseException as exc:
        import traceback

        traceback.print_exception(exc)
        code = 98
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code if isinstance(code, int) else 97)


def _check(resultat: Resultat, before: dict[str, str], after: dict[str, str]) -> None:
    cas, defauts = resultat.cas, resultat.defauts
    if resultat.signal is not None:
        defauts.append(f"tué par le signal {resultat.signal} (délai de {TIME_BUDGET_S:.0f} s dépassé ?)")
    elif resultat.code is None or resultat.code >= 3:
        defauts.append(f"code de sortie {resultat.code}")
    text = resultat.sortie + resultat.erreur
    if "Traceback (most recent call last)" in text:
        defauts.append("trace Python dans la sortie")
    if "erreur interne" in text:
        defauts.append("« erreur interne »")
    if cas.donnees_personnelles and "--avec-donnees" not in cas.args and MARQUEUR in text:
        defauts.append("donnée personnelle dans la sortie sans --avec-donnees")
    allowed = set(cas.ecrits)
    for rel in sorted(set(before) | set(after)):
        if before.get(rel) == after.get(rel) or rel in allowed:
            continue
        if rel not in before:
            defauts.append(f"fichier écrit sans qu'on le demande : {rel}")
        elif rel not in after:
            defauts.append(f"fichier supprimé : {rel}")
        else:
            defauts.append(f"fichier d'entrée modifié : {rel}")


def executer(
    cases: list[Cas], jobs: int = 2, progress: Callable[[int, int], None] | None = None
) -> list[Resultat]:
    """Run ``cases`` in forked children, ``jobs`` at a time; return every result."""
    # Warm up in the parent: each child starts with ctai and its libraries imported.
    import ctai_cli.budget
    import ctai_cli.checks
    import ctai_cli.cli
    import ctai_cli.documents.contexte
    import ctai_cli.documents.jinja  # noqa: F401

    results: list[Resultat] = []
    pending = list(enumerate(cases))
    running: dict[int, tuple[int, Cas, Path, float, dict[str, str]]] = {}
    base = Path(tempfile.mkdtemp(prefix="ctai-fuzz-"))
    try:
        while pending or running:
            while pending and len(running) < jobs:
                index, cas = pending.pop(0)
                root = base / f"{index}"
                root.mkdir()
                cas.preparer(root)
                before = _snapshot(root)
                out, err = base / f"{index}.out", base / f"{index}.err"
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:  # pragma: no cover
                    _child(cas, root, out, err)
                running[pid] = (index, cas, root, time.monotonic(), before)
            time.sleep(0.002)
            for pid in list(running):
                index, cas, root, started, before = running[pid]
                done, status = os.waitpid(pid, os.WNOHANG)
                elapsed = time.monotonic() - started
                if done == 0 and elapsed < TIME_BUDGET_S:
                    continue
                if done == 0:
                    os.kill(pid, signal.SIGKILL)
                    _, status = os.waitpid(pid, 0)
                del running[pid]
                sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
                code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
                out, err = base / f"{index}.out", base / f"{index}.err"
                resultat = Resultat(
                    cas,
                    code,
                    sig,
                    elapsed,
                    out.read_text(encoding="utf-8", errors="replace")[:200_000],
                    err.read_text(encoding="utf-8", errors="replace")[:200_000],
                )
                _check(resultat, before, _snapshot(root))
                results.append(resultat)
                shutil.rmtree(root, ignore_errors=True)
                out.unlink(missing_ok=True)
                err.unlink(missing_ok=True)
                if progress:
                    progress(len(results), len(cases))
    finally:
        for pid in running:
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(base, ignore_errors=True)
    return results


def rapport(results: list[Resultat]) -> str:
    defects = [r for r in results if r.defauts]
    lines = [f"{len(results)} entrées, {len(defects)} défaut(s)"]
    for r in defects[:50]:
        shown = " ".join(a if len(a) < 60 else a[:57] + "…" for a in r.cas.args)
        lines.append(f"- {r.cas.nom} : ctai {shown}")
        lines.extend(f"    {d}" for d in r.defauts)
        tail = (r.erreur or r.sortie).strip().splitlines()[-3:]
        lines.extend(f"    | {t[:200]}" for t in tail)
    return "\n".join(lines)

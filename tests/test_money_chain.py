"""Money never vanishes: random multi-year ledgers, one injected fault, exactly one expected finding.

Each example writes a real contract folder (contrat, porteurs, one annexe and one bilan per
year) whose money is consistent by construction: every reliquat is disponible − dépensé,
every reliquat reported out is listed, to the cent, by the action of the next year that
receives it (several reports may land on one action). Then at most one fault is injected
*while building* (so that everything downstream stays consistent with what is written),
and ``ctai validate`` must report exactly the expected diagnostics, at the expected
``file:line:col`` — and nothing at all for a clean ledger.

The expected positions come from the YAML reader (``Document.position``), not from the
checks. ``test_every_money_check_is_needed`` removes each money check from the registry in
turn and shows that the same oracle then fails.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st

from ctai_cli.validate import ValidateOptions, validate
from ctai_cli.yamlread import read_document

DEBUT = 2025
FAUTES = (
    "action_absente",  # a report to an action the next annexe does not have          → E241
    "non_repris",  # the receiving action does not list the report                 → E242
    "hors_periode",  # a report out of the last year of the contract                → E240
    "montant_different",  # the report entrant is one cent off                     → E222
    "doublon",  # the report entrant is listed twice                                → E243
    "report_interdit",  # report_reliquats: false                                   → E229 (each report)
    "reliquat_sans_depense",  # a reliquat while the spending is not stated        → E228
    "sans_reliquat",  # a report entrant from an action that reported nothing to it → E222
)
DECISION = "{date: 2025-12-15, reference: Comité de pilotage}"


@dataclass
class Plan:
    annees: int
    actions: int
    alloue: list[list[int]]  # cents, per year and action
    part: list[list[int]]  # % of the disponible spent
    report: list[list[bool]]  # whether a positive reliquat is reported (else paid back)
    cible: list[list[int]]  # index of the action of the next year that receives it
    faute: str | None
    choix: int  # which candidate the fault is injected on


TOUTES = st.sampled_from((None, *FAUTES))


class NonApplicable(Exception):
    """The ledger drawn offers no place for the fault (no report, no reliquat…)."""


@st.composite
def plans(draw: st.DrawFn, faute: st.SearchStrategy = TOUTES) -> Plan:
    annees = draw(st.integers(2, 3))
    actions = draw(st.integers(1, 4))

    def grid(strategy: st.SearchStrategy) -> list[list]:
        return [[draw(strategy) for _ in range(actions)] for _ in range(annees)]

    return Plan(
        annees,
        actions,
        grid(st.integers(100, 5_000_000)),
        grid(st.integers(0, 100)),
        grid(st.booleans()),
        grid(st.integers(0, actions - 1)),
        draw(faute),
        draw(st.integers(0, 1000)),
    )


def euros(cents: int) -> str:
    return f'"{Decimal(cents) / 100:.2f}"'


@dataclass
class Entrant:
    depuis: int
    cents: int


@dataclass
class Ligne:
    depense: int | None  # None: not stated in the bilan
    reliquat: int
    disposition: str | None = None  # "report", "reversement", or None when no reliquat
    vers: str | None = None


@dataclass
class Ledger:
    alloue: list[list[int]]  # cents, per year and action
    lignes: list[list[Ligne]]  # per year and action
    entrants: list[list[list[Entrant]]]  # per year and receiving action

    def reports(self) -> list[tuple[int, int, int]]:
        """(year, origin, receiving action index) of every report out."""
        return [
            (y, i, int(ligne.vers[1:]))
            for y, row in enumerate(self.lignes)
            for i, ligne in enumerate(row)
            if ligne.disposition == "report" and ligne.vers and ligne.vers[1:].isdigit()
        ]


def simulate(plan: Plan, mod: tuple = ()) -> Ledger:
    """The ledger of ``plan``, consistent by construction, with one modification ``mod`` in it."""
    n, m = plan.annees, plan.actions
    kind = mod[0] if mod else None
    lignes: list[list[Ligne]] = []
    entrants: list[list[list[Entrant]]] = [[[] for _ in range(m)] for _ in range(n + 1)]
    for y in range(n):
        if kind == "extra" and mod[1] == y:
            entrants[y][mod[3]].append(Entrant(mod[2], 100))
        row = []
        for i in range(m):
            disponible = plan.alloue[y][i] + sum(e.cents for e in entrants[y][i])
            depense = disponible * plan.part[y][i] // 100
            ligne = Ligne(None if (kind == "rsd" and mod[1:] == (y, i)) else depense, disponible - depense)
            row.append(ligne)
            if ligne.reliquat == 0:
                continue
            j = plan.cible[y][i]
            if kind == "hp" and y == n - 1 and mod[1] == i:
                ligne.disposition, ligne.vers = "report", f"a{i}"
            elif plan.report[y][i] and y < n - 1:
                ligne.disposition, ligne.vers = "report", f"a{j}"
                here = mod[1:3] == (y, i)
                if kind == "absente" and here:
                    ligne.vers = "zz-absente"
                elif kind == "non_repris" and here:
                    pass
                else:
                    cents = ligne.reliquat + (1 if kind == "montant" and here else 0)
                    entrants[y + 1][j].append(Entrant(i, cents))
                    if kind == "doublon" and here:
                        entrants[y + 1][j].append(Entrant(i, cents))
            else:
                ligne.disposition = "reversement"
        lignes.append(row)
    return Ledger(plan.alloue, lignes, entrants)


@dataclass
class Built:
    files: dict[str, str] = field(default_factory=dict)
    expected: list[tuple[str, str, tuple]] = field(default_factory=list)  # code, file, YAML path


def build(plan: Plan) -> Built:
    """The contract folder of ``plan`` with its fault, and the diagnostics the fault must produce."""
    clean = simulate(plan)
    n, m, faute = plan.annees, plan.actions, plan.faute

    def pick(candidates: list) -> object:
        if not candidates:
            raise NonApplicable
        return candidates[plan.choix % len(candidates)]

    def bilan(y: int) -> str:
        return f"bilans/{DEBUT + y}.yaml"

    def annexe(y: int) -> str:
        return f"actions/{DEBUT + y}.yaml"

    mod: tuple = ()
    expected: list[tuple[str, str, tuple]] = []
    if faute in ("action_absente", "non_repris", "montant_different", "doublon"):
        y, i, j = pick(clean.reports())
        kind = {"action_absente": "absente", "montant_different": "montant"}.get(faute, faute)
        mod = (kind, y, i)
        if faute == "action_absente":
            expected.append(("CTAI-E241", bilan(y), ("actions", i, "reliquat", "vers_action")))
        elif faute == "non_repris":
            expected.append(("CTAI-E242", bilan(y), ("actions", i, "reliquat", "vers_action")))
        else:
            # Entrants of (y + 1, j) are appended in origin order: the origin's position in the list.
            k = [e.depuis for e in clean.entrants[y + 1][j]].index(i)
            loc = ("actions", j, "budget", "report_entrant", k + (faute == "doublon"), "montant")
            expected.append(
                ("CTAI-E222" if faute == "montant_different" else "CTAI-E243", annexe(y + 1), loc)
            )
    elif faute == "hors_periode":
        i = pick([i for i, ligne in enumerate(clean.lignes[n - 1]) if ligne.reliquat > 0])
        mod = ("hp", i)
        expected.append(("CTAI-E240", bilan(n - 1), ("actions", i, "reliquat", "disposition")))
    elif faute == "reliquat_sans_depense":
        y, i = pick([(y, i) for y in range(n) for i in range(m) if clean.lignes[y][i].reliquat > 0])
        mod = ("rsd", y, i)
        expected.append(("CTAI-E228", bilan(y), ("actions", i, "reliquat", "montant")))
    elif faute == "report_interdit":
        reports = clean.reports()
        if not reports:
            raise NonApplicable
        expected += [
            ("CTAI-E229", bilan(y), ("actions", i, "reliquat", "disposition")) for y, i, _ in reports
        ]
    elif faute == "sans_reliquat":
        reported = set(clean.reports())
        y, i, j = pick(
            [
                (y, i, j)
                for y in range(1, n)
                for i in range(m)
                for j in range(m)
                if (y - 1, i, j) not in reported
            ]
        )
        mod = ("extra", y, i, j)
        loc = ("actions", j, "budget", "report_entrant", len(clean.entrants[y][j]), "montant")
        expected.append(("CTAI-E222", annexe(y), loc))
    ledger = simulate(plan, mod)
    return Built(render(ledger, n, m, report_reliquats=faute != "report_interdit"), expected)


def render(ledger: Ledger, n: int, m: int, *, report_reliquats: bool = True) -> dict[str, str]:
    files = {
        "contrat.yaml": contrat(n, report_reliquats=report_reliquats),
        "porteurs.yaml": "porteurs:\n  - {id: p, nom: Porteur, type: association}\n",
    }
    for y in range(n):
        annee = DEBUT + y
        lines = [f"annee: {annee}", "pilotage: {copils_tenus: 2}", "actions:"]
        for i, ligne in enumerate(ledger.lignes[y]):
            lines.append(f"  - action: a{i}")
            if ligne.depense is not None:
                lines.append(f"    depenses_realisees: {euros(ligne.depense)}")
            if ligne.disposition is None:
                continue
            lines += [
                "    reliquat:",
                f"      montant: {euros(ligne.reliquat)}",
                f"      disposition: {ligne.disposition}",
            ]
            if ligne.vers:
                lines.append(f"      vers_action: {ligne.vers}")
            lines.append(f"      decision: {DECISION}")
        files[f"bilans/{annee}.yaml"] = "\n".join(lines) + "\n"
        lines = [f"annee: {annee}", "actions:"]
        for j in range(m):
            lines += [
                f"  - id: a{j}",
                "    axe: 1",
                "    porteur: p",
                f"    titre: Action {j}",
                "    publics: [EPA]",
                "    budget:",
                f"      etat_bop104: {euros(ledger.alloue[y][j])}",
            ]
            if ledger.entrants[y][j]:
                lines.append("      report_entrant:")
                for e in ledger.entrants[y][j]:
                    lines += [
                        f"        - depuis_action: a{e.depuis}",
                        f"          montant: {euros(e.cents)}",
                        f"          decision: {DECISION}",
                    ]
        files[f"actions/{annee}.yaml"] = "\n".join(lines) + "\n"
    return files


def contrat(annees: int, *, report_reliquats: bool = True) -> str:
    return f"""intitule: Contrat de test
territoire: Testville
departement: "59"
periode: {{debut: {DEBUT}, fin: {DEBUT + annees - 1}}}
parties:
  - {{role: collectivite, nom: Ville de Testville}}
  - {{role: etat, nom: État}}
publics: [EPA]
axes:
  - {{numero: 1, titre: Axe, mobilise_bop104: true}}
imputation: {{programme: 104, action: 12}}
report_reliquats: {"true" if report_reliquats else "false"}
"""


def mismatches(built: Built) -> list[str]:
    """Differences between what ``ctai validate`` says and what the fault must produce."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in built.files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        expected = []
        for code, name, loc in built.expected:
            document, problems = read_document(root / name, name)
            assert document is not None and not problems
            assert tuple(loc) in document.values, (name, loc)  # the oracle points at a real node
            expected.append((code, name, *document.position(loc)))
        # At the start of the first year nothing is due yet: no deadline-driven warning.
        result = validate(ValidateOptions(paths=(root,), date=date(DEBUT, 1, 1)))
        prefix = root.as_posix() + "/"
        got = [(d.code, d.path.removeprefix(prefix), d.line, d.col) for d in result.diagnostics]
        messages = {
            (d.code, d.path.removeprefix(prefix), d.line, d.col): d.message for d in result.diagnostics
        }
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    return (
        [f"manque {m}" for m in missing]
        + [f"en trop {e} : {messages[e]}" for e in extra]
        + ([f"doublons {got}"] if len(got) != len(set(got)) else [])
    )


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow]
)
@given(plans())
def test_money_chain_property(plan: Plan) -> None:
    try:
        built = build(plan)
    except NonApplicable:
        assume(False)
    event(f"faute : {plan.faute}")
    assert mismatches(built) == []


# --- every money check is needed: remove one, the oracle fails ---------------------------

MONEY_CHECKS = ("depenses-et-reliquats", "reports-sortants", "reports-entrants")


def _one_ledger_per_fault() -> dict[str, Built]:
    """A fixed, fault-applicable ledger for each fault (found by hypothesis' ``find``)."""
    from hypothesis import find

    out = {}
    for faute in FAUTES:

        def applicable(plan: Plan) -> bool:
            try:
                build(plan)
            except NonApplicable:
                return False
            return True

        # The first applicable plan, not shrunk (shrinking is slow and adds nothing here);
        # derandomized, so the same ledgers every run.
        plan = find(
            plans(st.just(faute)),
            applicable,
            settings=settings(database=None, max_examples=2000, derandomize=True, phases=[Phase.generate]),
        )
        out[faute] = build(plan)
    return out


@pytest.fixture(scope="module")
def ledgers() -> dict[str, Built]:
    """Found once for the three removals below (hypothesis' ``find`` is the slow part)."""
    found = _one_ledger_per_fault()
    assert all(mismatches(b) == [] for b in found.values())  # with every check: exact
    return found


@pytest.mark.parametrize("removed", MONEY_CHECKS)
def test_every_money_check_is_needed(
    removed: str, ledgers: dict[str, Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctai_cli.checks as checks

    monkeypatch.setattr(checks, "REGISTRY", tuple(c for c in checks.REGISTRY if c.name != removed))
    failing = [faute for faute, b in ledgers.items() if mismatches(b)]
    assert failing, f"sans le contrôle {removed}, aucune faute n'est manquée"

"""ctai budget reconcile: exact to the cent, unknown never shown as zero, money conserved."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ctai_cli.budget import rapprocher
from ctai_cli.models import Annexe, Bilan
from ctai_cli.repository import Depot, Fichier
from tests.conftest import DAX


def test_dax_2024_by_hand(ctai) -> None:
    run = ctai("budget", "reconcile", DAX, "--format", "json")
    assert run.code == 0
    out = json.loads(run.out)
    rows = {(r["annee"], r["action"]): r for r in out["lignes"]}
    petite = rows[(2024, "petite-enfance")]
    assert (petite["alloue"], petite["depense"], petite["reliquat"]) == ("18000.00", "17250.40", "749.60")
    assert (petite["ecart"], petite["ecart_pct"], petite["disposition"]) == (
        "-749.60",
        "-4.16",
        "reversement",
    )
    club = rows[(2024, "club-emploi")]
    assert (club["reliquat"], club["disposition"], club["vers"]) == ("2800.00", "report", "2025/club-emploi")
    total_2024 = out["totaux"]["par_annee"]["2024"]
    assert total_2024 == {
        "alloue": "150000.00",
        "report_entrant": "0.00",
        "disponible": "150000.00",
        "verse": "150000.00",
        "depense": "142950.40",
        "reliquat": "7049.60",
        "complet": True,
    }
    # 2023: the source gives no budget, so nothing is shown as zero and totals are incomplete.
    assert rows[(2023, "pas-hopital")]["alloue"] is None
    assert out["totaux"]["par_annee"]["2023"]["complet"] is False
    assert out["totaux"]["contrat"]["complet"] is False
    axe5 = out["totaux"]["par_axe"]["5"]
    assert (axe5["alloue"], axe5["depense"]) == ("39000.00", "32700.00")
    assert out["totaux"]["par_porteur"]["maison-logement"]["reliquat"] == "3500.00"


def test_year_filter_text_and_csv(ctai) -> None:
    text = ctai("budget", "reconcile", DAX, "--annee", "2024")
    assert "Année 2023" not in text.out
    assert "report → 2025/club-emploi" in text.out
    assert "Total 2024" in text.out and "142\u202f950,40\xa0€" in text.out
    rows = list(
        csv.DictReader(io.StringIO(ctai("budget", "reconcile", DAX, "--annee", "2024", "-f", "csv").out))
    )
    assert len(rows) == 12 and rows[4]["action"] == "petite-enfance" and rows[4]["reliquat"] == "749.60"


def test_output_is_atomic_and_never_overwritten_without_force(ctai, tmp_path: Path) -> None:
    target = tmp_path / "rapprochement.json"
    assert ctai("budget", "reconcile", DAX, "-f", "json", "-o", target).code == 0
    before = target.read_text(encoding="utf-8")
    refused = ctai("budget", "reconcile", DAX, "-f", "csv", "-o", target)
    assert refused.code == 2 and "--force" in refused.err
    assert target.read_text(encoding="utf-8") == before
    assert ctai("budget", "reconcile", DAX, "-f", "csv", "-o", target, "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("annee,action,")


def test_usage_errors(ctai, tmp_path: Path, dax_copy: Path) -> None:
    assert ctai("budget", "reconcile", DAX, "--format", "xlsx").code == 2
    assert ctai("budget", "reconcile", DAX, "--annee", "2031").code == 2
    assert ctai("budget", "reconcile", tmp_path).code == 2
    bilan = dax_copy / "bilans" / "2024.yaml"
    bilan.write_text(
        bilan.read_text(encoding="utf-8").replace("depenses_realisees: 5200", "depenses_realisees: 5200.5"),
        encoding="utf-8",
    )
    run = ctai("budget", "reconcile", dax_copy)
    assert run.code == 2 and "ctai validate" in run.err


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(cents, cents, st.integers(0, 100)), min_size=1, max_size=12), st.booleans())
def test_money_is_conserved(actions, with_report) -> None:
    """Σ alloué + Σ report entrant = Σ dépensé + Σ reliquat, and a report out equals the report in."""
    year1 = {"annee": 2024, "actions": []}
    bilan1 = {"annee": 2024, "pilotage": {"copils_tenus": 2}, "actions": []}
    year2 = {"annee": 2025, "actions": []}
    for i, (alloue, report, share) in enumerate(actions):
        spent = (alloue * share / 100).quantize(Decimal("0.01"))
        base = {"id": f"a{i}", "axe": 3, "porteur": "p", "titre": "t", "publics": ["EPA"]}
        year1["actions"].append({**base, "budget": {"etat_bop104": str(alloue)}})
        entry = {"action": f"a{i}", "depenses_realisees": str(spent)}
        reliquat = alloue - spent
        if with_report and reliquat:
            entry["reliquat"] = {"montant": str(reliquat), "disposition": "report"}
        bilan1["actions"].append(entry)
        budget2 = {"etat_bop104": str(report)}
        if with_report and reliquat:
            budget2["report_entrant"] = {"montant": str(reliquat)}
        year2["actions"].append({**base, "budget": budget2})
    depot = Depot(root=Path("."), display="")
    depot.actions = {
        2024: Fichier("actions", "actions/2024.yaml", 2024, model=Annexe.model_validate(year1)),
        2025: Fichier("actions", "actions/2025.yaml", 2025, model=Annexe.model_validate(year2)),
    }
    depot.bilans = {2024: Fichier("bilan", "bilans/2024.yaml", 2024, model=Bilan.model_validate(bilan1))}
    result = rapprocher(depot, 2024)
    total = result.contrat.sums
    assert result.contrat.complet
    assert total["alloue"] + total["report_entrant"] == total["depense"] + total["reliquat"]
    following = {ligne.action: ligne for ligne in rapprocher(depot, 2025).lignes}
    for ligne in result.lignes:
        if ligne.disposition == "report":
            assert following[ligne.action].report_entrant == ligne.reliquat


def test_xlsx_one_sheet_per_year_with_french_formats(ctai, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "rapprochement.xlsx"
    assert ctai("budget", "reconcile", DAX, "-f", "xlsx").code == 2  # a binary file needs --output
    assert ctai("budget", "reconcile", DAX, "-f", "xlsx", "-o", target).code == 0
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["2023", "2024", "Contrat"]
    sheet = workbook["2024"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    petite = rows["petite-enfance"]
    assert [c.value for c in petite[3:9]] == [18000, 0, 18000, 18000, 17250.4, 749.6]
    assert petite[3].number_format == '#,##0.00\\ "€"'
    assert rows["Total 2024"][3].value == "=SUM(D2:D13)"
    contrat = {row[0].value: [c.value for c in row] for row in workbook["Contrat"].iter_rows(min_row=2)}
    assert contrat["2024"][1:7] == [150000, 0, 150000, 150000, 142950.4, 7049.6]
    assert contrat["Contrat"][-1] == "non"  # 2023 has no budget in the source
    assert ctai("budget", "reconcile", DAX, "-f", "xlsx", "-o", target).code == 2

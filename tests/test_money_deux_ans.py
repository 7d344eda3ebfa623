"""Hand-computed figures for a two-year contract, to the cent, in text, JSON, CSV and xlsx.

tests/argent/deux-ans (fictive Valbonne-sur-Lys, 2025-2026, envelopes 50 000 € and 45 000 €):

2025  accueil    alloué 20 000,00  dépensé 18 765,25  reliquat 1 234,75 → report sur 2026/ateliers
      ateliers   alloué 18 500,50  dépensé 18 000,00  reliquat   500,50 → reversement
      numerique  alloué  9 000,00  dépensé  8 100,10  reliquat   899,90 → report sur 2026/ateliers
      total      alloué 47 500,50  dépensé 44 865,35  reliquat 2 635,15  écart −2 635,15 / 47 500,50 = −5,55 %
      enveloppe 50 000,00 − 47 500,50 = 2 499,50 non réparti
      CAF du Lys prévu 5 000 + 2 500 = 7 500, réalisé 4 750 + 2 500 = 7 250 (écart −250, −3,33 %)
      Ville      prévu 1 000, réalisé 800 (écart −200, −20,00 %) ; numerique : ni prévu ni reçu

2026  accueil    alloué 20 000,00  dépensé 19 600,40  reliquat 399,60 → reversement
      ateliers   alloué 19 000,00 + reports 1 234,75 + 899,90 = 2 134,65 → disponible 21 134,65,
                 dépensé 21 134,65, reliquat 0,00
      total      alloué 39 000,00  reports 2 134,65  disponible 41 134,65  dépensé 40 735,05
                 reliquat 399,60  écart −399,60 / 41 134,65 = −0,97 %
      enveloppe 45 000,00 − 39 000,00 = 6 000,00 non réparti
      CAF du Lys prévu 5 000 + 3 000 = 8 000, réalisé 5 000 + 3 200 = 8 200 (écart +200, +2,50 %)

Contrat alloué 86 500,50, report entrant 0,00 (the 2 134,65 reported from 2025 to 2026 stay inside
        the contract: counted once, neither report entrant nor reliquat), disponible 86 500,50,
        versé 86 500,50, dépensé 85 600,40, reliquat 900,10 (500,50 + 399,60 reversés ; écart
        −900,10 / 86 500,50 = −1,04 %) ; enveloppes 95 000,00, non réparti 8 499,50 ; CAF prévu
        15 500, réalisé 15 450 ; tous cofinanceurs prévu 16 500, réalisé 16 250.
Money conserved: 86 500,50 alloués = 85 600,40 dépensés + 500,50 + 399,60 reversés; the 2 134,65
reported out of 2025 are exactly the 2 134,65 reported into 2026.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from tests.conftest import ROOT

DEUX_ANS = ROOT / "tests" / "argent" / "deux-ans"


def eur(text: str) -> str:
    return text.replace(" ", "\u202f") + "\xa0€"


def test_the_example_is_valid(ctai) -> None:
    run = ctai("validate", DEUX_ANS, "--date", "2027-05-01", "--strict")
    assert run.code == 0, run.out


def test_text(ctai) -> None:
    out = ctai("budget", "reconcile", DEUX_ANS).out
    lines = out.splitlines()

    def row(label: str) -> list[str]:
        [line] = [line for line in lines if line.startswith(label + " ")]
        return [cell.strip() for cell in line[30:].split("  ") if cell.strip()]

    assert row("Total 2025")[:7] == [
        eur("47 500,50"),
        eur("0,00"),
        eur("47 500,50"),
        eur("47 500,50"),
        eur("44 865,35"),
        eur("2 635,15"),
        "−5,55 %",
    ]
    assert row("Total 2026")[:7] == [
        eur("39 000,00"),
        eur("2 134,65"),
        eur("41 134,65"),
        eur("39 000,00"),
        eur("40 735,05"),
        eur("399,60"),
        "−0,97 %",
    ]
    assert row("Total contrat")[:7] == [
        eur("86 500,50"),
        eur("0,00"),
        eur("86 500,50"),
        eur("86 500,50"),
        eur("85 600,40"),
        eur("900,10"),
        "−1,04 %",
    ]
    assert f"reports d'une année à l'autre comptés une fois : {eur('2 134,65')} reçus" in out
    assert f"reports reçus : 2025/accueil {eur('1 234,75')} ; 2025/numerique {eur('899,90')}" in out
    assert (
        f"Enveloppe 2025 : {eur('50 000,00')} ; alloué aux actions {eur('47 500,50')} ; non réparti {eur('2 499,50')}"
        in out
    )
    assert (
        f"Enveloppe 2026 : {eur('45 000,00')} ; alloué aux actions {eur('39 000,00')} ; non réparti {eur('6 000,00')}"
        in out
    )
    assert (
        f"Enveloppes 2025–2026 : {eur('95 000,00')} ; alloué aux actions {eur('86 500,50')} ; non réparti {eur('8 499,50')}"
        in out
    )
    caf = [line for line in lines if line.strip().startswith("Total CAF du Lys")]
    assert len(caf) == 3  # 2025, 2026, the contract
    for line, amounts in zip(
        caf,
        [
            ("7 500,00", "7 250,00", "-250,00"),
            ("8 000,00", "8 200,00", "200,00"),
            ("15 500,00", "15 450,00", "-50,00"),
        ],
        strict=True,
    ):
        assert all(eur(a) in line for a in amounts), line
    assert "incomplet" not in out and "—" not in out


def test_json(ctai) -> None:
    out = json.loads(ctai("budget", "reconcile", DEUX_ANS, "-f", "json").out)
    rows = {(r["annee"], r["action"]): r for r in out["lignes"]}
    ateliers = rows[(2026, "ateliers")]
    assert ateliers["reports_entrants"] == [
        {"depuis": "2025/accueil", "montant": "1234.75"},
        {"depuis": "2025/numerique", "montant": "899.90"},
    ]
    assert (
        ateliers["report_entrant"],
        ateliers["disponible"],
        ateliers["depense"],
        ateliers["reliquat"],
    ) == (
        "2134.65",
        "21134.65",
        "21134.65",
        "0.00",
    )
    assert (rows[(2025, "accueil")]["vers"], rows[(2025, "numerique")]["vers"]) == ("2026/ateliers",) * 2
    totaux = out["totaux"]
    assert totaux["par_annee"]["2025"] == {
        "alloue": "47500.50",
        "report_entrant": "0.00",
        "disponible": "47500.50",
        "verse": "47500.50",
        "depense": "44865.35",
        "reliquat": "2635.15",
        "ecart": "-2635.15",
        "ecart_pct": "-5.55",
        "complet": True,
    }
    assert totaux["par_annee"]["2026"] == {
        "alloue": "39000.00",
        "report_entrant": "2134.65",
        "disponible": "41134.65",
        "verse": "39000.00",
        "depense": "40735.05",
        "reliquat": "399.60",
        "ecart": "-399.60",
        "ecart_pct": "-0.97",
        "complet": True,
    }
    assert totaux["contrat"] == {
        "alloue": "86500.50",
        "report_entrant": "0.00",
        "disponible": "86500.50",
        "verse": "86500.50",
        "depense": "85600.40",
        "reliquat": "900.10",
        "ecart": "-900.10",
        "ecart_pct": "-1.04",
        "complet": True,
        "reports_internes": "2134.65",
        "reliquats_internes": "2134.65",
    }
    assert (totaux["par_axe"]["1"]["alloue"], totaux["par_axe"]["2"]["alloue"]) == ("49000.00", "37500.50")
    # Money conserved: allocated = spent + paid back; reported out of 2025 = reported into 2026.
    reverse = sum(Decimal(r["reliquat"]) for r in out["lignes"] if r["disposition"] == "reversement")
    assert Decimal(totaux["contrat"]["alloue"]) == Decimal(totaux["contrat"]["depense"]) + reverse
    assert Decimal(totaux["contrat"]["reliquat"]) == reverse  # each euro once: what leaves the contract
    sortis = sum(Decimal(r["reliquat"]) for r in out["lignes"] if r["disposition"] == "report")
    assert sortis == Decimal(totaux["par_annee"]["2026"]["report_entrant"]) == Decimal("2134.65")

    assert out["annees"]["2025"]["enveloppe"] == {
        "enveloppe": "50000.00",
        "alloue": "47500.50",
        "ecart": "-2499.50",
        "non_reparti": "2499.50",
        "depassement": "0.00",
    }
    assert out["annees"]["2026"]["enveloppe"]["non_reparti"] == "6000.00"
    assert out["contrat"]["enveloppe"]["non_reparti"] == "8499.50"
    cofin_2025 = out["annees"]["2025"]["cofinancements"]
    assert cofin_2025["par_financeur"]["CAF du Lys"] == {
        "prevu": "7500.00",
        "realise": "7250.00",
        "ecart": "-250.00",
        "ecart_pct": "-3.33",
        "complet": True,
    }
    assert cofin_2025["par_financeur"]["Ville de Valbonne-sur-Lys"]["ecart_pct"] == "-20.00"
    assert (cofin_2025["total"]["prevu"], cofin_2025["total"]["realise"]) == ("8500.00", "8050.00")
    cofin_2026 = out["annees"]["2026"]["cofinancements"]["par_financeur"]["CAF du Lys"]
    assert (cofin_2026["prevu"], cofin_2026["realise"], cofin_2026["ecart_pct"]) == (
        "8000.00",
        "8200.00",
        "2.50",
    )
    contrat = out["contrat"]["cofinancements"]
    assert (
        contrat["par_financeur"]["CAF du Lys"]["prevu"],
        contrat["par_financeur"]["CAF du Lys"]["realise"],
    ) == (
        "15500.00",
        "15450.00",
    )
    assert (contrat["total"]["prevu"], contrat["total"]["realise"], contrat["total"]["ecart"]) == (
        "16500.00",
        "16250.00",
        "-250.00",
    )
    # BOP 104 never includes a co-financement.
    assert rows[(2025, "accueil")]["alloue"] == "20000.00"


def test_csv(ctai) -> None:
    rows = list(csv.DictReader(io.StringIO(ctai("budget", "reconcile", DEUX_ANS, "-f", "csv").out)))
    by = {(r["nature"], r["annee"], r["action"], r["financeur"]): r for r in rows}
    ateliers = by[("action", "2026", "ateliers", "")]
    assert (ateliers["report_entrant"], ateliers["depuis"]) == (
        "2134.65",
        "2025/accueil:1234.75;2025/numerique:899.90",
    )
    assert [
        by[("total_annee", "2025", "", "")][c] for c in ("alloue", "depense", "reliquat", "ecart_pct")
    ] == [
        "47500.50",
        "44865.35",
        "2635.15",
        "-5.55",
    ]
    assert [by[("total_annee", "2026", "", "")][c] for c in ("report_entrant", "disponible", "depense")] == [
        "2134.65",
        "41134.65",
        "40735.05",
    ]
    contrat = by[("total_contrat", "", "", "")]
    assert [contrat[c] for c in ("alloue", "disponible", "depense", "reliquat", "ecart_pct")] == [
        "86500.50",
        "86500.50",
        "85600.40",
        "900.10",
        "-1.04",
    ]
    assert contrat["note"].startswith("reports d'une année à l'autre comptés une fois : 2134.65 reçus")
    assert [by[("enveloppe", "2025", "", "")][c] for c in ("enveloppe", "alloue", "ecart")] == [
        "50000.00",
        "47500.50",
        "-2499.50",
    ]
    caf = by[("cofinancement", "2025", "accueil", "CAF du Lys")]
    assert (caf["prevu"], caf["realise"], caf["ecart"], caf["alloue"]) == (
        "5000.00",
        "4750.00",
        "-250.00",
        "",
    )
    assert [by[("total_cofinancement", "2025", "", "CAF du Lys")][c] for c in ("prevu", "realise")] == [
        "7500.00",
        "7250.00",
    ]
    assert [
        by[("total_cofinancement_contrat", "", "", "CAF du Lys")][c] for c in ("prevu", "realise", "ecart")
    ] == [
        "15500.00",
        "15450.00",
        "-50.00",
    ]
    assert by[("enveloppes_contrat", "", "", "")]["enveloppe"] == "95000.00"


def test_xlsx(ctai, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "r.xlsx"
    assert ctai("budget", "reconcile", DEUX_ANS, "-f", "xlsx", "-o", target).code == 0
    formulas, values = load_workbook(target), load_workbook(target, data_only=True)
    assert values.sheetnames == ["2025", "2026", "Contrat"]

    def rows(book, sheet: str) -> dict:
        out: dict = {}
        for row in book[sheet].iter_rows(min_row=2):
            out.setdefault(row[0].value, [c.value for c in row])
        return out

    y2025, y2026 = rows(values, "2025"), rows(values, "2026")
    assert y2025["Total 2025"][3:10] == [47500.5, 0, 47500.5, 47500.5, 44865.35, 2635.15, -5.55]
    assert rows(formulas, "2025")["Total 2025"][3] == "=SUM(D2:D4)"
    assert y2026["ateliers"][3:9] == [19000, 2134.65, 21134.65, 19000, 21134.65, 0]
    assert y2026["ateliers"][12] == "2025/accueil : 1234.75 ; 2025/numerique : 899.90"
    assert y2026["Total 2026"][3:10] == [39000, 2134.65, 41134.65, 39000, 40735.05, 399.6, -0.97]
    assert y2025["Enveloppe 2025 de l'État"][3] == 50000
    assert y2025["Alloué aux actions"][3] == 47500.5
    assert y2025["Reste à répartir (négatif : dépassement)"][3] == 2499.5
    assert rows(formulas, "2025")["Reste à répartir (négatif : dépassement)"][3] == "=D7-D8"
    # Co-financements: one row per action and funder, then per funder (formulas with values).
    cofin = [[c.value for c in row] for row in values["2025"].iter_rows() if row[1].value == "CAF du Lys"]
    assert [r[0] for r in cofin] == ["accueil", "ateliers", "Total"]
    assert cofin[-1][3:6] == [7500, 7250, -250]
    contrat = rows(values, "Contrat")
    assert contrat["Total contrat"][2:9] == [86500.5, 0, 86500.5, 86500.5, 85600.4, 900.1, 95000]
    internes = rows(formulas, "Contrat")["Reports d'une année à l'autre du contrat (comptés une fois)"]
    assert [internes[k] for k in (3, 4, 7)] == [2134.65, 2134.65, 2134.65]
    assert rows(formulas, "Contrat")["Total contrat"][3] == "=SUM(D2:D3)-D4"
    assert rows(formulas, "Contrat")["Total contrat"][2] == "=SUM(C2:C3)"
    assert contrat["CAF du Lys"][3:6] == [15500, 15450, -50]
    assert contrat["Total tous financeurs"][3:6] == [16500, 16250, -250]


def test_fiche_bilan_shows_bop104_and_co_financements_apart(ctai) -> None:
    md = ctai("bilan", "render", DEUX_ANS, "--annee", "2025").out
    assert (
        f"| **Total** | **{eur('47 500,50')}** | **{eur('0,00')}** | **{eur('47 500,50')}** | "
        f"**{eur('44 865,35')}** | **{eur('2 635,15')}** | **−5,55\u202f%** |"
    ) in md
    assert f"| CAF du Lys | {eur('7 500,00')} | {eur('7 250,00')} | −3,33\u202f% |" in md
    assert f"| Ville de Valbonne-sur-Lys | {eur('1 000,00')} | {eur('800,00')} | −20\u202f% |" in md
    assert f"| **Total** | **{eur('8 500,00')}** | **{eur('8 050,00')}** | **−5,29\u202f%** |" in md
    md_2026 = ctai("bilan", "render", DEUX_ANS, "--annee", "2026").out
    assert f"report entrant {eur('2 134,65')} (2025/accueil, 2025/numerique)" in md_2026
    assert f"Cofinancements : CAF du Lys {eur('3 000,00')} prévus, {eur('3 200,00')} reçus." in md_2026
    html = ctai("bilan", "render", DEUX_ANS, "--annee", "2025", "--format", "html").out
    assert "Cofinancements (hors crédits de l'État)" in html
    assert (
        f'<td>CAF du Lys</td><td class="n">{eur("7 500,00")}</td><td class="n">{eur("7 250,00")}</td>' in html
    )

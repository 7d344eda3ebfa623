"""Hostile batch input (issue 10, items 8, 9, 10 and 17): per-row French errors, no crash,
and no personal datum in the output without --avec-donnees."""

from __future__ import annotations

import io
import json
import random
from datetime import date
from pathlib import Path

import pytest

HEADER = "id,nationalite,date_naissance,titres_sejour,demandeur_asile,intention_installation"
GOOD = "p2,MA,1990-03-15,salarie:2023-06-01:2027-05-31,non,oui"


def batch(ctai, rows: Path, *options: object):
    return ctai("eligibility", "check", "--batch", rows, "--date", "2024-11-01", "--format", "json", *options)


def records(run) -> list[dict]:
    return [json.loads(line) for line in run.out.splitlines()]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- item 8: a CSV cell over the csv module's field limit --------------------------
def test_a_huge_csv_cell_is_a_per_row_error_and_the_next_rows_still_run(ctai, tmp_path: Path) -> None:
    rows = write(tmp_path, "p.csv", f"{HEADER}\np1,{'A' * 140_000},,,,\n{GOOD}\n")
    run = batch(ctai, rows)
    assert run.code == 1 and "Traceback" not in run.err
    first, second = records(run)
    assert first["verdict"] == "erreur" and first["erreur"]["code"] == "CTAI-E106"
    assert first["erreur"]["message"] == "cellule de plus de 131\u202f072 caractères"  # formatting.milliers
    assert second["id"] == "p2" and second["verdict"] == "eligible"
    assert "AAAA" not in run.out


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_a_line_too_long_is_skipped_unread(ctai, tmp_path: Path, suffix: str) -> None:
    from ctai_cli.eligibility.batch import LIGNE_MAX

    filler = ",".join(["x"] * (LIGNE_MAX // 2 + 1))  # many small cells: no single cell is over the limit
    if suffix == "csv":
        text = f"{HEADER}\n{filler}\n{GOOD}\n"
        good = 3
    else:
        text = f'["{filler}"]\n' + json.dumps({"id": "p2", "nationalite": "MA"}) + "\n"
        good = 2
    run = batch(ctai, write(tmp_path, f"p.{suffix}", text))
    first, second = records(run)
    assert first["erreur"]["code"] == "CTAI-E106" and "ligne de plus de" in first["erreur"]["message"]
    assert second["ligne"] == good and second["id"] == "p2"


# --- item 9: JSON that nests too deep or holds a huge number -----------------------
@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("[" * 100_000, "CTAI-E012"),
        ('{"id": "p1", "nationalite": ' + "9" * 4301 + "}", "CTAI-E014"),
        ('{"id": "p1", "intention_installation": NaN}', "CTAI-E005"),
        ('{"id": "p1"', "CTAI-E005"),
        ('["p1", "AF"]', "CTAI-E013"),
    ],
    ids=["100000-crochets", "4301-chiffres", "NaN", "tronque", "liste"],
)
def test_hostile_jsonl_lines_are_per_row_errors(ctai, tmp_path: Path, line: str, code: str) -> None:
    rows = write(tmp_path, "p.jsonl", line + "\n" + json.dumps({"id": "p2", "nationalite": "MA"}) + "\n")
    run = batch(ctai, rows)
    assert run.code == 1 and "Traceback" not in run.err
    first, second = records(run)
    assert first["verdict"] == "erreur" and first["erreur"]["code"] == code and first["id"] is None
    assert second["id"] == "p2" and second["verdict"] == "indetermine"


# --- item 10: dates near the end of the calendar -------------------------------------
def test_dates_near_year_9999_have_no_end_within_the_calendar(ctai) -> None:
    run = ctai("eligibility", "check", "--titres", "salarie:9999-12-31", "--date", "9999-12-31")
    assert run.code == 0 and "Traceback" not in run.err
    assert "échéance au-delà du 31 décembre 9999" in run.out
    run = ctai(
        "eligibility",
        "check",
        "--nationalite",
        "AF",
        "--naissance",
        "9999-12-31",
        "--protection",
        "refugie:CNDA:9999-12-31",
        "--date",
        "9999-12-31",
    )
    assert run.code == 0 and "18 ans après le 31 décembre 9999" in run.out


def test_plus_annees_says_when_a_day_is_beyond_the_calendar() -> None:
    from ctai_cli.eligibility.regles import atteint, plus_annees

    assert plus_annees(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert plus_annees(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert plus_annees(date(9994, 12, 31), 5) == date(9999, 12, 31)
    assert plus_annees(date(9995, 1, 1), 5) is None
    assert not atteint(date(9999, 12, 31), None)


# --- item 17: no personal datum without --avec-donnees --------------------------------
def test_a_csv_without_header_is_refused_without_echoing_the_first_person(ctai, tmp_path: Path) -> None:
    rows = write(tmp_path, "p.csv", "Dupont-Jeanne,AF,1990-03-15,salarie:2023-06-01,non,oui\n" + GOOD + "\n")
    output = tmp_path / "verdicts.jsonl"
    run = batch(ctai, rows, "--output", output)
    assert run.code == 2
    assert "pas un en-tête" in run.err and "id, nationalite, date_naissance" in run.err
    assert "Dupont" not in run.out + run.err and "AF" not in run.out + run.err
    assert not output.exists()  # nothing written, nobody silently dropped


def test_unknown_header_columns_far_from_any_are_named_only_with_avec_donnees(ctai, tmp_path: Path) -> None:
    """A misspelt column name is named (review 19); one like no column may be a datum."""
    rows = write(tmp_path, "p.csv", "id,nationalitee,Martin\np1,AF,x\n")
    run = batch(ctai, rows)
    assert run.code == 2 and "« nationalitee » (vouliez-vous dire « nationalite » ?)" in run.err
    assert "colonne(s) inconnue(s) n° 3" in run.err and "Martin" not in run.err
    run = batch(ctai, rows, "--avec-donnees")
    assert run.code == 2 and "« nationalitee » (vouliez-vous dire « nationalite » ?)" in run.err
    assert "« Martin »" in run.err


def test_a_duplicated_header_column_is_refused(ctai, tmp_path: Path) -> None:
    run = batch(ctai, write(tmp_path, "p.csv", "id,nationalite,nationalite\np1,AF,MA\n"))
    assert run.code == 2 and "colonne(s) en double dans l'en-tête : nationalite" in run.err


def test_unknown_json_keys_and_non_string_ids_are_not_echoed(ctai, tmp_path: Path) -> None:
    rows = write(
        tmp_path,
        "p.jsonl",
        '{"id": {"nom": "Dupont"}, "nationalite": "MA"}\n'
        '{"id": 12345678901, "nationalite": "MA"}\n'
        '{"id": "p3", "Mohamed Ali": true}\n'
        '{"id": "p4", "protection": {"type": "refugie", "Fatima": 1}}\n',
    )
    run = batch(ctai, rows)
    for needle in ("Dupont", "12345678901", "Mohamed", "Fatima"):
        assert needle not in run.out + run.err
    got = records(run)
    assert [r["id"] for r in got] == [None, None, "p3", "p4"]
    assert [r["erreur"]["champ"] for r in got] == ["id", "id", "<clé inconnue>", "protection.<clé inconnue>"]
    assert got[3]["erreur"]["message"] == "clé inconnue dans « protection » (nom affiché avec --avec-donnees)"
    run = batch(ctai, rows, "--avec-donnees")
    assert [r["erreur"]["champ"] for r in records(run)][2:] == ["Mohamed Ali", "protection.Fatima"]


def test_errors_name_the_field_never_the_value(ctai, tmp_path: Path) -> None:
    rows = write(
        tmp_path,
        "p.csv",
        "id,nationalite,date_naissance,titres_sejour,protection_type,protection_autorite\n"
        "p1,XX,,,,\n"
        "p2,MA,15/03/1990,,,\n"
        "p3,MA,,salarié:2023-01-01,,\n"
        "p4,AF,,,refugie,prefecture\n",
    )
    run = batch(ctai, rows)
    assert [(r["erreur"]["code"], r["erreur"]["champ"]) for r in records(run)] == [
        ("CTAI-E107", "nationalite.0"),
        ("CTAI-E104", "date_naissance"),
        ("CTAI-E105", "titres_sejour.0.type"),
        ("CTAI-E102", "protection.autorite"),
    ]
    for needle in ("XX", "15/03/1990", "salarié", "prefecture"):
        assert needle not in run.out
    run = ctai("eligibility", "check", "--batch", rows, "--date", "2024-11-01")
    assert "p1\tligne 2\terreur CTAI-E107 : code pays inconnu : « nationalite.0 »" in run.out


def test_a_csv_saved_by_a_spreadsheet_with_a_bom_is_read(ctai, tmp_path: Path) -> None:
    rows = tmp_path / "p.csv"
    rows.write_bytes(("\ufeff" + HEADER + "\n" + GOOD + "\n").encode("utf-8"))
    run = batch(ctai, rows)
    assert run.code == 0 and records(run)[0]["verdict"] == "eligible"


# --- the parallel path ----------------------------------------------------------------
def _corpus(path: Path, rows: int) -> None:
    """Rows of every kind: eligible, not, undetermined, and errors (bad country, type, boolean)."""
    rng = random.Random(12)
    types = ["salarie"] * 6 + [
        "etudiant",
        "carte_resident",
        "vie_privee_familiale",
        "inconnu",
        "passeport_talent",
    ]
    lines = [HEADER]
    for i in range(rows):
        nat = rng.choice(["MA"] * 6 + ["IT;MA", "AF", "XX", "", "apatride", "FR;DZ"])
        start = date(2020 + rng.randint(0, 4), rng.randint(1, 10), rng.randint(1, 28))
        end = (
            ""
            if rng.random() < 0.2
            else date(start.year + rng.randint(1, 4), start.month, start.day).isoformat()
        )
        naissance = rng.choice(["1990-01-01"] * 4 + ["", "2010-06-30"])
        asile = rng.choice(["non"] * 4 + ["", "oui", "peut-être"])
        intention = rng.choice(["oui"] * 4 + ["", "non"])
        lines.append(
            f"p{i},{nat},{naissance},{rng.choice(types)}:{start.isoformat()}:{end},{asile},{intention}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_workers_give_the_same_output_row_for_row(tmp_path: Path) -> None:
    from ctai_cli.eligibility.batch import PAQUET, traiter

    rows = tmp_path / "p.csv"
    _corpus(rows, 2 * PAQUET + 37)
    outputs = []
    for processus in (1, 2):
        out = io.StringIO()
        resume = traiter(
            rows,
            date(2024, 11, 1),
            out,
            fmt="json",
            depart="premier_titre",
            avec_donnees=True,
            processus=processus,
        )
        outputs.append((out.getvalue(), resume.to_dict()))
    assert outputs[0] == outputs[1]
    got = [json.loads(line) for line in outputs[0][0].splitlines()]
    assert [r["ligne"] for r in got] == list(range(2, 2 * PAQUET + 39))
    assert {r["verdict"] for r in got} >= {"eligible", "non_eligible", "indetermine", "erreur"}


def test_large_files_use_every_core(tmp_path: Path) -> None:
    from ctai_cli.eligibility.batch import PARALLELE_OCTETS, processus_par_defaut

    small, large = tmp_path / "a.csv", tmp_path / "b.csv"
    small.write_text(HEADER + "\n", encoding="utf-8")
    large.write_text(HEADER + "\n" + (GOOD + "\n") * (PARALLELE_OCTETS // len(GOOD) + 1), encoding="utf-8")
    assert processus_par_defaut(small) == 1
    assert processus_par_defaut(large) >= 1


def test_an_id_cannot_forge_lines_or_colours_in_text_output(ctai, tmp_path: Path) -> None:
    rows = write(tmp_path, "p.jsonl", json.dumps({"id": "a\nb\tligne 9\teligible EPA\x1b[31m\u2028"}) + "\n")
    run = ctai("eligibility", "check", "--batch", rows, "--date", "2024-11-01")
    assert run.out.count("\n") == 1 and "\x1b" not in run.out and "\u2028" not in run.out
    assert run.out.startswith("a\\nb\\tligne 9\\teligible EPA\\x1b[31m\\u2028\tligne 1\t")  # as terminal.sur


def test_an_id_cannot_reorder_text_output_with_bidi_controls(ctai, tmp_path: Path) -> None:
    # U+202E (right-to-left override) would show « p1\tligne 1\tNON ÉLIGIBLE » backwards, U+2066 isolates.
    rows = write(tmp_path, "p.jsonl", json.dumps({"id": "p\u202e1\u2066x\u200f", "nationalite": "FR"}) + "\n")
    run = ctai("eligibility", "check", "--batch", rows, "--date", "2024-11-01")
    assert run.out == "p\\u202e1\\u2066x\\u200f\tligne 1\tNON ÉLIGIBLE\n"
    json_run = ctai("eligibility", "check", "--batch", rows, "--date", "2024-11-01", "--format", "json")
    assert json.loads(json_run.out)["id"] == "p\u202e1\u2066x\u200f"  # JSON carries the id as it is

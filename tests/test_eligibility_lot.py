"""The batch's fast paths give what the single-person check gives (issue 17).

The batch builds a CSV row's person without pydantic when every cell is valid, evaluates
without the reasons unless --avec-donnees, remembers a rule's outcome per distinct fact
(nationality, date of birth, asylum situation) and writes pre-built line endings: here a
few hundred varied rows go through the batch (CSV and JSONL, with and without reasons, on
one and two processes) and, one by one, through ``ctai eligibility check`` on a person file,
each on a fresh memo; verdicts, publics, missing facts and reasons must be the same.
"""

from __future__ import annotations

import io
import json
import random
from datetime import date
from pathlib import Path

import pytest

from ctai_cli.eligibility import regles
from ctai_cli.eligibility.batch import (
    CSV_COLUMNS,
    RowError,
    enregistrements,
    personne_depuis_csv,
    personne_rapide,
    traiter,
)
from ctai_cli.eligibility.personne import Personne

JOUR = "2024-11-01"
TYPES = [
    "salarie",
    "carte_resident",
    "carte_resident_refugie",
    "vie_privee_familiale",
    "vie_privee_familiale_autre",
    "etudiant",
    "passeport_talent",
    "aps_protection_temporaire",
    "protection_subsidiaire",
]


def _date(
    rng: random.Random,
    annees: tuple[int, ...] = (1950, 1990, 2006, 2007, 2015, 2019, 2020, 2022, 2023, 2024, 2026),
) -> str:
    if rng.random() < 0.01:
        return rng.choice(["2023-02-29", "15/03/1990", "2024-13-01", "9999-12-31", " 2024-02-29 "])
    return date(rng.choice(annees), rng.randint(1, 12), rng.randint(1, 28)).isoformat()


def _complet(rng: random.Random, cells: dict[str, str]) -> None:
    """A BPI, a BPT or an EPA with every fact, on varied dates (eligible or not by a few days)."""
    cells["date_naissance"] = _date(rng, (1960, 1980, 1990, 2000))
    cells["demandeur_asile"], cells["intention_installation"] = "non", "oui"
    kind = rng.choice(["bpi", "bpt", "epa"])
    if kind == "bpi":
        cells["nationalite"] = rng.choice(["AF", "SY", "ER"])
        cells["protection_type"] = rng.choice(["refugie", "protection_subsidiaire"])
        cells["protection_autorite"] = rng.choice(["OFPRA", "CNDA"])
        cells["protection_date"] = _date(rng, (2018, 2019, 2020, 2022, 2023))
    elif kind == "bpt":
        cells["nationalite"] = "UA"
        cells["protection_type"], cells["protection_autorite"] = "temporaire", "prefecture"
        cells["protection_date"] = _date(rng, (2022, 2023, 2024))
        cells["residence_ukraine_24_02_2022"] = "oui"
    else:
        cells["nationalite"] = rng.choice(["MA", "SN;MA", "DZ", "TN"])
        annee = rng.choice([2018, 2019, 2020, 2021, 2022, 2023])
        debut = date(annee, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
        fin = date(annee + rng.choice([1, 4, 10]), 1, 1).isoformat()
        cells["titres_sejour"] = (
            f"{rng.choice(['salarie', 'vie_privee_familiale_autre', 'conjoint_francais'])}:{debut}:{fin}"
        )


def _row(rng: random.Random, i: int) -> dict[str, str]:
    """One CSV row: facts of every kind, complete or not, now and then a value the format refuses."""
    cells = dict.fromkeys(CSV_COLUMNS, "")
    cells["id"] = rng.choice([f"p{i}"] * 30 + [" ", "x" * 201])
    if rng.random() < 0.4:
        _complet(rng, cells)
        return cells
    if rng.random() < 0.9:
        cells["nationalite"] = rng.choice(
            ["MA", "AF", "UA", "SN;MA", "IT;MA", "FR;DZ", "apatride", "de", "MA", "AF", "SY"] * 3
            + ["XX", "MA;MA", "AFG"]
        )
    if rng.random() < 0.8:
        cells["date_naissance"] = _date(rng)
    if rng.random() < 0.7:
        titres = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            parts = [rng.choice([*TYPES, "inconnu"] if rng.random() < 0.05 else TYPES), _date(rng)]
            if rng.random() < 0.8:
                parts.append(_date(rng) if rng.random() < 0.9 else "")
            if rng.random() < 0.2:
                parts.append(_date(rng))
            titres.append(":".join(parts if rng.random() > 0.02 else parts[:1]))
        cells["titres_sejour"] = ";".join(titres)
    if rng.random() < 0.4:
        cells["protection_type"] = rng.choice(
            ["refugie", "protection_subsidiaire", "apatride", "temporaire"] * 5 + ["x"]
        )
        cells["protection_autorite"] = rng.choice(["", "OFPRA", "CNDA", "OFPRA", "CNDA", "prefecture"])
        cells["protection_date"] = rng.choice(["", _date(rng)])
        if rng.random() < 0.2:
            cells["protection_fin"] = _date(rng)
            cells["protection_fin_motif"] = rng.choice(["", "retrait", "cessation", "depart", "x"])
    elif rng.random() < 0.02:
        cells["protection_date"] = _date(rng)
    if rng.random() < 0.2:
        cells["demande_asile_depot"] = _date(rng)
        if rng.random() < 0.5:
            cells["demande_asile_decision"] = _date(rng)
    if rng.random() < 0.15:
        cells["cir_signature"] = _date(rng)
    for key in CSV_COLUMNS[12:]:
        if rng.random() < 0.5:
            cells[key] = rng.choice(["oui", "non", "Oui", "faux", "1", "0", ""] * 6 + ["peut-être"])
    return cells


def _rows(n: int) -> list[dict[str, str]]:
    rng = random.Random(17)
    return [_row(rng, i) for i in range(n)]


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    lines = [",".join(CSV_COLUMNS)] + [",".join(row[c] for c in CSV_COLUMNS) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _batch(path: Path, avec_donnees: bool, processus: int = 1) -> list[dict]:
    out = io.StringIO()
    traiter(
        path,
        date.fromisoformat(JOUR),
        out,
        fmt="json",
        depart="premier_titre",
        avec_donnees=avec_donnees,
        processus=processus,
    )
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_valid_csv_row_gives_the_person_pydantic_gives_and_any_other_row_none(tmp_path: Path) -> None:
    path = _csv(tmp_path / "p.csv", _rows(600))
    colonnes, records = enregistrements(path)
    rapides = 0
    for _, raw in records:
        try:
            attendue = Personne.model_validate(personne_depuis_csv(dict(zip(colonnes, raw, strict=False))))
        except (RowError, ValueError):
            attendue = None
        personne = personne_rapide(colonnes, raw)
        if personne is None:
            assert attendue is None, raw  # only rows with something to say leave the fast path
            continue
        rapides += 1
        assert personne == attendue
        for made, expected in [
            (personne, attendue),
            *zip(personne.titres_sejour, attendue.titres_sejour, strict=True),
        ]:
            assert made.model_fields_set == expected.model_fields_set
            assert list(made.__dict__) == list(expected.__dict__)
        if personne.protection is not None:
            assert personne.protection.model_fields_set == attendue.protection.model_fields_set
        assert personne.model_dump() == attendue.model_dump()
    assert 150 < rapides < 550  # both ways were taken


def test_batch_verdicts_are_those_of_the_single_person_check(ctai, tmp_path: Path) -> None:
    rows = _rows(300)
    path = _csv(tmp_path / "p.csv", rows)
    regles._MEMOS.clear()
    avec = _batch(path, avec_donnees=True)
    sans = _batch(path, avec_donnees=False)
    assert [r["ligne"] for r in avec] == [r["ligne"] for r in sans] == list(range(2, 302))
    # Without --avec-donnees: the same line, less the reasons (evaluated without them); an
    # error's message quotes the value only with --avec-donnees.
    for a, s in zip(avec, sans, strict=True):
        if a["verdict"] == "erreur":
            a["erreur"]["message"] = s["erreur"]["message"]
    assert [{k: v for k, v in r.items() if k != "raisons"} for r in avec] == sans
    # JSONL: the same persons, the same verdicts.
    jsonl = tmp_path / "p.jsonl"
    persons = []
    for row in rows:
        try:
            persons.append(personne_depuis_csv({k: v for k, v in row.items() if v}))
        except RowError:
            persons.append(None)
    jsonl.write_text("".join(json.dumps(p) + "\n" for p in persons if p is not None), encoding="utf-8")
    sans_jsonl = iter(_batch(jsonl, avec_donnees=False))
    verdicts = {"erreur": 0, "eligible": 0, "non_eligible": 0, "indetermine": 0}
    for row, person, record in zip(rows, persons, avec, strict=True):
        verdicts[record["verdict"]] += 1
        if person is None:
            assert record["verdict"] == "erreur"
            continue
        from_jsonl = next(sans_jsonl)
        assert {k: v for k, v in from_jsonl.items() if k != "ligne"} == {
            k: v for k, v in record.items() if k not in ("ligne", "raisons")
        }
        single = tmp_path / "personne.yaml"
        single.write_text(json.dumps(person), encoding="utf-8")
        regles._MEMOS.clear()  # the single check evaluates from scratch
        run = ctai("eligibility", "check", single, "--date", JOUR, "--format", "json")
        if record["verdict"] == "erreur":
            assert run.code == 2, (row, record)
            continue
        assert run.code == 0, (row, run.out)
        verdict = json.loads(run.out)
        assert (verdict["verdict"], verdict["public"], verdict["eligible"]) == (
            record["verdict"],
            record["public"],
            record["eligible"],
        )
        assert [f["fait"] for f in verdict["faits_manquants"]] == record["faits_manquants"]
        assert verdict["raisons"] == record["raisons"]
    assert all(count >= 10 for count in verdicts.values()), verdicts


@pytest.mark.parametrize("avec_donnees", [False, True])
def test_two_processes_write_what_one_writes(tmp_path: Path, avec_donnees: bool) -> None:
    from ctai_cli.eligibility.batch import PAQUET

    path = _csv(tmp_path / "p.csv", _rows(2 * PAQUET + 37))
    assert _batch(path, avec_donnees, processus=2) == _batch(path, avec_donnees, processus=1)


def _options(path: Path, jour: str = JOUR, fmt: str = "json", depart: str = "premier_titre"):
    from ctai_cli.eligibility.batch import _Options
    from ctai_cli.eligibility.parametres import charger

    colonnes, _ = enregistrements(path)
    return _Options(
        date.fromisoformat(jour),
        fmt,
        depart,
        False,
        None,
        frozenset(regles.types_connus(charger())),
        colonnes,
    )


def _une_a_une(path: Path, options) -> str:
    """Each record read by the csv module, evaluated on fresh memos: the reference."""
    from ctai_cli.eligibility.batch import evaluer_ligne

    lines = []
    for number, raw in enregistrements(path)[1]:
        regles._MEMOS.clear()
        lines.append(evaluer_ligne(options, number, raw)[1])
    return "".join(lines)


def _lot(
    path: Path, jour: str = JOUR, fmt: str = "json", processus: int = 1, depart: str = "premier_titre"
) -> str:
    out = io.StringIO()
    traiter(
        path,
        date.fromisoformat(jour),
        out,
        fmt=fmt,
        depart=depart,  # type: ignore[arg-type]
        avec_donnees=False,
        processus=processus,
    )
    return out.getvalue()


@pytest.mark.parametrize(
    "texte",
    [
        "",  # plain from start to end
        'p9,"MA",1990-01-01\n',  # a quote: the csv module reads from that block on
        "p9,MA,1990-01-01\r\n",  # a carriage return
        "p9,MA\x00,1990-01-01\n",  # a NUL
        "p9," + "x" * 300 + ",1990-01-01\n",  # a line longer than a block
        "\n \n,,\n\t\np9,MA,1990-01-01,,,,,,,,,,,,,,,,,,,,,,,,,\n",  # empty lines, too many cells
        "p9,MA,1990-01-01\xa0,é\u2028,\u0663\n",  # non-ASCII spaces and digits
    ],
)
@pytest.mark.parametrize("bom", [False, True])
def test_a_csv_read_in_blocks_gives_what_the_csv_module_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, texte: str, bom: bool
) -> None:
    """lots_csv splits plain blocks itself and hands any other to the csv module: same rows,
    same line numbers, whatever the block a special line falls in, with or without a last end of line."""
    from ctai_cli.eligibility import batch

    monkeypatch.setattr(batch, "BLOC", 256)  # many blocks
    rows = _rows(40)
    path = _csv(tmp_path / "p.csv", rows)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for position in (1, 9, 25):
        contenu = "".join(lines[:position]) + texte + "".join(lines[position:])
        for fin in ("", "p10,DZ,2001-03-04"):
            data = ("\ufeff" if bom else "") + contenu + fin
            path.write_bytes(data.encode("utf-8"))
            assert _lot(path) == _une_a_une(path, _options(path)), (position, fin)
    assert _lot(path, fmt="text") == _une_a_une(path, _options(path, fmt="text"))


def test_a_csv_not_in_utf8_is_refused_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ctai_cli.eligibility import batch

    monkeypatch.setattr(batch, "BLOC", 256)
    path = _csv(tmp_path / "p.csv", _rows(40))
    path.write_bytes(path.read_bytes()[:1500] + b"\xe9t\xe9,MA\n" + path.read_bytes()[1500:])
    with pytest.raises(UnicodeDecodeError):
        _lot(path)


def _autour(day: date, rng: random.Random) -> str:
    """A day on either side of ``day``, or on it."""
    return date.fromordinal(day.toordinal() + rng.choice([-2, -1, -1, 0, 0, 0, 1, 1, 2])).isoformat()


def _seuils_row(rng: random.Random, i: int, day: date) -> dict[str, str]:
    """A row whose days sit on the thresholds of ``day``: a birthday on the day (18 years), a
    titre or a protection 5 years before, a titre ending on the day, a 29 February."""
    cells = _row(rng, i)
    for key in ("date_naissance", "protection_date", "demande_asile_depot", "cir_signature"):
        if cells[key] and rng.random() < 0.7:
            annees = (
                rng.choice([0, 5, 18, 4, 17, 19]) if key == "date_naissance" else rng.choice([0, 1, 5, 6])
            )
            base = regles.plus_annees(day, -annees) or day
            cells[key] = rng.choice(
                [_autour(base, rng), rng.choice(["2004-02-29", "2008-02-29", "2020-02-29"])]
            )
    if cells["titres_sejour"] and rng.random() < 0.7:
        titres = []
        for item in cells["titres_sejour"].split(";"):
            parts = item.split(":")
            if len(parts) >= 2 and rng.random() < 0.8:
                parts[1] = _autour(regles.plus_annees(day, -rng.choice([0, 1, 5])) or day, rng)
            if len(parts) >= 3 and parts[2] and rng.random() < 0.8:
                parts[2] = _autour(day, rng)
            titres.append(":".join(parts))
        cells["titres_sejour"] = ";".join(titres)
    if rng.random() < 0.3:
        # Days on the same side of every threshold, in any order: only their order tells the
        # first titre, the latest, a titre before the protection.
        def dans_la_fenetre() -> str:
            return date.fromordinal(day.toordinal() - rng.randint(2, 1500)).isoformat()

        cells["titres_sejour"] = ";".join(
            ":".join(
                [rng.choice(TYPES), dans_la_fenetre(), rng.choice(["", dans_la_fenetre(), _autour(day, rng)])]
            )
            for _ in range(rng.choice([2, 2, 3]))
        )
        if cells["protection_type"] and rng.random() < 0.7:
            cells["protection_date"] = dans_la_fenetre()
        if rng.random() < 0.5:
            cells["cir_signature"] = rng.choice(
                [dans_la_fenetre(), _autour(regles.plus_annees(day, -5) or day, rng)]
            )
    return cells


def _squelette_row(rng: random.Random, i: int, day: date) -> dict[str, str]:
    """A row of one of 40 skeletons (which facts are given, and their values other than days and
    titre types), with its days drawn near the thresholds and its titre types among all: persons
    of one forme meet often, so that a forme forgetting something the rules read shows."""
    from ctai_cli.eligibility.parametres import charger

    types = sorted(regles.types_connus(charger()))
    squelette = random.Random(rng.randint(0, 39))
    cells = dict.fromkeys(CSV_COLUMNS, "")
    cells["id"] = f"p{i}"

    def vers(annees: int, plus: int = 0) -> str:
        base = regles.plus_annees(day, -annees) or day
        return date.fromordinal(base.toordinal() + rng.randint(-3, 3) + plus).isoformat()

    cells["nationalite"] = squelette.choice(["MA", "UA", "AF", "SN;MA", "IT", "FR;DZ", "apatride", ""])
    cells["date_naissance"] = squelette.choice(["", "naissance", "naissance", "1980-05-05"])
    if cells["date_naissance"] == "naissance":
        cells["date_naissance"] = (
            vers(18) if rng.random() < 0.6 else vers(rng.randint(10, 40), rng.randint(-200, 200))
        )
    for _ in range(squelette.choice([0, 1, 1, 2, 3])):
        titre = [rng.choice(types), vers(squelette.choice([0, 1, 3, 5, 6]), rng.randint(-400, 400))]
        fin = squelette.choice(["", "proche", "loin"])
        if fin:
            titre.append(
                vers(0) if fin == "proche" else vers(squelette.choice([-2, 2]), rng.randint(-300, 300))
            )
            if squelette.random() < 0.2:
                titre.append(vers(-1, rng.randint(-30, 30)))
        cells["titres_sejour"] = ";".join(filter(None, [cells["titres_sejour"], ":".join(titre)]))
    if squelette.random() < 0.5:
        cells["protection_type"] = kind = squelette.choice(
            ["refugie", "protection_subsidiaire", "apatride", "temporaire"]
        )
        cells["protection_autorite"] = squelette.choice(
            ["", {"temporaire": "prefecture", "apatride": "OFPRA"}.get(kind, "CNDA")]
        )
        if squelette.random() < 0.9:
            cells["protection_date"] = vers(squelette.choice([0, 2, 5, 6]), rng.randint(-400, 400))
        if squelette.random() < 0.2:
            cells["protection_fin"], cells["protection_fin_motif"] = vers(0, rng.randint(-5, 5)), "retrait"
    if squelette.random() < 0.4:
        cells["demande_asile_depot"] = vers(squelette.choice([0, 1, 3]), rng.randint(-400, 400))
        if squelette.random() < 0.5:
            cells["demande_asile_decision"] = vers(0, rng.randint(-300, 300))
    if squelette.random() < 0.2:
        # A protection granted before or after the claim was filed: the order decides.
        cells["protection_type"], cells["protection_autorite"] = "refugie", squelette.choice(["OFPRA", ""])
        cells["protection_date"], cells["demande_asile_depot"] = (
            vers(2, rng.randint(-300, 300)),
            vers(2, rng.randint(-300, 300)),
        )
        cells["demande_asile_decision"] = cells["protection_fin"] = cells["protection_fin_motif"] = ""
    if squelette.random() < 0.3:
        cells["cir_signature"] = vers(squelette.choice([0, 5]), rng.randint(-5, 5))
    for key in (
        "demandeur_asile",
        "intention_installation",
        "sejour_irregulier",
        "residence_ukraine_24_02_2022",
    ):
        cells[key] = squelette.choice(["", "", "oui", "non", "non"])
    return cells


@pytest.mark.parametrize(
    ("jour", "depart"),
    [
        ("2024-11-01", "premier_titre"),
        ("2024-02-29", "premier_titre"),
        ("2025-02-28", "premier_titre"),
        ("2025-03-01", "premier_titre"),
        ("2024-11-01", "cir"),
        ("2025-03-01", "cir"),
    ],
)
def test_memos_without_reasons_give_what_a_fresh_evaluation_gives(
    tmp_path: Path, jour: str, depart: str
) -> None:
    """Thousands of persons with days on each side of every threshold of the day: the batch,
    whose memos key some days by their side of the thresholds, writes for each what an
    evaluation from scratch writes."""
    rng = random.Random(jour)
    day = date.fromisoformat(jour)
    rows = [_seuils_row(rng, i, day) for i in range(2500)] + [
        _squelette_row(rng, i, day) for i in range(3000)
    ]
    path = _csv(tmp_path / "p.csv", rows)
    regles._MEMOS.clear()
    lot = _lot(path, jour, depart=depart)
    assert lot == _une_a_une(path, _options(path, jour, depart=depart))
    verdicts = {json.loads(line)["verdict"] for line in lot.splitlines()}
    assert verdicts == {"eligible", "non_eligible", "indetermine", "erreur"}


def test_ids_are_written_as_the_json_encoder_writes_them() -> None:
    from ctai_cli.eligibility.batch import _JSON, _id_json

    for row_id in [None, "p1", "é à", 'a"b', "a\\b", "a\tb", "a\x7fb", "a\u2028b", "\U0001f600", "a\x1bb"]:
        assert _id_json(row_id) == _JSON(row_id)

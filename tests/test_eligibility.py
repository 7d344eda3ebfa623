"""ctai eligibility: rules from dated parameters, scenarios, JSON, actions of the Dax contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import DAX, ROOT

SCENARIOS = ROOT / "examples" / "eligibilite" / "scenarios.yaml"
BAD = yaml.safe_load((Path(__file__).parent / "cases_eligibilite.yaml").read_text(encoding="utf-8"))["cas"]

BPI_AGIR = """\
id: dossier-42
nationalite: AF
date_naissance: 1994-02-11
demande_asile: {depot: 2022-01-05}
protection: {type: refugie, autorite: OFPRA, date: 2023-05-10}
titres_sejour:
  - {type: carte_resident_refugie, debut: 2023-07-01}
intention_installation: true
suivi_agir: true
"""
BPT = """\
nationalite: UA
date_naissance: 1987-09-30
demandeur_asile: false
residence_ukraine_24_02_2022: true
protection: {type: temporaire, autorite: prefecture, date: 2022-04-01}
"""


def check(ctai, person: Path, *options: object):
    """``ctai eligibility check PERSON --date 2024-11-01 OPTIONS…`` (the Dax annexe covers 2024)."""
    return ctai("eligibility", "check", person, "--date", "2024-11-01", *options)


def write(tmp_path: Path, text: str, name: str = "personne.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_scenarios_pass_and_cover_every_rule(ctai) -> None:
    run = ctai("eligibility", "test", SCENARIOS)
    assert run.code == 0, run.out
    assert ", 0 échoué sur " in run.out and "(s)" not in run.out
    scenarios = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))["scenarios"]
    assert {s["regle"] for s in scenarios} == {"pays-tiers", "exclusions", "bpt", "bpi", "epa"}


def test_a_wrong_expectation_fails(ctai, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "scenarios:\n  - nom: faux\n    date: 2025-06-01\n    personne:\n      nationalite: MA\n"
        "      titres_sejour: [{type: salarie, debut: 2020-06-01, fin: 2026-05-31}]\n"
        "      intention_installation: true\n    attendu: {public: EPA, verdict: eligible}\n",
        "s.yaml",
    )
    run = ctai("eligibility", "test", path)
    assert run.code == 1
    assert f"✗ {path.as_posix()}:2 faux : verdict non_eligible, attendu eligible" in run.out


def test_json_output_for_a_bpi_followed_by_agir(ctai, tmp_path: Path, dax_copy: Path) -> None:
    # The example's fiches are silent on AGIR: every action is « à préciser » for this person.
    silencieux = check(ctai, write(tmp_path, BPI_AGIR), "--contrat", DAX, "--format", "json")
    assert {a["ouverte"] for a in json.loads(silencieux.out)["actions"]} == {None}
    run = check(ctai, write(tmp_path, BPI_AGIR), "--contrat", avec_agir(dax_copy), "--format", "json")
    assert run.code == 0
    out = json.loads(run.out)
    assert out["public"] == "BPI" and out["eligible"] is True and out["verdict"] == "eligible"
    assert out["faits_manquants"] == []
    assert {r["id"] for r in out["raisons"]} == {"pays-tiers", "exclusions", "bpt", "bpi"}
    assert all(r["reference"] and r["resultat"] in ("oui", "non", "inconnu") for r in out["raisons"])
    assert len(out["actions"]) == 12
    # Two fiches-actions do not say whether the AGIR public may join (article 5): a question for a
    # person followed by AGIR, never an open door on a guess.
    a_preciser = [a["id"] for a in out["actions"] if a["ouverte"] is None]
    assert a_preciser == ["copilotage", "parcours-integration"]
    assert all(a["ouverte"] for a in out["actions"] if a["id"] not in a_preciser)


def test_action_similar_to_agir_is_closed_to_a_person_followed_by_agir(
    ctai, tmp_path: Path, dax_copy: Path
) -> None:
    annexe = avec_agir(dax_copy) / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8").replace(
        OUVERTE_AGIR, "agir: {ouverte_public_agir: false, similaire_agir: true}", 1
    )
    annexe.write_text(text, encoding="utf-8")
    run = check(ctai, write(tmp_path, BPI_AGIR), "--contrat", dax_copy, "--format", "json")
    closed = [a for a in json.loads(run.out)["actions"] if a["ouverte"] is False]
    assert [a["id"] for a in closed] == ["pas-hopital"]
    assert "article 5" in closed[0]["raison"]
    # The same person not followed by AGIR may join it.
    run = check(
        ctai,
        write(tmp_path, BPI_AGIR.replace("suivi_agir: true", "suivi_agir: false")),
        "--contrat",
        dax_copy,
        "--format",
        "json",
    )
    assert all(a["ouverte"] for a in json.loads(run.out)["actions"])


def test_bpt_and_actions_that_do_not_target_bpt(ctai, tmp_path: Path, dax_copy: Path) -> None:
    annexe = dax_copy / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    start = text.index("  - id: fle-emploi")
    annexe.write_text(
        text[:start] + text[start:].replace("publics: [EPA, BPI, BPT]", "publics: [EPA, BPI]", 1),
        encoding="utf-8",
    )
    run = ctai("eligibility", "check", write(tmp_path, BPT), "--date", "2024-11-01", "--contrat", dax_copy)
    assert run.code == 0
    assert "ÉLIGIBLE : BPT" in run.out
    assert "fermée     axe 6  fle-emploi — public BPT non visé par l'action (publics : EPA, BPI)" in run.out
    assert "ouverte    axe 6  atelier-code-route" in run.out


def test_contract_narrowed_to_bpi_refuses_a_bpt(ctai, tmp_path: Path, dax_copy: Path) -> None:
    contrat = dax_copy / "contrat.yaml"
    contrat.write_text(
        contrat.read_text(encoding="utf-8").replace("publics: [EPA, BPI, BPT]", "publics: [BPI]"),
        encoding="utf-8",
    )
    run = check(ctai, write(tmp_path, BPT), "--contrat", dax_copy, "--format", "json")
    out = json.loads(run.out)
    assert out["eligible"] is False and out["public"] == "BPT"
    assert "non visé par ce contrat" in out["notes"][0]


def test_missing_facts_make_the_verdict_undetermined(ctai, tmp_path: Path) -> None:
    run = ctai(
        "eligibility",
        "check",
        write(tmp_path, "titres_sejour: [{type: salarie, debut: 2023-01-01}]\n"),
        "--date",
        "2024-01-01",
        "--format",
        "json",
    )
    out = json.loads(run.out)
    assert out["verdict"] == "indetermine" and out["eligible"] is None and out["public"] is None
    assert [f["fait"] for f in out["faits_manquants"]] == [
        "nationalite",
        "date_naissance",
        "titres_sejour.0.fin",
        "demandeur_asile",
        "intention_installation",
    ]


@pytest.mark.parametrize("case", BAD, ids=[c["titre"] for c in BAD])
def test_bad_person_files(ctai, tmp_path: Path, case: dict) -> None:
    path = write(tmp_path, case["personne"])
    run = ctai("eligibility", "check", path, "--date", "2024-01-01", "--format", "json")
    assert run.code == 2
    (diagnostic,) = json.loads(run.out)["diagnostics"]
    needle = case["a"]
    offset = max(needle.find("^"), 0)
    needle = needle.replace("^", "", 1)
    index = case["personne"].index(needle) + offset
    line = case["personne"].count("\n", 0, index) + 1
    col = index - (case["personne"].rfind("\n", 0, index) + 1) + 1
    assert (diagnostic["code"], diagnostic["line"], diagnostic["col"]) == (case["code"], line, col)
    assert case.get("conseil", "") in (diagnostic["hint"] or "")
    assert case.get("message", "") in diagnostic["message"]


def test_usage_errors(ctai, tmp_path: Path) -> None:
    assert ctai("eligibility", "check", tmp_path / "absent.yaml").code == 2
    person = write(tmp_path, BPT)
    assert ctai("eligibility", "check", person, "--format", "xml").code == 2
    assert ctai("eligibility", "check", person, "--contrat", tmp_path).code == 2


def test_every_parameter_value_has_a_reference() -> None:
    from ctai_cli.eligibility.parametres import charger

    params = charger()
    for name in params.names():
        series = params._series[name]
        assert all(v.reference for v in series), name
        assert [v.depuis for v in series] == sorted({v.depuis for v in series}), name


def test_parameter_lookup_by_date() -> None:
    from datetime import date

    from ctai_cli.eligibility.parametres import charger

    fin = charger()
    assert fin.at("bpt.fin_regime", date(2023, 10, 18)).valeur == date(2024, 3, 4)
    assert fin.at("bpt.fin_regime", date(2023, 10, 19)).valeur == date(2025, 3, 4)
    assert "GB" in fin.at("ue_eee_suisse", date(2020, 12, 31)).valeur
    assert "GB" not in fin.at("ue_eee_suisse", date(2021, 1, 1)).valeur


ROWS_CSV = """\
id,nationalite,date_naissance,titres_sejour,protection_type,protection_autorite,protection_date,demande_asile_depot,demandeur_asile,intention_installation,suivi_agir,residence_ukraine_24_02_2022
p1,AF,1994-02-11,carte_resident_refugie:2023-07-01:2033-06-30,refugie,OFPRA,2023-05-10,2022-01-05,,oui,oui,
p2,UA,1987-09-30,,temporaire,prefecture,2022-04-01,,non,,,oui
p3,MA,1990-03-15,salarie:2020-06-01:2024-05-31;salarie:2024-06-01:2028-05-31,,,,,non,oui,,
p4,XX,,,,,,,,,,
p5,,,salarie:2023-01-01,,,,,,,,
"""


def batch(ctai, rows: Path, *options: object):
    return ctai("eligibility", "check", "--batch", rows, "--date", "2024-11-01", *options)


def test_batch_csv_one_verdict_per_row_without_personal_data(ctai, tmp_path: Path) -> None:
    rows = write(tmp_path, ROWS_CSV, "personnes.csv")
    run = batch(ctai, rows, "--format", "json")
    assert run.code == 1  # one invalid row
    records = [json.loads(line) for line in run.out.splitlines()]
    assert [(r["id"], r["verdict"], r.get("public")) for r in records] == [
        ("p1", "eligible", "BPI"),
        ("p2", "eligible", "BPT"),
        ("p3", "eligible", "EPA"),
        ("p4", "erreur", None),
        ("p5", "indetermine", None),
    ]
    assert records[3]["erreur"] == {
        "code": "CTAI-E107",
        "champ": "nationalite.0",
        "message": "code pays inconnu : « nationalite.0 »",
    }
    assert records[4]["faits_manquants"] == [
        "nationalite",
        "date_naissance",
        "titres_sejour.0.fin",
        "demandeur_asile",
        "intention_installation",
    ]
    # Nothing personal is echoed: no nationality, no date, no raw value of the bad row.
    for needle in ("AF", "UA", "2023-05-10", "XX", "OFPRA"):
        assert needle not in run.out
    assert "lignes : 5, BPI : 1, BPT : 1, EPA : 1, erreur : 1, indéterminé : 1" in run.err


def test_batch_jsonl_with_reasons_written_atomically(ctai, tmp_path: Path) -> None:
    rows = write(
        tmp_path,
        '{"id": "a", "nationalite": "UA", "date_naissance": "1987-09-30", "demandeur_asile": false, '
        '"residence_ukraine_24_02_2022": true, "protection": {"type": "temporaire", "date": "2022-04-01"}}\n'
        "\n"
        '{"id": "b", "nationalite": ["MA", "SN"], "date_naissance": "1990-03-15", "demandeur_asile": false, '
        '"intention_installation": true, '
        '"titres_sejour": [{"type": "salarie", "debut": "2020-06-01", "fin": "2024-12-31"}]}\n',
        "personnes.jsonl",
    )
    output = tmp_path / "verdicts.jsonl"
    run = batch(ctai, rows, "--format", "json", "--output", output, "--avec-donnees")
    assert run.code == 0 and run.out == ""
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [r["public"] for r in records] == ["BPT", "EPA"]
    assert {r["id"] for r in records[0]["raisons"]} >= {"bpt", "pays-tiers"}
    before = output.read_text(encoding="utf-8")
    refused = batch(ctai, rows, "--output", output)
    assert refused.code == 2 and "--force" in refused.err
    assert output.read_text(encoding="utf-8") == before
    assert batch(ctai, rows, "--output", output, "--force").code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_batch_usage_errors(ctai, tmp_path: Path) -> None:
    person = write(tmp_path, BPT)
    assert check(ctai, person, "--batch", person).code == 2
    assert batch(ctai, person).code == 2  # .yaml is not a batch file
    assert check(ctai, person, "--output", tmp_path / "x.jsonl").code == 2


def test_facts_as_options_at_the_counter(ctai) -> None:
    run = ctai(
        "eligibility",
        "check",
        "--nationalite",
        "AF",
        "--naissance",
        "1994-02-11",
        "--protection",
        "refugie:OFPRA:2023-05-10",
        "--oui",
        "suivi_agir",
        "--date",
        "2024-11-01",
        "--contrat",
        DAX,
        "--format",
        "json",
    )
    assert run.code == 0
    out = json.loads(run.out)
    assert out["public"] == "BPI" and len(out["actions"]) == 12
    salarie = [
        "eligibility",
        "check",
        "--nationalite",
        "MA",
        "--naissance",
        "1990-03-15",
        "--titres",
        "salarie:2020-06-01:2024-05-31;salarie:2024-06-01:2028-05-31",
        "--non",
        "demandeur_asile",
        "--date",
        "2024-11-01",
    ]
    run = ctai(*salarie)
    assert "INDÉTERMINÉ" in run.out and "intention_installation" in run.out
    run = ctai(*salarie, "--oui", "intention_installation")
    assert "ÉLIGIBLE : EPA" in run.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--oui", "intention"], "vouliez-vous dire « intention_installation »"),
        (["--titres", "salarie"], "titres_sejour"),
        (["--nationalite", "XX"], "CTAI-E107"),
        ([], "fichier personne manquant"),
    ],
)
def test_bad_counter_options(ctai, args: list[str], message: str) -> None:
    run = ctai("eligibility", "check", *args)
    assert run.code == 2
    assert message in run.out + run.err
    assert "Traceback" not in run.err


# --- actions: never open on a guess (article 5 and undetermined eligibility) ---------------------


OUVERTE_AGIR = "agir: {ouverte_public_agir: true, similaire_agir: false}"


def avec_agir(dax: Path) -> Path:
    """The Dax example's fiches say nothing about AGIR (its source leaves that to a local
    convention): state it on a copy, open to the AGIR public, on every action but copilotage and
    parcours-integration (still silent)."""
    annexe = dax / "actions" / "2024.yaml"
    tete, *actions = annexe.read_text(encoding="utf-8").split("\n  - id: ")
    assert "agir:" not in "".join(actions)
    for i, action in enumerate(actions):
        if not action.startswith(("copilotage\n", "parcours-integration\n")):
            debut = action.index("\n    publics: ")
            fin = action.index("\n", debut + 1)
            actions[i] = action[:fin] + f"\n    {OUVERTE_AGIR}" + action[fin:]
    annexe.write_text("\n  - id: ".join([tete, *actions]), encoding="utf-8")
    return dax


def _agir(dax_copy: Path, nouveau: str) -> None:
    annexe = avec_agir(dax_copy) / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    assert OUVERTE_AGIR in text
    annexe.write_text(text.replace(OUVERTE_AGIR, nouveau, 1), encoding="utf-8")  # pas-hopital


def _actions(run) -> dict[str, dict]:
    return {a["id"]: a for a in json.loads(run.out)["actions"]}


def test_an_action_closed_to_the_agir_public_is_closed_even_if_not_similar(
    ctai, tmp_path: Path, dax_copy: Path
) -> None:
    _agir(dax_copy, "agir: {ouverte_public_agir: false, similaire_agir: false}")
    run = check(ctai, write(tmp_path, BPI_AGIR), "--contrat", dax_copy, "--format", "json")
    action = _actions(run)["pas-hopital"]
    assert (
        action["ouverte"] is False and action["raison"] == "non ouverte au public suivi par AGIR (article 5)"
    )


def test_an_unknown_agir_follow_up_is_asked_where_it_decides(ctai, tmp_path: Path, dax_copy: Path) -> None:
    _agir(dax_copy, "agir: {ouverte_public_agir: false, similaire_agir: true}")
    sans_suivi = "\n".join(line for line in BPI_AGIR.splitlines() if "suivi_agir" not in line) + "\n"
    run = check(ctai, write(tmp_path, sans_suivi), "--contrat", dax_copy, "--format", "json")
    out = json.loads(run.out)
    assert _actions(run)["pas-hopital"]["ouverte"] is None
    assert [f["fait"] for f in out["faits_manquants"]] == ["suivi_agir"]
    # Where AGIR changes nothing, the action stays open.
    assert _actions(run)["club-emploi"]["ouverte"] is True


def test_an_undetermined_person_gets_no_closed_action(ctai, tmp_path: Path) -> None:
    run = ctai(
        "eligibility",
        "check",
        "--date",
        "2025-06-01",
        "--contrat",
        DAX,
        "--titres",
        "salarie:2024-01-10:2027-01-09",
    )
    assert run.code == 0 and "INDÉTERMINÉ" in run.out
    assert "fermée" not in run.out and "personne non éligible" not in run.out
    assert "à préciser axe 5  club-emploi — à préciser : éligibilité indéterminée" in run.out


def test_a_refugee_card_implies_a_protection_that_is_asked_not_denied(ctai) -> None:
    run = ctai(
        "eligibility", "check", "--date", "2026-12-01", "--nationalite", "AF", "--naissance", "1990-01-01",
        "--titres", "carte_resident_refugie:2023-01-10:2033-01-09", "--format", "json",
    )  # fmt: skip
    out = json.loads(run.out)
    bpi = next(r for r in out["raisons"] if r["id"] == "bpi")
    assert bpi["resultat"] == "inconnu" and "délivrée après une décision de protection" in bpi["explication"]
    assert "R424-1" in bpi["reference"]
    assert out["verdict"] == "indetermine"
    assert "protection" in [f["fait"] for f in out["faits_manquants"]]


def test_where_agir_is_deployed_an_unknown_follow_up_is_asked_for_a_silent_fiche(
    ctai, tmp_path: Path, dax_copy: Path
) -> None:
    sans_suivi = "\n".join(line for line in BPI_AGIR.splitlines() if "suivi_agir" not in line) + "\n"
    run = check(ctai, write(tmp_path, sans_suivi), "--contrat", dax_copy, "--format", "json")
    out = json.loads(run.out)
    # copilotage's fiche says nothing about AGIR (article 5), and AGIR is deployed at Dax.
    assert _actions(run)["copilotage"]["ouverte"] is None
    assert [f["fait"] for f in out["faits_manquants"]] == ["suivi_agir"]
    # Without AGIR in the contract, nothing to ask: the action is open.
    contrat = dax_copy / "contrat.yaml"
    text = contrat.read_text(encoding="utf-8")
    debut = text.index("\nagir:\n")
    fin = text.index("\n\n", debut + 1)
    contrat.write_text(text[:debut] + text[fin:], encoding="utf-8")
    run = check(ctai, write(tmp_path, sans_suivi), "--contrat", dax_copy, "--format", "json")
    assert _actions(run)["copilotage"]["ouverte"] is True
    assert json.loads(run.out)["faits_manquants"] == []


def test_agir_follows_bpi_only_so_an_epa_is_not_asked(ctai, tmp_path: Path) -> None:
    """AGIR accompanies BPI: for an EPA whose AGIR follow-up is not given, a fiche silent on AGIR is
    open (the example's fiches are silent and AGIR is deployed at Dax)."""
    run = ctai(
        "eligibility", "check", "--date", "2024-11-01", "--nationalite", "MA", "--naissance", "1990-01-01",
        "--titres", "salarie:2023-06-01:2027-05-31", "--non", "demandeur_asile",
        "--oui", "intention_installation", "--contrat", DAX, "--format", "json",
    )  # fmt: skip
    out = json.loads(run.out)
    assert out["public"] == "EPA" and out["eligible"] is True
    assert {a["ouverte"] for a in out["actions"]} == {True}
    assert "suivi_agir" not in [f["fait"] for f in out["faits_manquants"]]


def test_an_agir_opening_non_precise_is_a_question_and_printed_as_such(
    ctai, tmp_path: Path, dax_copy: Path
) -> None:
    _agir(dax_copy, "agir: {ouverte_public_agir: non précisé}")
    run = check(ctai, write(tmp_path, BPI_AGIR), "--contrat", dax_copy, "--format", "json")
    assert _actions(run)["pas-hopital"]["ouverte"] is None
    assert "ne dit pas si elle est ouverte" in _actions(run)["pas-hopital"]["raison"]
    fiche = ctai("fiche", "render", dax_copy, "--annee", "2024")
    assert fiche.code == 0, fiche.err
    assert "Articulation avec AGIR : ouverture au public suivi par AGIR non précisée." in fiche.out
    assert (
        fiche.out.count("Articulation avec AGIR") == 10
    )  # the 9 others stated open, copied from OUVERTE_AGIR


def test_a_future_date_after_the_known_end_of_temporary_protection_says_it_may_change(ctai) -> None:
    """The end date is the last one decided: for a date still to come, « non » says so (never a fact
    of that day); a past date does not."""
    args = ["eligibility", "check", "--nationalite", "UA", "--naissance", "1985-05-01", "--titres",
            "aps_protection_temporaire:2024-04-01:2040-09-04", "--non", "demandeur_asile",
            "--oui", "intention_installation"]  # fmt: skip
    futur = ctai(*args, "--date", "2040-01-01")
    (bpt,) = [line for line in futur.out.splitlines() if line.startswith("  ✗ bpt")]
    assert "d'après les textes connus au " in bpt and "prorogation" in bpt
    passe = ctai(*[a.replace("2024-04-01", "2021-01-01") for a in args], "--date", "2021-06-01")
    (bpt,) = [line for line in passe.out.splitlines() if line.startswith("  ✗ bpt")]
    assert "textes connus" not in bpt

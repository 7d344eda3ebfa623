"""Review 19: eligibility used as a caseworker would (APS-BPT, earlier titres, Britons,
messages in French), through the real CLI on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_eligibility_droit import check, raison

UKRAINIENNE = ["--nationalite", "UA", "--naissance", "1985-05-01", "--non", "demandeur_asile"]
APS_VALIDE = "aps_protection_temporaire:2024-04-01:2025-03-04"
APS_EXPIREE = "aps_protection_temporaire:2024-04-01:2024-10-01"


def _check(ctai, *args: str, date_: str = "2024-11-01") -> dict:
    return check(ctai, *args, date_=date_)


_raison = raison


def test_a_valid_aps_bpt_proves_the_temporary_protection(ctai) -> None:
    """CESEDA L581-3: the APS « bénéficiaire de la protection temporaire » is issued to the
    beneficiary and renewed until the protection ends: valid on the day, it proves it."""
    out = _check(ctai, *UKRAINIENNE, "--titres", APS_VALIDE, "--oui", "intention_installation")
    assert (out["verdict"], out["public"]) == ("eligible", "BPT")
    bpt = _raison(out, "bpt")
    assert bpt["resultat"] == "oui"
    assert "accordée au plus tard le 1er avril 2024 (déduit du titre)" in bpt["explication"]
    assert "L581-3" in bpt["reference"]
    assert bpt["faits"] == [{"fait": "protection", "origine": "deduit", "source": "titres_sejour.0"}]


def test_an_expired_aps_bpt_asks_for_the_protection_never_no(ctai) -> None:
    out = _check(ctai, *UKRAINIENNE, "--titres", APS_EXPIREE, "--oui", "intention_installation")
    assert out["verdict"] == "indetermine"
    assert _raison(out, "bpt")["resultat"] == "inconnu"
    assert "protection" in [f["fait"] for f in out["faits_manquants"]]


def test_an_aps_bpt_outside_the_regime_is_not_bpt(ctai) -> None:
    """The regime's dates are still checked: before 4 March 2022 there was none."""
    out = _check(
        ctai, *UKRAINIENNE, "--titres", "aps_protection_temporaire:2021-04-01:2022-10-01", date_="2021-06-01"
    )
    assert _raison(out, "bpt")["resultat"] == "non"


def test_the_batch_gives_the_same_aps_bpt_verdicts(ctai, tmp_path: Path) -> None:
    path = tmp_path / "aps.csv"
    path.write_text(
        "id,nationalite,date_naissance,titres_sejour,demandeur_asile,intention_installation\n"
        f"a1,UA,1985-05-01,{APS_VALIDE},non,oui\n"
        f"a2,UA,1985-05-01,{APS_EXPIREE},non,oui\n",
        encoding="utf-8",
    )
    run = ctai("eligibility", "check", "--batch", str(path), "--date", "2024-11-01", "--format", "json")
    lignes = [json.loads(line) for line in run.out.splitlines() if line.startswith("{")]
    assert [(ligne["verdict"], ligne["public"]) for ligne in lignes] == [
        ("eligible", "BPT"),
        ("indetermine", None),
    ]
    assert "protection" in lignes[1]["faits_manquants"]


SALARIE = ["--nationalite", "MA", "--naissance", "1980-01-01", "--non", "demandeur_asile"]
SALARIE += ["--oui", "intention_installation"]


def test_unknown_earlier_titres_make_the_first_titre_a_question(ctai) -> None:
    titres = ["--titres", "salarie:2021-03-01:2026-02-28"]
    out = _check(ctai, *SALARIE, *titres, "--oui", "titres_anterieurs_inconnus", date_="2021-06-01")
    assert out["verdict"] == "indetermine"
    (question,) = [f for f in out["faits_manquants"] if f["fait"] == "titres_anterieurs_inconnus"]
    assert "avant celui du 1er mars 2021" in question["question"]
    assert "premier titre de séjour connu" in _raison(out, "epa")["explication"]
    # Said complete, the list decides as before.
    out = _check(ctai, *SALARIE, *titres, "--non", "titres_anterieurs_inconnus", date_="2021-06-01")
    assert (out["verdict"], out["public"]) == ("eligible", "EPA")


def test_unknown_earlier_titres_cannot_shorten_a_stay_already_five_years_long(ctai) -> None:
    titres = ["--titres", "salarie:2015-03-01:2026-02-28"]
    out = _check(ctai, *SALARIE, *titres, "--oui", "titres_anterieurs_inconnus", date_="2021-06-01")
    assert out["verdict"] == "non_eligible"


def test_the_batch_reads_the_earlier_titres_column(ctai, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "id,nationalite,date_naissance,titres_sejour,demandeur_asile,intention_installation,"
        "titres_anterieurs_inconnus\n"
        "b1,MA,1980-01-01,salarie:2021-03-01:2026-02-28,non,oui,oui\n"
        "b2,MA,1980-01-01,salarie:2021-03-01:2026-02-28,non,oui,non\n",
        encoding="utf-8",
    )
    run = ctai("eligibility", "check", "--batch", str(path), "--date", "2021-06-01", "--format", "json")
    lignes = [json.loads(line) for line in run.out.splitlines() if line.startswith("{")]
    assert [ligne["verdict"] for ligne in lignes] == ["indetermine", "eligible"]
    assert lignes[0]["faits_manquants"] == ["titres_anterieurs_inconnus"]


def test_an_invalid_option_names_its_option_and_field(ctai) -> None:
    run = ctai("eligibility", "check", "--nationalite", "MA", "--titres", "salarie::2026-01-01")
    assert run.code == 2
    assert "option --titres, titre 1, debut: erreur CTAI-E104" in run.out
    run = ctai("eligibility", "check", "--naissance", "15/03/1990")
    assert "option --naissance: erreur CTAI-E104" in run.out


def test_a_failed_scenario_says_aucun_public_not_none(ctai, tmp_path: Path) -> None:
    path = tmp_path / "sc.yaml"
    path.write_text(
        "scenarios:\n"
        "- nom: étudiant\n"
        "  date: 2024-11-01\n"
        "  personne:\n"
        "    nationalite: CN\n"
        "    date_naissance: 2000-03-01\n"
        "    demandeur_asile: false\n"
        "    intention_installation: true\n"
        "    titres_sejour: [{type: etudiant, debut: 2022-09-01, fin: 2025-08-31}]\n"
        "  attendu: {public: EPA, verdict: eligible}\n",
        encoding="utf-8",
    )
    run = ctai("eligibility", "test", str(path))
    assert "public aucun, attendu EPA" in run.out
    assert "None" not in run.out


def test_an_input_error_footer_counts_no_files_nor_contracts(ctai, tmp_path: Path) -> None:
    run = ctai("eligibility", "check", "--naissance", "15/03/1990")
    assert run.out.rstrip().endswith("1 erreur, 0 avertissement")
    path = tmp_path / "sc.yaml"
    path.write_text(
        "scenarios:\n- nom: x\n  date: 2024-13-01\n  personne: {}\n  attendu: {verdict: eligible}\n"
    )
    run = ctai("eligibility", "test", str(path))
    assert run.code == 2 and "contrat" not in run.out


def test_jsonl_errors_say_json_invalide_without_a_pseudo_field(ctai, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('not json\n["a"]\n', encoding="utf-8")
    run = ctai("eligibility", "check", "--batch", str(path), "--date", "2024-11-01")
    assert "ligne 1\terreur CTAI-E005 : JSON invalide (illisible à la colonne 1)" in run.out
    assert "ligne 2\terreur CTAI-E013 : objet JSON attendu (une personne par ligne)\n" in run.out
    assert "« json »" not in run.out


def test_an_unknown_titre_type_gets_no_suggestion_of_another_legal_meaning(ctai) -> None:
    run = ctai("eligibility", "check", "--titres", "certificat_residence:2020-01-01")
    assert run.code == 2
    assert "carte_resident »" not in run.out and "choisissez l'un des types possibles" in run.out
    run = ctai("eligibility", "check", "--titres", "salarié:2020-01-01")
    assert "vouliez-vous dire « salarie » ?" in run.out


def test_batch_text_output_speaks_french_and_json_keeps_the_codes(ctai, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "id,nationalite,date_naissance,titres_sejour,demandeur_asile,intention_installation\n"
        f"a1,UA,1985-05-01,{APS_VALIDE},non,oui\n"
        "a2,FR,,,,\n"
        "a3,MA,,,,\n",
        encoding="utf-8",
    )
    run = ctai("eligibility", "check", "--batch", str(path), "--date", "2024-11-01")
    assert run.out.splitlines()[0] == "a1\tligne 2\tÉLIGIBLE : BPT"
    assert run.out.splitlines()[1] == "a2\tligne 3\tNON ÉLIGIBLE"
    assert run.out.splitlines()[2].startswith("a3\tligne 4\tINDÉTERMINÉ — manque : ")
    assert "lignes : 3, BPT : 1, indéterminé : 1, non éligible : 1" in run.err
    run = ctai("eligibility", "check", "--batch", str(path), "--date", "2024-11-01", "--format", "json")
    assert [json.loads(line)["verdict"] for line in run.out.splitlines()] == [
        "eligible",
        "non_eligible",
        "indetermine",
    ]


BRITANNIQUE = ["--nationalite", "GB", "--naissance", "1970-01-01", "--non", "demandeur_asile"]
BRITANNIQUE += ["--oui", "intention_installation"]


def test_a_briton_with_the_withdrawal_agreement_card_is_not_a_newcomer_on_a_guess(ctai) -> None:
    """A Briton resident since 2010 holds, from 2021, the card of the Withdrawal Agreement
    (art. 18): issued after earlier residence, it does not start the 5 years on its own."""
    titres = ["--titres", "accord_retrait_royaume_uni:2021-10-01:2031-09-30"]
    out = _check(ctai, *BRITANNIQUE, *titres, date_="2022-06-01")
    assert out["verdict"] == "indetermine"
    assert _raison(out, "epa")["resultat"] == "inconnu"
    assert "Accord de retrait du Royaume-Uni, art. 18" in _raison(out, "epa")["reference"]
    assert [f["fait"] for f in out["faits_manquants"]] == ["titres_sejour"]
    # Five years after the card, whatever came before, the stay is five years long.
    out = _check(ctai, *BRITANNIQUE, *titres, date_="2026-10-01")
    assert out["verdict"] == "non_eligible"


ENTETE = "id,nationalite,date_naissance,titres_sejour,demandeur_asile,intention_installation\n"


def _lot(ctai, path: Path, *args: str):
    return ctai("eligibility", "check", "--batch", str(path), "--date", "2024-11-01", *args)


def test_a_semicolon_csv_is_refused_naming_the_separator(ctai, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + ENTETE.replace(",", ";") + "d1;MA;1990-03-15;;non;oui\n", encoding="utf-8")
    run = _lot(ctai, path)
    assert run.code == 2
    assert "séparateur « ; »" in run.err and "séparé par des virgules" in run.err
    assert "aucune colonne connue" not in run.err


def test_a_windows_1252_csv_is_told_to_be_saved_as_csv_utf8(ctai, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes((ENTETE + "d1,MA,1990-03-15,,non,oui\nd2,MA,,,,\n").encode() + "é\n".encode("cp1252"))
    run = _lot(ctai, path)
    assert run.code == 2 and "enregistrez-le au format « CSV UTF-8" in run.err


def test_header_problems_are_named_in_text_output(ctai, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(ENTETE.replace("nationalite", "Nationalité").rstrip("\n") + ",,\n", encoding="utf-8")
    run = _lot(ctai, path)
    assert run.code == 2
    assert "« Nationalité » (vouliez-vous dire « nationalite » ?)" in run.err
    assert "colonne(s) sans nom n° 7, 8" in run.err


def test_blank_and_short_rows(ctai, tmp_path: Path) -> None:
    """A row of commas only (Excel) is an empty line; a row shorter than the header, a cut export."""
    path = tmp_path / "p.csv"
    path.write_text(ENTETE + ",,,,,\n , ,,,,\nd1,MA,1990-03-15\nd2,FR,,,,\n", encoding="utf-8")
    run = _lot(ctai, path)
    assert run.out.splitlines() == [
        "-\tligne 4\terreur CTAI-E102 : moins de cellules que de colonnes dans l'en-tête (ligne coupée ?)",
        "d2\tligne 5\tNON ÉLIGIBLE",
    ]
    assert "lignes : 2," in run.err
    # The same through the csv module (a quoted cell makes the file not plain).
    path.write_text(ENTETE + ',,,,,\n"d0",FR,,,,\nd1,MA,1990-03-15\n', encoding="utf-8")
    run = _lot(ctai, path)
    assert run.out.splitlines() == [
        "d0\tligne 3\tNON ÉLIGIBLE",
        "-\tligne 4\terreur CTAI-E102 : moins de cellules que de colonnes dans l'en-tête (ligne coupée ?)",
    ]


def test_row_errors_name_the_expected_date_format_and_allowed_values(ctai, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "id,date_naissance,protection_type,protection_autorite\nd1,15/03/1990,,\nd2,,refugie,préfecture\n",
        encoding="utf-8",
    )
    run = _lot(ctai, path)
    assert "date invalide : « date_naissance » (format attendu AAAA-MM-JJ, ex. 2024-10-17)" in run.out
    assert "« protection.autorite » (valeurs possibles : OFPRA, CNDA, prefecture)" in run.out
    assert "15/03/1990" not in run.out and "préfecture" not in run.out


DAX = Path(__file__).resolve().parent.parent / "examples" / "dax-2024-2026"
REFUGIE = ["--nationalite", "AF", "--naissance", "1990-01-01", "--protection", "refugie:OFPRA:2023-05-10"]


def test_contract_notes_say_the_period_and_the_previous_contract(ctai) -> None:
    out = _check(ctai, *REFUGIE, "--contrat", str(DAX), date_="2028-03-01")
    assert out["actions"] == []
    assert out["notes"] == ["2028 hors de la période du contrat 2024-2026 : actions non listées"]
    out = _check(ctai, *REFUGIE, "--contrat", str(DAX), date_="2023-06-01")
    assert out["actions"]
    assert any("actions du contrat précédent" in note for note in out["notes"])
    run = ctai("eligibility", "check", *REFUGIE, "--contrat", str(DAX), "--date", "2023-06-01")
    assert "Note : 2023 hors de la période du contrat 2024-2026 : actions du contrat précédent" in run.out
    # Within the period, a year without annexe says so in JSON as in text.
    out = _check(ctai, *REFUGIE, "--contrat", str(DAX), date_="2026-06-01")
    assert out["notes"] == ["aucune annexe valide pour 2026 (actions/2026.yaml) : actions non listées"]


def test_a_duplicate_id_gets_a_warning(ctai, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(ENTETE + "d1,FR,,,,\nd2,FR,,,,\n,FR,,,,\n,FR,,,,\nd1,MA,,,,\n", encoding="utf-8")
    for fmt in ("text", "json"):
        run = _lot(ctai, path, "--format", fmt)
        assert run.code == 0
        assert "Attention : 1 identifiant sur plusieurs lignes (d1)" in run.err, fmt
    path.write_text(ENTETE + "d1,FR,,,,\nd2,FR,,,,\n", encoding="utf-8")
    assert "Attention" not in _lot(ctai, path).err


@pytest.mark.parametrize(("fmt", "avec_donnees"), [("text", False), ("json", False), ("json", True)])
def test_duplicate_ids_are_found_across_packets_and_workers(
    tmp_path: Path, fmt: str, avec_donnees: bool
) -> None:
    import io
    from datetime import date

    from ctai_cli.eligibility.batch import PAQUET, traiter

    path = tmp_path / "p.jsonl"
    ids = [f"p{i}" for i in range(2 * PAQUET + 10)] + ["p3", "p2000", 'a"b', 'a"b']
    path.write_text("".join(json.dumps({"id": i, "nationalite": "FR"}) + "\n" for i in ids), encoding="utf-8")
    for processus in (1, 2):
        resume = traiter(
            path,
            date(2024, 11, 1),
            io.StringIO(),
            fmt=fmt,
            depart="premier_titre",
            avec_donnees=avec_donnees,
            processus=processus,
        )
        # As the output writes them (JSON strings in JSON).
        attendus = ['"p3"', '"p2000"', '"a\\"b"'] if fmt == "json" else ["p3", "p2000", 'a"b']
        assert list(resume.doublons) == attendus

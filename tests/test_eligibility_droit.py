"""Issue 12: eligibility held to the law — no guessed fact, no wrong ÉLIGIBLE.

Each case of the issue, through the real CLI; the law's parameters as data; the scenario
runner strict on missing facts; the README's sample equal to what the command prints.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import ROOT

ADULTE = ["--naissance", "1990-03-15", "--non", "demandeur_asile"]


def check(ctai, *args: str, date_: str = "2025-06-01") -> dict:
    run = ctai("eligibility", "check", *args, "--date", date_, "--format", "json")
    assert run.code == 0, run.out + run.err
    return json.loads(run.out)


def raison(out: dict, rule: str) -> dict:
    (found,) = [r for r in out["raisons"] if r["id"] == rule]
    return found


def test_an_expired_qualifying_titre_does_not_make_an_epa(ctai) -> None:
    out = check(
        ctai,
        "--nationalite",
        "MA",
        "--titres",
        "salarie:2022-01-01:2023-01-01;visiteur:2023-01-02:2026-01-01",
        "--oui",
        "intention_installation",
        *ADULTE,
    )
    assert out["verdict"] == "non_eligible"
    assert "titre en cours : carte de séjour « visiteur »" in raison(out, "epa")["explication"]


def test_a_recepisse_keeps_the_titre_valid(ctai) -> None:
    args = ["--nationalite", "MA", "--titres", "salarie:2022-01-01:2023-01-01:2023-04-01", *ADULTE]
    out = check(ctai, *args, "--oui", "intention_installation", date_="2023-04-01")
    assert out["public"] == "EPA"
    assert (
        "récépissé de demande de renouvellement valable jusqu'au 1er avril 2023"
        in raison(out, "epa")["explication"]
    )
    out = check(ctai, *args, "--oui", "intention_installation", date_="2023-04-02")
    assert out["verdict"] == "indetermine" and [f["fait"] for f in out["faits_manquants"]] == [
        "titres_sejour"
    ]


def test_exclusions_are_never_guessed(ctai) -> None:
    out = check(
        ctai,
        "--nationalite",
        "MA",
        "--titres",
        "salarie:2023-06-01:2027-05-31",
        "--oui",
        "intention_installation",
    )
    exclusions = raison(out, "exclusions")
    assert exclusions["resultat"] == "inconnu"
    assert "ni mineur" not in exclusions["explication"]
    assert [f["fait"] for f in out["faits_manquants"]] == ["date_naissance", "demandeur_asile"]
    # Irregular stay is implied by the valid titre, and says so.
    assert (
        "en séjour régulier : carte de séjour « salarié » valable jusqu'au 31 mai 2027 (déduit du titre donné)"
        in (exclusions["explication"])
    )
    assert {"fait": "sejour_irregulier", "origine": "deduit", "source": "titres_sejour.0"} in exclusions[
        "faits"
    ]


def test_each_fact_says_how_it_is_known(ctai) -> None:
    out = check(
        ctai,
        "--nationalite",
        "AF",
        "--naissance",
        "1994-02-11",
        "--protection",
        "refugie:OFPRA:2023-05-10",
        "--demande-asile",
        "2022-01-05",
    )
    assert out["public"] == "BPI"
    assert raison(out, "pays-tiers")["faits"] == [{"fait": "nationalite", "origine": "donne"}]
    faits = raison(out, "exclusions")["faits"]
    assert {"fait": "mineur_non_accompagne", "origine": "deduit", "source": "date_naissance"} in faits
    assert {"fait": "demandeur_asile", "origine": "deduit", "source": "protection"} in faits
    assert "Code civil, art. 414" in raison(out, "exclusions")["reference"]


@pytest.mark.parametrize(
    ("nationalites", "verdict"),
    [("IT;MA", "non_eligible"), ("FR;DZ", "non_eligible"), ("MA;SN", "eligible")],
)
def test_dual_nationality(ctai, nationalites: str, verdict: str) -> None:
    out = check(
        ctai,
        "--nationalite",
        nationalites,
        "--titres",
        "salarie:2023-06-01:2027-05-31",
        "--oui",
        "intention_installation",
        *ADULTE,
    )
    assert out["verdict"] == verdict


def test_an_ended_protection_is_no_longer_bpi(ctai, tmp_path: Path) -> None:
    person = tmp_path / "p.yaml"
    person.write_text(
        "nationalite: AF\ndate_naissance: 1990-03-15\n"
        "protection: {type: refugie, autorite: OFPRA, date: 2023-05-10, fin: {date: 2025-03-01, motif: retrait}}\n"
        "titres_sejour: [{type: carte_resident_refugie, debut: 2023-07-01, fin: 2033-06-30}]\n"
        "intention_installation: true\n",
        encoding="utf-8",
    )
    run = ctai("eligibility", "check", person, "--date", "2025-03-01")
    assert "INDÉTERMINÉ" in run.out
    assert "fin de la protection le 1er mars 2025 (retrait) (donné) : n'est plus protégé" in run.out
    assert "titres_sejour : La protection a pris fin le 1er mars 2025" in run.out


@pytest.mark.parametrize(
    ("titre", "verdict"),
    [
        ("passeport_talent:2023-03-01:2027-02-28", "non_eligible"),
        ("carte_resident:2023-01-01:2032-12-31", "indetermine"),
        ("carte_resident_famille_refugie:2023-09-01:2033-08-31", "eligible"),
    ],
)
def test_titres_classified_by_the_cited_articles(ctai, titre: str, verdict: str) -> None:
    out = check(ctai, "--nationalite", "MA", "--titres", titre, "--oui", "intention_installation", *ADULTE)
    assert out["verdict"] == verdict


def test_the_clock_counts_regular_stay_and_says_what_it_counted(ctai) -> None:
    out = check(
        ctai,
        "--nationalite",
        "SN",
        "--titres",
        "etudiant:2012-09-01:2022-08-31;salarie:2022-09-01:2026-08-31",
        "--oui",
        "intention_installation",
        *ADULTE,
    )
    assert out["verdict"] == "non_eligible"
    assert raison(out, "epa")["explication"] == (
        "séjour régulier compté du 1er septembre 2012, premier titre de séjour (etudiant, donné) : "
        "5 ans révolus le 1er septembre 2017"
    )


@pytest.mark.parametrize(
    ("protection", "message"),
    [
        (
            "{type: refugie, autorite: prefecture, date: 2023-05-10}",
            "« refugie » n'est pas reconnu par « prefecture »",
        ),
        (
            "{type: apatride, autorite: CNDA, date: 2023-05-10}",
            "« apatride » n'est pas reconnu par « CNDA » : OFPRA",
        ),
        (
            "{type: temporaire, autorite: OFPRA, date: 2023-05-10}",
            "« temporaire » n'est pas reconnu par « OFPRA »",
        ),
        (
            "{type: refugie, date: 2023-05-10, fin: {date: 2024-01-01}}",
            "champ obligatoire manquant : « motif »",
        ),
    ],
)
def test_impossible_protections_are_refused(ctai, tmp_path: Path, protection: str, message: str) -> None:
    person = tmp_path / "p.yaml"
    person.write_text(f"nationalite: AF\nprotection: {protection}\n", encoding="utf-8")
    run = ctai("eligibility", "check", person, "--format", "json")
    assert run.code == 2
    (diagnostic,) = json.loads(run.out)["diagnostics"]
    assert message in diagnostic["message"] and diagnostic["line"] == 2


@pytest.mark.parametrize(
    ("nationalite", "message"),
    [("[MA, MA]", "nationalité en double"), ("[apatride, MA]", "« apatride » exclut"), ("[]", "au moins 1")],
)
def test_bad_nationality_lists(ctai, tmp_path: Path, nationalite: str, message: str) -> None:
    person = tmp_path / "p.yaml"
    person.write_text(f"nationalite: {nationalite}\n", encoding="utf-8")
    run = ctai("eligibility", "check", person, "--format", "json")
    assert run.code == 2 and message in run.out


# --- parameters ---------------------------------------------------------------------
def test_a_parameter_before_its_first_date_is_not_covered() -> None:
    from ctai_cli.eligibility.parametres import HorsPeriode, charger

    params = charger()
    with pytest.raises(HorsPeriode) as raised:
        params.at("bpt.fin_regime", date(2022, 3, 3))
    assert raised.value.premiere.depuis == date(2022, 3, 4)
    assert params.at("bpt.debut_regime", date(2022, 3, 3)).valeur is None  # the law: no regime yet


def test_not_covered_is_an_outcome_of_its_own(ctai) -> None:
    out = check(ctai, "--nationalite", "MA", "--titres", "salarie:2015-06-01:2016-05-31", date_="2015-12-31")
    assert out["verdict"] == "non_couvert" and out["eligible"] is None and out["faits_manquants"] == []
    assert "commence le 1er janvier 2016" in raison(out, "parametres")["explication"]


def test_every_titre_type_has_a_motive_a_label_and_an_article() -> None:
    from ctai_cli.eligibility.parametres import charger

    for value in charger().valeurs("titres.types"):
        for name, spec in value.valeur.items():
            assert spec["motif"] in {
                "famille",
                "travail",
                "protection",
                "residence",
                "accord_retrait",
                "exclu",
                "protection_temporaire",
                "a_preciser",
            }, name
            assert spec["libelle"] and spec["article"], name
            assert set(spec) <= {"motif", "libelle", "article", "apres_sejour", "suppose_protection"}, name


def test_the_end_of_temporary_protection_cites_the_council_decision() -> None:
    from ctai_cli.eligibility.parametres import charger

    value = charger().at("bpt.fin_regime", date(2025, 7, 15))
    assert value.valeur == date(2027, 3, 4)
    assert "2025/1460" in value.reference and "COM(2025) 650" in value.reference
    assert charger().at("bpt.fin_regime", date(2025, 7, 14)).valeur == date(2026, 3, 4)


# --- scenarios -------------------------------------------------------------------------
def test_the_runner_fails_on_an_unexpected_missing_fact(ctai, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "scenarios:\n  - nom: incomplet\n    date: 2024-01-01\n    personne:\n      nationalite: MA\n"
        "      titres_sejour: [{type: salarie, debut: 2023-06-01, fin: 2027-05-31}]\n"
        "      intention_installation: true\n"
        "    attendu: {public: null, verdict: indetermine, faits_manquants: [date_naissance]}\n",
        encoding="utf-8",
    )
    run = ctai("eligibility", "test", path)
    assert run.code == 1
    assert "faits manquants inattendus : demandeur_asile" in run.out


def test_scenarios_cover_each_case_of_the_issue() -> None:
    import yaml

    scenarios = yaml.safe_load(
        (ROOT / "examples" / "eligibilite" / "scenarios.yaml").read_text(encoding="utf-8")
    )
    names = " | ".join(s["nom"] for s in scenarios["scenarios"])
    for needle in (
        "visiteur",
        "récépissé",
        "âge non renseigné",
        "Italo-Marocain",
        "Franco-Algérien",
        "retrait",
        "fin de sa protection",
        "passeport talent",
        "carte de résident seule",
        "réunification familiale",
        "unité de famille",
        "13 ans de séjour régulier",
        "non couvert",
        "31 décembre 9999",
    ):
        assert needle in names, needle


# --- documentation ---------------------------------------------------------------------
def test_the_readme_sample_is_what_the_command_prints(ctai, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Éligibilité d'une personne") :]
    person = re.search(r"```yaml\n(# personne\.yaml.*?)```", section, re.DOTALL)
    sample = re.search(
        r"```text\n\$ (ctai eligibility check personne\.yaml[^\n]*)\n(.*?)```", section, re.DOTALL
    )
    assert person and sample
    (tmp_path / "personne.yaml").write_text(person.group(1), encoding="utf-8")
    args = sample.group(1).split()[1:]
    run = ctai(*[tmp_path / a if a == "personne.yaml" else a for a in args])
    assert run.code == 0
    assert run.out == sample.group(2)


def test_the_person_file_documentation_lists_every_key_and_titre_type() -> None:
    from ctai_cli.eligibility.batch import CSV_COLUMNS
    from ctai_cli.eligibility.parametres import charger
    from ctai_cli.eligibility.personne import Personne, Protection, TitreSejour

    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 10. Éligibilité : le fichier personne") :]
    for model in (Personne, TitreSejour, Protection):
        for key in model.model_fields:
            assert f"| `{key}` |" in section, key
    for value in charger().valeurs("titres.types"):
        for name in value.valeur:
            assert f"| `{name}` |" in section, name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for column in CSV_COLUMNS:
        assert f"`{column}`" in readme + section, column


def test_counter_options_pack_the_end_of_a_protection_and_the_asylum_decision(ctai) -> None:
    out = check(
        ctai,
        "--nationalite",
        "AF",
        "--naissance",
        "1990-01-01",
        "--protection",
        "refugie:OFPRA:2023-05-10:2025-03-01:retrait",
        date_="2025-02-28",
    )
    assert out["public"] == "BPI"
    out = check(
        ctai,
        "--nationalite",
        "CD",
        "--naissance",
        "1990-01-01",
        "--demande-asile",
        "2023-01-05:2024-06-01",
        "--titres",
        "vie_privee_familiale_autre:2024-06-01:2025-05-31",
        "--oui",
        "intention_installation",
        date_="2024-06-01",
    )
    assert out["public"] == "EPA"
    assert (
        "demande d'asile du 5 janvier 2023 tranchée le 1er juin 2024"
        in raison(out, "exclusions")["explication"]
    )
    run = ctai(
        "eligibility", "check", "--nationalite", "AF", "--protection", "refugie:OFPRA:2023-05-10:2025-03-01"
    )
    assert run.code == 2 and "« motif »" in run.out

"""The French wording module: golden cases (CTAI_UPDATE_GOLDEN=1 rewrites tests/golden/francais.txt;
review the diff) and the rules that must hold for every département."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ctai_cli import francais as fr
from ctai_cli.documents.contexte import DocumentContrat, designation, ligne_partie
from ctai_cli.models import Contrat

GOLDEN = Path(__file__).parent / "golden" / "francais.txt"
UPDATE = os.environ.get("CTAI_UPDATE_GOLDEN") == "1"

TERRITOIRES = [
    ("Dax", "40"),
    ("Angers", "49"),
    ("Le Mans", "72"),
    ("Les Sables-d'Olonne", "85"),
    ("La Rochelle", "17"),
    ("Hérouville-Saint-Clair", "14"),
    ("Haute-Goulaine", "44"),
    ("Rennes Métropole", "35"),
    ("Puy-de-Dôme", "63"),
    ("puy de dome", "63"),
    ("Landes", "40"),
    ("Ille-et-Vilaine", "35"),
    ("Hautes-Alpes", "05"),
    ("Haute-Garonne", "31"),
    ("Territoire de Belfort", "90"),
    ("Mayotte", "976"),
    ("La Réunion", "974"),
    ("Paris", "75"),
    ("Gironde", "2A"),  # another département's name than the code: still its own article
    ("Isère", "38"),  # « de » + « l' » never contracts: « de l'Isère », not « d'Isère »
    ("Ain", "01"),
    ("Essonne", "91"),
    ("Hérault", "34"),
]

ETAT = {"role": "etat", "nom": "État", "type": "prefecture"}


def _contrat(parties: list[dict], debut: int = 2020, fin: int = 2022) -> Contrat:
    return Contrat.model_validate(
        {
            "intitule": "CTAI",
            "territoire": "Rennes",
            "departement": "35",
            "periode": {"debut": debut, "fin": fin},
            "parties": parties,
            "publics": ["BPI"],
            "axes": [{"numero": 1, "titre": "Pilotage", "mobilise_bop104": "non précisé"}],
            "imputation": "non précisé",
        }
    )


def _document(parties: list[dict], debut: int = 2020, fin: int = 2022) -> DocumentContrat:
    return DocumentContrat(_contrat(parties, debut, fin), None, None, [], "1er juin de l'année n + 1")


RENNES = [
    {
        "role": "etat",
        "nom": "État",
        "representant": {"nom": "Emmanuel Berthier", "qualite": "préfet d'Ille-et-Vilaine"},
    },
    {
        "role": "etat",
        "nom": "État",
        "representant": {
            "nom": "Alain Régnier",
            "qualite": "délégué interministériel chargé de l'accueil et de l'intégration des réfugiés",
        },
    },
    {
        "role": "collectivite",
        "nom": "Rennes Métropole",
        "type": "metropole",
        "representant": {"nom": "Nathalie Appéré", "qualite": "présidente de Rennes Métropole"},
    },
    {
        "role": "collectivite",
        "nom": "Ville de Rennes",
        "type": "commune",
        "representant": {"nom": "Nathalie Appéré", "qualite": "maire de Rennes"},
    },
]
DAX = [
    {**ETAT, "services": ["DDETSPP"]},
    {"role": "collectivite", "nom": "Ville de Dax", "type": "commune", "designation": "la commune"},
]
CCAS = [ETAT, {"role": "collectivite", "nom": "CCAS de Dax", "type": "ccas"}]
# State parties: the gender is the first word's (« Préfecture … représentée », « État … représenté »).
ISERE = [
    {
        "role": "etat",
        "nom": "Préfecture de l'Isère",
        "representant": {"nom": "Catherine Séguin", "qualite": "préfète de l'Isère"},
    },
    {
        "role": "etat",
        "nom": "Délégation interministérielle à l'accueil et à l'intégration des réfugiés (DIAIR)",
        "representant": {"nom": "Alain Régnier", "qualite": "délégué interministériel"},
    },
    {"role": "etat", "nom": "Préfet de l'Isère", "representant": {"nom": "X", "qualite": "préfet"}},
    {"role": "etat", "nom": "Ministère de l'Intérieur", "representant": {"nom": "X", "qualite": "ministre"}},
    {
        "role": "etat",
        "nom": "Direction départementale de l'emploi, du travail et des solidarités (DDETS)",
        "representant": {"nom": "X", "qualite": "directeur"},
    },
    {
        "role": "etat",
        "nom": "État",
        "designation": "la préfecture",
        "representant": {"nom": "X", "qualite": "préfet"},
    },
    {
        "role": "collectivite",
        "nom": "Grenoble-Alpes Métropole",
        "type": "metropole",
        "representant": {"nom": "X", "qualite": "président"},
    },
]
DEUX_MASCULINS = [
    ETAT,
    {"role": "collectivite", "nom": "Département des Landes", "type": "departement"},
    {"role": "collectivite", "nom": "Ville de Dax", "type": "commune"},
]


def _cases() -> str:
    lines = ["# de / du / de la / des / d' devant un territoire"]
    lines += [f"{t} ({code}) → CTAI {fr.de_territoire(t, code)}" for t, code in TERRITOIRES]
    lines.append("")
    lines.append("# départements : nom avec article, « de » + nom")
    lines += [f"{d.code} {d.avec_article} → {d.de}" for d in fr.departements().values()]
    lines.append("")
    lines.append("# parties : noms tels qu'écrits, accord de « représenté »")
    for parties in (RENNES, DAX, CCAS, DEUX_MASCULINS, ISERE):
        doc = _document(parties)
        lines += [f"- {ligne_partie(p)} [dans la phrase : {designation(p)}]" for p in doc.contrat.parties]
        lines.append(doc.engagement_collectivites)
        lines.append("")
    lines.append("# durée (article 2)")
    for debut, fin in ((2020, 2020), (2020, 2022)):
        lines.append(f"{debut}-{fin} : Le contrat est conclu pour {_document(DAX, debut, fin).duree}.")
    lines.append("")
    lines.append("# période (titres, intitulé de ctai init)")
    lines += [f"{debut}, {fin} → {fr.periode(debut, fin)}" for debut, fin in ((2020, 2020), (2024, 2026))]
    lines.append("2024, 2026, « – » → " + fr.periode(2024, 2026, "–"))
    lines.append("")
    lines.append("# « non précisé » accordé")
    for nom, genre, nombre in (
        ("montant", "m", 1),
        ("échéance", "f", 1),
        ("crédits", "m", 2),
        ("dates", "f", 2),
    ):
        lines.append(f"{nom} {fr.non_precise(genre, nombre)}")
    lines.append("")
    lines.append("# pluriels")
    lines += [fr.nombre_de(n, "année") for n in (0, 1, 2)]
    lines += [fr.nombre_de(n, "bénéficiaire") for n in (1, 612)]
    return "\n".join(lines) + "\n"


def test_golden_wording() -> None:
    text = _cases()
    if UPDATE:
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "francais.txt differs (CTAI_UPDATE_GOLDEN=1 to accept)"


def test_every_departement_has_a_well_formed_entry() -> None:
    deps = fr.departements()
    assert len(deps) == 101  # 96 in metropolitan France (2A and 2B for Corsica) and 5 overseas
    for code, dep in deps.items():
        assert dep.article in ("le", "la", "les", "l'", ""), code
        assert dep.genre in ("m", "f"), code
        if dep.article == "l'":
            assert dep.nom[0] in "AEIOUYÉÈÊH", code  # elision only before a vowel or mute h
            assert dep.de == f"de l'{dep.nom}", code  # COG charnière DE L': never « d'Isère »
        if dep.article in ("le", "la"):
            assert dep.genre == ("m" if dep.article == "le" else "f"), code
        assert fr.de_territoire(dep.nom, code) == dep.de


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [("rennes métropole", "Rennes métropole"), ("Rennes Métropole", "Rennes Métropole"), ("état", "État")],
)
def test_majuscule_only_raises_the_first_letter(texte: str, attendu: str) -> None:
    assert fr.majuscule(texte) == attendu

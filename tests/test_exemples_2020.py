"""The 2020 Dax and Rennes contracts, encoded from their public sources (seeds 000 and 002):
they validate with no error, and every sentence of their rendered contract has a known origin —
a value of the files, a heading of the document, or model text under its notice. Nothing else."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from ctai_cli.formatting import date_longue, euros

ROOT = Path(__file__).resolve().parent.parent
EXEMPLES = {name: ROOT / "examples" / name for name in ("dax-2020", "rennes-2020")}

# Headings and fixed lines of the contract document that state no fact.
STRUCTURE = {
    "Entre les soussignés",
    "Articles",
    "Texte des articles : non précisé.",
    "Date et lieu de signature : non précisés.",
    "Le contrat d'après ses fichiers",
    "Le texte signé n'est pas disponible : voici, valeur par valeur, ce qu'en disent contrat.yaml et "
    "porteurs.yaml.",
}
# The labels of « Le contrat d'après ses fichiers » (a label, « : », then values of the files), and
# the fixed phrases between its values.
LIBELLES = (
    "Statut",
    "Période",
    "Publics",
    "Axes",
    "Imputation",
    "Crédits de l'État",
    "Dotation (financeur et programme non précisés)",
    "Porteurs",
    "Comités de pilotage par an, au moins",
    "Échéance du bilan annuel",
)
PHRASES = ("(crédits du programme 104 :", "Axe ")
# Words the wording module puts between values (« X, représentée par Y, Z »; « Fait le D »).
LIANTS = {"représenté", "représentée", "par", "Fait", "le", "à", "signé"}


def _valeurs(folder: Path) -> list[str]:
    """Every text of the files, and every date as the documents write it."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, date):
            out.append(date_longue(value))
        elif isinstance(value, str):
            out.append(" ".join(value.split()))
            if value == "non précisé":  # printed agreed with its label (« Imputation : non précisée »)
                out.extend(["non précisée", "non précisés", "non précisées"])
        elif isinstance(value, int) and not isinstance(value, bool):
            out.extend([str(value), " ".join(euros(value).split())])

    for path in sorted(folder.rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(set(out), key=len, reverse=True)


def _lignes(markdown: str) -> list[str]:
    lines = []
    for line in markdown.splitlines():
        text = re.sub(r"^(#+|-|>)\s*", "", line.strip()).removesuffix(" ;").strip()
        if text:
            lines.append(text)
    return lines


def _origine(line: str, valeurs: list[str]) -> str | None:
    if line in STRUCTURE:
        return "structure"
    rest = " ".join(line.split())
    for libelle in LIBELLES:
        if rest.startswith(libelle + " :"):
            rest = rest.removeprefix(libelle + " :")
            break
    for phrase in PHRASES:
        rest = rest.replace(phrase, " ")
    for valeur in valeurs:
        rest = rest.replace(valeur, " ")
    mots = [m for m in re.split(r"[\s,:;.()«»]+", rest) if m]
    return "données" if all(m in LIANTS for m in mots) else None


@pytest.mark.parametrize("name", sorted(EXEMPLES))
def test_validates_without_error_and_without_filler(ctai, name: str) -> None:
    done = ctai("validate", EXEMPLES[name], "--date", "2020-12-31")
    assert done.code == 0, done.out + done.err
    assert "0 erreur" in done.out
    # Every warning is a value the source leaves unstated, none is a placeholder.
    codes = set(re.findall(r"CTAI-[EW][0-9]{3}", done.out))
    assert codes == {"CTAI-W250"}, done.out
    for path in EXEMPLES[name].rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "À COMPLÉTER" not in text
        assert "illustratif" not in text  # nothing invented, so nothing to flag


@pytest.mark.parametrize("name", sorted(EXEMPLES))
def test_no_deadline_nor_minimum_is_assumed(ctai, name: str) -> None:
    """The sources give neither the bilan's deadline nor a minimum of comités: years later, the
    missing bilans are a question (W254), never « due on 1 June » (W214, Dax 2024's article 8)."""
    done = ctai("validate", EXEMPLES[name], "--date", "2026-12-02", "--format", "json")
    report = json.loads(done.out)
    codes = [d["code"] for d in report["diagnostics"]]
    assert "CTAI-W214" not in codes and "CTAI-W213" not in codes
    (question,) = [d for d in report["diagnostics"] if d["code"] == "CTAI-W254"]
    annees = {"dax-2020": "2020 ;", "rennes-2020": "2020, 2021 et 2022 ;"}[name]
    assert f"aucun bilan pour {annees}" in question["message"]


@pytest.mark.parametrize("name", sorted(EXEMPLES))
def test_every_sentence_of_the_contract_has_an_origin(ctai, tmp_path: Path, name: str) -> None:
    out = tmp_path / "contrat.md"
    done = ctai("contrat", "render", EXEMPLES[name], "--output", out)
    assert done.code == 0, done.err
    valeurs = _valeurs(EXEMPLES[name])
    lignes = _lignes(out.read_text(encoding="utf-8"))
    assert lignes
    sans_origine = [line for line in lignes if _origine(line, valeurs) is None]
    assert sans_origine == []


@pytest.mark.parametrize("name", sorted(EXEMPLES))
def test_every_text_of_the_html_contract_has_an_origin(ctai, tmp_path: Path, name: str) -> None:
    from html.parser import HTMLParser

    class Textes(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.textes: list[str] = []
            self.cache = 0  # inside <style>, <script> or <title> (metadata, not the document)

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            self.cache += tag in ("style", "script", "title")

        def handle_endtag(self, tag: str) -> None:
            self.cache -= tag in ("style", "script", "title")

        def handle_data(self, data: str) -> None:
            if not self.cache and data.strip():
                self.textes.append(" ".join(data.split()).removesuffix(" ;").removesuffix("."))

    out = tmp_path / "contrat.html"
    assert ctai("contrat", "render", EXEMPLES[name], "--output", out).code == 0
    parser = Textes()
    parser.feed(out.read_text(encoding="utf-8"))
    valeurs = _valeurs(EXEMPLES[name])
    structure = {line.removesuffix(".") for line in STRUCTURE}
    sans_origine = [t for t in parser.textes if t not in structure and _origine(t, valeurs) is None]
    assert parser.textes and sans_origine == []


def test_the_known_facts_are_printed_when_the_signed_text_is_not(ctai, tmp_path: Path) -> None:
    out = tmp_path / "contrat.md"
    assert ctai("contrat", "render", EXEMPLES["rennes-2020"], "--output", out).code == 0
    text = out.read_text(encoding="utf-8")
    for fait in (
        "- Période : 2020 à 2022",
        "- Publics : BPI",
        "  - Axe 4 : garantir l'accès au logement (crédits du programme 104 : non précisés)",
        f"- Dotation (financeur et programme non précisés) : 2020 : {euros(300000)}",
        "- Porteurs : non précisés",
        "- Échéance du bilan annuel : non précisée",
        "- Imputation : non précisée",
    ):
        assert fait in text
    assert "Crédits de l'État" not in text  # the 300 000 € are not said to be the State's


def test_an_invented_sentence_would_be_caught(tmp_path: Path) -> None:
    valeurs = _valeurs(EXEMPLES["rennes-2020"])
    assert _origine(
        "Rennes Métropole, représentée par Nathalie Appéré, présidente de Rennes Métropole", valeurs
    )
    assert _origine("Le contrat est conclu pour les 3 années 2020, 2021 et 2022.", valeurs) is None
    assert _origine("Il se réunit au moins 2 fois par an.", valeurs) is None


def test_rennes_both_state_signatories_sign(ctai, tmp_path: Path) -> None:
    out = tmp_path / "contrat.md"
    assert ctai("contrat", "render", EXEMPLES["rennes-2020"], "--output", out).code == 0
    text = out.read_text(encoding="utf-8")
    signatures = text[text.index("Fait le 9 décembre 2020") :]
    for signataire in (
        "préfet d'Ille-et-Vilaine : Emmanuel Berthier",
        "Alain Régnier",
        "maire de Rennes",
        "présidente de Rennes Métropole",
    ):
        assert signataire in signatures


def test_rennes_model_text_names_both_collectivites_and_is_marked(ctai, tmp_path: Path) -> None:
    """Without « articles », the model text names every collectivité in the engagements (articles 3
    and 8), and every one of its articles is marked as model text under the notice."""
    folder = tmp_path / "rennes"
    shutil.copytree(EXEMPLES["rennes-2020"], folder)
    contrat = folder / "contrat.yaml"
    text = contrat.read_text(encoding="utf-8")
    assert "articles: non précisé\n" in text
    contrat.write_text(text.replace("articles: non précisé\n", ""), encoding="utf-8")
    out = tmp_path / "contrat.md"
    done = ctai("contrat", "render", folder, "--output", out)
    assert done.code == 0, done.err
    rendu = out.read_text(encoding="utf-8")
    notice = rendu.index("Texte type : les articles ci-dessous sont un modèle")
    titres = re.findall(r"^## Article .*$", rendu, flags=re.MULTILINE)
    assert len(titres) == 13 and all(t.endswith("(texte type)") for t in titres)
    assert rendu.index(titres[0]) > notice
    assert (
        "Rennes Métropole et la Ville de Rennes s'engagent à mettre en œuvre des actions contribuant aux "
        "priorités identifiées du contrat. Avec les services de l'État, elles participent au pilotage"
        in rendu
    )
    assert "Rennes Métropole, la Ville de Rennes et les porteurs de projet s'engagent à produire" in rendu
    assert "Le contrat est conclu pour les 3 années 2020, 2021 et 2022." in rendu
    assert "étrangers primo-arrivants (EPA) sont" not in rendu  # a BPI-only contract
    assert "Imputation budgétaire de la dépense : non précisée." in rendu

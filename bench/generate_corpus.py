#!/usr/bin/env python3
"""Write a synthetic national corpus of CTAI contract folders, for benchmarks.

Usage::

    python bench/generate_corpus.py OUTPUT_DIR [--territories 100] [--seed 0]

Each territory gets one folder ``<slug>-2024-2026/`` laid out as ctai expects
(see ctai_cli/repository.py)::

    contrat.yaml  porteurs.yaml  actions/2024.yaml..2026.yaml  bilans/2024.yaml..2026.yaml

Every folder is meant to pass ``ctai validate --date 2027-01-01`` with no error
and no warning: identifiers are unique, every reference (porteur, axe, public,
action, objectif, annexe file) resolves, no BOP 104 money on an axe that does
not mobilise it, beneficiaries add up, SIRET/SIREN numbers carry a valid Luhn
key, at least ``copil_min_par_an`` comités per bilan, dated inside the year.
The BOP 104 money chain holds too: spending is at most the allocation plus the reports
received, every reliquat is declared to the cent with a decision, reported to the same
action of next year's annexe (which takes it in with ``report_entrant``) or paid back,
never reported past 2026; each year's envelope in ``contrat.yaml`` covers its annexe.
Sized like the programme: 44 territories give 660 actions a year (``--territories``).

The YAML is written from templates, with only the standard library (plus
python-stdnum to double-check the SIRET numbers): the point is to benchmark
readers, so the writer must not depend on one. Scalars are written plain when
that is unambiguous in both YAML 1.1 and 1.2, double-quoted otherwise (amounts
with decimals, numeric codes, texts with « : » or « # »), long texts as folded
blocks. The output is a function of ``--territories`` and ``--seed`` only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
import unicodedata
from pathlib import Path

YEARS = (2024, 2025, 2026)
ACTIONS_PER_YEAR = 15

# --------------------------------------------------------------------------------------
# Scalars


_PLAIN_START = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœÉ]")
_AMBIGUOUS = re.compile(r"(?i:y|yes|n|no|true|false|on|off|null)\Z")


def s(text: str, flow: bool = False) -> str:
    """A one-line YAML scalar: plain when safe in YAML 1.1 and 1.2, else double-quoted."""
    plain = (
        bool(_PLAIN_START.match(text))
        and not _AMBIGUOUS.match(text)
        and ": " not in text
        and " #" not in text
        and not text.endswith((":", " "))
        and "\n" not in text
        and "\t" not in text
        and '"' not in text
    )
    if plain and flow and any(c in text for c in ",[]{}"):
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def folded(key: str, text: str, indent: int, width: int = 92) -> list[str]:
    """``key: >-`` followed by the text wrapped at ``width`` columns."""
    pad = " " * (indent + 2)
    body = textwrap.wrap(text, width=width - len(pad), break_long_words=False, break_on_hyphens=False)
    return [f"{' ' * indent}{key}: >-", *(pad + line for line in body)]


def flow_list(items: list[str]) -> str:
    return "[" + ", ".join(s(i, flow=True) for i in items) + "]"


def flow_map(pairs: list[tuple[str, str]]) -> str:
    """``pairs`` values are already YAML (use s(..., flow=True) for texts)."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def montant(rng: random.Random, low: int, high: int, step: int = 500) -> tuple[int, str]:
    """An amount in cents and its YAML: an integer, or a quoted decimal one time in four."""
    euros = rng.randrange(low, high + 1, step) if high > low else low
    if euros and rng.random() < 0.25:
        cents = rng.choice((50, 25, 80, 5, 90))
        return euros * 100 + cents, f'"{euros}.{cents:02d}"'
    return euros * 100, str(euros)


def yaml_cents(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    return str(euros) if rest == 0 else f'"{euros}.{rest:02d}"'


def de(name: str) -> str:
    """« de Dax », « d'Agen »."""
    if name.startswith("Le "):
        return "du " + name[3:]
    return f"d'{name}" if name[0] in "AEIOUYÉÈÊÂÎÔ" else f"de {name}"


def a(name: str) -> str:
    """« à Dax », « au Havre »."""
    return "au " + name[3:] if name.startswith("Le ") else f"à {name}"


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# --------------------------------------------------------------------------------------
# SIREN / SIRET with a valid Luhn key


def luhn_check_digit(digits: str) -> str:
    """The digit to append to ``digits`` so that the whole passes the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_siren(rng: random.Random) -> str:
    while True:
        body = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
        if body != "35600000":  # La Poste has its own SIRET rule
            return body + luhn_check_digit(body)


def make_siret(rng: random.Random, siren: str | None = None) -> str:
    siren = siren or make_siren(rng)
    nic = f"{rng.randint(1, 999):04d}"
    body = siren + nic
    return body + luhn_check_digit(body)


# --------------------------------------------------------------------------------------
# Territories


TERRITORIES: tuple[tuple[str, str, str], ...] = (
    # (name, département, région's préfecture wording is derived from the département)
    ("Dax", "40", "Landes"),
    ("Mont-de-Marsan", "40", "Landes"),
    ("Bayonne", "64", "Pyrénées-Atlantiques"),
    ("Pau", "64", "Pyrénées-Atlantiques"),
    ("Agen", "47", "Lot-et-Garonne"),
    ("Périgueux", "24", "Dordogne"),
    ("Limoges", "87", "Haute-Vienne"),
    ("Poitiers", "86", "Vienne"),
    ("Niort", "79", "Deux-Sèvres"),
    ("La Rochelle", "17", "Charente-Maritime"),
    ("Angoulême", "16", "Charente"),
    ("Brive-la-Gaillarde", "19", "Corrèze"),
    ("Tulle", "19", "Corrèze"),
    ("Guéret", "23", "Creuse"),
    ("Montauban", "82", "Tarn-et-Garonne"),
    ("Albi", "81", "Tarn"),
    ("Castres", "81", "Tarn"),
    ("Rodez", "12", "Aveyron"),
    ("Cahors", "46", "Lot"),
    ("Tarbes", "65", "Hautes-Pyrénées"),
    ("Auch", "32", "Gers"),
    ("Foix", "09", "Ariège"),
    ("Perpignan", "66", "Pyrénées-Orientales"),
    ("Carcassonne", "11", "Aude"),
    ("Narbonne", "11", "Aude"),
    ("Béziers", "34", "Hérault"),
    ("Nîmes", "30", "Gard"),
    ("Alès", "30", "Gard"),
    ("Mende", "48", "Lozère"),
    ("Avignon", "84", "Vaucluse"),
    ("Gap", "05", "Hautes-Alpes"),
    ("Digne-les-Bains", "04", "Alpes-de-Haute-Provence"),
    ("Toulon", "83", "Var"),
    ("Fréjus", "83", "Var"),
    ("Nice", "06", "Alpes-Maritimes"),
    ("Ajaccio", "2A", "Corse-du-Sud"),
    ("Bastia", "2B", "Haute-Corse"),
    ("Valence", "26", "Drôme"),
    ("Privas", "07", "Ardèche"),
    ("Grenoble", "38", "Isère"),
    ("Chambéry", "73", "Savoie"),
    ("Annecy", "74", "Haute-Savoie"),
    ("Bourg-en-Bresse", "01", "Ain"),
    ("Saint-Étienne", "42", "Loire"),
    ("Roanne", "42", "Loire"),
    ("Le Puy-en-Velay", "43", "Haute-Loire"),
    ("Aurillac", "15", "Cantal"),
    ("Clermont-Ferrand", "63", "Puy-de-Dôme"),
    ("Moulins", "03", "Allier"),
    ("Vichy", "03", "Allier"),
    ("Nevers", "58", "Nièvre"),
    ("Auxerre", "89", "Yonne"),
    ("Dijon", "21", "Côte-d'Or"),
    ("Chalon-sur-Saône", "71", "Saône-et-Loire"),
    ("Mâcon", "71", "Saône-et-Loire"),
    ("Besançon", "25", "Doubs"),
    ("Montbéliard", "25", "Doubs"),
    ("Belfort", "90", "Territoire de Belfort"),
    ("Vesoul", "70", "Haute-Saône"),
    ("Lons-le-Saunier", "39", "Jura"),
    ("Épinal", "88", "Vosges"),
    ("Nancy", "54", "Meurthe-et-Moselle"),
    ("Metz", "57", "Moselle"),
    ("Thionville", "57", "Moselle"),
    ("Bar-le-Duc", "55", "Meuse"),
    ("Mulhouse", "68", "Haut-Rhin"),
    ("Colmar", "68", "Haut-Rhin"),
    ("Troyes", "10", "Aube"),
    ("Chaumont", "52", "Haute-Marne"),
    ("Reims", "51", "Marne"),
    ("Charleville-Mézières", "08", "Ardennes"),
    ("Laon", "02", "Aisne"),
    ("Saint-Quentin", "02", "Aisne"),
    ("Amiens", "80", "Somme"),
    ("Beauvais", "60", "Oise"),
    ("Creil", "60", "Oise"),
    ("Arras", "62", "Pas-de-Calais"),
    ("Calais", "62", "Pas-de-Calais"),
    ("Roubaix", "59", "Nord"),
    ("Valenciennes", "59", "Nord"),
    ("Rouen", "76", "Seine-Maritime"),
    ("Le Havre", "76", "Seine-Maritime"),
    ("Évreux", "27", "Eure"),
    ("Caen", "14", "Calvados"),
    ("Alençon", "61", "Orne"),
    ("Saint-Lô", "50", "Manche"),
    ("Cherbourg-en-Cotentin", "50", "Manche"),
    ("Rennes", "35", "Ille-et-Vilaine"),
    ("Saint-Brieuc", "22", "Côtes-d'Armor"),
    ("Brest", "29", "Finistère"),
    ("Quimper", "29", "Finistère"),
    ("Lorient", "56", "Morbihan"),
    ("Vannes", "56", "Morbihan"),
    ("Nantes", "44", "Loire-Atlantique"),
    ("Saint-Nazaire", "44", "Loire-Atlantique"),
    ("Angers", "49", "Maine-et-Loire"),
    ("Cholet", "49", "Maine-et-Loire"),
    ("Laval", "53", "Mayenne"),
    ("Le Mans", "72", "Sarthe"),
    ("La Roche-sur-Yon", "85", "Vendée"),
    ("Tours", "37", "Indre-et-Loire"),
    ("Blois", "41", "Loir-et-Cher"),
    ("Orléans", "45", "Loiret"),
    ("Chartres", "28", "Eure-et-Loir"),
    ("Bourges", "18", "Cher"),
    ("Châteauroux", "36", "Indre"),
    ("Melun", "77", "Seine-et-Marne"),
    ("Évry-Courcouronnes", "91", "Essonne"),
    ("Cergy", "95", "Val-d'Oise"),
    ("Mantes-la-Jolie", "78", "Yvelines"),
    ("Saint-Denis", "93", "Seine-Saint-Denis"),
    ("Créteil", "94", "Val-de-Marne"),
    ("Nanterre", "92", "Hauts-de-Seine"),
    ("Saint-Denis de La Réunion", "974", "La Réunion"),
    ("Cayenne", "973", "Guyane"),
)

PREFETS = ("Préfet", "Préfète")
NOMS = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Nguyen",
    "Diallo",
    "Haddad",
    "Kowalski",
    "Da Silva",
    "Traoré",
    "Ferreira",
    "Rahmani",
    "Koné",
)
PRENOMS = (
    "Julien",
    "Françoise",
    "Nathalie",
    "Stéphane",
    "Isabelle",
    "Philippe",
    "Sandrine",
    "Karim",
    "Sophie",
    "Olivier",
    "Claire",
    "Thierry",
    "Amina",
    "Laurent",
    "Valérie",
    "Nicolas",
    "Céline",
    "Mehdi",
    "Anne",
    "Christophe",
    "Élodie",
    "Yannick",
    "Fatou",
    "Pascal",
    "Hélène",
    "Sébastien",
    "Mathilde",
    "Rachid",
)

# --------------------------------------------------------------------------------------
# Axes and action templates


AXES: dict[str, str] = {
    "pilotage": "Consolider le pilotage de la politique d'intégration au niveau local",
    "accueil": "Accueillir, informer et orienter les étrangers primo-arrivants et faciliter l'accès aux droits",
    "sante": "Améliorer l'accès aux soins et à la santé, y compris la santé mentale",
    "langue": "Structurer l'offre d'apprentissage linguistique en lien avec le parcours professionnel",
    "emploi": "Permettre l'intégration par l'accès à l'emploi et à la formation professionnelle",
    "logement": "Faciliter l'accès au logement et l'appropriation du logement",
    "citoyennete": "Favoriser la participation citoyenne, le lien social, la culture et le sport",
}

# id, titre, first sentence, objectifs (id, libellé, cible min, cible max, unité), partenaires
TEMPLATES: dict[str, list[tuple[str, str, str, list[tuple[str, str, int, int, str]], list[str]]]] = {
    "pilotage": [
        (
            "coordination-ctai",
            "Coordination et animation territoriale du CTAI",
            "Un coordinateur anime le réseau des acteurs de l'intégration {de_territoire}, prépare les "
            "comités de pilotage et assure le suivi des actions du contrat avec les services de l'État.",
            [("copils", "Comités de pilotage réunis", 2, 4, "réunions")],
            ["DDETS", "OFII", "CAF", "France Travail"],
        ),
        (
            "diagnostic-territorial",
            "Diagnostic partagé des besoins des primo-arrivants",
            "Un diagnostic territorial recense les besoins des personnes primo-arrivantes et l'offre "
            "existante, afin de repérer les ruptures de parcours et d'ajuster les actions du contrat.",
            [("entretiens", "Entretiens menés auprès des acteurs", 15, 60, "entretiens")],
            ["DDETS", "Université", "Observatoire social"],
        ),
        (
            "formation-professionnels",
            "Formation interculturelle des professionnels de premier accueil",
            "Des sessions de formation sensibilisent les agents d'accueil de la collectivité et des "
            "partenaires aux parcours migratoires, au droit au séjour et à la communication interculturelle.",
            [
                ("agents-formes", "Agents formés", 20, 80, "personnes"),
                ("sessions", "Sessions organisées", 2, 8, "sessions"),
            ],
            ["CNFPT", "Association de juristes", "OFII"],
        ),
    ],
    "accueil": [
        (
            "guichet-accueil",
            "Accueil, information et orientation des primo-arrivants",
            "Un guichet d'accueil de proximité informe les personnes primo-arrivantes sur leurs droits, les "
            "oriente vers les services compétents et les accompagne dans leurs démarches administratives.",
            [("personnes-accueillies", "Personnes accueillies", 80, 400, "personnes")],
            ["CAF", "CPAM", "France services", "Préfecture"],
        ),
        (
            "acces-numerique",
            "Accompagnement aux démarches numériques",
            "Des conseillers numériques accompagnent les usagers dans les démarches dématérialisées "
            "(titre de séjour, CAF, assurance maladie) et les forment à l'usage autonome des outils.",
            [
                ("ateliers", "Ateliers numériques", 20, 80, "ateliers"),
                ("usagers", "Usagers accompagnés", 40, 200, "personnes"),
            ],
            ["France services", "Médiathèque", "Emmaüs Connect"],
        ),
        (
            "interpretariat",
            "Interprétariat et médiation linguistique",
            "Un service d'interprétariat professionnel, sur place ou par téléphone, permet aux services "
            "publics et associatifs de recevoir les personnes allophones dans de bonnes conditions.",
            [("heures-interpretariat", "Heures d'interprétariat", 100, 600, "heures")],
            ["ISM Interprétariat", "Centre hospitalier", "CCAS"],
        ),
        (
            "acces-droits-juridique",
            "Permanences d'accès au droit des étrangers",
            "Des permanences juridiques gratuites informent les personnes sur le droit au séjour, le "
            "regroupement familial et l'accès à la nationalité, en lien avec le conseil départemental de "
            "l'accès au droit.",
            [("permanences", "Permanences tenues", 20, 48, "permanences")],
            ["CDAD", "Barreau", "La Cimade"],
        ),
    ],
    "sante": [
        (
            "pass-hopital",
            "Renforcer la permanence d'accès aux soins de santé",
            "La permanence d'accès aux soins de santé (PASS) de l'hôpital reçoit les personnes sans "
            "couverture maladie effective et les accompagne vers l'ouverture de leurs droits.",
            [("consultations", "Consultations réalisées", 200, 1200, "consultations")],
            ["Centre hospitalier", "CPAM", "ARS"],
        ),
        (
            "sante-mentale",
            "Soutien psychologique des personnes exilées",
            "Un psychologue formé au psychotraumatisme propose des consultations individuelles et des "
            "groupes de parole aux personnes ayant connu l'exil, avec un interprète si nécessaire.",
            [("suivis", "Personnes suivies", 20, 90, "personnes")],
            ["Centre médico-psychologique", "Équipe mobile psychiatrie précarité", "Réseau Samdarra"],
        ),
        (
            "prevention-sante",
            "Ateliers de prévention et d'éducation à la santé",
            "Des ateliers collectifs abordent l'alimentation, la santé des femmes, la vaccination et le "
            "parcours de soins en France, animés par des professionnels de santé et des médiateurs.",
            [("ateliers-sante", "Ateliers tenus", 10, 40, "ateliers")],
            ["Planning familial", "PMI", "Mutualité française"],
        ),
    ],
    "langue": [
        (
            "fle-insertion",
            "Français langue étrangère à visée professionnelle",
            "Des cours de français langue étrangère, en complément des heures prescrites par l'OFII, "
            "préparent les apprenants aux situations de travail et aux certifications de niveau A2 et B1.",
            [
                ("apprenants", "Apprenants inscrits", 30, 120, "personnes"),
                ("heures-fle", "Heures de formation", 400, 2000, "heures"),
            ],
            ["OFII", "France Travail", "GRETA"],
        ),
        (
            "ateliers-sociolinguistiques",
            "Ateliers sociolinguistiques de proximité",
            "Les ateliers sociolinguistiques partent des situations de la vie quotidienne (école, "
            "transports, commerces, santé) pour développer l'autonomie à l'oral et à l'écrit.",
            [("participants", "Participants réguliers", 20, 90, "personnes")],
            ["Centre social", "Médiathèque", "Écoles"],
        ),
        (
            "francais-parents",
            "Ouvrir l'école aux parents pour la réussite des enfants",
            "Les parents allophones suivent des cours de français dans l'école de leurs enfants et "
            "découvrent le fonctionnement du système éducatif et les attentes de l'institution scolaire.",
            [("parents", "Parents inscrits", 15, 60, "personnes")],
            ["Éducation nationale", "Écoles", "Associations de parents"],
        ),
    ],
    "emploi": [
        (
            "parcours-emploi",
            "Accompagnement renforcé vers l'emploi",
            "Un chargé d'insertion accompagne individuellement les personnes vers l'emploi : bilan de "
            "compétences, reconnaissance des diplômes, préparation aux entretiens et mise en relation.",
            [
                ("accompagnes", "Personnes accompagnées", 30, 120, "personnes"),
                ("sorties-emploi", "Sorties en emploi ou formation", 10, 60, "personnes"),
            ],
            ["France Travail", "Mission locale", "Entreprises du territoire"],
        ),
        (
            "club-emploi-garde",
            "Club emploi avec solution de garde",
            "Le club emploi lève les freins périphériques, en particulier la garde des jeunes enfants, "
            "en réservant des places d'accueil aux parents qui s'engagent dans une démarche d'insertion.",
            [("parents-club", "Parents suivis par le club", 10, 40, "personnes")],
            ["France Travail", "Crèches municipales", "CAF"],
        ),
        (
            "mobilite",
            "Mobilité et permis de conduire",
            "Une auto-école sociale propose un apprentissage adapté du code de la route aux personnes "
            "allophones et un accompagnement vers le permis, condition fréquente d'accès à l'emploi.",
            [("permis", "Permis obtenus", 5, 30, "permis")],
            ["Auto-école sociale", "Plateforme mobilité", "Conseil départemental"],
        ),
    ],
    "logement": [
        (
            "savoir-habiter",
            "Ateliers « savoir habiter » en appartement pédagogique",
            "Dans un appartement pédagogique, des ateliers abordent la gestion du budget, les économies "
            "d'énergie, l'entretien du logement et les relations avec le bailleur et le voisinage.",
            [("menages", "Ménages accompagnés", 15, 60, "ménages")],
            ["Bailleurs sociaux", "SIAO", "ADIL"],
        ),
        (
            "acces-logement",
            "Accès au logement pérenne des bénéficiaires de la protection internationale",
            "Un travailleur social accompagne la sortie des centres d'hébergement vers un logement "
            "autonome, de la constitution du dossier à l'installation, en lien avec les bailleurs.",
            [("relogements", "Ménages relogés", 10, 50, "ménages")],
            ["DDETS", "Bailleurs sociaux", "SIAO", "CADA"],
        ),
    ],
    "citoyennete": [
        (
            "parrainage-citoyen",
            "Parrainage citoyen et bénévolat",
            "Des binômes associent un habitant bénévole et une personne primo-arrivante pour des sorties, "
            "de l'aide aux démarches et la découverte de la vie locale, avec un suivi par un référent.",
            [("binomes", "Binômes formés", 10, 50, "binômes")],
            ["Associations de quartier", "Centre social", "Bénévoles"],
        ),
        (
            "sport-integration",
            "Le sport comme vecteur d'intégration",
            "Les clubs sportifs partenaires accueillent gratuitement les jeunes et les adultes "
            "primo-arrivants et forment leurs éducateurs à l'accueil de publics allophones.",
            [("licences", "Licences prises en charge", 20, 100, "licences")],
            ["Office municipal des sports", "Clubs sportifs", "Comité départemental olympique"],
        ),
        (
            "valeurs-republique",
            "Découverte des institutions et des valeurs de la République",
            "Des visites de la mairie, de la préfecture et des lieux de mémoire, complétées par des "
            "débats, font découvrir les institutions, la laïcité et l'égalité entre les femmes et les hommes.",
            [("visites", "Visites organisées", 4, 16, "visites")],
            ["Archives départementales", "Musée", "Préfecture"],
        ),
        (
            "culture-lien-social",
            "Accès à la culture et lien social",
            "Un programme de sorties culturelles, de spectacles et d'ateliers de pratique artistique "
            "favorise la rencontre entre les habitants et les personnes nouvellement arrivées.",
            [("sorties", "Sorties culturelles", 6, 24, "sorties")],
            ["Théâtre municipal", "Médiathèque", "Conservatoire"],
        ),
    ],
}

GENERIC_SENTENCES = (
    "L'action s'adresse en priorité aux personnes signataires du contrat d'intégration républicaine "
    "depuis moins de cinq ans, résidant {a_territoire} ou dans les communes voisines.",
    "Elle est menée en lien étroit avec {partenaire}, qui oriente les personnes et participe au bilan.",
    "En {annee}, le porteur prévoit d'élargir les horaires d'accueil et d'aller vers les publics "
    "hébergés dans les structures du dispositif national d'accueil.",
    "Les personnes orientées par l'opérateur AGIR bénéficient d'un accès prioritaire, sans doublon "
    "avec leur accompagnement global.",
    "Un questionnaire de satisfaction et des indicateurs de suivi trimestriels permettent d'ajuster "
    "le contenu de l'action au fil de l'année.",
    "Une attention particulière est portée aux femmes isolées avec enfants et aux jeunes de moins de "
    "vingt-cinq ans, plus éloignés des dispositifs de droit commun.",
    "La reconduction de l'action s'appuie sur les résultats encourageants de l'année précédente et "
    "sur les besoins exprimés par les partenaires lors du dernier comité de pilotage.",
)

QUALITATIF = (
    "L'action a atteint l'essentiel de ses objectifs malgré des difficultés de recrutement au premier "
    "semestre. Les partenaires soulignent la qualité du travail d'orientation.",
    "La fréquentation a progressé au second semestre grâce aux orientations de l'opérateur AGIR et de "
    "France Travail ; les listes d'attente restent longues en fin d'année.",
    "Les participants expriment une forte satisfaction. Le porteur relève le besoin d'un interprétariat "
    "plus disponible pour les langues rares.",
    "Le démarrage tardif de l'action explique un nombre de bénéficiaires inférieur à la cible ; "
    "le reliquat est reporté sur l'exercice suivant comme le permet l'article 3.",
    "Le partenariat avec les bailleurs et les services de l'État s'est consolidé ; plusieurs situations "
    "bloquées ont trouvé une issue grâce aux échanges entre structures.",
)

ASSOCIATIONS = (
    "Accueil et Promotion",
    "Solidarité Exilés",
    "Maison des Langues",
    "Passerelles Emploi",
    "Habitat et Humanisme",
    "Cultures du Monde",
    "Femmes Relais",
    "Entraide Solidaire",
    "Le Pont des Cultures",
    "Accompagner Ensemble",
    "Tremplin Insertion",
    "Mots Partagés",
)


# --------------------------------------------------------------------------------------
# One territory


class Territory:
    def __init__(self, index: int, rng: random.Random) -> None:
        base_name, dept, dept_name = TERRITORIES[index % len(TERRITORIES)]
        rounds = index // len(TERRITORIES)
        self.name = base_name if rounds == 0 else f"{base_name} ({rounds + 1})"
        self.folder = f"{slug(base_name)}{'' if rounds == 0 else f'-{rounds + 1}'}-2024-2026"
        self.dept = dept
        self.dept_name = dept_name
        self.rng = rng
        self.publics = ["EPA", "BPI", "BPT"] if rng.random() < 0.8 else ["EPA", "BPI"]
        themes = ["pilotage", *rng.sample([t for t in AXES if t != "pilotage"], rng.randint(5, 6))]
        # Axe numbers follow the order of AXES, pilotage first.
        self.themes = [t for t in AXES if t in themes]
        self.axe_of = {t: i + 1 for i, t in enumerate(self.themes)}
        # Pilotage is paid by the collectivity in about half of the contracts.
        self.bop104 = {t: (t != "pilotage" or rng.random() < 0.5) for t in self.themes}
        self.porteurs = self._porteurs()
        self.templates = [(t, tpl) for t in self.themes for tpl in TEMPLATES[t]]

    def _porteurs(self) -> list[dict]:
        rng = self.rng
        commune_siren = make_siren(rng)
        porteurs = [
            {
                "id": f"ville-{slug(self.name)}",
                "nom": f"Ville {de(self.name)}",
                "type": "commune",
                "siren": commune_siren,
                "structures": ["Direction de la cohésion sociale", "Maison des citoyens"],
            },
            {
                "id": f"ccas-{slug(self.name)}",
                "nom": f"CCAS {de(self.name)}",
                "type": "ccas",
                "siret": make_siret(rng),
                "structures": ["Pôle accueil", "Maison de l'enfance"],
            },
            {
                "id": "centre-hospitalier",
                "nom": f"Centre hospitalier {de(self.name)}",
                "type": "etablissement_public",
                "siret": make_siret(rng),
                "structures": ["PASS"],
            },
        ]
        n_assoc = rng.randint(2, 5)
        for nom in rng.sample(ASSOCIATIONS, n_assoc):
            porteur = {"id": slug(nom), "nom": nom, "type": "association"}
            roll = rng.random()
            if roll < 0.5:
                porteur["siret"] = make_siret(rng)
            elif roll < 0.7:
                porteur["siren"] = make_siren(rng)
            if rng.random() < 0.4:
                porteur["note"] = (
                    f"Association implantée {a(self.name)} depuis {rng.randint(1975, 2018)}, "
                    "agréée pour l'accompagnement social des personnes étrangères."
                )
            porteurs.append(porteur)
        return porteurs  # 5 to 8

    def porteur_for(self, theme: str) -> str:
        ids = [p["id"] for p in self.porteurs]
        if theme == "pilotage":
            return ids[1]
        if theme == "sante":
            return ids[2] if self.rng.random() < 0.6 else self.rng.choice(ids[3:])
        return self.rng.choice(ids[:2] + ids[3:] * 2)


def gen_contrat(t: Territory) -> str:
    rng = t.rng
    maire = f"{rng.choice(PRENOMS)} {rng.choice(NOMS).upper()}"
    prefet_titre = rng.choice(PREFETS)
    prefet = f"{rng.choice(PRENOMS)} {rng.choice(NOMS).upper()}"
    delib_month, delib_day = rng.randint(3, 10), rng.randint(1, 25)
    delib = f"2024-{delib_month:02d}-{delib_day:02d}"
    conv = f"2024-{delib_month:02d}-{max(1, delib_day - 6):02d}" if delib_day > 6 else None
    trans = f"2024-{delib_month:02d}-{delib_day + 3:02d}"
    sign = f"2024-{delib_month + 1:02d}-{rng.randint(1, 28):02d}"
    membres = rng.choice((29, 33, 35, 39, 43, 45, 49, 53, 55, 59))
    presents = rng.randint(membres * 2 // 3, membres)
    pouvoirs = rng.randint(0, membres - presents)
    exprimes = presents + pouvoirs
    contre = rng.randint(0, 3)
    abst = rng.randint(0, 4)
    pour = max(0, exprimes - contre - abst)
    exprimes = pour + contre
    lines = [
        "# yaml-language-server: $schema=../../schemas/contrat.schema.json",
        f"# Contrat territorial d'accueil et d'intégration {de(t.name)}, 2024-2026 (corpus synthétique).",
        "intitule: >-",
        "  Contrat territorial d'accueil et d'intégration (CTAI) des étrangers primo-arrivants,",
        "  dont les bénéficiaires d'une protection internationale (BPI)"
        + (" et d'une protection" if "BPT" in t.publics else ","),
        ("  temporaire (BPT), " if "BPT" in t.publics else "  ") + f"2024-2026, {de(t.name)}",
        f"territoire: {s(t.name)}",
        f'departement: "{t.dept}"',
        "statut: signe",
        "periode:",
        "  debut: 2024",
        "  fin: 2026",
        "",
        "parties:",
        "  - role: collectivite",
        f"    nom: {s('Ville ' + de(t.name))}",
        "    type: commune",
        "    designation: la commune",
        f'    siren: "{t.porteurs[0]["siren"]}"',
        "    representant:",
        f"      nom: {s(maire)}",
        f"      qualite: {s('Maire ' + de(t.name))}",
        "  - role: etat",
        f"    nom: {s('État (préfecture, ' + t.dept_name + ')')}",
        "    type: prefecture",
        "    designation: l'État",
        f"    services: {flow_list(['DDETS ' + t.dept])}",
        "    representant:",
        f"      nom: {s(prefet)}",
        f"      qualite: {s(prefet_titre + ' (' + t.dept_name + ')')}",
        "",
        "deliberation:",
        f"  instance: {s('Conseil municipal ' + de(t.name))}",
        f"  date: {delib}",
        "  objet: Contrat territorial d'accueil et d'intégration 2024-2026",
    ]
    if conv:
        lines.append(f"  convocation: {conv}")
    lines += [
        "  quorum:",
        f"    membres: {membres}",
        f"    presents: {presents}",
        f"    pouvoirs: {pouvoirs}",
        f"    suffrages_exprimes: {exprimes}",
        "  votes:",
        f"    pour: {pour}",
        f"    contre: {contre}",
        f"    abstentions: {abst}",
        f"  acte: {t.dept}-{t.porteurs[0]['siren']}-{trans.replace('-', '')}-{delib.replace('-', '')}-{rng.randint(1, 99)}-DE",
        f"  transmission: {trans}",
        f"  reception_prefecture: {trans}",
        "",
        "signature:",
        f"  lieu: {s(t.name)}",
        f"  date: {sign}",
        "",
        f"publics: {flow_list(t.publics)}",
        "",
    ]
    preambule = [
        f"La ville {de(t.name)} s'est engagée depuis {rng.randint(2019, 2022)} dans un contrat territorial "
        "d'accueil et d'intégration, dispositif de contractualisation entre l'État et les collectivités "
        "qui accompagne la mobilisation de leurs compétences en faveur de l'intégration des étrangers "
        "primo-arrivants.",
        "Le public cible est celui des étrangers primo-arrivants : ressortissants de pays tiers à "
        "l'Union européenne, en séjour régulier depuis moins de cinq ans, ayant vocation à "
        "s'installer durablement en France. Il comprend en particulier les bénéficiaires de la "
        "protection internationale"
        + (" et ceux de la protection temporaire." if "BPT" in t.publics else "."),
        f"Le contrat {t.name} 2024-2026 s'inscrit dans la continuité des actions menées sur le "
        "territoire autour de l'accès aux droits, à la santé, au logement, à l'emploi et à "
        "l'apprentissage du français, en articulation avec le programme AGIR.",
    ]
    lines.append("preambule: |")
    for i, para in enumerate(preambule):
        if i:
            lines.append("")
        lines += ["  " + line for line in textwrap.wrap(para, 90)]
    lines += ["", "axes:"]
    for theme in t.themes:
        lines += [
            f"  - numero: {t.axe_of[theme]}",
            f"    titre: {s(AXES[theme])}",
            f"    mobilise_bop104: {'true' if t.bop104[theme] else 'false'}",
        ]
    lines += [
        "",
        "imputation:",
        "  mission: Immigration, asile et intégration",
        "  programme: 104",
        "  action: 12",
        "  sous_action: 2",
        '  code_activite: "010402020111"',
        "  ministere: Ministère de l'Intérieur",
        "",
        "versement:",
        "  modalites: >-",
        "    Pour l'année 2024, l'État verse la contribution financière à la notification de la",
        "    convention. Pour les deuxième et troisième années, sous réserve de l'inscription des",
        "    crédits en loi de finances et du respect des engagements du contrat.",
        "  beneficiaires: [commune, ccas, porteurs]",
        f"  ordonnateur: {s(prefet_titre + ' (' + t.dept_name + ')')}",
        "  comptable: Directeur départemental des finances publiques",
        "",
        "report_reliquats: true",
        "",
        "gouvernance:",
        "  copil_min_par_an: 2",
        f"  copilotes: {flow_list(['Directeur du CCAS ' + de(t.name), 'DDETS ' + t.dept])}",
        "  invites: [CAF, Opérateur AGIR, Porteurs de projets du CTAI]",
        "  bilan:",
        "    mois: 6",
        "    jour: 1",
        f"    destinataire: {s('DDETS ' + t.dept)}",
        "",
        "agir:",
        f"  operateur: {s(rng.choice(['Fondation COS', 'Coallia', 'Adoma', 'France terre d’asile', 'Forum réfugiés']))}",
        f"  deploiement: 2024-{rng.randint(1, 9):02d}",
        f"  convention_locale: {'true' if rng.random() < 0.7 else 'false'}",
        "",
        f"refugies_info: {'true' if rng.random() < 0.6 else 'false'}",
        "",
        "juridiction: "
        + s(
            "Tribunal administratif de "
            + rng.choice(["Pau", "Bordeaux", "Lyon", "Nantes", "Lille", "Marseille"])
        ),
        "",
        "annexes:",
    ]
    numero = 1
    for year in YEARS:
        lines += [
            f"  - numero: {numero}",
            f"    titre: Principales actions du CTAI {year}",
            f"    fichier: actions/{year}.yaml",
        ]
        numero += 1
    for year in YEARS:
        lines += [
            f"  - numero: {numero}",
            f"    titre: Bilan du CTAI {year}",
            f"    fichier: bilans/{year}.yaml",
        ]
        numero += 1
    return "\n".join(lines) + "\n"


def gen_porteurs(t: Territory) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schemas/porteurs.schema.json",
        f"# Les structures qui portent les actions du CTAI {de(t.name)}.",
        "porteurs:",
    ]
    for p in t.porteurs:
        lines += [
            f"  - id: {p['id']}",
            f"    nom: {s(p['nom'])}",
            f"    type: {p['type']}",
        ]
        if "siret" in p:
            lines.append(f'    siret: "{p["siret"]}"')
        if "siren" in p:
            lines.append(f'    siren: "{p["siren"]}"')
        if "structures" in p:
            lines.append(f"    structures: {flow_list(p['structures'])}")
        if "note" in p:
            lines += folded("note", p["note"], 4)
    return "\n".join(lines) + "\n"


class PlannedAction:
    """An action of one year's annexe, kept to write the matching bilan entry."""

    def __init__(
        self,
        ident: str,
        theme: str,
        publics: list[str],
        objectifs: list[tuple[str, str, int, str]],
        budget_cents: int,
    ) -> None:
        self.id = ident
        self.theme = theme
        self.publics = publics
        self.objectifs = objectifs
        self.budget_cents = budget_cents
        self.etat_cents = 0
        self.report_cents = 0  # BOP 104 reliquat of last year taken in
        self.etat_cents = 0


def gen_actions(t: Territory, year: int, seen: set[str]) -> tuple[str, list[PlannedAction]]:
    rng = t.rng
    chosen = rng.sample(t.templates, min(ACTIONS_PER_YEAR, len(t.templates)))
    # A few templates run twice (two porteurs, two quartiers) to reach 15 actions.
    while len(chosen) < ACTIONS_PER_YEAR:
        chosen.append(rng.choice(t.templates))
    chosen.sort(key=lambda item: t.axe_of[item[0]])
    lines = [
        "# yaml-language-server: $schema=../../../schemas/actions.schema.json",
        f"# Annexe 1 : principales actions du CTAI {de(t.name)} pour l'année {year}.",
        f"annee: {year}",
        *folded(
            "introduction",
            f"Les échanges entre la ville {de(t.name)}, la DDETS {t.dept} et les structures "
            f"impliquées ont acté pour {year} la reconduction des axes de travail du contrat et "
            "l'ajustement de plusieurs actions au vu des bilans.",
            0,
        ),
        "actions:",
    ]
    planned: list[PlannedAction] = []
    used: dict[str, int] = {}
    last_axe = None
    for theme, (base_id, titre, first, objectifs, partenaires) in chosen:
        used[base_id] = used.get(base_id, 0) + 1
        ident = base_id if used[base_id] == 1 else f"{base_id}-{used[base_id]}"
        axe = t.axe_of[theme]
        if axe != last_axe:
            lines.append(f"  # --- Axe {axe}")
            last_axe = axe
        porteur = t.porteur_for(theme)
        publics = (
            list(t.publics)
            if rng.random() < 0.7
            else sorted(rng.sample(t.publics, rng.randint(1, len(t.publics))), key=t.publics.index)
        )
        partenaire = rng.choice(partenaires)
        extra = rng.sample(GENERIC_SENTENCES, 1) if rng.random() < 0.2 else []
        description = " ".join(
            sentence.format(
                territoire=t.name,
                de_territoire=de(t.name),
                a_territoire=a(t.name),
                partenaire=partenaire,
                annee=year,
            )
            for sentence in (first, *extra)
        )
        obj_values = [(oid, lib, rng.randint(lo, hi), unite) for oid, lib, lo, hi, unite in objectifs]
        if len(obj_values) > 1 and rng.random() < 0.5:
            obj_values = obj_values[:1]
        lines += [
            f"  - id: {ident}",
            f"    axe: {axe}",
            f"    porteur: {porteur}",
            f"    titre: {s(titre if used[base_id] == 1 else titre + ' (second site)')}",
        ]
        if ident not in seen:
            if year > YEARS[0]:
                lines.append("    nouvelle: true")
            seen.add(ident)
        lines += folded("description", description, 4)
        lines.append(f"    publics: {flow_list(publics)}")
        if rng.random() < 0.4:
            lines.append(f"    partenaires: {flow_list(rng.sample(partenaires, rng.randint(1, 2)))}")
        if obj_values:
            lines.append("    objectifs:")
            for oid, lib, cible, unite in obj_values:
                lines.append(
                    "      - "
                    + flow_map(
                        [
                            ("id", oid),
                            ("libelle", s(lib, flow=True)),
                            ("cible", str(cible)),
                            ("unite", s(unite, flow=True)),
                        ]
                    )
                )
        lines.append("    budget:")
        if t.bop104[theme]:
            etat_cents, etat_yaml = montant(rng, 2000, 40000)
        else:
            etat_cents, etat_yaml = 0, "0"
        lines.append(f"      etat_bop104: {etat_yaml}")
        if etat_cents:
            lines.append("      versements:")
            versement = [("date", f"{year}-03-{rng.randint(1, 28):02d}"), ("montant", etat_yaml)]
            lines.append("        - " + flow_map([*versement, ("destinataire", porteur)]))
        total = etat_cents
        n_cof = rng.choice((0, 0, 1, 1, 2))
        if n_cof or etat_cents == 0:
            lines.append("      cofinancements:")
            for k in range(max(n_cof, 1 if etat_cents == 0 else 0)):
                financeur = [f"Ville {de(t.name)}", "CAF", "Conseil départemental", "FSE+", "ARS"][
                    (k + len(ident)) % 5
                ]
                cof_cents, cof_yaml = montant(rng, 1000, 25000)
                total += cof_cents
                pairs = [("financeur", s(financeur, flow=True)), ("montant", cof_yaml)]
                if financeur == "ARS":
                    pairs.append(("programme", "FIR"))
                lines.append("        - " + flow_map(pairs))
        if theme != "pilotage" and rng.random() < 0.5:
            lines.append("    agir: {ouverte_public_agir: true, similaire_agir: false}")
        pa = PlannedAction(ident, theme, publics, [(o[0], o[1], o[2], o[3]) for o in obj_values], total)
        pa.etat_cents = etat_cents
        planned.append(pa)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n", planned


def gen_bilan(
    t: Territory, year: int, planned: list[PlannedAction], next_ids: set[str]
) -> tuple[str, dict[str, int]]:
    """The bilan of ``year``, and the reliquats it reports: {action of year + 1: cents}.

    BOP 104 money only: spending is at most what was available (allocation plus reports
    received), every reliquat is declared to the cent with a disposition and a decision;
    a report goes to the action of the same id in next year's annexe (which takes it in),
    never past the contract's last year.
    """
    rng = t.rng
    lines = [
        "# yaml-language-server: $schema=../../../schemas/bilan.schema.json",
        f"# Fiche-bilan de l'année {year} du CTAI {de(t.name)}.",
        f"annee: {year}",
    ]
    if year < YEARS[-1]:
        lines.append(f"date_remise: {year + 1}-05-{rng.randint(2, 29):02d}")
    lines += folded(
        "synthese",
        f"L'année {year} a confirmé la dynamique partenariale du CTAI {de(t.name)}. Les actions "
        "d'accès aux droits et d'apprentissage du français ont accueilli un public plus nombreux, "
        "tandis que l'accès au logement reste la principale difficulté signalée par les porteurs.",
        0,
    )
    lines += [
        "",
        "contexte:",
        "  - titre: Évolution des arrivées sur le territoire",
        *folded(
            "texte",
            f"Le nombre de signataires du contrat d'intégration républicaine résidant {a(t.name)} a "
            f"atteint {rng.randint(80, 900)} personnes en {year}. L'accueil des déplacés ukrainiens "
            "se poursuit, avec une part croissante de ménages installés durablement.",
            4,
        ),
        "",
    ]
    tenus = rng.randint(2, 4)
    n_reunions = rng.randint(2, tenus)
    months = sorted(rng.sample(range(1, 13), n_reunions))
    lines += ["pilotage:", f"  copils_tenus: {tenus}", "  reunions:"]
    for month in months:
        lines += [
            f"    - date: {year}-{month:02d}-{rng.randint(1, 28):02d}",
            f"      objet: {rng.choice(['Lancement de la programmation', 'Bilan intermédiaire', 'Préparation du bilan annuel', 'Suivi des actions'])}",
            f"      participants: {flow_list(['DDETS', 'Ville ' + de(t.name), 'CCAS', 'Opérateur AGIR'])}",
        ]
    lines += [
        "  invites: [CAF, France Travail]",
        "",
        "actions:",
    ]
    reports: dict[str, int] = {}
    for pa in planned:
        lines.append(f"  - action: {pa.id}")
        if pa.theme != "pilotage":
            total = rng.randint(12, 260)
            lines += ["    beneficiaires:", f"      total: {total}"]
            groups: list[tuple[list[str], int]] = []
            if len(pa.publics) > 1 and rng.random() < 0.3:
                groups.append((pa.publics, total))
            else:
                # Usually every beneficiary is counted; sometimes a few are not attributed.
                counted = total if rng.random() < 0.7 else rng.randint(total // 2, total)
                for k, public in enumerate(pa.publics):
                    n = counted if k == len(pa.publics) - 1 else rng.randint(0, counted)
                    counted -= n
                    groups.append(([public], n))
            lines.append("      par_public:")
            for publics, n in groups:
                lines.append("        - " + flow_map([("publics", flow_list(publics)), ("nombre", str(n))]))
            femmes = rng.randint(0, total)
            hommes = total - femmes if rng.random() < 0.8 else rng.randint(0, total - femmes)
            lines.append("      par_sexe: " + flow_map([("femmes", str(femmes)), ("hommes", str(hommes))]))
        if pa.objectifs:
            lines.append("    indicateurs:")
            for oid, lib, cible, unite in pa.objectifs:
                valeur = max(0, int(cible * rng.uniform(0.5, 1.2)))
                lines.append(
                    "      - "
                    + flow_map(
                        [
                            ("libelle", s(lib, flow=True)),
                            ("valeur", str(valeur)),
                            ("unite", s(unite, flow=True)),
                            ("objectif", oid),
                        ]
                    )
                )
        disponible = pa.etat_cents + pa.report_cents
        depense = disponible if rng.random() < 0.4 else int(disponible * rng.uniform(0.7, 1.0))
        lines.append(f"    depenses_realisees: {yaml_cents(depense)}")
        reste = disponible - depense
        if reste > 0:
            report = year < YEARS[-1] and pa.id in next_ids and rng.random() < 0.5
            decision = flow_map(
                [
                    ("date", f"{year + 1}-02-10"),
                    ("reference", s(f"Comité de pilotage du 10 février {year + 1}", flow=True)),
                ]
            )
            lines.append(
                "    reliquat: "
                + flow_map(
                    [
                        ("montant", yaml_cents(reste)),
                        ("disposition", "report" if report else "reversement"),
                        ("decision", decision),
                    ]
                )
            )
            if report:
                reports[pa.id] = reste
        if rng.random() < 0.4:
            lines += folded("qualitatif", rng.choice(QUALITATIF), 4)
    return "\n".join(lines) + "\n", reports


def generate_territory(out: Path, index: int, seed: int) -> Path:
    rng = random.Random(f"{seed}:{index}")
    t = Territory(index, rng)
    folder = out / t.folder
    (folder / "actions").mkdir(parents=True, exist_ok=True)
    (folder / "bilans").mkdir(parents=True, exist_ok=True)
    (folder / "porteurs.yaml").write_text(gen_porteurs(t), encoding="utf-8")
    seen: set[str] = set()
    annexes = [gen_actions(t, year, seen) for year in YEARS]
    envelopes = []
    for k, year in enumerate(YEARS):
        text, planned = annexes[k]
        next_ids = {pa.id for pa in annexes[k + 1][1]} if k + 1 < len(YEARS) else set()
        bilan, reports = gen_bilan(t, year, planned, next_ids)
        (folder / "actions" / f"{year}.yaml").write_text(text, encoding="utf-8")
        (folder / "bilans" / f"{year}.yaml").write_text(bilan, encoding="utf-8")
        if reports:
            following_text, following = annexes[k + 1]
            for pa in following:
                if pa.id in reports:
                    pa.report_cents = reports[pa.id]
                    following_text = _take_report(following_text, pa.id, reports[pa.id], year)
            annexes[k + 1] = (following_text, following)
        allocated = sum(pa.etat_cents for pa in planned)
        envelopes.append((year, -(-allocated // 100_000) * 1000))  # rounded up to 1 000 €
    contrat = gen_contrat(t).rstrip("\n") + "\nenveloppes:\n"
    contrat += "".join(f"  - {{annee: {year}, montant: {euros}}}\n" for year, euros in envelopes)
    (folder / "contrat.yaml").write_text(contrat, encoding="utf-8")
    return folder


def _take_report(annexe: str, ident: str, cents: int, year: int) -> str:
    """Next year's annexe takes in the reliquat reported by ``ident`` (same id)."""
    head = f"  - id: {ident}\n"
    start = annexe.index(head)
    anchor = annexe.index("      etat_bop104: ", start)
    end = annexe.index("\n", anchor) + 1
    decision = flow_map(
        [
            ("date", f"{year + 1}-02-10"),
            ("reference", s(f"Comité de pilotage du 10 février {year + 1}", flow=True)),
        ]
    )
    block = (
        "      report_entrant:\n"
        f"        - {flow_map([('depuis_action', ident), ('montant', yaml_cents(cents)), ('decision', decision)])}\n"
    )
    return annexe[:end] + block + annexe[end:]


def _check_numbers(folders: list[Path]) -> int:
    """Every SIRET/SIREN written must be valid for python-stdnum (what ctai uses)."""
    from stdnum.fr import siren, siret

    count = 0
    for folder in folders:
        for line in (folder / "porteurs.yaml").read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("siret:"):
                value = line.split('"')[1]
                if not siret.is_valid(value):
                    raise SystemExit(f"{folder}: invalid SIRET {value}")
                count += 1
            elif line.startswith("siren:"):
                value = line.split('"')[1]
                if not siren.is_valid(value):
                    raise SystemExit(f"{folder}: invalid SIREN {value}")
                count += 1
    return count


def generate(out: Path, territories: int = 100, seed: int = 0) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    folders = [generate_territory(out, i, seed) for i in range(territories)]
    _check_numbers(folders)
    return folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--territories", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    folders = generate(args.output_dir, args.territories, args.seed)
    files = [p for f in folders for p in f.rglob("*.yaml")]
    size = sum(p.stat().st_size for p in files)
    print(f"{len(folders)} contrats, {len(files)} fichiers, {size / 1e6:.2f} MB dans {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

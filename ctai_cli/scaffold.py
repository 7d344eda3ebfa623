"""A new contract repository, ready to fill in: what ``ctai init`` writes.

:func:`options` checks and normalises the choices (French messages in
:class:`ScaffoldProblem`); :func:`plan` returns every file as text, by POSIX path
relative to the new repository; :func:`conflicts` lists the targets that are already
there, so that nothing is written unless nothing would be replaced (or ``force``).

The files pass ``ctai validate`` as they are, without warnings while no bilan is due:
free text that only the coordinator knows is the placeholder :data:`A_COMPLETER`,
which is a valid text, so that ``grep -rn "À COMPLÉTER"`` lists what remains to do.

Editors: every YAML file starts with ``# yaml-language-server: $schema=…`` pointing at
``schemas/`` *inside the new repository*, where the JSON Schemas are written too. ctai
is not published anywhere a URL could point to, and the layout is the one
``docs/format.md`` (2.10) describes, so ``ctai schema --force`` run at the root of the
repository refreshes them after an upgrade of ctai.

The continuous-integration files and the pre-commit configuration are package templates
(``ctai_cli/data/init/``), rendered by the documents' Jinja layer; ``docs/ci/`` shows the same
CI files (a test checks that they are identical).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ctai_cli import __version__
from ctai_cli.yamlread import quote

A_COMPLETER = "À COMPLÉTER"
"""The placeholder of every free text the coordinator has to write."""

CI_CHOICES = ("github", "gitlab", "aucun")
CI_FILES = {"github": ".github/workflows/ctai.yml", "gitlab": ".gitlab-ci.yml"}

# ctai is not on PyPI: CI and pre-commit install it from its git repository. The address
# is a placeholder that every generated file marks « À ADAPTER ».
CTAI_GIT_URL = "https://example.org/ctai.git"
CTAI_REV = f"v{__version__}"
CTAI_PIP = f"git+{CTAI_GIT_URL}@{CTAI_REV}"

DEPARTEMENT_PROVISOIRE = "01"
"""Used when no --departement is given: the field is required and has a closed list of
values, so the placeholder is a real code, flagged « À COMPLÉTER » in a comment."""

_DEPARTEMENT_AIDE = "deux chiffres de 01 à 95 (sauf 20), 2A, 2B, ou 971 à 976"


class ScaffoldProblem(ValueError):
    """A choice that cannot make a valid contract (French message)."""


@dataclass(frozen=True)
class Options:
    territoire: str
    departement: str
    debut: int
    fin: int
    ci: str
    departement_provisoire: bool = False
    territoire_provisoire: bool = False


def _departement_pattern() -> str:
    """The pattern of ``contrat.yaml``'s ``departement``, from the model itself."""
    from ctai_cli.models import Contrat

    return Contrat.model_json_schema()["properties"]["departement"]["pattern"]


def _annee_bornes() -> tuple[int, int]:
    from ctai_cli.models.contrat import Periode

    prop = Periode.model_json_schema()["properties"]["debut"]
    return prop["minimum"], prop["maximum"]


def options(
    *,
    territoire: str | None,
    departement: str | None,
    debut: int | None,
    fin: int | None,
    ci: str,
    annee_courante: int,
) -> Options:
    """Check and normalise the choices; defaults for what is not given."""
    territoire_provisoire = territoire is None
    if territoire is None:
        territoire = A_COMPLETER
    territoire = territoire.strip()
    if not territoire:
        raise ScaffoldProblem("territoire vide : donnez un nom, par exemple --territoire Dax")
    if any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") for c in territoire):
        raise ScaffoldProblem(
            "territoire invalide : le nom doit tenir sur une ligne, sans caractère de contrôle"
        )

    departement_provisoire = departement is None
    if departement is None:
        departement = DEPARTEMENT_PROVISOIRE
    code = departement.strip().upper()
    if re.fullmatch(r"[1-9]", code):
        code = "0" + code  # --departement 1 means "01"
    if not re.fullmatch(_departement_pattern(), code):
        raise ScaffoldProblem(f"département « {departement} » invalide : attendu {_DEPARTEMENT_AIDE}")

    minimum, maximum = _annee_bornes()
    if debut is None:
        debut = annee_courante
    if fin is None:
        fin = min(debut + 2, maximum)
    for nom, annee in (("--debut", debut), ("--fin", fin)):
        if not minimum <= annee <= maximum:
            raise ScaffoldProblem(
                f"{nom} {annee} invalide : une année entre {minimum} et {maximum} est attendue"
            )
    if fin < debut:
        raise ScaffoldProblem(
            f"--fin {fin} est avant --debut {debut} : la période doit aller du début à la fin"
        )

    choix = ci.strip().lower()
    if choix not in CI_CHOICES:
        raise ScaffoldProblem(
            f"intégration continue « {ci} » inconnue ; choix possibles : {', '.join(CI_CHOICES)}"
        )
    return Options(
        territoire=territoire,
        departement=code,
        debut=debut,
        fin=fin,
        ci=choix,
        departement_provisoire=departement_provisoire,
        territoire_provisoire=territoire_provisoire,
    )


def _modeline(schema: str, depth: int) -> str:
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{schema}\n"


def contrat_yaml(o: Options) -> str:
    intitule = (
        f"Contrat territorial d'accueil et d'intégration (CTAI) des étrangers primo-arrivants, "
        f"{o.debut}-{o.fin} : {o.territoire}"
    )
    departement_note = (
        f"# {A_COMPLETER} : code provisoire, remplacez-le par celui de votre département"
        if o.departement_provisoire
        else "# toujours entre guillemets"
    )
    territoire_note = f"   # {A_COMPLETER} : commune, intercommunalité…" if o.territoire_provisoire else ""
    return (
        _modeline("contrat.schema.json", 0)
        + f"""\
# Contrat territorial d'accueil et d'intégration (CTAI), créé par « ctai init ».
# Remplacez chaque « {A_COMPLETER} » ; les commentaires (après #) donnent des exemples,
# pris pour la plupart dans le CTAI de Dax 2024-2026. Le format de chaque champ est décrit
# dans docs/format.md de ctai. Vérifiez le résultat avec « ctai validate ».
intitule: {quote(intitule)}
territoire: {quote(o.territoire)}{territoire_note}
departement: "{o.departement}"   {departement_note}
statut: projet             # projet, puis signe une fois le contrat signé
periode:                   # article 2
  debut: {o.debut}
  fin: {o.fin}

parties:                   # « Entre … Et … »
  - role: collectivite
    nom: {A_COMPLETER}        # ex. Ville de Dax
    type: commune           # commune, epci, metropole, ccas, departement ou region
    designation: la collectivité
    representant:
      nom: {A_COMPLETER}      # Prénom NOM
      qualite: {A_COMPLETER}  # ex. Maire de Dax
  - role: etat
    nom: {A_COMPLETER}        # ex. État (préfecture des Landes)
    type: prefecture
    designation: l'État
    services: [{A_COMPLETER}] # ex. DDETSPP des Landes
    representant:
      nom: {A_COMPLETER}
      qualite: {A_COMPLETER}  # ex. Préfète des Landes

# Une fois le contrat approuvé et signé, ajoutez la délibération et la signature :
# deliberation:
#   instance: Conseil municipal de …
#   date: AAAA-MM-JJ
# signature:
#   lieu: …
#   date: AAAA-MM-JJ

publics: [EPA, BPI, BPT]   # article 1er ; un contrat réservé aux réfugiés : [BPI]

preambule: |
  {A_COMPLETER} : le diagnostic partagé du territoire (publics accueillis, besoins
  identifiés, acteurs mobilisés), l'engagement de la collectivité et l'articulation avec
  le programme AGIR.

# Article 1er : les axes d'intervention, ceux du modèle national de CTAI (à adapter au
# diagnostic). Un axe qui ne mobilise pas les crédits du programme 104
# (mobilise_bop104: false) ne peut pas en recevoir dans les fiches-actions ; à Dax, le
# pilotage et le parcours sont pris en charge par la collectivité.
axes:
  - numero: 1
    titre: Consolider le pilotage de la politique d'intégration au niveau local
    mobilise_bop104: false
  - numero: 2
    titre: Définir localement un parcours d'intégration globale et renforcé
    mobilise_bop104: false
  - numero: 3
    titre: Améliorer l'accès aux soins
    mobilise_bop104: true
  - numero: 4
    titre: Faciliter l'accès aux droits et aux services
    mobilise_bop104: true
  - numero: 5
    titre: Permettre l'intégration par l'accès à l'emploi et au logement
    mobilise_bop104: true
  - numero: 6
    titre: >-
      Structurer l'offre de l'apprentissage linguistique en perspective d'une orientation
      professionnelle (formation, emploi)
    mobilise_bop104: true

imputation:                # article 4
  mission: Immigration, asile et intégration
  programme: 104           # Intégration et accès à la nationalité française
  action: 12
  # Reprenez la sous-action et le code activité de la convention, par exemple à Dax :
  # sous_action: 2
  # code_activite: "010402020111"

versement:                 # article 4
  modalites: {A_COMPLETER}

report_reliquats: true     # article 3 : les montants non dépensés peuvent être reportés

gouvernance:               # articles 7 et 8
  copil_min_par_an: 2      # comité de pilotage « a minima deux fois par an »
  copilotes: [{A_COMPLETER}]  # ex. Directeur du CCAS, DDETSPP des Landes
  invites: [Opérateur AGIR, Porteurs de projets du CTAI]
  bilan:                   # échéance du bilan de l'année n : le 1er juin de n+1
    mois: 6
    jour: 1
    destinataire: {A_COMPLETER}   # ex. DDETSPP des Landes

agir:                      # article 5
  operateur: {A_COMPLETER}
  convention_locale: false

refugies_info: true        # article 6 : actions référencées sur refugies.info
juridiction: {A_COMPLETER}    # article 13 ; ex. Tribunal administratif de Pau

annexes:                   # article 11
  - numero: 1
    titre: Fiches-actions {o.debut}
    fichier: actions/{o.debut}.yaml
"""
    )


def porteurs_yaml(o: Options) -> str:
    return (
        _modeline("porteurs.schema.json", 0)
        + f"""\
# Les structures qui portent les actions : la collectivité, le CCAS, des associations…
# Chaque action désigne son porteur par son identifiant (id : minuscules, chiffres et
# tirets). Ne renseignez un SIREN ou un SIRET que si vous l'avez sous les yeux.
porteurs:
  - id: collectivite
    nom: {A_COMPLETER}        # la collectivité signataire, ex. Ville de Dax
    type: commune           # commune, ccas, epci, metropole, departement, region,
                            # etablissement_public, association, entreprise ou autre
"""
    )


def actions_yaml(o: Options) -> str:
    return (
        _modeline("actions.schema.json", 1)
        + f"""\
# Annexe 1 : les fiches-actions de l'année {o.debut}. L'action ci-dessous est un exemple à
# adapter ; ajoutez les autres à la suite (un fichier actions/<année>.yaml par année).
annee: {o.debut}
introduction: {A_COMPLETER}
actions:
  - id: coordination       # identifiant unique dans l'année, repris par le bilan
    axe: 1                 # numéro d'un axe de contrat.yaml
    porteur: collectivite  # identifiant d'un porteur de porteurs.yaml
    titre: Coordination et animation du CTAI
    description: >-
      {A_COMPLETER} : qui anime le réseau des partenaires, prépare les comités de
      pilotage et rédige la fiche-bilan annuelle.
    nouvelle: true
    publics: [EPA, BPI, BPT]
    objectifs:             # repris par les indicateurs du bilan (article 8)
      - id: copils
        libelle: Comités de pilotage réunis
        cible: 2
        unite: réunions
    budget:
      etat_bop104: 0       # axe 1 : ne mobilise pas le programme 104 (voir contrat.yaml)
      # cofinancements:
      #   - financeur: Ville de …
      #     montant: 20000   # en euros : entier, ou "20000.50" entre guillemets
"""
    )


def readme_md(o: Options) -> str:
    ci = {
        "github": "`.github/workflows/ctai.yml` (GitHub Actions)",
        "gitlab": "`.gitlab-ci.yml` (GitLab CI/CD)",
    }.get(o.ci)
    ci_line = (
        f"- {ci} : à chaque demande de fusion, valide le contrat\n"
        "  et publie en commentaire ce qui change (voir `docs/ci.md` dans ctai).\n"
        if ci
        else ""
    )
    return f"""\
# CTAI {o.territoire}, {o.debut}-{o.fin}

Ce dépôt contient le contrat territorial d'accueil et d'intégration (CTAI) de
{o.territoire} sous forme de fichiers texte YAML, lus et vérifiés par
[ctai]({CTAI_GIT_URL}) (adresse à adapter).

| Fichier | Contenu |
|---|---|
| `contrat.yaml` | le contrat : parties, période, publics, axes, imputation, gouvernance |
| `porteurs.yaml` | les structures qui portent les actions |
| `actions/<année>.yaml` | l'annexe 1 de chaque année : les fiches-actions |
| `bilans/<année>.yaml` | la fiche-bilan de chaque année (article 8), due le 1er juin de l'année suivante |
| `avenants/<n>.yaml` | les avenants (article 10), numérotés 1, 2, 3… |
| `schemas/` | les schémas JSON pour l'éditeur (complétion, erreurs pendant la frappe) |

Les valeurs « {A_COMPLETER} » sont à remplacer : `grep -rn "{A_COMPLETER}" .` les liste.

## Installer ctai

```sh
pip install "{CTAI_PIP}"
```

## Valider

```sh
ctai validate              # tous les problèmes d'un coup, avec fichier:ligne:colonne
ctai validate --strict     # les avertissements font aussi échouer
ctai explain CTAI-E100     # explication d'un code
```

## Produire les documents

```sh
ctai fiche render --annee {o.debut} --format html --output fiches-{o.debut}.html
ctai bilan render --annee {o.debut} --format html --output bilan-{o.debut}.html
ctai contrat render --format html --output contrat.html
ctai budget reconcile      # alloué, versé, dépensé et reliquats par action
```

En PDF : `--format pdf`, avec l'extra `pdf` de ctai (`pip install "ctai[pdf] @ {CTAI_PIP}"`).
La fiche-bilan d'une année se rédige dans `bilans/<année>.yaml` (par exemple
`bilans/{o.debut}.yaml`, dû le 1er juin {o.debut + 1}).

## Préparer un avenant

Le contrat ne se modifie que par avenant (article 10) :

1. créez une branche (`git switch -c avenant-1`) ;
2. modifiez les fichiers concernés (`contrat.yaml`, `actions/<année>.yaml`…) et décrivez
   l'avenant dans `avenants/1.yaml` (`numero`, `objet`, `modifications`) ;
3. `ctai avenant diff --format md` résume ce qui change par rapport à la branche principale ;
4. proposez la branche en demande de fusion : l'intégration continue valide le contrat et
   publie ce résumé en commentaire.

## Outils du dépôt

- `.pre-commit-config.yaml` : `pip install pre-commit && pre-commit install`, puis chaque
  commit qui touche un fichier YAML lance `ctai validate`.
{ci_line}- Après une mise à jour de ctai, `ctai schema --force` rafraîchit `schemas/`.
"""


def _modele(nom: str) -> str:
    """One of the package templates of ``ctai_cli/data/init/``, rendered by the documents' Jinja layer."""
    from importlib import resources

    from ctai_cli.documents.jinja import environnement

    dossier = Path(str(resources.files("ctai_cli.data").joinpath("init")))
    return (
        environnement(dossier)
        .get_template(nom)
        .render(ctai_pip=CTAI_PIP, ctai_git_url=CTAI_GIT_URL, ctai_rev=CTAI_REV)
    )


_CI_MODELES = {"github": "github-actions.yml.j2", "gitlab": "gitlab-ci.yml.j2"}


def pre_commit_config() -> str:
    return _modele("pre-commit-config.yaml.j2")


def ci_text(ci: str) -> str | None:
    """The CI file for ``--ci`` (the same text as ``docs/ci/``), None for ``aucun``."""
    modele = _CI_MODELES.get(ci)
    return None if modele is None else _modele(modele)


def plan(o: Options) -> dict[str, str]:
    """Every file of the new repository: POSIX path relative to it → text."""
    from ctai_cli.schemas import build_schemas

    files = {
        "contrat.yaml": contrat_yaml(o),
        "porteurs.yaml": porteurs_yaml(o),
        f"actions/{o.debut}.yaml": actions_yaml(o),
        "README.md": readme_md(o),
        ".pre-commit-config.yaml": pre_commit_config(),
    }
    ci = ci_text(o.ci)
    if ci is not None:
        files[CI_FILES[o.ci]] = ci
    for name, text in build_schemas().items():
        files[f"schemas/{name}"] = text
    return files


def conflicts(root: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """``(existing, blocking)``: targets already there (replaced only with ``force``), and
    paths where a folder is needed but something else stands (never replaced)."""
    existing: list[str] = []
    blocking: set[str] = set()
    for rel in files:
        parts = rel.split("/")
        for i in range(1, len(parts)):
            parent = root.joinpath(*parts[:i])
            if os.path.lexists(parent) and not os.path.isdir(parent):
                blocking.add("/".join(parts[:i]))
        target = root / rel
        if os.path.isdir(target):
            blocking.add(rel)
        elif os.path.lexists(target):
            existing.append(rel)
    return existing, sorted(blocking)

"""A new contract repository, ready to fill in: what ``ctai init`` writes.

:func:`options` checks and normalises the choices (French messages in
:class:`ScaffoldProblem`); :func:`plan` returns every file as text, by POSIX path
relative to the new repository; :func:`conflicts` lists the targets that are already
there, so that nothing is written unless nothing would be replaced (or ``force``).

The files pass ``ctai validate`` as they are, without errors: free text that only the
coordinator knows is the placeholder :data:`A_COMPLETER` (a valid text, CTAI-W252), so that
``grep -rn "À COMPLÉTER"`` lists what remains to do; facts of the contract that have no free
text (``mobilise_bop104``, the département, the State's credits…) are « non précisé »
(CTAI-W250), never Dax's values, which stay in comments. The period is never supposed:
``--debut`` and ``--fin`` are required.

Editors: every YAML file starts with ``# yaml-language-server: $schema=…`` pointing at
``schemas/`` *inside the new repository*, where the JSON Schemas are written too. ctai
is not published anywhere a URL could point to, and the layout is the one
``docs/format.md`` (2.10) describes, so ``ctai schema --force`` run at the root of the
repository refreshes them after an upgrade of ctai.

Every file but the schemas is a package template of ``ctai_cli/data/init/`` (the contract
skeleton, porteurs, annexe, README, pre-commit configuration and CI files), rendered by the
documents' Jinja layer (:func:`ctai_cli.documents.jinja.environnement`); ``docs/ci/`` shows the
same CI files (a test checks that they are identical).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ctai_cli import __version__, francais
from ctai_cli.francais import periode
from ctai_cli.models.common import NON_PRECISE

A_COMPLETER = "À COMPLÉTER"
"""The placeholder of every free text the coordinator has to write."""

CI_CHOICES = ("github", "gitlab", "aucun")
CI_FILES = {"github": ".github/workflows/ctai.yml", "gitlab": ".gitlab-ci.yml"}

# ctai is not on PyPI: CI and pre-commit install it from its git repository. The address
# is a placeholder that every generated file marks « À ADAPTER ».
CTAI_GIT_URL = "https://example.org/ctai.git"
CTAI_REV = f"v{__version__}"
CTAI_PIP = f"git+{CTAI_GIT_URL}@{CTAI_REV}"

DEPARTEMENT_INCONNU = NON_PRECISE
"""Written when no --departement is given: never a real code (it would file the contract under
another département in ``ctai aggregate``); ``ctai validate`` flags it (CTAI-W250) and the
line carries « À COMPLÉTER » for grep."""

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

    prop = Contrat.model_json_schema()["properties"]["departement"]
    return next(choix["pattern"] for choix in prop["anyOf"] if "pattern" in choix)


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
        code = DEPARTEMENT_INCONNU
    else:
        code = departement.strip().upper()
        if re.fullmatch(r"[1-9]", code):
            code = "0" + code  # --departement 1 means "01"
        if not re.fullmatch(_departement_pattern(), code):
            raise ScaffoldProblem(f"département « {departement} » invalide : attendu {_DEPARTEMENT_AIDE}")

    minimum, maximum = _annee_bornes()
    # The period (article 2) is never supposed: this year and two more would reach Article 2
    # of the rendered contract as a fact, and the model has no unknown year to flag it.
    if debut is None or fin is None:
        manquent = [nom for nom, annee in (("--debut", debut), ("--fin", fin)) if annee is None]
        raise ScaffoldProblem(
            f"{' et '.join(manquent)} {'manque' if len(manquent) == 1 else 'manquent'} : donnez la "
            f"période du contrat (article 2), par exemple --debut {annee_courante} --fin {annee_courante + 2} "
            "(années de début et de fin, incluses) ; ctai ne la suppose pas"
        )
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
        f"{periode(o.debut, o.fin)} : {o.territoire}"
    )
    departement_note = (
        f'# {A_COMPLETER} : le code de votre département, entre guillemets (ex. "40", "2A", "974")'
        if o.departement_provisoire
        else "# toujours entre guillemets"
    )
    territoire_note = f"   # {A_COMPLETER} : commune, intercommunalité…" if o.territoire_provisoire else ""
    from ctai_cli.yamlwrite import scalaire  # ruamel: only the commands that write YAML load it

    return _modele(
        "contrat.yaml.j2",
        o=o,
        modeline=_modeline("contrat.schema.json", 0).rstrip("\n"),
        intitule=scalaire(intitule),
        territoire=scalaire(o.territoire),
        departement=NON_PRECISE if o.departement_provisoire else f'"{o.departement}"',
        departement_note=departement_note,
        territoire_note=territoire_note,
    )


def porteurs_yaml(o: Options) -> str:
    return _modele("porteurs.yaml.j2", o=o, modeline=_modeline("porteurs.schema.json", 0).rstrip("\n"))


def actions_yaml(o: Options) -> str:
    return _modele("actions.yaml.j2", o=o, modeline=_modeline("actions.schema.json", 1).rstrip("\n"))


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
    # « d'Issoire », « du Puy-en-Velay »: the documents' helper; the placeholder keeps « de ».
    de_territoire = (
        f"de {A_COMPLETER}"
        if o.territoire_provisoire
        else francais.de_territoire(o.territoire, None if o.departement_provisoire else o.departement)
    )
    return _modele("README.md.j2", o=o, ci_line=ci_line, de_territoire=de_territoire)


def _modele(nom: str, **valeurs: object) -> str:
    """One of the package templates of ``ctai_cli/data/init/``, rendered by the documents' Jinja layer."""
    from importlib import resources

    from ctai_cli.documents.jinja import environnement

    dossier = Path(str(resources.files("ctai_cli.data").joinpath("init")))
    return (
        environnement(dossier)
        .get_template(nom)
        .render(
            ctai_pip=CTAI_PIP,
            ctai_git_url=CTAI_GIT_URL,
            ctai_rev=CTAI_REV,
            a_completer=A_COMPLETER,
            **valeurs,
        )
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

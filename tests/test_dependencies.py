"""The dependency ranges of pyproject.toml are the ones we test.

- Every third-party module that ctai, its tests or its benchmarks import is declared,
  in the dependencies (the package), the ``pdf`` extra or the ``dev`` extra (tests).
- No private module of a dependency (``typer._click``, ``yaml._yaml``…) is imported:
  those change without notice between releases.
- Every declared dependency has a lower bound that names a release, and when .ci/run
  installs the lowest versions (``uv pip install --resolution lowest-direct``, with
  ``CTAI_LOWEST_VERSIONS=1``), each installed version is exactly that bound: a bound that
  another requirement silently lifts is a bound nobody tests, so it must be raised.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import sys
import tomllib

import pytest

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOWEST = os.environ.get("CTAI_LOWEST_VERSIONS") == "1"
OWN = {"ctai_cli", "tests", "generate_corpus", "bench_validate", "bench_eligibility", "arbres"}
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(group: str) -> dict[str, str]:
    """``{normalized name: specifier}`` of ``dependencies`` or of an optional extra."""
    project = PYPROJECT["project"]
    lines = project["dependencies"] if group == "dependencies" else project["optional-dependencies"][group]
    found = {}
    for line in lines:
        match = _REQUIREMENT.fullmatch(line)
        assert match, line
        found[_normalize(match[1])] = match[2].strip()
    return found


def _imports(folder: str) -> dict[str, str]:
    """``{top-level module: first file importing it}`` for absolute imports under ``folder``."""
    modules: dict[str, str] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                modules.setdefault(name, str(path.relative_to(ROOT)))
    return modules


def _third_party(modules: dict[str, str]) -> dict[str, str]:
    return {
        name: where
        for name, where in modules.items()
        if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] not in OWN
    }


def _distributions(module: str) -> set[str]:
    return {_normalize(d) for d in importlib.metadata.packages_distributions().get(module.split(".")[0], [])}


@pytest.mark.parametrize(
    ("folder", "groups"),
    [
        ("ctai_cli", ("dependencies", "pdf")),
        ("tests", ("dependencies", "pdf", "dev")),
        ("bench", ("dependencies", "pdf", "dev")),
    ],
)
def test_every_imported_library_is_declared(folder: str, groups: tuple[str, ...]) -> None:
    declared = set().union(*(_requirements(group) for group in groups))
    undeclared = []
    for module, where in sorted(_third_party(_imports(folder)).items()):
        dists = _distributions(module)
        assert dists, f"{module} ({where}) n'est fourni par aucun paquet installé"
        if not dists & declared:
            undeclared.append(f"{module} ({where}) : paquet {', '.join(sorted(dists))} non déclaré")
    assert not undeclared, "\n".join(undeclared)


@pytest.mark.parametrize("folder", ["ctai_cli", "tests", "bench"])
def test_no_private_module_of_a_dependency_is_imported(folder: str) -> None:
    private = [
        f"{module} ({where})"
        for module, where in sorted(_third_party(_imports(folder)).items())
        if any(part.startswith("_") for part in module.split(".")[1:])
    ]
    assert not private, "\n".join(private)


def _lower_bound(specifier: str) -> str | None:
    bounds = [s.strip()[2:].strip() for s in specifier.split(",") if s.strip().startswith(">=")]
    return bounds[0] if bounds else None


def _release(version: str) -> tuple[int, ...]:
    numbers = [int(part) for part in re.findall(r"\d+", version.split("+")[0])]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


DECLARED = {
    name: spec for group in ("dependencies", "pdf", "dev") for name, spec in _requirements(group).items()
}


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_every_dependency_has_a_lower_bound(name: str) -> None:
    assert _lower_bound(DECLARED[name]), f"{name} : borne inférieure (>=) manquante"


@pytest.mark.skipif(
    not LOWEST, reason="only when .ci/run installs the lowest versions (CTAI_LOWEST_VERSIONS=1)"
)
@pytest.mark.parametrize("name", sorted(DECLARED))
def test_lowest_run_installs_each_lower_bound(name: str) -> None:
    bound = _lower_bound(DECLARED[name])
    installed = importlib.metadata.version(name)
    assert _release(installed) == _release(bound), (
        f"{name} : borne inférieure {bound} déclarée, mais la résolution la plus basse installe {installed} "
        f"(une autre dépendance l'impose, ou la borne ne nomme pas une version publiée) : relevez la borne à {installed}"
    )


@pytest.mark.skipif(
    not LOWEST, reason="only when .ci/run installs the lowest versions (CTAI_LOWEST_VERSIONS=1)"
)
def test_lowest_run_uses_the_oldest_python_we_declare() -> None:
    # One interpreter is available to test on: requires-python names no older one.
    floor = _lower_bound(PYPROJECT["project"]["requires-python"])
    assert _release(floor) == sys.version_info[:2], (
        f"requires-python >={floor} déclaré, suite lancée avec Python {sys.version_info[0]}.{sys.version_info[1]}"
    )

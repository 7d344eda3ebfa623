"""Semantic diff of a contract between git revisions (ctai_cli.avenants), with real git repositories."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ctai_cli.avenants import GitProblem, comparer_revisions, en_markdown, en_texte, phrases, revisions
from ctai_cli.avenants.diff import (
    AxeRef,
    Changement,
    DiffContrat,
    EcartEnveloppe,
    comparer,
    differences,
)
from ctai_cli.avenants.gitrev import localiser, ouvrir_revision
from ctai_cli.formatting import euros
from ctai_cli.repository import open_depot
from ctai_cli.validate import ValidateOptions, validate
from tests.conftest import DAX, QUIET_DATE
from tests.gitutil import NEW_ACTION, annexe_2025, commit, edit, git, git_env, make_repo  # noqa: F401

pytestmark = pytest.mark.slow  # runs git


def errors_of(folder: Path) -> list[str]:
    result = validate(ValidateOptions(paths=(folder,), date=date.fromisoformat(QUIET_DATE)))
    return [f"{d.code} {d.path}:{d.line} {d.message}" for d in result.diagnostics if d.is_error]


def budgets_by_axe(folder: Path, year: int) -> dict[int, Decimal]:
    depot, _ = open_depot(folder)
    assert depot is not None
    sums: dict[int, Decimal] = {}
    for action in depot.annexe(year).actions:
        sums[action.axe] = sums.get(action.axe, Decimal(0)) + action.budget.etat_bop104
    return sums


def rows(ecarts) -> list[tuple]:
    return [(e.annee, e.axe, e.avant, e.apres, e.delta) for e in ecarts]


def amount(text: str) -> Decimal:
    return Decimal(text)


# --------------------------------------------------------------------------- the required scenario


def pull_request(tmp_path: Path) -> tuple[Path, Path, str]:
    """main: the contract; branch 'avenant-2025': club-emploi 2025 raised by 3 000 €, one action added;
    main then moves on with an unrelated change that the diff must not show."""
    repo, contract = make_repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "switch", "-q", "-c", "avenant-2025")
    annexe = contract / "actions" / "2025.yaml"
    edit(annexe, "etat_bop104: 8000", "etat_bop104: 11000")  # club-emploi, axe 5
    annexe.write_text(annexe.read_text(encoding="utf-8") + NEW_ACTION, encoding="utf-8")
    commit(repo, "Avenant : club emploi renforcé, atelier numérique")
    git(repo, "switch", "-q", "main")
    edit(contract / "porteurs.yaml", "nom: La Maison du Logement", "nom: Maison du Logement")
    commit(repo, "main continue")
    git(repo, "switch", "-q", "avenant-2025")
    return repo, contract, base


def test_pull_request_raising_a_budget_and_adding_an_action(tmp_path: Path) -> None:
    repo, contract, base = pull_request(tmp_path)
    assert errors_of(contract) == []  # the head is a valid contract
    git(repo, "switch", "-q", "--detach", base)
    assert errors_of(contract) == []  # and so is the base, 2025 annexe included
    before = budgets_by_axe(contract, 2025)
    git(repo, "switch", "-q", "avenant-2025")

    diff = comparer_revisions(contract)  # base: merge base with main; head: the working tree

    assert diff.base_commit == base
    assert diff.head_commit is None
    assert diff.dossier == "contrats/dax"
    assert diff.fichiers_termes_modifies == ("actions/2025.yaml",)
    assert diff.termes_modifies
    assert diff.contrat.vide and diff.porteurs == ()  # main's later porteurs change is not in the branch
    assert diff.bilans.vide and diff.avenants.vide and diff.fichiers_invalides == ()
    [annexe] = diff.annexes
    assert (annexe.annee, annexe.numero, annexe.statut, annexe.champs) == (2025, 1, "modification", ())
    raised, added = annexe.actions
    assert (raised.id, raised.statut, raised.axe) == ("club-emploi", "modification", 5)
    assert raised.changements == (Changement("budget.etat_bop104", Decimal("8000"), Decimal("11000")),)
    assert (raised.budget_avant, raised.budget_apres, raised.ecart) == (8000, 11000, Decimal("3000"))
    assert (added.id, added.statut, added.axe, added.porteur) == (
        "atelier-numerique",
        "ajout",
        4,
        "ville-dax",
    )
    assert (added.budget_avant, added.budget_apres, added.ecart) == (None, 5000, Decimal("5000"))
    assert rows(diff.budget.par_axe) == [
        (2025, 4, before[4], before[4] + 5000, 5000),
        (2025, 5, before[5], before[5] + 3000, 3000),
    ]
    total_2025 = sum(before.values(), Decimal(0))
    assert rows(diff.budget.par_annee) == [(2025, None, total_2025, total_2025 + 8000, 8000)]
    # The contract's total is unknown (no 2026 annexe), as budget reconcile says; the delta is known:
    # the unknown terms (the 2026 annexe) are the same on both sides.
    assert diff.budget.total.avant is None and diff.budget.total.delta == Decimal("8000")
    assert not diff.budget.complet
    assert all(isinstance(row.delta, Decimal) for row in (*diff.budget.par_axe, *diff.budget.par_annee))

    assert phrases(diff) == [
        "Annexe 1 (2025) : le budget État de l'action « club-emploi » passe de "
        "8\u202f000,00\xa0€ à 11\u202f000,00\xa0€ (+3\u202f000,00\xa0€).",
        "Annexe 1 (2025) : ajout de l'action « atelier-numerique », intitulée « Atelier numérique » "
        "(axe 4, porteur Ville de Dax, 5\u202f000,00\xa0€).",
    ]
    assert phrases(diff, termes_seulement=True) == phrases(diff)

    data = json.loads(json.dumps(diff.to_dict()))
    assert data["budget"]["par_axe"] == [
        {
            "annee": 2025,
            "axe": 4,
            "avant": f"{before[4]:.2f}",
            "apres": f"{before[4] + 5000:.2f}",
            "delta": "5000.00",
            "complet": True,
        },
        {
            "annee": 2025,
            "axe": 5,
            "avant": f"{before[5]:.2f}",
            "apres": f"{before[5] + 3000:.2f}",
            "delta": "3000.00",
            "complet": True,
        },
    ]
    action = data["annexes"][0]["actions"][0]
    assert action["budget"] == {
        "avant": "8000.00",
        "apres": "11000.00",
        "delta": "3000.00",
        "inconnu_avant": None,
        "inconnu_apres": None,
    }
    assert action["changements"] == [
        {"chemin": "budget.etat_bop104", "avant": "8000.00", "apres": "11000.00"}
    ]
    assert data["base"]["commit"] == base and data["head"]["commit"] is None
    assert data["phrases"] == phrases(diff)

    markdown = en_markdown(diff)
    assert markdown.startswith("## Modifications du contrat de Dax\n")
    assert (
        f"| 2025 | axe 5 | {euros(before[5])} | {euros(before[5] + 3000)} | +{euros(Decimal(3000))} |"
        in markdown
    )
    assert (
        f"| 2025 | axe 4 | {euros(before[4])} | {euros(before[4] + 5000)} | +{euros(Decimal(5000))} |"
        in markdown
    )
    assert "| **2025** | **total** |" in markdown
    assert "#### Annexe 1 (2025)" in markdown
    assert "`actions/2025.yaml`" in markdown
    assert "| 2024 |" not in markdown  # years without a change stay out of the table
    text = en_texte(diff)
    assert "Termes du contrat modifiés : actions/2025.yaml." in text
    assert "  - ajout de l'action « atelier-numerique »" in text
    assert re.search(r"2025\s+axe 5\s+.*\+3\u202f000,00\xa0€", text)


def test_explicit_head_and_base_revisions(tmp_path: Path) -> None:
    repo, contract, base = pull_request(tmp_path)
    # Against main's tip, main's own later commit shows up (reversed: the branch lacks it).
    diff = comparer_revisions(contract, base="main", head="avenant-2025")
    assert [p.id for p in diff.porteurs] == ["maison-logement"]
    assert diff.head_commit == git(repo, "rev-parse", "avenant-2025")
    assert diff.base.startswith("main (")
    # The same branch, head given as a revision: merge base computed from that head.
    git(repo, "switch", "-q", "main")
    diff = comparer_revisions(contract, head="avenant-2025")
    assert diff.base_commit == base
    assert [a.id for a in diff.annexes[0].actions] == ["club-emploi", "atelier-numerique"]
    # No change at all between a revision and itself.
    same = comparer_revisions(contract, base="HEAD", head="HEAD")
    assert (
        same.vide and "Aucune modification." in en_texte(same) and "Aucune modification." in en_markdown(same)
    )


# --------------------------------------------------------------------------- other kinds of change


def test_removed_action_and_changed_title(tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path, sub="")
    annexe = contract / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    annexe.write_text(text[: text.index("  - id: fle-emploi")], encoding="utf-8")
    edit(annexe, "titre: Accompagnement à la parentalité au LAEP", "titre: Parentalité au LAEP")

    diff = comparer_revisions(contract)

    [annexe_diff] = diff.annexes
    assert annexe_diff.annee == 2024
    renamed, removed = annexe_diff.actions
    assert renamed.id == "parentalite-laep" and renamed.statut == "modification"
    assert renamed.changements == (
        Changement("titre", "Accompagnement à la parentalité au LAEP", "Parentalité au LAEP"),
    )
    assert renamed.ecart == 0
    assert (removed.id, removed.statut, removed.axe, removed.budget_avant) == (
        "fle-emploi",
        "suppression",
        6,
        27000,
    )
    assert removed.ecart == Decimal("-27000")
    assert rows(diff.budget.par_axe) == [(2024, 6, Decimal(36000), Decimal(9000), Decimal(-27000))]
    assert diff.budget.par_annee[0].delta == Decimal("-27000")
    assert phrases(diff) == [
        "Annexe 1 (2024) : le titre de l'action « parentalite-laep » passe de "
        "« Accompagnement à la parentalité au LAEP » à « Parentalité au LAEP ».",
        "Annexe 1 (2024) : suppression de l'action « fle-emploi », intitulée « FLE à visée professionnelle "
        "et ateliers sur les valeurs de la République » (axe 6, porteur Groupe SOS Solidarités, 27\u202f000,00\xa0€).",
    ]
    assert (
        "| 2024 | axe 6 | 36\u202f000,00\xa0€ | 9\u202f000,00\xa0€ | −27\u202f000,00\xa0€ |"
        in en_markdown(diff)
    )
    assert diff.dossier == "."


def test_contract_publics_axes_dates_and_envelopes(tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    path = contract / "contrat.yaml"
    edit(path, "publics: [EPA, BPI, BPT]", "publics: [EPA, BPI]")
    edit(path, "  date: 2024-10-17", "  date: 2024-10-18")
    edit(
        path,
        "titre: Améliorer l'accès aux soins\n",
        "titre: Améliorer l'accès aux soins et à la prévention\n",
    )
    edit(
        path,
        "\n# Article 4 : imputation",
        "  - numero: 7\n    titre: Lutter contre les discriminations\n    mobilise_bop104: true\n"
        "enveloppes:\n  - {annee: 2025, montant: 160000}\n\n# Article 4 : imputation",
    )
    edit(path, "periode:\n  debut: 2024\n  fin: 2026", "periode:\n  debut: 2024\n  fin: 2027")

    diff = comparer_revisions(contract)
    convention = diff.contrat

    assert convention.publics_retires == ("BPT",) and convention.publics_ajoutes == ()
    assert convention.axes_ajoutes == (AxeRef(7, "Lutter contre les discriminations"),)
    assert convention.axes_retires == ()
    assert [(a.numero, a.apres) for a in convention.axes_renommes] == [
        (3, "Améliorer l'accès aux soins et à la prévention")
    ]
    assert convention.dates == (Changement("deliberation.date", date(2024, 10, 17), date(2024, 10, 18)),)
    assert convention.enveloppes == (EcartEnveloppe(2025, None, Decimal(160000)),)
    assert Changement("periode.fin", 2026, 2027) in convention.champs
    assert diff.fichiers_termes_modifies == ("contrat.yaml",)
    assert diff.annexes == ()
    sentences = phrases(diff)
    assert sentences == [
        "Contrat : retrait du public BPT.",
        "Contrat : ajout de l'axe 7 « Lutter contre les discriminations ».",
        "Contrat : l'axe 3 est renommé « Améliorer l'accès aux soins et à la prévention » "
        "(auparavant : « Améliorer l'accès aux soins »).",
        "Contrat : l'enveloppe de l'État pour 2025 est fixée à 160\u202f000,00\xa0€.",
        "Contrat : la dernière année de la période (periode.fin) passe de 2026 à 2027.",
        "Contrat : la date de la délibération (deliberation.date) passe du 17 octobre 2024 au 18 octobre 2024.",
    ]
    # The délibération records the signing: not a term an avenant lists.
    # In an avenant (terms only): French labels, no field key.
    assert phrases(diff, termes_seulement=True) == [
        *sentences[:4],
        "Contrat : la dernière année de la période passe de 2026 à 2027.",
    ]
    data = diff.to_dict()["contrat"]
    assert data["dates"] == [{"chemin": "deliberation.date", "avant": "2024-10-17", "apres": "2024-10-18"}]
    assert data["enveloppes"] == [{"annee": 2025, "avant": None, "apres": "160000.00", "delta": "160000.00"}]
    assert data["axes_ajoutes"] == [{"numero": 7, "titre": "Lutter contre les discriminations"}]


def test_recording_the_signature_is_not_a_change_of_terms(tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    edit(contract / "contrat.yaml", "signature:\n  lieu: Dax", "signature:\n  lieu: Dax\n  date: 2024-11-05")
    diff = comparer_revisions(contract)
    assert diff.contrat.dates == (Changement("signature.date", None, date(2024, 11, 5)),)
    assert not diff.termes_modifies and not diff.vide
    assert phrases(diff) == [
        "Contrat : la date de signature (signature.date) est renseignée : 5 novembre 2024."
    ]
    assert phrases(diff, termes_seulement=True) == []
    assert "Termes du contrat inchangés" in en_texte(diff)


def test_porteurs_objectives_partners_bilans_and_avenants(tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    porteurs = contract / "porteurs.yaml"
    edit(porteurs, "nom: Groupe SOS Solidarités", "nom: Groupe SOS Solidarités (Landes)")
    porteurs.write_text(
        porteurs.read_text(encoding="utf-8") + "  - id: croix-rouge\n    nom: Croix-Rouge française\n"
        "    type: association\n",
        encoding="utf-8",
    )
    annexe = contract / "actions" / "2025.yaml"
    edit(
        annexe,
        "cible: 24, unite: permanences}",
        "cible: 30, unite: permanences}\n      - {id: menages, "
        "libelle: Ménages accompagnés, cible: 12, unite: ménages}",
    )
    edit(annexe, "partenaires: [France Travail]", "partenaires: [France Travail, Mission locale]")
    (contract / "avenants").mkdir()
    (contract / "avenants" / "1.yaml").write_text(
        "numero: 1\nobjet: Avenant financier 2025\n", encoding="utf-8"
    )
    edit(contract / "bilans" / "2024.yaml", "copils_tenus: 2", "copils_tenus: 3")

    diff = comparer_revisions(contract)

    assert [(p.id, p.statut) for p in diff.porteurs] == [
        ("sos-solidarites", "modification"),
        ("croix-rouge", "ajout"),
    ]
    assert diff.avenants.ajoutes == (1,) and diff.bilans.modifies == (2024,)
    assert diff.fichiers_termes_modifies == ("actions/2025.yaml",)  # porteurs, bilans, avenants are not terms
    assert diff.budget.vide
    [club, permanences] = diff.annexes[0].actions
    assert club.changements == (
        Changement("partenaires", ["France Travail"], ["France Travail", "Mission locale"]),
    )
    assert [c.chemin for c in permanences.changements] == [
        "objectifs[permanences].cible",
        "objectifs[menages]",
    ]
    assert phrases(diff) == [
        "Annexe 1 (2025) : les partenaires de l'action « club-emploi » : ajout de « Mission locale ».",
        "Annexe 1 (2025) : la cible de l'objectif « permanences » de l'action « permanences-logement » "
        "passe de 24 à 30.",
        "Annexe 1 (2025) : ajout de l'objectif « menages » à l'action « permanences-logement » "
        "(« Ménages accompagnés », cible : 12 ménages).",
        "Porteurs : le porteur « Groupe SOS Solidarités » est renommé « Groupe SOS Solidarités (Landes) ».",
        "Porteurs : ajout du porteur « Croix-Rouge française » (association).",
    ]
    assert len(phrases(diff, termes_seulement=True)) == 3
    text = en_texte(diff)
    assert "Avenants : avenant n° 1 ajouté (avenants/1.yaml)." in text
    assert "bilan 2024 modifié (bilans/2024.yaml)" in text
    assert "### Budget" not in en_markdown(diff)


def test_formatting_and_comments_are_not_changes(tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    annexe = contract / "actions" / "2025.yaml"
    annexe.write_text("# commentaire ajouté\n" + annexe.read_text(encoding="utf-8"), encoding="utf-8")
    edit(annexe, "etat_bop104: 8000", 'etat_bop104: "8000.00"')  # same amount, other spelling
    edit(
        annexe, "    nouvelle: true\n    description: >-\n      Le Club", "    description: >-\n      Le Club"
    )
    edit(annexe, "    titre: « Club »", "    nouvelle: true\n    titre: « Club »")  # key order
    diff = comparer_revisions(contract)
    assert diff.vide, phrases(diff)


# --------------------------------------------------------------------------- working tree and default base


def test_working_tree_head_includes_uncommitted_and_untracked_files(tmp_path: Path) -> None:
    repo, contract = make_repo(tmp_path)
    edit(contract / "actions" / "2025.yaml", "etat_bop104: 8000", "etat_bop104: 9000")
    (contract / "actions" / "2026.yaml").write_text(
        "annee: 2026\nactions:\n  - id: club-emploi\n    axe: 5\n    porteur: ccas-dax\n"
        "    titre: Club emploi\n    publics: [EPA]\n    budget: {etat_bop104: 7000}\n",
        encoding="utf-8",
    )
    head = git(repo, "rev-parse", "HEAD")

    diff = comparer_revisions(contract)  # on main itself: base = HEAD, the uncommitted changes

    assert diff.base_commit == head
    assert diff.base == f"HEAD ({head[:7]}, sans divergence avec main)"
    assert diff.head == "l'arbre de travail (modifications non validées comprises)"
    assert [(a.annee, a.statut) for a in diff.annexes] == [(2025, "modification"), (2026, "ajout")]
    assert diff.annexes[1].actions[0].ecart == Decimal("7000")
    # Before, 2026 had no annexe: its budget was unknown, not 0 (and so was the contract's total).
    assert [(r.annee, r.avant, r.apres, r.delta) for r in diff.budget.par_annee] == [
        (2025, Decimal(150000), Decimal(151000), 1000),
        (2026, None, 7000, None),
    ]
    total = diff.budget.total
    assert (total.avant, total.apres, total.delta) == (None, total.apres_montant.somme.connu, None)
    assert total.avant_montant.raison == "annexe 2026 absente" and total.apres is not None
    text = en_texte(diff)
    assert re.search(r"2026\s+total\s+inconnu\s+7\u202f000,00\xa0€\s+inconnu\n", text)
    assert "Total du contrat, avant : inconnu — annexe 2026 absente." in text
    assert phrases(diff)[1] == (
        "Annexe 1 (2026) : ajout de l'annexe des actions de 2026 (1 action, budget État total de 7\u202f000,00\xa0€)."
    )
    # The committed head ignores what is not committed.
    assert comparer_revisions(contract, head="HEAD").vide


def test_default_base_prefers_the_remote_default_branch(tmp_path: Path) -> None:
    origin, _ = make_repo(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(clone, "remote", "set-head", "origin", "--delete")  # as in some CI checkouts: origin/main still found
    # The remote's main moves on (a new action 2025); the clone fetches it; local main stays behind.
    annexe = origin / "contrats" / "dax" / "actions" / "2025.yaml"
    annexe.write_text(annexe.read_text(encoding="utf-8") + NEW_ACTION, encoding="utf-8")
    moved = commit(origin, "atelier numérique")
    git(clone, "fetch", "-q")
    git(clone, "switch", "-q", "-c", "retitre", "origin/main")
    contract = clone / "contrats" / "dax"
    edit(
        contract / "actions" / "2025.yaml", "titre: Parcours d'intégration globale", "titre: Parcours global"
    )
    commit(clone, "titre")

    diff = comparer_revisions(contract)

    assert diff.base_commit == moved  # merge base with origin/main, not with the stale local main
    assert diff.base == f"{moved[:7]} (point de départ de HEAD depuis origin/main)"
    [annexe_diff] = diff.annexes
    assert [(a.id, a.statut) for a in annexe_diff.actions] == [("parcours-integration", "modification")]


def test_default_base_follows_origin_head(tmp_path: Path) -> None:
    origin, _ = make_repo(tmp_path)
    git(origin, "branch", "-q", "-m", "main", "principale")  # neither main nor master
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    assert git(clone, "symbolic-ref", "refs/remotes/origin/HEAD") == "refs/remotes/origin/principale"
    start = git(clone, "rev-parse", "HEAD")
    git(clone, "switch", "-q", "-c", "travail")
    contract = clone / "contrats" / "dax"
    edit(contract / "contrat.yaml", "juridiction: Tribunal administratif de Pau", "juridiction: TA de Pau")
    commit(clone, "juridiction")
    diff = comparer_revisions(contract)
    assert diff.base_commit == start and "origin/principale" in diff.base
    assert diff.contrat.champs == (Changement("juridiction", "Tribunal administratif de Pau", "TA de Pau"),)


def test_ouvrir_revision_shows_paths_as_in_the_working_tree(tmp_path: Path) -> None:
    repo, contract = make_repo(tmp_path)
    edit(contract / "actions" / "2025.yaml", "etat_bop104: 8000", "etat_bop104: 8000.5")
    commit(repo, "montant flottant")
    emplacement, base, _ = revisions(contract, base="HEAD")
    assert (emplacement.racine, emplacement.sous_dossier) == (repo.resolve(), "contrats/dax")
    with ouvrir_revision(emplacement, base) as (depot, diagnostics):
        assert depot.root.name == "contrat" and depot.root != contract
        assert not (depot.root / "notes.pdf").exists()
        assert depot.actions[2025].model is None
        assert depot.actions[2025].path == f"{contract.as_posix()}/actions/2025.yaml"
        [problem] = [d for d in diagnostics if d.is_error]
        assert problem.code == "CTAI-E103" and problem.path == depot.actions[2025].path
        root = depot.root
    assert not root.exists()  # the temporary folder is gone after the block


def test_invalid_file_is_recorded_not_compared(tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    edit(contract / "actions" / "2025.yaml", "etat_bop104: 8000", "etat_bop104: 8000.5")  # a float: invalid
    edit(contract / "actions" / "2024.yaml", "etat_bop104: 8000", "etat_bop104: 9000")

    diff = comparer_revisions(contract)

    assert [(f.cote, f.fichier) for f in diff.fichiers_invalides] == [("head", "actions/2025.yaml")]
    assert diff.fichiers_termes_modifies == ("actions/2024.yaml", "actions/2025.yaml")
    assert [a.annee for a in diff.annexes] == [2024]
    assert not diff.budget.complet
    assert "actions/2025.yaml (head) : structure non conforme au format, non comparé." in en_texte(diff)
    assert (
        "- Total du contrat, après : inconnu — annexe 2026 absente, annexe 2025 invalide, non comparée."
        in en_markdown(diff)
    )


def test_symlinks_inside_the_repository_are_followed(tmp_path: Path) -> None:
    repo, contract = make_repo(tmp_path)
    shared = repo / "commun"
    shared.mkdir()
    (contract / "porteurs.yaml").rename(shared / "porteurs.yaml")
    (contract / "porteurs.yaml").symlink_to(Path("..", "..", "commun", "porteurs.yaml"))
    (contract / "actions" / "2025.yaml").unlink()
    (contract / "actions" / "2025.yaml").symlink_to("/nonexistent/outside.yaml")
    commit(repo, "liens")
    emplacement, base, _ = revisions(contract, base="HEAD")
    with ouvrir_revision(emplacement, base) as (depot, diagnostics):
        assert depot.porteurs_model is not None and len(depot.porteurs_model.porteurs) == 6
        assert depot.actions[2025].model is None
        assert [d.code for d in diagnostics if d.path.endswith("actions/2025.yaml")] == ["CTAI-E001"]


# --------------------------------------------------------------------------- errors


def test_not_a_git_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(DAX, plain)
    with pytest.raises(GitProblem, match=r"« .*plain » n'est pas dans un dépôt git"):
        comparer_revisions(plain)
    with pytest.raises(GitProblem, match="n'existe pas"):
        comparer_revisions(tmp_path / "absent")


def test_unknown_or_invalid_revisions(tmp_path: Path) -> None:
    _, contract = make_repo(tmp_path)
    with pytest.raises(GitProblem, match="révision inconnue « nulle-part » : ni branche, ni étiquette"):
        comparer_revisions(contract, base="nulle-part")
    with pytest.raises(GitProblem, match=r"révision inconnue « origin/main » .*git fetch"):
        comparer_revisions(contract, head="origin/main")
    with pytest.raises(GitProblem, match="révision invalide « --output=x »"):
        comparer_revisions(contract, base="--output=x")
    with pytest.raises(GitProblem, match="révision inconnue"):
        comparer_revisions(contract, base="HEAD~5")


def test_contract_absent_at_the_base_revision(tmp_path: Path) -> None:
    repo = tmp_path / "depot"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("Contrats\n", encoding="utf-8")
    first = commit(repo, "vide")
    shutil.copytree(DAX, repo / "dax")
    commit(repo, "contrat")
    with pytest.raises(
        GitProblem, match=rf"le dossier du contrat « .*dax » n'existe pas à la révision {first[:7]}"
    ):
        comparer_revisions(repo / "dax", base=first)
    (repo / "ailleurs").mkdir()
    (repo / "ailleurs" / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    commit(repo, "autre dossier")
    with pytest.raises(GitProblem, match=r"n'est pas un dossier de contrat : contrat\.yaml est absent"):
        comparer_revisions(repo / "ailleurs", base="HEAD")


def test_git_missing_no_commit_and_no_default_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "depot"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "tronc")
    shutil.copytree(DAX, repo / "dax")
    with pytest.raises(GitProblem, match="aucun commit"):
        comparer_revisions(repo / "dax")
    commit(repo, "contrat")
    with pytest.raises(GitProblem, match=r"branche par défaut introuvable .* --base"):
        comparer_revisions(repo / "dax")
    assert comparer_revisions(repo / "dax", base="tronc").vide
    monkeypatch.setenv("PATH", str(tmp_path / "vide"))
    with pytest.raises(GitProblem, match="git est introuvable"):
        localiser(repo / "dax")


def test_unrelated_histories(tmp_path: Path) -> None:
    repo, contract = make_repo(tmp_path)
    git(repo, "switch", "-q", "--orphan", "autre")
    shutil.copytree(DAX, contract)
    commit(repo, "histoire sans lien")
    with pytest.raises(GitProblem, match="aucun commit en commun"):
        comparer_revisions(contract)


# --------------------------------------------------------------------------- pieces


def test_differences_descend_dicts_and_keyed_lists() -> None:
    avant = {
        "a": {"b": 1, "c": None},
        "axes": [{"numero": 1, "t": "x"}, {"numero": 2, "t": "y"}],
        "l": [1, 2],
    }
    apres = {
        "a": {"b": 2, "c": None},
        "axes": [{"numero": 2, "t": "z"}, {"numero": 3, "t": "w"}],
        "l": [2, 1],
    }
    assert differences("", avant, apres) == [
        Changement("a.b", 1, 2),
        Changement("axes[1]", {"numero": 1, "t": "x"}, None),
        Changement("axes[2].t", "y", "z"),
        Changement("axes[3]", None, {"numero": 3, "t": "w"}),
        Changement("l", [1, 2], [2, 1]),  # other lists: compared as wholes
    ]
    assert differences("", {"x": None}, {"x": []}) == []  # absent and empty are the same
    # Duplicated keys: the list is compared as a whole rather than guessed.
    dup = [{"numero": 1}, {"numero": 1}]
    assert differences("axes", dup, [{"numero": 1}]) == [Changement("axes", dup, [{"numero": 1}])]


def test_markdown_escapes_titles(tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(DAX, base)
    head = tmp_path / "head"
    shutil.copytree(DAX, head)
    edit(
        head / "actions" / "2024.yaml",
        "titre: Accompagnement à la parentalité au LAEP",
        "titre: A | *B* <b>_c_",
    )
    depot_base, _ = open_depot(base)
    depot_head, _ = open_depot(head)
    diff = comparer(depot_base, depot_head)
    assert isinstance(diff, DiffContrat) and diff.base == "base"
    markdown = en_markdown(diff)
    assert r"« A \| \*B\* &lt;b&gt;\_c\_ »" in markdown
    assert "<b>" not in markdown
    assert "« A | *B* <b>_c_ »" in phrases(diff)[0]

"""« non précisé » through the whole chain: validate warns, money totals are unknown (never zero,
with the partial sum of the known terms labelled), documents print it as written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import DAX


def _copie(tmp_path: Path) -> Path:
    root = tmp_path / "dax"
    shutil.copytree(DAX, root)
    annexe = root / "actions" / "2024.yaml"
    text = annexe.read_text(encoding="utf-8")
    start = text.index("  - id: pas-hopital")
    at = text.index("etat_bop104: 38000", start)
    annexe.write_text(
        text[:at] + "etat_bop104: non précisé" + text[at + len("etat_bop104: 38000") :], encoding="utf-8"
    )
    bilan = root / "bilans" / "2024.yaml"
    bilan.write_text(
        bilan.read_text(encoding="utf-8").replace("copils_tenus: 2", "copils_tenus: non précisé", 1),
        encoding="utf-8",
    )
    return root


def test_validate_warns_and_compares_nothing_unknown(ctai, tmp_path: Path) -> None:
    done = ctai("validate", _copie(tmp_path), "--date", "2025-01-01", "--format", "json")
    assert done.code == 0, done.out
    codes = sorted(d["code"] for d in json.loads(done.out)["diagnostics"])
    # No W213 (fewer copils than the minimum) nor W224 (versements against the allocation): an
    # unknown is compared with nothing.
    # (W246: the example's illustrative 749,60 € reversement, which has no decision.)
    assert codes == ["CTAI-W246", "CTAI-W250", "CTAI-W250"]


def test_money_totals_are_unknown_with_a_labelled_partial_sum(ctai, tmp_path: Path) -> None:
    done = ctai("budget", "reconcile", _copie(tmp_path), "--annee", "2024", "--format", "json")
    assert done.code == 0, done.err
    report = json.loads(done.out)
    text = json.dumps(report, ensure_ascii=False)
    assert '"alloue": null' in text  # the action's allocation, and the year's total
    assert "112000.00" in text  # 150 000 known before, minus the PAS's 38 000: the partial sum
    out = ctai("budget", "reconcile", _copie(tmp_path / "b"), "--annee", "2024").out
    assert "somme partielle (montants connus seulement) : alloué 112 000,00 €" in out.replace(
        "\u202f", " "
    ).replace("\xa0", " ")


def test_documents_print_it(ctai, tmp_path: Path) -> None:
    root = _copie(tmp_path)
    fiche = ctai("fiche", "render", root, "pas-hopital", "--annee", "2024").out
    assert "crédits de l'État (BOP 104) **non précisés**" in fiche  # agreed with « crédits »
    assert "total —." in fiche  # État unknown + co-financements: the total is unknown, not 12 000
    bilan = ctai("bilan", "render", root, "--annee", "2024").out
    assert "**Comités de pilotage** : nombre tenu non précisé" in bilan

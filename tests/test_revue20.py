"""Review 20 (findings 4, 5, 6, 8, 9, 10): unknown money said as such, never hidden nor zero;
SARIF URIs; model text around « non précisé »; messages. The cases are real contracts under
tests/revue20/ (pdd: a Puy-de-Dôme contract with an unknown État budget; cof_unknown: a bilan
declaring a co-funder while another action is missing from it)."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

CASES = Path(__file__).parent / "revue20"


def _copie(tmp_path: Path, nom: str) -> Path:
    root = tmp_path / nom
    shutil.copytree(CASES / nom, root)
    return root


def _plain(text: str) -> str:
    return html.unescape(text).replace("\u202f", " ").replace("\xa0", " ")


# Finding 4: the fiche-bilan never hides unknown État credits, and a known 0 is known.


def test_bilan_says_unknown_state_credits_and_keeps_the_axe_table(ctai, tmp_path: Path) -> None:
    root = _copie(tmp_path, "pdd")
    for fmt in ("md", "html"):
        done = ctai("bilan", "render", root, "--annee", "2026", "--format", fmt)
        assert done.code == 0, done.err
        out = _plain(done.out)
        # formation-francais: etat_bop104 « non précisé », no depenses_realisees.
        assert (
            "Crédits de l'État : inconnus (budget non précisé dans l'annexe ; dépenses absentes du bilan)."
            in out
        )
        # The annexe gives axe 1 = 0,00 €: the table is printed, not « Montants non renseignés ».
        assert "Montants non renseignés" not in out
        assert "0,00 €" in out.split("Cofinancements (hors")[0].split("Dépenses et crédits")[1]

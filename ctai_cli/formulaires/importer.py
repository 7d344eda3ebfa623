"""``ctai bilan import``: filled forms in, bilans/<N>.yaml updated, or nothing written.

The result is validated as ``ctai validate`` would (the new bilan with every other file
of the contract): any error and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic
from ctai_cli.formulaires.fusion import Fusion, fusionner
from ctai_cli.formulaires.generer import identite
from ctai_cli.formulaires.lire import Cellule, lire
from ctai_cli.francais import nombre_de


class ImportProblem(Exception):
    """The import cannot start (French message; exit code 2)."""


@dataclass
class ResultatImport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    annee: int | None = None
    cible: Path | None = None  # bilans/<N>.yaml
    chemin: str = ""  # as shown
    avant: str = ""
    apres: str = ""
    fusion: Fusion = field(default_factory=Fusion)
    refus: list[Diagnostic] = field(default_factory=list)  # errors of the result: nothing written
    formulaires: int = 0

    @property
    def a_ecrire(self) -> bool:
        return self.fusion.modifie and not self.refus and self.apres != self.avant


def importer(root: Path, fichiers: list[Path], annee: int | None, force: bool, jour: date) -> ResultatImport:
    from ctai_cli.checks import Contexte, run_checks
    from ctai_cli.repository import open_depot, validate_document
    from ctai_cli.yamlread import parse_text, read_bytes
    from ctai_cli.yamlwrite import EditionImpossible, charger

    depot, problems = open_depot(root)
    if depot is None:
        raise ImportProblem(problems[0].message)
    errors = [d for d in problems + run_checks(depot, Contexte(date=jour)) if d.is_error]
    if errors:
        raise ImportProblem(
            f"{nombre_de(len(errors), 'erreur')} dans le contrat : "
            f"{'corrigez-la' if len(errors) == 1 else 'corrigez-les'} d'abord "
            f"(ctai validate {root.as_posix()})"
        )
    result = ResultatImport()
    ident = identite(depot)
    lus = []
    for fichier in fichiers:
        lu, diagnostics = lire(fichier, fichier.as_posix(), ident, annee)
        result.diagnostics.extend(diagnostics)
        if lu is not None:
            lus.append(lu)
    result.formulaires = len(lus)
    years = sorted({lu.annee for lu in lus})
    if len(years) > 1:
        raise ImportProblem(
            f"formulaires de plusieurs années ({', '.join(map(str, years))}) : précisez --annee ; rien n'a été écrit"
        )
    if not years:
        return result
    year = result.annee = years[0]
    annexe = depot.annexe(year)
    if annexe is None:
        raise ImportProblem(f"pas d'annexe d'actions pour {year} (actions/{year}.yaml)")
    fichier_bilan = depot.bilans.get(year)
    if fichier_bilan is None:
        raise ImportProblem(
            f"bilans/{year}.yaml n'existe pas : créez-le d'abord avec « annee: {year} » et le pilotage "
            "(voir « ctai explain format »), puis relancez l'import"
        )
    result.cible = root / "bilans" / f"{year}.yaml"
    result.chemin = fichier_bilan.path
    saisies: dict[str, dict[str, Cellule]] = {}
    origine: dict[str, str] = {}
    for lu in lus:
        for action_id, cells in lu.actions.items():
            action = annexe.action(action_id)
            ou = next((c.ou.rsplit("!", 1)[0] for c in cells.values()), lu.chemin)
            if action is None or action.porteur != lu.porteur:
                detail = (
                    f"l'action « {action_id} » n'est pas dans l'annexe {year}"
                    if action is None
                    else f"l'action « {action_id} » n'est plus portée par « {lu.porteur} » dans l'annexe {year}"
                )
                result.diagnostics.append(make("CTAI-E406", ou, detail=detail))
                continue
            if action_id in saisies:
                result.diagnostics.append(
                    make(
                        "CTAI-E406",
                        ou,
                        detail=f"l'action « {action_id} » figure déjà dans {origine[action_id]}",
                    )
                )
                continue
            saisies[action_id] = cells
            origine[action_id] = lu.chemin
    text, problems = read_bytes(result.cible, result.chemin)
    if text is None:
        raise ImportProblem(problems[0].message)
    result.avant = result.apres = text
    original = fichier_bilan.document, fichier_bilan.model
    # The result must pass validation, with every other file of the contract. An error inside
    # the entry of an action comes from that action's values: it is reported at the form's cell
    # (or sheet) and that action is left out, so that one porteur's mistake does not stop the
    # others'; then the rest is validated again (an error left elsewhere: nothing is written).
    while True:
        try:
            document = charger(text)
        except EditionImpossible as exc:
            raise ImportProblem(f"{result.chemin} : {exc} ; rien n'a été écrit") from None
        result.fusion = fusionner(document.data, original[1], annexe, saisies, force, document)
        result.refus = []
        if not result.fusion.modifie:
            break
        result.apres = document.texte()
        parsed, problems = parse_text(result.apres, fichier_bilan.path)
        model = None
        if parsed is not None:
            model, problems = validate_document(parsed, type(fichier_bilan.model), problems)
        if model is None:
            result.refus = [d for d in problems if d.is_error]
        else:
            fichier_bilan.document, fichier_bilan.model = parsed, model
            result.refus = [d for d in run_checks(depot, Contexte(date=jour)) if d.is_error]
            fichier_bilan.document, fichier_bilan.model = original
        en_cause = _refus_par_action(result.refus, result.chemin, result.apres, saisies)
        if not result.refus or not en_cause:
            break
        for action_id, refus in en_cause.items():
            feuille = next((c.ou.rsplit("!", 1)[0] for c in saisies[action_id].values()), origine[action_id])
            for d, cellule in refus:
                result.diagnostics.append(
                    replace(
                        d,
                        path=cellule or feuille,
                        line=0,
                        col=0,
                        message=f"{d.message} (après import ; les valeurs de l'action « {action_id} » "
                        "ne sont pas importées)",
                    )
                )
            del saisies[action_id]
    result.diagnostics.extend(result.fusion.diagnostics)
    if not result.fusion.modifie:
        result.apres = result.avant
    # What is left refers to the merged text, never written: no line of it to point at.
    result.refus = [
        replace(d, line=0, col=0, message=f"{d.message} (résultat de l'import, non écrit)")
        if d.path == result.chemin
        else d
        for d in result.refus
    ]
    return result


def _refus_par_action(
    refus: list[Diagnostic], chemin: str, texte: str, saisies: dict[str, dict[str, Cellule]]
) -> dict[str, list[tuple[Diagnostic, str | None]]]:
    """The errors of the merged bilan that lie inside the entry of an action read from a form,
    by action, each with the form's cell of the value it points at (None: that action's sheet).
    The others (in another file, or outside these entries) are left out: when the actions
    found are set aside, they go too or they stop the import."""
    from ctai_cli.yamlwrite import charger

    try:
        actions = charger(texte).data.get("actions") or []
        debuts = [(actions.lc.item(i)[0] + 1, i) for i in range(len(actions))]
    except Exception:  # not a mapping, not loadable: the errors stay where they are
        return {}
    out: dict[str, list[tuple[Diagnostic, str | None]]] = {}
    for d in refus:
        if d.path != chemin or d.line == 0:
            continue
        index = next((i for debut, i in reversed(debuts) if debut <= d.line), None)
        entry = actions[index] if index is not None else None
        action_id = entry.get("action") if hasattr(entry, "get") else None
        if action_id not in saisies:
            continue
        try:
            cle = _cle_du_formulaire(entry, d.line - 1, saisies[action_id])
        except Exception:  # a shape the form does not write: the sheet is precise enough
            cle = None
        cells = saisies[action_id]
        if cle is not None and cle.endswith(":*"):  # a whole list: its first row the porteur filled
            cle = next((k for k, c in cells.items() if k.startswith(cle[:-1]) and c.valeur is not None), None)
        cellule = cells.get(cle) if cle is not None else None
        out.setdefault(action_id, []).append(
            (d, cellule.ou if cellule and cellule.valeur is not None else None)
        )
    return out


def _cle_du_formulaire(entry: Any, ligne: int, cles: Iterable[str]) -> str | None:
    """The key (among ``cles``, the form's) of the row whose value is written at 0-based
    ``ligne`` of a bilan entry; « prefix:* » for a whole list (its first row filled)."""
    from ctai_cli.formulaires.lignes import publics_of_key

    def avant(noeud: Any) -> Any:
        lignes = (
            [(k, noeud.lc.key(k)[0]) for k in noeud]
            if hasattr(noeud, "keys")
            else [(i, noeud.lc.item(i)[0]) for i in range(len(noeud))]
        )
        return next((k for k, debut in reversed(lignes) if debut <= ligne), None)

    haut = avant(entry)
    if haut in ("depenses_realisees", "qualitatif"):
        return haut
    valeur = entry.get(haut)
    if haut == "beneficiaires":
        sous = avant(valeur)
        if sous in ("total", "file_active"):
            return f"beneficiaires:{sous}"
        if sous == "par_sexe":
            return "sexe:*"
        if sous == "par_public":
            groupes = valeur["par_public"]
            i = avant(groupes)
            if i is None or groupes.lc.item(i)[0] != ligne:
                return "publics:*"
            publics = set(groupes[i]["publics"])
            return next(
                (k for k in cles if k.startswith("publics:") and set(publics_of_key(k)) == publics), None
            )
    if haut == "reliquat":
        return f"reliquat:{avant(valeur)}"
    if haut == "cofinancements":
        i = avant(valeur)
        return f"cofinancement:{valeur[i]['financeur']}" if i is not None else None
    if haut == "indicateurs":
        i = avant(valeur)
        return f"objectif:{valeur[i]['objectif']}" if i is not None and valeur[i].get("objectif") else None
    return None

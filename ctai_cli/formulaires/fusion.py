"""Merging the values read from the forms into bilans/<N>.yaml (round-trip, ruamel).

A value absent from the file is added where the format puts it (field order of
docs/format.md); a value present and equal changes nothing; a value present and
different is a conflict: reported (CTAI-W405) and left alone, unless ``force``, which
replaces that value only (its line, not the lines around it). An empty cell never
removes anything: « non renseigné » is not « zéro ».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ctai_cli.catalog import make
from ctai_cli.diagnostics import Diagnostic, apercu
from ctai_cli.formulaires.lignes import publics_of_key
from ctai_cli.formulaires.lire import Cellule
from ctai_cli.models import Annexe, Bilan, BilanAction

_ORDRE = {
    "action": (
        "action",
        "beneficiaires",
        "indicateurs",
        "depenses_realisees",
        "reliquat",
        "cofinancements",
        "qualitatif",
    ),
    "beneficiaires": ("total", "file_active", "par_public", "par_sexe", "note"),
    "reliquat": ("montant", "disposition", "vers_action", "decision", "note"),
    "par_sexe": ("femmes", "hommes"),
}
_LIBELLES = {
    "depenses_realisees": "dépenses réalisées",
    "qualitatif": "bilan qualitatif",
    "total": "total des bénéficiaires",
    "montant": "montant",
    "disposition": "destination du reliquat",
    "vers_action": "action du report",
    "note": "explication",
    "file_active": "file active de la structure",
    "femmes": "femmes",
    "hommes": "hommes",
    "nombre": "nombre",
    "valeur": "réalisé",
}


@dataclass
class Fusion:
    ajouts: list[str] = field(default_factory=list)
    remplacements: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def modifie(self) -> bool:
        return bool(self.ajouts or self.remplacements)


def _yaml_value(value: Any) -> Any:
    from ctai_cli.yamlwrite import montant, texte_bloc

    if isinstance(value, Decimal):
        return montant(value)
    if isinstance(value, str):
        return texte_bloc(value)  # several lines: a « |- » block, as a person writes it
    return value


def _affiche(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        from ctai_cli.formatting import euros

        return euros(value)
    return apercu(str(value), 60)


class _Fusionneur:
    def __init__(self, data: Any, bilan: Bilan, annexe: Annexe, force: bool, document: Any = None) -> None:
        self.data = data
        self.document = document  # yamlwrite.Document: keeps a replaced line's comment spacing
        self.bilan = bilan
        self.annexe = annexe
        self.force = force
        self.out = Fusion()

    # --- one value --------------------------------------------------------------------
    def poser(self, mapping: Any, ordre: str, key: str, present: Any, cell: Cellule, contexte: str) -> None:
        """Put ``cell.valeur`` at ``mapping[key]``; ``present`` is the validated value there (or None)."""
        new = cell.valeur
        if new is None:
            return
        label = f"{contexte} : {_LIBELLES.get(key, key)}"
        if present is None or key not in mapping:
            _inserer(mapping, _ORDRE[ordre], key, _yaml_value(new))
            self.out.ajouts.append(f"{label} = {_affiche(new)}")
            return
        if present == new:
            return
        if not self.force:
            self.out.diagnostics.append(
                make(
                    "CTAI-W405",
                    cell.ou,
                    detail=f"{label} : le formulaire dit « {_affiche(new)} », le bilan « {_affiche(present)} »",
                )
            )
            return
        if self.document is not None:
            from ctai_cli.yamlwrite import remplacer

            remplacer(self.document, mapping, key, _yaml_value(new))
        else:
            mapping[key] = _yaml_value(new)
        self.out.remplacements.append(f"{label} : {_affiche(present)} → {_affiche(new)}")

    # --- one action -------------------------------------------------------------------
    def action(self, action_id: str, cells: dict[str, Cellule]) -> None:
        from ctai_cli.yamlwrite import CommentedMap, CommentedSeq, ajouter

        if not any(c.valeur is not None for c in cells.values()):
            return
        actions = self.data.get("actions")
        if actions is None:
            actions = CommentedSeq()
            _inserer(
                self.data,
                ("annee", "cadre", "date_remise", "synthese", "contexte", "pilotage", "actions"),
                "actions",
                actions,
            )
        index = next((i for i, e in enumerate(self.bilan.actions) if e.action == action_id), None)
        if index is None:
            entry = CommentedMap()
            entry["action"] = action_id
            ajouter(actions, entry)
            model: BilanAction | None = None
        else:
            entry, model = actions[index], self.bilan.actions[index]
        contexte = f"action {action_id}"
        self._objectifs(entry, model, action_id, cells, contexte)
        self._beneficiaires(entry, model, cells, contexte)
        self.poser(
            entry,
            "action",
            "depenses_realisees",
            model and model.depenses_realisees,
            cells.get("depenses_realisees", Cellule(None, "")),
            contexte,
        )
        self._reliquat(entry, model, cells, contexte)
        self._cofinancements(entry, model, cells, contexte)
        self.poser(
            entry,
            "action",
            "qualitatif",
            model and model.qualitatif,
            cells.get("qualitatif", Cellule(None, "")),
            contexte,
        )

    def _objectifs(
        self, entry: Any, model: BilanAction | None, action_id: str, cells: dict[str, Cellule], contexte: str
    ) -> None:
        from ctai_cli.yamlwrite import CommentedSeq, ajouter, flow, texte

        action = self.annexe.action(action_id)
        for key, cell in cells.items():
            if not key.startswith("objectif:") or cell.valeur is None:
                continue
            ident = key.removeprefix("objectif:")
            objectif = next((o for o in action.objectifs if o.id == ident), None) if action else None
            if objectif is None:
                continue
            existing = [
                i for i, ind in enumerate(model.indicateurs if model else []) if ind.objectif == ident
            ]
            sub = f"{contexte}, objectif {ident}"
            if existing:
                i = existing[0]
                self.poser(
                    entry["indicateurs"][i], "indicateur", "valeur", model.indicateurs[i].valeur, cell, sub
                )
                continue
            liste = entry.get("indicateurs")
            if liste is None:
                liste = CommentedSeq()
                _inserer(entry, _ORDRE["action"], "indicateurs", liste)
            ajouter(
                liste,
                flow(
                    {
                        "libelle": texte(objectif.libelle),
                        "valeur": cell.valeur,
                        "unite": texte(objectif.unite),
                        "objectif": ident,
                    }
                ),
            )
            self.out.ajouts.append(f"{sub} : réalisé = {cell.valeur}")

    def _beneficiaires(
        self, entry: Any, model: BilanAction | None, cells: dict[str, Cellule], contexte: str
    ) -> None:
        from ctai_cli.yamlwrite import CommentedMap, CommentedSeq, ajouter, flow, seq

        given = {
            k: c
            for k, c in cells.items()
            if k.startswith(("publics:", "sexe:", "beneficiaires:")) and c.valeur is not None
        }
        if not given or (
            set(given) == {"beneficiaires:file_active"} and not given["beneficiaires:file_active"].valeur
        ):
            return  # « non » alone, without a total: nothing to write
        benef_model = model.beneficiaires if model else None
        total = cells.get("beneficiaires:total")
        if benef_model is None and (total is None or total.valeur is None):
            first = next(iter(given.values()))
            self.out.diagnostics.append(
                make(
                    "CTAI-E404",
                    total.ou if total else first.ou,
                    detail="le total des bénéficiaires est requis avec leur répartition",
                )
            )
            return
        benef = entry.get("beneficiaires")
        if benef is None:
            benef = CommentedMap()
            _inserer(entry, _ORDRE["action"], "beneficiaires", benef)
        if total is not None:
            self.poser(benef, "beneficiaires", "total", benef_model and benef_model.total, total, contexte)
        file_active = cells.get("beneficiaires:file_active")
        # « non » is the model's default: written only to replace a « file_active: true ».
        if file_active is not None and (file_active.valeur or "file_active" in benef):
            present = benef_model.file_active if benef_model and "file_active" in benef else None
            self.poser(benef, "beneficiaires", "file_active", present, file_active, contexte)
        groups = benef_model.par_public if benef_model else []
        # A public is counted in one group only (CTAI-E208): the groups of the bilan, then the
        # rows of the form one public at a time, then the « sans ventilation » rows.
        compte: dict[str, tuple[str, bool]] = {}  # public -> (its group, in the bilan already)
        for g in groups:
            for public in g.publics:
                compte[public] = (", ".join(g.publics), True)
        rows = sorted(
            ((k, c) for k, c in given.items() if k.startswith("publics:")),
            key=lambda kc: len(publics_of_key(kc[0])),
        )
        for key, cell in rows:
            publics = publics_of_key(key)
            sub = f"{contexte}, {', '.join(publics)}"
            index = next((i for i, g in enumerate(groups) if set(g.publics) == set(publics)), None)
            if index is not None:
                self.poser(benef["par_public"][index], "groupe", "nombre", groups[index].nombre, cell, sub)
                continue
            deja = next((p for p in publics if p in compte), None)
            if deja is not None:
                self.out.diagnostics.append(
                    make("CTAI-E404", cell.ou, detail=_deux_fois(publics, deja, *compte[deja], cells))
                )
                continue
            for public in publics:
                compte[public] = (", ".join(publics), False)
            liste = benef.get("par_public")
            if liste is None:
                liste = CommentedSeq()
                _inserer(benef, _ORDRE["beneficiaires"], "par_public", liste)
            ajouter(liste, flow({"publics": seq(publics, flow_style=True), "nombre": cell.valeur}))
            self.out.ajouts.append(f"{sub} : nombre = {cell.valeur}")
        sexe_cells = {k.removeprefix("sexe:"): c for k, c in given.items() if k.startswith("sexe:")}
        if sexe_cells:
            sexe_model = benef_model.par_sexe if benef_model else None
            sexe = benef.get("par_sexe")
            if sexe is None:
                sexe = CommentedMap()
                _inserer(benef, _ORDRE["beneficiaires"], "par_sexe", sexe)
            for key, cell in sexe_cells.items():
                self.poser(
                    sexe, "par_sexe", key, getattr(sexe_model, key) if sexe_model else None, cell, contexte
                )

    def _reliquat(
        self, entry: Any, model: BilanAction | None, cells: dict[str, Cellule], contexte: str
    ) -> None:
        from ctai_cli.yamlwrite import CommentedMap

        given = {
            k.removeprefix("reliquat:"): c
            for k, c in cells.items()
            if k.startswith("reliquat:") and c.valeur is not None
        }
        if not given:
            return
        present = model.reliquat if model else None
        if present is None:
            missing = [k for k in ("montant", "disposition") if k not in given]
            if missing:
                where = cells.get(f"reliquat:{missing[0]}")
                if where is not None and where.refusee:
                    return  # its wrong value is already reported at that cell: one error, not two
                self.out.diagnostics.append(
                    make(
                        "CTAI-E404",
                        where.ou if where else next(iter(given.values())).ou,
                        detail="un reliquat a un montant et une destination : les deux sont requis",
                    )
                )
                return
            reliquat = CommentedMap()
            _inserer(entry, _ORDRE["action"], "reliquat", reliquat)
        else:
            reliquat = entry["reliquat"]
        for key in _ORDRE["reliquat"]:
            if key in given:
                self.poser(
                    reliquat,
                    "reliquat",
                    key,
                    getattr(present, key) if present else None,
                    given[key],
                    f"{contexte}, reliquat",
                )

    def _cofinancements(
        self, entry: Any, model: BilanAction | None, cells: dict[str, Cellule], contexte: str
    ) -> None:
        from ctai_cli.yamlwrite import CommentedSeq, ajouter, flow, montant, texte

        present = (model.cofinancements or []) if model else []
        for key, cell in cells.items():
            if not key.startswith("cofinancement:") or cell.valeur is None:
                continue
            financeur = key.removeprefix("cofinancement:")
            sub = f"{contexte}, cofinancement « {financeur} »"
            index = next((i for i, c in enumerate(present) if c.financeur == financeur), None)
            if index is not None:
                self.poser(
                    entry["cofinancements"][index],
                    "cofinancement",
                    "montant",
                    present[index].montant,
                    cell,
                    sub,
                )
                continue
            liste = entry.get("cofinancements")
            if liste is None:
                liste = CommentedSeq()
                _inserer(entry, _ORDRE["action"], "cofinancements", liste)
            ajouter(liste, flow({"financeur": texte(financeur), "montant": montant(cell.valeur)}))
            self.out.ajouts.append(f"{sub} : montant = {_affiche(cell.valeur)}")


def _ligne(publics: str) -> str:
    """The label of the form's row of a group (lignes.lignes_action)."""
    return f"dont {publics}" if "," not in publics else f"dont {publics} sans ventilation"


def _deux_fois(
    publics: list[str], public: str, groupe: str, du_bilan: bool, cells: dict[str, Cellule]
) -> str:
    """Why the row of ``publics`` is not read: ``public`` is already counted in ``groupe``."""
    autre = next(
        (
            c
            for k, c in cells.items()
            if k.startswith("publics:") and set(publics_of_key(k)) == set(groupe.split(", "))
        ),
        None,
    )
    ou = f" ({autre.ou.rsplit('!', 1)[-1]})" if autre is not None and autre.valeur is not None else ""
    source = f"à la ligne « {_ligne(groupe)} »{ou}" if ou else f"dans le groupe « {groupe} » du bilan"
    if du_bilan:
        conseil = (
            f"le groupe « {groupe} » est déjà dans le bilan, et une cellule vidée n'y efface rien : "
            "la coordination corrige bilans/<année>.yaml, puis importe à nouveau"
        )
    elif len(publics) > 1:
        conseil = (
            "laissez « sans ventilation » vide quand une partie est répartie par public (le reste du "
            "total reste non réparti), ou ne remplissez qu'elle"
        )
    else:
        conseil = "videz la ligne « sans ventilation » de ce public pour le compter à part"
    return (
        f"« {_ligne(', '.join(publics))} » : {public} est déjà compté {source} ; un public ne se compte "
        f"que sur une ligne : {conseil}"
    )


_ORDRE.update(
    {
        "indicateur": ("libelle", "valeur", "unite", "objectif", "note"),
        "groupe": ("publics", "nombre", "note"),
        "cofinancement": ("financeur", "montant", "note"),
    }
)


def _inserer(mapping: Any, ordre: tuple[str, ...], key: str, value: Any) -> None:
    """``mapping[key] = value``, placed after the keys the format puts before it."""
    if key in mapping:
        mapping[key] = value
        return
    rank = ordre.index(key) if key in ordre else len(ordre)
    position = 0
    for i, existing in enumerate(mapping):
        if existing in ordre and ordre.index(existing) < rank:
            position = i + 1
    from ctai_cli.yamlwrite import inserer

    inserer(mapping, position, key, value)


def fusionner(
    data: Any,
    bilan: Bilan,
    annexe: Annexe,
    saisies: dict[str, dict[str, Cellule]],
    force: bool,
    document: Any = None,
) -> Fusion:
    """Merge ``saisies`` (action id -> key -> cell) into ``data``, the round-trip bilan, in place
    (``document``, the yamlwrite.Document of ``data``, keeps the comments' spacing)."""
    fusionneur = _Fusionneur(data, bilan, annexe, force, document)
    for action_id, cells in saisies.items():
        fusionneur.action(action_id, cells)
    return fusionneur.out

"""Batch eligibility: stream CSV or JSONL rows, one verdict per row id, a summary by public.

Privacy by default: a row's output carries its id, public, verdict and the names of
the missing facts, never the facts themselves (``avec_donnees`` adds the reasons).
Errors name the field and the code, not the value.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from ctai_cli.eligibility.parametres import charger
from ctai_cli.eligibility.personne import Personne
from ctai_cli.eligibility.regles import DepartEpa, evaluer, titres_inconnus

_BOOLEENS = {
    "true": True,
    "vrai": True,
    "oui": True,
    "1": True,
    "false": False,
    "faux": False,
    "non": False,
    "0": False,
}
_BOOL_COLUMNS = (
    "mineur_non_accompagne",
    "sejour_irregulier",
    "residence_ukraine_24_02_2022",
    "protection_en_ukraine",
    "membre_famille_bpt",
    "resident_permanent_ukraine_sans_retour",
    "intention_installation",
    "suivi_agir",
)
CSV_COLUMNS = (
    "id",
    "nationalite",
    "titres_sejour",  # "type:debut[:fin]" separated by ";"
    "protection_type",
    "protection_autorite",
    "protection_date",
    "demande_asile_depot",
    "demande_asile_decision",
    "cir_signature",
    *_BOOL_COLUMNS,
)


class RowError(Exception):
    def __init__(self, code: str, champ: str) -> None:
        super().__init__(f"{code} ({champ})")
        self.code, self.champ = code, champ


def personne_depuis_csv(row: dict[str, str | None]) -> dict[str, Any]:
    """A flat CSV row → the nested shape of a person file (empty cell = unknown fact)."""
    unknown = [k for k in row if k not in CSV_COLUMNS]
    if unknown:
        raise RowError("CTAI-E100", str(unknown[0]))
    cell = {k: (v or "").strip() for k, v in row.items() if k is not None}
    out: dict[str, Any] = {}
    for key in ("id", "nationalite"):
        if cell.get(key):
            out[key] = cell[key]
    if cell.get("titres_sejour"):
        titres = []
        for item in cell["titres_sejour"].split(";"):
            parts = item.strip().split(":")
            if len(parts) not in (2, 3):
                raise RowError("CTAI-E102", "titres_sejour")
            titre = {"type": parts[0], "debut": parts[1]}
            if len(parts) == 3 and parts[2]:
                titre["fin"] = parts[2]
            titres.append(titre)
        out["titres_sejour"] = titres
    if cell.get("protection_type"):
        protection = {"type": cell["protection_type"]}
        for key in ("autorite", "date"):
            if cell.get(f"protection_{key}"):
                protection[key] = cell[f"protection_{key}"]
        out["protection"] = protection
    if cell.get("demande_asile_depot"):
        out["demande_asile"] = {"depot": cell["demande_asile_depot"]}
        if cell.get("demande_asile_decision"):
            out["demande_asile"]["decision"] = cell["demande_asile_decision"]
    if cell.get("cir_signature"):
        out["cir"] = {"signature": cell["cir_signature"]}
    for key in _BOOL_COLUMNS:
        value = cell.get(key, "")
        if value:
            if value.lower() not in _BOOLEENS:
                raise RowError("CTAI-E102", key)
            out[key] = _BOOLEENS[value.lower()]
    return out


def lire_lignes(path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """Yield (line number, person data or error) without loading the file in memory."""
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix.lower() == ".jsonl":
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError:
                    yield number, RowError("CTAI-E005", "json")
                    continue
                yield number, data if isinstance(data, dict) else RowError("CTAI-E013", "json")
        else:
            reader = csv.DictReader(handle)
            for row in reader:
                try:
                    yield reader.line_num, personne_depuis_csv(row)
                except RowError as exc:
                    yield reader.line_num, exc


_ERROR_CODES = {
    "extra_forbidden": "CTAI-E100",
    "ctai_date": "CTAI-E104",
    "ctai_pays": "CTAI-E107",
    "literal_error": "CTAI-E105",
    "missing": "CTAI-E101",
}


@dataclass
class Resume:
    lignes: int = 0
    par_resultat: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"lignes": self.lignes, **{k: self.par_resultat[k] for k in sorted(self.par_resultat)}}


def traiter(
    path: Path,
    jour: date,
    out: TextIO,
    *,
    fmt: str,
    depart: DepartEpa,
    avec_donnees: bool,
    publics_contrat: list[str] | None = None,
) -> Resume:
    params = charger()
    resume = Resume()
    for number, data in lire_lignes(path):
        resume.lignes += 1
        row_id = data.get("id") if isinstance(data, dict) else None
        record: dict[str, Any] = {"ligne": number, "id": row_id}
        try:
            if isinstance(data, RowError):
                raise data
            try:
                personne = Personne.model_validate(data)
            except ValidationError as exc:
                first = exc.errors(include_url=False)[0]
                champ = ".".join(str(p) for p in first["loc"])
                raise RowError(_ERROR_CODES.get(first["type"], "CTAI-E102"), champ) from None
            inconnus = titres_inconnus(personne, jour, params)
            if inconnus:
                raise RowError("CTAI-E105", f"titres_sejour.{inconnus[0]}.type")
            verdict = evaluer(personne, jour, params, depart)
            if publics_contrat is not None:
                verdict.restreindre(publics_contrat)
            record.update(
                public=verdict.public,
                eligible=verdict.eligible,
                verdict=verdict.verdict,
                faits_manquants=[f.fait for f in verdict.faits_manquants],
            )
            if avec_donnees:
                record["raisons"] = [r.to_dict() for r in verdict.raisons]
            key = verdict.public if verdict.eligible else verdict.verdict
        except RowError as exc:
            record.update(verdict="erreur", erreur={"code": exc.code, "champ": exc.champ})
            key = "erreur"
        resume.par_resultat[key] += 1
        if fmt == "json":
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            if key == "erreur":
                detail = f"erreur {record['erreur']['code']} ({record['erreur']['champ']})"
            else:
                detail = record["verdict"] + (f" {record['public']}" if record["public"] else "")
                if record["faits_manquants"]:
                    detail += " — manque : " + ", ".join(record["faits_manquants"])
            out.write(f"{row_id if row_id is not None else '-'}\tligne {number}\t{detail}\n")
    return resume

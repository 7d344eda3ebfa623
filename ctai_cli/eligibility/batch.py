"""Batch eligibility: stream CSV or JSONL rows, one verdict per row id, a summary by public.

Privacy by default: a row's output carries its id, public, verdict and the names of
the missing facts, never the facts themselves (``avec_donnees`` adds the reasons).
Errors name the field of the format and the code, never a value, an unknown key or a
header cell: a CSV without its header row would otherwise print its first person.

Hostile input stays a per-row error: a line is read at most ``LIGNE_MAX`` characters
at a time, a CSV cell is bounded by the csv module's field limit, and JSON that nests
too deep or holds a huge number is refused without crashing.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from ctai_cli.eligibility.parametres import charger
from ctai_cli.eligibility.personne import (
    _AUTORITES as _AUTORITES_PROTECTION,
)
from ctai_cli.eligibility.personne import (
    INVALIDE,
    Cir,
    DemandeAsile,
    FinProtection,
    Personne,
    Protection,
    TitreSejour,
    date_valide,
    instance,
    pays_valide,
)
from ctai_cli.eligibility.regles import DepartEpa, Verdict, evaluer, types_connus
from ctai_cli.formatting import milliers
from ctai_cli.francais import VERDICTS, sans_accents
from ctai_cli.terminal import sur

LIGNE_MAX = 262_144
# The csv module's limit is process-wide, and libraries change it (frictionless raises it on
# import): ours is set while our reader runs, not taken from whatever was set before.
CELLULE_MAX = 131_072
"""Characters in one line of a batch file; a longer line is an error, skipped unread."""
CHIFFRES_MAX = 30
"""Digits in a JSON number: a person file holds none (dates are texts), so a few are enough to say so."""

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
BOOL_COLUMNS = (
    "demandeur_asile",
    "mineur_non_accompagne",
    "sejour_irregulier",
    "residence_ukraine_24_02_2022",
    "protection_en_ukraine",
    "membre_famille_bpt",
    "resident_permanent_ukraine_sans_retour",
    "intention_installation",
    "suivi_agir",
    "titres_anterieurs_inconnus",
)
_BOOL_COLUMNS = BOOL_COLUMNS  # former name, kept for callers
CSV_COLUMNS = (
    "id",
    "nationalite",  # one code, or several separated by ";"
    "date_naissance",
    "titres_sejour",  # "type:debut[:fin[:recepisse_fin]]" separated by ";"
    "protection_type",
    "protection_autorite",
    "protection_date",
    "protection_fin",
    "protection_fin_motif",
    "demande_asile_depot",
    "demande_asile_decision",
    "cir_signature",
    *BOOL_COLUMNS,
)
_PROTECTION_COLUMNS = ("protection_autorite", "protection_date", "protection_fin", "protection_fin_motif")

_TITRES = {
    "CTAI-E005": "ligne JSON invalide",
    "CTAI-E012": "imbrication trop profonde",
    "CTAI-E013": "objet JSON attendu (une personne par ligne)",
    "CTAI-E014": "nombre trop long",
    "CTAI-E100": "clé inconnue",
    "CTAI-E101": "champ obligatoire manquant",
    "CTAI-E102": "valeur invalide",
    "CTAI-E104": "date invalide",
    "CTAI-E105": "valeur non autorisée",
    "CTAI-E106": "valeur hors limites",
    "CTAI-E107": "code pays inconnu",
}
CLE_INCONNUE = "<clé inconnue>"
ID_MAX = 200
"""Characters of an id echoed in the output (the person file allows no more)."""


class RowError(Exception):
    """A row that cannot be evaluated: a code, the field of the format, a French message without data."""

    def __init__(self, code: str, champ: str, message: str | None = None) -> None:
        self.code, self.champ = code, champ
        self.message = message or f"{_TITRES.get(code, 'valeur invalide')} : « {champ} »"
        super().__init__(f"{code} ({champ})")

    def __reduce__(self) -> tuple[Any, ...]:  # sent between processes
        return (RowError, (self.code, self.champ, self.message))


class EnteteInvalide(ValueError):
    """The first line of a CSV file is not a header of known columns (a French message)."""


def personne_depuis_csv(row: dict[str, str | None]) -> dict[str, Any]:
    """A flat CSV row → the nested shape of a person file (empty cell = unknown fact)."""
    cell: dict[str, str] = {}
    for key, value in row.items():
        if key not in _KNOWN:
            raise RowError("CTAI-E100", key)  # keys come from the program (header checked), never data
        if value and (value := value.strip()):
            cell[key] = value
    out: dict[str, Any] = {}
    if "id" in cell:
        out["id"] = cell["id"]
    if "nationalite" in cell:
        codes = [c.strip() for c in cell["nationalite"].split(";")]
        out["nationalite"] = codes if len(codes) > 1 else codes[0]
    if "date_naissance" in cell:
        out["date_naissance"] = cell["date_naissance"]
    if "titres_sejour" in cell:
        titres = []
        for item in cell["titres_sejour"].split(";"):
            parts = item.strip().split(":")
            if len(parts) not in (2, 3, 4):
                raise RowError(
                    "CTAI-E102",
                    "titres_sejour",
                    "titre attendu sous la forme type:debut[:fin[:recepisse_fin]]",
                )
            titre = {"type": parts[0], "debut": parts[1]}
            if len(parts) >= 3 and parts[2]:
                titre["fin"] = parts[2]
            if len(parts) == 4 and parts[3]:
                titre["recepisse_fin"] = parts[3]
            titres.append(titre)
        out["titres_sejour"] = titres
    if "protection_type" in cell:
        protection: dict[str, Any] = {"type": cell["protection_type"]}
        for key in ("autorite", "date"):
            if f"protection_{key}" in cell:
                protection[key] = cell[f"protection_{key}"]
        if "protection_fin" in cell or "protection_fin_motif" in cell:
            fin = {"date": cell.get("protection_fin"), "motif": cell.get("protection_fin_motif")}
            protection["fin"] = {k: v for k, v in fin.items() if v}
        out["protection"] = protection
    elif any(key in cell for key in _PROTECTION_COLUMNS):
        raise RowError("CTAI-E101", "protection_type")
    if "demande_asile_depot" in cell:
        out["demande_asile"] = {"depot": cell["demande_asile_depot"]}
        if "demande_asile_decision" in cell:
            out["demande_asile"]["decision"] = cell["demande_asile_decision"]
    elif "demande_asile_decision" in cell:
        raise RowError("CTAI-E101", "demande_asile_depot")
    if "cir_signature" in cell:
        out["cir"] = {"signature": cell["cir_signature"]}
    for key in BOOL_COLUMNS:
        if key in cell:
            value = _BOOLEENS.get(cell[key].lower())
            if value is None:
                raise RowError("CTAI-E102", key, f"oui ou non attendu : « {key} »")
            out[key] = value
    return out


_KNOWN = frozenset(CSV_COLUMNS)
_CHAMPS = tuple(Personne.model_fields)
_MOTIFS_FIN = frozenset(("cessation", "retrait", "renonciation", "depart", "autre"))
_BOOLS = frozenset(BOOL_COLUMNS)


def personne_rapide(colonnes: tuple[str, ...], cells: list[str]) -> Personne | None:
    """``Personne.model_validate(personne_depuis_csv(row))`` for a CSV row whose cells are all
    valid, built without pydantic (personne.instance); None for any other row, which then goes
    that slower way and gets its error there. Same mapping as personne_depuis_csv, step by step;
    each distinct cell parsed once (the same nationalities, titres, protections come back)."""
    lu = _valeurs(colonnes, cells)
    return None if lu is None else instance(Personne, *lu)


def _valeurs(colonnes: tuple[str, ...], cells: list[str]) -> tuple[dict[str, Any], set[str]] | None:
    """The values and the fields set of :func:`personne_rapide`'s person (None: not for this way)."""
    cell = {key: value for key, value in zip(colonnes, [c.strip() for c in cells], strict=False) if value}
    values: dict[str, Any] = dict.fromkeys(_CHAMPS)
    values["titres_sejour"] = []
    given = set()
    if (row_id := cell.get("id")) is not None:
        if len(row_id) > ID_MAX:
            return None
        values["id"] = row_id
        given.add("id")
    if (text := cell.get("nationalite")) is not None:
        if (codes := _nationalites(text)) is None:
            return None
        values["nationalite"] = list(codes)
        given.add("nationalite")
    if (text := cell.get("date_naissance")) is not None:
        if (day := date_valide(text)) is INVALIDE:
            return None
        values["date_naissance"] = day
        given.add("date_naissance")
    if (text := cell.get("titres_sejour")) is not None:
        titres = [_titre(item) for item in text.split(";")]
        if any(titre is INVALIDE for titre in titres):  # not « in »: a titre's == is pydantic's, in Python
            return None
        values["titres_sejour"] = titres
        given.add("titres_sejour")
    if not cell.keys().isdisjoint(_PROTECTION_TOUTES):
        protection = _protection(
            cell.get("protection_type"),
            cell.get("protection_autorite"),
            cell.get("protection_date"),
            cell.get("protection_fin"),
            cell.get("protection_fin_motif"),
        )
        if protection is INVALIDE:
            return None
        values["protection"] = protection
        given.add("protection")
    if (text := cell.get("demande_asile_depot")) is not None:
        demande = {"depot": date_valide(text), "decision": None}
        if (decision := cell.get("demande_asile_decision")) is not None:
            demande["decision"] = date_valide(decision)
        if INVALIDE in demande.values():
            return None
        values["demande_asile"] = instance(
            DemandeAsile, demande, {k for k, v in demande.items() if v is not None}
        )
        given.add("demande_asile")
    elif "demande_asile_decision" in cell:
        return None
    if (text := cell.get("cir_signature")) is not None:
        if (day := date_valide(text)) is INVALIDE:
            return None
        values["cir"] = instance(Cir, {"signature": day}, {"signature"})
        given.add("cir")
    for key in _BOOLS.intersection(cell):
        if (value := _BOOLEENS.get(cell[key].lower())) is None:
            return None
        values[key] = value
        given.add(key)
    return values, given


_PROTECTION_TOUTES = frozenset(("protection_type", *_PROTECTION_COLUMNS))


@functools.lru_cache(maxsize=1024)
def _nationalites(text: str) -> tuple[str, ...] | None:
    codes = tuple(pays_valide(code.strip()) for code in text.split(";"))
    if INVALIDE in codes or len(set(codes)) != len(codes) or ("apatride" in codes and len(codes) > 1):
        return None
    return codes


@functools.lru_cache(maxsize=8192)
def _titre(item: str) -> Any:
    """One titre of the titres_sejour cell (frozen: shared by the rows that hold it); INVALIDE."""
    parts = item.strip().split(":")
    if not 2 <= len(parts) <= 4 or not parts[0] or (debut := date_valide(parts[1])) is INVALIDE:
        return INVALIDE
    titre = {"type": parts[0], "debut": debut, "fin": None, "recepisse_fin": None}
    for position, key in ((2, "fin"), (3, "recepisse_fin")):
        if len(parts) > position and parts[position]:
            if (day := date_valide(parts[position])) is INVALIDE:
                return INVALIDE
            titre[key] = day
    return instance(TitreSejour, titre, {k for k, v in titre.items() if v is not None})


@functools.lru_cache(maxsize=4096)
def _protection(
    kind: str | None, autorite: str | None, day: str | None, fin: str | None, motif: str | None
) -> Any:
    """The protection of the protection_* cells (frozen: shared); INVALIDE."""
    if kind not in _AUTORITES_PROTECTION or (
        autorite is not None and autorite not in _AUTORITES_PROTECTION[kind]
    ):
        return INVALIDE
    protection = {"type": kind, "autorite": autorite, "date": None, "fin": None}
    if day is not None:
        if (debut := date_valide(day)) is INVALIDE:
            return INVALIDE
        protection["date"] = debut
    if fin is not None or motif is not None:
        if fin is None or motif not in _MOTIFS_FIN or (fin_day := date_valide(fin)) is INVALIDE:
            return INVALIDE
        protection["fin"] = instance(FinProtection, {"date": fin_day, "motif": motif}, {"date", "motif"})
    return instance(Protection, protection, {k for k, v in protection.items() if v is not None})


# --- reading ------------------------------------------------------------------
def _lignes(handle: TextIO) -> Iterator[str | None]:
    """Physical lines of ``handle``; None for a line over LIGNE_MAX characters (skipped, never held)."""
    while True:
        line = handle.readline(LIGNE_MAX + 1)
        if not line:
            return
        if len(line) > LIGNE_MAX and line[-1] not in "\r\n":
            _sauter(handle)
            yield None
        else:
            yield line


def _sauter(handle: TextIO) -> None:
    """Read the rest of a line too long, a bounded piece at a time."""
    while True:
        rest = handle.readline(LIGNE_MAX)
        if not rest or rest[-1] in "\r\n":
            return


class _Source:
    """The lines the csv module reads; remembers that a line was too long."""

    def __init__(self, handle: TextIO) -> None:
        self._readline = handle.readline
        self._handle = handle
        self.trop_longue = False

    def __iter__(self) -> _Source:
        return self

    def __next__(self) -> str:
        line = self._readline(LIGNE_MAX + 1)
        if len(line) > LIGNE_MAX and line[-1] not in "\r\n":
            _sauter(self._handle)
            self.trop_longue = True
            return "\n"
        if not line:
            raise StopIteration
        return line


def _ligne_trop_longue() -> RowError:
    return RowError("CTAI-E106", "ligne", f"ligne de plus de {milliers(LIGNE_MAX)} caractères")


def _cellule_trop_longue() -> RowError:
    return RowError("CTAI-E106", "ligne", f"cellule de plus de {milliers(CELLULE_MAX)} caractères")


@contextmanager
def _limite_csv() -> Iterator[None]:
    previous = csv.field_size_limit(CELLULE_MAX)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _entete(reader: Any, source: _Source, avec_donnees: bool) -> list[str]:
    """The header of a CSV file, checked: known columns only, each once."""
    attendu = "la première ligne doit nommer les colonnes, parmi : " + ", ".join(CSV_COLUMNS)
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
        source.trop_longue = True
    if header is None or source.trop_longue:
        raise EnteteInvalide(f"fichier CSV sans en-tête lisible ; {attendu}")
    names = [name.strip() for name in header]
    if len(names) == 1 and any(part.strip() in _KNOWN for part in names[0].split(";")):
        # Excel in French writes « ; » between cells; inside a cell, « ; » separates nationalities
        # or titres: a file cut on both could not be read without guessing.
        raise EnteteInvalide(
            "séparateur « ; » : les colonnes sont séparées par des points-virgules (export Excel en "
            "français) ; enregistrez le fichier en CSV séparé par des virgules (« CSV UTF-8 (délimité par "
            "des virgules) ») : le point-virgule sert, dans une cellule, à séparer plusieurs nationalités "
            "ou titres de séjour"
        )
    inconnues = [(n, name) for n, name in enumerate(names, start=1) if name not in _KNOWN]
    if len(inconnues) == len(names):
        raise EnteteInvalide(
            "la première ligne n'est pas un en-tête : aucune colonne connue (une ligne de données sans "
            f"en-tête ?) ; {attendu}"
        )
    if inconnues:
        # A column name spelt almost like one of the format's (a case, an accent) is a column name:
        # shown, with it. Any other may be a datum slipped into the header (a name): its number only,
        # unless --avec-donnees.
        import difflib

        from ctai_cli.diagnostics import apercu

        sans_nom = [str(n) for n, name in inconnues if not name]
        nommees, cachees = [], []
        for n, name in inconnues:
            if not name:
                continue
            proche = difflib.get_close_matches(_sans_accents(name), CSV_COLUMNS, n=1, cutoff=0.8)
            if proche:
                nommees.append(f"« {apercu(name, 60)} » (vouliez-vous dire « {proche[0]} » ?)")
            elif avec_donnees:
                nommees.append(f"« {apercu(name, 60)} » (aucune colonne proche)")
            else:
                cachees.append(str(n))
        details = []
        if nommees:
            details.append(f"colonne(s) inconnue(s) dans l'en-tête : {' ; '.join(nommees)}")
        if cachees:
            details.append(
                f"colonne(s) inconnue(s) n° {', '.join(cachees)} (noms loin de toute colonne : affichés avec "
                "--avec-donnees)"
            )
        if sans_nom:
            details.append(
                f"colonne(s) sans nom n° {', '.join(sans_nom)} (cellules vides de l'en-tête, souvent laissées "
                "par Excel : supprimez ces colonnes)"
            )
        raise EnteteInvalide(f"{' ; '.join(details)} ; {attendu}")
    doubles = sorted({name for name in names if names.count(name) > 1})
    if doubles:
        raise EnteteInvalide(f"colonne(s) en double dans l'en-tête : {', '.join(doubles)}")
    return names


def _sans_accents(name: str) -> str:
    """« Nationalité » → « nationalite »: what a column name typed in a spreadsheet becomes."""
    return sans_accents(name).replace(" ", "_")


def verifier_entete(path: Path, avec_donnees: bool = False) -> None:
    """Refuse a CSV file whose first line is not a header (before any output is opened)."""
    if path.suffix.lower() != ".csv":
        return
    with _limite_csv(), path.open(encoding="utf-8-sig", newline="") as handle:
        source = _Source(handle)
        _entete(csv.reader(source), source, avec_donnees)


class _NombreTropLong(ValueError):
    pass


def _entier(text: str) -> int:
    if len(text.lstrip("-")) > CHIFFRES_MAX:
        raise _NombreTropLong(text)
    return int(text)


def _constante(text: str) -> Any:
    raise json.JSONDecodeError(f"{text} n'est pas du JSON", text, 0)


def _json(line: str) -> dict[str, Any]:
    try:
        data = json.loads(line, parse_int=_entier, parse_constant=_constante)
    except _NombreTropLong:
        raise RowError("CTAI-E014", "json", f"nombre de plus de {CHIFFRES_MAX} chiffres") from None
    except RecursionError:
        # The json module's own guard against nesting deeper than the interpreter allows.
        raise RowError("CTAI-E012", "json", "imbrication trop profonde") from None
    except json.JSONDecodeError as exc:
        raise RowError("CTAI-E005", "json", f"JSON invalide (illisible à la colonne {exc.colno})") from None
    except ValueError:
        raise RowError("CTAI-E005", "json", "JSON invalide") from None
    if not isinstance(data, dict):
        raise RowError("CTAI-E013", "json", "objet JSON attendu (une personne par ligne)")
    return data


def enregistrements(
    path: Path, avec_donnees: bool = False
) -> tuple[tuple[str, ...] | None, Iterator[tuple[int, Any]]]:
    """The CSV header (None for JSONL) and the records: (line number, raw record or error),
    without loading the file in memory.

    A raw record is a JSONL line, or the list of a CSV row's cells in the order of the
    header; the costly part, turning it into a verdict, is left to :func:`evaluer_ligne`
    (on worker processes, where it runs on every core). The header is checked here:
    :class:`EnteteInvalide` before any record.
    """
    records = _enregistrements(path, avec_donnees)
    return next(records), records  # type: ignore[return-value]


def _enregistrements(path: Path, avec_donnees: bool) -> Iterator[Any]:
    """The header first (None for JSONL), then the records of :func:`enregistrements`."""
    if path.suffix.lower() == ".jsonl":
        yield None
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, line in enumerate(_lignes(handle), start=1):
                if line is None:
                    yield number, _ligne_trop_longue()
                elif line.strip():
                    yield number, line
        return
    with _limite_csv(), path.open(encoding="utf-8-sig", newline="") as handle:
        source = _Source(handle)
        reader = csv.reader(source)
        header = _entete(reader, source, avec_donnees)
        yield tuple(header)
        yield from _rangees(reader, source, len(header))


def _rangees(reader: Any, source: _Source, width: int, decalage: int = 0) -> Iterator[tuple[int, Any]]:
    """The records of a CSV reader on ``source``; line numbers ``decalage`` lines further."""
    while True:
        before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            if reader.line_num == before:  # nothing consumed: stop rather than loop
                return
            source.trop_longue = False
            yield reader.line_num + decalage, _cellule_trop_longue()
            continue
        if source.trop_longue:
            source.trop_longue = False
            yield reader.line_num + decalage, _ligne_trop_longue()
            continue
        if not any(cell.strip() for cell in row):
            continue  # an empty line, or only commas (Excel writes them)
        if len(row) != width:
            yield (
                reader.line_num + decalage,
                _trop_de_cellules() if len(row) > width else _trop_peu_de_cellules(),
            )
            continue
        yield reader.line_num + decalage, row


def _trop_de_cellules() -> RowError:
    return RowError("CTAI-E102", "ligne", "plus de cellules que de colonnes dans l'en-tête")


def _trop_peu_de_cellules() -> RowError:
    """A row shorter than the header: a broken export (a cut line), not facts left unknown."""
    return RowError("CTAI-E102", "ligne", "moins de cellules que de colonnes dans l'en-tête (ligne coupée ?)")


# --- plain CSV, read in blocks ------------------------------------------------------
BLOC = CELLULE_MAX
"""Bytes of a CSV file read at once (and sent to a worker), cut after an end of line: a line of a
block, its end included, is at most BLOC bytes, so no cell of it can be over CELLULE_MAX nor the
line over LIGNE_MAX characters. Each block sent costs the parent about half a millisecond: 16 KiB
blocks cost it 5 µs a row, 64 KiB 2.9, 128 KiB 2.1 (100 000 rows of the bench file)."""
_SPECIAUX = (b'"', b"\r", b"\x00")
"""What makes the csv module read a line otherwise than « one row, cells split on commas »: a
quote, a carriage return (an end of line too), a NUL (refused)."""


class _Ordinaire:
    """A source that read no line too long (the header of a plain block)."""

    trop_longue = False


def lots_csv(path: Path, avec_donnees: bool = False) -> tuple[tuple[str, ...], Iterator[Any]]:
    """The CSV header, checked, and the file in lots: ``(first line number, text of whole lines)``
    while the file is plain (none of _SPECIAUX, valid UTF-8), cut into blocks of about BLOC bytes;
    from the first block that is not, to the end of the file, packets of :func:`enregistrements`'
    records, read by the csv module. A worker splits a plain block's lines itself: the parent
    only reads bytes."""
    lots = _lots_csv(path, avec_donnees)
    return next(lots), lots


def _lots_csv(path: Path, avec_donnees: bool) -> Iterator[Any]:
    with path.open("rb") as handle:
        first = handle.readline(LIGNE_MAX)
        plain = first.endswith(b"\n") and not any(c in first for c in _SPECIAUX)
        if plain:
            try:
                header_text = first.decode("utf-8-sig")
            except UnicodeDecodeError:
                plain = False
        if not plain:  # the whole file as before
            colonnes, records = enregistrements(path, avec_donnees)
            yield colonnes
            yield from _paquets(records)
            return
        with _limite_csv():
            header = _entete(csv.reader([header_text]), _Ordinaire(), avec_donnees)  # type: ignore[arg-type]
        yield tuple(header)
        numero, position = 2, len(first)
        while bloc := handle.read(BLOC):
            fin = bloc.rfind(b"\n") + 1
            if fin == 0:  # a line as long as a block, or the last line without end of line
                if len(bloc) == BLOC or handle.read(1):
                    break
                fin = len(bloc)
            morceau = bloc[:fin]
            if any(c in morceau for c in _SPECIAUX):
                break
            try:
                text = morceau.decode("utf-8")
            except UnicodeDecodeError:
                break  # the csv module's reading raises it, where it would have
            yield numero, text
            numero += morceau.count(b"\n")
            position += fin
            handle.seek(position)
        else:
            return
        handle.seek(position)
        with _limite_csv(), io.TextIOWrapper(handle, encoding="utf-8", newline="") as rest:
            source = _Source(rest)
            yield from _paquets(_rangees(csv.reader(source), source, len(header), numero - 1))


def _donnees(raw: Any, colonnes: tuple[str, ...] | None) -> dict[str, Any]:
    if isinstance(raw, RowError):
        raise raw
    if isinstance(raw, str):
        return _json(raw)
    return personne_depuis_csv(dict(zip(colonnes, raw, strict=False)))  # type: ignore[arg-type]


_ERROR_CODES = {
    "extra_forbidden": "CTAI-E100",
    "ctai_date": "CTAI-E104",
    "ctai_pays": "CTAI-E107",
    "literal_error": "CTAI-E105",
    "missing": "CTAI-E101",
}


def _erreur_validation(exc: ValidationError, avec_donnees: bool) -> RowError:
    """The first validation problem of a row, named by the fields of the format only."""
    first = exc.errors(include_url=False)[0]
    loc = [str(p) for p in first["loc"]]
    code = _ERROR_CODES.get(first["type"], "CTAI-E102")
    if first["type"] == "extra_forbidden" and not avec_donnees:
        # An unknown key may be a name: never echoed without --avec-donnees.
        parent = ".".join(loc[:-1])
        where = f" dans « {parent} »" if parent else ""
        return RowError(
            code,
            ".".join([*loc[:-1], CLE_INCONNUE]),
            f"clé inconnue{where} (nom affiché avec --avec-donnees)",
        )
    error = RowError(code, ".".join(loc) or "json")
    if first["type"] == "ctai_date":
        error.message = f"{error.message} (format attendu AAAA-MM-JJ, ex. 2024-10-17)"
    elif first["type"] == "literal_error":  # the allowed values are the format's, not data
        permises = re.findall(r"'([^']*)'", str((first.get("ctx") or {}).get("expected", "")))
        if permises:
            error.message = f"{error.message} (valeurs possibles : {', '.join(permises)})"
    if avec_donnees and first["type"].startswith("ctai_"):
        error.message = f"{error.message} : {first['msg']}"  # our own French messages quote the value
    return error


@dataclass
class Resume:
    lignes: int = 0
    par_resultat: Counter = field(default_factory=Counter)
    doublons: dict[str, None] = field(default_factory=dict)
    """The ids found on more than one row, in order (as the output writes them)."""

    def to_dict(self) -> dict[str, Any]:
        return {"lignes": self.lignes, **{k: self.par_resultat[k] for k in sorted(self.par_resultat)}}


_JSON = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per row


@dataclass(frozen=True)
class _Options:
    jour: date
    fmt: str
    depart: DepartEpa
    avec_donnees: bool
    publics_contrat: list[str] | None
    types: frozenset[str]
    colonnes: tuple[str, ...] | None = None
    """The CSV header: the names of a row's cells (None for JSONL)."""


def evaluer_ligne(options: _Options, number: int, raw: Any) -> tuple[str, str]:
    """One raw record → (summary key, output line)."""
    row_id = None
    try:
        personne = personne_rapide(options.colonnes, raw) if type(raw) is list else None  # type: ignore[arg-type]
        if personne is not None:
            row_id = personne.id
        else:  # a JSONL line, or a CSV row with something to say: pydantic decides
            data = _donnees(raw, options.colonnes)
            raw_id = data.get("id")
            row_id = raw_id if isinstance(raw_id, str) and len(raw_id) <= ID_MAX else None
            try:
                personne = Personne.model_validate(data)
            except ValidationError as exc:
                raise _erreur_validation(exc, options.avec_donnees) from None
        for i, titre in enumerate(personne.titres_sejour):
            if titre.type not in options.types:
                raise RowError("CTAI-E105", f"titres_sejour.{i}.type")
        verdict = evaluer(personne, options.jour, charger(), options.depart, raisons=options.avec_donnees)
    except RowError as exc:
        return "erreur", _ligne_erreur(options.fmt, number, row_id, exc)
    if options.avec_donnees and options.fmt == "json":  # the reasons, which no other output carries
        if options.publics_contrat is not None:
            verdict.restreindre(options.publics_contrat)
        eligible = verdict.eligible
        record = {
            "ligne": number,
            "id": row_id,
            "public": verdict.public,
            "eligible": eligible,
            "verdict": verdict.verdict,
            "faits_manquants": [f.fait for f in verdict.faits_manquants],
            "raisons": [r.to_dict() for r in verdict.raisons],
        }
        return verdict.public if eligible else verdict.verdict, _JSON(record) + "\n"
    key, fin = _issue(options, verdict)
    return key, _debut_de_ligne(options.fmt, number, row_id) + fin


def _issue(options: _Options, verdict: Verdict) -> tuple[str, str]:
    """A verdict → (summary key, the end of its output line, after the id and the line number);
    the end depends on the verdict alone: built once per kind of verdict."""
    if options.publics_contrat is not None:
        verdict.restreindre(options.publics_contrat)
    eligible = verdict.eligible
    faits = tuple(f.fait for f in verdict.faits_manquants)
    fin = _fin_de_ligne(options.fmt, verdict.public, eligible, verdict.verdict, faits)
    return verdict.public if eligible else verdict.verdict, fin


def _debut_de_ligne(fmt: str, number: int, row_id: str | None) -> str:
    if fmt == "json":
        return f'{{"ligne": {number}, "id": {_id_json(row_id)}, '
    return f"{_id_affiche(row_id)}\tligne {number}\t"


def _id_json(row_id: str | None) -> str:
    """``_JSON(row_id)``; an id of printable characters without quote or backslash (the
    encoder escapes nothing else) written as it is."""
    if row_id is not None and row_id.isprintable() and '"' not in row_id and "\\" not in row_id:
        return f'"{row_id}"'
    return _JSON(row_id)


@functools.lru_cache(maxsize=4096)
def _fin_de_ligne(
    fmt: str, public: str | None, eligible: bool | None, verdict: str, faits: tuple[str, ...]
) -> str:
    """What follows the id and the line number in an output line (with its end of line)."""
    if fmt == "json":
        # The same text as the encoder's for the whole record, from "public" on.
        queue = {"public": public, "eligible": eligible, "verdict": verdict, "faits_manquants": list(faits)}
        return _JSON(queue)[1:] + "\n"
    detail = VERDICTS.get(verdict, verdict) + (f" : {public}" if public else "")
    if faits:
        detail += " — manque : " + ", ".join(faits)
    return detail + "\n"


RESUME_TEXTE = {"non_eligible": "non éligible", "indetermine": "indéterminé", "non_couvert": "non couvert"}
"""The keys of the summary as the summary line writes them (publics keep their names)."""


def _ligne_erreur(fmt: str, number: int, row_id: str | None, exc: RowError) -> str:
    if fmt == "json":
        erreur = {"code": exc.code, "champ": exc.champ, "message": exc.message}
        return _JSON({"ligne": number, "id": row_id, "verdict": "erreur", "erreur": erreur}) + "\n"
    return f"{_id_affiche(row_id)}\tligne {number}\terreur {exc.code} : {exc.message}\n"


def _id_affiche(row_id: str | None) -> str:
    """An id in text output: a tab, a newline, an escape sequence or a bidi control would forge
    lines, columns or colours (terminal.sur shows them as escapes)."""
    if row_id is None:
        return "-"
    return row_id if row_id.isprintable() else sur(row_id)


# --- running on every core ------------------------------------------------------
PARALLELE_OCTETS = 1 << 20
"""From this file size on, rows are evaluated by one worker process per core."""
PAQUET = 1000
"""Rows evaluated (and sent to a worker) at once; at most a few packets per worker are in flight."""

_OPTIONS: _Options | None = None  # set in the parent before the workers are forked


def _bloc(options: _Options, numero: int, text: str) -> tuple[dict[str, int], str]:
    """A plain CSV block (lots_csv) → (count by summary key, output lines as one text): its
    lines split on commas as the csv module splits them, the line numbers counted from ``numero``."""
    width = len(options.colonnes)  # type: ignore[arg-type]
    counts: dict[str, int] = {}
    lines = []
    rows = text.split("\n")
    if text.endswith("\n"):
        rows.pop()
    for number, row in enumerate(rows, numero):
        cells = row.split(",")
        if len(cells) == width and row[:1] not in ", \t":  # (not "": "" is in any text)
            key, line = evaluer_ligne(options, number, cells)
        elif not row.strip(", \t"):
            continue  # an empty line, or only commas (Excel writes them)
        elif len(cells) != width:
            key, line = evaluer_ligne(
                options, number, _trop_de_cellules() if len(cells) > width else _trop_peu_de_cellules()
            )
        else:
            key, line = evaluer_ligne(options, number, cells)
        counts[key] = counts.get(key, 0) + 1
        lines.append(line)
    return counts, "".join(lines)


def _paquet(options: _Options, paquet: Any) -> tuple[dict[str, int], str]:
    """Rows (a list of records, or a plain CSV block) → (count by summary key, their output lines as one text)."""
    if type(paquet) is tuple:
        return _bloc(options, *paquet)
    counts: dict[str, int] = {}
    lines = []
    for number, raw in paquet:
        key, line = evaluer_ligne(options, number, raw)
        counts[key] = counts.get(key, 0) + 1
        lines.append(line)
    return counts, "".join(lines)


def _ouvrier() -> None:
    """A worker's start: as ctai validate does, the collector leaves alone what the worker was
    forked with (every imported module) and runs less often; a worker makes no reference cycle
    worth collecting early."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def _traiter_paquet(paquet: Any) -> tuple[dict[str, int], str, str]:
    assert _OPTIONS is not None
    return _avec_ids(_OPTIONS, _paquet(_OPTIONS, paquet))


def _avec_ids(options: _Options, fait: tuple[dict[str, int], str]) -> tuple[dict[str, int], str, str]:
    """A packet's counts and output, and the ids of its output lines, one a line: read in the worker
    (one regular expression a packet), so that the parent only splits them (duplicate ids)."""
    ids = _IDS_JSON if options.fmt == "json" else _IDS_TEXTE
    return fait[0], fait[1], "\n".join(ids.findall(fait[1]))


def processus_par_defaut(path: Path) -> int:
    """Worker processes for ``path``: none for a small file or where fork is missing."""
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods() or path.stat().st_size < PARALLELE_OCTETS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 8))


def _paquets(records: Iterator[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    while paquet := list(islice(records, PAQUET)):
        yield paquet


def _en_parallele(
    options: _Options, lots: Iterator[Any], processus: int
) -> Iterator[tuple[dict[str, int], str, str]]:
    """Evaluate on ``processus`` forked workers, in the order of the file, with bounded memory."""
    import multiprocessing
    from collections import deque

    global _OPTIONS
    _OPTIONS = options
    try:
        with multiprocessing.get_context("fork").Pool(processus, initializer=_ouvrier) as pool:
            pending: deque = deque()
            for paquet in lots:
                pending.append(pool.apply_async(_traiter_paquet, (paquet,)))
                if len(pending) > 2 * processus:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _OPTIONS = None


_IDS_TEXTE = re.compile(r"^([^\t\n]*)\t", re.M)
_IDS_JSON = re.compile(r'\{"ligne": \d+, "id": ("[^"\\\n]*(?:\\.[^"\\\n]*)*")')
"""The ids of the output lines of a packet (a row without id writes « - » or null: not matched in
JSON, skipped in text), read back by the worker (_avec_ids)."""


def _doublons(ids: list[str], vus: set[str], doublons: dict[str, None]) -> None:
    """Add to ``doublons`` the ids of a packet already seen, or seen twice in it."""
    nouveaux = set(ids)
    if len(nouveaux) != len(ids) or not vus.isdisjoint(nouveaux):
        deja: set[str] = set()
        for row_id in ids:
            if (row_id in vus or row_id in deja) and row_id != "-":
                doublons[row_id] = None
            deja.add(row_id)
    vus.update(nouveaux)


def traiter(
    path: Path,
    jour: date,
    out: TextIO,
    *,
    fmt: str,
    depart: DepartEpa,
    avec_donnees: bool,
    publics_contrat: list[str] | None = None,
    processus: int | None = None,
    avancement: Callable[[int], None] | None = None,
) -> Resume:
    """Write one verdict per row of ``path`` to ``out``; the counts by result.

    ``processus``: worker processes (default: one per core for a file of 1 Mio or more).
    The output is the same, row for row, whatever their number.
    ``avancement(n)``: told every few thousand rows how many more are done.
    """
    params = charger()  # loaded once, before any worker is forked
    if path.suffix.lower() == ".csv":
        colonnes, lots = lots_csv(path, avec_donnees)
    else:
        colonnes, records = enregistrements(path, avec_donnees)
        lots = _paquets(records)
    options = _Options(
        jour, fmt, depart, avec_donnees, publics_contrat, frozenset(types_connus(params)), colonnes
    )
    if processus is None:
        processus = processus_par_defaut(path)
    if processus > 1:
        results = _en_parallele(options, lots, processus)
    else:
        results = (_avec_ids(options, _paquet(options, paquet)) for paquet in lots)
    resume = Resume()
    signales = 0
    ids_vus: set[str] = set()
    for counts, text, ids in results:
        resume.par_resultat.update(counts)
        resume.lignes += sum(counts.values())
        out.write(text)
        if ids:
            _doublons(ids.split("\n"), ids_vus, resume.doublons)
        if avancement is not None:
            while resume.lignes - signales >= 2000:
                avancement(2000)
                signales += 2000
    if avancement is not None:
        avancement(resume.lignes - signales)
    return resume

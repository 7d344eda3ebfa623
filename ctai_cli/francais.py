"""French wording for every generated sentence: names kept as written, « de / du / de la / des /
d' » before names, agreement in gender and number, plurals, lists.

Documents (through the Jinja filters of :mod:`ctai_cli.documents.jinja`), avenant phrases and
messages build their French here, so that one rule is written once. Names are never re-cased:
« Rennes Métropole » stays as written; only the first letter of a sentence is raised.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Genre = Literal["m", "f"]

_VOYELLES = set("aeiouyhâàäéèêëîïôöûùüœæAEIOUYHÂÀÄÉÈÊËÎÏÔÖÛÙÜŒÆ")
# Names that start with an aspirated h take « de », not « d' »: the « Haut(e)(s)- » family of
# place names (« de la Haute-Garonne », « de Haute-Goulaine »). Any other h is taken as mute
# (« d'Hérouville-Saint-Clair », « d'Hyères »).
_H_ASPIRE = ("hautes-", "haute-", "haut-", "hauts-", "haute ", "haut ", "hautes ", "hauts ")


def majuscule(texte: str) -> str:
    """The first letter raised, the rest kept as written (« rennes » is not a name we fix)."""
    return texte[:1].upper() + texte[1:]


def minuscule_initiale(texte: str) -> str:
    """The first letter lowered when the second is not a capital (« Préfet » → « préfet »; « DDETS » kept)."""
    if len(texte) > 1 and texte[1].isupper():
        return texte
    return texte[:1].lower() + texte[1:]


def liste(items: Iterable[object], derniere: str = " et ") -> str:
    """``["a", "b", "c"]`` → ``a, b et c``."""
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + derniere + items[-1]


def pluriel(nombre: int, singulier: str, pluriel_: str | None = None) -> str:
    """The word agreed with ``nombre`` (0 and 1 singular, as French writes « 0 année »)."""
    return singulier if abs(nombre) < 2 else (pluriel_ or singulier + "s")


def nombre_de(nombre: int, singulier: str, pluriel_: str | None = None) -> str:
    """``(3, "année")`` → ``3 années``; ``(1, "année")`` → ``1 année``."""
    return f"{nombre} {pluriel(nombre, singulier, pluriel_)}"


# A contract's statut (contrat.yaml « statut ») as printed.
STATUTS = {"projet": "projet", "signe": "signé", "resilie": "résilié", "termine": "terminé"}

# An eligibility verdict as the text outputs print it (the single check and the batch; JSON keeps
# the codes).
VERDICTS = {
    "eligible": "ÉLIGIBLE",
    "non_eligible": "NON ÉLIGIBLE",
    "indetermine": "INDÉTERMINÉ",
    "non_couvert": "NON COUVERT",
}


def periode(debut: int, fin: int, trait: str = "-") -> str:
    """A contract's period as its title writes it: ``(2024, 2026)`` → ``2024-2026``; one year
    alone: ``(2020, 2020)`` → ``2020`` (never « 2020-2020 »). ``trait``: the dash between the years
    (« – » in tables)."""
    return str(debut) if debut == fin else f"{debut}{trait}{fin}"


def _elide(mot: str) -> bool:
    if not mot or mot[0] not in _VOYELLES:
        return False
    if mot[0] in "hH":
        return not mot.lower().startswith(_H_ASPIRE) and mot.lower() not in ("haut", "haute")
    return True


def de(nom: str, article: str | None = None) -> str:
    """« de » before a name: ``de("Dax")`` → ``de Dax``, ``de("Angers")`` → ``d'Angers``,
    ``de("Le Mans")`` → ``du Mans``, ``de("Landes", "les")`` → ``des Landes``,
    ``de("Gironde", "la")`` → ``de la Gironde``, ``de("Isère", "l'")`` → ``de l'Isère``.

    ``article`` is the name's own article when it is not written in the name (a département).
    """
    if article is None:  # the article, if any, is part of the name as written
        premier, _, reste = nom.partition(" ")
        if premier == "Le" and reste:
            return f"du {reste}"
        if premier == "Les" and reste:
            return f"des {reste}"
        return f"d'{nom}" if _elide(nom) else f"de {nom}"
    article = article.strip()
    if article == "le":
        return f"du {nom}"
    if article == "les":
        return f"des {nom}"
    if article == "la":
        return f"de la {nom}"
    if article in ("l'", "l’"):  # « de » + « l' » never contracts (COG « charnière » DE L')
        return f"de l'{nom}"
    return f"d'{nom}" if _elide(nom) else f"de {nom}"


def accord(genre: Genre, nombre: int = 1) -> str:
    """The ending of a past participle or adjective: "", "e", "s", "es"."""
    return ("e" if genre == "f" else "") + ("s" if nombre > 1 else "")


def non_precise(genre: Genre = "m", nombre: int = 1) -> str:
    """« non précisé » agreed with the noun it qualifies: « crédits … non précisés », « échéance
    non précisée »."""
    return "non précisé" + accord(genre, nombre)


def genre_groupe(genres: Sequence[Genre]) -> Genre:
    """French agreement of a group: feminine only when every member is."""
    return "f" if genres and all(g == "f" for g in genres) else "m"


def pronom_sujet(genres: Sequence[Genre]) -> str:
    """« il », « elle », « ils », « elles » for a subject made of these members."""
    genre = genre_groupe(genres)
    base = "elle" if genre == "f" else "il"
    return base + ("s" if len(genres) > 1 else "")


# --- départements ---------------------------------------------------------------------


@dataclass(frozen=True)
class Departement:
    code: str
    nom: str
    article: str  # "le", "la", "les", "l'" or "" (no article: « de Mayotte », « de Paris »)
    genre: Genre

    @property
    def pluriel(self) -> bool:
        return self.article == "les"

    @property
    def de(self) -> str:
        """« du Puy-de-Dôme », « des Landes », « de l'Isère », « de Mayotte »."""
        return de(self.nom, self.article)

    @property
    def avec_article(self) -> str:
        """« le Puy-de-Dôme », « les Landes », « l'Ille-et-Vilaine », « Mayotte »."""
        if self.article in ("l'", ""):
            return f"{self.article}{self.nom}"
        return f"{self.article} {self.nom}"


@functools.cache
def departements() -> dict[str, Departement]:
    from importlib import resources

    from ctai_cli.yamlread import parse_text

    text = resources.files("ctai_cli.data").joinpath("departements.yaml").read_text(encoding="utf-8")
    document, diagnostics = parse_text(text, "ctai_cli/data/departements.yaml")
    if document is None or diagnostics:
        raise RuntimeError(f"departements.yaml invalide : {[d.message for d in diagnostics]}")
    return {code: Departement(code, v["nom"], v["article"], v["genre"]) for code, v in document.data.items()}


def departement(code: str) -> Departement | None:
    return departements().get(code)


def sans_accents(texte: str) -> str:
    """``texte`` in lower case without its accents: « Nationalité » → « nationalite »."""
    decomposed = unicodedata.normalize("NFD", texte.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _plie(texte: str) -> str:
    """Compare names without case, accents or hyphens (« puy de dome » is « Puy-de-Dôme »)."""
    return " ".join(sans_accents(texte).replace("-", " ").replace("’", "'").split())


def de_territoire(territoire: str, code_departement: str | None = None) -> str:
    """« de » before a contract's territory: a commune or intercommunality as written
    (« de Dax », « d'Angers », « de Rennes Métropole »); a département's name with its
    article (« du Puy-de-Dôme », « des Landes »)."""
    candidats = [departement(code_departement)] if code_departement else []
    candidats += list(departements().values())
    for dep in candidats:
        if dep is not None and _plie(dep.nom) == _plie(territoire):
            return de(territoire, dep.article)
    return de(territoire)


# --- parties --------------------------------------------------------------------------

# Common nouns that open a party's name and call for an article in a sentence (« la Ville de
# Rennes ») with their gender; a name that opens with a proper noun (« Rennes Métropole »,
# « Dax ») takes none.
_NOMS_COMMUNS: dict[str, Genre] = {
    "ville": "f",
    "commune": "f",
    "communauté": "f",
    "métropole": "f",
    "région": "f",
    "préfecture": "f",
    "collectivité": "f",
    "eurométropole": "f",
    "département": "m",
    "conseil": "m",
    "centre": "m",
    "ccas": "m",
    "syndicat": "m",
    "établissement": "m",
    "état": "m",
    # State parties: the service or the office that signs.
    "délégation": "f",
    "direction": "f",
    "agence": "f",
    "préfète": "f",
    "préfet": "m",
    "ministère": "m",
    "ministre": "m",
    "gouvernement": "m",
}
_GENRE_TYPE: dict[str, Genre] = {
    "commune": "f",
    "metropole": "f",
    "region": "f",
    "prefecture": "f",
    "departement": "m",
    "ccas": "m",
}


def _premier_mot(texte: str) -> str:
    return texte.replace("’", "'").split(" ")[0].split("'")[-1].casefold()


def genre_partie(role: str, type_: str | None, designation: str | None, nom: str) -> Genre:
    """The gender a party's name agrees with: its designation's article (« la commune »), the
    common noun its designation or name opens with (« l'État », « Ville de … », « Préfecture de
    … », « Délégation … »), its type (a collectivité's only: a State party's type names the
    service, not the name: « État » of type ``prefecture`` is masculine), else masculine."""
    if designation:
        premier = designation.split(" ")[0].casefold()
        if premier in ("la", "une"):
            return "f"
        if premier in ("le", "un"):
            return "m"
        if _premier_mot(designation) in _NOMS_COMMUNS:
            return _NOMS_COMMUNS[_premier_mot(designation)]
    mot = _premier_mot(nom)
    if mot in _NOMS_COMMUNS:
        return _NOMS_COMMUNS[mot]
    if role == "etat":
        return "m"
    if type_ in _GENRE_TYPE:
        return _GENRE_TYPE[type_]
    # « Rennes Métropole »: a proper noun then the kind of collectivité.
    dernier = nom.split(" ")[-1].casefold()
    return _NOMS_COMMUNS.get(dernier, "m")


def dans_la_phrase(nom: str, genre: Genre) -> str:
    """A party's name inside a sentence: « la Ville de Rennes », « l'État », « Rennes Métropole »."""
    mot = _premier_mot(nom)
    if mot not in _NOMS_COMMUNS or nom.split(" ")[0].casefold() in ("la", "le", "les", "l'"):
        return nom
    if _elide(nom):
        return f"l'{nom}"
    return ("la " if genre == "f" else "le ") + nom

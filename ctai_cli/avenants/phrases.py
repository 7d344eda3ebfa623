"""The French sentences of an avenant diff, in administrative style (for ``avenants/<n>.yaml``)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from ctai_cli import francais as fr
from ctai_cli.avenants.comparaison import _empty
from ctai_cli.avenants.ecarts import (
    _CLES,
    _LONG_TEXT,
    SANS_BUDGET,
    Changement,
    DiffAction,
    DiffAnnexe,
    DiffContrat,
    DiffConvention,
    DiffPorteur,
)
from ctai_cli.budget import ZERO, Somme
from ctai_cli.formatting import date_longue, euros

# --------------------------------------------------------------------------- French sentences

# Labels: (text with its article, feminine, plural). "{0}" takes the element key of a path.
_M, _F = False, True
_LABELS_CONTRAT: dict[str, tuple[str, bool, bool]] = {
    "intitule": ("l'intitulé", _M, False),
    "territoire": ("le territoire", _M, False),
    "departement": ("le département", _M, False),
    "statut": ("le statut du contrat", _M, False),
    "periode.debut": ("la première année de la période", _F, False),
    "periode.fin": ("la dernière année de la période", _F, False),
    "deliberation.date": ("la date de la délibération", _F, False),
    "deliberation.instance": ("l'instance délibérante", _F, False),
    "signature.date": ("la date de signature", _F, False),
    "signature.lieu": ("le lieu de signature", _M, False),
    "preambule": ("le préambule", _M, False),
    "axes[*].mobilise_bop104": ("la mobilisation des crédits du programme 104 par l'axe {0}", _F, False),
    "axes[*].description": ("la description de l'axe {0}", _F, False),
    "imputation.programme": ("le programme budgétaire", _M, False),
    "imputation.action": ("l'action budgétaire", _F, False),
    "imputation.sous_action": ("la sous-action budgétaire", _F, False),
    "imputation.code_activite": ("le code d'activité", _M, False),
    "report_reliquats": ("le report des reliquats", _M, False),
    "gouvernance.copil_min_par_an": ("le nombre minimal de comités de pilotage par an", _M, False),
    "refugies_info": ("le référencement sur refugies.info", _M, False),
    "juridiction": ("la juridiction compétente", _F, False),
    "annexes[*].titre": ("le titre de l'annexe {0}", _M, False),
    "annexes[*].fichier": ("le fichier de l'annexe {0}", _M, False),
    "parties[*].nom": ("le nom de la partie « {0} »", _M, False),
    "parties[*].representant.nom": ("le représentant de la partie « {0} »", _M, False),
    "parties[*].representant.qualite": ("la qualité du représentant de la partie « {0} »", _F, False),
    "parties[*].role": ("le rôle de la partie « {0} »", _M, False),
    "parties[*].type": ("le type de la partie « {0} »", _M, False),
    "parties[*].designation": ("la désignation de la partie « {0} »", _F, False),
    "parties[*].representant": ("le représentant de la partie « {0} »", _M, False),
    "parties[*].services": ("les services associés à la partie « {0} »", _M, True),
    "parties[*].siren": ("le SIREN de la partie « {0} »", _M, False),
    "parties[*].siret": ("le SIRET de la partie « {0} »", _M, False),
    "periode": ("la période", _F, False),
    "deliberation": ("la délibération", _F, False),
    "deliberation.objet": ("l'objet de la délibération", _M, False),
    "deliberation.convocation": ("la date de convocation de l'instance délibérante", _F, False),
    "deliberation.quorum": ("le quorum de la délibération", _M, False),
    "deliberation.quorum.membres": ("le nombre de membres en exercice", _M, False),
    "deliberation.quorum.presents": ("le nombre de membres présents", _M, False),
    "deliberation.quorum.pouvoirs": ("le nombre de pouvoirs", _M, False),
    "deliberation.quorum.suffrages_exprimes": ("le nombre de suffrages exprimés", _M, False),
    "deliberation.votes": ("les votes de la délibération", _M, True),
    "deliberation.votes.pour": ("le nombre de voix pour", _M, False),
    "deliberation.votes.contre": ("le nombre de voix contre", _M, False),
    "deliberation.votes.abstentions": ("le nombre d'abstentions", _M, False),
    "deliberation.acte": ("l'acte de la délibération", _M, False),
    "deliberation.transmission": ("la date de transmission de la délibération", _F, False),
    "deliberation.reception_prefecture": ("la date de réception en préfecture", _F, False),
    "deliberation.publication": ("la date de publication de la délibération", _F, False),
    "signature": ("la signature", _F, False),
    "publics": ("les publics", _M, True),
    "axes[*].numero": ("le numéro de l'axe {0}", _M, False),
    "axes[*].titre": ("le titre de l'axe {0}", _M, False),
    "imputation": ("l'imputation budgétaire", _F, False),
    "imputation.mission": ("la mission budgétaire", _F, False),
    "imputation.ministere": ("le ministère", _M, False),
    "versement": ("les modalités de versement", _F, True),
    "versement.modalites": ("les modalités de versement", _F, True),
    "versement.beneficiaires": ("les bénéficiaires des versements", _M, True),
    "versement.ordonnateur": ("l'ordonnateur de la dépense", _M, False),
    "versement.comptable": ("le comptable assignataire", _M, False),
    "gouvernance": ("la gouvernance", _F, False),
    "gouvernance.copilotes": ("les copilotes du comité de pilotage", _M, True),
    "gouvernance.invites": ("les invités du comité de pilotage", _M, True),
    "gouvernance.bilan": ("l'échéance du bilan annuel", _F, False),
    "gouvernance.bilan.mois": ("le mois de remise du bilan annuel", _M, False),
    "gouvernance.bilan.jour": ("le jour de remise du bilan annuel", _M, False),
    "gouvernance.bilan.destinataire": ("le destinataire du bilan annuel", _M, False),
    "agir": ("l'articulation avec le programme AGIR", _F, False),
    "agir.operateur": ("l'opérateur AGIR", _M, False),
    "agir.deploiement": ("le mois de déploiement d'AGIR", _M, False),
    "agir.convention_locale": ("la convention locale avec l'opérateur AGIR", _F, False),
    "annexes[*].numero": ("le numéro de l'annexe {0}", _M, False),
    "enveloppes[*].annee": ("l'année de l'enveloppe {0}", _F, False),
    "enveloppes[*].montant": ("le montant de l'enveloppe de l'État pour {0}", _M, False),
    "enveloppes[*].origine": ("l'origine des crédits de l'enveloppe {0}", _F, False),
    "articles": ("le texte des articles du contrat", _M, False),
    "illustratif": ("la mention « illustratif »", _F, False),
}
_LABELS_ACTION: dict[str, tuple[str, bool, bool]] = {
    "titre": ("le titre", _M, False),
    "description": ("la description", _F, False),
    "axe": ("l'axe", _M, False),
    "porteur": ("le porteur", _M, False),
    "structure": ("la structure", _F, False),
    "nouvelle": ("la mention « action nouvelle »", _F, False),
    "publics": ("les publics", _M, True),
    "partenaires": ("les partenaires", _M, True),
    "budget.cofinancements": ("les cofinancements", _M, True),
    "budget.versements": ("les versements de l'État", _M, True),
    "budget.report_entrant": ("les reports entrants", _M, True),
    "budget.excedent_raisonnable": ("l'excédent raisonnable", _M, False),
    "agir.ouverte_public_agir": ("l'ouverture au public suivi par AGIR", _F, False),
    "agir.similaire_agir": ("la similarité avec l'accompagnement AGIR", _F, False),
    "agir.note": ("la note sur l'articulation avec AGIR", _F, False),
    "refugies_info.referencee": ("le référencement sur refugies.info", _M, False),
    "objectifs[*].libelle": ("le libellé de l'objectif « {0} »", _M, False),
    "objectifs[*].cible": ("la cible de l'objectif « {0} »", _F, False),
    "objectifs[*].unite": ("l'unité de l'objectif « {0} »", _F, False),
    "objectifs[*].id": ("l'identifiant de l'objectif « {0} »", _M, False),
    "id": ("l'identifiant", _M, False),
    "budget": ("le budget", _M, False),
    "budget.etat_bop104": ("le budget État", _M, False),
    "budget.illustratif": ("la mention « montants illustratifs » du budget", _F, False),
    "agir": ("l'articulation avec AGIR", _F, False),
    "refugies_info": ("le référencement sur refugies.info", _M, False),
    "refugies_info.url": ("l'adresse de la fiche sur refugies.info", _F, False),
}
_LABELS_ANNEXE: dict[str, tuple[str, bool, bool]] = {
    "introduction": ("l'introduction", _F, False),
    "cadre": ("le cadre", _M, False),
    "annee": ("l'année", _F, False),
    "partielle": ("la mention « annexe partielle »", _F, False),
    "illustratif": ("la mention « illustratif »", _F, False),
}
_LABELS_PORTEUR: dict[str, tuple[str, bool, bool]] = {
    "nom": ("le nom", _M, False),
    "type": ("le type", _M, False),
    "siret": ("le SIRET", _M, False),
    "siren": ("le SIREN", _M, False),
    "structures": ("les structures", _F, True),
    "note": ("la note", _F, False),
    "id": ("l'identifiant", _M, False),
}
_ELEMENTS = {
    "objectifs": "l'objectif « {0} »",
    "parties": "la partie « {0} »",
    "annexes": "l'annexe {0}",
}
_PUBLICS = {"EPA", "BPI", "BPT"}
_ORIGINES = {"etat_bop104": "crédits de l'État, programme 104"}


def _label(
    chemin: str, labels: dict[str, tuple[str, bool, bool]], with_path: bool, parties: dict[str, str]
) -> tuple[str, bool, bool]:
    keys = re.findall(r"\[([^\]]*)\]", chemin)
    if chemin.startswith("parties["):  # a party by its name, not its role key
        keys = [parties.get(k, k) for k in keys]
    pattern = re.sub(r"\[[^\]]*\]", "[*]", chemin)
    if pattern in labels:
        text, feminine, plural = labels[pattern]
        text = text.format(*keys)
        return (f"{text} ({chemin})" if with_path else text), feminine, plural
    return f"le champ « {chemin} »", _M, False


def _valeur(value: Any, *, quote: bool = True) -> str:
    if value is None:
        return "non renseigné"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return euros(value)
    if isinstance(value, date):
        return date_longue(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        text = value if len(value) <= 160 else value[:157] + "…"
        return f"« {text} »" if quote and value not in _PUBLICS else text
    if isinstance(value, dict):  # "Ville de Dax (15 000,00 €)": the first value, then the others
        parts = [_valeur(v, quote=False) for v in value.values() if not _empty(v)]
        if not parts:
            return "vide"
        return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")
    if isinstance(value, list):
        if not value:
            return "aucun"
        if any(isinstance(v, dict) for v in value):
            return "« " + " ; ".join(_valeur(v, quote=False) for v in value) + " »"
        return ", ".join(_valeur(v, quote=quote) for v in value)
    return str(value)


def _element(name: str, value: Any) -> str:
    """A keyed list element in a few words."""
    if isinstance(value, dict):
        if name == "objectifs":
            return f"« {value.get('libelle')} », cible : {value.get('cible')} {value.get('unite')}"
        if name == "parties":
            return str(value.get("nom"))
        if name == "annexes":
            return f"« {value.get('titre')} », {value.get('fichier')}"
        value = {k: v for k, v in value.items() if k != _CLES.get(name)}
    return _valeur(value)


def _accord(feminine: bool, plural: bool) -> str:
    return fr.accord("f" if feminine else "m", 2 if plural else 1)


def _long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > _LONG_TEXT or "\n" in value)


def _phrase_changement(
    change: Changement,
    labels: dict[str, tuple[str, bool, bool]],
    sujet: str,
    *,
    with_path: bool = False,
    parties: dict[str, str] | None = None,
) -> str:
    """One field change as a sentence (without the "Annexe 1 (2025) : " prefix)."""
    chemin, avant, apres = change.chemin, change.avant, change.apres
    element = re.fullmatch(r"(?:.*\.)?(\w+)\[([^\]]*)\]", chemin)
    if element and (isinstance(avant, dict) or isinstance(apres, dict)):  # a keyed element added or removed
        name, key = element.groups()
        if name == "parties":
            key = (parties or {}).get(key, key)
        what = _ELEMENTS.get(name, f"l'élément « {key} » de « {chemin.rsplit('[', 1)[0]} »").format(key)
        if avant is None:
            link = " à " + sujet.removeprefix("de ").removeprefix("du ") if sujet else ""
            return f"ajout de {what}{link} ({_element(name, apres)})"
        if apres is None:
            return f"suppression de {what}{' ' + sujet if sujet else ''} ({_element(name, avant)})"
    label, feminine, plural = _label(chemin, labels, with_path, parties or {})
    subject = f"{label} {sujet}".strip()
    accord = _accord(feminine, plural)
    if (
        isinstance(avant, list)
        and isinstance(apres, list)
        and not any(isinstance(v, dict) for v in avant + apres)
    ):
        added = [v for v in apres if v not in avant]
        removed = [v for v in avant if v not in apres]
        parts = []
        if added:
            parts.append(f"ajout de {_valeur(added)}")
        if removed:
            parts.append(f"retrait de {_valeur(removed)}")
        return f"{subject} : {' ; '.join(parts) if parts else 'ordre modifié'}"
    if _long(avant) or _long(apres):
        verb = "sont" if plural else "est"
        return f"{subject} {verb} modifié{accord}"
    if _empty(avant):
        verb = "sont" if plural else "est"
        return f"{subject} {verb} renseigné{accord} : {_valeur(apres)}"
    if _empty(apres):
        verb = "ne sont plus" if plural else "n'est plus"
        return f"{subject} {verb} renseigné{accord} (auparavant : {_valeur(avant)})"
    verb = "passent" if plural else "passe"
    if isinstance(avant, date) and isinstance(apres, date):
        return f"{subject} {verb} du {_valeur(avant)} au {_valeur(apres)}"
    return f"{subject} {verb} de {_valeur(avant)} à {_valeur(apres)}"


def ecart_signe(delta: Decimal | None) -> str:
    """``+3 000,00 €``, ``−749,60 €``, ``0,00 €``, ``inconnu`` (the documents' signed amounts)."""
    from ctai_cli.documents.jinja import f_ecart

    return "inconnu" if delta is None else f_ecart(delta)


def _ecart_entre_parentheses(delta: Decimal | None) -> str:
    return "écart inconnu" if delta is None else ecart_signe(delta)


def _etat(value: Any) -> str:
    """A State budget as written in the annexe: an amount, or « non précisé » (never a number)."""
    return euros(value) if isinstance(value, Decimal) else "non précisé"


def _budget_texte(montant: Decimal | None, inconnu: str | None) -> str:
    if inconnu == SANS_BUDGET:
        return "sans budget dans l'annexe"
    if inconnu is not None or montant is None:
        return "budget État non précisé"
    return euros(montant)


def _avec_noms(change: Changement, porteurs: dict[str, str]) -> Changement:
    """The porteur and the recipients of versements by their names (porteurs.yaml), not their ids."""

    def nom(value: Any) -> Any:
        return porteurs.get(value, value) if isinstance(value, str) else value

    if change.chemin == "porteur":
        return Changement(change.chemin, nom(change.avant), nom(change.apres))
    if change.chemin.startswith("budget.versements"):

        def versements(value: Any) -> Any:
            if isinstance(value, list):
                return [versements(v) for v in value]
            if isinstance(value, dict) and "destinataire" in value:
                return {**value, "destinataire": nom(value["destinataire"])}
            return nom(value) if change.chemin.endswith(".destinataire") else value

        return Changement(change.chemin, versements(change.avant), versements(change.apres))
    return change


def _phrases_action(action: DiffAction, porteurs: dict[str, str] | None = None) -> list[str]:
    porteurs = porteurs or {}
    sujet = f"de l'action « {action.id} »"
    if action.statut in ("ajout", "suppression"):
        montant = action.budget_apres if action.statut == "ajout" else action.budget_avant
        inconnu = action.inconnu_apres if action.statut == "ajout" else action.inconnu_avant
        what = "ajout" if action.statut == "ajout" else "suppression"
        return [
            f"{what} de l'action « {action.id} », intitulée « {action.titre} » "
            f"(axe {action.axe}, porteur {porteurs.get(action.porteur, action.porteur)}, "
            f"{_budget_texte(montant, inconnu)})"
        ]
    out = []
    for change in action.changements:
        if change.chemin == "budget.etat_bop104":
            avant, apres = change.avant, change.apres
            if avant is None:  # the annexe gave no budget for the action
                out.append(
                    f"le budget État {sujet} est fixé à {_etat(apres)} (auparavant : sans budget dans l'annexe)"
                )
            elif apres is None:
                avant_texte = f"de {_etat(avant)}" if isinstance(avant, Decimal) else _etat(avant)
                out.append(
                    f"l'annexe ne donne plus de budget pour l'action « {action.id} » "
                    f"(auparavant : budget État {avant_texte})"
                )
            else:
                out.append(
                    f"le budget État {sujet} passe de {_etat(avant)} à {_etat(apres)} ({_ecart_entre_parentheses(action.ecart)})"
                )
        elif (
            change.chemin == "budget.illustratif"
            and None in (change.avant, change.apres)
            and not (change.avant or change.apres)
        ):
            continue  # a budget added or removed: its default « illustratif: false » is no news
        else:
            out.append(_phrase_changement(_avec_noms(change, porteurs), _LABELS_ACTION, sujet))
    return out


def _phrases_contrat(
    diff: DiffConvention, *, termes_seulement: bool, parties: dict[str, str] | None = None
) -> list[str]:
    out = [f"ajout du public {p}" for p in diff.publics_ajoutes]
    out += [f"retrait du public {p}" for p in diff.publics_retires]
    out += [f"ajout de l'axe {a.numero} « {a.titre} »" for a in diff.axes_ajoutes]
    out += [f"suppression de l'axe {a.numero} « {a.titre} »" for a in diff.axes_retires]
    out += [
        f"l'axe {a.numero} est renommé « {a.apres} » (auparavant : « {a.avant} »)" for a in diff.axes_renommes
    ]
    for e in diff.enveloppes:
        if e.avant is None:
            out.append(f"l'enveloppe de l'État pour {e.annee} est fixée à {euros(e.apres or ZERO)}")
        elif e.apres is None:
            out.append(f"l'enveloppe de l'État pour {e.annee} est supprimée (auparavant : {euros(e.avant)})")
        else:
            out.append(
                f"l'enveloppe de l'État pour {e.annee} passe de {euros(e.avant)} à {euros(e.apres)} "
                f"({ecart_signe(e.delta)})"
            )
    covered = {f"axes[{a.numero}]" for a in (*diff.axes_ajoutes, *diff.axes_retires)}
    covered |= {f"axes[{a.numero}].titre" for a in diff.axes_renommes}
    for change in diff.termes if termes_seulement else diff.champs:
        chemin = change.chemin
        if (
            chemin in covered
            or chemin in ("publics", "axes", "enveloppes")
            or (chemin.startswith("enveloppes[") and not chemin.endswith(".origine"))
        ):
            continue
        if chemin.endswith(".origine"):  # « etat_bop104 » or « non précisé »: said in words
            change = Changement(
                chemin, _ORIGINES.get(change.avant, change.avant), _ORIGINES.get(change.apres, change.apres)
            )
        # The field's key in parentheses for the pull request, never in an avenant's text.
        out.append(
            _phrase_changement(change, _LABELS_CONTRAT, "", with_path=not termes_seulement, parties=parties)
        )
    return out


def _phrases_annexe(annexe: DiffAnnexe, porteurs: dict[str, str] | None = None) -> list[str]:
    out = []
    if annexe.statut in ("ajout", "suppression"):
        n = len(annexe.actions)
        total = Somme.de(
            (a.budget_apres if annexe.statut == "ajout" else a.budget_avant) for a in annexe.actions
        )
        what = "ajout" if annexe.statut == "ajout" else "suppression"
        if total.valeur is not None:
            budget = f"budget État total de {euros(total.valeur)}"
        else:  # unknown is never zero: an action without budget makes the total unknown
            budget = (
                f"budget État total inconnu, {total.inconnus} action{'s' if total.inconnus > 1 else ''} "
                "sans budget ou au budget non précisé"
            )
            if total.partiel is not None:
                budget += f" (somme partielle des autres : {euros(total.partiel)})"
        out.append(
            f"{what} de l'annexe des actions de {annexe.annee} ({n} action{'s' if n > 1 else ''}, {budget})"
        )
    out += [_phrase_changement(c, _LABELS_ANNEXE, "de l'annexe") for c in annexe.champs]
    for action in annexe.actions:
        out += _phrases_action(action, porteurs)
    return out


def _phrases_porteur(porteur: DiffPorteur) -> list[str]:
    if porteur.statut == "ajout":
        return [f"ajout du porteur « {porteur.nom} » ({porteur.type})"]
    if porteur.statut == "suppression":
        return [f"suppression du porteur « {porteur.nom} »"]
    return [
        f"le porteur « {c.avant} » est renommé « {c.apres} »"
        if c.chemin == "nom" and c.avant and c.apres
        else _phrase_changement(c, _LABELS_PORTEUR, f"du porteur « {porteur.nom} »")
        for c in porteur.changements
    ]


def sections(diff: DiffContrat, *, termes_seulement: bool = False) -> list[tuple[str, list[str]]]:
    """Sentences grouped by part of the contract: [("Contrat", [...]), ("Annexe 1 (2025)", [...]), …]."""
    out: list[tuple[str, list[str]]] = []
    contrat = _phrases_contrat(diff.contrat, termes_seulement=termes_seulement, parties=diff.noms_parties)
    if contrat:
        out.append(("Contrat", contrat))
    for annexe in diff.annexes:
        sentences = _phrases_annexe(annexe, diff.noms_porteurs)
        if sentences:
            out.append((annexe.titre, sentences))
    if not termes_seulement:
        porteurs = [s for p in diff.porteurs for s in _phrases_porteur(p)]
        if porteurs:
            out.append(("Porteurs", porteurs))
    return out


def phrases(diff: DiffContrat, *, termes_seulement: bool = False) -> list[str]:
    """Every change as a French sentence: « Annexe 1 (2025) : ajout de l'action … ».

    ``termes_seulement``: only the terms of the contract (what an avenant lists): no
    porteurs, no change recording the signing (statut, délibération, signature).
    """
    return [
        f"{titre} : {s}."
        for titre, sentences in sections(diff, termes_seulement=termes_seulement)
        for s in sentences
    ]


# --------------------------------------------------------------------------- carried or not

# A sentence that does not state its resulting value: two different changes of the same field
# read the same (a long text « est modifiée », a list « : ajout de … » or « ordre modifié » whose
# order is not said, an element « ajout de … » whose other fields may change afterwards, a value
# cut short « … »). Checked first: a value quoted inside the sentence cannot make it look stated.
_SANS_VALEUR = re.compile(
    r"…|^ajout de |(?:^|\s):\s(?:ajout|retrait) de |:\sordre modifié$|\s(?:est|sont) modifié(?:e|s|es)?$"
)
# The sentences that state the value they leave (phrases above): « passe de A à B », « passe du …
# au … », « est renseigné : V », « n'est plus renseigné (auparavant : …) », a removal, a public
# added or removed, an axe renamed, an envelope or a State budget fixed or removed.
_AVEC_VALEUR = re.compile(
    r"\s(?:passe|passent)\s(?:de\s.+\sà|du\s.+\sau)\s"
    r"|\s(?:est|sont)\s(?:renseigné(?:e|s|es)?\s:\s|fixée?\sà\s)"
    r"|\s(?:n'est|ne\ssont)\splus\srenseigné(?:e|s|es)?\s\(auparavant\s:\s"
    r"|^suppression\sd|^(?:ajout|retrait)\sdu\spublic\s"
    r"|^l'axe\s\d+\sest\srenommé\s«|^l'enveloppe\sde\sl'État\spour\s\d+\sest\ssupprimée\s"
    r"|^l'annexe\sne\sdonne\splus\sde\sbudget\spour\sl'action\s«"
)


def enonce_sa_valeur(modification: str) -> bool:
    """Whether an avenant's modification (« Annexe 1 (2025) : … ») states the value it leaves, so
    that the same words mean the same change: only such a sentence may be said already carried by
    another avenant (``ctai avenant new``, CTAI-E232). The others are written again."""
    texte = " ".join(modification.split()).rstrip(".")
    _, sep, corps = texte.partition(" : ")
    if not sep:
        return False
    return _SANS_VALEUR.search(corps) is None and _AVEC_VALEUR.search(corps) is not None

"""Inline SVG charts for the HTML documents: no script, no external file.

The numbers are always also in a table next to the chart; the chart is there to
be looked at, the table to be read and copied. Labels are escaped here, so text
from the YAML files cannot inject markup into the SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from ctai_cli.documents.contexte import NON_VENTILE, DocumentBilan
from ctai_cli.documents.jinja import f_euros, f_nombre

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
COULEURS = {"EPA": "#0072B2", "BPI": "#E69F00", "BPT": "#009E73", NON_VENTILE: "#9A9A9A"}
AUTRES = ("#56B4E9", "#CC79A7", "#D55E00", "#F0E442")
LARGEUR, MARGE_GAUCHE, MARGE_DROITE = 720, 235, 110
LIGNE = 26


def _couleurs(groupes: Sequence[str]) -> dict[str, str]:
    autres = iter(AUTRES * 4)
    return {g: COULEURS.get(g) or next(autres) for g in groupes}


def _court(text: str, size: int = 30) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _svg(height: int, titre: str, description: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" role="img" '
        f'viewBox="0 0 {LARGEUR} {height}" width="{LARGEUR}" height="{height}" '
        f'font-family="sans-serif" font-size="12">'
        f"<title>{escape(titre)}</title><desc>{escape(description)}</desc>" + "".join(body) + "</svg>"
    )


def _legende(items: Sequence[tuple[str, str]], y: int) -> list[str]:
    out, x = [], MARGE_GAUCHE
    for label, colour in items:
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{y + 10}">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    return out


def beneficiaires_par_axe(doc: DocumentBilan) -> str | None:
    """Stacked bars: beneficiaries of each axe, split by public. None when nothing is counted."""
    rows = [(axe, {g: axe.nombre(g) for g in doc.groupes}) for axe in doc.axes if axe.beneficiaires]
    if not rows:
        return None
    description = "; ".join(
        f"axe {axe.axe.numero} : " + ", ".join(f"{g} {counts[g]}" for g in doc.groupes if counts[g])
        for axe, counts in rows
    )
    return barres_empilees(
        f"Bénéficiaires {doc.annee} par axe et par public",
        [(f"Axe {axe.axe.numero} – {_court(axe.axe.titre, 22)}", counts) for axe, counts in rows],
        doc.groupes,
        infobulles=[axe.axe.titre for axe, _ in rows],
        description=description,
    )


def depenses_par_action(doc: DocumentBilan) -> str | None:
    """Paired bars: money available (allocation + report) against money spent, per action."""
    rows = [
        a
        for a in doc.actions
        if a.finances and a.finances.disponible is not None and a.finances.depense is not None
    ]
    rows = [a for a in rows if a.finances.disponible or a.finances.depense]
    if not rows:
        return None
    description = "; ".join(
        f"{a.action.id} : disponible {f_euros(a.finances.disponible)}, dépensé {f_euros(a.finances.depense)}"
        for a in rows
    )
    return barres_appariees(
        f"Dépenses {doc.annee} par action, rapportées aux crédits disponibles",
        [(a.action.titre, a.finances.disponible, a.finances.depense) for a in rows],
        ("Disponible (alloué + report)", "Dépensé"),
        description=description,
    )


def depenses_hors_graphique(doc: DocumentBilan) -> list[str]:
    """The actions the spending chart leaves out because an amount is unknown, said why:
    « Français à visée professionnelle (dépenses non renseignées) ». Never silently dropped."""
    out = []
    for a in doc.actions:
        if not a.finances:
            continue
        manque = [
            what
            for what, value in (("crédits", a.finances.disponible), ("dépenses", a.finances.depense))
            if value is None
        ]
        if manque:
            out.append(
                f"{a.action.titre} ({' et '.join(manque)} non renseigné{'e' if manque == ['dépenses'] else ''}s)"
            )
    return out


def avec_graphiques(doc: DocumentBilan) -> DocumentBilan:
    """``doc`` with its charts, as trusted markup for the HTML templates."""
    from dataclasses import replace

    from ctai_cli.documents.jinja import markup

    out = {}
    for name, draw in (("beneficiaires", beneficiaires_par_axe), ("depenses", depenses_par_action)):
        svg = draw(doc)
        if svg is not None:
            out[name] = markup(svg)
    hors = depenses_hors_graphique(doc)
    if hors:
        out["depenses_hors_graphique"] = hors
    return replace(doc, graphiques=out)


# --- the bars: rows given by the caller (the fiche-bilan above, ctai aggregate) ------------


def barres_appariees(
    titre: str,
    lignes: Sequence[tuple[str, Decimal | None, Decimal | None]],
    legendes: tuple[str, str],
    *,
    description: str | None = None,
) -> str | None:
    """Two bars per row (e.g. alloué and dépensé). An unknown value draws no bar and reads
    « inconnu »; the row's label is cut, its full text in a tooltip. None without any known value."""
    known = [v for _, a, b in lignes for v in (a, b) if v is not None]
    if not known:
        return None
    largest = max(known) or Decimal(1)
    span = LARGEUR - MARGE_GAUCHE - MARGE_DROITE
    premier, second = "#BBBBBB", "#0072B2"
    body = _legende([(legendes[0], premier), (legendes[1], second)], 4)
    y = 28
    for label, a, b in lignes:
        body.append(
            f'<text x="{MARGE_GAUCHE - 6}" y="{y + 16}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_court(label, 30))}</text>"
        )
        right = 0.0
        for offset, value, colour in ((3, a, premier), (13, b, second)):
            if value is None:
                continue
            w = float(span * value / largest)
            right = max(right, w)
            body.append(
                f'<rect x="{MARGE_GAUCHE}" y="{y + offset}" width="{w:.1f}" height="9" fill="{colour}">'
                f"<title>{escape(f_euros(value))}</title></rect>"
            )
        shown = "inconnu" if b is None else f_euros(b)
        body.append(f'<text x="{MARGE_GAUCHE + right + 6:.1f}" y="{y + 16}">{escape(shown)}</text>')
        y += LIGNE
    if description is None:
        description = "; ".join(
            f"{label} : {legendes[0]} {'inconnu' if a is None else f_euros(a)}, "
            f"{legendes[1]} {'inconnu' if b is None else f_euros(b)}"
            for label, a, b in lignes
        )
    return _svg(y + 6, titre, description, body)


def barres_empilees(
    titre: str,
    lignes: Sequence[tuple[str, dict[str, int | None]]],
    groupes: Sequence[str],
    *,
    infobulles: Sequence[str] | None = None,
    description: str | None = None,
    totaux: Sequence[str] | None = None,
    textes: Sequence[dict[str, str]] | None = None,
) -> str | None:
    """Stacked bars of counts per group (e.g. beneficiaries by public); unknown counts draw
    nothing and the row reads « en partie inconnu ». ``totaux``: the text at the end of each
    bar, when the caller knows better than the sum of the drawn parts (« au moins 52 »,
    « inconnu »: never a 0 for an unknown). ``textes``: per bar, a group's value as its segment's
    tooltip says it, when the drawn count is only the known part (« au moins 55 »). None when
    nothing is counted."""
    known = [sum(v for v in counts.values() if v) for _, counts in lignes]
    if not any(known):
        return None
    couleurs = _couleurs(groupes)
    largest = max(known) or 1
    span = LARGEUR - MARGE_GAUCHE - MARGE_DROITE
    body = _legende([(g, couleurs[g]) for g in groupes], 4)
    y = 28
    for k, ((label, counts), total) in enumerate(zip(lignes, known, strict=True)):
        infobulle = label if infobulles is None else infobulles[k]
        body.append(
            f'<text x="{MARGE_GAUCHE - 6}" y="{y + 15}" text-anchor="end">'
            f"<title>{escape(infobulle)}</title>{escape(_court(label, 30))}</text>"
        )
        x = float(MARGE_GAUCHE)
        for groupe in groupes:
            n = counts.get(groupe)
            if not n:
                continue
            w = span * n / largest
            body.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{LIGNE - 8}" fill="{couleurs[groupe]}">'
                f"<title>{escape(groupe)} : {escape(textes[k].get(groupe, f_nombre(n)) if textes else f_nombre(n))}"
                "</title></rect>"
            )
            x += w
        partiel = any(counts.get(g) is None for g in groupes if g in counts)
        shown = (
            totaux[k] if totaux is not None else f_nombre(total) + (" (en partie inconnu)" if partiel else "")
        )
        body.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{escape(shown)}</text>')
        y += LIGNE
    if description is None:
        description = "; ".join(
            f"{label} : "
            + ", ".join(
                f"{g} {'inconnu' if counts[g] is None else counts[g]}" for g in groupes if g in counts
            )
            for label, counts in lignes
        )
    return _svg(y + 6, titre, description, body)

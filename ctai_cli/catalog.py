"""The catalog of diagnostic codes.

One entry per code: severity, a short title, the message and hint templates
used to build diagnostics, and the longer French explanation shown by
``ctai explain CODE``. Codes are stable: a code is never reused for another
meaning; a renamed code keeps its old name in ``ALIASES``.

Numbering: ``E0xx`` reading a file, ``E02x`` the repository layout, ``E1xx``
the structure of a file (schema), ``E2xx``/``W2xx`` consistency across files, ``E3xx`` document templates, ``E4xx``/``W4xx``
bilan forms.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctai_cli.diagnostics import Diagnostic, Severity

E = Severity.ERROR
W = Severity.WARNING


@dataclass(frozen=True)
class Entry:
    code: str
    severity: Severity
    title: str
    message: str
    explanation: str
    hint: str | None = None

    def format_message(self, **fields: object) -> str:
        return self.message.format(**fields)


_ENTRIES: tuple[Entry, ...] = (
    # --- reading a file -------------------------------------------------
    Entry(
        "CTAI-E001",
        E,
        "Fichier illisible",
        "impossible de lire le fichier : {raison}",
        "Le fichier existe mais n'a pas pu être lu (droits d'accès, lien cassé, "
        "dossier à la place d'un fichier…).",
        "vérifiez les droits du fichier et qu'il s'agit bien d'un fichier texte",
    ),
    Entry(
        "CTAI-E002",
        E,
        "Encodage non UTF-8",
        "le fichier n'est pas encodé en UTF-8 (octet 0x{octet} invalide)",
        "Les fichiers du contrat doivent être enregistrés en UTF-8, l'encodage "
        "standard de YAML. Un fichier enregistré en Latin-1 ou Windows-1252 (souvent "
        "par un tableur ou un ancien éditeur) rend les accents illisibles.",
        "réenregistrez le fichier en UTF-8 (dans votre éditeur : « Enregistrer avec l'encodage » → UTF-8)",
    ),
    Entry(
        "CTAI-E003",
        E,
        "Fichier trop volumineux",
        "le fichier fait {taille}, au-delà de la limite de {limite}",
        "Un fichier de contrat, d'annexe ou de bilan fait quelques dizaines de "
        "kilo-octets. Au-delà de la limite, ctai refuse de le lire pour ne pas "
        "bloquer l'intégration continue sur un fichier déposé par erreur.",
        "découpez le fichier ou vérifiez qu'il ne s'agit pas d'un export ou d'une pièce jointe",
    ),
    Entry(
        "CTAI-E004",
        E,
        "Fichier vide",
        "le fichier est vide",
        "Le fichier ne contient aucune donnée (ou seulement des commentaires). "
        "Chaque fichier du contrat doit décrire son contenu.",
        "remplissez le fichier (voir « ctai explain format ») ou supprimez-le",
    ),
    Entry(
        "CTAI-E005",
        E,
        "Syntaxe YAML invalide",
        "syntaxe YAML invalide : {detail}",
        "Le fichier ne respecte pas la syntaxe YAML : indentation incohérente, "
        "guillemet non fermé, deux-points manquant après une clé…",
        "vérifiez l'indentation et les guillemets autour de la position indiquée",
    ),
    Entry(
        "CTAI-E006",
        E,
        "Tabulation dans l'indentation",
        "tabulation utilisée pour l'indentation",
        "YAML interdit les tabulations pour indenter : seules les espaces comptent.",
        "remplacez les tabulations par des espaces (2 par niveau)",
    ),
    Entry(
        "CTAI-E007",
        E,
        "Clé dupliquée",
        "clé « {cle} » en double (déjà définie ligne {ligne})",
        "Une même clé apparaît deux fois dans un dictionnaire. La plupart des "
        "lecteurs YAML gardent silencieusement la dernière valeur : ctai le refuse "
        "pour qu'aucune donnée ne soit perdue sans qu'on le voie.",
        "supprimez ou fusionnez l'une des deux clés",
    ),
    Entry(
        "CTAI-E008",
        E,
        "Alias YAML dangereux",
        "{detail}",
        "Les ancres (&nom) et alias (*nom) YAML sont acceptés, mais leur expansion "
        "est limitée : un fichier dont les alias se multiplient (« billion laughs ») "
        "ou se contiennent eux-mêmes est refusé.",
        "recopiez les valeurs au lieu d'utiliser des alias imbriqués",
    ),
    Entry(
        "CTAI-E009",
        E,
        "Valeur ambiguë (YAML 1.1)",
        "valeur ambiguë « {valeur} » : {detail}",
        "En YAML 1.1, yes, no, on, off, y et n (quelle que soit la casse) sont des "
        "booléens ; en YAML 1.2 ce sont des textes. Le code pays de la Norvège, NO, "
        "devient ainsi « faux ». De même, 010402020111 est un nombre octal en YAML 1.1 "
        "et perd son zéro initial en YAML 1.2 ; 1:30 ou 1_000 sont des nombres en YAML "
        "1.1 et des textes en YAML 1.2. Pour que chaque outil lise la même chose, ctai "
        "exige true/false pour un booléen et des guillemets pour un texte.",
        "écrivez {suggestion}",
    ),
    Entry(
        "CTAI-E010",
        E,
        "Plusieurs documents YAML",
        "le fichier contient plusieurs documents YAML (séparateur « --- »)",
        "Chaque fichier du contrat contient un seul document. Un « --- » au milieu "
        "du fichier commence un second document, qui serait ignoré.",
        "supprimez le séparateur « --- » ou répartissez le contenu en plusieurs fichiers",
    ),
    Entry(
        "CTAI-E011",
        E,
        "Clé non prise en charge",
        "{detail}",
        "Les clés doivent être de simples textes. Les clés complexes (« ? ») et la "
        "clé de fusion « << » ne sont pas prises en charge, pour que le fichier "
        "se lise de la même façon partout.",
        "écrivez les clés en toutes lettres",
    ),
    Entry(
        "CTAI-E012",
        E,
        "Imbrication trop profonde",
        "imbrication trop profonde (plus de {limite} niveaux)",
        "Un fichier de contrat n'a que quelques niveaux d'imbrication. Au-delà de "
        "la limite, le fichier est refusé pour protéger l'outil.",
        "vérifiez les crochets et accolades du fichier",
    ),
    Entry(
        "CTAI-E013",
        E,
        "Structure racine invalide",
        "le fichier doit contenir un dictionnaire de clés (par exemple « {exemple} »), pas {trouve}",
        "Chaque fichier du contrat est un dictionnaire YAML : des lignes « clé: valeur » au premier niveau.",
        "« ctai explain format » décrit la structure attendue",
    ),
    # --- repository layout ---------------------------------------------
    Entry(
        "CTAI-E014",
        E,
        "Nombre trop long",
        "nombre de {longueur} caractères : au-delà de {limite}, il n'est pas lu",
        "Aucun nombre d'un contrat (année, montant, effectif, SIRET) n'a autant de chiffres. "
        "Un nombre démesuré est refusé avant toute conversion, pour protéger l'outil (Python "
        "refuse de convertir plus de 4 300 chiffres).",
        "vérifiez la valeur ; un identifiant fait de chiffres s'écrit entre guillemets",
    ),
    Entry(
        "CTAI-E015",
        E,
        "Trop de problèmes dans un fichier",
        "{nombre} autres problèmes dans ce fichier ne sont pas affichés (limite de {limite} par fichier)",
        "Au-delà d'un certain nombre de problèmes, un fichier n'est visiblement pas un fichier de "
        "contrat, ou une erreur se répète : les suivants ne sont pas affichés, pour que le rapport "
        "reste lisible et rapide. Corrigez les premiers et relancez.",
        "corrigez les problèmes affichés puis relancez ctai validate",
    ),
    Entry(
        "CTAI-E020",
        E,
        "Dossier de contrat introuvable",
        "{detail}",
        "ctai valide un dossier de contrat : il doit contenir un fichier contrat.yaml "
        "(et porteurs.yaml, actions/, bilans/, avenants/). Cette erreur donne le code "
        "de sortie 2 : la commande n'a rien pu valider.",
        "donnez le dossier qui contient contrat.yaml (« ctai init » en crée un, « ctai explain format » le décrit)",
    ),
    Entry(
        "CTAI-E021",
        E,
        "Fichier obligatoire manquant",
        "fichier obligatoire manquant : {fichier}",
        "Un dossier de contrat contient au moins contrat.yaml et porteurs.yaml.",
        "créez {fichier} (voir « ctai explain format »)",
    ),
    Entry(
        "CTAI-W022",
        W,
        "Fichier ignoré",
        "fichier ignoré : {raison}",
        "Ce fichier ressemble à un fichier du contrat mais n'est pas à un emplacement "
        "ou sous un nom que ctai lit ; son contenu n'est donc pas validé.",
        "{suggestion}",
    ),
    # --- structure of a file --------------------------------------------
    Entry(
        "CTAI-E100",
        E,
        "Clé inconnue",
        "clé inconnue « {cle} »",
        "Cette clé ne fait pas partie du format. Souvent une faute de frappe : la "
        "valeur serait ignorée sans que personne ne s'en aperçoive.",
        "{suggestion}",
    ),
    Entry(
        "CTAI-E101",
        E,
        "Champ obligatoire manquant",
        "champ obligatoire manquant : « {champ} »",
        "Ce champ est exigé par le format.",
        "ajoutez « {champ}: … » (voir « ctai explain format »)",
    ),
    Entry(
        "CTAI-E102",
        E,
        "Type invalide",
        "{detail}",
        "La valeur n'a pas le type attendu (texte, nombre entier, booléen true/false, liste, dictionnaire).",
        None,
    ),
    Entry(
        "CTAI-E103",
        E,
        "Montant invalide",
        "{detail}",
        "Les montants sont en euros, exacts au centime : un entier (1200) ou un texte "
        'entre guillemets avec au plus deux décimales et un point ("1200.50"). Un '
        "nombre à virgule YAML (1200.5) est refusé : c'est un flottant binaire, "
        "inexact, et non un montant. Les montants ne sont jamais négatifs. Un montant "
        "inconnu s'écrit en omettant sa clé (jamais 0) ; « non précisé » n'est accepté que "
        "là où le format le dit (etat_bop104 d'un budget, par exemple).",
        None,  # the hint, what to write, comes with each error (models.common.parse_montant)
    ),
    Entry(
        "CTAI-E104",
        E,
        "Date invalide",
        "{detail}",
        "Les dates sont au format ISO : AAAA-MM-JJ (par exemple 2024-10-17).",
        "écrivez la date au format AAAA-MM-JJ, par exemple 2024-10-17",
    ),
    Entry(
        "CTAI-E105",
        E,
        "Valeur non autorisée",
        "valeur « {valeur} » non autorisée ; valeurs possibles : {attendu}",
        "Le champ n'accepte qu'une liste fermée de valeurs.",
        "{suggestion}",
    ),
    Entry(
        "CTAI-E106",
        E,
        "Valeur hors limites",
        "{detail}",
        "La valeur est hors des limites admises (nombre négatif, texte ou liste vide…).",
        None,
    ),
    Entry(
        "CTAI-E107",
        E,
        "Code pays inconnu",
        "{detail}",
        "La nationalité s'écrit avec le code ISO 3166-1 à deux lettres du pays (AF pour "
        "l'Afghanistan, UA pour l'Ukraine, SY pour la Syrie), vérifié avec pycountry, ou "
        '« apatride ». Écrivez NO (Norvège) entre guillemets : "NO".',
        "écrivez le code à deux lettres, par exemple AF",
    ),
    # --- consistency across files ---------------------------------------
    Entry(
        "CTAI-E200",
        E,
        "Porteur inconnu",
        "porteur « {porteur} » absent de porteurs.yaml",
        "Chaque action désigne son porteur par l'identifiant déclaré dans porteurs.yaml.",
        "{suggestion}",
    ),
    Entry(
        "CTAI-E201",
        E,
        "Axe inconnu",
        "axe {axe} absent de contrat.yaml (axes déclarés : {axes})",
        "Chaque action se rattache à l'un des axes numérotés du contrat (article 1).",
        "utilisez l'un des numéros d'axe déclarés dans contrat.yaml",
    ),
    Entry(
        "CTAI-E202",
        E,
        "Année hors période",
        "{detail}",
        "Les annexes et bilans portent sur les années de la période du contrat "
        "(article 2). Une annexe ou un bilan d'une année antérieure (par exemple le "
        "bilan du contrat précédent, joint en annexe 2) se déclare avec "
        "« cadre: contrat_precedent ».",
        "vérifiez l'année ou déclarez « cadre: contrat_precedent »",
    ),
    Entry(
        "CTAI-E203",
        E,
        "Action inconnue dans le bilan",
        "action « {action} » absente de l'annexe {annee} ({fichier})",
        "Le bilan d'une année ne rend compte que des actions de l'annexe de la même année.",
        "{suggestion}",
    ),
    Entry(
        "CTAI-E204",
        E,
        "Public non visé par le contrat",
        "public « {public} » non visé par le contrat (publics du contrat : {publics})",
        "Une action ne peut viser que les publics du contrat (clé « publics » de "
        "contrat.yaml). Un contrat réservé aux réfugiés (CTAIR) vise BPI seulement.",
        "retirez ce public de l'action ou ajoutez-le au contrat par avenant",
    ),
    Entry(
        "CTAI-E205",
        E,
        "Crédits BOP 104 sur un axe non financé",
        "l'action « {action} » porte {montant} de crédits BOP 104 sur l'axe {axe}, qui "
        "ne mobilise pas ces crédits",
        "Le contrat indique pour chaque axe s'il mobilise les crédits du programme 104 "
        "(à Dax, les axes 1 et 2 ne les mobilisent pas).",
        "mettez etat_bop104 à 0 ou déclarez « mobilise_bop104: true » pour cet axe",
    ),
    Entry(
        "CTAI-E206",
        E,
        "Identifiant en double",
        "{quoi} « {valeur} » en double (déjà ligne {ligne})",
        "Les identifiants (porteurs, actions d'une année, numéros d'axe, objectifs "
        "d'une action, actions d'un bilan) doivent être uniques : les autres fichiers "
        "s'y réfèrent.",
        "renommez ou supprimez l'un des deux",
    ),
    Entry(
        "CTAI-E207",
        E,
        "Année incohérente avec le nom du fichier",
        "le fichier {fichier} déclare « annee: {annee} »",
        "Les annexes et bilans sont rangés par année : actions/2024.yaml déclare annee: 2024.",
        "renommez le fichier ou corrigez l'année",
    ),
    Entry(
        "CTAI-E208",
        E,
        "Effectifs incohérents",
        "{detail}",
        "Dans un bilan, la somme des bénéficiaires par public (EPA, BPI, BPT) et la "
        "somme par sexe ne peuvent dépasser le total, et un même public ne peut "
        "figurer dans deux groupes. Quand le total est toute la file active d'une structure "
        "(« file_active: true »), seuls les groupes de « par_public » comptent pour le contrat : "
        "ils sont alors obligatoires.",
        "vérifiez les effectifs de l'action",
    ),
    Entry(
        "CTAI-E209",
        E,
        "Objectif inconnu",
        "objectif « {objectif} » absent de la fiche-action « {action} » ({fichier})",
        "Un indicateur du bilan peut se rapporter à un objectif quantitatif de la "
        "fiche-action ; il le désigne par son identifiant.",
        "{suggestion}",
    ),
    Entry(
        "CTAI-E210",
        E,
        "SIRET ou SIREN invalide",
        "{type} « {valeur} » invalide : {raison}",
        "Le SIRET (14 chiffres) et le SIREN (9 chiffres) sont vérifiés avec leur clé "
        "de contrôle (algorithme de Luhn, via python-stdnum).",
        "recopiez le numéro depuis l'annuaire des entreprises (annuaire-entreprises.data.gouv.fr)",
    ),
    Entry(
        "CTAI-E211",
        E,
        "Articulation AGIR contradictoire",
        "l'action « {action} » est déclarée à la fois similaire à AGIR et ouverte au public AGIR",
        "Article 5 : une action similaire à l'accompagnement global de l'opérateur AGIR "
        "ne peut pas bénéficier au public AGIR.",
        "mettez « ouverte_public_agir: false » ou « similaire_agir: false »",
    ),
    Entry(
        "CTAI-E212",
        E,
        "Comités de pilotage incohérents",
        "{detail}",
        "Le bilan indique le nombre de comités de pilotage tenus dans l'année et, si "
        "elles sont connues, leurs dates ; les dates sont dans l'année du bilan.",
        "vérifiez la section « pilotage » du bilan",
    ),
    Entry(
        "CTAI-W213",
        W,
        "Comités de pilotage insuffisants",
        "{comites} en {annee}, pour un minimum de {minimum} par an",
        "Article 7 : le comité de pilotage se réunit au minimum le nombre de fois par an "
        "fixé par le contrat (deux à Dax).",
        "prévoyez les réunions manquantes ou expliquez l'écart dans le bilan",
    ),
    Entry(
        "CTAI-W214",
        W,
        "Bilan manquant",
        "bilan {annee} manquant : il était dû le {echeance}",
        "Article 8 : le bilan annuel (fiche-bilan) est remis aux services de l'État au "
        "plus tard à l'échéance fixée par le contrat (« gouvernance.bilan » ; à Dax, le "
        "1er juin de l'année n+1). La "
        "date de référence est celle du jour, ou celle donnée par --date.",
        "ajoutez bilans/{annee}.yaml",
    ),
    Entry(
        "CTAI-E215",
        E,
        "Numérotation des avenants",
        "{detail}",
        "Article 10 : le contrat n'est modifié que par avenant. Les avenants sont "
        "numérotés 1, 2, 3… sans trou, et avenants/<n>.yaml déclare « numero: n ».",
        "renumérotez les avenants",
    ),
    Entry(
        "CTAI-E216",
        E,
        "Annexe introuvable",
        "l'annexe {numero} renvoie au fichier « {fichier} », introuvable",
        "Les annexes déclarées dans contrat.yaml renvoient à des fichiers du dossier.",
        "{suggestion}",
    ),
    Entry(
        "CTAI-E217",
        E,
        "Dates incohérentes",
        "{detail}",
        "Les dates du contrat doivent se suivre : début de période avant la fin, "
        "délibération avant la signature, dates d'une année dans cette année.",
        None,
    ),
    Entry(
        "CTAI-E218",
        E,
        "Parties du contrat incomplètes",
        "{detail}",
        "Un CTAI est passé entre l'État et une ou plusieurs collectivités : « parties » comprend "
        "au moins une partie « role: etat » (le préfet ; d'autres signataires de l'État sont permis, "
        "comme le délégué interministériel à l'accueil et à l'intégration des réfugiés à Rennes en "
        "2020) et au moins une partie « role: collectivite ».",
        "voir la section « parties » de « ctai explain format »",
    ),
    # --- money (articles 3, 4 and 8) -----------------------------------
    Entry(
        "CTAI-E220",
        E,
        "Dépenses supérieures au disponible",
        "action « {action} » : {depense} dépensés pour {disponible} disponibles (alloué + report entrant)",
        "Les dépenses réalisées sur les crédits de l'État ne peuvent dépasser ce qui était "
        "disponible pour l'action : l'allocation de l'année plus le report entrant.",
        "vérifiez les dépenses du bilan ou l'allocation de l'annexe",
    ),
    Entry(
        "CTAI-E221",
        E,
        "Reliquat mal calculé",
        "action « {action} » : reliquat déclaré {declare}, alors que disponible − dépensé = {calcule}",
        "Article 8 : le reliquat est ce qui reste du disponible (alloué + report entrant) après les "
        "dépenses réalisées ; au centime près.",
        "écrivez « montant: {calcule_brut} »",
    ),
    Entry(
        "CTAI-E222",
        E,
        "Report entrant sans reliquat reporté",
        "{detail}",
        "Article 3 : un report entrant sur l'année n+1 correspond à un reliquat de l'année n "
        "déclaré « disposition: report » vers cette action, du même montant.",
        "vérifiez le bilan de l'année précédente et l'action d'origine (depuis_action)",
    ),
    Entry(
        "CTAI-W223",
        W,
        "Report sans décision",
        "{detail}",
        "Un report de crédits repose sur une décision (comité de pilotage, courrier de la DDETS) : "
        "sa date et sa référence permettent de la retrouver.",
        "ajoutez « decision: {{date: AAAA-MM-JJ, reference: … }} »",
    ),
    Entry(
        "CTAI-W224",
        W,
        "Versements différents de l'allocation",
        "action « {action} » : {verse} versés pour {alloue} alloués",
        "Article 4 : l'État verse la contribution allouée. Un écart peut être normal en cours "
        "d'année (versement en deux fois) ; il est signalé pour être vérifié.",
        "vérifiez les versements de l'annexe",
    ),
    Entry(
        "CTAI-W225",
        W,
        "Reliquat sans décision après l'échéance",
        "action « {action} » : {etat} {quand}",
        "Articles 3 et 8 : une fois le bilan remis, chaque reliquat est reporté ou reversé. Après "
        "l'échéance (date de référence : aujourd'hui ou --date), un reliquat en attente ou non "
        "déclaré est signalé. Quand le contrat ne précise pas l'échéance (« gouvernance.bilan » "
        "absent ou « non précisé »), ctai n'en suppose aucune : une fois l'année du bilan écoulée, "
        "l'argent laissé sans décision est signalé comme une question, jamais passé sous silence.",
        "décidez du report ou du reversement et indiquez « disposition » et « decision »",
    ),
    Entry(
        "CTAI-E226",
        E,
        "Enveloppe annuelle dépassée",
        "{annee} : {total} alloués aux actions, au-delà de l'enveloppe de {enveloppe}",
        "La somme des crédits BOP 104 alloués aux actions d'une année ne peut dépasser l'enveloppe "
        "annuelle du contrat (clé « enveloppes » de contrat.yaml).",
        "revoyez les allocations de l'annexe ou l'enveloppe (par avenant)",
    ),
    Entry(
        "CTAI-E227",
        E,
        "Excédent conservé au-delà de ce que la convention permet",
        "action « {action} » : {montant} conservés par le porteur ; excédent raisonnable autorisé : {autorise}",
        "Une convention peut permettre à une association de conserver un « excédent raisonnable » "
        "(loi 2021-875 du 1er juillet 2021) ; au-delà, la subvention non dépensée est reportée ou "
        "reversée. Le montant autorisé se déclare dans le budget de la fiche-action "
        "(« excedent_raisonnable »).",
        "reportez ou reversez le surplus, ou déclarez l'excédent autorisé par la convention",
    ),
    Entry(
        "CTAI-E228",
        E,
        "Reliquat invérifiable",
        "action « {action} » : reliquat de {montant} déclaré {manque} : il ne peut pas être vérifié",
        "Article 8 : le reliquat est ce qui reste du disponible (alloué + reports entrants) après les "
        "dépenses réalisées. Un reliquat déclaré sans les dépenses réalisées de l'action, ou pour une "
        "action sans budget dans l'annexe, ne peut pas être rapproché : son montant pourrait être "
        "n'importe lequel. Les autres contrôles du reliquat (excédent conservé, report, décision) "
        "s'appliquent quand même.",
        "indiquez « depenses_realisees » dans le bilan (et le budget de l'action dans l'annexe)",
    ),
    Entry(
        "CTAI-W246",
        W,
        "Reliquat reversé ou conservé sans décision",
        "action « {action} » : reliquat de {montant} {disposition} sans décision enregistrée",
        "Un reliquat reversé à l'État (titre de perception, courrier de la DDETS) ou conservé par le "
        "porteur (excédent raisonnable de la convention) l'est sur une décision, comme un report "
        "(CTAI-W223) : sa date et sa référence permettent de retrouver où est allé l'argent. Sans "
        "elle, le reversement n'est qu'une intention.",
        "ajoutez « decision: {{date: AAAA-MM-JJ, reference: … }} » au reliquat, d'après la source",
    ),
    Entry(
        "CTAI-W247",
        W,
        "Dépenses non déclarées",
        "action « {action} » : dépenses non déclarées pour {montant} disponibles en {annee} ({ou}) {quand}",
        "Article 8 : le bilan donne, action par action, les dépenses réalisées sur les crédits de "
        "l'État. Une action dont le disponible (alloué + reports entrants) est connu et dont le "
        "bilan ne donne pas les dépenses laisse cet argent sans compte : ni dépensé, ni reporté, "
        "ni reversé. Signalé une fois l'échéance du bilan passée ou, quand le contrat ne la précise "
        "pas, une fois l'année écoulée.",
        "indiquez « depenses_realisees » pour l'action dans le bilan, et son reliquat",
    ),
    Entry(
        "CTAI-E229",
        E,
        "Report interdit par le contrat",
        "action « {action} » : reliquat de {montant} reporté, alors que le contrat n'autorise pas le "
        "report des reliquats (report_reliquats: false)",
        "Article 3 : le report des montants non dépensés sur l'exercice suivant n'est possible que si le "
        "contrat le prévoit (« report_reliquats: true » dans contrat.yaml). Quand il l'exclut, un "
        "reliquat est reversé, ou conservé dans la limite de l'excédent raisonnable.",
        "reversez le reliquat (« disposition: reversement ») ou modifiez le contrat par avenant",
    ),
    Entry(
        "CTAI-W245",
        W,
        "Report sans clause de report connue",
        "action « {action} » : reliquat de {montant} reporté ; le contrat ne précise pas si le report des "
        "reliquats est permis (report_reliquats) : l'est-il ?",
        "Article 3 : le report des montants non dépensés sur l'exercice suivant n'est possible que si le "
        "contrat le prévoit. Quand contrat.yaml ne le dit pas (« report_reliquats » absent ou « non "
        "précisé »), ctai ne suppose pas que le report est permis : il pose la question.",
        "renseignez « report_reliquats: true » (ou false) d'après l'article 3 du contrat signé",
    ),
    Entry(
        "CTAI-E240",
        E,
        "Report après la fin du contrat",
        "action « {action} » : reliquat de {montant} reporté sur {annee}, après la fin du contrat ({fin})",
        "Article 3 : un reliquat se reporte sur l'exercice suivant du contrat. Le reliquat de la "
        "dernière année n'a pas d'exercice suivant dans ce contrat : il est reversé, sauf si un avenant "
        "prolonge la période (« periode.fin » de contrat.yaml, modifiée par l'avenant).",
        "reversez le reliquat, ou prolongez la période du contrat par avenant",
    ),
    Entry(
        "CTAI-E241",
        E,
        "Report vers une action absente",
        "action « {action} » : reliquat de {montant} reporté vers « {vers} », absente de l'annexe {annee}",
        "Un reliquat reporté (article 3) doit arriver quelque part : dans une action de l'annexe de "
        "l'année suivante, qui le reprend dans son « report_entrant ». Une action absente de cette "
        "annexe ne peut pas le recevoir, et l'argent disparaîtrait des comptes.",
        "ajoutez l'action « {vers} » à actions/{annee}.yaml, ou corrigez « vers_action »",
    ),
    Entry(
        "CTAI-E242",
        E,
        "Report que l'action d'arrivée ne reprend pas",
        "action « {action} » : reliquat de {montant} reporté vers « {vers} » ({annee}), dont le "
        "report_entrant ne le reprend pas",
        "Un reliquat reporté (article 3) doit se retrouver de l'autre côté : l'action qui le reçoit, "
        "dans l'annexe de l'année suivante, le liste dans son « report_entrant » (avec « depuis_action » "
        "quand il vient d'une autre action), au centime près. Sinon l'argent reporté n'apparaît dans "
        "aucun disponible.",
        "ajoutez à l'action « {vers} » de actions/{annee}.yaml : report_entrant: "
        "[{{depuis_action: {action}, montant: …}}]",
    ),
    Entry(
        "CTAI-E243",
        E,
        "Report entrant en double",
        "action « {action} » : le reliquat « {depuis} » de {annee} est déjà repris par cette action ; ce "
        "report entrant de {montant} le compterait deux fois",
        "Un reliquat reporté n'arrive qu'une fois : l'action qui le reçoit le liste une seule fois dans "
        "son « report_entrant ». Plusieurs reliquats peuvent arriver sur une même action, chacun avec "
        "son « depuis_action ».",
        "supprimez le report en double, ou corrigez « depuis_action »",
    ),
    Entry(
        "CTAI-W244",
        W,
        "Report vers une année sans annexe",
        "action « {action} » : reliquat de {montant} reporté vers {vers}, mais il n'y a pas d'annexe "
        "{annee} (actions/{annee}.yaml) pour le recevoir",
        "Un reliquat reporté (article 3) arrive dans une action de l'annexe de l'année suivante. Tant "
        "que cette annexe n'est pas écrite, le report ne peut pas être rapproché : il est signalé pour "
        "ne pas être perdu de vue.",
        "ajoutez actions/{annee}.yaml avec l'action qui reçoit le report",
    ),
    # --- what the files do not say ---------------------------------------
    Entry(
        "CTAI-W250",
        W,
        "Valeur non précisée",
        "« {champ} » : non précisé",
        "La source (le contrat signé, l'annexe, le bilan) ne précise pas cette valeur : « non précisé » "
        "le dit sans l'inventer. Les documents l'impriment tel quel et les totaux qui en dépendent "
        "sont inconnus (jamais comptés comme zéro). L'avertissement rappelle ce qui reste à retrouver.",
        "renseignez la valeur dès qu'une source la donne, en citant cette source en commentaire",
    ),
    Entry(
        "CTAI-E251",
        E,
        "Valeur indispensable non précisée dans un contrat signé",
        "« {champ} » : non précisé dans un contrat signé ({raison})",
        "Un contrat au statut « signe » ne tient pas sans certaines valeurs : les crédits de l'État "
        "alloués à une action sont versés à une structure identifiée, son porteur. « non précisé » y "
        "est une erreur ; une action sans crédits de l'État connus peut avoir un porteur que la source "
        "ne nomme pas (avertissement CTAI-W250), comme toutes les autres valeurs non précisées.",
        "renseignez la valeur d'après le contrat signé, ou laissez le statut à « projet »",
    ),
    Entry(
        "CTAI-W252",
        W,
        "Texte à compléter",
        "« {champ} » est encore « À COMPLÉTER »",
        "« ctai init » écrit « À COMPLÉTER » là où seul le coordinateur connaît la valeur. Un fichier "
        "qui en contient encore n'est pas prêt : les documents imprimeraient « À COMPLÉTER ».",
        "remplacez « À COMPLÉTER » par la valeur, ou par « non précisé » si la source ne la donne pas",
    ),
    Entry(
        "CTAI-W253",
        W,
        "Public impossible aux dates du contrat",
        "{ou} vise les BPT pour {quand}, avant le régime de protection temporaire ({debut})",
        "La protection temporaire (BPT) n'existe en France que depuis la décision d'exécution (UE) "
        "2022/382 du Conseil du 4 mars 2022. Un contrat, une annexe ou un bilan d'avant cette date ne "
        "peut pas viser ce public : c'est le plus souvent une copie d'un contrat plus récent.",
        "retirez BPT des publics de cette période, ou vérifiez les dates",
    ),
    Entry(
        "CTAI-W254",
        W,
        "Échéance des bilans non précisée",
        "aucun bilan pour {annees} ; l'échéance des bilans n'est pas précisée : {question}",
        "L'article 8 du contrat fixe la date de remise du bilan annuel (à Dax : le 1er juin de l'année "
        "n + 1). Quand le contrat ne la donne pas (« gouvernance.bilan » absent ou « non précisé »), "
        "ctai n'en suppose aucune : il signale les années écoulées sans bilan, sans dire si le bilan "
        "est dû. Même chose pour le nombre minimal de comités de pilotage (« copil_min_par_an ») : "
        "sans lui, les comités tenus ne sont comparés à rien.",
        "ajoutez les bilans de ces années, ou renseignez « gouvernance.bilan » (mois, jour) d'après "
        "le contrat signé",
    ),
    # --- avenants (ctai validate --base) ---------------------------------
    Entry(
        "CTAI-E230",
        E,
        "Termes signés modifiés sans avenant",
        "{fichier} : termes du contrat signé modifiés depuis {base} sans nouvel avenant ({detail})",
        "Article 10 du contrat : le contrat ne peut être modifié que par voie d'avenant. Avec "
        "« ctai validate --base REV » (en intégration continue, REV est la branche visée par la "
        "pull request), toute modification des termes d'un contrat signé — contrat.yaml hors "
        "signature et délibération, annexe d'actions ajoutée, modifiée ou retirée (les annexes font "
        "partie du contrat, article 11) — doit s'accompagner d'un "
        "nouveau fichier avenants/<n>.yaml. La signature elle-même (statut, délibération) n'est "
        "pas une modification des termes.",
        "préparez l'avenant avec « ctai avenant new » puis relisez-le",
    ),
    Entry(
        "CTAI-E231",
        E,
        "Avenant signé modifié",
        "l'avenant {numero}, déjà signé, est {action}",
        "Un avenant signé fait partie du contrat : il ne se corrige pas après coup. Un nouvel "
        "avenant doit porter la correction.",
        "rétablissez l'avenant {numero} et rédigez un nouvel avenant (ctai avenant new)",
    ),
    Entry(
        "CTAI-E232",
        E,
        "Avenant en double",
        "l'avenant {numero} reprend {nombre} déjà portée{s} par l'avenant {autre} ({exemple})",
        "Un avenant ajouté ou modifié depuis la révision de base (ctai validate --base) répète des "
        "modifications qu'un autre avenant porte déjà, mot pour mot, parmi celles qui disent leur "
        "valeur (« passe de A à B », « est fixé à … », une suppression) : signés tous les deux, ils "
        "conviendraient deux fois de la même modification. Une phrase qui ne dit pas sa valeur (« la "
        "description … est modifiée », « ajout de l'action … », un ordre modifié) peut revenir dans "
        "un autre avenant sans être une répétition : elle ne compte pas. C'est souvent un second « ctai avenant "
        "new » lancé avant que le premier avenant soit intégré, ou un projet abandonné resté dans "
        "le dossier. C'est une erreur : ctai ne sait pas lequel des deux avenants fait foi, et un "
        "avenant n'a pas à redire ce qu'un autre dit déjà.",
        "retirez les modifications répétées de l'avenant {numero}, ou supprimez l'avenant abandonné",
    ),
    Entry(
        "CTAI-W233",
        W,
        "Modification absente des avenants",
        "la modification « {modification} » n'est dans aucun avenant ajouté depuis {base} : "
        "l'avenant signé ne la dirait pas",
        "Avec « ctai validate --base REV », dès qu'un avenant est ajouté ou modifié depuis la "
        "révision de base, l'erreur CTAI-E230 ne s'applique plus : chaque modification des termes "
        "depuis la base qui dit sa valeur (« passe de A à B », « est fixé à … », une suppression) "
        "est alors cherchée, mot pour mot, dans les avenants ajoutés ou modifiés depuis la base. "
        "Absente, c'est souvent une modification faite après « ctai avenant new » : l'avenant "
        "signé ne la dirait pas, et le contrat changerait sans avenant (article 10). Ce n'est qu'un "
        "avertissement : la phrase a pu être reformulée dans l'avenant. Une phrase qui ne dit pas "
        "sa valeur (« la description … est modifiée », « ajout de l'action … ») n'est pas cherchée.",
        "ajoutez-la à l'avenant (ou lancez « ctai avenant new » pour un nouvel avenant), ou "
        "vérifiez que l'avenant la dit en d'autres termes",
    ),
    # --- document templates (ctai bilan/fiche/contrat render) -------------
    Entry(
        "CTAI-E300",
        E,
        "Modèle de document mal formé",
        "modèle « {modele} » : {detail}",
        "Un modèle de document (dossier --templates) n'est pas un modèle Jinja valide : balise "
        "non fermée, bloc « {% if %} » sans « {% endif %} », filtre inconnu… Rien n'est écrit.",
        "comparez avec le modèle fourni par ctai (« ctai explain documents ») et la documentation de Jinja",
    ),
    Entry(
        "CTAI-E301",
        E,
        "Variable inconnue dans un modèle",
        "modèle « {modele} » : {detail}",
        "Les modèles sont rendus en mode strict : une variable ou un attribut qui n'existe pas "
        "est une erreur, plutôt qu'un texte vide qui passerait inaperçu dans le document remis "
        "à l'État. Les variables disponibles sont décrites par « ctai explain documents ».",
        "vérifiez l'orthographe de la variable ; « {{% if x is defined %}} » pour une valeur facultative",
    ),
    Entry(
        "CTAI-E302",
        E,
        "Opération interdite dans un modèle",
        "modèle « {modele} » : opération refusée par le bac à sable : {detail}",
        "Les modèles sont exécutés dans un bac à sable (SandboxedEnvironment de Jinja) : ils "
        "peuvent lire les données du contrat mais pas atteindre les objets internes de Python "
        "(attributs commençant par « _ », « __class__ », « __mro__ »…) ni modifier les données. "
        "Un modèle reçu d'un tiers qui tente de le faire est refusé et rien n'est écrit.",
        "retirez du modèle l'accès aux attributs internes",
    ),
    Entry(
        "CTAI-E303",
        E,
        "Échec du rendu d'un modèle",
        "modèle « {modele} » : le rendu a échoué : {detail}",
        "Le modèle est valide mais son exécution a échoué sur les données (division par zéro, "
        "opération entre un texte et un nombre, filtre appliqué à une valeur absente…). Rien "
        "n'est écrit.",
        "vérifiez l'expression de la ligne indiquée ; les montants inconnus valent « none »",
    ),
    # --- bilan forms (ctai bilan import) -----------------------------------
    Entry(
        "CTAI-E400",
        E,
        "Formulaire de bilan illisible",
        "formulaire non lu : {raison}",
        "Le fichier donné à « ctai bilan import » n'est pas un formulaire produit par « ctai bilan "
        "form » (ou plus lisible comme tel) : autre classeur, fichier enregistré dans un autre format "
        "(.ods, .xls, .csv), feuille cachée « ctai » supprimée, fichier trop gros. Rien n'en est lu.",
        "demandez au porteur de réenregistrer le formulaire au format .xlsx, ou produisez-en un nouveau "
        "(ctai bilan form)",
    ),
    Entry(
        "CTAI-E401",
        E,
        "Formulaire d'un autre contrat ou d'une autre année",
        "formulaire non lu : {detail}",
        "Chaque formulaire porte, dans une feuille cachée, le contrat (intitulé, territoire, période) "
        "et l'année pour lesquels il a été produit. Un formulaire d'un autre contrat, ou d'une autre "
        "année que celle demandée par --annee, n'est pas lu : ses chiffres iraient dans le mauvais bilan.",
        "importez-le dans le bon contrat, ou avec la bonne --annee",
    ),
    Entry(
        "CTAI-E402",
        E,
        "Feuille du formulaire absente ou renommée",
        "{detail}",
        "Chaque action a sa feuille, retrouvée par son nom. Une feuille renommée ou supprimée ne "
        "peut pas être rattachée à son action sans deviner : ses valeurs ne sont pas lues.",
        "rendez à la feuille son nom d'origine (ou produisez un nouveau formulaire)",
    ),
    Entry(
        "CTAI-E403",
        E,
        "Ligne du formulaire supprimée ou copiée",
        "{detail}",
        "Chaque ligne du formulaire porte une clé dans sa colonne A (masquée) : les valeurs sont "
        "relues par clé, jamais par position. Une ligne supprimée n'est pas lue ; une ligne copiée "
        "(clé en double) n'est pas lue du tout, ni l'original ni la copie : ctai ne choisit pas "
        "laquelle porte la valeur du porteur.",
        "reprenez la ligne dans un formulaire neuf (ctai bilan form) ou saisissez la valeur dans le bilan",
    ),
    Entry(
        "CTAI-E404",
        E,
        "Cellule du formulaire invalide",
        "valeur non lue : {detail}",
        "Une cellule à remplir contient ce que le bilan ne peut pas recevoir : du texte dans une "
        "cellule de nombre, un nombre négatif ou non entier de personnes, un montant à plus de deux "
        "décimales, une formule, une destination de reliquat hors liste, ou une valeur sans celle "
        "qui doit l'accompagner (une répartition sans total, un reliquat sans destination). La valeur "
        "n'est pas importée ; les autres cellules le sont.",
        "corrigez la cellule et importez à nouveau le formulaire",
    ),
    Entry(
        "CTAI-W405",
        W,
        "Valeur du formulaire en conflit avec le bilan",
        "conflit laissé en l'état : {detail}",
        "Le bilan contient déjà une autre valeur à cet endroit (saisie par la coordination, ou "
        "formulaire produit avant une correction). ctai ne choisit pas : la valeur du bilan est "
        "gardée. Avec --force, la valeur du formulaire la remplace (seule sa ligne change).",
        "vérifiez avec le porteur, puis relancez avec --force pour prendre la valeur du formulaire",
    ),
    Entry(
        "CTAI-E406",
        E,
        "Action du formulaire inconnue ou en double",
        "action non lue : {detail}",
        "Le formulaire nomme une action absente de l'annexe de l'année, portée par un autre porteur "
        "depuis que le formulaire a été produit, ou déjà lue dans un autre formulaire du même import.",
        "produisez un nouveau formulaire (ctai bilan form) ou retirez le doublon de la commande",
    ),
    Entry(
        "CTAI-W407",
        W,
        "Valeur du formulaire hors des cellules à remplir",
        "valeur non lue : {detail}",
        "Seules les cellules jaunes de la colonne C sont relues. Une valeur saisie ailleurs (sous le "
        "tableau, dans une colonne à droite, sur une ligne ajoutée : par exemple un cofinancement que "
        "la fiche-action ne prévoyait pas) n'a pas de place dans le bilan sans deviner : elle n'est pas "
        "importée, et signalée pour que la coordination la reprenne.",
        "reportez la valeur dans bilans/<année>.yaml après vérification avec le porteur (un financeur "
        "non prévu : ajoutez-le aux « cofinancements » de l'action), ou effacez la cellule",
    ),
)

ALIASES: dict[str, str] = {}


def _build(entries: tuple[Entry, ...]) -> dict[str, Entry]:
    catalog: dict[str, Entry] = {}
    for entry in entries:
        if entry.code in catalog:
            raise ValueError(f"duplicate diagnostic code {entry.code}")
        expected = "E" if entry.severity is Severity.ERROR else "W"
        if entry.code[5] != expected:
            raise ValueError(f"{entry.code}: letter does not match severity")
        catalog[entry.code] = entry
    return catalog


CATALOG: dict[str, Entry] = _build(_ENTRIES)


def lookup(code: str) -> Entry | None:
    code = code.strip().upper()
    if not code.startswith("CTAI-"):
        code = "CTAI-" + code
    code = ALIASES.get(code, code)
    return CATALOG.get(code)


def make(
    code: str,
    path: str,
    line: int = 0,
    col: int = 0,
    *,
    hint: str | None = None,
    **fields: object,
) -> Diagnostic:
    """Build the diagnostic ``code`` with its catalog severity and message.

    ``hint`` overrides the catalog hint; otherwise the catalog hint template is
    formatted with the same fields (a hint that formats to "" is dropped).
    """
    entry = CATALOG[code]
    message = entry.format_message(**fields)
    if hint is None and entry.hint is not None:
        hint = entry.hint.format(**fields)
    return Diagnostic(
        code=code,
        severity=entry.severity,
        path=path,
        line=line,
        col=col,
        message=message,
        hint=hint or None,
    )

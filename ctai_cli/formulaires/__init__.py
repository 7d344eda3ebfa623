"""Bilans collected from the porteurs by spreadsheet (article 8).

- :mod:`.lignes`: what a form asks for one action, row by row, each row under a hidden key;
- :mod:`.generer`: ``ctai bilan form``, one xlsx per porteur, prefilled from bilans/<N>.yaml;
- :mod:`.lire`: reading a filled form back, every cell checked (diagnostics at ``fichier.xlsx:Feuille!C7``);
- :mod:`.fusion`: the values merged into bilans/<N>.yaml through the round-trip YAML layer.
"""

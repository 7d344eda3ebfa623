"""Documents rendered from a contract repository: fiche-bilan, fiches-actions, contract.

``contexte`` turns validated models into the plain view objects templates read;
``graphiques`` draws inline SVG charts; ``jinja`` builds the sandboxed Jinja
environment (built-in ``templates/`` overridable by a user folder); ``rendu``
ties them together and turns template failures into diagnostics (E300–E303).
"""

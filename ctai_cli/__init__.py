"""ctai: tools for the French contrats territoriaux d'accueil et d'intégration (CTAI).

The package is a library core (loading, models, checks, reporters) with a thin
command-line skin in :mod:`ctai_cli.cli`. Nothing heavy is imported here so that
``ctai --help`` stays fast.
"""

__version__ = "0.1.0"

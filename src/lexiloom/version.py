"""lexiloom's version, defined once: the package root re-exports it and ``setup.py`` reads this
file (without importing lexiloom)."""

__version__ = "0.1.0"

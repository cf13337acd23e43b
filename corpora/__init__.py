"""Bundled corpora (data package)."""

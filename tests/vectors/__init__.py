"""Tests of lexiloom.vectors (a package, so module names cannot clash with other folders)."""

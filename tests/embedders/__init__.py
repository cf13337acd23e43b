"""Tests of the built-in embedders plugin (a package, so module names cannot clash)."""

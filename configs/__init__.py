"""spaCy training configs shipped with lexiloom (data package; see README.md in docs)."""

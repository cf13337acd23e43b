"""``lexiloom corpora``: list, inspect and convert corpora (written by the corpora work)."""

"""lexiloom inside spaCy: any lexiloom tokenizer as a spaCy tokenizer (:mod:`.tokenizer`).

Importing this package imports neither spaCy nor torch; the submodules import spaCy when used.
"""

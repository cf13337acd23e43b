"""Built-in tokenizers: ``whitespace``, ``regex``, ``char`` and ``spacy``.

Registered through the public ``register_tokenizers`` hook like any plugin. Importing this package
imports neither spaCy nor torch: the ``spacy`` tokenizer and spaCy stop-word lists load spaCy
when first used.
"""

from __future__ import annotations

from typing import Any

import lexiloom


@lexiloom.hookimpl
def register_tokenizers(register: Any) -> None:
    """Register the four built-in tokenizers with every user setting's default."""
    from lexiloom_tokenizers import char, regex, spacy_rules, whitespace

    for module, factory in (
        (whitespace, whitespace.WhitespaceTokenizer),
        (regex, regex.RegexTokenizer),
        (char, char.CharTokenizer),
        (spacy_rules, spacy_rules.SpacyTokenizer),
    ):
        register(factory.name, factory, description=module.DESCRIPTION,
                 defaults=dict(module.DEFAULTS))

"""``lexiloom tokenize``: print tokens with offsets (written by the tokenizers work)."""

"""The model input layer built from a vocabulary and (optionally) pretrained word vectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lexiloom.errors import SettingsError

if TYPE_CHECKING:
    import torch

    from lexiloom.vectors.keyed import KeyedVectors
    from lexiloom.vocab import Vocab


def embedding_layer(
    vocab: Vocab,
    dim: int,
    vectors: KeyedVectors | None = None,
    *,
    trainable: bool = True,
    seed: int | None = None,
    init_std: float | None = None,
) -> torch.nn.Embedding:
    """A ``torch.nn.Embedding`` with one row per id of ``vocab``.

    Row 0 (``<pad>``) is zeros and stays so (``padding_idx=0``); the row of every token found in
    ``vectors`` is a copy of its vector; the other rows are random (seeded by ``seed``, else from
    torch's global generator): normal with standard deviation ``init_std`` when it is given
    (torch's own ``nn.Embedding`` uses 1.0), else uniform in ±0.5/dim (word2vec's start, small
    next to trained vectors). ``trainable=False`` freezes the weights.

    Tokens are looked up by the vocabulary's strings as they are, so a vocabulary of lowercased
    ``norm`` forms only finds the lowercase words of cased vectors; build the vocabulary with the
    form the vectors were trained on. Subword vectors
    (:class:`~lexiloom.vectors.subwords.SubwordVectors`, fastText's) give the tokens they lack a
    vector from their n-grams too. The layer's ``pretrained_rows`` attribute says how many rows
    were copied or built.
    """
    import torch

    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
        raise SettingsError(f"embedding dim must be a positive integer, not {dim!r}")
    if vectors is not None and vectors.dim != dim:
        raise SettingsError(f"the vectors have {vectors.dim} dimensions but the embedding layer "
                            f"{dim}; set dim={vectors.dim} or use other vectors")
    # seed=None draws from torch's global generator, so torch.manual_seed (or spaCy's
    # fix_random_seed) makes the layer reproducible, as documented.
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    weight = torch.empty(len(vocab), dim)
    if init_std is None:
        weight.uniform_(-0.5 / dim, 0.5 / dim, generator=generator)
    else:
        weight.normal_(0.0, float(init_std), generator=generator)
    copied = 0
    if vectors is not None:
        from lexiloom.vectors.subwords import SubwordVectors
        from lexiloom.vocab import SPECIALS

        rows, sources, built = [], [], {}
        subwords = isinstance(vectors, SubwordVectors)
        for row, token in enumerate(vocab):
            index = vectors.key_to_index.get(token)
            if index is not None and row != vocab.pad_id:
                rows.append(row)
                sources.append(index)
            elif subwords and token not in SPECIALS:  # an unseen word: from its n-grams
                vector = vectors.word_vector(token)
                if vector.any():
                    built[row] = vector
        if rows:
            weight[torch.tensor(rows)] = torch.from_numpy(vectors.vectors[sources]).float()
        if built:
            weight[torch.tensor(list(built))] = torch.from_numpy(np.stack(list(built.values())))
        copied = len(rows) + len(built)
    weight[vocab.pad_id] = 0.0
    layer = torch.nn.Embedding.from_pretrained(weight, freeze=not trainable,
                                               padding_idx=vocab.pad_id)
    layer.pretrained_rows = copied
    return layer

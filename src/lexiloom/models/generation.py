"""Text generation with a :class:`~lexiloom.models.language_model.LanguageModel`.

>>> text = generate(model, vocab, tokenizer, "ROMEO:", max_tokens=200, temperature=0.8,
...                 top_k=40, seed=1, stop="\\n\\n")           # doctest: +SKIP
>>> for piece in stream(model, vocab, tokenizer, "ROMEO:", seed=1):   # doctest: +SKIP
...     print(piece, end="", flush=True)

Generation is stateful: the prompt is encoded once (one forward pass) and each new token costs
one encoder step, O(1) in the length so far. :func:`generate_by_prefix_reencoding` is the naive
alternative (one forward pass over the whole prefix per new token), kept to measure the
difference; with the same settings it produces the same text.

Defined behaviour:

- The result is the continuation only (the prompt is not repeated), detokenised with the
  tokenizer's ``detokenize`` (``"".join`` for ``char``, English-style spacing for word-level
  tokenizers).
- The prompt is tokenised with ``tokenizer.tokenize`` and encoded with ``vocab``; tokens not in
  the vocabulary (unknown characters or words) become ``<unk>``. An empty prompt (or one with no
  tokens) starts from ``<bos>``; a non-empty one is used as it is (no ``<bos>`` prepended).
- ``<pad>``, ``<bos>`` and ``<unk>`` are never generated; ``<eos>`` ends generation (and is not
  part of the text).
- ``stop``: a string or strings; generation ends as soon as the generated text contains one, and
  the text is cut before it. :func:`stream` holds back text that could be the start of a stop
  string until it is sure, so its pieces always join to exactly what :func:`generate` returns.
- The model is put in evaluation mode while generating (its mode is restored afterwards) and no
  gradients are recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import torch

from lexiloom.errors import SettingsError
from lexiloom.models.sampling import Sampler

if TYPE_CHECKING:
    from lexiloom.models.language_model import LanguageModel
    from lexiloom.protocols import Tokenizer
    from lexiloom.vocab import Vocab

NextLogits = Callable[[int], torch.Tensor]
"""Feeds one chosen token to the model and returns the logits (vocab,) for the next one."""


def stream(
    model: LanguageModel,
    vocab: Vocab,
    tokenizer: Tokenizer,
    prompt: str,
    *,
    max_tokens: int = 100,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    stop: str | Sequence[str] | None = None,
) -> Iterator[str]:
    """The continuation of ``prompt`` as pieces of text, yielded as tokens are produced.

    At most ``max_tokens`` tokens are generated; see the module documentation for the sampling
    settings, stop strings and special tokens. ``"".join(stream(...)) == generate(...)``.
    """
    return _generate_pieces(_stateful, model, vocab, tokenizer, prompt, max_tokens=max_tokens,
                            temperature=temperature, top_k=top_k, top_p=top_p, seed=seed,
                            stop=stop)


def generate(
    model: LanguageModel,
    vocab: Vocab,
    tokenizer: Tokenizer,
    prompt: str,
    *,
    max_tokens: int = 100,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    stop: str | Sequence[str] | None = None,
) -> str:
    """The continuation of ``prompt`` (at most ``max_tokens`` tokens), as text.

    ``temperature=0`` is greedy; ``top_k`` keeps the k most likely tokens; ``top_p`` keeps the
    smallest set of most likely tokens whose probability reaches p; ``seed`` makes the output
    reproducible; ``stop`` ends the text before the first stop string.
    """
    pieces = stream(model, vocab, tokenizer, prompt, max_tokens=max_tokens,
                    temperature=temperature, top_k=top_k, top_p=top_p, seed=seed, stop=stop)
    with torch.inference_mode():   # once for the whole loop, not once per token
        return "".join(pieces)


def generate_by_prefix_reencoding(
    model: LanguageModel,
    vocab: Vocab,
    tokenizer: Tokenizer,
    prompt: str,
    *,
    max_tokens: int = 100,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    stop: str | Sequence[str] | None = None,
) -> str:
    """Like :func:`generate`, but the naive way: one unpadded forward pass over the whole prefix
    for every new token (O(n) per token, O(n²) in all). For speed comparisons only."""
    pieces = _generate_pieces(
        _reencoding, model, vocab, tokenizer, prompt, max_tokens=max_tokens,
        temperature=temperature, top_k=top_k, top_p=top_p, seed=seed, stop=stop)
    with torch.inference_mode():
        return "".join(pieces)


def prompt_ids(vocab: Vocab, tokenizer: Tokenizer, prompt: str) -> list[int]:
    """The ids the model reads for ``prompt``: its tokens (unknown ones ``<unk>``), or
    ``[<bos>]`` when it has none."""
    if not isinstance(prompt, str):
        raise SettingsError(f"the prompt must be a string, not {type(prompt).__name__}")
    return vocab.encode(tokenizer.tokenize(prompt)) or [vocab.bos_id]


def check_stop(stop: str | Sequence[str] | None) -> tuple[str, ...]:
    """The stop strings as a tuple; empty strings and non-strings raise SettingsError."""
    if stop is None:
        return ()
    strings = (stop,) if isinstance(stop, str) else tuple(stop)
    for string in strings:
        if not isinstance(string, str) or not string:
            raise SettingsError(f"stop strings must be non-empty strings, not {string!r}; "
                                "leave stop unset to generate up to max_tokens")
    return strings


def _generate_pieces(
    oracle: Callable[[LanguageModel, list[int]], tuple[torch.Tensor, NextLogits]],
    model: LanguageModel,
    vocab: Vocab,
    tokenizer: Tokenizer,
    prompt: str,
    *,
    max_tokens: int,
    temperature: float,
    top_k: int | None,
    top_p: float | None,
    seed: int | None,
    stop: str | Sequence[str] | None,
) -> Iterator[str]:
    # Everything is checked before the first piece is asked for.
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 0:
        raise SettingsError(f"max_tokens must be a non-negative integer, not {max_tokens!r}")
    if len(vocab) != model.vocab_size:
        raise SettingsError(f"the vocabulary has {len(vocab)} entries but the model predicts "
                            f"{model.vocab_size}; use the vocabulary the model was built with")
    stops = check_stop(stop)
    sampler = Sampler(temperature=temperature, top_k=top_k, top_p=top_p, seed=seed,
                      banned=(vocab.pad_id, vocab.bos_id, vocab.unk_id))
    ids = prompt_ids(vocab, tokenizer, prompt)
    return _pieces(_token_ids(oracle, model, ids, sampler, max_tokens, vocab.eos_id),
                   vocab, tokenizer, stops)


def _token_ids(oracle: Callable[[LanguageModel, list[int]], tuple[torch.Tensor, NextLogits]],
               model: LanguageModel, ids: list[int], sampler: Sampler, max_tokens: int,
               eos_id: int) -> Iterator[int]:
    """The generated ids, lazily: the model only runs when the next id is asked for."""
    if max_tokens == 0:
        return
    was_training = model.training
    model.eval()
    try:
        logits, advance = oracle(model, ids)
        for produced in range(max_tokens):
            token = sampler.choose(logits)
            if token == eos_id:
                return
            yield token
            if produced + 1 < max_tokens:
                logits = advance(token)
    finally:
        model.train(was_training)


def _stateful(model: LanguageModel, ids: list[int]) -> tuple[torch.Tensor, NextLogits]:
    """Encode the prompt once, then one encoder step per token."""
    with torch.inference_mode():
        logits, state = model(torch.tensor([ids]), torch.tensor([len(ids)]))
    step = model.step
    inputs: dict[int, torch.Tensor] = {}           # token id → its input tensor, made once

    def advance(token: int) -> torch.Tensor:
        nonlocal state
        ids = inputs.get(token)
        if ids is None:
            ids = inputs[token] = torch.tensor([token])
        if torch.is_inference_mode_enabled():      # generate(): already on for the whole loop
            step_logits, state = step(ids, state)
        else:                                      # stream(): the caller runs between tokens
            with torch.inference_mode():
                step_logits, state = step(ids, state)
        return step_logits[0]

    return logits[0, -1], advance


def _reencoding(model: LanguageModel, ids: list[int]) -> tuple[torch.Tensor, NextLogits]:
    """One unpadded forward pass over the whole prefix per token (the naive way)."""
    prefix = list(ids)

    def last_logits() -> torch.Tensor:
        with torch.inference_mode():
            logits, _ = model(torch.tensor([prefix]), torch.tensor([len(prefix)]))
        return logits[0, -1]

    def advance(token: int) -> torch.Tensor:
        prefix.append(token)
        return last_logits()

    return last_logits(), advance


def _pieces(ids: Iterator[int], vocab: Vocab, tokenizer: Tokenizer,
            stops: tuple[str, ...]) -> Iterator[str]:
    """Detokenised text in pieces, cut before the first stop string."""
    tokens: list[str] = []
    emitted = 0
    longest = max(map(len, stops), default=0)
    text = ""
    for token in ids:
        tokens.append(vocab.token(token))
        text = tokenizer.detokenize(tokens)
        if stops:
            begin = max(0, emitted - longest)
            found = [i for i in (text.find(s, begin) for s in stops) if i >= 0]
            if found:
                cut = min(found)
                if cut > emitted:
                    yield text[emitted:cut]
                return
            safe = len(text) - _held_back(text, stops)
        else:
            safe = len(text)
        if safe > emitted:
            yield text[emitted:safe]
            emitted = safe
    if len(text) > emitted:
        yield text[emitted:]


def _held_back(text: str, stops: tuple[str, ...]) -> int:
    """The length of the longest end of ``text`` that starts some stop string."""
    for size in range(min(len(text), max(map(len, stops)) - 1), 0, -1):
        end = text[-size:]
        if any(s.startswith(end) for s in stops):
            return size
    return 0


__all__ = ["check_stop", "generate", "generate_by_prefix_reencoding", "prompt_ids", "stream"]

"""``check_tokenizer``: the :class:`~lexiloom.protocols.Tokenizer` contract, checked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lexiloom.testing.faults import FaultCollector, Problems
from lexiloom.testing.resolve import resolve
from lexiloom.testing.samples import TEXTS
from lexiloom.testing.settings import run_settings_checks
from lexiloom.tokens import Token

_FIELD_TYPES = (("text", str), ("start", int), ("end", int), ("norm", str), ("is_stop", bool))


def check_tokenizer(name_or_factory: Any, *, skip: Iterable[str] = (), **settings: Any) -> None:
    """Check a tokenizer (a registered name or its factory) built with ``settings``.

    Checks ``protocol``, ``dtype``, ``spans``, ``order``, ``batch``, ``determinism``,
    ``round_trip``, ``json_settings`` and ``bad_settings`` (see ``docs/testing.md``); ``skip``
    names checks not to run. Raises :class:`~lexiloom.testing.ConformanceError` listing every
    fault.
    """
    resolved = resolve("tokenizers", name_or_factory, settings)
    faults = FaultCollector(resolved.label, skip)
    built, tok = faults.construct(lambda: resolved.factory(**resolved.merged),
                                  "factory(**settings)", resolved.merged)
    if not built:
        return
    faults.require("protocol", lambda: _protocol(tok))
    faults.run("dtype", lambda: _dtypes(tok))
    faults.run("spans", lambda: _spans(tok))
    faults.run("order", lambda: _order(tok))
    faults.run("batch", lambda: _batch(tok))
    faults.run("determinism", lambda: _determinism(tok, resolved.factory(**resolved.merged)))
    faults.run("round_trip", lambda: _round_trip(tok, resolved.factory))
    run_settings_checks(faults, resolved, tok, {}, same_tokens)
    faults.raise_if_any()


def same_tokens(old: Any, new: Any) -> Problems:
    """``new`` tokenizes and segments every sample text exactly as ``old``."""
    for text in TEXTS:
        for method in ("tokenize", "segment"):
            a, b = getattr(old, method)(text), getattr(new, method)(text)
            if list(a) != list(b):
                yield f"the rebuilt tokenizer's {method}({text!r}) differs: {_first_diff(a, b)}"
                return


def _protocol(tok: Any) -> Problems:
    from lexiloom.protocols import Tokenizer

    if not isinstance(tok, Tokenizer):
        missing = [m for m in ("tokenize", "tokenize_batch", "segment", "detokenize", "to_config")
                   if not callable(getattr(tok, m, None))]
        yield f"{type(tok).__name__} lacks {', '.join(missing)} of the Tokenizer protocol"
        return
    for method in ("tokenize", "segment"):
        result = getattr(tok, method)(TEXTS[0])
        if not isinstance(result, list):
            yield f"{method}() returned {type(result).__name__}, not a list of Token"
    batch = tok.tokenize_batch([TEXTS[0]])
    if not isinstance(batch, list) or not all(isinstance(item, list) for item in batch):
        yield f"tokenize_batch() returned {type(batch).__name__}, not a list of lists of Token"
    text = tok.detokenize([t.text for t in tok.tokenize(TEXTS[0])])
    if not isinstance(text, str):
        yield f"detokenize() returned {type(text).__name__}, not str"
    if not isinstance(tok.to_config(), dict):
        yield f"to_config() returned {type(tok.to_config()).__name__}, not a dict"


def _dtypes(tok: Any) -> Problems:
    for text in TEXTS:
        for method in ("tokenize", "segment"):
            for token in getattr(tok, method)(text):
                if not isinstance(token, Token):
                    yield f"{method}({text!r}) gave {token!r}, not a lexiloom.tokens.Token"
                    return
                for field, kind in _FIELD_TYPES:
                    value = getattr(token, field)
                    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                        yield f"{method}({text!r}) gave {token!r} whose {field} is " \
                              f"{type(value).__name__}, not {kind.__name__}"
                        return


def _spans(tok: Any) -> Problems:
    for text in TEXTS:
        spans: dict[str, set[tuple[int, int]]] = {}
        for method in ("segment", "tokenize"):
            tokens = getattr(tok, method)(text)
            spans[method] = {(t.start, t.end) for t in tokens}
            for i, t in enumerate(tokens):
                if not (0 <= t.start <= t.end <= len(text)) or text[t.start:t.end] != t.text:
                    yield f"{method}({text!r}) token {i} {t.text!r} has start={t.start}, " \
                          f"end={t.end}, but text[{t.start}:{t.end}] is " \
                          f"{text[t.start:t.end]!r}; start/end must index the original text " \
                          "so that text[start:end] == token.text"
                    return
        extra = spans["tokenize"] - spans["segment"]
        if extra:
            yield f"tokenize({text!r}) has tokens at {sorted(extra)} that segment() lacks; " \
                  "segment must return every token (tokenize may only drop some)"
            return


def _order(tok: Any) -> Problems:
    for text in TEXTS:
        for method in ("segment", "tokenize"):
            tokens = getattr(tok, method)(text)
            for i, t in enumerate(tokens):
                if t.end <= t.start:
                    yield f"{method}({text!r}) token {i} {t.text!r} is empty " \
                          f"(start={t.start}, end={t.end}); tokens must cover characters"
                    return
                if i and t.start < tokens[i - 1].end:
                    prev = tokens[i - 1]
                    yield f"{method}({text!r}) token {i} {t.text!r} at {t.start} starts before " \
                          f"token {i - 1} {prev.text!r} ends at {prev.end}; tokens must be in " \
                          "text order and must not overlap"
                    return


def _batch(tok: Any) -> Problems:
    singles = [tok.tokenize(text) for text in TEXTS]
    for given, label in ((list(TEXTS), "a list"), (iter(TEXTS), "an iterator")):
        batch = tok.tokenize_batch(given)
        if len(batch) != len(TEXTS):
            yield f"tokenize_batch({label} of {len(TEXTS)} texts) returned {len(batch)} results"
            return
        for text, one, many in zip(TEXTS, singles, batch, strict=True):
            if list(one) != list(many):
                yield f"tokenize_batch() differs from tokenize() for {text!r} (given " \
                      f"{label}): {_first_diff(one, many)}; a batch must equal one call per text"
                return
    if list(tok.tokenize_batch([])) != []:
        yield "tokenize_batch([]) did not return []"


def _determinism(tok: Any, other: Any) -> Problems:
    for text in TEXTS:
        first, again, fresh = tok.tokenize(text), tok.tokenize(text), other.tokenize(text)
        if first != again:
            yield f"tokenize({text!r}) twice gave different tokens: {_first_diff(first, again)}"
            return
        if first != fresh:
            yield f"two tokenizers built with the same settings disagree on {text!r}: " \
                  f"{_first_diff(first, fresh)}"
            return


def _round_trip(tok: Any, factory: Any) -> Problems:
    rebuilt = factory(**tok.to_config())
    for problem in same_tokens(tok, rebuilt):
        yield problem.replace("the rebuilt tokenizer", "factory(**to_config())", 1)
        return


def _first_diff(a: list[Any], b: list[Any]) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"token {i}: {x!r} vs {y!r}"
    return f"{len(a)} vs {len(b)} tokens"

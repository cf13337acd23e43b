"""The vocabulary that maps tokens to the ids the torch models use."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from lexiloom import atomic
from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.tokens import Token

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS: tuple[str, ...] = (PAD, UNK, BOS, EOS)
FORMS = ("norm", "text")
FORMAT_VERSION = 1


class Vocab:
    """Token strings to ids with fixed special ids: ``<pad>`` = 0, ``<unk>`` = 1, ``<bos>`` = 2,
    ``<eos>`` = 3; ordinary tokens follow, most frequent first (ties alphabetical).

    ``form`` records which token form the vocabulary indexes: ``"norm"`` (the tokenizer's
    normalised form, e.g. lowercased) or ``"text"`` (the original characters); :meth:`encode`
    takes that form from :class:`~lexiloom.tokens.Token` objects.

    >>> v = Vocab.build([["a", "b", "a"], ["c"]], min_count=1)
    >>> v.encode(["a", "zzz"])
    [4, 1]
    >>> len(v)
    7
    """

    pad_id, unk_id, bos_id, eos_id = 0, 1, 2, 3

    def __init__(self, tokens: Iterable[str] = (), *, form: str = "norm",
                 counts: dict[str, int] | None = None) -> None:
        if form not in FORMS:
            raise SettingsError(f"vocabulary form must be one of {FORMS}, not {form!r}")
        self.form = form
        self._itos: list[str] = list(SPECIALS)
        self._stoi: dict[str, int] = {s: i for i, s in enumerate(SPECIALS)}
        for token in tokens:
            if token not in self._stoi:
                self._stoi[token] = len(self._itos)
                self._itos.append(token)
        self.counts: dict[str, int] = dict(counts or {})

    @classmethod
    def build(
        cls,
        streams: Iterable[Iterable[str | Token]],
        *,
        min_count: int = 1,
        max_size: int | None = None,
        form: str = "norm",
    ) -> Vocab:
        """Count tokens over ``streams`` (one iterable of tokens per document) and keep those seen
        at least ``min_count`` times, at most ``max_size`` of them (specials not counted)."""
        if min_count < 1:
            raise SettingsError(f"min_count must be at least 1, not {min_count}")
        if max_size is not None and max_size < 0:
            raise SettingsError(f"max_size must be non-negative, not {max_size}")
        counter: Counter[str] = Counter()
        for stream in streams:
            counter.update(_form_of(t, form) for t in stream)
        for special in SPECIALS:
            counter.pop(special, None)
        kept = sorted((t for t, c in counter.items() if c >= min_count),
                      key=lambda t: (-counter[t], t))
        if max_size is not None:
            kept = kept[:max_size]
        return cls(kept, form=form, counts={t: counter[t] for t in kept})

    def extended(self, tokens: Iterable[str], *, max_size: int | None = None) -> Vocab:
        """A copy with ``tokens`` not yet in it appended in order (count 0), until it holds
        ``max_size`` tokens (specials not counted). Ids of the existing tokens do not change.
        """
        kept = self._itos[len(SPECIALS):]
        room = None if max_size is None else max(max_size - len(kept), 0)
        added: list[str] = []
        seen = set(self._stoi)
        for token in tokens:
            if room is not None and len(added) >= room:
                break
            if token not in seen:
                seen.add(token)
                added.append(token)
        return type(self)(kept + added, form=self.form, counts=self.counts)

    def __len__(self) -> int:
        return len(self._itos)

    def __contains__(self, token: object) -> bool:
        return token in self._stoi

    def __getitem__(self, token: str) -> int:
        return self._stoi.get(token, self.unk_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._itos)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Vocab) and self._itos == other._itos
                and self.form == other.form)

    def __repr__(self) -> str:
        return f"Vocab({len(self)} entries, form={self.form!r})"

    def token(self, index: int) -> str:
        """The token string of id ``index``."""
        return self._itos[index]

    def encode(self, tokens: Iterable[str | Token], *, bos: bool = False,
               eos: bool = False) -> list[int]:
        """Ids of ``tokens`` (unknown ones map to ``<unk>``), optionally framed by bos/eos."""
        ids = [self._stoi.get(_form_of(t, self.form), self.unk_id) for t in tokens]
        return ([self.bos_id] if bos else []) + ids + ([self.eos_id] if eos else [])

    def decode(self, ids: Sequence[int], *, skip_special: bool = True) -> list[str]:
        """Token strings of ``ids``; specials are dropped unless ``skip_special`` is false."""
        return [self._itos[i] for i in ids if not (skip_special and i < len(SPECIALS))]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (see :meth:`from_dict`)."""
        return {"lexiloom_vocab": FORMAT_VERSION, "form": self.form,
                "tokens": self._itos[len(SPECIALS):], "counts": self.counts}

    @classmethod
    def from_dict(cls, data: Any, source: str = "vocabulary") -> Vocab:
        """Rebuild a vocabulary from :meth:`to_dict` output; corrupt data raises ModelFileError."""
        if not isinstance(data, dict) or data.get("lexiloom_vocab") != FORMAT_VERSION:
            raise ModelFileError(f"{source}: not a lexiloom vocabulary (format version "
                                 f"{FORMAT_VERSION} expected); re-create it with this version")
        tokens, counts = data.get("tokens"), data.get("counts", {})
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise ModelFileError(f"{source}: 'tokens' must be a list of strings")
        if len(set(tokens)) != len(tokens) or set(tokens) & set(SPECIALS):
            raise ModelFileError(f"{source}: duplicate or special tokens in 'tokens'")
        if not isinstance(counts, dict):
            raise ModelFileError(f"{source}: 'counts' must be an object")
        try:
            return cls(tokens, form=data.get("form", "norm"), counts=counts)
        except SettingsError as err:
            raise ModelFileError(f"{source}: {err}") from None

    def to_disk(self, path: str | PathLike[str]) -> None:
        """Save as JSON, atomically."""
        atomic.write_text(path, json.dumps(self.to_dict(), ensure_ascii=False))

    @classmethod
    def from_disk(cls, path: str | PathLike[str]) -> Vocab:
        """Load a vocabulary saved by :meth:`to_disk`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelFileError(f"{path}: no such vocabulary file") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ModelFileError(f"{path}: corrupt vocabulary file ({err})") from None
        return cls.from_dict(data, str(path))


def _form_of(token: str | Token, form: str) -> str:
    if isinstance(token, Token):
        return token.norm if form == "norm" else token.text
    return token

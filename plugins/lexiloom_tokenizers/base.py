"""What the built-in tokenizers share: batching, equality by settings, repr and pickling."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from lexiloom.errors import SettingsError
from lexiloom.tokens import MAX_LENGTH, Token, check_text, join_words


class BaseTokenizer:
    """A tokenizer defined by its settings: two are equal when their types and configs are.

    Subclasses set ``name`` and implement ``segment``, ``to_config`` and, when cleaning can drop
    tokens, ``tokenize``. Every ``segment`` is wrapped to check :attr:`max_length` and valid
    Unicode first; a ``tokenize`` or ``tokenize_batch`` that does not go through ``segment``
    must pass its texts through :meth:`length_checked`.
    """

    name = "base"
    max_length: int | None = MAX_LENGTH
    """The longest text taken, in characters (spaCy's ``nlp.max_length`` rule); a longer one is
    a :class:`~lexiloom.errors.TextTooLongError` (and text that is not valid Unicode an
    :class:`~lexiloom.errors.InvalidTextError`). Set it on an instance to raise or lift
    (``None``) the limit; it is not a setting (not saved), as in spaCy."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "segment" in cls.__dict__:       # every text a tokenizer reads passes segment
            cls.segment = _length_checked(cls.__dict__["segment"])  # type: ignore[method-assign]

    def segment(self, text: str) -> list[Token]:
        """Every token found in ``text``, nothing dropped."""
        raise NotImplementedError

    def tokenize(self, text: str) -> list[Token]:
        """The tokens a model consumes (here: every token)."""
        return self.segment(text)

    def length_checked(self, texts: Iterable[str]) -> Iterator[str]:
        """``texts``, each checked against :attr:`max_length` as it is read (for batch paths
        that bypass :meth:`segment`)."""
        for text in texts:
            check_text(text, self.max_length, what=f"{self.name} tokenizer input")
            yield text

    def tokenize_batch(self, texts: Iterable[str]) -> list[list[Token]]:
        """``[self.tokenize(t) for t in texts]``."""
        return [self.tokenize(text) for text in texts]

    def detokenize(self, tokens: Sequence[str]) -> str:
        """Word-level join with English-style spacing around punctuation."""
        return join_words(tokens)

    def to_config(self) -> dict[str, Any]:
        """The settings, JSON-serialisable, accepted back by the factory."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_config() == other.to_config()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(sorted(self.to_config().items()))))

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.to_config().items())
        return f"{type(self).__name__}({settings})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.to_config()))


def _length_checked(segment: Callable[[Any, str], list[Token]]
                    ) -> Callable[[Any, str], list[Token]]:
    @functools.wraps(segment)
    def checked(self: BaseTokenizer, text: str) -> list[Token]:
        check_text(text, self.max_length, what=f"{self.name} tokenizer input")
        return segment(self, text)

    return checked


def _rebuild(cls: type[BaseTokenizer], config: dict[str, Any]) -> BaseTokenizer:
    return cls(**config)


def check_bool(value: Any, *, tokenizer: str, setting: str) -> bool:
    """``value`` if it is a bool, else :class:`SettingsError` naming the setting."""
    if not isinstance(value, bool):
        raise SettingsError(
            f"{tokenizer} tokenizer setting {setting!r} must be true or false, not {value!r}"
        )
    return value

"""Exceptions users can cause, each naming the problem and the fix.

Every error a user can trigger (a bad file, an unknown component name, bad settings, a broken
plugin, a corrupt model) is a :class:`LexiloomError`. The command line prints its message as one
line and exits with :attr:`LexiloomError.exit_code`; Python callers catch the class they care about.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike


class LexiloomError(Exception):
    """Base class of every error a user can cause; ``str(err)`` is a complete, one-line message."""

    exit_code: int = 1


class PluginError(LexiloomError):
    """A plugin failed to load or register (strict mode only: ``LEXILOOM_STRICT_PLUGINS=1``)."""


class UnknownComponentError(LexiloomError, LookupError):
    """A component name that no loaded plugin registered."""

    def __init__(self, kind: str, name: str, available: Iterable[str],
                 hint: str | None = None) -> None:
        self.kind = kind
        self.name = name
        self.available = sorted(available)
        listing = ", ".join(self.available) or "none"
        super().__init__(
            f"unknown {kind} {name!r}; "
            + (hint if hint is not None else f"available: {listing}")
            + " (run 'lexiloom plugins' to see what each plugin registered and which failed to "
            "load)"
        )


class SettingsError(LexiloomError, ValueError):
    """Settings a component does not accept, or values of the wrong type."""


class CorpusError(LexiloomError):
    """A corpus that cannot be read: missing path, unknown format, empty corpus."""


class CorpusFormatError(CorpusError):
    """A malformed record in a corpus file; the message names the file and the line."""

    def __init__(self, path: str | PathLike[str], line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class KernelMissingError(LexiloomError):
    """A plugin's compiled kernel is not built while ``LEXILOOM_REQUIRE_KERNELS=1`` requires it."""


class InvalidTextError(LexiloomError, ValueError):
    """A text a tokenizer cannot take: not valid Unicode (a lone surrogate), or too long."""


class TextTooLongError(InvalidTextError):
    """A text longer than the tokenizer's or reader's ``max_length`` (spaCy's ``nlp.max_length``
    rule: 1,000,000 characters by default)."""


class KernelInputError(LexiloomError, ValueError):
    """An array or number bound for a compiled kernel (or its Python fallback) that the kernel
    cannot take safely: the wrong dtype, shape or layout, or an index out of range."""


class ModelFileError(LexiloomError):
    """A saved model or vocabulary file that is missing, corrupt or of an unknown version."""


__all__ = [
    "CorpusError",
    "CorpusFormatError",
    "InvalidTextError",
    "KernelInputError",
    "KernelMissingError",
    "LexiloomError",
    "ModelFileError",
    "PluginError",
    "SettingsError",
    "TextTooLongError",
    "UnknownComponentError",
]

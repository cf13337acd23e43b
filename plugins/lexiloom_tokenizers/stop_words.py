"""The ``stop_words`` setting: what a value means, and case-insensitive matching on the norm.

Values: ``None`` or ``False`` (no stop words), a spaCy language code such as ``"en"`` (spaCy's list
for that language), ``True`` (the list of the tokenizer's own language, for tokenizers that have
one), or a list of words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lexiloom.errors import SettingsError
from lexiloom_tokenizers.languages import available_languages, stop_words_of
from lexiloom_tokenizers.normalize import normalize

StopWordsSetting = str | bool | list[str] | None


def canonical_setting(value: Any, *, tokenizer: str) -> StopWordsSetting:
    """``value`` checked and in its stored form (lists become sorted, de-duplicated lists)."""
    if value is None or value is False:
        return None
    if value is True or isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        words = list(value)
        bad = [w for w in words if not isinstance(w, str)]
        if not bad:
            return sorted(set(words))
        what = f"the stop word {bad[0]!r} is not a string"
    else:
        what = f"{value!r} is not a language code or a list of words"
    raise SettingsError(
        f"{tokenizer} tokenizer setting 'stop_words': {what}; give a spaCy language code such as "
        '"en" or a list of words such as ["the", "a"] (JSON on the command line)'
    )


def resolve(setting: StopWordsSetting, *, lang: str | None, tokenizer: str) -> frozenset[str]:
    """The words a canonical ``stop_words`` setting stands for (``lang``: the tokenizer's own
    language, used by ``True``)."""
    if setting is None:
        return frozenset()
    if setting is True:
        if lang is None:
            raise SettingsError(
                f"{tokenizer} tokenizer setting 'stop_words' is true, but this tokenizer has no "
                'language; give a spaCy language code such as "en" or a list of words'
            )
        return stop_words_of(lang)
    if isinstance(setting, str):
        if setting not in available_languages():
            raise SettingsError(
                f"{tokenizer} tokenizer setting 'stop_words': {setting!r} is not a spaCy language "
                f"code ({', '.join(available_languages())}); for your own words give a list such "
                'as ["the", "a"] (JSON on the command line)'
            )
        return stop_words_of(setting)
    return frozenset(setting)


class StopWords:
    """Case-insensitive membership on norms: a word matches when its norm's casefold does.

    The words go through the same norm steps as tokens (NFC, accents stripped when the tokenizer
    strips them), so ``"Été"`` in the list matches the norm ``"ete"`` of an accent-stripping
    tokenizer.
    """

    def __init__(self, words: Iterable[str], *, strip_accents: bool = False) -> None:
        self._keys = frozenset(
            normalize(w, strip_accents=strip_accents).casefold() for w in words
        )

    def __contains__(self, norm: object) -> bool:
        return isinstance(norm, str) and norm.casefold() in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

"""spaCy languages by code: validation, stop-word lists and cached blank pipelines.

spaCy is imported here only inside functions, so importing the plugin stays cheap.
"""

from __future__ import annotations

import functools
import pkgutil
from typing import Any

from lexiloom.errors import SettingsError

LANGUAGES_URL = "https://spacy.io/usage/models#languages"


@functools.cache
def available_languages() -> tuple[str, ...]:
    """The language codes spaCy ships (the packages under ``spacy.lang``), sorted."""
    import spacy.lang

    return tuple(sorted(m.name for m in pkgutil.iter_modules(spacy.lang.__path__) if m.ispkg))


def _unknown(lang: object) -> SettingsError:
    return SettingsError(
        f"unknown spaCy language {lang!r}; use one of spaCy's language codes: "
        f"{', '.join(available_languages())} (the packages under spacy.lang; see {LANGUAGES_URL})"
    )


def language_class(lang: str) -> Any:
    """spaCy's ``Language`` subclass for ``lang``; :class:`SettingsError` for an unknown code."""
    if not isinstance(lang, str) or not lang:
        raise _unknown(lang)
    import spacy.util

    if lang not in available_languages():
        raise _unknown(lang)
    try:
        return spacy.util.get_lang_class(lang)
    except ImportError as err:
        reason = " ".join(str(err).split())
        raise SettingsError(f"spaCy language {lang!r} cannot be loaded: {reason}") from None


def stop_words_of(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for ``lang`` (``Language.Defaults.stop_words``)."""
    return frozenset(language_class(lang).Defaults.stop_words)


@functools.cache
def blank_pipeline(lang: str) -> Any:
    """``spacy.blank(lang)``, built once per language and process."""
    language_class(lang)
    import spacy

    try:
        return spacy.blank(lang)
    except ImportError as err:  # e.g. Japanese without sudachipy; spaCy says what to install
        reason = " ".join(str(err).split())
        raise SettingsError(f"spaCy language {lang!r} needs an extra package: {reason}") from None

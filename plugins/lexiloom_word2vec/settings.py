"""The Word2Vec settings: their defaults (gensim's, under gensim's names) and their validation.

Kept free of heavy imports: the plugin's registration reads :data:`DEFAULTS` when ``lexiloom``
loads its plugins.
"""

from __future__ import annotations

from typing import Any

from lexiloom.errors import SettingsError
from lexiloom.threads import resolve_threads

DEFAULTS: dict[str, Any] = {
    "sg": False,
    "dim": 100,
    "window": 5,
    "negative": 5,
    "hs": False,
    "sample": 1e-3,
    "alpha": 0.025,
    "min_alpha": 0.0001,
    "min_count": 5,
    "max_vocab_size": None,
    "epochs": 5,
    "seed": 1,
    "workers": None,
    "ns_exponent": 0.75,
    "cbow_mean": True,
    "shrink_windows": True,
    "shared_negatives": None,
    "batch_words": 10000,
    "cache_mb": 1024,
    "progress": False,
    "vectors": None,
    "backend": "auto",
}
"""Every user setting and its default; ``dim`` is gensim's ``vector_size``."""

BACKENDS = ("auto", "kernel", "python")


MAX_NEGATIVE = 1000
"""The most noise words per example (the kernel's bound too: more would only burn time)."""


def validate(settings: dict[str, Any]) -> dict[str, Any]:
    """Check types and ranges; return the settings, or raise SettingsError naming the fix."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise SettingsError(f"word2vec has no setting {', '.join(map(repr, unknown))}; "
                            f"its settings are: {', '.join(sorted(DEFAULTS))}")
    s = {**DEFAULTS, **settings}
    for key in ("sg", "hs", "cbow_mean", "shrink_windows", "progress"):
        if not isinstance(s[key], bool) and s[key] not in (0, 1):
            raise SettingsError(f"word2vec setting {key!r} must be true or false, not {s[key]!r}")
        s[key] = bool(s[key])
    _int(s, "dim", 1)
    _int(s, "window", 1)
    _int(s, "negative", 0)
    if s["negative"] > MAX_NEGATIVE:
        raise SettingsError(f"word2vec setting 'negative' must be at most {MAX_NEGATIVE} (noise "
                            f"words per example; 5-20 is usual), not {s['negative']!r}")
    _int(s, "min_count", 1)
    _int(s, "epochs", 1)
    s["workers"] = resolve_threads(s["workers"], "word2vec setting 'workers'",
                                   limit=False)
    _int(s, "batch_words", 1)
    _int(s, "cache_mb", 0)
    _int(s, "seed", 0)
    if s["max_vocab_size"] is not None:
        _int(s, "max_vocab_size", 1)
    for key in ("sample", "alpha", "min_alpha", "ns_exponent"):
        value = s[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise SettingsError(f"word2vec setting {key!r} must be a non-negative number, "
                                f"not {value!r}")
        s[key] = float(value)
    if s["alpha"] <= 0:
        raise SettingsError("word2vec setting 'alpha' must be positive (gensim uses 0.025)")
    if s["min_alpha"] > s["alpha"]:
        raise SettingsError(f"word2vec setting 'min_alpha' ({s['min_alpha']}) must not exceed "
                            f"'alpha' ({s['alpha']})")
    if s["shared_negatives"] is not None:
        if not isinstance(s["shared_negatives"], bool) and s["shared_negatives"] not in (0, 1):
            raise SettingsError("word2vec setting 'shared_negatives' must be true, false or null "
                                f"(null: true for skip-gram), not {s['shared_negatives']!r}")
        s["shared_negatives"] = bool(s["shared_negatives"])
    if s["shared_negatives"] and not s["sg"]:
        raise SettingsError("word2vec setting 'shared_negatives' applies to skip-gram only (a "
                            "CBOW window makes one prediction); set sg=true or leave it unset")
    if s["negative"] == 0 and not s["hs"]:
        raise SettingsError("word2vec needs negative > 0 or hs=true (or both); "
                            "set -o negative=5 or -o hs=true")
    if s["backend"] not in BACKENDS:
        raise SettingsError(f"word2vec setting 'backend' must be one of {', '.join(BACKENDS)}, "
                            f"not {s['backend']!r}")
    if s["vectors"] is not None and not isinstance(s["vectors"], str):
        raise SettingsError("word2vec setting 'vectors' must be the path of a vectors file")
    return s


def shares_negatives(settings: dict[str, Any]) -> bool:
    """Whether validated ``settings`` train skip-gram with shared noise words (``null``: the
    default, for skip-gram)."""
    shared = settings["shared_negatives"]
    return settings["sg"] if shared is None else shared


def _int(settings: dict[str, Any], key: str, minimum: int) -> None:
    value = settings[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"word2vec setting {key!r} must be an integer of at least {minimum}, "
                            f"not {value!r}")

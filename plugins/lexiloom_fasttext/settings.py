"""The fastText settings: their defaults (fastText's, under the word2vec embedder's names where
the two share a meaning) and their validation.

Kept free of heavy imports: the plugin's registration reads :data:`DEFAULTS` when ``lexiloom``
loads its plugins.
"""

from __future__ import annotations

from typing import Any

from lexiloom.errors import SettingsError
from lexiloom.threads import resolve_threads

DEFAULTS: dict[str, Any] = {
    "sg": True,
    "dim": 100,
    "window": 5,
    "negative": 5,
    "minn": 3,
    "maxn": 6,
    "bucket": 2_000_000,
    "sample": 1e-4,
    "alpha": 0.05,
    "min_alpha": 0.0,
    "min_count": 5,
    "epochs": 5,
    "seed": 1,
    "workers": None,
    "ns_exponent": 0.5,
    "shrink_windows": True,
    "batch_words": 10000,
    "cache_mb": 1024,
    "progress": False,
    "vectors": None,
    "backend": "auto",
}
"""Every user setting and its default. fastText's names: ``ws`` is ``window``, ``neg``
``negative``, ``t`` ``sample``, ``lr`` ``alpha``, ``epoch`` ``epochs``, ``minCount``
``min_count``, ``thread`` ``workers``; ``model skipgram|cbow`` is ``sg``."""

BACKENDS = ("auto", "kernel", "python")
MAX_NEGATIVE = 1000
MAX_BUCKET = 2**31 - 1


def validate(settings: dict[str, Any]) -> dict[str, Any]:
    """Check types and ranges; return the settings, or raise SettingsError naming the fix."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise SettingsError(f"fasttext has no setting {', '.join(map(repr, unknown))}; "
                            f"its settings are: {', '.join(sorted(DEFAULTS))}")
    s = {**DEFAULTS, **settings}
    for key in ("sg", "shrink_windows", "progress"):
        if not isinstance(s[key], bool) and s[key] not in (0, 1):
            raise SettingsError(f"fasttext setting {key!r} must be true or false, not {s[key]!r}")
        s[key] = bool(s[key])
    for key, low, high in (("dim", 1, None), ("window", 1, None), ("negative", 1, MAX_NEGATIVE),
                           ("minn", 0, None), ("maxn", 0, None), ("bucket", 0, MAX_BUCKET),
                           ("min_count", 1, None), ("epochs", 1, None), ("batch_words", 1, None),
                           ("seed", 0, None), ("cache_mb", 0, None)):
        value = s[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < low or \
                (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise SettingsError(f"fasttext setting {key!r} must be an integer {bound}, not "
                                f"{value!r}")
    if s["maxn"] and not 1 <= s["minn"] <= s["maxn"]:
        raise SettingsError(f"fasttext n-gram lengths need 1 <= minn <= maxn (got minn="
                            f"{s['minn']}, maxn={s['maxn']}); set maxn=0 for no n-grams")
    if s["maxn"] and not s["bucket"]:
        raise SettingsError("fasttext setting 'bucket' is 0, so n-grams have no rows; set "
                            "bucket (2000000 is fastText's) or maxn=0 for no n-grams")
    s["workers"] = resolve_threads(s["workers"], "fasttext setting 'workers'", limit=False)
    for key in ("sample", "alpha", "min_alpha", "ns_exponent"):
        value = s[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise SettingsError(f"fasttext setting {key!r} must be a non-negative number, "
                                f"not {value!r}")
        s[key] = float(value)
    if s["alpha"] <= 0:
        raise SettingsError("fasttext setting 'alpha' must be positive (fastText uses 0.05)")
    if s["min_alpha"] > s["alpha"]:
        raise SettingsError(f"fasttext setting 'min_alpha' ({s['min_alpha']}) must not exceed "
                            f"'alpha' ({s['alpha']})")
    if s["vectors"] is not None and not isinstance(s["vectors"], str):
        raise SettingsError("fasttext setting 'vectors' must be the path of a fastText .bin")
    if s["backend"] not in BACKENDS:
        raise SettingsError(f"fasttext setting 'backend' must be one of {', '.join(BACKENDS)}, "
                            f"not {s['backend']!r}")
    return s

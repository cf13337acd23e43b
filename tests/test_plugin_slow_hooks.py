"""A plugin hook that runs longer than LEXILOOM_SLOW_HOOK_SECONDS gives a SlowPluginWarning
naming the plugin and the hook, with the traceback of where it was when time ran out."""

from __future__ import annotations

import warnings

import pytest
from fakedist import install, load_all

from lexiloom import plugins

SLOW = (
    "import time\n"
    "import lexiloom\n\n"
    "def crunch_numbers():\n"
    "    time.sleep(0.6)\n\n"
    "@lexiloom.hookimpl\n"
    "def register_tokenizers(register):\n"
    "    crunch_numbers()\n"
)
FAST = (
    "import lexiloom\n\n"
    "@lexiloom.hookimpl\n"
    "def register_tokenizers(register):\n"
    "    pass\n"
)


def _load(monkeypatch) -> list[warnings.WarningMessage]:
    load_all(monkeypatch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plugins.ensure_loaded()
    return [w for w in caught if issubclass(w.category, plugins.SlowPluginWarning)]


def test_a_slow_hook_is_named_with_where_it_was(fake_dist, monkeypatch):
    install(fake_dist, "slow-dist", "slowpoke", SLOW)
    monkeypatch.setenv(plugins.SLOW_HOOK_ENV, "0.2")
    (warning,) = _load(monkeypatch)
    message = str(warning.message)
    assert "plugin slowpoke (slow-dist 1.0.0)" in message
    assert "register_tokenizers" in message and "more than 0.2 s" in message
    assert "crunch_numbers" in message       # the traceback faulthandler took mid-call
    assert plugins.records()                 # and the plugin still loaded
    assert [r.status for r in plugins.records() if r.name == "slowpoke"] == [plugins.LOADED]


def test_the_same_hook_under_the_limit_is_not_reported(fake_dist, monkeypatch):
    install(fake_dist, "slow-dist", "slowpoke", SLOW)
    monkeypatch.setenv(plugins.SLOW_HOOK_ENV, "5")
    assert _load(monkeypatch) == []


def test_a_fast_hook_is_not_reported_at_a_low_limit(fake_dist, monkeypatch):
    install(fake_dist, "fast-dist", "quick", FAST)
    monkeypatch.setenv(plugins.SLOW_HOOK_ENV, "0.2")
    assert _load(monkeypatch) == []


@pytest.mark.parametrize("raw", ["soon", "0", "-3", "nan"])
def test_a_bad_limit_falls_back_to_the_default_with_a_warning(monkeypatch, raw):
    monkeypatch.setenv(plugins.SLOW_HOOK_ENV, raw)
    with pytest.warns(plugins.SlowPluginWarning, match=plugins.SLOW_HOOK_ENV):
        assert plugins.slow_hook_seconds() == plugins.SLOW_HOOK_SECONDS

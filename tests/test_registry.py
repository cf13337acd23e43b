"""The Python API of the registries: names, get, create, settings errors, unknown names."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import hookspecs, registry
from lexiloom.errors import LexiloomError, SettingsError, UnknownComponentError
from lexiloom.registry import REGISTRIES, Entry, check_registration, make_entry

EVERY_KIND = """
import lexiloom
from lexiloom.errors import SettingsError


class Component:
    def __init__(self, **settings):
        self.settings = settings


def picky(size=2, mode="a"):
    if mode not in ("a", "b"):
        raise ValueError(f"mode must be 'a' or 'b', not {mode!r}")
    if not isinstance(size, int):
        raise TypeError("size must be an integer")
    if size < 0:
        raise SettingsError("size must not be negative; use -o size=0 or more")
    return Component(size=size, mode=mode)


def sized(input_size, output_size=None, width=8):
    return Component(input_size=input_size, output_size=output_size, width=width)


@lexiloom.hookimpl
def register_tokenizers(register):
    register("tok-b", Component, description="second", defaults={"lowercase": False})
    register("tok-a", picky, description="first", defaults={"size": 2, "mode": "a"})


@lexiloom.hookimpl
def register_embedders(register):
    register("emb", Component, defaults={"dim": 50})


@lexiloom.hookimpl
def register_encoders(register):
    register("enc", sized, defaults={"width": 8})


@lexiloom.hookimpl
def register_heads(register):
    register("head", sized, defaults={"width": 8})


@lexiloom.hookimpl
def register_corpus_readers(register):
    register("reader", Component, defaults={"text_field": "text"})
"""


@pytest.fixture
def every_kind(fake_dist, monkeypatch):
    """A plugin ``every`` registering components of every kind."""
    fake_dist("every-kind", {"plug_every_kind.py": EVERY_KIND},
              entry_points={"every": "plug_every_kind"})
    monkeypatch.setenv("LEXILOOM_PLUGINS", "every")


def test_there_is_one_registry_per_register_hook():
    assert set(REGISTRIES) == set(hookspecs.HOOK_KINDS.values())
    for plural in REGISTRIES:
        assert getattr(registry, plural) is REGISTRIES[plural]


@pytest.mark.parametrize(
    ("plural", "name", "setting", "value"),
    [
        ("tokenizers", "tok-b", "lowercase", True),
        ("embedders", "emb", "dim", 300),
        ("corpus_readers", "reader", "text_field", "body"),
    ],
)
def test_every_registry_gets_and_creates_by_name(every_kind, plural, name, setting, value):
    reg = REGISTRIES[plural]
    assert name in reg.names()
    entry = reg.get(name)
    assert (entry.name, entry.plugin, entry.kind) == (name, "every", reg.kind)
    assert reg.create(name).settings == dict(entry.defaults)
    assert reg.create(name, **{setting: value}).settings == {setting: value}


@pytest.mark.parametrize(("plural", "name"), [("encoders", "enc"), ("heads", "head")])
def test_host_provided_sizes_are_accepted_without_being_declared(every_kind, plural, name):
    reg = REGISTRIES[plural]
    built = reg.create(name, input_size=16, width=4)
    assert (built.settings["input_size"], built.settings["width"]) == (16, 4)
    assert "input_size" not in reg.get(name).defaults


def test_heads_accept_output_size_but_encoders_do_not(every_kind):
    assert registry.heads.create("head", input_size=4, output_size=3).settings["output_size"] == 3
    with pytest.raises(SettingsError, match="has no setting 'output_size'"):
        registry.encoders.create("enc", input_size=4, output_size=3)


def test_missing_host_size_is_a_settings_error(every_kind):
    with pytest.raises(SettingsError, match=r"cannot build encoder 'enc'.*input_size"):
        registry.encoders.create("enc")


def test_names_are_sorted_and_match_entries(every_kind):
    names = registry.tokenizers.names()
    assert names == sorted(names)
    assert {"tok-a", "tok-b"} <= set(names)
    assert [e.name for e in registry.tokenizers.entries()] == names
    assert list(registry.tokenizers) == names
    assert len(registry.tokenizers) == len(names)


def test_entry_keeps_description_and_read_only_defaults(every_kind):
    entry = registry.tokenizers.get("tok-a")
    assert entry.description == "first"
    assert dict(entry.defaults) == {"size": 2, "mode": "a"}
    with pytest.raises(TypeError):
        entry.defaults["size"] = 3  # type: ignore[index]


def test_unknown_setting_is_a_settings_error_naming_the_known_settings(every_kind):
    with pytest.raises(SettingsError) as caught:
        registry.tokenizers.create("tok-a", colour="red")
    assert str(caught.value) == (
        "tokenizer 'tok-a' has no setting 'colour'; its settings are: mode, size")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"mode": "z"}, "cannot build tokenizer 'tok-a': mode must be 'a' or 'b', not 'z'"),
        ({"size": "big"}, "cannot build tokenizer 'tok-a': size must be an integer"),
        ({"size": -1}, "size must not be negative; use -o size=0 or more"),
    ],
)
def test_factory_rejecting_a_value_is_a_settings_error(every_kind, settings, message):
    with pytest.raises(SettingsError) as caught:
        registry.tokenizers.create("tok-a", **settings)
    assert str(caught.value) == message


def test_unknown_name_is_an_error_listing_the_available_names(every_kind):
    with pytest.raises(UnknownComponentError) as caught:
        registry.embedders.get("nope")
    error = caught.value
    assert isinstance(error, LookupError) and isinstance(error, LexiloomError)
    assert (error.kind, error.name) == ("embedder", "nope")
    assert "emb" in error.available
    assert "unknown embedder 'nope'; available: " in str(error)
    assert "emb" in str(error).split("available: ")[1]
    assert "lexiloom plugins" in str(error)
    assert "nope" not in registry.embedders


def test_unknown_name_with_nothing_registered_says_none():
    error = UnknownComponentError("head", "x", [])
    assert "available: none" in str(error)


# -- the built-in tokenizers through the Python API (acceptance examples) --------------------


def test_builtin_regex_tokenizer_by_name():
    assert {"char", "regex", "spacy", "whitespace"} <= set(registry.tokenizers.names())
    entry = registry.tokenizers.get("regex")
    assert entry.plugin == "tokenizers"
    tokenizer = registry.tokenizers.create("regex", lowercase=True)
    assert [t.norm for t in tokenizer.tokenize("Hello, World")] == ["hello", ",", "world"]


def test_builtin_tokenizers_build_from_their_defaults():
    for entry in registry.tokenizers.entries():
        if entry.plugin == "tokenizers":
            tokenizer = entry.create()
            rebuilt = entry.factory(**tokenizer.to_config())
            assert rebuilt.to_config() == tokenizer.to_config()


def test_builtin_tokenizer_unknown_setting_names_its_settings():
    with pytest.raises(SettingsError, match="tokenizer 'regex' has no setting 'colour'"):
        registry.tokenizers.create("regex", colour="red")


# -- properties --------------------------------------------------------------------------------

NAME_ALPHABET = string.ascii_letters + string.digits + "_.- /:é"
VALID_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


@settings(max_examples=200)
@given(st.text(alphabet=NAME_ALPHABET, max_size=12))
def test_component_names_are_accepted_iff_ascii_word_characters_dots_and_dashes(name):
    """Property: ``check_registration`` accepts a name exactly when it is non-empty ASCII
    letters/digits/``_.-`` that starts with a letter or digit."""
    problem = check_registration(name, dict, "", None)
    assert (problem is None) == bool(VALID_NAME.fullmatch(name))


def _factory(alpha: int = 0, beta: int = 0, gamma: int = 0) -> dict[str, int]:
    return {"alpha": alpha, "beta": beta, "gamma": gamma}


@settings(max_examples=100)
@given(
    defaults=st.dictionaries(st.sampled_from(["alpha", "beta", "gamma"]), st.integers()),
    data=st.data(),
)
def test_create_is_defaults_overridden_by_settings(defaults, data):
    """Property: ``Entry.create(**s)`` calls the factory with ``{**defaults, **s}`` for any
    subset ``s`` of the declared settings."""
    entry: Entry[dict[str, int]] = make_entry(registry.tokenizers, "p", _factory, "", defaults, "t")
    keys = sorted(defaults)
    overrides = data.draw(st.dictionaries(st.sampled_from(keys), st.integers())) if keys else {}
    expected = _factory(**{**defaults, **overrides})
    assert entry.create(**overrides) == expected


def test_a_block_naming_two_different_components_is_an_error_not_a_silent_choice():
    """A {"name": ...} block that still carries a config section's @architectures key for
    another component (how a benchmark's --encoder gru over an lstm section was silently
    trained as an LSTM) is refused; the same component twice is fine."""
    from lexiloom import registry
    from lexiloom.errors import SettingsError

    lstm = registry.encoders.get("lstm").spacy_name
    with pytest.raises(SettingsError, match="give only one of them"):
        registry.encoders.get_spec({"name": "gru", "@architectures": lstm, "hidden_size": 8})
    entry, settings = registry.encoders.get_spec({"name": "lstm", "@architectures": lstm,
                                                  "hidden_size": 8})
    assert entry.name == "lstm" and settings == {"hidden_size": 8}

"""``-o key=value`` settings: typing against a component's defaults and routing to components."""

from __future__ import annotations

import json
import math

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.cli.settings import coerce, route_settings, settings_option
from lexiloom.errors import SettingsError
from lexiloom.registry import Entry, make_entry

DEFAULTS = {
    "lowercase": False,
    "min_count": 1,
    "rate": 0.5,
    "pattern": r"\w+",
    "stop_words": None,
    "keep": ["a"],
    "extra": {},
}


def entry(registry_name: str = "tokenizers", name: str = "demo", **defaults) -> Entry:
    def factory(**settings):
        return settings

    return make_entry(getattr(registry, registry_name), name, factory, "", defaults or DEFAULTS,
                      "test")


TOKENIZER = entry()
ENCODER = entry("encoders", "lstm", hidden_size=128, dropout=0.0, bidirectional=False)
HEAD = entry("heads", "classification", dropout=0.1, pooling="mean")


# -- coerce ------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["true", "True", "YES", "on", "1", " true "])
def test_true_words_coerce_to_true(raw):
    assert coerce(TOKENIZER, "lowercase", raw) is True


@pytest.mark.parametrize("raw", ["false", "FALSE", "no", "off", "0"])
def test_false_words_coerce_to_false(raw):
    assert coerce(TOKENIZER, "lowercase", raw) is False


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("lowercase", "maybe", "tokenizer 'demo' setting 'lowercase' must be true or false, not "
                               "'maybe'"),
        ("lowercase", "", "must be true or false, not ''"),
        ("min_count", "1.5", "tokenizer 'demo' setting 'min_count' must be an integer, not '1.5'"),
        ("min_count", "ten", "must be an integer, not 'ten'"),
        ("rate", "fast", "tokenizer 'demo' setting 'rate' must be a number, not 'fast'"),
    ],
)
def test_values_of_the_wrong_type_are_settings_errors(key, raw, message):
    with pytest.raises(SettingsError) as caught:
        coerce(TOKENIZER, key, raw)
    assert message in str(caught.value)


@settings(max_examples=100)
@given(st.integers())
def test_integer_settings_round_trip_through_text(value):
    """Property: ``coerce(str(n)) == n`` for every integer ``n``."""
    assert coerce(TOKENIZER, "min_count", str(value)) == value


@settings(max_examples=100)
@given(st.floats(allow_nan=False))
def test_float_settings_round_trip_through_text(value):
    """Property: ``coerce(repr(x)) == x`` for every non-NaN float ``x``."""
    result = coerce(TOKENIZER, "rate", repr(value))
    assert isinstance(result, float) and result == value


def test_float_settings_accept_integers_and_nan():
    assert coerce(TOKENIZER, "rate", "2") == 2.0
    assert math.isnan(coerce(TOKENIZER, "rate", "nan"))


@settings(max_examples=100)
@given(st.text())
def test_string_settings_keep_the_text_unchanged(raw):
    """Property: a setting whose default is a string takes the raw text as is."""
    assert coerce(TOKENIZER, "pattern", raw) == raw


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=8,
)


@settings(max_examples=100)
@given(JSON_VALUES)
def test_settings_defaulting_to_none_lists_or_dicts_take_json(value):
    """Property: for JSON-typed settings, ``coerce(json.dumps(v)) == v``."""
    for key in ("stop_words", "keep", "extra"):
        assert coerce(TOKENIZER, key, json.dumps(value)) == value


def test_json_typed_settings_fall_back_to_the_plain_string():
    assert coerce(TOKENIZER, "stop_words", "en") == "en"
    assert coerce(TOKENIZER, "keep", "[not json") == "[not json"


# -- route_settings ----------------------------------------------------------------------------


def test_bare_key_goes_to_the_one_component_declaring_it():
    routed = route_settings(
        ["hidden_size=256", "pooling=max", "lowercase=yes"],
        {"tokenizer": TOKENIZER, "encoder": ENCODER, "head": HEAD},
    )
    assert routed == {
        "tokenizer": {"lowercase": True},
        "encoder": {"hidden_size": 256},
        "head": {"pooling": "max"},
    }


def test_kind_prefix_selects_the_component():
    routed = route_settings(["encoder.dropout=0.3", "head.dropout=0.2"],
                            {"encoder": ENCODER, "head": HEAD})
    assert routed == {"encoder": {"dropout": 0.3}, "head": {"dropout": 0.2}}


def test_every_selected_kind_appears_in_the_result_even_without_options():
    assert route_settings([], {"tokenizer": TOKENIZER, "head": HEAD}) == {
        "tokenizer": {}, "head": {}}


def test_later_options_override_earlier_ones():
    assert route_settings(["min_count=1", "min_count=5"], {"tokenizer": TOKENIZER}) == {
        "tokenizer": {"min_count": 5}}


def test_value_may_contain_equals_signs():
    assert route_settings(["pattern=a=b"], {"tokenizer": TOKENIZER}) == {
        "tokenizer": {"pattern": "a=b"}}


def test_ambiguous_bare_key_asks_for_the_kind_prefix():
    with pytest.raises(SettingsError) as caught:
        route_settings(["dropout=0.3"], {"encoder": ENCODER, "head": HEAD})
    assert str(caught.value) == (
        "setting 'dropout' is ambiguous; prefix the kind, e.g. -o encoder.dropout=0.3")


def test_unknown_key_lists_every_selected_components_settings():
    with pytest.raises(SettingsError) as caught:
        route_settings(["colour=red"], {"encoder": ENCODER, "head": HEAD})
    message = str(caught.value)
    assert "no selected component has a setting 'colour'" in message
    assert "encoder 'lstm': bidirectional, dropout, hidden_size" in message
    assert "head 'classification': dropout, pooling" in message


def test_unknown_key_with_kind_prefix_names_that_components_settings():
    with pytest.raises(SettingsError) as caught:
        route_settings(["head.hidden_size=3"], {"encoder": ENCODER, "head": HEAD})
    assert str(caught.value) == (
        "head 'classification' has no setting 'hidden_size'; its settings are: dropout, pooling")


def test_prefix_of_a_kind_that_is_not_selected_is_unknown():
    with pytest.raises(SettingsError, match=r"no selected component has a setting 'head\.dropout'"):
        route_settings(["head.dropout=0.1"], {"encoder": ENCODER})


def test_option_with_no_component_selected_says_so():
    with pytest.raises(SettingsError, match="no component is selected"):
        route_settings(["x=1"], {})


def test_host_provided_sizes_cannot_be_set_with_options():
    with pytest.raises(SettingsError, match="no selected component has a setting 'input_size'"):
        route_settings(["input_size=3"], {"encoder": ENCODER})


@pytest.mark.parametrize("option", ["lowercase", "=true", " =1", "", "lowercase:true"])
def test_malformed_options_are_settings_errors_showing_the_form(option):
    with pytest.raises(SettingsError) as caught:
        route_settings([option], {"tokenizer": TOKENIZER})
    assert f"option {option!r} is not KEY=VALUE" in str(caught.value)


def test_wrongly_typed_value_is_reported_while_routing():
    with pytest.raises(SettingsError, match="'hidden_size' must be an integer, not 'big'"):
        route_settings(["encoder.hidden_size=big"], {"encoder": ENCODER})


def test_settings_option_collects_repeated_options_for_a_command():
    @click.command()
    @settings_option
    def show(options):
        click.echo(json.dumps(route_settings(options, {"tokenizer": TOKENIZER})))

    result = CliRunner().invoke(show, ["-o", "lowercase=on", "--option", "min_count=3"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"tokenizer": {"lowercase": True, "min_count": 3}}
    assert "KEY=VALUE" in CliRunner().invoke(show, ["--help"]).output

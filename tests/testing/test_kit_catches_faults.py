"""The conformance kit catches real faults: one deliberately broken component per fault, and
the error names the failed check with a message saying what to fix."""

from __future__ import annotations

from typing import Any

import pytest
from fakedist import install
from kit_broken_components import (
    OFF_BY_ONE_PLUGIN,
    BatchDiffersTokenizer,
    DriftingHead,
    FirstLabelJsonlReader,
    LaxTokenizer,
    NoisyEncoder,
    NonZeroPadEmbedder,
    OffByOneTokenizer,
    PaddingLeakEncoder,
    PathConfigTokenizer,
    StateIgnoringEncoder,
    SteppingDriftEncoder,
    StrictTextReader,
    SwallowingTokenizer,
    TimeLogitsHead,
    WrongShapeEncoder,
    encoder_factory,
    head_factory,
    make_gru,
    make_unmasked_max_head,
    make_unseeded_encoder,
)
from lexiloom_heads.classification import ClassificationHead

from lexiloom.testing import (
    ConformanceError,
    check_corpus_reader,
    check_embedder,
    check_encoder,
    check_head,
    check_tokenizer,
)


def fault_of(check: Any, component: Any, failed: str, **settings: Any) -> str:
    """Run ``check`` on ``component``; assert it fails ``failed``; return that fault's text."""
    with pytest.raises(ConformanceError) as caught:
        check(component, **settings)
    err = caught.value
    assert failed in err.checks, str(err)
    messages = [f"{f.check}: {f.message}" for f in err.faults if f.check == failed]
    for line in messages:
        assert line in str(err).splitlines()
    return "\n".join(messages)


def test_off_by_one_token_spans_fail_the_spans_check() -> None:
    message = fault_of(check_tokenizer, OffByOneTokenizer, "spans")
    assert "text[start:end] == token.text" in message
    assert "The cat sat on the mat." in message


def test_tokenize_batch_that_differs_from_tokenize_fails_the_batch_check() -> None:
    message = fault_of(check_tokenizer, BatchDiffersTokenizer, "batch")
    assert "tokenize_batch() differs from tokenize()" in message


def test_non_boolean_setting_accepted_silently_fails_the_bad_settings_check() -> None:
    message = fault_of(check_tokenizer, LaxTokenizer, "bad_settings")
    assert "lowercase='maybe'" in message and "accepted silently" in message


def test_unknown_setting_swallowed_by_kwargs_fails_the_bad_settings_check() -> None:
    message = fault_of(check_tokenizer, SwallowingTokenizer, "bad_settings")
    assert "no_such_setting_xyz" in message and "accepted silently" in message


def test_config_that_json_cannot_store_fails_the_json_settings_check() -> None:
    message = fault_of(check_tokenizer, PathConfigTokenizer, "json_settings")
    assert "not JSON-serialisable" in message


def test_encoder_final_of_the_wrong_shape_fails_the_shape_check() -> None:
    message = fault_of(check_encoder, encoder_factory(WrongShapeEncoder), "shape")
    assert "final has shape (8,), expected (4, 8)" in message


def test_encoder_summing_over_padding_fails_the_padding_check() -> None:
    message = fault_of(check_encoder, encoder_factory(PaddingLeakEncoder), "padding")
    assert "padding must never reach a real position" in message


def test_encoder_whose_stepping_disagrees_with_the_full_pass_fails_the_step_check() -> None:
    message = fault_of(check_encoder, encoder_factory(SteppingDriftEncoder), "step")
    assert "position 0" in message and "initial_state()" in message


def test_encoder_ignoring_the_carried_state_fails_the_carried_state_check() -> None:
    message = fault_of(check_encoder, encoder_factory(StateIgnoringEncoder), "carried_state")
    assert "continue from the carried state" in message


def test_encoder_ignoring_seeds_fails_the_determinism_check() -> None:
    message = fault_of(check_encoder, make_unseeded_encoder, "determinism")
    assert "two builds with the seed setting" in message


def test_random_output_in_eval_mode_fails_the_determinism_check() -> None:
    message = fault_of(check_encoder, encoder_factory(NoisyEncoder), "determinism")
    assert "the same input twice (eval mode)" in message


def test_atol_sets_the_float_tolerance() -> None:
    check_encoder(encoder_factory(NoisyEncoder), atol=1e-2)


def test_pooled_head_returning_per_position_logits_fails_the_shape_check() -> None:
    message = fault_of(check_head, head_factory(TimeLogitsHead), "shape")
    assert "expected (4, 5) (pooled head: (batch, output_size)" in message


def test_head_state_outside_the_state_dict_fails_the_round_trip_check() -> None:
    message = fault_of(check_head, head_factory(DriftingHead), "round_trip")
    assert "safetensors" in message and "drift" in message


def test_head_pooling_over_padding_fails_the_padding_check() -> None:
    message = fault_of(check_head, make_unmasked_max_head, "padding")
    assert "mask padded positions" in message


def test_embedder_with_a_non_zero_pad_row_fails_the_padding_check() -> None:
    message = fault_of(check_embedder, NonZeroPadEmbedder, "padding")
    assert "<pad> (id 0)" in message


def test_reader_losing_labels_on_write_fails_the_read_write_check() -> None:
    message = fault_of(check_corpus_reader, FirstLabelJsonlReader, "read_write")
    assert "('neg', 'pos')" in message and "loses information" in message


def test_reader_ignoring_bad_lines_fails_the_bad_lines_check() -> None:
    message = fault_of(check_corpus_reader, StrictTextReader, "bad_lines")
    assert "BadLines(skip=True)" in message and "line 5" in message


def test_working_components_pass_when_given_as_factories() -> None:
    check_encoder(make_gru)
    check_head(head_factory(ClassificationHead), pooling="attention")


def test_broken_tokenizer_of_a_third_party_plugin_fails_by_name(fake_dist, monkeypatch) -> None:
    install(fake_dist, "lexiloom-offbyone", "offbyone", OFF_BY_ONE_PLUGIN)
    monkeypatch.setenv("LEXILOOM_PLUGINS", "offbyone")
    with pytest.raises(ConformanceError) as caught:
        check_tokenizer("off-by-one")
    err = caught.value
    assert err.checks == ["spans"]
    assert str(err).startswith("tokenizer 'off-by-one' failed 1 conformance check(s):")

"""corpus_stats: counts, label distribution, nearest-rank length percentiles, tokenizers."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.corpora import Record, corpus_stats


def test_corpus_stats_counts_documents_tokens_and_labels() -> None:
    records = [Record("a b c", ("x",)), Record("d", ("y", "x")), Record("e f")]
    stats = corpus_stats(records)
    assert (stats.documents, stats.tokens, stats.characters) == (3, 6, 9)
    assert stats.labels == {"x": 2, "y": 1}
    assert list(stats.labels) == ["x", "y"]  # most frequent first
    assert (stats.unlabelled, stats.multi_labelled, stats.exclusive) == (1, 1, False)
    assert stats.tokenizer == "whitespace"
    assert stats.to_dict()["labels"][0] == {"label": "x", "documents": 2, "percent": 66.67}


def test_corpus_stats_exclusive_when_every_document_has_one_label() -> None:
    assert corpus_stats([Record("a", ("x",)), Record("b", ("y",))]).exclusive


def test_corpus_stats_of_an_empty_corpus_is_all_zero() -> None:
    stats = corpus_stats([])
    assert stats.documents == 0 and stats.lengths.max == 0 and not stats.exclusive


def test_corpus_stats_takes_a_tokenizer_name_or_object() -> None:
    records = [Record("Hello, world!")]
    assert corpus_stats(records).tokens == 2
    assert corpus_stats(records, "regex").tokens == 4
    assert corpus_stats(records, registry.tokenizers.create("char")).tokens > 4


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=60))
def test_length_percentiles_are_nearest_rank_of_the_sorted_lengths(lengths: list[int]) -> None:
    stats = corpus_stats([Record(" ".join(["w"] * n)) for n in lengths])
    ordered = sorted(lengths)
    for q, value in ((50, stats.lengths.p50), (90, stats.lengths.p90), (99, stats.lengths.p99)):
        assert value == ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]
    assert stats.lengths.max == max(lengths)
    assert math.isclose(stats.lengths.mean, sum(lengths) / len(lengths))


def test_progress_is_called_every_ten_thousand_documents() -> None:
    seen: list[int] = []
    corpus_stats((Record("x") for _ in range(25_000)), progress=seen.append)
    assert seen == [10_000, 20_000]

"""Classification scores against hand-computed values, and properties over random inputs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom.errors import CorpusError
from lexiloom.scoring import score_classification

LABELS = ["a", "b", "c"]


def _one_hot(label: str) -> dict[str, float]:
    return {lb: float(lb == label) for lb in LABELS}


def test_exclusive_scores_match_hand_computed_values() -> None:
    gold = [("a",), ("a",), ("b",), ("b",), ("c",), ("c",)]
    pred = [_one_hot(x) for x in ["a", "b", "b", "b", "a", "c"]]
    s = score_classification(gold, pred, labels=LABELS)
    # a: tp1 fp1 fn1 -> P .5 R .5; b: tp2 fp1 fn0 -> P 2/3 R 1; c: tp1 fp0 fn1 -> P 1 R .5
    assert s.accuracy == pytest.approx(4 / 6)
    assert s.per_label["a"].precision == pytest.approx(0.5)
    assert s.per_label["b"].precision == pytest.approx(2 / 3)
    assert s.per_label["b"].recall == pytest.approx(1.0)
    assert s.per_label["c"].f1 == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert s.macro_precision == pytest.approx((0.5 + 2 / 3 + 1) / 3)
    assert s.macro_recall == pytest.approx((0.5 + 1 + 0.5) / 3)
    assert s.macro_f1 == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert s.confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert [s.per_label[x].support for x in LABELS] == [2, 2, 2]


def test_exclusive_prediction_is_the_highest_score_first_label_on_ties() -> None:
    s = score_classification([("b",)], [{"a": 0.5, "b": 0.5, "c": 0.0}], labels=LABELS)
    assert s.confusion == [[0, 0, 0], [1, 0, 0], [0, 0, 0]]


def test_multilabel_scores_use_the_threshold_and_exact_match_accuracy() -> None:
    gold = [("a", "b"), ("c",), ()]
    pred = [{"a": 0.9, "b": 0.6, "c": 0.1}, {"a": 0.7, "b": 0.2, "c": 0.8},
            {"a": 0.1, "b": 0.1, "c": 0.1}]
    s = score_classification(gold, pred, labels=LABELS, exclusive=False, threshold=0.5)
    assert s.accuracy == pytest.approx(2 / 3)
    assert s.per_label["a"].precision == pytest.approx(0.5)
    assert s.per_label["a"].recall == pytest.approx(1.0)
    assert s.confusion is None
    assert "confusion" not in s.format_table()


def test_label_never_predicted_has_zero_precision_and_f1() -> None:
    s = score_classification([("a",), ("b",)], [_one_hot("a"), _one_hot("a")], labels=LABELS)
    assert s.per_label["b"].precision == 0.0
    assert s.per_label["b"].f1 == 0.0
    assert s.per_label["c"].support == 0


def test_scoring_rejects_empty_mismatched_and_unknown_input() -> None:
    with pytest.raises(CorpusError, match="empty"):
        score_classification([], [], labels=LABELS)
    with pytest.raises(CorpusError, match="predictions"):
        score_classification([("a",)], [], labels=LABELS)
    with pytest.raises(CorpusError, match="not among"):
        score_classification([("z",)], [_one_hot("a")], labels=LABELS)


def test_scores_serialise_and_format_as_a_table() -> None:
    s = score_classification([("a",), ("b",)], [_one_hot("a"), _one_hot("c")], labels=LABELS)
    data = s.to_dict()
    assert data["per_label"]["a"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    table = s.format_table()
    assert "accuracy 0.5000" in table and "confusion" in table


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=1,
                max_size=40))
def test_property_accuracy_is_confusion_trace_over_documents(pairs) -> None:
    """Property: accuracy = trace(confusion) / n, the matrix sums to n, and every
    precision/recall/F1 lies in [0, 1] with F1 between min and max of P and R."""
    gold = [(g,) for g, _ in pairs]
    pred = [_one_hot(p) for _, p in pairs]
    s = score_classification(gold, pred, labels=LABELS)
    assert s.confusion is not None
    trace = sum(s.confusion[i][i] for i in range(len(LABELS)))
    assert s.accuracy == pytest.approx(trace / len(pairs))
    assert sum(map(sum, s.confusion)) == len(pairs)
    for label in LABELS:
        ls = s.per_label[label]
        assert 0.0 <= ls.f1 <= 1.0
        if ls.precision and ls.recall:
            assert min(ls.precision, ls.recall) - 1e-9 <= ls.f1 <= max(ls.precision,
                                                                       ls.recall) + 1e-9

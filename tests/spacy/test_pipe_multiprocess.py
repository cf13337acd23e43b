"""``nlp.pipe(texts, n_process=2)`` with a lexiloom model: same results as one process, and one
torch thread in each worker."""

from __future__ import annotations

import pytest
import spacy
import torch
from spacy.language import Language
from spacy_textcat_helpers import corpus_examples, tiny_model

import lexiloom.spacy.components.factories  # noqa: F401  (until the entry point lands)
from lexiloom import threads

TEXTS = [f"{word} product, {n} stars, would {verb} again"
         for n, (word, verb) in enumerate([("great", "buy"), ("awful", "never buy"),
                                           ("decent", "maybe buy"), ("broken", "not buy")] * 5)]


@Language.component("lexiloom_test_torch_threads")
def record_torch_threads(doc):
    """Test component: store the process's torch thread count on the doc."""
    doc.user_data["torch_threads"] = torch.get_num_threads()
    return doc


@pytest.fixture(scope="module")
def nlp():
    torch.set_num_threads(1)
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("lexiloom_sentiment", config={"model": tiny_model("lstm",
                                                                        head="sentiment")})
    pipeline.add_pipe("lexiloom_test_torch_threads")
    pipeline.initialize(lambda: corpus_examples(pipeline, "sentiment", "train", limit=16))
    return pipeline


@pytest.mark.slow
def test_two_processes_give_the_same_results_as_one(nlp):
    single = list(nlp.pipe(TEXTS, batch_size=8))
    multi = list(nlp.pipe(TEXTS, batch_size=8, n_process=2))
    assert [d.text for d in multi] == TEXTS
    for a, b in zip(single, multi, strict=True):
        assert a.cats == pytest.approx(b.cats, abs=1e-6)
        assert a._.sentiment == pytest.approx(b._.sentiment, abs=1e-6)
        assert a._.polarity == b._.polarity
        assert [s._.sentiment for s in a.sents] == pytest.approx(
            [s._.sentiment for s in b.sents], abs=1e-6)


@pytest.mark.slow
def test_workers_use_one_torch_thread(nlp):
    torch.set_num_threads(2)
    try:
        docs = list(nlp.pipe(TEXTS, batch_size=8, n_process=2))
    finally:
        torch.set_num_threads(1)
    assert {doc.user_data["torch_threads"] for doc in docs} == {1}


def test_main_process_threads_are_never_raised(monkeypatch):
    assert not threads.in_worker_process()
    monkeypatch.setattr(threads, "_fitted_pid", None)
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert threads.fit_torch_threads() is None
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_main_process_threads_are_lowered_to_the_usable_cores(monkeypatch):
    monkeypatch.setattr(threads, "_fitted_pid", None)
    monkeypatch.setattr(threads, "usable_cores", lambda: 1)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        assert threads.fit_torch_threads() == 1
        assert torch.get_num_threads() == 1
        assert threads.fit_torch_threads() is None  # once per process
    finally:
        torch.set_num_threads(before)


def test_worker_thread_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(threads.WORKER_THREADS_ENV, "3")
    assert threads.worker_threads() == 3
    monkeypatch.setenv(threads.WORKER_THREADS_ENV, "many")
    assert threads.worker_threads() == 1

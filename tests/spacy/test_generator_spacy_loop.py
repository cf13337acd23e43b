"""``lexiloom_generator`` trained by spaCy's own loop (``init_nlp`` + ``spacy.training.loop.train``,
what ``spacy train`` runs) from a ``lexiloom.TextStreams.v1`` corpus: it learns, its vocabulary
comes from its own text, gradient accumulation is exact, a shuffled corpus is refused, and the
global-norm clipping and the warm-up/cosine schedule do what they say."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy
import pytest
import spacy
import torch
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as spacy_loop
from spacy.util import load_config, resolve_dot_names
from thinc.api import Config

from lexiloom.errors import SettingsError
from lexiloom.spacy.optimizers import warmup_cosine_v1
from lexiloom.training.config import CONFIG_DIR

TEXT = ("the quick brown fox jumps over the lazy dog. " * 3
        + "a small cat sleeps on a warm mat. " * 3) * 6
HELD_OUT = "the lazy cat jumps over the warm dog. a quick fox sleeps on a mat. "
SMALL = {"components.generator.embedder.dim": 16,
         "components.generator.encoder.hidden_size": 48,
         "components.generator.encoder.dropout": 0.0,
         "components.generator.head.dropout": 0.0}


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("streams")
    paths = {"train": folder / "train.txt", "dev": folder / "dev.txt",
             "jsonl": folder / "train.jsonl"}
    paths["train"].write_text(TEXT, encoding="utf-8")
    paths["dev"].write_text(HELD_OUT * 2, encoding="utf-8")
    paths["jsonl"].write_text(f'{{"text": "{TEXT[:300]}"}}\n{{"text": "{TEXT[300:600]}"}}\n',
                              encoding="utf-8")
    return paths


def _config(texts: dict[str, Path], **overrides: Any) -> Config:
    config = load_config(CONFIG_DIR / "demo_char.cfg", overrides={
        "paths.train": str(texts["train"]), "paths.dev": str(texts["dev"]),
        "corpora.train.streams": 4, "corpora.train.bptt": 32, "training.max_steps": 30,
        "training.eval_frequency": 10, "training.optimizer.learn_rate.warmup_steps": 5,
        **SMALL, **overrides})
    return config


def _spacy_train(config: Config, out: Path | None = None) -> Any:
    nlp = init_nlp(config)
    _quietly(nlp, out)
    return nlp


def _quietly(nlp: Any, out: Path | None) -> None:
    """spaCy's ``train`` with its console output dropped."""
    import io

    spacy_loop(nlp, out, stdout=io.StringIO(), stderr=io.StringIO())


def _unigram_cross_entropy(generator: Any, train: str, held_out: str) -> float:
    """The held-out cross-entropy (nats/token) of add-one unigram counts from ``train``, over
    the generator's own ids (what the generator is scored on: ``<eos>`` counted, ``<bos>``
    not)."""
    vocab, tokenizer = generator.token_vocab, generator.tokenizer
    counts = Counter([*vocab.encode(tokenizer.tokenize(train)), vocab.eos_id])
    total = sum(counts.values()) + len(vocab)
    targets = [*vocab.encode(tokenizer.tokenize(held_out)), vocab.eos_id]
    return -sum(math.log((counts[i] + 1) / total) for i in targets) / len(targets)


def test_spacy_train_learns_to_beat_a_unigram_model_on_held_out_text(texts) -> None:
    nlp = _spacy_train(_config(texts, **{"training.max_steps": 300,
                                         "training.eval_frequency": 100}))
    generator = nlp.get_pipe("generator")
    score = generator.evaluate_file(texts["dev"])
    unigram = _unigram_cross_entropy(generator, TEXT, HELD_OUT * 2)
    assert score.cross_entropy < 0.75 * unigram, (score.cross_entropy, unigram)


def test_untrained_generator_is_no_better_than_the_unigram_control(texts) -> None:
    """The control: the same measurement before any update does not pass the bar above."""
    nlp = init_nlp(_config(texts))
    generator = nlp.get_pipe("generator")
    score = generator.evaluate_file(texts["dev"])
    assert score.cross_entropy > 0.75 * _unigram_cross_entropy(generator, TEXT, HELD_OUT * 2)


def test_vocabulary_comes_from_the_generators_own_stream_corpus(texts) -> None:
    nlp = init_nlp(_config(texts))
    generator = nlp.get_pipe("generator")
    assert set(generator.token_vocab) - {"<pad>", "<unk>", "<bos>", "<eos>"} == set(TEXT)
    assert not set(HELD_OUT) - set(TEXT) or "z" not in generator.token_vocab


def test_jsonl_text_field_is_read_as_documents(texts) -> None:
    nlp = init_nlp(_config(texts, **{"paths.train": str(texts["jsonl"]),
                                     "corpora.train.format": "jsonl"}))
    config = nlp.config.interpolate()
    (corpus,) = resolve_dot_names(config, ["corpora.train"])
    ids = corpus.ids(nlp.get_pipe("generator"))
    vocab = nlp.get_pipe("generator").token_vocab
    assert list(ids).count(vocab.bos_id) == 2 and len(ids) == 600 + 4


def test_chunks_are_stream_major_and_batched_one_position_at_a_time(texts) -> None:
    from lexiloom.spacy.text_streams import chunk_of, stream_batcher_v1

    nlp = init_nlp(_config(texts))
    config = nlp.config.interpolate()
    (corpus,) = resolve_dot_names(config, ["corpora.train"])
    batches = list(stream_batcher_v1()(corpus(nlp)))
    positions = [[(c.stream, c.index) for c in map(chunk_of, batch)] for batch in batches]
    assert positions[0] == [(0, 0), (1, 0), (2, 0), (3, 0)]
    assert positions[1] == [(0, 1), (1, 1), (2, 1), (3, 1)]
    first, second = (chunk_of(batches[i][0]) for i in (0, 1))
    assert first.ids[-1] == second.ids[0]  # chunk 1 starts where chunk 0's last target is


def test_accumulated_half_batches_give_the_same_weights_as_whole_ones(texts) -> None:
    def weights(accumulate: int) -> dict[str, torch.Tensor]:
        nlp = _spacy_train(_config(texts, **{"training.accumulate_gradient": accumulate,
                                             "training.max_steps": 6}))
        return {k: v.clone() for k, v in nlp.get_pipe("generator").module.state_dict().items()}

    whole, halves = weights(1), weights(2)
    for name in whole:
        torch.testing.assert_close(halves[name], whole[name], rtol=1e-4, atol=1e-5)


def test_a_shuffled_corpus_is_refused_naming_max_epochs(texts) -> None:
    with pytest.raises(SettingsError, match="max_epochs = -1"):
        _spacy_train(_config(texts, **{"training.max_epochs": 5}))


def test_training_dropout_reaches_the_generator_under_spacy_train(texts) -> None:
    def weights(dropout: float) -> bytes:
        nlp = _spacy_train(_config(texts, **{"training.dropout": dropout,
                                             "training.max_steps": 3}))
        return nlp.get_pipe("generator").module.embedding.weight.detach().numpy().tobytes()

    assert weights(0.0) != weights(0.4)


def test_component_and_training_dropout_that_disagree_are_an_error(texts) -> None:
    with pytest.raises(SettingsError, match="disagree"):
        _spacy_train(_config(texts, **{"training.dropout": 0.3,
                                       "components.generator.dropout": 0.1}))


def test_global_norm_clipping_scales_all_gradients_together() -> None:
    """``lexiloom.Adam.v1`` clips the module's gradients by their joint norm, as torch's
    ``clip_grad_norm_`` does; thinc's per-array ``grad_clip`` gives another update."""
    from thinc.api import Adam

    from lexiloom.spacy.optimizers import adam_v1
    from lexiloom.spacy.torch_shim import InPlaceUpdateShim

    def updated(optimizer: Any, clip_here: float = 0.0) -> list[numpy.ndarray]:
        torch.manual_seed(0)
        module = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Linear(8, 2))
        module(torch.randn(16, 4)).pow(2).sum().mul(50).backward()
        if clip_here:
            torch.nn.utils.clip_grad_norm_(module.parameters(), clip_here)
        InPlaceUpdateShim(module).finish_update(optimizer)
        return [p.detach().numpy().copy() for p in module.parameters()]

    clipped = updated(adam_v1(0.1, global_grad_clip=0.5, use_averages=False))
    expected = updated(adam_v1(0.1, global_grad_clip=0.0, use_averages=False), clip_here=0.5)
    for ours, torch_clipped in zip(clipped, expected, strict=True):
        numpy.testing.assert_allclose(ours, torch_clipped, rtol=1e-5, atol=1e-6)
    per_array = updated(Adam(0.1, grad_clip=0.5, use_averages=False))
    assert any(not numpy.allclose(a, b) for a, b in zip(per_array, expected, strict=True))


def test_a_step_without_gradients_leaves_the_module_as_it_was() -> None:
    """After an update, a batch that gave the module nothing (documents, for a generator in an
    interleaved corpus) must not move it with the optimizer's momentum."""
    from lexiloom.spacy.optimizers import adam_v1
    from lexiloom.spacy.torch_shim import InPlaceUpdateShim

    torch.manual_seed(0)
    module = torch.nn.Linear(4, 2)
    shim = InPlaceUpdateShim(module)
    optimizer = adam_v1(0.1, use_averages=False)
    module(torch.randn(8, 4)).sum().backward()
    shim.finish_update(optimizer)
    after_update = [p.detach().clone() for p in module.parameters()]
    shim.finish_update(optimizer)  # no backward since
    for before, now in zip(after_update, module.parameters(), strict=True):
        assert torch.equal(before, now)


def test_warmup_cosine_rises_then_falls_to_the_final_rate() -> None:
    rates = warmup_cosine_v1(0.01, total_steps=104, warmup_steps=4)
    values = [next(rates) for _ in range(110)]
    assert values[:4] == pytest.approx([0.0025, 0.005, 0.0075, 0.01])
    assert values[54] == pytest.approx(0.005)  # halfway through the decay
    assert values[104] == values[109] == pytest.approx(0.0)
    assert all(a >= b for a, b in itertools.pairwise(values[4:]))
    flat = warmup_cosine_v1(0.01, total_steps=10, warmup_steps=0, final_rate=0.01)
    assert [next(flat) for _ in range(20)] == pytest.approx([0.01] * 20)


@pytest.mark.parametrize("bad", [{"total_steps": 0}, {"warmup_steps": -1}])
def test_warmup_cosine_refuses_bad_steps(bad) -> None:
    with pytest.raises(SettingsError, match="warmup_cosine"):
        warmup_cosine_v1(0.01, **{"total_steps": 10, "warmup_steps": 0, **bad})


def test_saved_pipeline_of_spacy_train_loads_and_generates(texts, tmp_path) -> None:
    (tmp_path / "out").mkdir()  # as spacy train's CLI does
    _spacy_train(_config(texts), tmp_path / "out")
    nlp = spacy.load(tmp_path / "out" / "model-best")
    text = nlp.get_pipe("generator").generate("the ", max_tokens=10, seed=0)
    assert isinstance(text, str) and len(text) <= 10


def test_textcat_and_generator_train_together_from_an_interleaved_corpus(texts, tmp_path) -> None:
    """One ``spacy train`` run trains both; the generator's vocabulary is that of its own stream
    text (the labelled texts' digits and capitals are not in it)."""
    labelled = tmp_path / "labelled.jsonl"
    rows = [("GOOD 1 great 2", "pos"), ("BAD 3 awful 4", "neg")] * 20
    labelled.write_text("".join(f'{{"text": "{t}", "label": "{y}"}}\n' for t, y in rows),
                        encoding="utf-8")
    documents = {"@readers": "lexiloom.Corpus.v1", "path": str(labelled), "format": "jsonl"}
    config = _config(texts, **{"training.max_steps": 40})
    config["nlp"]["pipeline"] = ["generator", "textcat"]
    config["components"]["textcat"] = {"factory": "textcat"}
    for split in ("train", "dev"):
        config["corpora"][split] = {"@readers": "lexiloom.Interleaved.v1",
                                    "streams": dict(config["corpora"][split]),
                                    "documents": documents, "documents_per_step": 4}
    config["training"]["score_weights"] = {"lm_score": 0.5, "cats_score": 0.5}
    nlp = init_nlp(config)
    untrained = nlp.get_pipe("generator").evaluate_file(texts["dev"]).cross_entropy
    _quietly(nlp, None)
    generator = nlp.get_pipe("generator")
    assert set(generator.token_vocab) - {"<pad>", "<unk>", "<bos>", "<eos>"} == set(TEXT)
    assert generator.evaluate_file(texts["dev"]).cross_entropy < untrained
    assert nlp("GOOD 1 great 2").cats["pos"] > 0.8 and nlp("BAD 3 awful 4").cats["pos"] < 0.2


def test_use_averages_applies_the_averaged_weights_to_evaluation_and_saving(texts) -> None:
    """``use_averages = true``: the generator is scored and saved with the optimizer's
    parameter averages (the shim's ``use_params``), so the saved weights differ from a run
    without averages trained identically."""
    def trained(averages: bool) -> tuple[float, bytes]:
        nlp = init_nlp(_config(texts, **{"training.optimizer.use_averages": averages,
                                         "training.max_steps": 20}))
        from spacy import registry
        from spacy.schemas import ConfigSchemaTraining

        training = registry.resolve(nlp.config.interpolate()["training"],
                                    schema=ConfigSchemaTraining)
        optimizer = training["optimizer"]
        config = nlp.config.interpolate()
        train_corpus, dev_corpus = resolve_dot_names(config, ["corpora.train", "corpora.dev"])
        from lexiloom.spacy.text_streams import stream_batcher_v1

        for batch in itertools.islice(stream_batcher_v1()(train_corpus(nlp)), 20):
            nlp.update(batch, sgd=optimizer, drop=0.0)
        with nlp.use_params(optimizer.averages or {}):
            score = nlp.get_pipe("generator").score(list(dev_corpus(nlp)))["lm_score"]
            weights = nlp.get_pipe("generator").to_bytes()
        return score, weights

    plain, averaged = trained(False), trained(True)
    assert plain[0] != averaged[0]
    assert plain[1] != averaged[1]

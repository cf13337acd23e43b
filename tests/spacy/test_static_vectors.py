"""``include_static_vectors``: spaCy's ``[initialize] vectors`` (a package made by ``lexiloom
vectors to-spacy``) feeds lexiloom's classifier and token encoder as fixed input beside the
trainable embeddings, through spaCy's loop; saved pipelines keep reading them."""

from __future__ import annotations

import io
from pathlib import Path

import numpy
import pytest
import spacy
from small_corpora import small
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as spacy_loop

from lexiloom.corpora import convert_to_docbin, read_corpus
from lexiloom.errors import SettingsError
from lexiloom.spacy.architectures import get_module
from lexiloom.vectors import KeyedVectors
from lexiloom.vectors.spacy_vectors import to_spacy_pipeline

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
TEXTS = ["Stocks fell as the bank raised rates.", "The striker scored twice in the final."]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("static")
    convert_to_docbin(small("topics/train"), base / "train.spacy")
    convert_to_docbin(small("topics/dev"), base / "dev.spacy")
    words = sorted({w.lower().strip(".,!?'\"") for r in read_corpus(small("topics/train"))
                    for w in r.text.split()} - {""})
    for seed in (1, 2):  # two vectors packages: same words, different values
        rows = numpy.random.default_rng(seed).normal(size=(len(words), 6)).astype("float32")
        to_spacy_pipeline(KeyedVectors(words, rows), base / f"vectors{seed}")
    return {"train": base / "train.spacy", "dev": base / "dev.spacy",
            "vectors1": base / "vectors1", "vectors2": base / "vectors2"}


def trained(corpus: dict[str, Path], vectors: str | None, include: bool,
            out: Path | None = None) -> spacy.Language:
    model = "components.textcat.model"
    overrides = {"paths.train": str(corpus["train"]), "paths.dev": str(corpus["dev"]),
                 f"{model}.embedder.dim": 8, f"{model}.encoder.hidden_size": 8,
                 f"{model}.include_static_vectors": include, "training.max_steps": 6,
                 # the trained weights, not averages, so the saved model predicts as `nlp`
                 "training.optimizer.use_averages": False,
                 "training.eval_frequency": 3, "initialize.vectors":
                 None if vectors is None else str(corpus[vectors])}
    cfg = spacy.util.load_config(CONFIGS / "topics_multiclass.cfg", overrides=overrides)
    nlp = init_nlp(cfg)
    if out is not None:
        out.mkdir()
    spacy_loop(nlp, out, stdout=io.StringIO(), stderr=io.StringIO())
    return nlp


def predictions(nlp: spacy.Language) -> list[dict[str, float]]:
    return [doc.cats for doc in nlp.pipe(TEXTS)]


def test_initialize_vectors_change_the_model_input_only_when_included(corpus):
    one, two = trained(corpus, "vectors1", True), trained(corpus, "vectors2", True)
    assert predictions(one) != predictions(two)
    assert get_module(one.get_pipe("textcat").model).encoder.input_size == 8 + 6
    # control: without include_static_vectors the loaded vectors change nothing (and it says so)
    from lexiloom.spacy.architectures import UnusedVectorsWarning

    with pytest.warns(UnusedVectorsWarning, match="include_static_vectors = true"):
        plain = [predictions(trained(corpus, name, False)) for name in ("vectors1", "vectors2")]
    assert plain[0] == plain[1]


def test_a_saved_pipeline_reads_its_own_vectors(corpus, tmp_path):
    nlp = trained(corpus, "vectors1", True, tmp_path / "out")
    loaded = spacy.load(tmp_path / "out" / "model-last")
    assert loaded.vocab.vectors.shape == nlp.vocab.vectors.shape
    for ours, theirs in zip(predictions(loaded), predictions(nlp), strict=True):
        assert ours == pytest.approx(theirs, abs=1e-6)


def test_including_static_vectors_without_vectors_names_the_fix(corpus):
    with pytest.raises(SettingsError, match=r"\[initialize\] vectors"):
        trained(corpus, None, True)


def test_token_encoder_reads_static_vectors(corpus):
    from lexiloom.spacy.tok2vec import tok2vec_v1

    nlp = spacy.load(corpus["vectors1"])
    docs = [nlp.make_doc(text) for text in TEXTS]
    widths = []
    for include in (True, False):
        model = tok2vec_v1(embedder=spacy.registry.resolve(
            {"e": {"@architectures": "lexiloom.TrainableEmbedder.v1", "dim": 4}})["e"],
            encoder=spacy.registry.resolve(
            {"e": {"@architectures": "lexiloom.LSTMEncoder.v1", "hidden_size": 4}})["e"],
            include_static_vectors=include)
        with pytest.warns(UserWarning):
            model.initialize(X=docs)
        widths.append(get_module(model).encoder.input_size)
        assert model.predict(docs)[0].shape == (len(docs[0]), 4)
    assert widths == [4 + 6, 4]


def test_lexiloom_train_vectors_option_feeds_the_classifier(corpus, tmp_path):
    from lexiloom.training import TrainConfig, train

    common = dict(train=small("topics/train"), dev=small("topics/dev"), max_steps=4, threads=1,
                  embedder={"name": "trainable", "dim": 8}, encoder={"name": "gru",
                                                                     "hidden_size": 8})
    outs = []
    for name in ("vectors1", "vectors2"):
        train(TrainConfig(**common, vectors=str(corpus[name])), out_dir=tmp_path / name,
              progress=False)
        outs.append(predictions(spacy.load(tmp_path / name / "model-last")))
    assert outs[0] != outs[1]
    with pytest.raises(SettingsError, match="no such directory or installed package"):
        train(TrainConfig(**common, vectors=str(tmp_path / "missing")), out_dir=tmp_path / "x",
              progress=False)


def test_the_default_plan_separates_the_losses_only_for_a_model_reading_vectors(corpus,
                                                                                 tmp_path):
    from lexiloom.training import TrainConfig, train

    common = dict(train=small("topics/train"), dev=small("topics/dev"), max_steps=2, threads=1)
    for name, vectors, separate in (("with", str(corpus["vectors1"]), True),
                                    ("without", None, False)):
        train(TrainConfig(**common, vectors=vectors), out_dir=tmp_path / name, progress=False)
        nlp = spacy.load(tmp_path / name / "model-last")
        assert get_module(nlp.get_pipe("textcat").model).separate_losses is separate
        config = (tmp_path / name / "config.cfg").read_text(encoding="utf-8")
        assert f"ngram_separate_loss = {str(separate).lower()}" in config
        assert ("# lexiloom train chose: separate losses" in config) is separate
        assert ("# lexiloom train chose: one shared loss" in config) is not separate


def test_a_token_without_a_vector_reads_zeros_not_another_words_vector(corpus):
    from lexiloom.spacy.docs_to_ids import static_vectors, vector_coverage

    nlp = spacy.load(corpus["vectors1"])
    doc = nlp.make_doc("stocks zzzunknownzzz stocks")
    rows = static_vectors([doc], "norm", 6)[0]
    assert numpy.array_equal(rows[1], numpy.zeros(6))
    assert rows[0].any() and numpy.array_equal(rows[0], rows[2])
    assert vector_coverage([doc], "norm") == pytest.approx(2 / 3)


def test_a_pipeline_without_the_models_vectors_is_a_clear_error(corpus, tmp_path):
    nlp = trained(corpus, "vectors1", True, tmp_path / "out")
    bare = spacy.blank("en")
    with pytest.warns(UserWarning):
        bare.add_pipe("textcat", source=spacy.load(tmp_path / "out" / "model-last"))
    with pytest.raises(SettingsError, match="static vectors of width 6"):
        bare("Stocks fell.")
    assert nlp("Stocks fell.").cats  # control: with its vectors it predicts


def test_vectors_keyed_in_another_form_warn_at_initialize(corpus, tmp_path):
    from lexiloom.spacy.architectures import LowVectorCoverageWarning

    words = [w.upper() for w in ("stocks", "fell", "the", "striker")]
    rows = numpy.ones((len(words), 6), dtype="float32")
    to_spacy_pipeline(KeyedVectors(words, rows), tmp_path / "upper")
    corpus = {**corpus, "upper": tmp_path / "upper"}
    with pytest.warns(LowVectorCoverageWarning, match="have a vector"):
        trained(corpus, "upper", True)

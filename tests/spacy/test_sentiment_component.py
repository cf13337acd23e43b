"""The ``lexiloom_sentiment`` component: extensions, sentence scores, label values, scoring,
saving and requirements in ``meta.json``."""

from __future__ import annotations

import json

import pytest
import spacy
import torch
from spacy.tokens import Doc, Span
from spacy_textcat_helpers import corpus_examples, tiny_model, train

import lexiloom.spacy.components.factories  # noqa: F401  (explicit: the factory module is under test)
from lexiloom.errors import SettingsError
from lexiloom.spacy.components.sentiment import SentimentClassifier
from lexiloom.spacy.requirements import add_requirements, pipeline_requirements


def sentiment_pipeline(*, sentencizer: bool = False, head: str = "sentiment", **head_settings):
    nlp = spacy.blank("en")
    if sentencizer:
        nlp.add_pipe("sentencizer")
    model = tiny_model("gru", head=head)
    model["head"].update(head_settings)
    nlp.add_pipe("lexiloom_sentiment", name="sentiment", config={"model": model})
    return nlp


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)
    nlp = sentiment_pipeline(sentencizer=True)
    train(nlp, corpus_examples(nlp, "sentiment", "train", limit=48), epochs=2)
    return nlp


def test_component_is_a_spacy_text_categorizer(trained):
    from spacy.pipeline import TextCategorizer

    assert isinstance(trained.get_pipe("sentiment"), SentimentClassifier)
    assert isinstance(trained.get_pipe("sentiment"), TextCategorizer)


def test_sentiment_sets_cats_score_polarity_and_sentence_scores(trained):
    doc = trained("I loved the screen. The battery died after an hour and support ignored me.")
    assert set(doc.cats) == {"negative", "positive"}
    expected = doc.cats["positive"] - doc.cats["negative"]
    assert doc._.sentiment == pytest.approx(expected, abs=1e-5)
    assert -1.0 <= doc._.sentiment <= 1.0
    assert doc._.polarity == max(doc.cats, key=doc.cats.get)
    sentences = list(doc.sents)
    assert len(sentences) == 2
    for sent in sentences:
        alone = trained(sent.text)
        assert sent._.sentiment == pytest.approx(alone._.sentiment, abs=1e-5)


def test_any_span_is_scored_on_its_own_text_when_read(trained):
    doc = trained("Great value for Acme Phones, awful smell from the Acme box.")
    doc.ents = [Span(doc, 3, 5, label="ORG"), Span(doc, 11, 12, label="ORG")]
    spans = [*doc.ents, doc[0:2], doc[5:9], doc[0:1]]
    for span in spans:
        alone = trained(span.text)
        assert span._.sentiment == pytest.approx(alone._.sentiment, abs=1e-5)
    assert doc[:]._.sentiment == doc._.sentiment
    assert len({round(span._.sentiment, 6) for span in spans}) > 1  # not one value for all


def test_span_scores_are_batched_stored_and_survive_docbin(trained):
    from spacy.tokens import DocBin

    docs = list(trained.pipe(["Lovely staff, terrible parking.", "Fine."]))
    component = trained.get_pipe("sentiment")
    spans = [docs[0][0:2], docs[0][3:5], docs[1][:]]
    values = component.score_spans(spans)
    assert values == [span._.sentiment for span in spans]
    assert values[2] == docs[1]._.sentiment
    copy = DocBin(docs=docs, store_user_data=True).get_docs(trained.vocab)
    assert next(copy)[0:2]._.sentiment == pytest.approx(values[0])


def test_spans_of_docs_the_component_did_not_annotate_have_no_sentiment(trained):
    doc = trained.make_doc("Great value. Awful smell.")
    assert doc[0:2]._.sentiment is None
    other = spacy.blank("en")("Great value.")
    other.user_data.update(trained("x").user_data)  # names a component of another vocab
    assert other[0:2]._.sentiment is None


def test_the_annotating_component_is_named_with_this_process_id(trained):
    from lexiloom.spacy.components import sentiment

    doc = trained("Great value.")
    name, process, _ = doc.user_data[sentiment.SCORED_BY].split("#")
    assert name == "sentiment" and process == sentiment._PROCESS  # other processes: other ids


def test_an_explicitly_set_span_sentiment_is_kept(trained):
    doc = trained("Great value.")
    doc[0:1]._.sentiment = 0.25
    assert doc[0:1]._.sentiment == 0.25


def test_extensions_are_registered_once():
    sentiment_pipeline()
    sentiment_pipeline()
    for name, cls in (("sentiment", Doc), ("polarity", Doc), ("sentiment", Span)):
        assert cls.has_extension(name)


def test_star_ratings_score_by_their_label_values():
    nlp = sentiment_pipeline(label_values={"1": 1, "2": 2, "3": 3, "4": 4, "5": 5})
    component = nlp.get_pipe("sentiment")
    for label in "12345":
        component.add_label(label)
    nlp.initialize()
    doc = nlp("average at best")
    weights = [-1.0, -0.5, 0.0, 0.5, 1.0]
    expected = sum(doc.cats[label] * w for label, w in zip("12345", weights, strict=True))
    assert doc._.sentiment == pytest.approx(expected, abs=1e-5)


def test_labels_without_polarity_are_refused_at_initialize():
    nlp = sentiment_pipeline()
    component = nlp.get_pipe("sentiment")
    component.add_label("sport")
    component.add_label("travel")
    with pytest.raises(SettingsError, match="label_values"):
        nlp.initialize()


def test_classification_head_scores_with_the_default_sentiment_rule():
    nlp = sentiment_pipeline(head="classification")
    nlp.initialize(lambda: corpus_examples(nlp, "sentiment", "train", limit=12))
    doc = nlp("not bad")
    assert doc._.sentiment == pytest.approx(doc.cats["positive"] - doc.cats["negative"],
                                            abs=1e-5)


def test_spacy_scorer_reports_textcat_metrics(trained):
    scores = trained.evaluate(corpus_examples(trained, "sentiment", "dev", limit=20))
    for key in ("cats_score", "cats_macro_f", "cats_micro_f", "cats_macro_auc"):
        assert 0.0 <= scores[key] <= 1.0
    assert scores["cats_score_desc"] == "macro F"


def test_sentiment_pipeline_round_trips_with_identical_results(trained, tmp_path):
    trained.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    text = "Lovely staff. Dirty room, loud street."
    a, b = trained(text), loaded(text)
    assert a.cats == b.cats
    assert (a._.sentiment, a._.polarity) == (b._.sentiment, b._.polarity)
    assert [s._.sentiment for s in a.sents] == [s._.sentiment for s in b.sents]


def test_meta_json_lists_lexiloom_as_requirement(trained, tmp_path):
    trained.to_disk(tmp_path / "pipeline")
    meta = json.loads((tmp_path / "pipeline" / "meta.json").read_text(encoding="utf-8"))
    assert any(req.startswith("lexiloom>=") for req in meta["requirements"])


def test_textcat_pipeline_requirements_added_explicitly(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": tiny_model("gru")})
    nlp.meta["requirements"] = ["somepkg>=1"]
    assert add_requirements(nlp)[0] == "somepkg>=1"
    nlp.to_disk(tmp_path / "p")
    meta = json.loads((tmp_path / "p" / "meta.json").read_text(encoding="utf-8"))
    assert meta["requirements"][0] == "somepkg>=1"
    assert any(req.startswith("lexiloom>=0.1.0,<0.2.0") for req in meta["requirements"])


def test_pipeline_without_lexiloom_models_needs_nothing():
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat")
    assert pipeline_requirements(nlp) == []


def test_plugin_distributions_used_by_the_model_are_requirements(fake_dist, monkeypatch):
    fake_dist(
        "lexiloom-toyhead",
        {"lexiloom_toyhead.py": '''
            import lexiloom

            def make_toy(input_size, output_size, pooling="mean", exclusive=True,
                         hidden_size=0, dropout=0.0, seed=None):
                from lexiloom_heads.classification import ClassificationHead
                return ClassificationHead(input_size, output_size, pooling=pooling,
                                          exclusive=exclusive, hidden_size=hidden_size,
                                          dropout=dropout, seed=seed)

            @lexiloom.hookimpl
            def register_heads(register):
                register("toy", make_toy, description="test head",
                         defaults={"pooling": "mean", "exclusive": True, "hidden_size": 0,
                                   "dropout": 0.0, "seed": None})
        '''},
        entry_points={"toyhead": "lexiloom_toyhead"},
        version="2.3.1",
    )
    monkeypatch.setenv("LEXILOOM_PLUGINS", "toyhead")
    nlp = spacy.blank("en")
    model = tiny_model("gru")
    model["head"] = {"name": "toy"}
    nlp.add_pipe("textcat", config={"model": model})
    requirements = pipeline_requirements(nlp)
    assert "lexiloom-toyhead>=2.3.1,<2.4.0" in requirements
    assert any(req.startswith("lexiloom>=") for req in requirements)


def test_sentiment_factory_accepts_a_pretrained_embedder_block(tmp_path):
    """Regression: the factory's default model once carried ``embedder.dim``, which spaCy merged
    into a user's ``pretrained`` block (which takes its size from the file) and broke the build."""
    from lexiloom.vectors import KeyedVectors

    words = ["good", "bad", "film", "plot"]
    vectors = torch.randn(len(words), 6, generator=torch.Generator().manual_seed(0)).numpy()
    path = tmp_path / "vectors.txt"
    KeyedVectors(words, vectors).save(path, format="word2vec")
    nlp = spacy.blank("en")
    nlp.add_pipe("lexiloom_sentiment", config={"model": {
        "embedder": {"@architectures": "lexiloom.PretrainedEmbedder.v1", "path": str(path)},
        "encoder": {"@architectures": "lexiloom.GRUEncoder.v1", "hidden_size": 8},
    }})
    examples = corpus_examples(nlp, "sentiment", "train", limit=8)
    nlp.initialize(lambda: examples)
    doc = nlp("a good film")
    assert set(doc.cats) == {"negative", "positive"}
    assert -1.0 <= doc._.sentiment <= 1.0


def test_another_packages_span_sentiment_is_an_error_not_overwritten():
    from spacy.tokens import Span

    from lexiloom.errors import SettingsError
    from lexiloom.spacy.components.sentiment import register_extensions

    Span.set_extension("sentiment", getter=lambda span: 0.5, force=True)
    try:
        with pytest.raises(SettingsError, match="already registered by another package"):
            register_extensions()
        assert Span.get_extension("sentiment")[2](None) == 0.5  # left as it was
    finally:
        Span.remove_extension("sentiment")
    register_extensions()  # control: with the other one gone, lexiloom's is back
    assert Span.get_extension("sentiment")[2].__module__ == "lexiloom.spacy.components.sentiment"

"""``lexiloom.Tok2Vec.v1``: a registered embedder and encoder as spaCy's token-to-vector layer,
under spaCy's ``tok2vec`` component and its listeners, or inline in one component."""

from __future__ import annotations

import warnings

import numpy
import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training import Example
from thinc.api import Adam, Config, fix_random_seed

from lexiloom.spacy.tok2vec import SmallVocabularyWarning

SENTENCES = [("the cat sat", ["DET", "NOUN", "VERB"]), ("a dog ran", ["DET", "NOUN", "VERB"]),
             ("dogs run fast", ["NOUN", "VERB", "ADV"]), ("the cats sat", ["DET", "NOUN", "VERB"])]


def shared_config(encoder: str = "lexiloom.LSTMEncoder.v1", *, hidden: int = 8,
                  bidirectional: bool = True, vocab_corpus: str | None = None,
                  pipes: tuple[str, ...] = ("tagger",)) -> Config:
    width = hidden * (2 if bidirectional else 1)
    components = {
        "tok2vec": {"factory": "tok2vec", "model": {
            "@architectures": "lexiloom.Tok2Vec.v1", "vocab_corpus": vocab_corpus,
            "embedder": {"@architectures": "lexiloom.TrainableEmbedder.v1", "dim": 12},
            "encoder": {"@architectures": encoder, "hidden_size": hidden,
                        "bidirectional": bidirectional}}}}
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": width,
                "upstream": "tok2vec"}
    models = {"tagger": {"@architectures": "spacy.Tagger.v2", "nO": None, "tok2vec": listener},
              "ner": {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner",
                      "extra_state_tokens": False, "hidden_width": 8, "maxout_pieces": 2,
                      "use_upper": True, "nO": None, "tok2vec": listener},
              "parser": {"@architectures": "spacy.TransitionBasedParser.v2",
                         "state_type": "parser", "extra_state_tokens": False,
                         "hidden_width": 8, "maxout_pieces": 2, "use_upper": True, "nO": None,
                         "tok2vec": listener},
              "morphologizer": {"@architectures": "spacy.Tagger.v2", "nO": None,
                                "tok2vec": listener}}
    for pipe in pipes:
        components[pipe] = {"factory": pipe, "model": models[pipe]}
        if pipe == "parser":  # keep labels seen once (spaCy merges rarer ones into "dep")
            components[pipe]["min_action_freq"] = 1
    return Config({"nlp": {"lang": "en", "pipeline": ["tok2vec", *pipes]},
                   "components": components})


def tagged_examples(nlp) -> list[Example]:
    return [Example.from_dict(nlp.make_doc(text), {"tags": tags}) for text, tags in SENTENCES]


def trained_tagger(config: Config, steps: int = 40):
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    examples = tagged_examples(nlp)
    fix_random_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallVocabularyWarning)
        nlp.initialize(lambda: examples)
    optimizer = Adam(0.01)
    for _ in range(steps):
        nlp.update(examples, sgd=optimizer)
    return nlp, examples


def tag_accuracy(nlp, examples) -> float:
    return nlp.evaluate(examples)["tag_acc"]


@pytest.mark.parametrize("encoder", ["lexiloom.LSTMEncoder.v1", "lexiloom.GRUEncoder.v1",
                                     "lexiloom.RNNEncoder.v1"])
def test_spacys_tagger_learns_through_a_listener_on_any_registered_encoder(encoder):
    nlp, examples = trained_tagger(shared_config(encoder))
    assert tag_accuracy(nlp, examples) == 1.0


def test_control_an_untrained_tagger_does_not_know_the_tags():
    nlp, examples = trained_tagger(shared_config(), steps=0)
    assert tag_accuracy(nlp, examples) < 1.0


def test_the_tok2vec_is_trained_by_its_listeners_gradients():
    nlp = spacy.util.load_model_from_config(shared_config(), auto_fill=True)
    examples = tagged_examples(nlp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallVocabularyWarning)
        optimizer = nlp.initialize(lambda: examples)
    from lexiloom.spacy.architectures import get_module

    module = get_module(nlp.get_pipe("tok2vec").model)
    before = module.embedding.weight.detach().clone()
    losses: dict[str, float] = {}
    nlp.update(examples, sgd=optimizer, losses=losses)
    # The tagger's output layer starts at zero, so the first update sends no gradient back.
    assert losses["tok2vec"] == 0.0
    nlp.update(examples, sgd=optimizer, losses=losses)
    assert losses["tok2vec"] > 0.0
    assert not numpy.allclose(before.numpy(), module.embedding.weight.detach().numpy())


def test_width_is_the_encoders_output_size_known_when_the_config_is_read():
    for bidirectional, width in ((True, 16), (False, 8)):
        nlp = spacy.util.load_model_from_config(shared_config(bidirectional=bidirectional),
                                                auto_fill=True)
        assert nlp.get_pipe("tok2vec").model.get_dim("nO") == width


def test_one_vector_per_token_independent_of_the_batch():
    nlp, _ = trained_tagger(shared_config(), steps=2)
    model = nlp.get_pipe("tok2vec").model
    docs = [nlp.make_doc("the cat sat"), nlp.make_doc(""), nlp.make_doc("a dog ran very fast")]
    vectors = model.predict(docs)
    assert [v.shape for v in vectors] == [(3, 16), (0, 16), (5, 16)]
    alone = model.predict([docs[0]])[0]
    numpy.testing.assert_allclose(alone, vectors[0], atol=1e-5)


def test_inline_as_one_components_tok2vec():
    config = Config({"nlp": {"lang": "en", "pipeline": ["tagger"]}, "components": {"tagger": {
        "factory": "tagger", "model": {"@architectures": "spacy.Tagger.v2", "nO": None,
                                       "tok2vec": {
            "@architectures": "lexiloom.Tok2Vec.v1",
            "embedder": {"@architectures": "lexiloom.TrainableEmbedder.v1", "dim": 12},
            "encoder": {"@architectures": "lexiloom.GRUEncoder.v1", "hidden_size": 8}}}}}})
    nlp, examples = trained_tagger(config, steps=60)
    assert tag_accuracy(nlp, examples) == 1.0


@pytest.mark.parametrize("pipe", ["parser", "ner", "morphologizer"])
def test_parser_ner_and_morphologizer_run_on_it(pipe):
    nlp = spacy.util.load_model_from_config(shared_config(pipes=(pipe,)), auto_fill=True)
    annotations = {"parser": {"heads": [1, 1, 1, 2, 2, 1],
                              "deps": ["nsubj", "ROOT", "dobj", "cc", "conj", "punct"]},
                   "ner": {"entities": [(7, 13, "GPE"), (18, 24, "GPE")]},
                   "morphologizer": {"morphs": ["Case=Nom", "Tense=Pres", "Number=Sing",
                                                "", "Number=Sing", ""],
                                     "pos": ["PRON", "VERB", "PROPN", "CCONJ", "PROPN",
                                             "PUNCT"]}}[pipe]
    examples = [Example.from_dict(nlp.make_doc("I like London and Berlin."), annotations)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallVocabularyWarning)
        optimizer = nlp.initialize(lambda: examples)
    losses = {}
    for _ in range(3):
        nlp.update(examples, sgd=optimizer, losses=losses)
    assert losses[pipe] > 0 and losses["tok2vec"] > 0
    assert len(nlp("the dog sat")) == 3


def test_saved_pipeline_loads_and_tags_identically(tmp_path):
    nlp, _ = trained_tagger(shared_config(), steps=30)
    docs = [nlp.make_doc(text) for text, _ in SENTENCES]
    before = nlp.get_pipe("tok2vec").model.predict(docs)
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    after = loaded.get_pipe("tok2vec").model.predict([loaded.make_doc(d.text) for d in docs])
    for a, b in zip(before, after, strict=True):
        numpy.testing.assert_allclose(a, b, atol=1e-6)
    assert [t.tag_ for t in loaded("the cat sat")] == ["DET", "NOUN", "VERB"]


def test_vocab_corpus_gives_the_vocabulary_of_the_whole_corpus(tmp_path):
    blank = spacy.blank("en")
    corpus = tmp_path / "train.spacy"
    DocBin(docs=[blank(text) for text in ["the cat sat", "zebra quokka"] * 3]).to_disk(corpus)
    nlp = spacy.util.load_model_from_config(shared_config(vocab_corpus=str(corpus)),
                                            auto_fill=True)
    examples = tagged_examples(nlp)[:1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallVocabularyWarning)  # no warning with a corpus
        nlp.initialize(lambda: examples)
    from lexiloom.spacy.architectures import get_vocab

    vocab = get_vocab(nlp.get_pipe("tok2vec").model)
    assert "quokka" in vocab and "dog" not in vocab


def test_without_vocab_corpus_the_small_sample_vocabulary_is_a_warning():
    nlp = spacy.util.load_model_from_config(shared_config(), auto_fill=True)
    examples = tagged_examples(nlp)
    with pytest.warns(SmallVocabularyWarning, match=r"vocab_corpus = \$\{paths\.train\}"):
        nlp.initialize(lambda: examples)

"""The names lexiloom registers in spaCy, each defined once here (importing this module is cheap:
no spaCy, no torch), so the training, evaluation and prediction code refers to them by import."""

from __future__ import annotations

ARCHITECTURE = "lexiloom.TextClassifier.v1"
"""The wave-1 text classifier architecture (``{name = ...}`` sub-blocks), kept so that pipelines
saved with it load."""

ARCHITECTURE_V2 = "lexiloom.TextClassifier.v2"
"""The text classifier architecture for spaCy's ``textcat``/``textcat_multilabel``/
``lexiloom_sentiment``, with registered, versioned sub-blocks (``lexiloom.LSTMEncoder.v1``)."""

ARCHITECTURE_V3 = "lexiloom.TextClassifier.v3"
"""The text classifier of v2 plus a sparse linear part over hashed token n-grams, trained
together with the recurrent part on the loss of their summed logits."""

ARCHITECTURE_V4 = "lexiloom.TextClassifier.v4"
"""v3 with ``ngram_separate_loss``: its two parts can each learn from their own loss (the
default). What ``lexiloom train`` writes, with one shared loss from scratch and separate losses
with ``--vectors``."""

TOK2VEC = "lexiloom.Tok2Vec.v1"
"""A registered embedder + encoder as a token-to-vector layer for spaCy's ``tok2vec``."""

TEXT_CLASSIFIERS = (ARCHITECTURE, ARCHITECTURE_V2, ARCHITECTURE_V3, ARCHITECTURE_V4)
"""Every version of the text classifier architecture."""

SENTIMENT_FACTORY = "lexiloom_sentiment"
"""The sentiment component's factory."""

GENERATOR_FACTORY = "lexiloom_generator"
"""The language-model (text generation) component's factory."""

CLASSIFIER_FACTORIES = ("textcat", "textcat_multilabel", SENTIMENT_FACTORY)
"""The factories of text classifiers lexiloom trains, scores and predicts with."""

BLOCK_PARTS = (("embedder", "embedders"), ("encoder", "encoders"), ("head", "heads"))
"""A text classifier's sub-blocks, each with the registry it is looked up in."""

CORPUS_READER = "lexiloom.Corpus.v1"
"""The registered ``@readers`` function for labelled corpora in any format lexiloom reads."""

VOCAB_CALLBACK = "lexiloom.vocab_from_corpus.v1"
"""The ``[initialize.before_init]`` callback that builds lexiloom models' vocabularies from the
whole training corpus."""

TEXT_STREAMS_READER = "lexiloom.TextStreams.v1"
"""The registered ``@readers`` function for a generator's training and evaluation text: parallel
streams of token ids in chunks (truncated back-propagation through time)."""

INTERLEAVED_READER = "lexiloom.Interleaved.v1"
"""The ``@readers`` function that interleaves a generator's stream chunks with documents, so a
pipeline with a generator and a ``textcat`` trains both from one corpus."""

STREAM_BATCHER = "lexiloom.stream_batcher.v1"
"""The order-preserving ``@batchers`` function that puts the chunks of one stream position into
one batch."""

ADAM_OPTIMIZER = "lexiloom.Adam.v1"
"""thinc's Adam with clipping by the global gradient norm of each lexiloom torch module."""

SGD_OPTIMIZER = "lexiloom.SGD.v1"
"""thinc's SGD with clipping by the global gradient norm of each lexiloom torch module."""

WARMUP_COSINE = "lexiloom.warmup_cosine.v1"
"""The learning-rate schedule: linear warm-up, then a half cosine to a final rate."""

"""Packaging for lexiloom: the core (``src/``), the built-in plugins (``plugins/``) and the
bundled corpora (``corpora/``, installed as the ``lexiloom_corpora`` data package).

Built-in plugins are registered through the ``lexiloom`` entry-point group exactly like
third-party ones. ``plugins/examples/`` holds separately installable plugin distributions
and is not shipped here.
"""

import os
import re
from pathlib import Path

from setuptools import Extension, find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"',
                    (HERE / "src" / "lexiloom" / "version.py").read_text()).group(1)

PLUGIN_PACKAGES = find_packages("plugins", exclude=["examples", "examples.*"])
PACKAGE_DIR = {"": "src", "lexiloom_corpora": "corpora", "lexiloom_configs": "configs"}
PACKAGE_DIR.update({pkg: "plugins/" + pkg.replace(".", "/") for pkg in PLUGIN_PACKAGES})

# Compiled kernels of built-in plugins. Each is optional: without a C compiler the plugin falls
# back to its pure-Python implementation: the same results, 50-100x slower (docs/performance.md),
# with a warning when it is used. LEXILOOM_REQUIRE_KERNELS=1 (set in CI) makes a kernel that fails
# to build fail the install, and a missing kernel fail at run time (lexiloom.kernels).
REQUIRE_KERNELS = os.environ.get("LEXILOOM_REQUIRE_KERNELS", "") == "1"
KERNELS = {
    "lexiloom_word2vec._kernel": "plugins/lexiloom_word2vec/_kernel.c",
    "lexiloom_glove._kernel": "plugins/lexiloom_glove/_kernel.c",
    "lexiloom_fasttext._kernel": "plugins/lexiloom_fasttext/_kernel.c",
}
# what the Word2Vec and fastText kernels share (generator, vector helpers, buffer checks)
KERNEL_HEADERS = ["plugins/lexiloom_word2vec/kernel_common.h"]
EXTENSIONS = [
    Extension(name, [source], extra_compile_args=["-O3"], optional=not REQUIRE_KERNELS,
              depends=KERNEL_HEADERS)
    for name, source in KERNELS.items()
    if (HERE / source).exists()
]

setup(
    name="lexiloom",
    version=VERSION,
    description="Plugin-based classic neural NLP (word vectors, recurrent networks) for spaCy",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    packages=find_packages("src") + PLUGIN_PACKAGES + ["lexiloom_corpora", "lexiloom_configs"],
    package_dir=PACKAGE_DIR,
    ext_modules=EXTENSIONS,
    package_data={
        "lexiloom": ["py.typed"],
        "lexiloom_word2vec": ["kernel_common.h"],
        "lexiloom_corpora": ["*.md", "*/*.md", "*/*.json", "*/*.jsonl", "*/*.csv", "*/*.txt"],
        "lexiloom_configs": ["*.cfg"],
    },
    install_requires=[
        "torch>=2.1",
        "spacy>=3.7,<4",
        "thinc>=8.2,<9",
        "pluggy>=1.3",
        "click>=8.1",
        "numpy>=1.24",
        "safetensors>=0.4",
        "packaging>=20",
    ],
    extras_require={
        # The oracle tests compare with gensim, scipy and fastText, so the test extra brings them;
        # setuptools>=70.1 builds wheels itself (the plugin-install tests use no build isolation).
        "test": ["pytest>=8", "pytest-randomly>=3.15", "pytest-timeout>=2.3", "hypothesis>=6.80",
                 "ruff>=0.4", "gensim>=4.3.3", "scipy>=1.10", "fasttext>=0.9.2",
                 "setuptools>=70.1", "import-linter>=2.6"],
        "bench": ["gensim>=4.3.3", "scipy>=1.10", "fasttext>=0.9.2"],
    },
    entry_points={
        "console_scripts": ["lexiloom = lexiloom.cli:main"],
        "lexiloom": [
            "tokenizers = lexiloom_tokenizers",
            "readers = lexiloom_readers",
            "embedders = lexiloom_embedders",
            "word2vec = lexiloom_word2vec",
            "glove = lexiloom_glove",
            "fasttext = lexiloom_fasttext",
            "recurrent = lexiloom_recurrent",
            "heads = lexiloom_heads",
        ],
        "spacy_tokenizers": [
            "lexiloom.Tokenizer.v1 = lexiloom.spacy.tokenizer:create_tokenizer",
        ],
        "spacy_architectures": [
            "lexiloom.TextClassifier.v1 = lexiloom.spacy.architectures:text_classifier_v1",
            "lexiloom.TextClassifier.v2 = lexiloom.spacy.architectures:text_classifier_v2",
            "lexiloom.TextClassifier.v3 = lexiloom.spacy.architectures:text_classifier_v3",
            "lexiloom.TextClassifier.v4 = lexiloom.spacy.architectures:text_classifier_v4",
            "lexiloom.Tok2Vec.v1 = lexiloom.spacy.tok2vec:tok2vec_v1",
        ],
        "spacy_factories": [
            "lexiloom_sentiment = lexiloom.spacy.components.factories:make_sentiment",
            "lexiloom_generator = lexiloom.spacy.components.generator_factory:make_generator",
        ],
        "spacy_callbacks": [
            "lexiloom.add_requirements.v1 = lexiloom.spacy.requirements:make_add_requirements",
            "lexiloom.vocab_from_corpus.v1 = lexiloom.spacy.corpus:make_vocab_from_corpus",
            "lexiloom.init_encoder.v1 = lexiloom.spacy.init_encoder:make_init_encoder",
            "lexiloom.gradual_unfreezing.v1 = lexiloom.spacy.init_encoder:make_gradual_unfreezing",
        ],
        "spacy_readers": [
            "lexiloom.Corpus.v1 = lexiloom.spacy.corpus:labelled_corpus_v1",
            "lexiloom.TextStreams.v1 = lexiloom.spacy.text_streams:text_streams_v1",
            "lexiloom.Interleaved.v1 = lexiloom.spacy.text_streams:interleaved_v1",
        ],
        "spacy_batchers": [
            "lexiloom.stream_batcher.v1 = lexiloom.spacy.text_streams:stream_batcher_v1",
        ],
        "thinc_optimizers": [
            "lexiloom.Adam.v1 = lexiloom.spacy.optimizers:adam_v1",
            "lexiloom.SGD.v1 = lexiloom.spacy.optimizers:sgd_v1",
        ],
        "thinc_schedules": [
            "lexiloom.warmup_cosine.v1 = lexiloom.spacy.optimizers:warmup_cosine_v1",
        ],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "License :: OSI Approved :: MIT License",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
        "Topic :: Text Processing :: Linguistic",
    ],
)

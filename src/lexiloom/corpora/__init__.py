"""Corpora: the record type, streaming input, reading any registered format, bundled corpora.

>>> from lexiloom.corpora import read_corpus, corpus_stats
>>> stats = corpus_stats(read_corpus("sentiment/train"))      # doctest: +SKIP
>>> stats.documents, stats.labels                              # doctest: +SKIP

Importing this package does not import spaCy; :func:`convert_to_docbin` does, when called.
"""

from lexiloom.corpora.bundled import BundledCorpus, bundled_corpora, bundled_corpus, bundled_path
from lexiloom.corpora.docbin import DocBinConversion, convert_to_docbin, to_docbin
from lexiloom.corpora.reading import detect_format, open_reader, read_corpus, write_corpus
from lexiloom.corpora.record import BadLines, Record
from lexiloom.corpora.stats import CorpusStats, LengthStats, corpus_stats

__all__ = [
    "BadLines",
    "BundledCorpus",
    "CorpusStats",
    "DocBinConversion",
    "LengthStats",
    "Record",
    "bundled_corpora",
    "bundled_corpus",
    "bundled_path",
    "convert_to_docbin",
    "corpus_stats",
    "detect_format",
    "open_reader",
    "read_corpus",
    "to_docbin",
    "write_corpus",
]

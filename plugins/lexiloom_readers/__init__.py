"""Built-in corpus readers: text, jsonl, csv, tsv, fasttext, labelled, folder and docbin.

Each reader is a class whose instances implement :class:`lexiloom.protocols.CorpusReader`;
its ``extensions`` attribute lets ``read_corpus`` choose it from a file name. The modules import
spaCy only inside the ``docbin`` reader's methods, so loading this plugin stays cheap.
"""

from __future__ import annotations

from typing import Any

import lexiloom
from lexiloom_readers.delimited import DelimitedReader, TsvReader
from lexiloom_readers.docbin import DocBinReader
from lexiloom_readers.fasttext import FastTextReader
from lexiloom_readers.folder import FolderReader
from lexiloom_readers.jsonl import JsonlReader
from lexiloom_readers.labelled import LabelledReader
from lexiloom_readers.text import TextReader

_DELIMITED = {"text_column": "text", "label_column": "label", "header": True,
              "label_separator": "|", "quotechar": '"'}

READERS: dict[str, tuple[type, str, dict[str, Any]]] = {
    "text": (TextReader, "Plain text, one document per line, no labels (.txt).", {}),
    "jsonl": (JsonlReader, "JSON Lines with a text and a label or labels (.jsonl, .ndjson).",
              {"text_field": "text", "label_field": None}),
    "csv": (DelimitedReader, "Comma-separated rows with text and label columns (.csv).",
            {**_DELIMITED, "delimiter": ","}),
    "tsv": (TsvReader, "Tab-separated rows with text and label columns (.tsv).",
            {**_DELIMITED, "delimiter": "\t"}),
    "fasttext": (FastTextReader, "fastText lines: __label__x __label__y text (.ft, .fasttext).",
                 {"label_prefix": "__label__"}),
    "labelled": (LabelledReader, "'<label> <text>' lines, the SST/TREC layout (--format only).",
                 {"label_part": "full", "label_delimiter": ":"}),
    "folder": (FolderReader, "A directory with one sub-folder per label, one file per document.",
               {"pattern": "*.txt"}),
    "docbin": (DocBinReader, "spaCy DocBin files, labels from doc.cats (.spacy; not streaming).",
               {"lang": "en", "threshold": 0.5}),
}


@lexiloom.hookimpl
def register_corpus_readers(register: Any) -> None:
    """Register every built-in reader with its settings and their defaults."""
    for name, (factory, description, defaults) in READERS.items():
        register(name, factory, description=description, defaults=defaults)


__all__ = ["READERS", "register_corpus_readers"]

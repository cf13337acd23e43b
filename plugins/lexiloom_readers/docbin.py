"""``docbin``: spaCy ``DocBin`` files (``.spacy``), the input of ``spacy train``.

Not streaming: a DocBin is one compressed blob, so reading loads the whole file (its docs are
then built one at a time) and writing holds the whole corpus in memory.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from lexiloom.corpora.docbin import blank_nlp, to_docbin, write_docbin
from lexiloom.corpora.record import BadLines, Record
from lexiloom.errors import CorpusError, CorpusFormatError, SettingsError


class DocBinReader:
    """spaCy DocBin files: the text of each doc, and as labels the ``doc.cats`` keys whose score
    is at least ``threshold`` (default 0.5), in ``doc.cats`` order.

    Not streaming (see the module docstring): memory grows with the file. Writing tokenises with
    ``spacy.blank(lang)`` (setting ``lang``, default ``"en"``) and stores in every ``doc.cats``
    all the labels of the corpus, sorted: 1.0 for the record's own, 0.0 for the others. For a
    train/dev split or a lexiloom tokenizer use ``lexiloom corpora convert``.
    """

    extensions: tuple[str, ...] = (".spacy",)

    def __init__(self, lang: str = "en", threshold: float = 0.5) -> None:
        if not isinstance(lang, str) or not lang:
            raise SettingsError(f"docbin setting lang must be a spaCy language code such as "
                                f"'en', not {lang!r}")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not (
                0.0 <= threshold <= 1.0):
            raise SettingsError(f"docbin setting threshold must be a number from 0 to 1, not "
                                f"{threshold!r}")
        self.lang = lang
        self.threshold = float(threshold)

    def read(
        self, path: Path, *, encoding: str = "utf-8", bad_lines: BadLines | None = None
    ) -> Iterator[Record]:
        """Load ``path`` and yield one record per doc (``encoding`` is unused: DocBin is binary)."""
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        path = Path(path)
        try:
            data = path.read_bytes()
            if path.suffix.lower() == ".gz":
                data = gzip.decompress(data)
        except FileNotFoundError:
            raise CorpusError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CorpusError(f"{path}: is a directory, expected a .spacy file") from None
        except (OSError, EOFError, zlib.error) as err:
            raise CorpusError(f"{path}: cannot read: {err}") from None
        try:
            doc_bin = DocBin().from_bytes(data)
        except Exception as err:  # zlib, msgpack and spaCy all raise their own types
            raise CorpusFormatError(path, None, f"not a spaCy DocBin ({type(err).__name__}); "
                                    f"create one with 'lexiloom corpora convert' or "
                                    f"'python -m spacy convert'") from None
        for doc in doc_bin.get_docs(Vocab()):
            labels = tuple(label for label, score in doc.cats.items() if score >= self.threshold)
            yield Record(doc.text, labels)

    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        """Write a DocBin of ``records`` (atomically); return how many."""
        records = list(records)
        write_docbin(to_docbin(records, nlp=blank_nlp(self.lang)), path)
        return len(records)

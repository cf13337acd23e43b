"""Corpus readers take spaCy's ``nlp.max_length`` rule: a record with a longer text is a
malformed record (an error naming the file and the record, or skipped and counted)."""

from __future__ import annotations

import json

import pytest

from lexiloom.corpora import read_corpus
from lexiloom.corpora.record import BadLines
from lexiloom.errors import CorpusFormatError


@pytest.fixture(params=["txt", "jsonl", "csv"])
def corpus(request, tmp_path):
    texts = ["short one", "x" * 50, "after"]
    path = tmp_path / f"c.{request.param}"
    if request.param == "txt":
        path.write_text("\n".join(texts) + "\n")
    elif request.param == "jsonl":
        path.write_text("".join(json.dumps({"text": t, "label": "a"}) + "\n" for t in texts))
    else:
        path.write_text("text,label\n" + "".join(f"{t},a\n" for t in texts))
    return path


def test_a_record_over_max_length_is_named(corpus):
    with pytest.raises(CorpusFormatError, match=r"c\.\w+: record 2 has 50 characters"):
        list(read_corpus(corpus, max_length=49))


def test_it_can_be_skipped_and_counted(corpus):
    bad = BadLines(skip=True)
    assert [r.text for r in read_corpus(corpus, max_length=49, bad_lines=bad)] == \
        ["short one", "after"]
    assert bad.skipped == 1


def test_at_the_limit_and_without_one_every_record_reads(corpus):
    assert len(list(read_corpus(corpus, max_length=50))) == 3
    assert len(list(read_corpus(corpus, max_length=None))) == 3

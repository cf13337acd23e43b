"""The conformance kit's API: the error it raises, skipping checks, resolving names, import cost."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from kit_broken_components import DriftingHead, NonZeroPadEmbedder, OffByOneTokenizer, head_factory

from lexiloom.errors import UnknownComponentError
from lexiloom.testing import (
    CHECKS,
    ConformanceError,
    Fault,
    check_corpus_reader,
    check_embedder,
    check_head,
    check_tokenizer,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "testing.md"


def test_conformance_error_is_an_assertion_error_listing_one_fault_per_line() -> None:
    with pytest.raises(AssertionError) as caught:
        check_embedder(NonZeroPadEmbedder)
    err = caught.value
    assert isinstance(err, ConformanceError)
    assert all(isinstance(f, Fault) and f.check in CHECKS for f in err.faults)
    lines = str(err).splitlines()
    assert lines[0] == f"embedder factory NonZeroPadEmbedder failed {len(err.faults)} " \
                       "conformance check(s):"
    assert lines[1:] == [f"{f.check}: {f.message}" for f in err.faults]
    assert err.checks[0] == "padding"


def test_skip_leaves_the_named_checks_out() -> None:
    check_tokenizer(OffByOneTokenizer, skip=("spans",))
    check_head(head_factory(DriftingHead), skip=["round_trip"])


def test_skipping_an_unknown_check_is_refused_with_the_check_names() -> None:
    with pytest.raises(ValueError, match=r"cannot skip unknown check.*'spam'.*determinism"):
        check_tokenizer("whitespace", skip=("spam",))


def test_a_settings_error_of_the_component_is_reported_under_protocol() -> None:
    with pytest.raises(ConformanceError) as caught:
        check_tokenizer("whitespace", lowercase="maybe")
    assert caught.value.checks == ["protocol"]
    assert "SettingsError" in str(caught.value)


def test_an_unknown_component_name_raises_the_registry_error() -> None:
    with pytest.raises(UnknownComponentError, match="no-such-tokenizer"):
        check_tokenizer("no-such-tokenizer")


def test_something_neither_a_name_nor_a_factory_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="registered tokenizer name or a factory"):
        check_tokenizer(42)


def test_a_registered_factory_passed_directly_is_named_as_registered() -> None:
    from lexiloom_tokenizers.whitespace import WhitespaceTokenizer

    with pytest.raises(ConformanceError, match=r"^tokenizer 'whitespace' failed"):
        check_tokenizer(WhitespaceTokenizer, lowercase=3)


def test_readers_get_their_sample_records_back_from_a_given_sample(tmp_path: Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text("one line\nanother line\n", encoding="utf-8")
    check_corpus_reader("text", sample=sample)


def test_an_empty_sample_is_a_read_write_fault(tmp_path: Path) -> None:
    sample = tmp_path / "empty.txt"
    sample.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ConformanceError, match=r"read_write: the sample .* has no records"):
        check_corpus_reader("text", sample=sample)


def test_importing_the_kit_imports_neither_torch_nor_spacy() -> None:
    code = "import sys, lexiloom.testing; print(sorted(m for m in ('torch', 'spacy') " \
           "if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_every_check_name_is_documented() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), re.M))
    assert documented == set(CHECKS)


def test_a_read_only_reader_is_checked_on_its_sample(tmp_path: Path) -> None:
    from lexiloom_readers.text import TextReader

    class ReadOnlyText(TextReader):
        def write(self, records, path, *, encoding="utf-8"):
            raise NotImplementedError("read-only")

    sample = tmp_path / "sample.txt"
    sample.write_text("one line\nanother line\n", encoding="utf-8")
    check_corpus_reader(ReadOnlyText, sample=sample)

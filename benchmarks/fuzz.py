"""Fuzzing every place text or files enter lexiloom: tokenizers, corpus readers, loaders.

Each target is run for a fixed time with inputs from hypothesis: arbitrary and hostile text
(empty, whitespace only, NUL and control characters, combining marks, emoji, mixed scripts,
lone surrogates, a million repeats of one character, 10 MB documents) and, for files, arbitrary
bytes, invalid UTF-8 and damaged copies of valid files (flipped, inserted, deleted, repeated
and truncated bytes). An input passes when the target returns or raises a documented lexiloom
error (:class:`lexiloom.errors.LexiloomError`); any other exception, or an input that takes
longer than ``--input-seconds``, is a finding, printed with the shrunk input (hypothesis) and
its traceback. The exit status is 1 when there is a finding.

    python benchmarks/fuzz.py                       # every target, 10 minutes each
    python benchmarks/fuzz.py --seconds 20          # as CI runs it (.ci/run)
    python benchmarks/fuzz.py --targets reader:jsonl,tokenizer:regex --seconds 60 --json r.json

The report of the last full run is in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

BIG = 10 * 1024 * 1024
"""A 10 MB document (the issue's hostile size)."""

ODD_CHARACTERS = ("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u00a0\u200b\u200d\u200e\u202e\u2028"
                  "\u2029\ufeff\ufffd\ud800\udfff\u0301\u0308\u0345\u20dd\U0001f600\U0001f44d"
                  "\U0001f3fd\u05d0\u05d1\u0627\u0644\u4e2d\u6587\u0e01\u0915\u094d\u00e9\u0130"
                  "\u0131\ufb01\u00df\u2126\t\n\r \"',;:|_-.#")
PATHOLOGICAL_TEXT = [
    "", " ", "\n\n\n", "\t \r\n \u00a0\u3000", "\x00", "\x00" * 1000, "a" * 1_000_000,
    "é" * 1_000_000, "\u0301" * 100_000, "\U0001f600" * 100_000, ("word " * (BIG // 5)),
    "a" * 999_999 + "\u0301", "\ud800" * 10, "Straße İstanbul ﬁne naïve 中文 עברית العربية",
    "__label__" * 1000, "\u202eevil\u202c", "'" * 100_000, "." * 100_000,
]
TEXTS = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=ODD_CHARACTERS, max_size=200),
    st.sampled_from(PATHOLOGICAL_TEXT),
    st.lists(st.sampled_from([*PATHOLOGICAL_TEXT[:6], "the", "cat", "'s", "n't", "\u0301"]),
             max_size=20).map("".join),
)
INVALID_UTF8 = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80",
                b"\xef\xbb\xbf", b"\x00", b"\r", b"\n", b"\\", b'"', b"\t", b"\x1a"]


def damaged(sample: bytes) -> st.SearchStrategy[bytes]:
    """``sample`` with a few random edits: the inputs most likely to reach deep code."""

    @st.composite
    def edit(draw: st.DrawFn) -> bytes:
        data = bytearray(sample)
        for _ in range(draw(st.integers(1, 4))):
            size = len(data)
            where = draw(st.integers(0, size)) if size else 0
            how = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "truncate"]))
            if how == "flip" and size:
                data[min(where, size - 1)] ^= 1 << draw(st.integers(0, 7))
            elif how == "insert":
                data[where:where] = draw(st.one_of(st.sampled_from(INVALID_UTF8),
                                                   st.binary(max_size=8)))
            elif how == "delete":
                del data[where:where + draw(st.integers(1, 16))]
            elif how == "repeat":
                data[where:where] = bytes(data[where:where + 16]) * draw(st.integers(2, 50))
            elif how == "truncate":
                del data[where:]
        return bytes(data)

    return edit()


def file_bytes(sample: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, hostile text encoded, and damaged copies of the valid ``sample``."""
    return st.one_of(
        st.binary(max_size=400),
        TEXTS.map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from([*INVALID_UTF8, b"a b\n", b"x\n"]), max_size=40).map(b"".join),
        damaged(sample), damaged(sample),
    )


# -- targets ---------------------------------------------------------------------------------------

@dataclass
class Target:
    """Something to fuzz: a strategy of inputs and the call that takes one."""

    name: str
    inputs: st.SearchStrategy[Any]
    run: Callable[[Any], Any]


def tokenizer_target(name: str) -> Target:
    from lexiloom import registry

    tokenizer = registry.tokenizers.create(name)

    def run(text: str) -> None:
        tokenizer.tokenize(text)
        tokenizer.tokenize_batch([text, "ok"])

    return Target(f"tokenizer:{name}", TEXTS, run)


READER_SAMPLES = {
    "text": (".txt", b"a good film\nbad one\n"),
    "jsonl": (".jsonl", b'{"text": "good", "label": "pos"}\n{"text": "bad", "labels": ["neg"]}\n'),
    "csv": (".csv", b'text,label\n"a, good film",pos\nbad,neg\n'),
    "tsv": (".tsv", b"text\tlabel\ngood\tpos\nbad\tneg\n"),
    "fasttext": (".ft", b"__label__pos a good film\n__label__neg __label__x bad\n"),
    "labelled": (".txt", b"1 a good film\n0 a bad one\n"),
}


def reader_target(name: str, work: Path) -> Target:
    from lexiloom.corpora import read_corpus

    suffix, sample = READER_SAMPLES[name]
    path = work / f"reader-{name}{suffix}"

    def run(data: bytes) -> None:
        path.write_bytes(data)
        for _ in read_corpus(path, format=name):
            pass

    return Target(f"reader:{name}", file_bytes(sample), run)


def folder_target(work: Path) -> Target:
    from lexiloom.corpora import read_corpus

    root = work / "folder"
    (root / "pos").mkdir(parents=True, exist_ok=True)

    def run(data: bytes) -> None:
        (root / "pos" / "doc.txt").write_bytes(data)
        for _ in read_corpus(root, format="folder"):
            pass

    return Target("reader:folder", file_bytes(b"a good film\n"), run)


def docbin_target(work: Path) -> Target:
    import spacy
    from spacy.tokens import DocBin

    from lexiloom.corpora import read_corpus

    nlp = spacy.blank("en")
    docs = []
    for text, label in (("a good film", "pos"), ("bad", "neg")):
        doc = nlp(text)
        doc.cats = {"pos": float(label == "pos"), "neg": float(label == "neg")}
        docs.append(doc)
    sample = DocBin(docs=docs, store_user_data=True).to_bytes()
    path = work / "reader.spacy"

    def run(data: bytes) -> None:
        path.write_bytes(data)
        for _ in read_corpus(path, format="docbin"):
            pass

    return Target("reader:docbin", file_bytes(sample), run)


def vectors_target(fmt: str, work: Path) -> Target:
    import numpy as np

    from lexiloom.vectors.formats import read_vectors, write_vectors

    sample_path = work / f"sample-{fmt}"
    write_vectors(sample_path, ["the", "film", "é"], np.eye(3, dtype=np.float32) / 3, fmt,
                  sidecar=False)
    sample = sample_path.read_bytes()
    path = work / f"vectors-{fmt}"

    def run(data: bytes) -> None:
        path.write_bytes(data)
        read_vectors(path, fmt)
        read_vectors(path)                   # and the format detection

    return Target(f"loader:vectors-{fmt}", file_bytes(sample), run)


def fasttext_target(work: Path) -> Target:
    import numpy as np

    from lexiloom.vectors import KeyedVectors, SubwordVectors

    sample_path = work / "sample.bin"
    SubwordVectors(["the", "film", "é"], np.eye(3, dtype=np.float32) / 3,
                   np.ones((5, 3), np.float32), minn=2, maxn=3, counts=[3, 2, 1]
                   ).save(sample_path)
    sample = sample_path.read_bytes()
    path = work / "vectors.bin"

    def run(data: bytes) -> None:
        path.write_bytes(data)
        KeyedVectors.load(path)              # detection by the magic number
        SubwordVectors.load_fasttext(path)

    return Target("loader:vectors-fasttext", file_bytes(sample), run)


def manifest_target(work: Path) -> Target:
    from lexiloom import manifest

    folder = work / "manifest"
    folder.mkdir(exist_ok=True)
    (folder / "weights.bin").write_bytes(b"0123456789")
    manifest.write(folder, ["weights.bin"])
    sample = (folder / manifest.MANIFEST).read_bytes()

    def run(data: bytes) -> None:
        (folder / manifest.MANIFEST).write_bytes(data)
        manifest.verify(folder)

    return Target("loader:manifest", file_bytes(sample), run)


def vocab_target(work: Path) -> Target:
    from lexiloom.vocab import Vocab

    path = work / "vocab.json"
    Vocab.build([["a", "good", "film"], ["a", "bad", "one"]]).to_disk(path)
    sample = path.read_bytes()

    def run(data: bytes) -> None:
        path.write_bytes(data)
        Vocab.from_disk(path)

    return Target("loader:vocab", file_bytes(sample), run)


def model_bytes_target() -> Target:
    import torch

    from lexiloom.spacy.serialize import deserialize_model, serialize_model
    from lexiloom.spacy.torch_module import build_module
    from lexiloom.vocab import Vocab

    spec = {"embedder": {"name": "trainable", "dim": 4}, "encoder": {"name": "gru",
            "hidden_size": 4}, "head": {"name": "classification", "pooling": "max"},
            "exclusive": True, "vocab": {"min_count": 1, "max_size": None, "attr": "norm"}}
    vocab = Vocab.build([["a", "good", "film"], ["a", "bad", "one"]])
    sample = serialize_model(build_module(spec, vocab, 2))

    def run(data: bytes) -> None:
        deserialize_model(None, data, torch.device("cpu"))

    return Target("loader:model-bytes", file_bytes(sample), run)


def all_targets(work: Path) -> list[Target]:
    targets = [tokenizer_target(name) for name in ("whitespace", "regex", "char", "spacy")]
    targets += [reader_target(name, work) for name in READER_SAMPLES]
    targets += [folder_target(work), docbin_target(work)]
    targets += [vectors_target(fmt, work) for fmt in ("word2vec", "word2vec-binary", "glove")]
    targets += [fasttext_target(work), manifest_target(work), vocab_target(work),
                model_bytes_target()]
    return targets


# -- running -----------------------------------------------------------------------------------

class InputTimeout(Exception):
    """One input ran longer than --input-seconds."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise InputTimeout(f"an input ran longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Result:
    target: str
    seconds: float = 0.0
    inputs: int = 0
    documented_errors: int = 0
    findings: list[str] = field(default_factory=list)


def fuzz(target: Target, seconds: float, input_seconds: float, first_seed: int) -> Result:
    from lexiloom.errors import LexiloomError

    result = Result(target.name)
    started = time.perf_counter()

    @settings(max_examples=50, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(target.inputs)
    def one(data: Any) -> None:
        result.inputs += 1
        try:
            with time_limit(input_seconds):
                target.run(data)
        except LexiloomError:
            result.documented_errors += 1

    round_number = 0
    while time.perf_counter() - started < seconds and not result.findings:
        try:
            seed(first_seed + round_number)(one)()
        except Exception as err:  # a finding: hypothesis re-raises it on the shrunk input
            result.findings.append("".join(traceback.format_exception(err)[-12:]))
        round_number += 1
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="Time per target.")
    parser.add_argument("--input-seconds", type=float, default=60.0,
                        help="The longest one input may take before it counts as a finding.")
    parser.add_argument("--targets", default="", help="Comma-separated names (default: all).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--list", action="store_true", help="List the targets and exit.")
    parser.add_argument("--json", type=Path, help="Also write the results as JSON here.")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)        # the readers' notes on damaged input, by the thousand
    warnings.filterwarnings("ignore", category=HypothesisWarning)   # large reprs of 10 MB inputs
    with tempfile.TemporaryDirectory(prefix="lexiloom-fuzz-") as tmp:
        targets = all_targets(Path(tmp))
        if args.list:
            print("\n".join(t.name for t in targets))
            return 0
        wanted = {name for name in args.targets.split(",") if name}
        unknown = wanted - {t.name for t in targets}
        if unknown:
            parser.error(f"unknown targets {sorted(unknown)}; --list shows them")
        results = []
        for target in targets:
            if wanted and target.name not in wanted:
                continue
            result = fuzz(target, args.seconds, args.input_seconds, args.seed)
            results.append(result)
            status = f"{len(result.findings)} FINDING" if result.findings else "ok"
            print(f"{result.target:28} {result.seconds:7.1f} s {result.inputs:8,} inputs "
                  f"{result.documented_errors:8,} lexiloom errors  {status}", flush=True)
            for finding in result.findings:
                print(finding, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=1))
    return 1 if any(r.findings for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

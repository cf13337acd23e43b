"""``lexiloom corpora convert --resume``: tokenised chunks are saved as they are done; a
conversion killed with SIGKILL at seeded random chunk counts (three kills) and resumed writes
the same documents as an uninterrupted one; a chunk that fails its checksum is an error naming it;
other options, or nothing to resume, are one-line errors."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexiloom.cli import cli
from lexiloom.corpora.docbin import checkpoint_dir

CODE = "import sys; from lexiloom.cli import main; sys.argv[0] = 'lexiloom'; main()"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    rng = random.Random(3)
    words = ["good", "bad", "film", "plot", "actor", "boring", "great", "it's", "(really)"]
    path = tmp_path_factory.mktemp("convert") / "reviews.jsonl"
    with path.open("w") as out:
        for i in range(6000):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 40)))
            out.write(f'{{"text": "{text} #{i}", "label": "{rng.choice(["pos", "neg"])}"}}\n')
    return path


def _docs(path: Path) -> list[tuple[str, list[str], dict]]:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    return [(doc.text, [t.text for t in doc], doc.cats)
            for doc in DocBin().from_disk(path).get_docs(nlp.vocab)]


def _args(corpus: Path, out: Path, *extra: str) -> list[str]:
    return ["corpora", "convert", str(corpus), str(out), "--dev", str(out.with_suffix(".dev")),
            "--chunk-size", "300", *extra]


@pytest.mark.slow
def test_killed_three_times_and_resumed_writes_the_same_documents(corpus, tmp_path):
    full = tmp_path / "full.spacy"
    result = CliRunner().invoke(cli, _args(corpus, full))
    assert result.exit_code == 0, result.output
    out = tmp_path / "killed.spacy"
    targets = sorted(random.Random(19).sample(range(1, 20), 3))   # of 20 chunks (18 + 2 dev)
    chunks_seen = []
    for target in targets:
        resume = any(checkpoint_dir(out).glob("*.spacy"))
        proc = subprocess.Popen([sys.executable, "-c", CODE, *_args(
            corpus, out, *(["--resume"] if resume else []))], stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while len(list(checkpoint_dir(out).glob("*.spacy"))) < target and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not out.exists() or _docs(out)          # never half-written
        chunks_seen.append(len(list(checkpoint_dir(out).glob("*.spacy"))))
    assert sum(0 < n < 20 for n in chunks_seen) >= 2, chunks_seen
    if checkpoint_dir(out).is_dir() or not out.exists():
        resume = any(checkpoint_dir(out).glob("*.spacy"))
        result = CliRunner().invoke(cli, _args(corpus, out, *(["--resume"] if resume else [])))
        assert result.exit_code == 0, result.output
    assert _docs(out) == _docs(full)
    assert _docs(out.with_suffix(".dev")) == _docs(full.with_suffix(".dev"))
    assert not checkpoint_dir(out).exists()


def test_resume_reuses_whole_chunks_and_rejects_a_damaged_one(corpus, tmp_path):
    out = tmp_path / "c.spacy"
    folder = checkpoint_dir(out)
    full = tmp_path / "full.spacy"
    assert CliRunner().invoke(cli, _args(corpus, full)).exit_code == 0
    # leave a checkpoint as a killed run would: the fingerprint and the first chunks
    from lexiloom.corpora import docbin

    real = docbin.write_docbin
    docbin.write_docbin = lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            docbin.convert_to_docbin(corpus, out, dev_path=out.with_suffix(".dev"),
                                     chunk_size=300)
    finally:
        docbin.write_docbin = real
    chunks = sorted(folder.glob("train-*.spacy"))
    assert len(chunks) == 18                   # 5,400 training docs / 300
    chunks[-1].unlink()                        # as if killed while writing it
    made = []
    real_to_docbin = docbin.to_docbin

    def counting(records, **kwargs):
        made.append(len(records))
        return real_to_docbin(records, **kwargs)

    docbin.to_docbin = counting
    try:
        result = CliRunner().invoke(cli, _args(corpus, out, "--resume"))
    finally:
        docbin.to_docbin = real_to_docbin
    assert result.exit_code == 0, result.output
    assert made == [300, 300, 300]            # the lost train chunk and the two dev chunks
    assert _docs(out) == _docs(full)
    # a damaged chunk is named, not used
    with pytest.raises(KeyboardInterrupt):
        docbin.write_docbin = lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt)
        try:
            docbin.convert_to_docbin(corpus, out, dev_path=out.with_suffix(".dev"),
                                     chunk_size=300)
        finally:
            docbin.write_docbin = real
    chunk = sorted(folder.glob("train-*.spacy"))[4]
    data = bytearray(chunk.read_bytes())
    data[len(data) // 2] ^= 1
    chunk.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, _args(corpus, out, "--resume"))
    assert result.exit_code != 0 and chunk.name in result.output


def test_resume_with_other_options_or_nothing_to_resume_is_one_line(corpus, tmp_path):
    out = tmp_path / "c.spacy"
    result = CliRunner().invoke(cli, _args(corpus, out, "--resume"))
    assert result.exit_code != 0 and "nothing to resume" in result.output
    checkpoint_dir(out).mkdir()
    (checkpoint_dir(out) / "fingerprint.json").write_text('{"seed": 99}')
    result = CliRunner().invoke(cli, _args(corpus, out, "--resume"))
    assert result.exit_code != 0 and "is of another conversion" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("chunk_size", "chunks"), [(300, 18), (1000, 6)])
def test_chunk_size_sets_how_many_documents_each_checkpoint_chunk_holds(corpus, tmp_path,
                                                                         chunk_size, chunks):
    from lexiloom.corpora import docbin

    out = tmp_path / "c.spacy"
    real = docbin.write_docbin
    docbin.write_docbin = lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            docbin.convert_to_docbin(corpus, out, dev_path=out.with_suffix(".dev"),
                                     chunk_size=chunk_size)
    finally:
        docbin.write_docbin = real
    assert len(list(checkpoint_dir(out).glob("train-*.spacy"))) == chunks   # of 5,400 docs


@pytest.mark.parametrize("bad", [0, -5, "10", True])
def test_a_chunk_size_that_is_not_a_positive_count_is_a_settings_error(corpus, tmp_path, bad):
    from lexiloom.corpora.docbin import convert_to_docbin
    from lexiloom.errors import SettingsError

    with pytest.raises(SettingsError, match="chunk_size"):
        convert_to_docbin(corpus, tmp_path / "c.spacy", chunk_size=bad)

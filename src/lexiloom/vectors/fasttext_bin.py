"""fastText's ``.bin`` model file (format version 12), for unsupervised models: written so that
``fasttext.load_model`` and gensim's ``load_facebook_vectors`` read it, and read back.

Layout (native byte order, as fastText writes it; little-endian everywhere it runs):

1. ``int32`` magic 793712314, ``int32`` version 12;
2. the arguments (``Args::save``): ``int32`` dim, ws, epoch, minCount, neg, wordNgrams, loss
   (2 = negative sampling), model (1 = cbow, 2 = skip-gram), bucket, minn, maxn, lrUpdateRate,
   then ``float64`` t (the subsampling threshold);
3. the dictionary: ``int32`` size, nwords, nlabels; ``int64`` ntokens, pruneidx_size (-1: none);
   per word its UTF-8 bytes, a NUL byte, ``int64`` count and ``int8`` type (0 = word);
4. ``bool`` quantised input (0), the input matrix: ``int64`` rows (words + bucket), ``int64``
   dim, then the rows as float32 (the words' own rows, then the n-gram buckets);
5. ``bool`` quantised output (0), the output matrix: ``int64`` rows, dim, float32 rows.

Writes are atomic, with a ``PATH.sha256`` sidecar that :func:`load` checks when present.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from lexiloom import atomic, manifest
from lexiloom.errors import ModelFileError

if TYPE_CHECKING:
    from lexiloom.vectors.subwords import SubwordVectors

MAGIC = 793712314
VERSION = 12
LOSS_NEGATIVE_SAMPLING = 2
MODEL_CBOW, MODEL_SKIPGRAM = 1, 2
_ARGS = struct.Struct("<12id")
_ARG_NAMES = ("dim", "ws", "epoch", "min_count", "neg", "word_ngrams", "loss", "model",
              "bucket", "minn", "maxn", "lr_update_rate", "t")


def save(vectors: SubwordVectors, path: str | os.PathLike[str]) -> None:
    """Write ``vectors`` (its settings fill the arguments fastText keeps) as a ``.bin``."""
    path = Path(path)
    s = vectors.settings
    output = vectors.output
    if output is None:
        output = np.zeros((len(vectors), vectors.dim), dtype=np.float32)
    args = (vectors.dim, int(s.get("window", 5)), int(s.get("epochs", 5)),
            int(s.get("min_count", 5)), int(s.get("negative", 5)), 1, LOSS_NEGATIVE_SAMPLING,
            MODEL_SKIPGRAM if s.get("sg", True) else MODEL_CBOW, vectors.bucket, vectors.minn,
            vectors.maxn, 100, float(s.get("sample", 1e-4)))
    counts = vectors.counts or [0] * len(vectors)
    with atomic.atomic_path(path) as tmp, open(tmp, "wb") as out:
        out.write(struct.pack("<2i", MAGIC, VERSION))
        out.write(_ARGS.pack(*args))
        out.write(struct.pack("<3i2q", len(vectors), len(vectors), 0, int(sum(counts)), -1))
        for word, count in zip(vectors.index_to_key, counts, strict=True):
            encoded = word.encode("utf-8")
            if b"\0" in encoded:
                raise ModelFileError(f"cannot write {path}: word {word!r} contains a NUL byte")
            out.write(encoded + b"\0" + struct.pack("<qb", int(count), 0))
        _write_matrix(out, [vectors.word_rows, vectors.ngram_vectors])
        _write_matrix(out, [np.asarray(output, dtype=np.float32)])
        manifest.remove_sidecar(path)
    with atomic.atomic_path(manifest.sidecar_path(path)) as tmp:
        tmp.write_text(manifest.sidecar_text(path), encoding="utf-8")


def _write_matrix(out: IO[bytes], parts: list[np.ndarray]) -> None:
    rows = sum(p.shape[0] for p in parts)
    out.write(struct.pack("<?2q", False, rows, parts[0].shape[1]))
    for part in parts:
        out.write(np.ascontiguousarray(part, dtype="<f4").tobytes())


def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a fastText ``.bin`` of an unsupervised, unquantised model: the keyword arguments of
    :class:`~lexiloom.vectors.subwords.SubwordVectors` (``words``, ``word_rows``,
    ``ngram_vectors``, ``minn``, ``maxn``, ``counts``, ``output``, ``settings``)."""
    path = Path(path)
    manifest.verify_sidecar(path)  # when there is one: a changed file is a ModelFileError
    try:
        with open(path, "rb") as fh:
            return _read(fh, path)
    except (struct.error, UnicodeDecodeError, ValueError) as err:
        raise ModelFileError(f"{path}: not a readable fastText .bin ({err})") from None
    except OSError as err:
        raise ModelFileError(f"cannot read {path}: {err.strerror or err}") from None


def _read(fh: IO[bytes], path: Path) -> dict[str, Any]:
    magic, version = struct.unpack("<2i", _exact(fh, 8))
    if magic != MAGIC or version > VERSION:
        raise ModelFileError(f"{path}: not a fastText .bin (magic {magic}, version {version})")
    args = dict(zip(_ARG_NAMES, _ARGS.unpack(_exact(fh, _ARGS.size)), strict=True))
    size, nwords, nlabels, _ntokens, prune = struct.unpack("<3i2q", _exact(fh, 28))
    if nlabels or size != nwords:
        raise ModelFileError(f"{path}: a supervised fastText model ({nlabels} labels); only "
                             "word vectors (unsupervised models) can be read")
    words, counts = [], []
    for _ in range(size):
        raw = bytearray()
        while (byte := fh.read(1)) != b"\0":
            if not byte:
                raise ModelFileError(f"{path}: ends inside the dictionary")
            raw += byte
        count, _kind = struct.unpack("<qb", _exact(fh, 9))
        words.append(raw.decode("utf-8", errors="backslashreplace"))  # as gensim reads them
        counts.append(count)
    if prune > 0:
        _exact(fh, 8 * prune)
    matrices = []
    for which in ("input", "output"):
        (quantised,) = struct.unpack("<?", _exact(fh, 1))
        if quantised:
            raise ModelFileError(f"{path}: a quantised fastText model (.ftz); only full "
                                 "models can be read")
        rows, dim = struct.unpack("<2q", _exact(fh, 16))
        data = np.frombuffer(_exact(fh, rows * dim * 4), dtype="<f4")
        matrices.append(data.reshape(rows, dim).astype(np.float32))
        if which == "input" and rows != size + args["bucket"]:
            raise ModelFileError(f"{path}: {rows} input rows for {size} words and "
                                 f"{args['bucket']} buckets")
    inputs, output = matrices
    settings = {"dim": args["dim"], "window": args["ws"], "epochs": args["epoch"],
                "min_count": args["min_count"], "negative": args["neg"],
                "sg": args["model"] == MODEL_SKIPGRAM, "sample": args["t"],
                "bucket": args["bucket"], "minn": args["minn"], "maxn": args["maxn"]}
    return {"words": words, "word_rows": inputs[:size], "ngram_vectors": inputs[size:],
            "minn": args["minn"], "maxn": args["maxn"], "counts": counts, "output": output,
            "settings": settings}


def is_fasttext(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` starts like a fastText ``.bin`` (its magic number)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return len(head) == 4 and struct.unpack("<i", head)[0] == MAGIC


def _exact(fh: IO[bytes], n: int) -> bytes:
    left = os.fstat(fh.fileno()).st_size - fh.tell() if hasattr(fh, "fileno") else n
    if n < 0 or n > left:  # checked before reading: a damaged count must not allocate
        raise ModelFileError(f"{getattr(fh, 'name', 'file')}: ends early (wanted {n} more "
                             f"bytes, {max(left, 0)} left)")
    data = fh.read(n)
    if len(data) != n:
        raise ModelFileError(f"{getattr(fh, 'name', 'file')}: ends early (wanted {n} more bytes)")
    return data

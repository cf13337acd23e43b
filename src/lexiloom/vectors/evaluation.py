"""Intrinsic evaluation of word vectors: analogies (Google format) and word-pair similarity.

Both follow gensim's ``evaluate_word_analogies`` / ``evaluate_word_pairs`` exactly (the same
questions skipped, the same 3CosAdd prediction, the same correlations), so scores are comparable
with published gensim numbers. Pearson and Spearman (ties get their average rank) are computed
with numpy; scipy is not needed.

gensim ships the standard test files (``questions-words.txt``, ``wordsim353.tsv``);
:func:`gensim_test_data` finds them when gensim is installed (``pip install lexiloom[bench]``).
"""

from __future__ import annotations

import importlib.util
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lexiloom.errors import ModelFileError, SettingsError

if TYPE_CHECKING:
    from lexiloom.vectors.keyed import KeyedVectors

ANALOGIES_FILE = "questions-words.txt"
WORD_PAIRS_FILE = "wordsim353.tsv"
_BATCH = 512
_CANDIDATES = 5  # gensim looks at the 5 best answers for the first one that is not a question word


@dataclass
class AnalogySection:
    """One ``: name`` section of an analogy file: questions answered right and wrong."""

    name: str
    correct: int = 0
    incorrect: int = 0

    @property
    def total(self) -> int:
        """Questions evaluated (in-vocabulary)."""
        return self.correct + self.incorrect

    @property
    def accuracy(self) -> float:
        """``correct / total`` (0.0 for a section with no evaluated question)."""
        return self.correct / self.total if self.total else 0.0


@dataclass
class AnalogyResult:
    """The outcome of :func:`evaluate_word_analogies`.

    ``accuracy`` is gensim's overall score (correct / evaluated); ``skipped`` counts questions with
    a word outside the restricted vocabulary (not evaluated), ``invalid`` lines that are not four
    words.
    """

    accuracy: float
    correct: int
    total: int
    skipped: int
    invalid: int = 0
    sections: list[AnalogySection] = field(default_factory=list)

    @property
    def oov_ratio(self) -> float:
        """The fraction of questions skipped for out-of-vocabulary words."""
        asked = self.total + self.skipped
        return self.skipped / asked if asked else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (sections with their accuracies)."""
        data = asdict(self)
        data["oov_ratio"] = self.oov_ratio
        data["sections"] = [{**asdict(s), "total": s.total, "accuracy": s.accuracy}
                            for s in self.sections]
        return data


@dataclass
class WordPairsResult:
    """The outcome of :func:`evaluate_word_pairs`: correlations of the model's cosine with the
    human scores over the ``pairs`` evaluated; ``skipped`` pairs had an unknown word;
    ``oov_ratio`` is ``skipped / (pairs + skipped)`` (a fraction; gensim reports it in percent).
    """

    pearson: float
    spearman: float
    pairs: int
    skipped: int
    invalid: int = 0

    @property
    def oov_ratio(self) -> float:
        """The fraction of pairs skipped for out-of-vocabulary words."""
        asked = self.pairs + self.skipped
        return self.skipped / asked if asked else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (NaN correlations become ``None``)."""
        data = asdict(self)
        data["oov_ratio"] = self.oov_ratio
        for key in ("pearson", "spearman"):
            if math.isnan(data[key]):
                data[key] = None
        return data


def gensim_test_data(name: str) -> Path | None:
    """The path of gensim's bundled test file ``name`` (e.g. ``"questions-words.txt"``), or
    ``None`` when gensim is not installed. gensim itself is not imported."""
    try:
        spec = importlib.util.find_spec("gensim")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "test" / "test_data" / name
        if candidate.is_file():
            return candidate
    return None


def _ok_vocab(kv: KeyedVectors, restrict_vocab: int | None, case_insensitive: bool
              ) -> dict[str, int]:
    """The searchable words (first ``restrict_vocab``), upper-cased when case-insensitive; the
    first (most frequent) of several case variants wins, as in gensim."""
    if restrict_vocab is not None and (isinstance(restrict_vocab, bool) or restrict_vocab < 0):
        raise SettingsError(f"restrict_vocab must be a non-negative integer, not "
                            f"{restrict_vocab!r}")
    keys = kv.index_to_key[:restrict_vocab]
    vocab: dict[str, int] = {}
    for index, key in enumerate(keys):
        vocab.setdefault(key.upper() if case_insensitive else key, index)
    return vocab


def _read_lines(path: str | os.PathLike[str], encoding: str = "utf-8") -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such evaluation file; check the path")
    try:
        return path.read_text(encoding=encoding, errors="strict").splitlines()
    except UnicodeDecodeError as err:
        raise ModelFileError(f"{path}: not {encoding} text ({err.reason} at byte {err.start}); "
                             "pass a UTF-8 file") from None
    except OSError as err:
        raise ModelFileError(f"{path}: cannot read: {err.strerror or err}") from None


def evaluate_word_analogies(
    kv: KeyedVectors,
    path: str | os.PathLike[str],
    *,
    restrict_vocab: int = 30000,
    case_insensitive: bool = True,
) -> AnalogyResult:
    """Score ``kv`` on a Google-format analogy file (``: section`` lines, then ``a b c d`` lines
    meaning a is to b as c is to d).

    As gensim: only the first ``restrict_vocab`` words are searched and questions with a word
    outside them are skipped; the answer is the best 3CosAdd candidate (nearest to b - a + c)
    that is not a question word. ``case_insensitive`` compares upper-cased words.
    """
    ok_vocab = _ok_vocab(kv, restrict_vocab, case_insensitive)
    sections: list[AnalogySection] = []
    questions: list[tuple[AnalogySection, tuple[str, str, str, str]]] = []
    skipped = invalid = 0
    for number, line in enumerate(_read_lines(path), start=1):
        if line.startswith(": "):
            sections.append(AnalogySection(line.lstrip(": ").strip()))
            continue
        if not sections:
            raise ModelFileError(f"{path}, line {number}: a question before the first "
                                 "': section' line; start the file with a section header")
        words = line.split()
        if not words:
            continue
        if len(words) != 4:
            invalid += 1
            continue
        if case_insensitive:
            words = [w.upper() for w in words]
        a, b, c, expected = words
        if any(w not in ok_vocab for w in words):
            skipped += 1
            continue
        questions.append((sections[-1], (a, b, c, expected)))
    for start in range(0, len(questions), _BATCH):
        batch = questions[start:start + _BATCH]
        predictions = _predict(kv, ok_vocab, [q for _, q in batch], case_insensitive,
                               len(kv.index_to_key[:restrict_vocab]))
        for (section, question), predicted in zip(batch, predictions, strict=True):
            if predicted == question[3]:
                section.correct += 1
            else:
                section.incorrect += 1
    correct = sum(s.correct for s in sections)
    total = sum(s.total for s in sections)
    return AnalogyResult(accuracy=correct / total if total else 0.0, correct=correct,
                         total=total, skipped=skipped, invalid=invalid, sections=sections)


def _predict(kv: KeyedVectors, ok_vocab: dict[str, int],
             questions: list[tuple[str, str, str, str]], case_insensitive: bool,
             end: int) -> list[str | None]:
    """gensim's answer to each question: among the 5 nearest words to the normalised
    mean of (b, c, -a) that are not a, b or c themselves (by row), the first whose (upper-cased)
    form is not a question word either; else the last of the 5."""
    normed = kv.normed_vectors()
    rows = np.array([[ok_vocab[a], ok_vocab[b], ok_vocab[c]] for a, b, c, _ in questions])
    mean = (normed[rows[:, 1]].astype(np.float64) + normed[rows[:, 2]]
            - normed[rows[:, 0]]) / 3.0
    lengths = np.linalg.norm(mean, axis=1, keepdims=True)
    mean = (mean / np.where(lengths == 0, 1.0, lengths)).astype(np.float32)
    dists = (mean @ kv.vectors[:end].T) / kv.norms()[:end]
    np.put_along_axis(dists, rows, -np.inf, axis=1)
    everyone = np.arange(len(questions))
    best = np.empty((len(questions), min(_CANDIDATES, end)), dtype=np.int64)
    for rank in range(best.shape[1]):  # a few argmax passes beat a full partition
        best[:, rank] = np.argmax(dists, axis=1)
        best_scores = dists[everyone, best[:, rank]]
        best[~np.isfinite(best_scores), rank] = -1
        dists[everyone, best[:, rank]] = -np.inf
    answers: list[str | None] = []
    for i, (a, b, c, _) in enumerate(questions):
        ignore = {a, b, c}
        predicted: str | None = None
        for index in best[i]:
            if index < 0:
                break
            word = kv.index_to_key[index]
            predicted = word.upper() if case_insensitive else word
            if predicted not in ignore:
                break
        answers.append(predicted)
    return answers


def evaluate_word_pairs(
    kv: KeyedVectors,
    path: str | os.PathLike[str],
    *,
    delimiter: str = "\t",
    restrict_vocab: int = 300000,
    case_insensitive: bool = True,
) -> WordPairsResult:
    """Correlate ``kv``'s cosine similarities with human scores in a ``word1<TAB>word2<TAB>score``
    file (lines starting with ``#`` are comments), as gensim does: pairs with a word outside the
    first ``restrict_vocab`` words are skipped; lines that are not three fields with a numeric
    score are counted as ``invalid``. Raises ModelFileError when no pair can be evaluated."""
    ok_vocab = _ok_vocab(kv, restrict_vocab, case_insensitive)
    gold: list[float] = []
    model: list[float] = []
    skipped = invalid = 0
    normed = kv.normed_vectors()
    for line in _read_lines(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split(delimiter)
        try:
            a, b, raw = fields
            score = float(raw)
        except ValueError:
            invalid += 1
            continue
        if case_insensitive:
            a, b = a.upper(), b.upper()
        if a not in ok_vocab or b not in ok_vocab:
            skipped += 1
            continue
        gold.append(score)
        model.append(float(np.dot(normed[ok_vocab[a]], normed[ok_vocab[b]])))
    if not gold:
        raise ModelFileError(
            f"{path}: no word pair could be evaluated ({skipped} out of vocabulary, {invalid} "
            "malformed lines); expected 'word1<TAB>word2<TAB>score' lines with words the "
            "vectors know")
    return WordPairsResult(pearson=pearson(gold, model), spearman=spearman(gold, model),
                           pairs=len(gold), skipped=skipped, invalid=invalid)


def pearson(x: Any, y: Any) -> float:
    """Pearson's correlation coefficient (NaN when either side is constant)."""
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise SettingsError("pearson needs two sequences of the same length, at least 2")
    a = a - a.mean()
    b = b - b.mean()
    scale_a, scale_b = float(np.abs(a).max()), float(np.abs(b).max())
    if scale_a == 0 or scale_b == 0:
        return float("nan")
    a /= scale_a  # scaling first keeps tiny deviations from underflowing when squared
    b /= scale_b
    denominator = math.sqrt(float(np.dot(a, a)) * float(np.dot(b, b)))
    return max(-1.0, min(1.0, float(np.dot(a, b)) / denominator))


def rank_average(values: Any) -> np.ndarray:
    """Ranks starting at 1, tied values sharing the average of their ranks (scipy's
    ``rankdata(method="average")``)."""
    data = np.asarray(values, dtype=np.float64)
    order = np.argsort(data, kind="mergesort")
    ordered = data[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(data)]
    averages = (starts + ends + 1) / 2.0  # mean of ranks start+1 .. end
    ranks = np.empty(len(data), dtype=np.float64)
    ranks[order] = np.repeat(averages, ends - starts)
    return ranks


def spearman(x: Any, y: Any) -> float:
    """Spearman's rank correlation: Pearson on average ranks (ties averaged)."""
    return pearson(rank_average(x), rank_average(y))

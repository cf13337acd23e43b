"""Analogy and word-pair evaluation: equal to gensim's numbers on the same vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import reference

from lexiloom.errors import ModelFileError
from lexiloom.vectors import KeyedVectors
from lexiloom.vectors.evaluation import (
    ANALOGIES_FILE,
    WORD_PAIRS_FILE,
    gensim_test_data,
    pearson,
    rank_average,
    spearman,
)

from .planted import planted_vectors

ANALOGY_TEXT = """\
: family
man king woman queen
man woman boy girl
queen king girl boy
boy girl king queen
MAN KING WOMAN QUEEN
man king woman unicorn
: topics
cat dog car truck
apple pear bus train
short line
"""

PAIRS_TEXT = """\
# word1\tword2\tscore
cat\tdog\t8.5
car\ttruck\t8.0
cat\tcar\t1.0
apple\tpear\t7.5
apple\tbus\t0.5
plum\tgrape\t7.5
zebra\tcat\t6.0
broken line
king\tqueen\tseven
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    analogies = tmp_path / "analogies.txt"
    pairs = tmp_path / "pairs.tsv"
    analogies.write_text(ANALOGY_TEXT)
    pairs.write_text(PAIRS_TEXT)
    return analogies, pairs


def test_analogy_sections_and_skipped_questions_are_counted(files: tuple[Path, Path]) -> None:
    result = planted_vectors().evaluate_word_analogies(files[0])
    family, topics = result.sections
    assert (family.name, family.correct, family.total) == ("family", 5, 5)
    assert topics.name == "topics" and topics.total == 2
    assert result.skipped == 1 and result.invalid == 1
    assert result.total == 7 and result.accuracy == pytest.approx(result.correct / 7)
    assert result.oov_ratio == pytest.approx(1 / 8)
    assert json.loads(json.dumps(result.to_dict()))["sections"][0]["accuracy"] == 1.0


def test_case_sensitive_analogies_skip_upper_case_questions(files: tuple[Path, Path]) -> None:
    result = planted_vectors().evaluate_word_analogies(files[0], case_insensitive=False)
    assert result.skipped == 2 and result.sections[0].total == 4


def test_word_pairs_report_correlations_and_oov(files: tuple[Path, Path]) -> None:
    result = planted_vectors().evaluate_word_pairs(files[1])
    assert result.pairs == 6 and result.skipped == 1 and result.invalid == 2
    assert result.pearson > 0.7 and result.spearman > 0.3
    control = KeyedVectors(planted_vectors().index_to_key,
                           np.random.default_rng(3).standard_normal((21, 32)))
    assert control.evaluate_word_pairs(files[1]).pearson < 0.7
    assert result.oov_ratio == pytest.approx(1 / 7)


def _gensim_copy(kv: KeyedVectors):
    models = reference("gensim.models")
    theirs = models.KeyedVectors(kv.dim)
    theirs.add_vectors(kv.index_to_key, kv.vectors)
    return theirs


def _benchmark_like_vectors() -> KeyedVectors:
    """Random vectors over most words of gensim's test files, in both cases, some missing, so
    that sections, case folding, OOV skipping and restrict_vocab all matter."""
    questions = gensim_test_data(ANALOGIES_FILE)
    pairs = gensim_test_data(WORD_PAIRS_FILE)
    if questions is None or pairs is None:
        reference("gensim.test")  # gensim's test data ships with gensim
        pytest.skip("gensim is installed without its test data (gensim/test/test_data)")
    words: dict[str, None] = {}
    for line in questions.read_text().splitlines():
        if not line.startswith(":"):
            for word in line.split():
                words.setdefault(word)
                words.setdefault(word.lower())
    for line in pairs.read_text().splitlines():
        if not line.startswith("#"):
            for word in line.split("\t")[:2]:
                words.setdefault(word)
    rng = np.random.default_rng(7)
    kept = [w for w in words if rng.random() < 0.93]
    # a little structure so that some answers are right
    vectors = rng.standard_normal((len(kept), 16)).astype(np.float32)
    return KeyedVectors(kept, vectors)


@pytest.mark.oracle
@pytest.mark.parametrize(("restrict_vocab", "case_insensitive"),
                         [(30000, True), (400, False)])
def test_analogy_scores_equal_gensims_on_its_own_test_file(
    restrict_vocab: int, case_insensitive: bool
) -> None:
    kv = _benchmark_like_vectors()
    theirs = _gensim_copy(kv)
    path = gensim_test_data(ANALOGIES_FILE)
    ours = kv.evaluate_word_analogies(path, restrict_vocab=restrict_vocab,
                                      case_insensitive=case_insensitive)
    score, sections = theirs.evaluate_word_analogies(
        str(path), restrict_vocab=restrict_vocab, case_insensitive=case_insensitive)
    assert ours.accuracy == pytest.approx(score)
    assert [(s.name, s.correct, s.incorrect) for s in ours.sections] == [
        (s["section"], len(s["correct"]), len(s["incorrect"])) for s in sections[:-1]]
    assert ours.total == len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
    assert ours.correct > 0


@pytest.mark.oracle
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_word_pair_scores_equal_gensims_on_wordsim353(case_insensitive: bool) -> None:
    kv = _benchmark_like_vectors()
    theirs = _gensim_copy(kv)
    path = gensim_test_data(WORD_PAIRS_FILE)
    ours = kv.evaluate_word_pairs(path, case_insensitive=case_insensitive)
    p, s, oov = theirs.evaluate_word_pairs(str(path), case_insensitive=case_insensitive)
    assert ours.pearson == pytest.approx(p[0], abs=1e-6)
    assert ours.spearman == pytest.approx(s[0], abs=1e-6)
    assert 100 * ours.oov_ratio == pytest.approx(oov)


# Many ties (small integers) and well-conditioned spread values (multiples of 1/8): raw floats
# drew near-constant samples whose correlation is numerically meaningless in both libraries.
values = st.integers(-5, 5).map(float) | st.integers(-8000, 8000).map(lambda v: v / 8)
scores = st.lists(values, min_size=3, max_size=40)


@pytest.mark.oracle
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_spearman_and_pearson_equal_scipy_with_ties(data: st.DataObject) -> None:
    """Property: on any pair of samples (many ties included) our Pearson, Spearman and average
    ranks equal scipy's."""
    stats = reference("scipy.stats")
    x = data.draw(scores)
    y = data.draw(st.lists(values, min_size=len(x), max_size=len(x)))
    np.testing.assert_array_equal(rank_average(x), stats.rankdata(x))
    if len(set(x)) > 1 and len(set(y)) > 1:
        assert pearson(x, y) == pytest.approx(stats.pearsonr(x, y)[0], abs=1e-9)
        assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-9)
    else:
        assert np.isnan(pearson(x, y))


def test_gensim_test_data_finds_the_bundled_files_or_none() -> None:
    found = gensim_test_data(ANALOGIES_FILE)
    assert found is None or found.name == ANALOGIES_FILE
    assert gensim_test_data("no-such-file.txt") is None


def test_bad_evaluation_files_raise_model_file_errors(tmp_path: Path) -> None:
    kv = planted_vectors()
    with pytest.raises(ModelFileError, match="no such evaluation file"):
        kv.evaluate_word_analogies(tmp_path / "missing.txt")
    (tmp_path / "nosection.txt").write_text("man king woman queen\n")
    with pytest.raises(ModelFileError, match="line 1: a question before"):
        kv.evaluate_word_analogies(tmp_path / "nosection.txt")
    (tmp_path / "oov.tsv").write_text("zebra\tgnu\t5\n")
    with pytest.raises(ModelFileError, match="no word pair could be evaluated"):
        kv.evaluate_word_pairs(tmp_path / "oov.tsv")

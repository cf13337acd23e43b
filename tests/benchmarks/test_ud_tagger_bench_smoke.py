"""Smoke test of ``benchmarks/ud_tagger.py --quick`` on a small CoNLL-U treebank written here
(the real one is UD English EWT under ``$LEXILOOM_CORPORA``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "ud_tagger.py"
WORDS = [("the", "DT", "DET"), ("cat", "NN", "NOUN"), ("dogs", "NNS", "NOUN"),
         ("sat", "VBD", "VERB"), ("run", "VBP", "VERB"), ("quickly", "RB", "ADV")]


def write_treebank(path: Path, sentences: int) -> None:
    lines = []
    for s in range(sentences):
        words = [WORDS[0], WORDS[1 + s % 2], WORDS[3 + s % 2], WORDS[5]]
        lines.append(f"# sent_id = s{s}")
        lines.append(f"# text = {' '.join(w for w, _, _ in words)}")
        for i, (word, xpos, upos) in enumerate(words, start=1):
            head = 3 if i != 3 else 0
            deprel = "root" if i == 3 else "dep"
            lines.append(f"{i}\t{word}\t{word}\t{upos}\t{xpos}\t_\t{head}\t{deprel}\t_\t_")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_quick_benchmark_prints_both_systems_and_their_ratio(tmp_path):
    for split in ("dev", "test"):
        write_treebank(tmp_path / f"en_ewt-ud-{split}.conllu", 30)
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--quiet", "--corpus",
                             str(tmp_path), "--threads", "1"],
                            capture_output=True, text=True, timeout=280, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.strip("|").split("|")]
            for line in result.stdout.splitlines() if line.startswith("| ")}
    for system in ("spacy-hashembedcnn", "lexiloom-bilstm"):
        accuracy = float(rows[system][1])
        assert 0.0 <= accuracy <= 100.0
    assert float(rows["**ratio lexiloom/spaCy**"][1]) > 0
    assert "train 27 / validate 3 sentences" in result.stdout


def test_a_missing_treebank_is_one_line_and_exit_2(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "--corpus", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "UD English EWT not found" in result.stderr

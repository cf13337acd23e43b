"""The folder reader: label sub-folders, sorted order, pattern, errors, atomic writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from lexiloom.corpora import BadLines, Record, read_corpus, write_corpus
from lexiloom.errors import CorpusError, CorpusFormatError


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def test_folder_reader_reads_labels_and_files_in_sorted_order(tmp_path: Path) -> None:
    root = tree(tmp_path / "c", {"pos/b.txt": "nice\n", "pos/a.txt": " great film \n",
                                 "neg/z.txt": "dull\nand slow", "neg/notes.md": "ignored",
                                 ".hidden/x.txt": "ignored", "neg/.x.txt": "ignored"})
    assert list(read_corpus(root)) == [Record("dull\nand slow", ("neg",)),
                                       Record("great film", ("pos",)), Record("nice", ("pos",))]


def test_folder_reader_pattern_selects_files(tmp_path: Path) -> None:
    root = tree(tmp_path / "c", {"pos/a.txt": "no", "pos/b.review": "yes"})
    assert list(read_corpus(root, pattern="*.review")) == [Record("yes", ("pos",))]


def test_folder_document_outside_a_label_folder_is_an_error(tmp_path: Path) -> None:
    root = tree(tmp_path / "c", {"pos/a.txt": "ok", "stray.txt": "where?"})
    with pytest.raises(CorpusFormatError, match=r"stray\.txt: document outside a label folder"):
        list(read_corpus(root))


def test_folder_empty_document_is_an_error_and_can_be_skipped(tmp_path: Path) -> None:
    root = tree(tmp_path / "c", {"pos/a.txt": "  \n", "pos/b.txt": "ok"})
    with pytest.raises(CorpusFormatError, match=r"a\.txt: empty document"):
        list(read_corpus(root))
    bad = BadLines(skip=True)
    assert list(read_corpus(root, bad_lines=bad)) == [Record("ok", ("pos",))]
    assert bad.skipped == 1


def test_folder_undecodable_file_names_file_and_line(tmp_path: Path) -> None:
    root = tree(tmp_path / "c", {"pos/a.txt": b"fine\ncaf\xe9\n"})
    with pytest.raises(CorpusFormatError, match=r"a\.txt, line 2: byte 0xe9"):
        list(read_corpus(root))
    assert list(read_corpus(root, encoding="latin-1")) == [Record("fine\ncafé", ("pos",))]


def test_folder_format_given_a_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("x")
    with pytest.raises(CorpusError, match="is a file, which the folder format does not read"):
        read_corpus(path, format="folder")


def test_folder_writer_creates_label_folders_and_replaces_the_old_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    tree(out, {"old/x.txt": "stale"})
    assert write_corpus([Record("a", ("pos",)), Record("b", ("neg",)), Record("c", ("pos",))],
                        out, format="folder") == 3
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == [
        "neg/00000001.txt", "pos/00000001.txt", "pos/00000002.txt"]


def test_folder_writer_failure_leaves_the_old_tree(tmp_path: Path) -> None:
    out = tree(tmp_path / "out", {"old/x.txt": "kept"})
    with pytest.raises(CorpusError, match="record 2 has 2 labels"):
        write_corpus([Record("a", ("pos",)), Record("b", ("x", "y"))], out, format="folder")
    assert (out / "old" / "x.txt").read_text() == "kept"
    assert not (out / "pos").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary left behind


@pytest.mark.parametrize("label", ["a/b", ".hidden", "", " x"])
def test_folder_writer_rejects_labels_that_are_not_folder_names(tmp_path: Path,
                                                                label: str) -> None:
    with pytest.raises(CorpusError, match="not a valid folder name"):
        write_corpus([Record("a", (label,))], tmp_path / "out", format="folder")

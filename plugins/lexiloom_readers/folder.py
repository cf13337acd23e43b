"""``folder``: a directory with one sub-folder per label and one document per file."""

from __future__ import annotations

import fnmatch
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from lexiloom.atomic import atomic_path
from lexiloom.corpora.lines import open_text, undecodable
from lexiloom.corpora.record import BadLines, Record
from lexiloom.corpora.writing import check_encoding
from lexiloom.errors import CorpusError, CorpusFormatError, SettingsError

_WRITE_SUFFIX = ".txt"


class FolderReader:
    """A directory ``root/<label>/<document>.txt``, the layout of IMDB and 20 Newsgroups.

    Each sub-folder's name is the label of the files in it that match ``pattern`` (a glob, default
    ``*.txt``; ``.gz`` files matching it are decompressed). Labels are read in sorted order and the
    files of each label in sorted order; hidden files and folders (``.name``) are ignored. A
    document's text is the file's content with whitespace at both ends stripped; an empty file,
    or a matching file directly in the root, is malformed.

    Chosen automatically when the corpus path is a directory. Writing needs exactly one label per
    record (a valid folder name) and creates the whole tree atomically (written to a temporary
    directory, then renamed), numbering files so that each label keeps the records' order.
    """

    extensions: tuple[str, ...] = ()
    directory = True
    """Reads a directory, not a file: chosen for directory paths."""

    def __init__(self, pattern: str = "*.txt") -> None:
        if not isinstance(pattern, str) or not pattern or "/" in pattern:
            raise SettingsError(f"folder setting pattern must be a file-name glob such as "
                                f"'*.txt', not {pattern!r}")
        self.pattern = pattern

    def read(
        self, path: Path, *, encoding: str = "utf-8", bad_lines: BadLines | None = None
    ) -> Iterator[Record]:
        """Stream one record per matching file, label folders in sorted order."""
        bad_lines = bad_lines or BadLines()
        root = Path(path)
        if not root.is_dir():
            what = "no such directory" if not root.exists() else "is a file, not a directory"
            raise CorpusError(f"{root}: {what}; the folder format reads a directory with one "
                              f"sub-folder per label (or pass --format for a file)")
        for entry in sorted(root.iterdir()):
            if entry.is_file() and not entry.name.startswith(".") and self._matches(entry):
                bad_lines.bad(entry, None, f"document outside a label folder; move it into "
                              f"{root}/<label>/")
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.name.startswith("."):
                continue
            for file in sorted(folder.iterdir()):
                if file.name.startswith(".") or not file.is_file() or not self._matches(file):
                    continue
                text = self._read_file(file, encoding, bad_lines)
                if text is not None:
                    yield Record(text, (folder.name,))

    def _matches(self, file: Path) -> bool:
        return fnmatch.fnmatchcase(file.name, self.pattern)

    def _read_file(self, file: Path, encoding: str, bad_lines: BadLines) -> str | None:
        try:
            with open_text(file, encoding) as fh:
                content = fh.read()
        except (OSError, EOFError, zlib.error) as err:
            raise CorpusError(f"{file}: cannot read: {err}") from None
        except UnicodeError as err:  # codecs that cannot escape bytes (UTF-16/32)
            raise CorpusFormatError(file, None, f"cannot be decoded as {encoding} ({err}); "
                                    "pass the files' encoding with --encoding") from None
        for number, line in enumerate(content.splitlines(), start=1):
            problem = undecodable(line, encoding)
            if problem:
                bad_lines.bad(file, number, problem)
                return None
        text = content.strip()
        if not text:
            bad_lines.bad(file, None, "empty document; delete the file or add its text")
            return None
        return text

    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        """Create ``path/<label>/<number>.txt`` for each record (atomically); return how many."""
        if not fnmatch.fnmatchcase("0" + _WRITE_SUFFIX, self.pattern):
            raise SettingsError(f"the folder writer creates {_WRITE_SUFFIX} files, which "
                                f"pattern {self.pattern!r} would not read back; keep the "
                                f"default pattern '*.txt' to write")
        check_encoding(encoding)
        counts: dict[str, int] = defaultdict(int)
        count = 0
        with atomic_path(path) as tmp:
            tmp.mkdir()
            for count, record in enumerate(records, start=1):
                label = _one_label(path, count, record)
                text = record.text.strip()
                if not text:
                    raise CorpusError(f"{path}: record {count} has an empty text, which the "
                                      f"folder format cannot hold; drop empty records first")
                counts[label] += 1
                file = tmp / label / f"{counts[label]:08d}{_WRITE_SUFFIX}"
                try:
                    file.parent.mkdir(exist_ok=True)
                    file.write_text(text + "\n", encoding=encoding, newline="")
                except OSError as err:
                    raise CorpusError(f"{path}: cannot write record {count} under label "
                                      f"{label!r}: {err.strerror or err}") from None
                except UnicodeEncodeError as err:
                    raise CorpusError(f"{path}: record {count} contains "
                                      f"{err.object[err.start:err.end]!r}, which {encoding} "
                                      f"cannot encode; write with encoding='utf-8'") from None
        return count


def _one_label(path: Path, number: int, record: Record) -> str:
    if len(record.labels) != 1:
        raise CorpusError(f"{path}: record {number} has {len(record.labels)} labels; the folder "
                          f"format holds exactly one (its folder); write jsonl for multi-label "
                          f"or unlabelled data")
    label = record.labels[0]
    if (not label or label.startswith(".") or "/" in label or "\\" in label or "\0" in label
            or label != label.strip()):
        raise CorpusError(f"{path}: record {number} has label {label!r}, which is not a valid "
                          f"folder name; rename the label (no '/', no leading '.' or spaces)")
    return label

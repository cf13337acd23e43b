"""Writing small corpus files for the reader tests."""

from pathlib import Path


def make(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """``content`` written to ``tmp_path/name``: text as UTF-8 with line endings kept as given,
    bytes as they are."""
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path

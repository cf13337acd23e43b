"""``jsonl``: one JSON object per line with a text and a label or a list of labels."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lexiloom.corpora.lines import iter_lines
from lexiloom.corpora.record import BadLines, Record
from lexiloom.corpora.writing import write_lines
from lexiloom.errors import SettingsError

_EXAMPLE = '{"text": "a gripping film", "label": "pos"}'
_DECODER = json.JSONDecoder()


class JsonlReader:
    """JSON Lines: ``{"text": "...", "label": "pos"}`` or ``{"text": "...", "labels": [...]}``.

    Settings: ``text_field`` (default ``"text"``) names the text; ``label_field`` names the labels,
    a string or a list of strings. With ``label_field=None`` (the default) the field ``label``
    (a string) or ``labels`` (a list of strings) is used, and a record with neither is unlabelled;
    a ``null`` label also means unlabelled. Other fields are ignored; blank lines are skipped.

    Writing: one label goes to ``label``, several to ``labels``, none to no label key (with
    ``label_field`` set, that field holds a string or a list the same way).
    """

    extensions: tuple[str, ...] = (".jsonl", ".ndjson")

    def __init__(self, text_field: str = "text", label_field: str | None = None) -> None:
        if not isinstance(text_field, str) or not text_field:
            raise SettingsError(f"jsonl setting text_field must be a field name, not "
                                f"{text_field!r}")
        if label_field is not None and (not isinstance(label_field, str) or not label_field):
            raise SettingsError(f"jsonl setting label_field must be a field name or null, not "
                                f"{label_field!r}")
        if label_field == text_field:
            raise SettingsError(f"jsonl settings text_field and label_field are both "
                                f"{text_field!r}; name two different fields")
        self.text_field = text_field
        self.label_field = label_field

    def read(
        self, path: Path, *, encoding: str = "utf-8", bad_lines: BadLines | None = None
    ) -> Iterator[Record]:
        """Stream the records of ``path``; malformed lines go to ``bad_lines``."""
        bad_lines = bad_lines or BadLines()
        for number, line in iter_lines(path, encoding, bad_lines):
            if not line or line.isspace():
                continue
            try:
                record = self._parse(line)
            except ValueError as err:
                bad_lines.bad(path, number, str(err))
                continue
            yield record

    def _parse(self, line: str) -> Record:
        obj = _decode(line)
        if not isinstance(obj, dict):
            raise ValueError(f"expected a JSON object, found {_json_type(obj)}; each line must be "
                             f"one object such as {_EXAMPLE}")
        text = obj.get(self.text_field)
        if self.text_field not in obj:
            fields = ", ".join(map(repr, obj)) or "none"
            raise ValueError(f"no {self.text_field!r} field (fields: {fields}); add it, or name "
                             f"the text field with -o text_field=NAME")
        if not isinstance(text, str):
            raise ValueError(f"field {self.text_field!r} must be a string, found "
                             f"{_json_type(text)}")
        return Record(text, self._labels(obj))

    def _labels(self, obj: dict[str, Any]) -> tuple[str, ...]:
        if self.label_field is not None:
            return _label_value(self.label_field, obj.get(self.label_field), list_ok=True)
        if "label" in obj and "labels" in obj:
            raise ValueError("both 'label' and 'labels' fields; keep one, or choose with "
                             "-o label_field=NAME")
        if "labels" in obj:
            return _label_value("labels", obj["labels"], list_ok=True)
        return _label_value("label", obj.get("label"), list_ok=False)

    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        """Write one JSON object per record; return how many."""
        return write_lines(path, (self._dump(record) for record in records), encoding=encoding)

    def _dump(self, record: Record) -> str:
        obj: dict[str, Any] = {self.text_field: record.text}
        labels = list(record.labels)
        if labels:
            key = self.label_field or ("label" if len(labels) == 1 else "labels")
            obj[key] = labels[0] if len(labels) == 1 else labels
        return json.dumps(obj, ensure_ascii=False)


def _decode(line: str) -> Any:
    """The JSON value on ``line``; :class:`ValueError` with the fix when it is not valid JSON."""
    try:
        value, end = _DECODER.raw_decode(line)  # fast path: nothing around the value
        if end == len(line):
            return value
    except (json.JSONDecodeError, RecursionError):
        pass
    try:
        return json.loads(line)  # the general path (surrounding whitespace), and its message
    except RecursionError:
        raise ValueError("invalid JSON (nested too deeply to decode); each line must be one "
                         f"JSON object such as {_EXAMPLE}") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid JSON ({err.msg} at column {err.colno}); each line must be "
                         f"one JSON object such as {_EXAMPLE}") from None


def _label_value(field: str, value: Any, *, list_ok: bool) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if list_ok and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    wanted = "a string or a list of strings" if list_ok else "a string"
    hint = f' (write "{value}")' if isinstance(value, (int, float)) else ""
    raise ValueError(f"field {field!r} must be {wanted}, found {_json_type(value)}{hint}")


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)

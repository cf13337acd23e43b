"""Corpora: the record type, streaming input, reading any registered format, bundled corpora."""

from lexiloom.corpora.record import BadLines, Record

__all__ = ["BadLines", "Record"]

"""``lexiloom tokenize``: print the tokens of texts, with offsets and norms.

Plain output, one block per text (blocks separated by an empty line), one token per line::

    START<TAB>END<TAB>TEXT<TAB>NORM[<TAB>stop]

``TEXT`` and ``NORM`` show backslash, tab, newlines and other line breaks escaped (``\\\\``,
``\\t``, ``\\n``, ``\\r``, ``\\x0b``, ...), so each token stays on one line. ``--json`` prints one
JSON object per text, one per line::

    {"text": str,                  # the input text
     "tokens": [{"text": str,      # text[start:end]
                 "start": int,     # character offsets into "text"
                 "end": int,
                 "norm": str,      # the normalised form
                 "is_stop": bool}]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import click

from lexiloom import registry
from lexiloom.cli.settings import route_settings, settings_option
from lexiloom.cli.stdin import stdin_lines
from lexiloom.protocols import Tokenizer
from lexiloom.tokens import Token

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_ESCAPES.update({c: f"\\x{ord(c):02x}" for c in "\x0b\x0c\x1c\x1d\x1e\x85"})
_ESCAPES.update({c: f"\\u{ord(c):04x}" for c in "\u2028\u2029"})
_ESCAPE_TABLE = str.maketrans(_ESCAPES)


def build_tokenizer(name: str, options: Iterable[str] = ()) -> Tokenizer:
    """The tokenizer ``name`` configured by ``key=value`` strings (as ``-o`` gives them)."""
    entry = registry.tokenizers.get(name)
    settings = route_settings(list(options), {"tokenizer": entry})["tokenizer"]
    return entry.create(**settings)


def token_record(token: Token) -> dict[str, Any]:
    """The JSON form of one token."""
    return {"text": token.text, "start": token.start, "end": token.end, "norm": token.norm,
            "is_stop": token.is_stop}


def format_json(text: str, tokens: Iterable[Token]) -> str:
    """One line of ``--json`` output for ``text``."""
    payload = {"text": text, "tokens": [token_record(t) for t in tokens]}
    return json.dumps(payload, ensure_ascii=False)


def format_plain(tokens: Iterable[Token]) -> str:
    """The plain output block for one text (no trailing newline)."""
    lines = []
    for t in tokens:
        fields = [str(t.start), str(t.end), t.text.translate(_ESCAPE_TABLE),
                  t.norm.translate(_ESCAPE_TABLE)]
        if t.is_stop:
            fields.append("stop")
        lines.append("\t".join(fields))
    return "\n".join(lines)


def _expand(texts: Iterable[str]) -> Iterator[str]:
    """The texts, with each ``-`` replaced by the lines of standard input."""
    for text in texts:
        if text != "-":
            yield text
            continue
        yield from stdin_lines()


@click.command("tokenize")
@click.option("--tokenizer", "-t", "name", default="regex", show_default=True, metavar="NAME",
              help="The tokenizer (see 'lexiloom plugins' for the installed ones).")
@settings_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per text.")
@click.option("--all", "show_all", is_flag=True,
              help="Show every token found (segment), stop words and punctuation included.")
@click.argument("texts", nargs=-1, required=True, metavar="TEXT...")
def command(name: str, options: tuple[str, ...], as_json: bool, show_all: bool,
            texts: tuple[str, ...]) -> None:
    """Print the tokens of each TEXT ('-' reads one text per line from stdin).

    \b
    Plain output: one block per text, blocks separated by an empty line, one token per line:
      START<TAB>END<TAB>TEXT<TAB>NORM[<TAB>stop]
    (backslash, tabs and line breaks in TEXT and NORM are escaped as \\\\, \\t, \\n, ...).

    \b
    --json: one object per text and line:
      {"text": str, "tokens": [{"text": str, "start": int, "end": int,
                                "norm": str, "is_stop": bool}]}
    Offsets are character offsets: text[start:end] == token text.

    \b
    Examples:
      lexiloom tokenize "The cat sat."
      lexiloom tokenize -t regex -o lowercase=true -o stop_words=en --all "The Cat"
      cat notes.txt | lexiloom tokenize --json -
    """
    tokenizer = build_tokenizer(name, options)
    split = tokenizer.segment if show_all else tokenizer.tokenize
    for index, text in enumerate(_expand(texts)):
        tokens = split(text)
        if as_json:
            click.echo(format_json(text, tokens))
            continue
        if index:
            click.echo("")
        block = format_plain(tokens)
        if block:
            click.echo(block)

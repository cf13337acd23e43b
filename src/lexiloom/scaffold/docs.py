"""Keep the hook and protocol reference in ``docs/plugins.md`` equal to the docstrings.

The reference sections of the page are generated from :mod:`lexiloom.hookspecs` and
:mod:`lexiloom.protocols` and sit between marker comments::

    <!-- BEGIN GENERATED: hooks -->
    ...
    <!-- END GENERATED: hooks -->

``python -m lexiloom.scaffold.docs`` rewrites them in place; ``--check`` only reports (exit
status 1) the sections that differ, as the test suite does.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lexiloom import atomic, hookspecs, protocols

DOC_PATH = Path(__file__).resolve().parents[3] / "docs" / "plugins.md"
"""``docs/plugins.md`` of a source checkout."""

PROTOCOLS: tuple[str, ...] = (
    "Tokenizer", "Embedder", "VectorTrainer", "EncoderOutput", "Encoder", "Head", "CorpusReader",
)
"""The documented classes of :mod:`lexiloom.protocols`, in reading order."""

_SECTION = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[\w-]+) -->\n)(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


def hook_names() -> list[str]:
    """The hooks of :mod:`lexiloom.hookspecs`, in source order."""
    functions = [f for name, f in vars(hookspecs).items()
                 if name.startswith("register_") and callable(f)]
    return [f.__name__ for f in sorted(functions, key=lambda f: f.__code__.co_firstlineno)]


def render_hooks() -> str:
    """The hook reference: the module docstring, then each hook's signature and docstring."""
    parts = [_doc(hookspecs)]
    for name in hook_names():
        function = getattr(hookspecs, name)
        parts.append(f"### `{name}{_signature(function)}`\n\n{_doc(function)}")
    return "\n\n".join(parts) + "\n"


def render_protocols() -> str:
    """The protocol reference: each class's docstring, attributes, and methods' docstrings."""
    parts = [_doc(protocols)]
    for name in PROTOCOLS:
        cls = getattr(protocols, name)
        parts.append(f"### `{name}`\n\n{_doc(cls)}")
        fields = getattr(cls, "_fields", None)
        annotations = {k: v for k, v in vars(cls).get("__annotations__", {}).items()
                       if not k.startswith("_")}
        if fields:
            parts.append("Fields: " + ", ".join(f"`{f}: {annotations.get(f, 'Any')}`"
                                                for f in fields))
        elif annotations:
            parts.append("Attributes: " + ", ".join(f"`{k}: {v}`" for k, v in annotations.items()))
        for method_name, method in _methods(cls):
            parts.append(f"#### `{name}.{method_name}{_signature(method)}`\n\n{_doc(method)}")
    return "\n\n".join(parts) + "\n"


SECTIONS: dict[str, Callable[[], str]] = {"hooks": render_hooks, "protocols": render_protocols}
"""Each generated section of the page and the function that renders it."""


def stale_sections(text: str) -> list[str]:
    """The names of the sections of ``text`` that differ from what they are generated from,
    plus any section that is missing (its markers absent)."""
    found = {m.group("name"): m.group("body") for m in _SECTION.finditer(text)}
    return [name for name, render in SECTIONS.items()
            if found.get(name) is None or found[name] != render()]


def regenerate(text: str) -> str:
    """``text`` with every generated section rendered afresh (sections without markers are left
    out; add the two marker lines where a section belongs)."""

    def replace(match: re.Match[str]) -> str:
        render = SECTIONS.get(match.group("name"))
        if render is None:
            return match.group(0)
        return match.group(1) + render() + match.group(4)

    return _SECTION.sub(replace, text)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lexiloom.scaffold.docs [--check] [PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m lexiloom.scaffold.docs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DOC_PATH,
                        help="the page to update (default: docs/plugins.md)")
    parser.add_argument("--check", action="store_true",
                        help="report out-of-date sections and exit 1 instead of rewriting")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"{args.path}: no such file; pass the path of docs/plugins.md", file=sys.stderr)
        return 2
    text = args.path.read_text(encoding="utf-8")
    stale = stale_sections(text)
    missing = [name for name in stale if f"<!-- BEGIN GENERATED: {name} -->" not in text]
    if missing:
        print(f"{args.path}: no markers for section(s) {', '.join(missing)}; add "
              "'<!-- BEGIN GENERATED: NAME -->' and '<!-- END GENERATED: NAME -->' lines",
              file=sys.stderr)
        return 1
    if args.check:
        for name in stale:
            print(f"{args.path}: section {name!r} is out of date; run python -m "
                  "lexiloom.scaffold.docs", file=sys.stderr)
        return 1 if stale else 0
    if stale:
        atomic.write_text(args.path, regenerate(text))
        print(f"{args.path}: rewrote {', '.join(stale)}")
    return 0


def _doc(obj: Any) -> str:
    return inspect.cleandoc(obj.__doc__ or "")


def _methods(cls: type) -> list[tuple[str, Any]]:
    own = [(name, value) for name, value in vars(cls).items()
           if inspect.isfunction(value) and not name.startswith("_")]
    return sorted(own, key=lambda item: item[1].__code__.co_firstlineno)


def _signature(function: Any) -> str:
    """``(a: int, *, b: str = '') -> None`` with annotations as written, ``self`` left out."""
    signature = inspect.signature(function)
    parts: list[str] = []
    star = False
    for parameter in signature.parameters.values():
        if parameter.name == "self":
            continue
        if parameter.kind is parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = parameter.name
        if parameter.annotation is not parameter.empty:
            text += f": {parameter.annotation}"
        if parameter.default is not parameter.empty:
            text += f" = {parameter.default!r}"
        parts.append(text)
    result = f"({', '.join(parts)})"
    if signature.return_annotation is not signature.empty:
        result += f" -> {signature.return_annotation}"
    return result


if __name__ == "__main__":
    sys.exit(main())

"""No code path in lexiloom or its built-in plugins can run code from a file it loads: the
source is scanned for pickle-style loaders, ``torch.load`` without ``weights_only=True``,
``numpy.load(allow_pickle=True)``, unsafe YAML and ``eval``/``exec``. The scanner is shown to
catch each pattern (the controls), so an empty finding list means something."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PICKLERS = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "joblib", "shelve"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def unsafe_calls(source: str) -> list[str]:
    """``line: call`` for every call in ``source`` that can execute code from loaded data."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) \
                else [node.module or ""]
            if any(m.split(".")[0] in PICKLERS for m in modules):
                found.append(f"{node.lineno}: import {', '.join(modules)}")
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        head, _, last = name.rpartition(".")
        bad = (
            (head.split(".")[-1] in PICKLERS and last in {"load", "loads", "open", "Unpickler"})
            or name in {"eval", "exec", "srsly.pickle_loads", "srsly.read_pickle",
                        "yaml.unsafe_load", "yaml.full_load"}
            or (name == "torch.load" and not (
                isinstance(_keyword(node, "weights_only"), ast.Constant)
                and _keyword(node, "weights_only").value is True))
            or (name in {"np.load", "numpy.load"} and isinstance(
                _keyword(node, "allow_pickle"), ast.Constant)
                and _keyword(node, "allow_pickle").value is True)
            or (name == "yaml.load"
                and "Safe" not in _name(_keyword(node, "Loader") or ast.Name("")))
        )
        if bad:
            found.append(f"{node.lineno}: {name}()")
    return found


def _sources() -> list[Path]:
    files = [*ROOT.joinpath("src").rglob("*.py"), *ROOT.joinpath("plugins").rglob("*.py")]
    return sorted(p for p in files if "examples" not in p.relative_to(ROOT).parts
                  and "build" not in p.parts)


def test_no_unsafe_loader_in_lexiloom_or_its_builtin_plugins():
    sources = _sources()
    assert len(sources) > 100
    findings = {str(p.relative_to(ROOT)): unsafe_calls(p.read_text(encoding="utf-8"))
                for p in sources}
    assert {path: calls for path, calls in findings.items() if calls} == {}


@pytest.mark.parametrize("snippet", [
    "import pickle\npickle.loads(data)",
    "from joblib import load",
    "import torch\ntorch.load(path)",
    "import torch\ntorch.load(path, weights_only=False)",
    "import numpy as np\nnp.load(path, allow_pickle=True)",
    "import yaml\nyaml.load(text)",
    "import srsly\nsrsly.pickle_loads(data)",
    "eval(text)",
    "exec(code)",
])
def test_the_scanner_catches_each_unsafe_pattern(snippet):
    assert unsafe_calls(snippet)


@pytest.mark.parametrize("snippet", [
    "import torch\ntorch.load(path, weights_only=True)",
    "import numpy as np\nnp.load(path)",
    "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)",
    "module.eval()",
    "import json\njson.loads(text)",
])
def test_the_scanner_lets_safe_loading_through(snippet):
    assert unsafe_calls(snippet) == []

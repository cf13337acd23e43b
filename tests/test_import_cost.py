"""Import cost: lexiloom, its command line, its plugins and spaCy's view of it never import torch.

Each check runs in a fresh interpreter (``sys.executable -c ...``) that records every attempt to
import torch together with the modules on the stack, then reports whether torch ended up in
``sys.modules``. Each runs twice: with the real torch installed, and with a broken torch (a fake
``torch`` package that raises ImportError, first on ``PYTHONPATH``) to prove the same entry points
keep working when a model dependency is broken.

spaCy itself (through ``thinc.compat``) imports torch whenever it is installed, so for
``spacy.blank`` the check is that no lexiloom module asks for torch (and, with the broken torch,
that the pipeline still builds and runs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lexiloom import plugins

# Runs first in every child: record each import of torch with the module names on the stack.
PRELUDE = textwrap.dedent(
    """
    import builtins, importlib, json, sys

    TORCH_IMPORTS = []

    def _note(name):
        if name == "torch" or name.startswith("torch."):
            frame, stack = sys._getframe(2), []
            while frame is not None:
                stack.append(frame.f_globals.get("__name__") or "?")
                frame = frame.f_back
            TORCH_IMPORTS.append(stack)

    _real_import = builtins.__import__

    def _import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            _note(name)
        return _real_import(name, globals, locals, fromlist, level)

    _real_import_module = importlib.import_module

    def _import_module(name, package=None):
        _note(name)
        return _real_import_module(name, package)

    builtins.__import__ = _import
    importlib.import_module = _import_module

    def report(**extra):
        by_lexiloom = [s for s in TORCH_IMPORTS if any(m.startswith("lexiloom") for m in s)]
        print("\\nRESULT " + json.dumps(dict(torch_loaded="torch" in sys.modules,
                                            torch_by_lexiloom=by_lexiloom, **extra)))

    def run_cli(*args):
        from lexiloom.cli import main
        sys.argv = ["lexiloom", *args]
        try:
            main()
        except SystemExit as exit:
            return exit.code or 0
        return 0
    """
)

SCENARIOS = {
    "import lexiloom": """
        import lexiloom
        report()
    """,
    "every built-in plugin through the registries": """
        import lexiloom
        from lexiloom import plugins
        names = {kind: reg.names() for kind, reg in lexiloom.registry.REGISTRIES.items()}
        records = [r.to_dict() for r in plugins.records()]
        report(records=records, names=names)
    """,
    "lexiloom --help": """
        code = run_cli("--help")
        report(code=code)
    """,
    "lexiloom plugins": """
        code = run_cli("plugins", "--json")
        report(code=code)
    """,
    "spacy.blank": """
        import spacy
        torch_from_spacy = "torch" in sys.modules
        nlp = spacy.blank("en")
        words = [t.text for t in nlp("Hello, world")]
        report(code=0, torch_from_spacy=torch_from_spacy, words=words)
    """,
    "spacy.blank with the lexiloom tokenizer": """
        import spacy
        torch_from_spacy = "torch" in sys.modules
        config = {"nlp": {"tokenizer": {"@tokenizers": "lexiloom.Tokenizer.v1",
                                        "name": "regex"}}}
        nlp = spacy.blank("en", config=config)
        words = [t.text for t in nlp("Hello, world")]
        report(code=0, torch_from_spacy=torch_from_spacy, words=words)
    """,
}

BROKEN_TORCH = 'raise ImportError("torch is broken (simulated by lexiloom\'s tests)")\n'


def run_child(code: str, pythonpath_first: Path | None = None) -> tuple[dict, str]:
    """Run ``code`` after :data:`PRELUDE` in a fresh interpreter; its report and its stdout."""
    env = {k: v for k, v in os.environ.items() if k != plugins.STRICT_ENV}
    env[plugins.PLUGINS_ENV] = ""  # built-ins only: the environment's plugins are not ours
    if pythonpath_first is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(pythonpath_first), env.get("PYTHONPATH")) if p)
    child = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert child.returncode == 0, child.stdout + child.stderr
    result_lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
    assert result_lines, child.stdout + child.stderr
    return json.loads(result_lines[-1][len("RESULT "):]), child.stdout


def broken_torch_dir(tmp_path: Path) -> Path:
    """A folder holding a ``torch`` package that raises ImportError when imported."""
    package = tmp_path / "broken" / "torch"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(BROKEN_TORCH, encoding="utf-8")
    return package.parent


@pytest.fixture(params=["real torch", "broken torch"])
def torch_dir(request, tmp_path) -> Path | None:
    """``None`` for the installed torch, else a folder whose ``torch`` package cannot import."""
    return None if request.param == "real torch" else broken_torch_dir(tmp_path)


def check_torch_untouched(result: dict) -> None:
    assert result["torch_by_lexiloom"] == [], "lexiloom code imported torch: " + json.dumps(
        result["torch_by_lexiloom"][:1])
    assert not result["torch_loaded"]


@pytest.mark.slow
def test_import_lexiloom_does_not_import_torch(torch_dir):
    result, _ = run_child(SCENARIOS["import lexiloom"], torch_dir)
    check_torch_untouched(result)


@pytest.mark.slow
def test_loading_every_builtin_plugin_does_not_import_torch(torch_dir):
    result, _ = run_child(SCENARIOS["every built-in plugin through the registries"], torch_dir)
    check_torch_untouched(result)
    builtins = [r for r in result["records"] if r["builtin"]]
    assert builtins
    for record in builtins:
        assert (record["status"], record["errors"]) == ("loaded", []), record
    assert "regex" in result["names"]["tokenizers"]


@pytest.mark.slow
def test_lexiloom_help_does_not_import_torch(torch_dir):
    result, stdout = run_child(SCENARIOS["lexiloom --help"], torch_dir)
    check_torch_untouched(result)
    assert result["code"] == 0
    assert "plugins" in stdout and "tokenize" in stdout


@pytest.mark.slow
def test_lexiloom_plugins_does_not_import_torch(torch_dir):
    result, stdout = run_child(SCENARIOS["lexiloom plugins"], torch_dir)
    check_torch_untouched(result)
    assert result["code"] == 0
    listing = json.loads(stdout[: stdout.rindex("\nRESULT ")])
    for record in listing["plugins"]:
        assert (record["status"], record["errors"]) == ("loaded", []), record


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scenario", "torch"),
    [
        ("spacy.blank", "broken torch"),
        ("spacy.blank with the lexiloom tokenizer", "broken torch"),
        # with the real torch installed, spaCy imports it (slow): check the fuller scenario only
        ("spacy.blank with the lexiloom tokenizer", "real torch"),
    ],
)
def test_spacy_blank_does_not_make_lexiloom_import_torch(tmp_path, scenario, torch):
    torch_dir = broken_torch_dir(tmp_path) if torch == "broken torch" else None
    result, _ = run_child(SCENARIOS[scenario], torch_dir)
    assert result["torch_by_lexiloom"] == [], json.dumps(result["torch_by_lexiloom"][:1])
    assert result["words"] == ["Hello", ",", "world"]
    if torch_dir is not None or not result["torch_from_spacy"]:
        assert not result["torch_loaded"]


def test_the_import_tracer_sees_lexiloom_importing_torch(tmp_path):
    """The checks above would catch a lexiloom module that imports torch (tracer self-test)."""
    package = tmp_path / "lexiloom_heavy"
    package.mkdir()
    (package / "__init__.py").write_text("import torch.nn\n", encoding="utf-8")
    code = f"""
        sys.path.insert(0, {str(tmp_path)!r})
        try:
            import lexiloom_heavy
        except ImportError:
            pass
        report()
    """
    result, _ = run_child(code, broken_torch_dir(tmp_path))
    assert result["torch_by_lexiloom"]
    assert result["torch_by_lexiloom"][0][0] == "lexiloom_heavy"

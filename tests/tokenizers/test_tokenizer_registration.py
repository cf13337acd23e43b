"""The built-in tokenizers plugin: what it registers, and that loading it is cheap."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from lexiloom import plugins, registry


def test_builtin_plugin_registers_four_tokenizers_with_descriptions_and_defaults():
    assert registry.tokenizers.names() == ["char", "regex", "spacy", "whitespace"]
    expected = {
        "whitespace": {"lowercase"},
        "char": {"lowercase"},
        "regex": {"pattern", "lowercase", "strip_accents", "strip_punct", "stop_words"},
        "spacy": {"lang", "lowercase", "stop_words", "spacy_norm"},
    }
    for entry in registry.tokenizers.entries():
        assert entry.plugin == "tokenizers"
        assert entry.description and "\n" not in entry.description
        assert set(entry.defaults) == expected[entry.name]
        assert entry.factory(**entry.defaults).to_config() == dict(entry.defaults)


def test_builtin_tokenizers_plugin_loads_without_errors():
    record = next(r for r in plugins.records() if r.name == "tokenizers")
    assert record.builtin and record.status == "loaded" and record.errors == []
    assert record.hooks == ["register_tokenizers"]


def test_loading_plugins_and_spacy_adapter_imports_neither_torch_nor_spacy():
    code = textwrap.dedent("""
        import sys
        import lexiloom_tokenizers, lexiloom.spacy, lexiloom.spacy.tokenizer
        from lexiloom import registry
        registry.tokenizers.create("regex").tokenize("a b")
        registry.tokenizers.create("char").tokenize("a b")
        heavy = sorted({"torch", "spacy", "thinc"} & set(sys.modules))
        assert not heavy, heavy
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr

"""``docs/plugins.md`` cannot drift from the code it documents.

Its hook and protocol reference is generated from the docstrings of ``lexiloom.hookspecs`` and
``lexiloom.protocols`` (``python -m lexiloom.scaffold.docs`` rewrites it); these tests fail when
the page and the docstrings differ, and check the documented ``--json`` fields and statuses.
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from lexiloom import hookspecs, plugins, protocols
from lexiloom.cli import plugins as plugins_command
from lexiloom.scaffold import KINDS, docs

PAGE = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


@pytest.fixture
def page_text() -> str:
    return PAGE.read_text(encoding="utf-8")


def section(text: str, name: str) -> str:
    match = re.search(rf"<!-- BEGIN GENERATED: {name} -->\n(.*?)<!-- END GENERATED: {name} -->",
                      text, re.DOTALL)
    assert match, f"docs/plugins.md has no generated section {name!r}"
    return match.group(1)


def test_docs_script_points_at_this_page():
    assert docs.DOC_PATH == PAGE


def test_the_reference_sections_equal_the_docstrings(page_text):
    """If this fails, run ``python -m lexiloom.scaffold.docs`` and review the diff."""
    assert docs.stale_sections(page_text) == []
    assert section(page_text, "hooks") == docs.render_hooks()
    assert section(page_text, "protocols") == docs.render_protocols()


def test_every_hook_docstring_is_in_the_page_verbatim(page_text):
    reference = section(page_text, "hooks")
    assert hookspecs.__doc__.strip().splitlines()[0] in reference
    assert set(docs.hook_names()) == {n for n in dir(hookspecs) if n.startswith("register_")}
    for name in docs.hook_names():
        assert f"### `{name}(" in reference
        for line in (getattr(hookspecs, name).__doc__ or "").strip().splitlines():
            assert line.strip() in reference, (name, line)


def test_every_protocol_and_member_is_in_the_page_verbatim(page_text):
    reference = section(page_text, "protocols")
    documented = set(docs.PROTOCOLS)
    assert documented == set(protocols.__all__) - {"Record", "Token"}
    for name in docs.PROTOCOLS:
        cls = getattr(protocols, name)
        assert f"### `{name}`" in reference
        for line in (cls.__doc__ or "").strip().splitlines():
            assert line.strip() in reference, (name, line)
    for method in ("tokenize", "build", "fit", "forward", "initial_state", "step",
                   "probabilities", "read", "write"):
        assert f".{method}(" in reference
    assert "`output_size: int`" in reference and "`causal: bool`" in reference


def test_a_changed_docstring_makes_the_page_stale_and_the_script_repairs_it(
        page_text, tmp_path, monkeypatch):
    copy = tmp_path / "plugins.md"
    copy.write_text(page_text, encoding="utf-8")
    assert docs.main(["--check", str(copy)]) == 0
    monkeypatch.setattr(hookspecs.register_heads, "__doc__", "Register heads, differently.")
    assert docs.stale_sections(page_text) == ["hooks"]
    assert docs.main(["--check", str(copy)]) == 1
    assert copy.read_text(encoding="utf-8") == page_text  # --check never writes
    assert docs.main([str(copy)]) == 0
    rewritten = copy.read_text(encoding="utf-8")
    assert "Register heads, differently." in section(rewritten, "hooks")
    assert rewritten.replace(section(rewritten, "hooks"), "") == page_text.replace(
        section(page_text, "hooks"), "")  # only the generated section changed


def test_docs_script_reports_missing_markers_and_files(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text("# no markers here\n", encoding="utf-8")
    assert docs.main([str(page)]) == 1
    assert "no markers for section(s) hooks, protocols" in capsys.readouterr().err
    assert docs.main([str(tmp_path / "missing.md")]) == 2


def test_documented_json_fields_match_the_plugin_record(page_text):
    schema = page_text.split("## `lexiloom plugins --json`", 1)[1].split("## ", 1)[0]
    record_fields = {f.name for f in fields(plugins.PluginRecord)}
    examples = {"lexiloom_version", "plugins", "tokenizers", "encoders"}  # not record fields
    assert set(re.findall(r'"(\w+)":', schema)) - examples == record_fields
    docstring = plugins_command.__doc__ or ""
    assert set(re.findall(r'"(\w+)":', docstring)) - examples == record_fields


def test_every_status_is_documented(page_text):
    statuses = {plugins.LOADED, plugins.FAILED, plugins.DISABLED, plugins.INCOMPATIBLE}
    for status in statuses:
        assert f'"{status}"' in page_text
        assert f'"{status}"' in (plugins_command.__doc__ or "")


def test_tutorial_names_every_kind_and_the_kit_docs(page_text):
    for kind in KINDS:
        assert f"`{kind}`" in page_text
    assert "(testing.md)" in page_text
    assert "LEXILOOM_STRICT_PLUGINS=1" in page_text and "LEXILOOM_PLUGINS" in page_text
    assert "lexiloom>=X.Y,<Z" in page_text

"""``lexiloom plugins --verbose``, the ``details`` of errors, and plugins whose ``lexiloom``
requirement excludes the installed version (status ``incompatible``)."""

from __future__ import annotations

import json
import re
import sys

import pytest
from cli_helpers import run
from fakedist import install
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from plugin_sources import GOOD_TOKENIZER, HELLO_COMMAND

import lexiloom
from lexiloom import plugins, registry
from lexiloom.errors import PluginError

GOOD = GOOD_TOKENIZER

BROKEN = """
def load_weights():
    raise RuntimeError("weights missing")

load_weights()
"""

RAISING_HOOK = """
import lexiloom

@lexiloom.hookimpl
def register_tokenizers(register):
    raise KeyError("no such table")
"""

COMMAND = HELLO_COMMAND

NEVER_IMPORTED = "raise RuntimeError('an incompatible plugin must not be imported')\n"




def block(output: str, name: str) -> str:
    """The lines of ``output`` about plugin ``name`` (its headline and indented lines)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split("  ")[0] == name)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")),
               len(lines))
    return "\n".join(lines[start:end])


def only_record(name: str) -> plugins.PluginRecord:
    (record,) = [r for r in plugins.records() if r.name == name]
    return record


def install_requiring(fake_dist, requirement: str, source: str = GOOD, dist: str = "req-dist",
                      entry_point: str = "req"):
    module = "plug_" + dist.replace("-", "_")
    return fake_dist(dist, {f"{module}.py": source}, version="2.0.0",
                     entry_points={entry_point: module}, requires=[requirement, "numpy>=1"])


# -- --verbose ---------------------------------------------------------------------------------


def test_verbose_shows_origin_hooks_and_descriptions_of_a_loaded_plugin(fake_dist, monkeypatch):
    dist = install(fake_dist, "good-dist", "good", GOOD)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "good")
    result = run("plugins", "--verbose")
    assert result.exit_code == 0, result.output
    text = block(result.output, "good")
    assert "module: plug_good_dist" in text
    assert f"location: {dist.root / 'plug_good_dist.py'}" in text
    assert f"distribution location: {dist.dist_info}" in text
    assert "hooks: register_tokenizers" in text
    assert "tokenizers:\n    good-tok  a good tokenizer" in text


def test_verbose_describes_built_in_components():
    result = run("plugins", "-v")
    assert result.exit_code == 0
    text = block(result.output, "tokenizers")
    assert "(built-in)" in text.splitlines()[0]
    description = registry.tokenizers.get("regex").description
    assert any(line.split() [:1] == ["regex"] and description in line
               for line in text.splitlines())


def test_verbose_shows_a_command_with_its_help(fake_dist, monkeypatch):
    install(fake_dist, "cmd-dist", "cmd", COMMAND)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "cmd")
    result = run("plugins", "--verbose")
    assert "commands:\n    hello  Greet WHO (added by a plugin)." in block(result.output, "cmd")


def test_verbose_shows_the_full_traceback_of_a_failed_import(fake_dist, monkeypatch):
    install(fake_dist, "broken-dist", "broken", BROKEN, version="0.3")
    monkeypatch.setenv(plugins.PLUGINS_ENV, "broken")
    verbose = block(run("plugins", "--verbose").output, "broken")
    assert "error: import of 'plug_broken_dist' failed: RuntimeError: weights missing" in verbose
    assert "    Traceback (most recent call last):" in verbose
    assert "in load_weights" in verbose and 'raise RuntimeError("weights missing")' in verbose
    assert "location: (not imported)" in verbose
    assert "importlib" not in verbose and "lexiloom/plugins.py" not in verbose  # plugin frames only
    plain = block(run("plugins").output, "broken")
    assert "Traceback" not in plain
    assert plain.splitlines()[1:] == [
        "  error: import of 'plug_broken_dist' failed: RuntimeError: weights missing"]


def test_details_hold_the_traceback_of_an_exception_in_a_hook(fake_dist, monkeypatch):
    install(fake_dist, "raise-dist", "raiser", RAISING_HOOK)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "raiser")
    record = only_record("raiser")
    assert record.errors == ["register_tokenizers raised KeyError: 'no such table'"]
    (detail,) = record.details
    assert detail.startswith("register_tokenizers raised KeyError: 'no such table'\nTraceback")
    assert 'raise KeyError("no such table")' in detail


def test_json_has_details_next_to_one_line_errors(fake_dist, monkeypatch):
    install(fake_dist, "broken-dist", "broken", BROKEN, version="0.3")
    install(fake_dist, "good-dist", "good", GOOD)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "broken,good,ghost")
    payload = json.loads(run("plugins", "--json").output)
    by_name = {item["name"]: item for item in payload["plugins"]}
    for item in payload["plugins"]:
        assert len(item["details"]) == len(item["errors"])
        assert all("\n" not in error for error in item["errors"])
    (detail,) = by_name["broken"]["details"]
    assert "Traceback" in detail and detail.splitlines()[0] == by_name["broken"]["errors"][0]
    assert by_name["good"]["details"] == []
    assert by_name["ghost"]["details"] == by_name["ghost"]["errors"]  # no exception: same text
    assert by_name["good"]["distribution_location"].endswith("good_dist-1.0.0.dist-info")
    assert by_name["ghost"]["distribution_location"] is None


# -- incompatible plugins ----------------------------------------------------------------------


@pytest.mark.parametrize("requirement", ["lexiloom<0.1", "lexiloom>=2", "lexiloom>=0.1,<0.1.0",
                                         "LexiLoom==0.0.9"])
def test_a_plugin_requiring_another_lexiloom_is_incompatible_and_not_imported(
        requirement, fake_dist, monkeypatch):
    install_requiring(fake_dist, requirement, NEVER_IMPORTED)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "req")
    record = only_record("req")
    assert record.status == plugins.INCOMPATIBLE
    assert record.hooks == [] and record.registered == {} and record.location is None
    (error,) = record.errors
    parsed = Requirement(requirement)
    assert f"req-dist requires {parsed.name}{parsed.specifier}, but" in error
    assert f"lexiloom {lexiloom.__version__} is installed" in error
    assert "pip install -U req-dist" in error
    assert "plug_req_dist" not in sys.modules


@pytest.mark.parametrize("requirement", [
    "lexiloom>=0.1,<1", "lexiloom", "lexiloom>=0.1.0", "lexiloom[extra]>=0.1",
    "lexiloom>=9; extra == 'dev'", "lexiloom>=9; python_version < '3'",
])
def test_a_plugin_whose_requirement_admits_this_lexiloom_loads(requirement, fake_dist,
                                                               monkeypatch):
    install_requiring(fake_dist, requirement)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "req")
    record = only_record("req")
    assert (record.status, record.errors) == (plugins.LOADED, [])
    assert "good-tok" in registry.tokenizers


def test_listing_shows_the_incompatible_status_and_the_fix(fake_dist, monkeypatch):
    install_requiring(fake_dist, "lexiloom>=2", NEVER_IMPORTED)
    install(fake_dist, "good-dist", "good", GOOD)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "req,good")
    result = run("plugins")
    assert result.exit_code == 0
    text = block(result.output, "req")
    assert text.splitlines()[0].split() == ["req", "req-dist", "2.0.0", "incompatible"]
    assert "lexiloom>=2" in text and "pip install 'lexiloom>=2'" in text
    assert "good-tok" in registry.tokenizers  # the rest keeps working
    payload = json.loads(run("plugins", "--json").output)
    assert {p["name"]: p["status"] for p in payload["plugins"]}["req"] == "incompatible"


def test_strict_mode_treats_an_incompatible_plugin_as_a_failure(fake_dist, monkeypatch):
    install_requiring(fake_dist, "lexiloom<0.1", NEVER_IMPORTED)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "req")
    monkeypatch.setenv(plugins.STRICT_ENV, "1")
    with pytest.raises(PluginError, match=re.escape("req-dist requires lexiloom<0.1")):
        plugins.records()
    result = run("plugins")
    assert result.exit_code != 0 and "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: plugin load failed") and "req (req-dist 2.0.0)" in line


def test_a_disabled_plugin_is_not_checked_for_compatibility(fake_dist, monkeypatch):
    install_requiring(fake_dist, "lexiloom<0.1", NEVER_IMPORTED)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "")
    assert only_record("req").status == plugins.DISABLED


versions = st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3))


@settings(max_examples=100, deadline=None)
@given(low=versions, high=versions, installed=versions)
def test_requirement_problem_is_reported_exactly_when_the_version_is_outside(low, high,
                                                                            installed):
    """Property: the problem is reported iff the specifier does not contain the version."""
    low_text, high_text, version = (".".join(map(str, v)) for v in (low, high, installed))
    requirement = f"lexiloom>={low_text},<{high_text}"
    problem = plugins.lexiloom_requirement_problem([requirement], version, "p")
    inside = SpecifierSet(f">={low_text},<{high_text}").contains(version, prereleases=True)
    assert (problem is None) == inside
    if problem is not None:
        assert f"lexiloom {version} is installed" in problem and "p requires" in problem


def test_requirement_problem_ignores_other_distributions_and_bad_lines():
    assert plugins.lexiloom_requirement_problem(
        ["numpy<0.1", "not a requirement !!", "lexiloom-extras<0.1"], "0.1.0") is None
    assert plugins.lexiloom_requirement_problem(None, "0.1.0") is None

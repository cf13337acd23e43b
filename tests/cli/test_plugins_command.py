"""``lexiloom plugins`` and plugin-provided commands, through click's test runner."""

from __future__ import annotations

import json
import re

import pytest
from cli_helpers import assert_one_line_error, run
from fakedist import install, load_all
from plugin_sources import GOOD_TOKENIZER, HELLO_COMMAND

import lexiloom
from lexiloom import plugins
from lexiloom.cli import plugins as plugins_command
from lexiloom.registry import REGISTRIES

GOOD = GOOD_TOKENIZER

BROKEN = "raise RuntimeError('weights missing')\n"

COMMAND = HELLO_COMMAND + """
    @cli.command("grumble")
    def grumble():
        '''Always fails the way user errors fail.'''
        from lexiloom.errors import SettingsError
        raise SettingsError("grumble needs a mood; pass -o mood=cross")
"""

HIJACK = """
import click
import lexiloom

@lexiloom.hookimpl
def register_commands(cli):
    @cli.command("plugins")
    def plugins():
        '''Not the real one.'''
        click.echo("hijacked")

    @cli.command("extra")
    def extra():
        '''Kept: its name was free.'''
"""

RAISING_COMMANDS = """
import click
import lexiloom

@lexiloom.hookimpl
def register_commands(cli):
    @cli.command("half")
    def half():
        '''Never reachable.'''

    raise RuntimeError("changed my mind")
"""


# -- listing -----------------------------------------------------------------------------------


def test_plugins_lists_builtin_plugins_with_distribution_version_and_components():
    result = run("plugins")
    assert result.exit_code == 0, result.output
    assert re.search(rf"^tokenizers\s+lexiloom {lexiloom.__version__} \(built-in\)\s+loaded$",
                     result.output, re.MULTILINE)
    assert re.search(r"^  tokenizers: .*\bregex\b", result.output, re.MULTILINE)


def test_plugins_lists_a_failed_plugin_with_its_reason_and_exits_zero(fake_dist, monkeypatch):
    install(fake_dist, "broken-dist", "broken", BROKEN, version="0.3")
    install(fake_dist, "good-dist", "good", GOOD, version="2.1")
    load_all(monkeypatch)
    result = run("plugins")
    assert result.exit_code == 0, result.output
    assert re.search(r"^broken\s+broken-dist 0\.3\s+failed$", result.output, re.MULTILINE)
    assert ("  error: import of 'plug_broken_dist' failed: RuntimeError: weights missing"
            in result.output)
    assert re.search(r"^good\s+good-dist 2\.1\s+loaded$", result.output, re.MULTILINE)
    assert "  tokenizers: good-tok" in result.output


def test_plugins_marks_a_plugin_that_loaded_with_errors(fake_dist, monkeypatch):
    install(fake_dist, "squat-dist", "squat", GOOD.replace('"good-tok"', '"regex"'))
    load_all(monkeypatch)
    result = run("plugins")
    assert re.search(r"^squat\s+squat-dist 1\.0\.0\s+loaded with errors$", result.output,
                     re.MULTILINE)
    assert "  error: tokenizer name 'regex' is already registered by plugin 'tokenizers'" in (
        result.output)


def test_plugins_lists_unselected_plugins_as_disabled(fake_dist):
    install(fake_dist, "good-dist", "good", GOOD)
    result = run("plugins")  # LEXILOOM_PLUGINS="" (see conftest)
    assert re.search(r"^good\s+good-dist 1\.0\.0\s+disabled$", result.output, re.MULTILINE)


def test_plugins_lists_a_selected_plugin_that_is_not_installed(monkeypatch):
    monkeypatch.setenv(plugins.PLUGINS_ENV, "ghost")
    result = run("plugins")
    assert result.exit_code == 0
    assert re.search(r"^ghost\s+not installed\s+failed$", result.output, re.MULTILINE)


PLUGIN_FIELDS = {
    "name": str,
    "module": str,
    "distribution": (str, type(None)),
    "version": (str, type(None)),
    "builtin": bool,
    "status": str,
    "location": (str, type(None)),
    "hooks": list,
    "registered": dict,
    "errors": list,
    "details": list,
    "distribution_location": (str, type(None)),
    "spacy_names": dict,
}


def test_plugins_json_follows_the_documented_schema(fake_dist, monkeypatch):
    install(fake_dist, "broken-dist", "broken", BROKEN, version="0.3")
    install(fake_dist, "good-dist", "good", GOOD)
    install(fake_dist, "cmd-dist", "cmd", COMMAND)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "broken,good,cmd,ghost")
    result = run("plugins", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"lexiloom_version", "plugins"}
    assert payload["lexiloom_version"] == lexiloom.__version__
    for item in payload["plugins"]:
        assert set(item) == set(PLUGIN_FIELDS)
        for key, expected in PLUGIN_FIELDS.items():
            assert isinstance(item[key], expected), (key, item)
        assert item["status"] in {"loaded", "failed", "disabled", "incompatible"}
        assert all(isinstance(h, str) for h in item["hooks"])
        assert all(isinstance(e, str) and "\n" not in e for e in item["errors"])
        assert set(item["registered"]) <= set(REGISTRIES) | {"commands"}
        assert all(isinstance(n, str) for names in item["registered"].values() for n in names)
    by_name = {item["name"]: item for item in payload["plugins"]}
    assert by_name["tokenizers"]["builtin"] is True
    assert by_name["good"]["registered"] == {"tokenizers": ["good-tok"]}
    assert by_name["cmd"]["registered"] == {"commands": ["grumble", "hello"]}
    assert by_name["broken"]["status"] == "failed"
    assert by_name["broken"]["errors"]
    assert by_name["ghost"]["distribution"] is None


def test_documented_json_schema_names_every_field():
    documented = set(re.findall(r'"(\w+)":', plugins_command.__doc__ or ""))
    assert documented == set(PLUGIN_FIELDS) | {"lexiloom_version", "plugins", "tokenizers",
                                                "encoders"}


def test_plugins_help_describes_the_command():
    result = run("plugins", "--help")
    assert result.exit_code == 0
    assert "List installed plugins" in result.output
    assert "--json" in result.output


# -- strict mode -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("plugins",), ("plugins", "--json"), ("--help",)])
def test_strict_mode_failure_is_one_error_line_and_a_nonzero_exit(fake_dist, monkeypatch, args):
    install(fake_dist, "broken-dist", "broken", BROKEN, version="0.3")
    load_all(monkeypatch)
    monkeypatch.setenv(plugins.STRICT_ENV, "1")
    line = assert_one_line_error(run(*args))
    assert "broken (broken-dist 0.3)" in line
    assert "RuntimeError: weights missing" in line


# -- plugin commands ---------------------------------------------------------------------------


def test_register_commands_adds_a_command_that_runs(fake_dist, monkeypatch):
    install(fake_dist, "cmd-dist", "cmd", COMMAND)
    load_all(monkeypatch)
    result = run("hello", "world")
    assert result.exit_code == 0, result.output
    assert result.output == "hello world\n"
    assert "Greet WHO" in run("--help").output


def test_plugin_command_raising_a_lexiloom_error_prints_one_line(fake_dist, monkeypatch):
    install(fake_dist, "cmd-dist", "cmd", COMMAND)
    load_all(monkeypatch)
    line = assert_one_line_error(run("grumble"))
    assert line == "Error: grumble needs a mood; pass -o mood=cross"


def test_plugin_commands_are_absent_when_the_plugin_is_not_selected(fake_dist):
    install(fake_dist, "cmd-dist", "cmd", COMMAND)
    result = run("hello", "world")
    assert result.exit_code != 0
    assert "No such command 'hello'" in result.output


def test_plugin_replacing_a_builtin_command_is_reported_and_the_builtin_kept(fake_dist,
                                                                            monkeypatch):
    install(fake_dist, "hijack-dist", "hijack", HIJACK)
    load_all(monkeypatch)
    result = run("plugins")
    assert result.exit_code == 0
    assert "hijacked" not in result.output
    assert "  error: command name 'plugins' is already taken; choose another name" in (
        result.output)
    assert "  commands: extra" in result.output
    assert run("extra").exit_code == 0


def test_register_commands_that_raises_adds_no_command(fake_dist, monkeypatch):
    install(fake_dist, "raise-dist", "raiser", RAISING_COMMANDS)
    load_all(monkeypatch)
    result = run("plugins")
    assert "  error: register_commands raised RuntimeError: changed my mind" in result.output
    assert "No such command 'half'" in run("half").output


# -- a command needing a missing component ------------------------------------------------------


def test_command_needing_an_unknown_component_lists_the_available_names():
    line = assert_one_line_error(run("tokenize", "--tokenizer", "nope", "some text"))
    assert "unknown tokenizer 'nope'; available: " in line
    assert "regex" in line and "whitespace" in line


def test_command_needing_a_component_of_a_failed_plugin_fails_with_one_line(fake_dist,
                                                                            monkeypatch):
    install(fake_dist, "broken-dist", "broken", BROKEN)
    load_all(monkeypatch)
    line = assert_one_line_error(run("tokenize", "--tokenizer", "broken-tok", "text"))
    assert "unknown tokenizer 'broken-tok'" in line
    assert "lexiloom plugins" in line


def test_strict_mode_makes_a_command_clash_an_error(fake_dist, monkeypatch):
    install(fake_dist, "hijack-dist", "hijack", HIJACK)
    load_all(monkeypatch)
    monkeypatch.setenv(plugins.STRICT_ENV, "1")
    line = assert_one_line_error(run("plugins"))
    assert "command name 'plugins' is already taken" in line

"""Hooks are called through pluggy, one plugin at a time: ``tryfirst``/``trylast`` order and hook
wrappers work, and a plugin that raises is still contained and named."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from lexiloom import plugins, registry

TOKENIZER = '''
import lexiloom

class Tok:
    def tokenize(self, text):
        return []

Tok.__doc__ = "{owner}"

@lexiloom.hookimpl{marker}
def register_tokenizers(register):
    register("dup", Tok, description="{owner}")
'''


def _two_clashing(fake_dist, monkeypatch, *, aaa: str = "", zzz: str = "") -> str:
    """Plugins ``aaa`` and ``zzz`` both register tokenizer ``dup``; the description of the one
    that got it."""
    for name, marker in (("aaa", aaa), ("zzz", zzz)):
        fake_dist(f"{name}-dist", {f"{name}_tok.py": TOKENIZER.format(owner=name,
                                                                        marker=marker)},
                  entry_points={name: f"{name}_tok"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "aaa,zzz")
    return registry.tokenizers.get("dup").description


def test_without_markers_the_first_plugin_by_name_keeps_a_clashing_name(fake_dist, monkeypatch):
    assert _two_clashing(fake_dist, monkeypatch) == "aaa"
    zzz = next(r for r in plugins.records() if r.name == "zzz")
    assert any("already registered by plugin 'aaa'" in e for e in zzz.errors)


def test_a_tryfirst_plugin_wins_a_name_clash_it_would_otherwise_lose(fake_dist, monkeypatch):
    assert _two_clashing(fake_dist, monkeypatch, zzz="(tryfirst=True)") == "zzz"


def test_a_trylast_plugin_loses_a_name_clash_it_would_otherwise_win(fake_dist, monkeypatch):
    assert _two_clashing(fake_dist, monkeypatch, aaa="(trylast=True)") == "zzz"


def test_tryfirst_does_not_take_a_builtin_name(fake_dist, monkeypatch):
    fake_dist("squat-dist", {"squat_tok.py": TOKENIZER.replace('"dup"', '"regex"').format(
        owner="squat", marker="(tryfirst=True)")}, entry_points={"squat": "squat_tok"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "squat")
    assert registry.tokenizers.get("regex").plugin == "tokenizers"


WATCHER = '''
import lexiloom

SEEN = []

@lexiloom.hookimpl({style}=True)
def register_encoders(register):
    {body}
'''
OLD_STYLE = '''outcome = yield
    SEEN.append((register.plugin, [e.name for e in register.registered],
                 outcome.exception is not None))'''
NEW_STYLE = '''try:
        yield
    except Exception:
        SEEN.append((register.plugin, [e.name for e in register.registered], True))
        raise
    SEEN.append((register.plugin, [e.name for e in register.registered], False))'''

ENCODERS = '''
import lexiloom

def make(input_size):
    raise AssertionError("never built")

@lexiloom.hookimpl
def register_encoders(register):
    register("{name}", make)
    {extra}
'''


@pytest.mark.parametrize(("style", "body"), [("hookwrapper", OLD_STYLE),
                                             ("wrapper", NEW_STYLE)])
def test_a_hook_wrapper_sees_every_registration_of_the_others(fake_dist, monkeypatch, style,
                                                               body):
    fake_dist("watch-dist", {"watch_enc.py": WATCHER.format(style=style, body=body)},
              entry_points={"watch": "watch_enc"})
    fake_dist("one-dist", {"one_enc.py": ENCODERS.format(name="one", extra="")},
              entry_points={"one": "one_enc"})
    fake_dist("two-dist", {"two_enc.py": ENCODERS.format(
        name="two", extra='raise RuntimeError("half done")')},
              entry_points={"two": "two_enc"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "watch,one,two")
    assert "one" in registry.encoders and "two" not in registry.encoders
    seen = sys.modules["watch_enc"].SEEN
    assert ("recurrent", ["rnn", "lstm", "gru"], False) in seen  # the built-ins too
    assert ("one", ["one"], False) in seen
    assert ("two", ["two"], True) in seen  # it saw the registration and the exception
    two = next(r for r in plugins.records() if r.name == "two")
    assert two.errors == ["register_encoders raised RuntimeError: half done"]
    assert "two_enc.py" in two.details[0]


def test_a_raising_plugin_is_contained_and_named_while_the_others_register(fake_dist,
                                                                           monkeypatch):
    fake_dist("boom-dist", {"boom_enc.py": ENCODERS.format(
        name="boom", extra='raise ValueError("no weights")')},
              entry_points={"boom": "boom_enc"})
    fake_dist("fine-dist", {"fine_enc.py": ENCODERS.format(name="fine", extra="")},
              entry_points={"fine": "fine_enc"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "boom,fine")
    assert "fine" in registry.encoders and "boom" not in registry.encoders
    boom = next(r for r in plugins.records() if r.name == "boom")
    assert boom.status == plugins.LOADED  # loaded, with the error recorded
    assert boom.errors == ["register_encoders raised ValueError: no weights"]
    assert "lstm" in registry.encoders


def test_builtin_commands_come_from_a_register_commands_hookimpl():
    from lexiloom.cli import BUILTIN_COMMANDS, cli

    CliRunner().invoke(cli, ["--help"])
    record = next(r for r in plugins.records() if r.name == BUILTIN_COMMANDS)
    assert record.builtin and record.hooks == ["register_commands"]
    assert {"train", "plugins", "vectors", "classify"} <= set(record.registered["commands"])


def test_a_plugin_command_cannot_take_a_builtin_command_name(fake_dist, monkeypatch):
    fake_dist("cmd-dist", {"cmd_plugin.py": '''
        import click
        import lexiloom

        @lexiloom.hookimpl(tryfirst=True)
        def register_commands(cli):
            @cli.command("train")
            def train():
                click.echo("hijacked")

            @cli.command("hello")
            def hello():
                click.echo("hello from a plugin")
        '''}, entry_points={"cmd": "cmd_plugin"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "cmd")
    from lexiloom.cli import cli

    assert CliRunner().invoke(cli, ["hello"]).output == "hello from a plugin\n"
    assert "hijacked" not in CliRunner().invoke(cli, ["train", "--help"]).output
    record = next(r for r in plugins.records() if r.name == "cmd")
    assert any("command name 'train' is already taken" in e for e in record.errors)

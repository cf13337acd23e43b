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


def test_a_raising_hook_wrapper_is_blamed_and_left_out_not_the_plugins_it_wraps(fake_dist,
                                                                                 monkeypatch):
    fake_dist("bad-wrap-dist", {"bad_wrap.py": '''
        import lexiloom

        @lexiloom.hookimpl(wrapper=True)
        def register_tokenizers(register):
            result = yield
            raise RuntimeError("buggy wrapper")
        '''}, entry_points={"badwrap": "bad_wrap"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "badwrap")
    assert {"regex", "whitespace", "char"} <= set(registry.tokenizers.names())
    by_name = {r.name: r for r in plugins.records()}
    assert by_name["tokenizers"].errors == []
    (error,) = by_name["badwrap"].errors
    assert "wrapper raised RuntimeError: buggy wrapper while wrapping plugin 'tokenizers'" in error


def test_control_a_plugin_that_raises_under_a_working_wrapper_is_still_the_one_named(
        fake_dist, monkeypatch):
    fake_dist("ok-wrap-dist", {"ok_wrap.py": WATCHER.format(style="wrapper", body=NEW_STYLE)},
              entry_points={"okwrap": "ok_wrap"})
    fake_dist("boom-dist", {"boom_enc.py": ENCODERS.format(
        name="boom", extra='raise ValueError("no weights")')}, entry_points={"boom": "boom_enc"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "okwrap,boom")
    by_name = {r.name: r for r in (plugins.records())}
    assert by_name["boom"].errors == ["register_encoders raised ValueError: no weights"]
    assert by_name["okwrap"].errors == []
    assert "lstm" in registry.encoders


def test_a_command_added_directly_survives_a_reload_of_the_plugins():
    import click

    from lexiloom.cli import cli

    CliRunner().invoke(cli, ["--help"])

    @click.command("extra")
    def extra():
        click.echo("extra")

    cli.add_command(extra)
    try:
        plugins.reset()
        listed = cli.list_commands(click.Context(cli))
        assert "extra" in listed and "train" in listed
    finally:
        cli.commands.pop("extra", None)


def test_builtin_commands_load_when_a_plugin_imports_the_cli_while_loading(fake_dist, tmp_path):
    import os
    import subprocess

    dist = fake_dist("cli-user-dist", {"cli_user.py": '''
        import lexiloom
        from lexiloom.cli import UserError  # imports the command line while plugins load
        '''}, entry_points={"cliuser": "cli_user"})
    script = ("from lexiloom import registry; registry.tokenizers.names()\n"
              "import click; from lexiloom.cli import cli\n"
              "print(sorted(cli.list_commands(click.Context(cli))))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(dist.root),
                                                        os.environ.get("PYTHONPATH", "")]),
           plugins.PLUGINS_ENV: "cliuser"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "'train'" in result.stdout and "'plugins'" in result.stdout

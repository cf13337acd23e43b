"""The ``lexiloom`` command line: one click group, one module per command group.

Every command is a thin layer over the Python API. Errors a user can cause
(:class:`~lexiloom.errors.LexiloomError`) print as one line on stderr with a non-zero exit.
Every command, lexiloom's own included (:class:`BuiltinCommands`), is added through the
``register_commands(cli)`` hook, built-ins first.
"""

from __future__ import annotations

from typing import Any

import click

from lexiloom import __version__, hookimpl
from lexiloom import plugins as _plugins
from lexiloom.errors import LexiloomError

BUILTIN_COMMANDS = "commands"
"""The name of the built-in plugin that adds lexiloom's own commands."""


class UserError(click.ClickException):
    """A :class:`LexiloomError` shown by click as ``Error: message``."""

    def __init__(self, error: LexiloomError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


class LexiloomGroup(click.Group):
    """A click group that turns lexiloom errors into one line and mounts plugin commands."""

    _plugin_commands_added = False
    _mounted_host: Any = None
    """The plugin host whose commands are mounted (after ``plugins.reset()`` a new host loads
    and its commands replace the old host's)."""
    _hooked: dict[str, click.Command] | None = None
    """The commands the mounted host's hooks added (removed before a new host mounts; commands
    added to the group directly stay)."""

    def _add_plugin_commands(self) -> None:
        try:
            host = _plugins.ensure_loaded()
            if self._plugin_commands_added and self._mounted_host is host:
                return
            for name, command in (self._hooked or {}).items():
                if self.commands.get(name) is command:
                    del self.commands[name]
            self._plugin_commands_added = True
            self._mounted_host = host
            before = dict(self.commands)
            host.add_commands(self)
            self._hooked = {name: command for name, command in self.commands.items()
                            if before.get(name) is not command}
        except LexiloomError as err:
            raise UserError(err) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._add_plugin_commands()
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LexiloomError as err:
            raise UserError(err) from None


@click.group(cls=LexiloomGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lexiloom")
def cli() -> None:
    """lexiloom: train and run word vectors and recurrent networks, inside spaCy, with plugins."""


class BuiltinCommands:
    """lexiloom's own commands, added by the ``register_commands`` hook like a plugin's (the
    built-in plugin ``commands``), so that they load first and keep their names."""

    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        """Mount one command (or group) per module of :mod:`lexiloom.cli`."""
        from lexiloom.cli import (
            corpora,
            evaluate,
            generate,
            plugin,
            plugins,
            predict,
            pretrain,
            quantize,
            tokenize,
            train,
            vectors,
        )

        for module in (plugins, plugin, tokenize, corpora, vectors, train, pretrain, evaluate,
                       generate, quantize):
            cli.add_command(module.command)
        cli.add_command(predict.classify_command)
        cli.add_command(predict.sentiment_command)


_plugins.register_builtin(BuiltinCommands(), name=BUILTIN_COMMANDS)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="lexiloom")

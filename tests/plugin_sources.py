"""Sources of small fake plugin modules, for :func:`fakedist.install`.

- ``GOOD_TOKENIZER``: registers the tokenizer ``good-tok`` (setting ``upper``, default False).
- ``HELLO_COMMAND``: adds the command ``hello WHO``. It ends inside ``register_commands``, so
  indented source appended to it adds more commands.
"""

from __future__ import annotations

GOOD_TOKENIZER = """
import lexiloom

class Tok:
    def __init__(self, upper=False):
        self.upper = upper

@lexiloom.hookimpl
def register_tokenizers(register):
    register("good-tok", Tok, description="a good tokenizer", defaults={"upper": False})
"""

HELLO_COMMAND = """
import click
import lexiloom

@lexiloom.hookimpl
def register_commands(cli):
    @cli.command("hello")
    @click.argument("who")
    def hello(who):
        '''Greet WHO (added by a plugin).'''
        click.echo(f"hello {who}")
"""

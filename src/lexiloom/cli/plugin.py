"""``lexiloom plugin``: tools for plugin authors; ``lexiloom plugin new`` writes a new plugin."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lexiloom.scaffold import KINDS, new_plugin, plugin_names


@click.group("plugin")
def command() -> None:
    """Create lexiloom plugins (see docs/plugins.md)."""


@command.command("new")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), default="tokenizer", show_default=True,
              help="The kind of component the plugin registers.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True,
              help="Where to create the folder lexiloom-NAME/.")
@click.option("--json", "as_json", is_flag=True,
              help='Print JSON: {"path": str, "distribution": str, "package": str, '
                   '"name": str, "kind": str}.')
def new(name: str, kind: str, directory: Path, as_json: bool) -> None:
    """Write the plugin distribution lexiloom-NAME/ with a working KIND component.

    It holds setup.py (entry point group "lexiloom"), the package lexiloom_NAME/ registering the
    component as NAME, a README and tests that run lexiloom's conformance kit on it. NAME is
    lowercased and may contain letters, digits and hyphens.
    """
    root = click.get_current_context().find_root().command
    target = new_plugin(name, kind, directory,
                        taken_commands=set(getattr(root, "commands", {})))
    names = plugin_names(name)
    if as_json:
        click.echo(json.dumps({"path": str(target), "distribution": names.distribution,
                               "package": names.package, "name": names.name, "kind": kind}))
        return
    click.echo(f"Created {target} ({kind} {names.name!r}, package {names.package}). Next:")
    click.echo(f"  cd {target}")
    click.echo("  pip install -e '.[test]'")
    click.echo("  LEXILOOM_STRICT_PLUGINS=1 pytest")
    click.echo(f"  lexiloom plugins --verbose   # lists {names.name!r}")

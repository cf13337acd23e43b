"""``lexiloom plugins``: every plugin, what it registered, and why any failed.

``--json`` prints one object (a stable schema for scripts)::

    {"lexiloom_version": "0.1.0",
     "plugins": [{"name": str,             # entry-point name
                  "module": str,           # what the entry point loads
                  "distribution": str|null, "version": str|null,
                  "builtin": bool,
                  "status": "loaded"|"failed"|"disabled"|"incompatible",
                  "location": str|null,    # file the plugin was loaded from
                  "distribution_location": str|null,   # where its metadata was found
                  "spacy_names": {"encoders": [str], ...},  # kind -> blocks' spaCy names
                  "hooks": [str],          # hooks it implements
                  "registered": {"tokenizers": [str], ...},   # kind -> names
                  "errors": [str],         # one line each; empty when all went well
                  "details": [str]}]}      # full text of each error (with traceback)

``incompatible``: the distribution requires a lexiloom version other than the installed one
(``Requires-Dist: lexiloom ...``); it was not imported. ``--verbose`` adds, per plugin, where it
was loaded from, its hooks, each registered name with its description, and the full text of
every error.
"""

from __future__ import annotations

import json
from typing import Any

import click

from lexiloom import __version__, plugins
from lexiloom.registry import REGISTRIES

_COLORS = {plugins.LOADED: "green", plugins.FAILED: "red", plugins.DISABLED: "yellow",
           plugins.INCOMPATIBLE: "red"}


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in the docs).")
@click.option("-v", "--verbose", is_flag=True,
              help="Also show where each plugin was loaded from, its hooks, the description of "
                   "each registered name and the full text (traceback) of each error.")
def command(as_json: bool, verbose: bool) -> None:
    """List installed plugins, what each registered, and load errors."""
    records = plugins.records()
    if as_json:
        payload = {"lexiloom_version": __version__, "plugins": [r.to_dict() for r in records]}
        click.echo(json.dumps(payload, indent=2))
        return
    root = click.get_current_context().find_root().command
    for record in records:
        click.echo(_headline(record))
        if verbose:
            _echo_verbose(record, root)
            continue
        for kind, names in sorted(record.registered.items()):
            click.echo(f"  {kind}: {', '.join(names)}")
        for error in record.errors:
            click.echo(f"  error: {error}")


def _headline(record: plugins.PluginRecord) -> str:
    origin = (f"{record.distribution} {record.version or '?'}" if record.distribution
              else "not installed" if not record.module else "unknown distribution")
    if record.builtin:
        origin += " (built-in)"
    with_errors = bool(record.errors) and record.status == plugins.LOADED
    status = "loaded with errors" if with_errors else record.status
    color = "yellow" if with_errors else _COLORS.get(record.status)
    return f"{click.style(record.name, bold=True)}  {origin}  {click.style(status, fg=color)}"


def _echo_verbose(record: plugins.PluginRecord, root: Any) -> None:
    if record.module:
        click.echo(f"  module: {record.module}")
    click.echo(f"  location: {record.location or '(not imported)'}")
    if record.distribution_location:
        click.echo(f"  distribution location: {record.distribution_location}")
    click.echo(f"  hooks: {', '.join(record.hooks) or 'none'}")
    for kind, names in sorted(record.registered.items()):
        click.echo(f"  {kind}:")
        width = max(map(len, names), default=0)
        for name in names:
            description = _description(kind, name, root)
            click.echo(f"    {name:<{width}}  {description}".rstrip())
        if record.spacy_names.get(kind):
            click.echo(f"    in spaCy configs: {', '.join(record.spacy_names[kind])}")
    for detail in record.details:
        first, *rest = detail.splitlines() or [""]
        click.echo(f"  error: {first}")
        for line in rest:
            click.echo(f"    {line}")


def _description(kind: str, name: str, root: Any) -> str:
    """The one-line description registered with ``name`` (a command's short help)."""
    if kind == "commands":
        cmd = getattr(root, "commands", {}).get(name)
        return cmd.get_short_help_str(limit=80) if cmd is not None else ""
    registry = REGISTRIES.get(kind)
    if registry is None or name not in registry:
        return ""
    return registry.get(name).description

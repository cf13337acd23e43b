"""``lexiloom plugins``: every plugin, what it registered, and why any failed.

``--json`` prints one object (a stable schema for scripts)::

    {"lexiloom_version": "0.1.0",
     "plugins": [{"name": str,             # entry-point name
                  "module": str,           # what the entry point loads
                  "distribution": str|null, "version": str|null,
                  "builtin": bool,
                  "status": "loaded"|"failed"|"disabled",
                  "location": str|null,    # file the plugin was loaded from
                  "hooks": [str],          # hooks it implements
                  "registered": {"tokenizers": [str], ...},   # kind -> names
                  "errors": [str]}]}       # empty when all went well
"""

from __future__ import annotations

import json

import click

from lexiloom import __version__, plugins


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in the docs).")
def command(as_json: bool) -> None:
    """List installed plugins, what each registered, and load errors."""
    records = plugins.records()
    if as_json:
        payload = {"lexiloom_version": __version__, "plugins": [r.to_dict() for r in records]}
        click.echo(json.dumps(payload, indent=2))
        return
    for record in records:
        origin = (f"{record.distribution} {record.version or '?'}" if record.distribution
                  else "not installed" if not record.module else "unknown distribution")
        if record.builtin:
            origin += " (built-in)"
        status = record.status if not record.errors or record.status != "loaded" else (
            "loaded with errors")
        color = {"loaded": "green", "failed": "red", "disabled": "yellow"}.get(record.status)
        if record.errors and record.status == "loaded":
            color = "yellow"
        click.echo(f"{click.style(record.name, bold=True)}  {origin}  "
                   f"{click.style(status, fg=color)}")
        for kind, names in sorted(record.registered.items()):
            click.echo(f"  {kind}: {', '.join(names)}")
        for error in record.errors:
            click.echo(f"  error: {error}")

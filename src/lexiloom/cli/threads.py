"""The ``--threads`` option every command that trains or runs a model takes
(:mod:`lexiloom.threads` owns the default: the cores this process may use)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

HELP = ("CPU threads (default: the cores this process may use, from its CPU affinity and "
        "quota; at most that many).")


def threads_option(*aliases: str, help: str = HELP) -> Callable[[Any], Any]:
    """``--threads N`` (plus ``aliases``, e.g. ``--workers``), passed to the command as
    ``threads`` (``None`` when not given)."""
    return click.option("--threads", *aliases, "threads", type=int, default=None, metavar="N",
                        help=help)

"""Plugin discovery and loading.

Plugins are entry points of group ``lexiloom``. The built-in plugins (those of the ``lexiloom``
distribution) load through the same mechanism as third-party ones, always first, and their
component names are reserved. Loading is contained: a plugin that fails to import, fails hook
validation, raises inside a hook or registers a taken name is recorded with its distribution,
version and the reason, and everything else keeps working.

Environment:

- ``LEXILOOM_PLUGINS``: comma-separated entry-point names of the third-party plugins to load.
  Unset: all installed plugins; empty string: none. Built-in plugins always load.
- ``LEXILOOM_STRICT_PLUGINS=1``: any load failure (an incompatible plugin included) raises
  :class:`~lexiloom.errors.PluginError` (for plugin authors and CI).

A third-party distribution whose ``Requires-Dist: lexiloom ...`` is not satisfied by the installed
lexiloom is not imported at all: its record has status ``incompatible`` and an error naming the
requirement, the installed version and the fix.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from lexiloom import hookspecs
from lexiloom.errors import PluginError
from lexiloom.registry import REGISTRIES, check_registration, make_entry

ENTRY_POINT_GROUP = "lexiloom"
BUILTIN_DISTRIBUTION = "lexiloom"
PLUGINS_ENV = "LEXILOOM_PLUGINS"
STRICT_ENV = "LEXILOOM_STRICT_PLUGINS"

LOADED, FAILED, DISABLED, INCOMPATIBLE = "loaded", "failed", "disabled", "incompatible"


@dataclass
class PluginRecord:
    """What ``lexiloom plugins`` reports about one plugin (one entry point)."""

    name: str
    module: str
    distribution: str | None
    version: str | None
    builtin: bool
    status: str = LOADED
    location: str | None = None
    hooks: list[str] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    """The full text of each error, in the order of ``errors``: the message as written plus the
    traceback when an exception caused it (``lexiloom plugins --verbose`` shows them)."""
    distribution_location: str | None = None
    """Where the distribution's metadata was found (its ``.dist-info`` folder, or the folder
    that holds it)."""

    def fail(self, reason: str, details: str | None = None) -> None:
        """Record an error: one line in ``errors`` and its full text (``details``, else
        ``reason``) in ``details``. Callers set ``status`` to ``failed`` when the plugin was never
        usable; a loaded plugin with errors keeps ``loaded``."""
        self.errors.append(" ".join(reason.split()))
        full = reason if details is None else f"{reason}\n{details}"
        self.details.append(full.rstrip("\n"))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form documented for ``lexiloom plugins --json``."""
        return asdict(self)

    def describe(self) -> str:
        """``name (distribution version)`` for messages."""
        dist = self.distribution or "unknown distribution"
        return f"{self.name} ({dist} {self.version or '?'})"


class PluginHost:
    """Owns the pluggy manager, the plugin records and the filling of the registries."""

    def __init__(self, *, strict: bool | None = None, selection: str | None = None) -> None:
        self.pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.records: list[PluginRecord] = []
        self.strict = _env_flag(STRICT_ENV) if strict is None else strict
        self.selection = os.environ.get(PLUGINS_ENV) if selection is None else selection

    # -- discovery ---------------------------------------------------------------------------
    def load(self) -> None:
        """Import every selected entry point, register its hooks and fill the registries."""
        wanted = _parse_selection(self.selection)
        seen_names: dict[str, PluginRecord] = {}
        for ep in _ordered_entry_points():
            record = _record_for(ep)
            if not record.builtin and wanted is not None and ep.name not in wanted:
                record.status = DISABLED
                self.records.append(record)
                continue
            self.records.append(record)
            previous = seen_names.get(ep.name)
            if previous is not None:
                why = "reserved for a built-in plugin" if previous.builtin else "already taken"
                record.status = FAILED
                record.fail(
                    f"entry-point name {ep.name!r} is {why} by {previous.describe()}; "
                    f"rename the entry point in the plugin's setup"
                )
                continue
            seen_names[ep.name] = record
            if not record.builtin and _check_compatible(ep, record):
                continue
            self._import_and_register(ep, record)
        for name in sorted((wanted or set()) - set(seen_names)):
            record = PluginRecord(name, "", None, None, builtin=False, status=FAILED)
            record.fail(f"{PLUGINS_ENV} selects {name!r}, but no installed plugin has that name")
            self.records.append(record)
        self._fill_registries()
        self._raise_if_strict()

    def _import_and_register(self, ep: metadata.EntryPoint, record: PluginRecord) -> None:
        try:
            plugin = ep.load()
        except (Exception, SystemExit) as err:  # a broken plugin must not brick the tool
            record.status = FAILED
            record.fail(f"import of {ep.value!r} failed: {type(err).__name__}: {err}",
                        _plugin_traceback(err))
            return
        record.location = getattr(plugin, "__file__", None)
        try:
            self.pm.register(plugin, name=ep.name)
        except pluggy.PluginValidationError as err:
            record.status = FAILED
            record.fail(f"invalid hook implementation: {err}")
            return
        except ValueError:  # pluggy: this object is already registered under another name
            record.status = FAILED
            owner = self.pm.get_name(plugin)
            record.fail(f"{ep.value!r} is already loaded as plugin {owner!r}; "
                        "give each entry point its own module or object")
            return
        for hook_name in _hook_names():
            candidate = getattr(plugin, hook_name, None)
            if callable(candidate) and self.pm.parse_hookimpl_opts(plugin, hook_name) is None:
                record.fail(f"{hook_name} is not marked @lexiloom.hookimpl, so it is never "
                            "called; decorate it")
        for caller in self.pm.get_hookcallers(plugin) or []:
            impls = [i for i in caller.get_hookimpls() if i.plugin is plugin]
            if caller.spec is None and not all(i.optionalhook for i in impls):
                record.fail(
                    f"implements unknown hook {caller.name!r}; known hooks: "
                    + ", ".join(sorted(_hook_names()))
                )
            elif caller.spec is not None:
                record.hooks.append(caller.name)
        record.hooks.sort()

    # -- registration --------------------------------------------------------------------------
    def _fill_registries(self) -> None:
        for hook_name, plural in hookspecs.HOOK_KINDS.items():
            registry = REGISTRIES[plural]
            for record, impl in self._impls(hook_name):
                pending: list[Any] = []

                def register(
                    name: str,
                    factory: Callable[..., Any],
                    *,
                    description: str = "",
                    defaults: dict[str, Any] | None = None,
                    _record: PluginRecord = record,
                    _pending: list[Any] = pending,
                    _registry: Any = registry,
                ) -> None:
                    problem = check_registration(name, factory, description, defaults)
                    if problem:
                        raise PluginError(problem)
                    _pending.append(make_entry(_registry, name, factory, description,
                                               defaults, _record.name))

                try:
                    _call(impl, register=register)
                except (Exception, SystemExit) as err:
                    record.fail(f"{hook_name} raised {type(err).__name__}: {err}",
                                _plugin_traceback(err))
                    continue
                for entry in pending:
                    owner = registry._owner(entry.name)
                    if owner is not None:
                        record.fail(
                            f"{registry.kind} name {entry.name!r} is already registered by "
                            f"plugin {owner!r}; choose another name"
                        )
                        continue
                    registry._add(entry)
                    record.registered.setdefault(plural, []).append(entry.name)

    def add_commands(self, cli: Any) -> None:
        """Run ``register_commands(cli)`` for each plugin, keeping existing commands intact."""
        for record, impl in self._impls("register_commands"):
            before = dict(cli.commands)
            try:
                _call(impl, cli=cli)
            except (Exception, SystemExit) as err:  # keep nothing from a hook call that raised
                record.fail(f"register_commands raised {type(err).__name__}: {err}",
                            _plugin_traceback(err))
                cli.commands.clear()
                cli.commands.update(before)
                continue
            for name, command in before.items():
                if cli.commands.get(name) is not command:
                    cli.commands[name] = command
                    record.fail(f"command name {name!r} is already taken; choose another name")
            added = sorted(set(cli.commands) - set(before))
            if added:
                record.registered["commands"] = added
        self._raise_if_strict()

    def _impls(self, hook_name: str) -> Iterable[tuple[PluginRecord, Any]]:
        caller = getattr(self.pm.hook, hook_name)
        by_name = {r.name: r for r in self.records if r.status == LOADED}
        impls = {i.plugin_name: i for i in caller.get_hookimpls()}
        for name, record in by_name.items():  # the records' (deterministic) order
            if name in impls:
                yield record, impls[name]

    def _raise_if_strict(self) -> None:
        if not self.strict:
            return
        problems = [f"{r.describe()}: {e}" for r in self.records for e in r.errors]
        if problems:
            raise PluginError(
                f"plugin load failed ({STRICT_ENV}=1): " + "; ".join(problems)
                + f"; fix or uninstall the plugin, or unset {STRICT_ENV}"
            )


def _plugin_traceback(err: BaseException) -> str:
    """The traceback of ``err`` without the frames of lexiloom's loader, importlib and pluggy:
    the plugin's own code is what its author needs to see."""
    summary = traceback.TracebackException.from_exception(err)
    kept = [frame for frame in summary.stack if not _is_host_frame(frame.filename)]
    if kept:
        summary.stack = traceback.StackSummary.from_list(kept)
    return "".join(summary.format())


def _is_host_frame(filename: str) -> bool:
    name = filename.replace("\\", "/")
    return (filename == __file__ or "importlib" in name or "/pluggy/" in name)


def _call(impl: Any, **kwargs: Any) -> Any:
    return impl.function(**{name: kwargs[name] for name in impl.argnames})


def _hook_names() -> list[str]:
    return [n for n in dir(hookspecs) if n.startswith("register_")]


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _parse_selection(value: str | None) -> set[str] | None:
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _dist_name(ep: metadata.EntryPoint) -> str | None:
    dist = getattr(ep, "dist", None)
    return dist.metadata["Name"] if dist is not None else None


def _is_builtin(ep: metadata.EntryPoint) -> bool:
    name = _dist_name(ep)
    return name is not None and name.lower().replace("_", "-") == BUILTIN_DISTRIBUTION


def _ordered_entry_points() -> list[metadata.EntryPoint]:
    """Built-ins first, then third-party plugins, each sorted by (name, distribution)."""
    unique: dict[tuple[str, str, str], metadata.EntryPoint] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        unique.setdefault((ep.name, ep.value, _dist_name(ep) or ""), ep)
    return sorted(unique.values(),
                  key=lambda ep: (not _is_builtin(ep), ep.name, _dist_name(ep) or ""))


def _record_for(ep: metadata.EntryPoint) -> PluginRecord:
    dist = getattr(ep, "dist", None)
    return PluginRecord(
        name=ep.name,
        module=ep.value,
        distribution=_dist_name(ep),
        version=dist.version if dist is not None else None,
        builtin=_is_builtin(ep),
        distribution_location=_dist_location(dist),
    )


def _dist_location(dist: metadata.Distribution | None) -> str | None:
    if dist is None:
        return None
    path = getattr(dist, "_path", None)  # PathDistribution: the .dist-info / .egg-info folder
    return str(path if path is not None else dist.locate_file(""))


def lexiloom_requirement_problem(
    requires: Iterable[str] | None, installed: str, distribution: str = "the plugin"
) -> str | None:
    """Why ``requires`` (``Requires-Dist`` lines) rules out lexiloom ``installed``, or ``None``.

    Only requirements on ``lexiloom`` count, and only those whose environment marker holds (a
    requirement of an optional extra never does). The message names the requirement, the
    installed version and the fix.
    """
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version

    try:
        version = Version(installed)
    except InvalidVersion:
        return None
    for line in requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) != BUILTIN_DISTRIBUTION:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        if requirement.specifier.contains(version, prereleases=True):
            continue
        wanted = f"{requirement.name}{requirement.specifier}"
        return (
            f"{distribution} requires {wanted}, but lexiloom {installed} is "
            f"installed; upgrade {distribution} to a release that supports lexiloom {installed} "
            f"(pip install -U {distribution}), install a lexiloom that matches "
            f"(pip install '{wanted}'), or uninstall {distribution}"
        )
    return None


def _check_compatible(ep: metadata.EntryPoint, record: PluginRecord) -> bool:
    """Mark ``record`` incompatible (and return ``True``) when its distribution's lexiloom
    requirement excludes the installed lexiloom."""
    dist = getattr(ep, "dist", None)
    if dist is None:
        return False
    from lexiloom import __version__

    try:
        requires = dist.requires
    except Exception:  # unreadable metadata: let the import decide
        return False
    problem = lexiloom_requirement_problem(requires, __version__, record.distribution or ep.name)
    if problem is None:
        return False
    record.status = INCOMPATIBLE
    record.fail(problem)
    return True


_lock = threading.RLock()
_host: PluginHost | None = None
_loading: PluginHost | None = None


def ensure_loaded() -> PluginHost:
    """Load plugins once per process (thread-safe) and return the host.

    Called again while loading (from a plugin's import or hook), it returns the host being loaded:
    what is registered so far, without loading twice.
    """
    global _host, _loading
    with _lock:
        if _host is not None:
            return _host
        if _loading is not None:
            return _loading
        host = _loading = PluginHost()
        try:
            host.load()
        except BaseException:
            for registry in REGISTRIES.values():
                registry._clear()
            raise
        finally:
            _loading = None
        _host = host
        return host


def records() -> list[PluginRecord]:
    """The plugin records, loading plugins first if needed."""
    return list(ensure_loaded().records)


def reset() -> None:
    """Forget loaded plugins and empty the registries; the next use loads them again.

    For tests, and for programs that changed ``sys.path`` or the environment variables.
    """
    global _host
    with _lock:
        _host = None
        for registry in REGISTRIES.values():
            registry._clear()

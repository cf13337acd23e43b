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
- ``LEXILOOM_SLOW_HOOK_SECONDS`` (default 5): a plugin's hook call that runs longer gives a
  :class:`SlowPluginWarning` naming the plugin and the hook, with the traceback of where it was
  when the time ran out (taken by :mod:`faulthandler` while it was still running).

A third-party distribution whose ``Requires-Dist: lexiloom ...`` is not satisfied by the installed
lexiloom is not imported at all: its record has status ``incompatible`` and an error naming the
requirement, the installed version and the fix.
"""

from __future__ import annotations

import faulthandler
import os
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from lexiloom import hookspecs
from lexiloom import registry as _registry
from lexiloom.errors import PluginError
from lexiloom.registry import REGISTRIES, Entry, check_registration, make_entry
from lexiloom.version import __version__

ENTRY_POINT_GROUP = "lexiloom"
BUILTIN_DISTRIBUTION = "lexiloom"
PLUGINS_ENV = "LEXILOOM_PLUGINS"
STRICT_ENV = "LEXILOOM_STRICT_PLUGINS"
SLOW_HOOK_ENV = "LEXILOOM_SLOW_HOOK_SECONDS"
SLOW_HOOK_SECONDS = 5.0


class SlowPluginWarning(UserWarning):
    """A plugin's hook took longer than ``LEXILOOM_SLOW_HOOK_SECONDS`` (default 5 s)."""

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
    spacy_names: dict[str, list[str]] = field(default_factory=dict)
    """The versioned spaCy names of the model blocks it registered, by kind (``"encoders":
    ["lexiloom.LSTMEncoder.v1"]``), as configs name them in ``@architectures``."""

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


class Registrar:
    """The ``register`` callable a ``register_*`` hook receives:
    ``register(name, factory, *, description="", defaults=None, version=1, spacy_name=None)``.

    Each plugin's call gets its own; :attr:`plugin` names the plugin being called and
    :attr:`registered` holds what it registered so far (a hook wrapper reads them after its
    ``yield``). A registration that is invalid raises :class:`~lexiloom.errors.PluginError` at
    once; one whose name is taken is refused after the call, as a load error of the plugin.
    """

    def __init__(self, registry: Any, plugin: str) -> None:
        self.kind: str = registry.plural
        self.plugin = plugin
        self.registered: list[Entry[Any]] = []
        self._registry = registry

    def __call__(self, name: str, factory: Callable[..., Any], *, description: str = "",
                 defaults: dict[str, Any] | None = None, version: int = 1,
                 spacy_name: str | None = None) -> None:
        problem = check_registration(name, factory, description, defaults, version,
                                     spacy_name, self.kind)
        if problem:
            raise PluginError(problem)
        self.registered.append(make_entry(self._registry, name, factory, description,
                                          defaults, self.plugin, version, spacy_name))


class PluginHost:
    """Owns the pluggy manager, the plugin records and the filling of the registries."""

    def __init__(self, *, strict: bool | None = None, selection: str | None = None) -> None:
        self.pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.records: list[PluginRecord] = []
        self._broken_wrappers: set[str] = set()
        self.strict = _env_flag(STRICT_ENV) if strict is None else strict
        self.selection = os.environ.get(PLUGINS_ENV) if selection is None else selection

    # -- discovery ---------------------------------------------------------------------------
    def load(self) -> None:
        """Import every selected entry point, register its hooks and fill the registries."""
        wanted = _parse_selection(self.selection)
        seen_names: dict[str, PluginRecord] = {}
        in_process = False
        for ep in _ordered_entry_points():
            if not in_process and not _is_builtin(ep):
                in_process = True
                self._register_in_process(seen_names)
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
        if not in_process:
            self._register_in_process(seen_names)
        for name in sorted((wanted or set()) - set(seen_names)):
            record = PluginRecord(name, "", None, None, builtin=False, status=FAILED)
            record.fail(f"{PLUGINS_ENV} selects {name!r}, but no installed plugin has that name")
            self.records.append(record)
        self._fill_registries()
        self._raise_if_strict()

    def _register_in_process(self, seen_names: dict[str, PluginRecord]) -> None:
        """The built-in plugins that lexiloom's own modules register (:func:`register_builtin`),
        after the built-in entry points and before every third-party plugin."""

        for name, plugin in _builtin_objects.items():
            record = PluginRecord(name, getattr(plugin, "__name__", repr(plugin)),
                                  BUILTIN_DISTRIBUTION, __version__, builtin=True)
            self.records.append(record)
            seen_names[name] = record
            self._register(plugin, name, name, record)

    def _import_and_register(self, ep: metadata.EntryPoint, record: PluginRecord) -> None:
        try:
            plugin = ep.load()
        except (Exception, SystemExit) as err:  # a broken plugin must not brick the tool
            record.status = FAILED
            record.fail(f"import of {ep.value!r} failed: {type(err).__name__}: {err}",
                        _plugin_traceback(err))
            return
        self._register(plugin, ep.name, ep.value, record)

    def _register(self, plugin: Any, name: str, value: str, record: PluginRecord) -> None:
        """Register ``plugin`` with pluggy under ``name`` and record its hooks."""
        record.location = getattr(plugin, "__file__", None)
        try:
            self.pm.register(plugin, name=name)
        except pluggy.PluginValidationError as err:
            record.status = FAILED
            record.fail(f"invalid hook implementation: {err}")
            return
        except ValueError:  # pluggy: this object is already registered under another name
            record.status = FAILED
            owner = self.pm.get_name(plugin)
            record.fail(f"{value!r} is already loaded as plugin {owner!r}; "
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
            for record, call in self._callers(hook_name):
                try:
                    register = call(lambda r=record, g=registry: {"register": Registrar(g,
                                                                                       r.name)})
                except (Exception, SystemExit) as err:
                    record.fail(f"{hook_name} raised {type(err).__name__}: {err}",
                                _plugin_traceback(err))
                    continue
                for entry in register["register"].registered:
                    problem = _clash(registry, entry)
                    if problem is not None:
                        record.fail(problem)
                        continue
                    registry._add(entry)
                    names = record.registered.setdefault(plural, [])
                    if entry.name not in names:
                        names.append(entry.name)
                    if entry.spacy_name is not None:
                        record.spacy_names.setdefault(plural, []).append(entry.spacy_name)

    def add_commands(self, cli: Any) -> None:
        """Run ``register_commands(cli)`` for each plugin (the built-in commands first, through
        the same hook), keeping existing commands intact."""
        for record, call in self._callers("register_commands"):
            before = dict(cli.commands)

            def fresh(before: dict[str, Any] = before) -> dict[str, Any]:
                cli.commands.clear()  # a retried call starts from the same commands
                cli.commands.update(before)
                return {"cli": cli}

            try:
                call(fresh)
            except (Exception, SystemExit) as err:  # keep nothing from a hook call that raised
                record.fail(f"register_commands raised {type(err).__name__}: {err}",
                            _plugin_traceback(err))
                fresh()
                continue
            for name, command in before.items():
                if cli.commands.get(name) is not command:
                    cli.commands[name] = command
                    record.fail(f"command name {name!r} is already taken; choose another name")
            added = sorted(set(cli.commands) - set(before))
            if added:
                record.registered["commands"] = added
        self._raise_if_strict()

    def _callers(self, hook_name: str
                 ) -> Iterator[tuple[PluginRecord, Callable[[Callable[[], dict[str, Any]]],
                                                             dict[str, Any]]]]:
        """For each loaded plugin implementing ``hook_name``, in call order, a function that
        calls its implementation alone, through pluggy, inside every plugin's hook wrappers.

        The order: built-in plugins first (their names are reserved), then third-party ones;
        within each, ``tryfirst`` implementations, then plain, then ``trylast``, each group in
        the records' deterministic order. Calling one plugin at a time keeps a plugin that raises
        contained (and named), while pluggy still applies wrappers and argument handling. The
        function takes a maker of the call's keyword arguments and returns those of the call
        that counted (see :meth:`_contained`).
        """
        hook = getattr(self.pm.hook, hook_name)
        loaded = {r.name: (index, r) for index, r in enumerate(self.records)
                  if r.status == LOADED}
        impls = [i for i in hook.get_hookimpls() if i.plugin_name in loaded]
        plain = [i for i in impls if not (i.hookwrapper or i.wrapper)]
        wrappers = [i for i in impls if i.hookwrapper or i.wrapper]

        def order(impl: Any) -> tuple[int, int, int]:
            index, record = loaded[impl.plugin_name]
            return (not record.builtin, 0 if impl.tryfirst else 2 if impl.trylast else 1, index)

        for impl in sorted(plain, key=order):
            record = loaded[impl.plugin_name][1]

            def call(make_kwargs: Callable[[], dict[str, Any]], _impl: Any = impl,
                     _record: PluginRecord = record) -> dict[str, Any]:
                return self._contained(hook_name, _impl, _record, impls, wrappers, loaded,
                                       make_kwargs)

            yield record, call

    def _contained(self, hook_name: str, impl: Any, record: PluginRecord, impls: list[Any],
                   wrappers: list[Any], loaded: dict[str, tuple[int, PluginRecord]],
                   make_kwargs: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Call ``impl`` inside the working wrappers. When that raises and the plugin alone does
        not, a wrapper is at fault: each wrapper that raises is recorded on its own plugin and
        left out from then on, and the call is made again without it."""

        def run(keep: list[Any]) -> dict[str, Any]:
            kwargs = make_kwargs()
            others = [i.plugin for i in impls if i not in keep]
            with _watch(hook_name, record):
                self.pm.subset_hook_caller(hook_name, remove_plugins=others)(**kwargs)
            return kwargs

        active = [w for w in wrappers if w.plugin_name not in self._broken_wrappers]
        try:
            return run([impl, *active])
        except (Exception, SystemExit):
            if not active:
                raise
            run([impl])  # raises when the plugin itself fails: its error, not a wrapper's
        for wrapper in active:
            try:
                run([impl, wrapper])
            except (Exception, SystemExit) as err:
                self._broken_wrappers.add(wrapper.plugin_name)
                loaded[wrapper.plugin_name][1].fail(
                    f"{hook_name} wrapper raised {type(err).__name__}: {err} while wrapping "
                    f"plugin {record.name!r}; the wrapper is left out from then on",
                    _plugin_traceback(err))
        return run([impl, *(w for w in active if w.plugin_name not in self._broken_wrappers)])

    def _raise_if_strict(self) -> None:
        if not self.strict:
            return
        problems = [f"{r.describe()}: {e}" for r in self.records for e in r.errors]
        if problems:
            raise PluginError(
                f"plugin load failed ({STRICT_ENV}=1): " + "; ".join(problems)
                + f"; fix or uninstall the plugin, or unset {STRICT_ENV}"
            )


def _clash(registry: Any, entry: Any) -> str | None:
    """Why ``entry`` cannot join ``registry``: its name belongs to another plugin, its version is
    already registered, or another block has its spaCy name."""
    owner = registry._owner(entry.name)
    if owner is not None and owner != entry.plugin:
        return (f"{registry.kind} name {entry.name!r} is already registered by plugin "
                f"{owner!r}; choose another name")
    if registry._has(entry.name, entry.version):
        return (f"{registry.kind} {entry.name!r} version {entry.version} is registered twice; "
                "give the newer one version=N+1 (the old version keeps loading)")
    other = registry._spacy_owner(entry.spacy_name)
    if other is not None:
        return (f"spaCy name {entry.spacy_name!r} of {registry.kind} {entry.name!r} is already "
                f"taken by {other.kind} {other.name!r} of plugin {other.plugin!r}; pass another "
                "spacy_name")
    return None


_watching = threading.Lock()


def slow_hook_seconds() -> float:
    """The hook time above which a plugin is warned about (``LEXILOOM_SLOW_HOOK_SECONDS``)."""
    raw = os.environ.get(SLOW_HOOK_ENV, "").strip()
    try:
        seconds = float(raw) if raw else SLOW_HOOK_SECONDS
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        warnings.warn(f"{SLOW_HOOK_ENV}={raw!r} is not a positive number of seconds; using "
                      f"{SLOW_HOOK_SECONDS:g}", SlowPluginWarning, stacklevel=2)
        return SLOW_HOOK_SECONDS
    return seconds


@contextmanager
def _watch(hook_name: str, record: PluginRecord) -> Iterator[None]:
    """Time one plugin's hook call; past :func:`slow_hook_seconds`, faulthandler writes every
    thread's traceback (where the hook is stuck) to a scratch file, and the call, once it
    returns, is a :class:`SlowPluginWarning` with that traceback. faulthandler has one timer per
    process, so a hook called from inside another is timed as part of the outer call."""
    if not _watching.acquire(blocking=False):
        yield
        return
    limit = slow_hook_seconds()
    try:
        with tempfile.TemporaryFile() as scratch:
            faulthandler.dump_traceback_later(limit, repeat=False, file=scratch)
            started = time.perf_counter()
            try:
                yield
            finally:
                faulthandler.cancel_dump_traceback_later()
            elapsed = time.perf_counter() - started
            if elapsed > limit:
                scratch.seek(0)
                where = scratch.read().decode("utf-8", "replace").strip()
                warnings.warn(f"plugin {record.describe()} took {elapsed:.1f} s "
                              f"in {hook_name} (more than {limit:g} s; {SLOW_HOOK_ENV} sets the "
                              f"limit); a hook should only register, not compute. Where it was "
                              f"after {limit:g} s:\n{where}", SlowPluginWarning, stacklevel=2)
    finally:
        _watching.release()


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
    """The distribution's ``.dist-info``/``.egg-info`` folder when its file list names it, else
    the folder that holds it (public ``importlib.metadata`` API only)."""
    if dist is None:
        return None
    for file in dist.files or ():
        if file.parts and file.parts[0].endswith((".dist-info", ".egg-info")):
            return str(dist.locate_file(file.parts[0]))
    return str(dist.locate_file(""))


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
_on_load: list[Callable[[], Any]] = []
_reload = False
_builtin_objects: dict[str, Any] = {}


def register_builtin(plugin: Any, name: str) -> None:
    """Add a built-in plugin that lives in lexiloom itself rather than behind an entry point
    (the command line's own commands: :mod:`lexiloom.cli`). It loads with the built-ins, its
    hooks are called through pluggy like any plugin's, and it shows in ``lexiloom plugins``.
    Plugins already loaded are reloaded on next use."""
    global _reload
    with _lock:
        if _builtin_objects.get(name) is plugin:
            return
        _builtin_objects[name] = plugin
        if _loading is not None:  # registered from a plugin's import: load again when done
            _reload = True
            return
    reset()


def on_load(callback: Callable[[], Any]) -> None:
    """Call ``callback()`` each time the plugins have been loaded (now, if they are): how an
    upper layer mirrors the registries elsewhere (spaCy's ``architectures``, see
    :mod:`lexiloom.spacy.blocks`) without the core importing it."""
    with _lock:
        if callback not in _on_load:
            _on_load.append(callback)
        if _host is not None:
            callback()


def ensure_loaded() -> PluginHost:
    """Load plugins once per process (thread-safe) and return the host.

    Called again while loading (from a plugin's import or hook), it returns the host being loaded:
    what is registered so far, without loading twice.
    """
    global _host, _loading, _reload
    with _lock:
        if _host is not None:
            return _host
        if _loading is not None:
            return _loading
        try:
            while True:
                host = _loading = PluginHost()
                host.load()
                if not _reload:
                    break
                _reload = False  # a built-in was added while loading: load it with the rest
                for registry in REGISTRIES.values():
                    registry._clear()
        except BaseException:
            for registry in REGISTRIES.values():
                registry._clear()
            raise
        finally:
            _loading = None
        _host = host
        for callback in list(_on_load):
            callback()
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


_registry.set_loader(ensure_loaded)

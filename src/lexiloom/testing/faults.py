"""What a failed conformance check reports: :class:`Fault`, :class:`ConformanceError`, and the
:class:`FaultCollector` that runs the checks of one component and gathers their faults."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")

CHECKS: tuple[str, ...] = (
    "protocol", "spans", "order", "batch", "shape", "dtype", "padding", "step", "carried_state",
    "determinism", "round_trip", "json_settings", "bad_settings", "read_write", "bad_lines",
)
"""Every check name, stable across releases (see ``docs/testing.md``)."""

MAX_FAULTS_PER_CHECK = 3
"""A check reports at most this many problems (the first ones found)."""


class Fault(NamedTuple):
    """One failed check: its name (one of :data:`CHECKS`) and what went wrong."""

    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


class ConformanceError(AssertionError):
    """A component broke its contract; ``faults`` lists every failed check.

    An ``AssertionError``, so pytest reports it as a test failure. ``str(err)`` is one line per
    fault, ``"<check>: <message>"``, after a first line naming the component.
    """

    def __init__(self, subject: str, faults: Iterable[Fault]) -> None:
        self.subject = subject
        self.faults = list(faults)
        lines = [f"{subject} failed {len(self.faults)} conformance check(s):"]
        lines += [str(fault) for fault in self.faults]
        super().__init__("\n".join(lines))

    def __str__(self) -> str:
        return str(self.args[0])

    @property
    def checks(self) -> list[str]:
        """The names of the failed checks, in the order found (with repeats removed)."""
        return list(dict.fromkeys(fault.check for fault in self.faults))


Problems = Iterator[str]
"""What a check function yields: one message per problem found (nothing when it passes)."""


class FaultCollector:
    """Runs the checks of one component, skipping those the caller asked to skip.

    Each check is a function yielding problem messages; an exception it raises becomes a fault
    too (``"raised TypeError: ..."``), so one broken check never hides the others.
    """

    def __init__(self, subject: str, skip: Iterable[str] = ()) -> None:
        skip = (skip,) if isinstance(skip, str) else tuple(skip)
        unknown = sorted(set(skip) - set(CHECKS))
        if unknown:
            raise ValueError(f"cannot skip unknown check(s) {', '.join(map(repr, unknown))}; "
                             f"the checks are: {', '.join(CHECKS)}")
        self.subject = subject
        self.skip = frozenset(skip)
        self.faults: list[Fault] = []

    def wants(self, check: str) -> bool:
        """Whether ``check`` runs (it is not skipped)."""
        return check not in self.skip

    def add(self, check: str, message: str) -> None:
        """Record a fault of ``check`` (unless skipped)."""
        if self.wants(check):
            self.faults.append(Fault(check, message))

    def construct(self, make: Callable[[], T], call: str,
                  settings: Mapping[str, Any]) -> tuple[bool, T | None]:
        """``(True, make())``; or, when ``make()`` raises, ``(False, None)`` after a ``protocol``
        fault saying that ``call`` raised for ``settings`` (raised at once unless skipped)."""
        try:
            return True, make()
        except Exception as err:
            self.add("protocol", f"{call} raised {describe_error(err)} for settings "
                                 f"{settings!r}")
            self.raise_if_any()
            return False, None

    def run(self, check: str, problems: Callable[[], Problems]) -> bool:
        """Run ``problems()`` as check ``check``; return whether it passed (or was skipped)."""
        if not self.wants(check):
            return True
        found = 0
        try:
            for message in problems():
                found += 1
                if found <= MAX_FAULTS_PER_CHECK:
                    self.faults.append(Fault(check, message))
        except Exception as err:
            found += 1
            self.faults.append(Fault(check, f"raised {describe_error(err)}"))
        return found == 0

    def require(self, check: str, problems: Callable[[], Problems]) -> None:
        """Run ``problems()`` as check ``check`` and raise at once when it fails: the checks
        after it rely on what it checks."""
        if not self.run(check, problems):
            self.raise_if_any()

    def raise_if_any(self) -> None:
        """Raise :class:`ConformanceError` when any check failed."""
        if self.faults:
            raise ConformanceError(self.subject, self.faults)


def describe_error(err: BaseException) -> str:
    """``TypeError: message`` on one line."""
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__

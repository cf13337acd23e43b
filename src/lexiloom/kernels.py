"""Compiled kernels of plugins: loading them, the warning when one is missing, strict mode.

A plugin with a C kernel declares it once as a :class:`Kernel` and asks :meth:`Kernel.load` for
it where it would use it. A kernel that did not build (no C compiler at install time) gives
``None``, and the plugin trains with its pure-Python fallback: the same results, 50-100 times
slower on one thread (word2vec and GloVe, measured in ``docs/performance.md``). That slowdown is
never silent:

- by default, the first fallback of each kernel in a process warns once
  (:class:`KernelMissingWarning`), naming the slowdown and the fix;
- with ``LEXILOOM_REQUIRE_KERNELS=1`` (CI sets it) a missing kernel is a
  :class:`~lexiloom.errors.KernelMissingError`, and ``setup.py`` makes a kernel that fails to
  compile fail the install.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from lexiloom.errors import KernelMissingError, SettingsError

REQUIRE_KERNELS_ENV = "LEXILOOM_REQUIRE_KERNELS"
FIX = ("install a C compiler and the Python headers (Debian/Ubuntu: apt-get install gcc "
       "python3-dev), then reinstall lexiloom (from a checkout: python3 -m pip install "
       "--force-reinstall --no-deps -e .)")

_warned: set[str] = set()


class KernelMissingWarning(RuntimeWarning):
    """A compiled kernel is not built, so its plugin runs a much slower fallback."""


def kernels_required() -> bool:
    """Whether a missing kernel is an error (``LEXILOOM_REQUIRE_KERNELS=1``)."""
    return os.environ.get(REQUIRE_KERNELS_ENV, "") == "1"


@dataclass(frozen=True)
class Kernel:
    """A plugin's compiled extension module and what its absence costs."""

    plugin: str
    """The plugin it speeds up (``"word2vec"``)."""
    module: str
    """Its import name (``"lexiloom_word2vec._kernel"``)."""
    slowdown: str
    """How much slower the fallback is, for the warning (``"about 80 times"``)."""

    def built(self) -> bool:
        """Whether the extension imports (no warning, no error)."""
        try:
            importlib.import_module(self.module)
        except ImportError:
            return False
        return True

    def load(self) -> ModuleType | None:
        """The extension module; ``None`` (after one warning per process) when it is not built;
        :class:`KernelMissingError` instead under ``LEXILOOM_REQUIRE_KERNELS=1``."""
        try:
            return importlib.import_module(self.module)
        except ImportError as err:
            problem = (f"the compiled {self.plugin} kernel ({self.module}) is not built ({err}), "
                       f"so {self.plugin} runs its pure-Python fallback, {self.slowdown} slower")
            if kernels_required():
                raise KernelMissingError(f"{problem}; {REQUIRE_KERNELS_ENV}=1 makes that an "
                                         f"error. Fix: {FIX}") from None
            if self.module not in _warned:
                _warned.add(self.module)
                warnings.warn(f"{problem}. Fix: {FIX}", KernelMissingWarning, stacklevel=2)
            return None

    def function(self, name: str, backend: str, fallback: Callable[..., Any]
                 ) -> Callable[..., Any]:
        """The function ``name`` of the kernel for a plugin's ``backend`` setting: ``"python"``
        gives ``fallback``; ``"kernel"`` the kernel's, or a :class:`SettingsError` naming the
        fix when it is not built; ``"auto"`` the kernel's when built, else ``fallback`` (see
        :meth:`load`)."""
        if backend == "python":
            return fallback
        if backend == "kernel" and not self.built():
            raise SettingsError(f"backend=kernel: the compiled {self.plugin} kernel is not "
                                f"built; reinstall lexiloom with a C compiler available, or "
                                f"use backend=python")
        module = self.load()
        return fallback if module is None else getattr(module, name)

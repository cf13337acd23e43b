"""The compiled kernels of the built-in plugins (each declared once, as a
:class:`lexiloom.kernels.Kernel`, in its plugin).

The conftest imports this module first, so it is also where a Python without lexiloom installed
gets one message naming the fix instead of an import error.
"""

from __future__ import annotations

import sys

import pytest

try:
    from lexiloom_fasttext.model import KERNEL as FASTTEXT
    from lexiloom_glove.cooccurrence import KERNEL as GLOVE
    from lexiloom_word2vec.model import KERNEL as WORD2VEC
except ImportError as err:
    raise pytest.UsageError(
        f"lexiloom and its built-in plugins are not installed for {sys.executable} ({err}); "
        "run the README's test command: python3 -m pip install -c constraints.txt -e \".[test]\" "
        "&& python3 -m pytest -q") from None

BUILT_IN_KERNELS = (WORD2VEC, GLOVE, FASTTEXT)

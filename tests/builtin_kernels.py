"""The compiled kernels of the built-in plugins (each declared once, as a
:class:`lexiloom.kernels.Kernel`, in its plugin)."""

from __future__ import annotations

from lexiloom_glove.cooccurrence import KERNEL as GLOVE
from lexiloom_word2vec.model import KERNEL as WORD2VEC

BUILT_IN_KERNELS = (WORD2VEC, GLOVE)

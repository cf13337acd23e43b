"""Breaking one array of a valid kernel job in the ways a caller can: what the property tests of
both training kernels (word2vec, fastText) feed them."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

DTYPES = [np.float32, np.float64, np.int32, np.uint32, np.int64, np.uint8, np.int8]


def break_one(draw: st.DrawFn, job: dict, size: int) -> dict:
    """Half the time, ``job`` with one of its arrays broken (dtype, a value, length, strides,
    read-only, dimensions, alignment, or aliasing the weights ``syn0``); else ``job`` as is."""
    if not draw(st.booleans()):
        return job
    arrays = [key for key, value in job.items() if isinstance(value, np.ndarray)]
    key = draw(st.sampled_from(arrays))
    value = job[key]
    how = draw(st.sampled_from(["dtype", "value", "shorter", "longer", "strided",
                                "readonly", "ndim", "unaligned", "alias"]))
    if how == "dtype":
        value = value.astype(draw(st.sampled_from(DTYPES)))
    elif how == "value" and value.size:
        value = value.copy()
        flat = value.reshape(-1)
        if value.dtype.kind in "iu":
            info = np.iinfo(value.dtype)
            bad = draw(st.sampled_from([info.min, info.max, size, size + 7, -2, 2]))
            bad = bad if info.min <= bad <= info.max else info.max
        else:
            bad = np.nan
        flat[draw(st.integers(0, flat.size - 1))] = bad
    elif how == "shorter" and len(value):
        value = value[:-1].copy()
    elif how == "longer":
        value = np.concatenate([value, value[:1]]) if len(value) else value
    elif how == "strided" and len(value) > 1:
        value = value[::2]
    elif how == "readonly":
        value = value.copy()
        value.flags.writeable = False
    elif how == "ndim":
        value = value.reshape(-1) if value.ndim == 2 else value.reshape(1, -1)
    elif how == "unaligned" and value.dtype.itemsize > 1:
        raw = np.zeros(value.nbytes + 1, np.uint8)
        value = np.frombuffer(raw.data, value.dtype, count=value.size,
                              offset=1).reshape(value.shape)
    elif how == "alias" and key != "syn0" and job["syn0"].nbytes >= value.nbytes > 0:
        # the array's bytes inside syn0, which the kernel writes
        flat = job["syn0"].reshape(-1).view(np.uint8)[:value.nbytes]
        flat[:] = value.reshape(-1).view(np.uint8)
        value = flat.view(value.dtype).reshape(value.shape)
    job[key] = value
    return job

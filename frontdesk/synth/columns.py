"""Arrow columns built straight from numpy arrays (no Python object per value).

The generator makes millions of rows; formatting IDs or mapping codes to labels one Python string
at a time would dominate its run time, so these build the Arrow buffers directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from frontdesk.store.tables import UTC_TS

US = 1_000_000  # microseconds per second: every instant is int64 microseconds since the epoch


def numbered(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """IDs ``prefix`` + zero-padded ``numbers``, e.g. ``numbered("I", [1], 8)`` → ``I00000001``."""
    numbers = np.asarray(numbers, dtype=np.int64)
    n = len(numbers)
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    size = len(head) + width
    buf = np.empty((n, size), dtype=np.uint8)
    buf[:, : len(head)] = head
    rest = numbers.copy()
    for i in range(size - 1, len(head) - 1, -1):
        buf[:, i] = rest % 10 + ord("0")
        rest //= 10
    if n and rest.max() > 0:
        raise ValueError(f"numbers do not fit in {width} digits")
    offsets = np.arange(n + 1, dtype=np.int64) * size
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf.tobytes())).cast(
        pa.string()
    )


def labels(names: Sequence[str], codes: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """The label ``names[code]`` for each code; null where ``mask`` is true."""
    index = pa.array(np.asarray(codes, dtype=np.int32), mask=mask)
    return pa.array(list(names), type=pa.string()).take(index)


def instants(us: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """UTC timestamps from int64 microseconds; null where ``mask`` is true."""
    return pa.array(np.asarray(us, dtype=np.int64), type=pa.int64(), mask=mask).cast(UTC_TS)


def values(array: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """A numeric or boolean column; null where ``mask`` is true."""
    return pa.array(array, mask=mask)

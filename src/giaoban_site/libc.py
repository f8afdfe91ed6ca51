"""The few functions of the system's C library that Python's standard library lacks (Linux)."""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Callable


def libc_function(name: str) -> Callable | None:
    """A function of the C library (``syncfs``, ``renameat2``, ``prctl``, glibc's ``malloc_trim``),
    or None where there is none."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True), name)
    except (OSError, AttributeError, TypeError):
        return None

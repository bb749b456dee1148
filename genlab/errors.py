"""Errors for bad user input, and small checks that raise them.

Every check names the parameter and the allowed range, so the CLI, the app and the widgets can
show the message as it is (``InputError.message(lang)`` gives it in Russian too).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from genlab.i18n import format_error


class InputError(ValueError):
    """A parameter a user gave is out of range, malformed or inconsistent.

    ``param`` is the parameter's name as the user sees it; ``code`` picks the message template in
    ``genlab/locale/<lang>/errors.json``; ``details`` fills it.
    """

    def __init__(self, param: str, code: str, **details: Any):
        self.param = param
        self.code = code
        self.details = details
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return format_error(self.param, self.code, self.details, lang)


def _fmt_interval(lo, hi, lo_open: bool, hi_open: bool) -> str:
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf" if hi is None else f"{hi:g}"
    return f"{left}{lo_s}, {hi_s}{right}"


def check_number(name: str, value: Any, lo=None, hi=None, *, lo_open=False, hi_open=False,
                 integer=False) -> float | int:
    """Return ``value`` as a number after checking it is finite and inside the interval."""
    if isinstance(value, bool) or value is None:
        raise InputError(name, "not_number", value=repr(value))
    if integer and isinstance(value, (int, np.integer)):
        number = int(value)  # exact: through a float, integers above 2^53 would be rounded
    else:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            raise InputError(name, "not_number", value=repr(value)[:40]) from None
        if not math.isfinite(number):
            raise InputError(name, "not_finite", value=repr(value)[:40])
        if integer:
            if number != int(number):
                raise InputError(name, "not_integer", value=repr(value)[:40])
            number = int(number)
    below = lo is not None and (number <= lo if lo_open else number < lo)
    above = hi is not None and (number >= hi if hi_open else number > hi)
    if below or above:
        raise InputError(name, "out_of_range", value=str(number) if isinstance(number, int) else f"{number:g}",
                         interval=_fmt_interval(lo, hi, lo_open, hi_open))
    return number


def check_int(name: str, value: Any, lo=None, hi=None) -> int:
    return int(check_number(name, value, lo, hi, integer=True))


def check_choice(name: str, value: Any, choices) -> Any:
    choices = list(choices)
    if value not in choices:
        raise InputError(name, "not_choice", value=repr(value), choices=", ".join(map(str, choices)))
    return value


def check_text(name: str, text: Any, *, max_chars: int | None = None, allow_empty: bool = False) -> str:
    """``text`` if it is a string of at most ``max_chars`` characters, not blank unless allowed."""
    if text is None and not allow_empty:
        raise InputError(name, "empty_text")
    if not isinstance(text, str):
        raise InputError(name, "not_text", value=type(text).__name__)
    if not text.strip() and not allow_empty:
        raise InputError(name, "empty_text")
    if max_chars is not None and len(text) > max_chars:
        raise InputError(name, "text_too_long", length=len(text), max_chars=max_chars)
    return text


def check_array(name: str, x: Any, *, ndim: int | None = None, shape: tuple | None = None,
                min_rows: int | None = None, dtype=np.float64) -> np.ndarray:
    """Return ``x`` as a finite array, checking its rank, shape (None = any size) and row count."""
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError):
        raise InputError(name, "not_array") from None
    if ndim is not None and arr.ndim != ndim:
        raise InputError(name, "bad_ndim", expected=ndim, got=arr.ndim)
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            expected = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise InputError(name, "bad_shape", expected=expected, got=str(tuple(arr.shape)))
    if min_rows is not None and (arr.ndim == 0 or arr.shape[0] < min_rows):
        raise InputError(name, "too_few_rows", min_rows=min_rows, got=0 if arr.ndim == 0 else arr.shape[0])
    if not np.all(np.isfinite(arr)):
        raise InputError(name, "not_finite_array")
    return arr


SEED_MAX = 2**63 - 1


def check_seed(name: str, seed: Any, *, allow_random: bool = True) -> int | None:
    """A seed is an integer in 0..2^63-1; -1 or None means 'pick one at random' where allowed."""
    if allow_random and (seed is None or (not isinstance(seed, bool) and seed == -1)):
        return None
    try:
        return check_int(name, seed, 0, SEED_MAX)
    except InputError as err:
        if err.code not in ("out_of_range", "not_integer"):
            raise
        code = "bad_seed" if allow_random else "bad_seed_no_random"
        raise InputError(name, code, value=str(seed)[:40]) from None

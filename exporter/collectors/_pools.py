"""Shared by the Cinder and Manila pool collectors: a capacity figure as a driver reports it."""

from __future__ import annotations

import math
from typing import Any


def gib(value: Any) -> float | None:
    """GiB figure → float, +Inf for 'infinite', None for 'unknown' or anything unreadable."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "infinite":
            return math.inf
        try:
            return float(text)
        except ValueError:
            return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None

"""How many objects a full sync found new, changed or gone, for ``SyncContext.count_changed``."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any


def changed(previous: Mapping[Hashable, Any] | None, current: Mapping[Hashable, Any]) -> int:
    """Keys new, gone or with another value in ``current`` than in ``previous`` (every key
    when there is no previous data)."""
    if previous is None:
        return len(current)
    gone = sum(1 for key in previous if key not in current)
    return gone + sum(1 for key, value in current.items() if previous.get(key) != value)

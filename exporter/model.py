"""The cloud as last synced: per source, the immutable data of its last good sync.

The scheduler swaps a source's data in one assignment; a collector is handed a ``Model`` holding
references to the data it reads, so it sees each source as of one sync, never half of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from exporter.contract import Source

D = TypeVar("D")


class Model:
    """Read access by source class: ``model[Servers]`` is the data of the servers source."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, kind: type[Source[D]]) -> D:
        try:
            return self._data[kind.name]  # type: ignore[no-any-return]
        except KeyError:
            raise KeyError(
                f"source {kind.name!r} is not in this model: declare it in reads"
            ) from None

    def get(self, kind: type[Source[D]]) -> D | None:
        """The data of an optional source; None when its service is not deployed."""
        return self._data.get(kind.name)

    def __contains__(self, kind: type[Source[Any]]) -> bool:
        return kind.name in self._data

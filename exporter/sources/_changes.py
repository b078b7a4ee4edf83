"""A log of hosts touched by changes, shared by sources whose deltas reveal them (servers,
migrations) with the source that must re-read those hosts (resource providers)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Epochs kept in the log; a reader further behind cannot know what it missed and resyncs fully.
KEEP_EPOCHS = 256


@dataclass(frozen=True, slots=True)
class Touches:
    """Hosts whose Placement allocations may have changed, by the epoch (sync) that saw them."""

    epoch: int = 0
    log: tuple[tuple[int, str], ...] = ()

    def add(self, hosts: Iterable[str]) -> Touches:
        """The next epoch, with ``hosts`` (empty names dropped) logged against it."""
        epoch = self.epoch + 1
        fresh = tuple((epoch, h) for h in sorted(set(hosts)) if h)
        kept = tuple(entry for entry in self.log if entry[0] > epoch - KEEP_EPOCHS)
        return Touches(epoch, kept + fresh)

    def since(self, epoch: int) -> set[str] | None:
        """Hosts touched after ``epoch``; None when the log no longer reaches back that far."""
        if epoch < self.epoch - KEEP_EPOCHS + 1:
            return None
        return {host for e, host in self.log if e > epoch}

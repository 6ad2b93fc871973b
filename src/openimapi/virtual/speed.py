"""The speed and buffer model.

Unpaced (the default, for tests): writes complete as fast as the host sends them and
the buffer drains at once. Paced: the drive's buffer drains at the selected write speed
(1x CD = 176,400 B/s, DVD 1,385,000 B/s, BD 4,495,500 B/s); a WRITE that does not fit the
free buffer space waits until enough has drained, so the host sees a real drive's
throughput, and READ BUFFER CAPACITY reports the fill level. When the buffer runs empty
while a track is open and BUFE is off, the next WRITE fails with loss of streaming.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["BufferModel"]


class BufferModel:
    """A drive buffer of ``size`` bytes draining at ``rate`` bytes per second."""

    def __init__(
        self,
        size: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if size <= 0:
            raise ValueError("the buffer size is positive")
        self.size = size
        self.level = 0.0
        self.rate = 0.0
        self.paced = False
        self.underrun = False
        self._clock = clock
        self._sleep = sleep
        self._t = clock()
        self._streaming = False

    def configure(self, *, paced: bool, rate: float) -> None:
        """Set pacing and the drain rate (bytes per second)."""
        self._drain()
        self.paced = paced
        self.rate = max(float(rate), 1.0)

    def _drain(self) -> None:
        now = self._clock()
        if self.paced:
            drained = (now - self._t) * self.rate
            if self._streaming and self.level > 0 and drained >= self.level:
                self.underrun = True
            self.level = max(0.0, self.level - drained)
        else:
            self.level = 0.0
        self._t = now

    def free(self) -> int:
        """Free bytes now."""
        self._drain()
        return int(self.size - self.level)

    def fill(self, nbytes: int) -> None:
        """Accept ``nbytes`` of a WRITE, waiting for room when paced."""
        self._drain()
        if not self.paced:
            return
        remaining = nbytes
        while remaining > 0:
            room = self.size - self.level
            if room <= 0:
                self._sleep(min(0.05, max(nbytes / self.rate, 0.001)))
                self._drain()
                continue
            take = min(room, remaining)
            self.level += take
            remaining -= int(take)
        self._streaming = True

    def take_underrun(self) -> bool:
        """True once after the buffer ran dry during streaming."""
        self._drain()
        hit, self.underrun = self.underrun, False
        return hit

    def stop(self) -> None:
        """The track or session ended (SYNCHRONIZE CACHE): empty the buffer."""
        if self.paced and self.level > 0:
            self._sleep(self.level / self.rate)
        self.level = 0.0
        self._streaming = False
        self._t = self._clock()

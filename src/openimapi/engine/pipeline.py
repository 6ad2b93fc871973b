"""The streaming write pipeline: reader thread -> bounded buffer -> WRITE commands.

A reader thread reads the source in transfer-sized chunks into a bounded queue (so memory
stays ``buffer_chunks * transfer`` bytes whatever the image size) and, when verification is
wanted, computes a checksum per sector of what it read. The calling thread takes chunks
off the queue and sends one WRITE(10) or streaming WRITE(12) per chunk, so the device never
waits on Python while the source keeps up. Progress is reported through a callback at least
every ``progress_interval`` seconds while data moves and at the end; cancellation is a
:class:`CancelToken` that any thread (or the callback itself) may trip.

Verification reads the written sectors back (all of them, or samples) and compares their
checksums with the ones computed from what was sent; a mismatch names the first bad LBA.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from openimapi import errors
from openimapi.engine.device import run
from openimapi.engine.source import Source, SourceError
from openimapi.mmc import Command
from openimapi.mmc.read import Read10
from openimapi.mmc.write import Write10, Write12
from openimapi.transport import Transport

__all__ = [
    "CancelToken",
    "Progress",
    "SectionResult",
    "WriteOptions",
    "read_command",
    "sector_checksums",
    "verify_section",
    "write_command",
    "write_section",
]

Checksums = npt.NDArray[np.uint64]


class CancelToken:
    """A flag any thread may set to stop a running write at the next command boundary."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def reset(self) -> None:
        self._event.clear()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raises:
        E_IMAPI_REQUEST_CANCELLED: the token was tripped.
        """
        if self._event.is_set():
            raise errors.E_IMAPI_REQUEST_CANCELLED("the write was cancelled")


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """How a section is written. ``transfer_blocks`` sectors go in each WRITE command."""

    sector_size: int = 2048
    transfer_blocks: int = 32
    buffer_chunks: int = 16
    use_write12: bool = False
    streaming: bool = False
    checksums: bool = False
    progress_interval: float = 0.5
    command_timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.sector_size <= 0 or (self.checksums and self.sector_size % 8):
            raise ValueError("sector_size must be positive (and a multiple of 8 with checksums)")
        if not 1 <= self.transfer_blocks <= 0xFFFF:
            raise ValueError("transfer_blocks must be 1..65535")
        if self.buffer_chunks < 1:
            raise ValueError("buffer_chunks must be at least 1")
        if self.progress_interval <= 0:
            raise ValueError("progress_interval must be positive")

    @property
    def chunk_bytes(self) -> int:
        return self.transfer_blocks * self.sector_size


@dataclass(frozen=True, slots=True)
class Progress:
    """A snapshot of a running section (the IWriteEngine2EventArgs values, in sectors/bytes).

    ``verifying`` is True while the written sectors are read back.
    """

    start_lba: int
    sector_count: int
    last_read_lba: int
    last_written_lba: int
    total_system_buffer: int
    used_system_buffer: int
    free_system_buffer: int
    elapsed: float
    verifying: bool = False

    @property
    def sectors_done(self) -> int:
        return max(0, self.last_written_lba - self.start_lba + 1)


@dataclass(frozen=True, slots=True)
class SectionResult:
    """What a finished section wrote; ``checksums`` has one value per sector when asked for."""

    start_lba: int
    sector_count: int
    elapsed: float
    checksums: Checksums | None


def write_command(lba: int, data: bytes, options: WriteOptions) -> Command:
    """WRITE(10) (MMC-6 6.44), or WRITE(12) with the Streaming bit (6.45) when asked."""
    ss = options.sector_size
    if options.use_write12:
        w12 = Write12(lba, len(data) // ss, data, ss, streaming=options.streaming)
        return w12.to_command(timeout=options.command_timeout)
    return Write10.for_data(lba, data, ss).to_command(timeout=options.command_timeout)


def read_command(lba: int, blocks: int, options: WriteOptions) -> Command:
    """READ(10) (MMC-6 6.15) of ``blocks`` user-data sectors."""
    return Read10(lba, blocks, options.sector_size).to_command(timeout=options.command_timeout)


_WEIGHTS: dict[int, Checksums] = {}


def sector_checksums(data: bytes, sector_size: int = 2048) -> Checksums:
    """One 64-bit checksum per sector: the sum of its 64-bit words weighted by odd factors
    (mod 2**64), so any change of a single word, or two words swapped, changes the sum."""
    words = sector_size // 8
    weights = _WEIGHTS.get(words)
    if weights is None:
        weights = np.arange(1, 2 * words, 2, dtype=np.uint64)
        _WEIGHTS[words] = weights
    arr = np.frombuffer(data, dtype="<u8").reshape(-1, words)
    result: Checksums = (arr * weights).sum(axis=1, dtype=np.uint64)
    return result


class _Reporter:
    def __init__(
        self,
        callback: Callable[[Progress], None] | None,
        interval: float,
        clock: Callable[[], float],
    ) -> None:
        self.callback = callback
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.last = -1e18

    def elapsed(self) -> float:
        return self.clock() - self.started

    def maybe(self, make: Callable[[float], Progress], force: bool = False) -> None:
        if self.callback is None:
            return
        now = self.clock()
        if force or now - self.last >= self.interval:
            self.last = now
            self.callback(make(now - self.started))


def write_section(
    transport: Transport,
    source: Source,
    start_lba: int,
    sector_count: int,
    *,
    source_offset: int = 0,
    options: WriteOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SectionResult:
    """Write ``sector_count`` sectors of ``source`` (from byte ``source_offset``) at ``start_lba``.

    Raises:
        E_IMAPI_REQUEST_CANCELLED: ``cancel`` was tripped; the sectors before
            ``last_written_lba`` of the last progress are on the medium.
        E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED: the source could not be read.
        ImapiError: the device failed a WRITE (the documented error of its sense data).
    """
    opts = options or WriteOptions()
    token = cancel or CancelToken()
    ss = opts.sector_size
    if sector_count < 0 or start_lba < 0:
        raise ValueError("start_lba and sector_count must not be negative")
    sums: Checksums | None = np.zeros(sector_count, dtype=np.uint64) if opts.checksums else None
    buf: queue.Queue[tuple[int, bytes] | BaseException | None] = queue.Queue(maxsize=opts.buffer_chunks)
    stop = threading.Event()
    state = {"read": start_lba - 1, "written": start_lba - 1}
    total_buffer = opts.buffer_chunks * opts.chunk_bytes
    reporter = _Reporter(on_progress, opts.progress_interval, clock)

    def snapshot(elapsed: float) -> Progress:
        used = min(total_buffer, buf.qsize() * opts.chunk_bytes)
        return Progress(
            start_lba, sector_count, state["read"], state["written"],
            total_buffer, used, total_buffer - used, elapsed,
        )

    def put(item: tuple[int, bytes] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                buf.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def reader() -> None:
        try:
            if source_offset or source.seekable:
                source.seek(source_offset)
            lba = start_lba
            remaining = sector_count * ss
            while remaining and not stop.is_set():
                data = source.read(min(opts.chunk_bytes, remaining))
                if len(data) % ss or not data:
                    raise SourceError(
                        f"the stream ended {remaining} bytes early, inside sector {lba + len(data) // ss}"
                    )
                if sums is not None:
                    first = lba - start_lba
                    sums[first : first + len(data) // ss] = sector_checksums(data, ss)
                if not put((lba, data)):
                    return
                lba += len(data) // ss
                remaining -= len(data)
                state["read"] = lba - 1
            put(None)
        except BaseException as exc:  # handed to the writer, which re-raises it
            put(exc)

    thread = threading.Thread(target=reader, name="openimapi-reader", daemon=True)
    thread.start()
    try:
        reporter.maybe(snapshot, force=True)
        while True:
            token.check()
            try:
                item = buf.get(timeout=opts.progress_interval)
            except queue.Empty:
                reporter.maybe(snapshot)
                continue
            if item is None:
                break
            if isinstance(item, SourceError):
                raise errors.E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED(str(item)) from item
            if isinstance(item, BaseException):
                raise item
            lba, data = item
            run(transport, write_command(lba, data, opts))
            state["written"] = lba + len(data) // ss - 1
            reporter.maybe(snapshot)
        token.check()
        reporter.maybe(snapshot, force=True)
    finally:
        stop.set()
        while True:  # unblock the reader if it waits on a full queue
            try:
                buf.get_nowait()
            except queue.Empty:
                break
        thread.join()
    return SectionResult(start_lba, sector_count, reporter.elapsed(), sums)


def verify_section(
    transport: Transport,
    start_lba: int,
    checksums: Checksums,
    *,
    full: bool = True,
    options: WriteOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Read sectors back and compare them with ``checksums`` (one per sector from ``start_lba``).

    ``full`` reads every sector; otherwise the first and last chunks and up to 14 chunks
    spread evenly between them (a quick verification).

    Raises:
        E_IMAPI_BURN_VERIFICATION_FAILED: a sector differs; the message names the first bad LBA.
        E_IMAPI_REQUEST_CANCELLED: ``cancel`` was tripped.
        ImapiError: the device failed a READ.
    """
    opts = options or WriteOptions()
    token = cancel or CancelToken()
    count = len(checksums)
    step = opts.transfer_blocks
    chunks = list(range(0, count, step))
    if not full and len(chunks) > 16:
        picks = {0, len(chunks) - 1}
        picks.update(round(i * (len(chunks) - 1) / 15) for i in range(1, 15))
        chunks = [chunks[i] for i in sorted(picks)]
    done = {"lba": start_lba - 1}
    reporter = _Reporter(on_progress, opts.progress_interval, clock)

    def snapshot(elapsed: float) -> Progress:
        return Progress(start_lba, count, done["lba"], done["lba"], 0, 0, 0, elapsed, verifying=True)

    reporter.maybe(snapshot, force=True)
    for first in chunks:
        token.check()
        blocks = min(step, count - first)
        completion = run(transport, read_command(start_lba + first, blocks, opts))
        data = completion.data
        if len(data) != blocks * opts.sector_size:
            raise errors.E_IMAPI_BURN_VERIFICATION_FAILED(
                f"READ at LBA {start_lba + first} returned {len(data)} bytes, expected {blocks * opts.sector_size}"
            )
        got = sector_checksums(data, opts.sector_size)
        bad = np.flatnonzero(got != checksums[first : first + blocks])
        if bad.size:
            lba = start_lba + first + int(bad[0])
            raise errors.E_IMAPI_BURN_VERIFICATION_FAILED(
                f"verification failed: sector at LBA {lba} differs from what was written"
            )
        done["lba"] = start_lba + first + blocks - 1
        reporter.maybe(snapshot)
    reporter.maybe(snapshot, force=True)

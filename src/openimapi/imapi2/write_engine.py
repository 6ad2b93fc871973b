"""WriteEngine2: writing raw sectors at a given address (IWriteEngine2)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from openimapi import errors
from openimapi.engine import CancelToken, Progress, SourceError, WriteOptions, open_source, write_section
from openimapi.errors import SuccessCode
from openimapi.imapi2.multisession import WriteEngine2EventArgs
from openimapi.imapi2.recorder import DiscRecorder2

__all__ = ["WriteEngine2"]

Listener = Callable[[Any, WriteEngine2EventArgs], None]


class WriteEngine2:
    """Streams sectors of a stream to the recorder at a given LBA (MsftWriteEngine2)."""

    def __init__(self) -> None:
        self._recorder: DiscRecorder2 | None = None
        self._write12 = False
        self._start_sps = -1
        self._end_sps = -1
        self._bytes_per_sector = 2048
        self._busy = threading.Lock()
        self._cancel = CancelToken()
        self._listeners: list[Listener] = []
        #: sectors per WRITE command
        self.transfer_blocks = 32

    def _check_idle(self) -> None:
        if self._busy.locked():
            raise errors.E_FAIL("the write engine is writing")

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(sender, args)`` with WriteEngine2EventArgs during write_section."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @property
    def recorder(self) -> DiscRecorder2 | None:
        return self._recorder

    @recorder.setter
    def recorder(self, value: DiscRecorder2 | None) -> None:
        self._check_idle()
        if value is not None and not isinstance(value, DiscRecorder2):
            raise errors.E_INVALIDARG(f"a {type(value).__name__} is not a DiscRecorder2")
        if value is not None:
            value.drive.inquiry()  # the device must answer
        self._recorder = value

    @property
    def use_streaming_write12(self) -> bool:
        """True: WRITE(12) with the Streaming bit; False: WRITE(10)."""
        return self._write12

    @use_streaming_write12.setter
    def use_streaming_write12(self, value: bool) -> None:
        self._check_idle()
        self._write12 = bool(value)

    @property
    def starting_sectors_per_second(self) -> int:
        """Speed at the start of the section (-1: the fastest)."""
        return self._start_sps

    @starting_sectors_per_second.setter
    def starting_sectors_per_second(self, value: int) -> None:
        self._check_idle()
        if int(value) < -1 or int(value) == 0:
            raise errors.E_INVALIDARG("sectors per second is positive or -1")
        self._start_sps = int(value)

    @property
    def ending_sectors_per_second(self) -> int:
        """Speed at the end of the section (-1: the fastest)."""
        return self._end_sps

    @ending_sectors_per_second.setter
    def ending_sectors_per_second(self, value: int) -> None:
        self._check_idle()
        if int(value) < -1 or int(value) == 0:
            raise errors.E_INVALIDARG("sectors per second is positive or -1")
        self._end_sps = int(value)

    @property
    def bytes_per_sector(self) -> int:
        return self._bytes_per_sector

    @bytes_per_sector.setter
    def bytes_per_sector(self, value: int) -> None:
        self._check_idle()
        value = int(value)
        if not 1 <= value <= 2448 or value % 4:
            raise errors.E_INVALIDARG(f"{value} bytes per sector: expected a multiple of 4 up to 2448")
        self._bytes_per_sector = value

    @property
    def write_in_progress(self) -> bool:
        return self._busy.locked()

    def cancel_write(self) -> SuccessCode:
        """Stop a running write_section; S_IMAPI_WRITE_NOT_IN_PROGRESS when none runs."""
        if not self._busy.locked():
            return SuccessCode.S_IMAPI_WRITE_NOT_IN_PROGRESS
        self._cancel.cancel()
        return SuccessCode.S_OK

    def write_section(self, data: Any, starting_block_address: int, number_of_blocks: int) -> None:
        """Write ``number_of_blocks`` sectors of ``data`` (from its start) at ``starting_block_address``.

        Raises:
            E_INVALIDARG: no recorder, a negative address, or the stream is too short.
            E_FAIL: a write_section is running already.
            E_IMAPI_REQUEST_CANCELLED: cancel_write was called.
            ImapiError: the device failed a WRITE.
        """
        if self._recorder is None:
            raise errors.E_INVALIDARG("set the recorder first")
        if starting_block_address < 0 or number_of_blocks <= 0:
            raise errors.E_INVALIDARG("the address must not be negative and the count must be positive")
        try:
            source = open_source(data)
        except SourceError as exc:
            raise errors.E_INVALIDARG(str(exc)) from exc
        try:
            if source.size < number_of_blocks * self._bytes_per_sector:
                raise errors.E_INVALIDARG(
                    f"the stream holds {source.size} bytes, fewer than {number_of_blocks} sectors"
                )
            if not self._busy.acquire(blocking=False):
                raise errors.E_FAIL("a write_section is running already")
            try:
                self._cancel.reset()
                self._run(source, starting_block_address, number_of_blocks)
            finally:
                self._busy.release()
        finally:
            source.close()

    def _run(self, source: Any, lba: int, count: int) -> None:
        recorder = self._recorder
        assert recorder is not None
        drive = recorder.drive
        recorder.exclusive.check()
        if self._start_sps > 0:
            try:
                drive.set_streaming(-(-self._start_sps * self._bytes_per_sector // 1000), lba + count - 1)
            except errors.ImapiError:
                pass  # the drive keeps its own speed
        opts = WriteOptions(
            sector_size=self._bytes_per_sector,
            transfer_blocks=max(1, min(self.transfer_blocks, 0xFFFF)),
            use_write12=self._write12,
            streaming=self._write12,
        )

        def progress(p: Progress) -> None:
            args = WriteEngine2EventArgs(
                p.start_lba,
                p.sector_count,
                p.last_read_lba,
                p.last_written_lba,
                p.total_system_buffer,
                p.used_system_buffer,
                p.free_system_buffer,
            )
            for listener in list(self._listeners):
                listener(self, args)

        write_section(drive.transport, source, lba, count, options=opts, on_progress=progress, cancel=self._cancel)

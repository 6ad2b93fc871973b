"""DiscFormat2Erase: quick and full erasing of rewritable media (IDiscFormat2Erase).

CD-RW and DVD-RW are blanked with BLANK (Immed) and TEST UNIT READY polling; DVD+RW,
DVD-RAM and BD-RE have no blank command and are erased by writing zeros (2 MiB at both ends
for a quick erase, everything for a full one), as Microsoft's erase sample describes.
"""

from __future__ import annotations

import time
from typing import Any

from openimapi import errors
from openimapi.engine import WriteOptions, open_source, write_section
from openimapi.imapi2._drive import StillBusy
from openimapi.imapi2._format2 import DiscFormat2
from openimapi.imapi2.recorder import DiscRecorder2
from openimapi.imapi2.streams import StreamZero
from openimapi.mmc.sense import SenseKey

__all__ = ["DiscFormat2Erase"]

BLANKABLE = frozenset({0x0A, 0x13, 0x14})  # CD-RW, DVD-RW restricted overwrite / sequential
WRITE_ERASED = frozenset({0x12, 0x1A, 0x2A, 0x43})  # DVD-RAM, DVD+RW (DL), BD-RE
ERASE_FEATURES = (0x0021, 0x0026, 0x002D, 0x002C, 0x002F, 0x002A, 0x0020, 0x0041)
QUICK_SECTORS = 1024  # 2 MiB
ONE_HOUR = 3600.0


class DiscFormat2Erase(DiscFormat2):
    """Erases rewritable media (MsftDiscFormat2Erase). Listeners get
    ``(sender, elapsed_seconds, estimated_total_seconds)``."""

    PROFILES = BLANKABLE | WRITE_ERASED
    CLIENT_NAME_ERROR = errors.E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID
    IN_PROGRESS_ERROR = errors.E_IMAPI_ERASE_RECORDER_IN_USE

    def __init__(self) -> None:
        super().__init__()
        self._full = False

    @DiscFormat2.recorder.setter  # type: ignore[attr-defined]
    def recorder(self, value: DiscRecorder2 | None) -> None:
        self._check_idle()
        if value is not None and self._recorder is not None and value is not self._recorder:
            raise errors.E_IMAPI_ERASE_ONLY_ONE_RECORDER_SUPPORTED("clear the recorder before setting another")
        if value is not None:
            if not isinstance(value, DiscRecorder2):
                raise errors.E_INVALIDARG(f"a {type(value).__name__} is not a DiscRecorder2")
            self._check_recorder(value)
        self._recorder = value

    def _check_recorder(self, recorder: DiscRecorder2) -> None:
        drive = recorder.drive
        page = drive.capabilities()
        if (page.page_length or 0) < 18:
            raise errors.E_IMAPI_ERASE_MODE_PAGE_2A_TOO_SMALL(f"mode page 2Ah is {(page.page_length or 0) + 2} bytes")
        codes = {f.code for f in drive.configuration(rt=0)[1]}
        if not codes.intersection(ERASE_FEATURES) or not any(p in self.PROFILES for p in recorder.supported_profiles):
            raise errors.E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED(f"{recorder.active_disc_recorder} cannot erase")

    @property
    def full_erase(self) -> bool:
        """True: erase every sector; False (default): a quick erase."""
        return self._full

    @full_erase.setter
    def full_erase(self, value: bool) -> None:
        self._check_idle()
        self._full = bool(value)

    def erase_media(self) -> None:
        """Erase the medium; blocks until done, firing progress updates.

        Raises:
            E_IMAPI_RECORDER_REQUIRED: no recorder set.
            E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID: no client name set.
            E_IMAPI_ERASE_RECORDER_IN_USE: this object is erasing already.
            E_IMAPI_RECORDER_LOCKED: another client holds exclusive access.
            E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED: the medium is not rewritable.
            E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE: the drive says the disc cannot be erased.
            E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL: READ DISC INFORMATION answered too little.
            E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND: START UNIT failed.
            E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND: BLANK failed.
            E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE: the drive failed while erasing.
            E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR: the drive was still busy after an hour.
        """
        recorder = self._require_recorder()
        if self._client_name is None:
            raise errors.E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID("set client_name before erasing")
        if not self._busy.acquire(blocking=False):
            raise errors.E_IMAPI_ERASE_RECORDER_IN_USE("this object is erasing already")
        try:
            self._erase(recorder)
        finally:
            self._busy.release()

    def _erase(self, recorder: DiscRecorder2) -> None:
        drive = recorder.drive
        recorder.exclusive.check()
        drive.require_medium()
        profile = drive.current_profile()
        if profile not in self.PROFILES:
            raise errors.E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED(f"profile {profile:#06x} cannot be erased")
        info = drive.disc_info()
        if len(info.raw) < 32:
            raise errors.E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL(f"disc information of {len(info.raw)} bytes")
        if profile in BLANKABLE and not info.erasable:
            raise errors.E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE("the drive reports the disc as not erasable")
        took = not recorder.exclusive.held
        if took:
            recorder.exclusive.acquire(self._client_name or "openimapi")
        locked = False
        started = time.monotonic()
        estimate = self._estimate(profile)
        try:
            try:
                drive.start_stop(load_eject=False, start=True)
            except errors.ImapiError as exc:
                raise errors.E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND(str(exc)) from exc
            drive.prevent_removal(True)
            locked = True
            self._fire(0, estimate)
            if profile in BLANKABLE:
                self._blank(recorder, started, estimate)
            else:
                self._zero(recorder, profile, started, estimate)
            elapsed = int(time.monotonic() - started)
            self._fire(elapsed, max(elapsed, estimate))
        finally:
            if locked:
                drive.release_medium()
            if took:
                recorder.exclusive.release()

    def _estimate(self, profile: int) -> int:
        if profile == 0x0A:
            return 8 * 60 if self._full else 60
        return 15 * 60 if self._full else 30

    def _blank(self, recorder: DiscRecorder2, started: float, estimate: int) -> None:
        drive = recorder.drive
        try:
            drive.blank(0 if self._full else 1, immed=True)
        except errors.ImapiError as exc:
            raise errors.E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND(str(exc)) from exc

        last = [started]

        def tick(progress: int | None) -> None:
            now = time.monotonic()
            if now - last[0] >= 1.0:
                last[0] = now
                elapsed = now - started
                total = elapsed * 65536 / progress if progress else estimate
                self._fire(int(elapsed), int(max(total, elapsed)))

        try:
            drive.wait_ready(limit=ONE_HOUR, on_wait=tick)
        except StillBusy as exc:
            raise errors.E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR(str(exc)) from exc
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is None or sense.key != SenseKey.NOT_READY:
                raise errors.E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE(str(exc)) from exc
            raise

    def _zero(self, recorder: DiscRecorder2, profile: int, started: float, estimate: int) -> None:
        drive = recorder.drive
        try:
            _, kind, descriptors = drive.format_capacities()
        except errors.ImapiError:
            kind, descriptors = 2, []
        if kind == 1:  # never formatted: nothing recorded, and a write would need a format first
            if profile == 0x1A:
                return
            if descriptors:
                blocks, fmt_type, param = descriptors[0]
                drive.format_unit(blocks, fmt_type, param, immed=True)
                drive.wait_ready(limit=ONE_HOUR)
                return
        last, _ = drive.read_capacity()
        total = last + 1
        if self._full:
            spans = [(0, total)]
        elif profile == 0x1A:
            spans = [(0, min(total, 2 * QUICK_SECTORS))]
        else:
            n = min(QUICK_SECTORS, total)
            spans = [(0, n), (max(n, total - n), total - max(n, total - n))]
        done = [0]
        work = sum(n for _, n in spans)
        tick = [started]

        def progress(p: Any) -> None:
            now = time.monotonic()
            if now - tick[0] >= 1.0:
                tick[0] = now
                elapsed = now - started
                finished = done[0] + p.sectors_done
                full = elapsed * work / finished if finished else estimate
                self._fire(int(elapsed), int(max(full, elapsed)))

        for lba, count in spans:
            if count <= 0:
                continue
            write_section(
                drive.transport,
                _zero_source(count),
                lba,
                count,
                options=WriteOptions(transfer_blocks=256),
                on_progress=progress,
            )
            done[0] += count
        drive.synchronize_cache()


def _zero_source(count: int) -> Any:
    return open_source(StreamZero(count * 2048))

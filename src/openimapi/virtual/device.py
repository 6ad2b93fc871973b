"""The virtual MMC device: CDB in, data + status + sense out, as a real drive answers.

:class:`Device` is an opcode -> handler table (as tgt's SCSI target) over the drive folder
(tray, lock, faults, mode pages) and the disc state machine. Requests are parsed and
answers built with the same codec the host uses (:mod:`openimapi.mmc`); a CDB the codec
rejects is answered ILLEGAL REQUEST / INVALID FIELD IN CDB with the field pointer the
codec names, an opcode without a handler INVALID COMMAND OPERATION CODE (5/20/00).

Order of checks for every command (SPC-4 / MMC-6): transport faults; unit attention
(except INQUIRY, REQUEST SENSE, GET CONFIGURATION, GET EVENT STATUS NOTIFICATION); a long
operation in progress (2/04/xx with progress); medium present; injected sense faults;
then the handler.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openimapi.mmc.codec import InvalidCdbField, MalformedData
from openimapi.mmc.command import Command, Completion, ScsiStatus
from openimapi.virtual import conditions as cc
from openimapi.virtual import faults as flt
from openimapi.virtual.conditions import CheckCondition
from openimapi.virtual.discstate import DiscState
from openimapi.virtual.drive import DriveFolder
from openimapi.virtual.speed import BufferModel
from openimapi.virtual.store import StoreError, discs_dir

__all__ = ["Device", "DeviceGone", "DeviceTimeout", "DeviceLocked", "HANDLERS", "handler"]


class DeviceGone(Exception):
    """The device disappeared (injected fault): the transport fails."""


class DeviceTimeout(Exception):
    """The command never completes (injected fault): the transport times out."""


class DeviceLocked(Exception):
    """Another client holds exclusive access."""


Handler = Callable[["Device", Command], bytes]


@dataclass(frozen=True, slots=True)
class Entry:
    func: Handler
    category: str  # "any" | "medium" | "write" | "speed"
    ua_exempt: bool = False
    busy_ok: bool = False


#: opcode -> handler, filled by the handler modules through :func:`handler`.
HANDLERS: dict[int, Entry] = {}


def handler(opcode: int, category: str = "medium", *, ua_exempt: bool = False,
            busy_ok: bool = False) -> Callable[[Handler], Handler]:
    """Register ``func`` as the handler of ``opcode``."""

    def deco(func: Handler) -> Handler:
        HANDLERS[opcode] = Entry(func, category, ua_exempt, busy_ok)
        return func

    return deco


#: CD write-parameters data block type -> bytes per block (MMC-6 table 649).
DATA_BLOCK_SIZES = {0: 2352, 1: 2368, 2: 2448, 3: 2448, 8: 2048, 9: 2336, 10: 2048, 11: 2056, 12: 2324, 13: 2332}


def default_page05() -> dict[str, Any]:
    """Write parameters after power-on (MMC-6 7.5.4 defaults as drives report them)."""
    return {"write_type": 1, "test_write": False, "bufe": False, "ls_v": False, "multi_session": 0, "fp": False,
            "copy": False, "track_mode": 4, "data_block_type": 8, "link_size": 0, "host_application_code": 0,
            "session_format": 0, "packet_size": 0, "audio_pause_length": 150, "mcn": None, "isrc": None}


def _load_handlers() -> None:
    """Import the handler modules (they register themselves in HANDLERS)."""
    import openimapi.virtual.cd
    import openimapi.virtual.info
    import openimapi.virtual.mechanism
    import openimapi.virtual.physical
    import openimapi.virtual.primary
    import openimapi.virtual.recording  # noqa: F401


class Device:
    """One open of a virtual drive: answers commands against its folder and disc."""

    def __init__(self, folder: DriveFolder) -> None:
        self.drive = folder
        self.model = folder.model
        self.disc: DiscState | None = None
        self.buffer = BufferModel(self.model.buffer_size)
        self.sim: dict[str, int] | None = None
        self._durable = False
        self._thread_lock = threading.Lock()  # file locks do not exclude threads sharing them
        _load_handlers()

    # ------------------------------------------------------------------ plumbing
    @property
    def state(self) -> dict[str, Any]:
        return self.drive.state

    @property
    def page05(self) -> dict[str, Any]:
        page = self.state.get("page05")
        if not page:
            page = default_page05()
            self.state["page05"] = page
        return dict(page)

    def _sync_disc(self) -> None:
        disc_id = self.state.get("disc")
        if disc_id is None or self.state.get("tray_open"):
            if self.disc is not None:
                self.disc.close()
            self.disc = None
            return
        if self.disc is not None and self.disc.id == disc_id and not self.disc.stale():
            self.disc.refresh_progress()  # another process may have written since
            return
        if self.disc is not None:
            self.disc.close()
        try:
            self.disc = DiscState.load(discs_dir() / str(disc_id))
        except StoreError:
            self.disc = None

    def medium(self) -> DiscState:
        """The inserted disc.

        Raises:
            CheckCondition: no medium (2/3A/01 or 2/3A/02).
        """
        if self.disc is None:
            raise cc.no_medium(bool(self.state.get("tray_open")))
        return self.disc

    def execute(self, command: Command) -> Completion:
        """Run one command under the drive's command lock.

        Another client's exclusive access (or the ``locked`` fault) is answered with
        RESERVATION CONFLICT status, as a reserved device answers other initiators.

        Raises:
            DeviceGone: an injected device-gone fault.
            DeviceTimeout: an injected timeout.
        """
        with self._thread_lock:
            return self._execute(command)

    def _execute(self, command: Command) -> Completion:
        owner = self.drive.locked_by_other()
        if owner is not None:  # as a reserved device answers another initiator
            return Completion(status=ScsiStatus.RESERVATION_CONFLICT, residual=command.data_in_length)
        with self.drive.locked():
            self._sync_disc()
            before = json.dumps(self.disc.s, sort_keys=True) if self.disc is not None else None
            try:
                data = self._dispatch(command)
                if command.data_in_length:
                    cut = flt.take(self.state.setdefault("faults", []), "answer", None, command.opcode)
                    if cut is not None:
                        data = data[: cut.length]
                completion = self._good(command, data)
            except DeviceLocked:
                completion = Completion(status=ScsiStatus.RESERVATION_CONFLICT, residual=command.data_in_length)
            except CheckCondition as exc:
                completion = Completion(status=ScsiStatus.CHECK_CONDITION, sense=exc.sense,
                                        residual=command.data_in_length)
            finally:
                if self.disc is not None and before is not None and json.dumps(self.disc.s, sort_keys=True) != before:
                    self.disc.persist_change(before, durable=self._durable)
                self._durable = False
        return completion

    @staticmethod
    def _good(command: Command, data: bytes) -> Completion:
        n = min(len(data), command.data_in_length)
        return Completion(status=ScsiStatus.GOOD, data=data[:n], residual=command.data_in_length - n)

    def commit(self) -> None:
        """Ask for the disc state to be fsynced at the end of this command (SYNCHRONIZE
        CACHE, CLOSE, BLANK, FORMAT: the points where a real drive commits)."""
        self._durable = True

    def _dispatch(self, command: Command) -> bytes:
        entry = HANDLERS.get(command.opcode)
        fault_list: list[dict[str, Any]] = self.state.setdefault("faults", [])
        category = entry.category if entry is not None else "any"
        fired = flt.take(fault_list, "transport")
        if fired is not None:
            kind = fired.action.transport
            if kind == "gone":
                raise DeviceGone(f"virtual drive {self.drive.name!r} is gone (injected fault)")
            if kind == "timeout":
                raise DeviceTimeout(f"virtual drive {self.drive.name!r} did not answer (injected fault)")
            raise DeviceLocked("another client (injected fault)")
        if entry is None or command.opcode in self.model.missing_opcodes:
            raise CheckCondition(0x5, 0x20, 0x00, f"opcode {command.opcode:#04x} is not supported")
        ua = self.state.get("unit_attention")
        if ua and not entry.ua_exempt:
            self.state["unit_attention"] = None
            raise CheckCondition(0x6, ua[0], ua[1], "unit attention")
        if self.disc is not None and self.disc.s.get("busy") and not entry.busy_ok:
            progress = self.disc.poll_busy()
            if progress is not None:
                raise self.busy_condition(progress)
        if category != "any" and self.disc is None:
            raise cc.no_medium(bool(self.state.get("tray_open")))
        if self.disc is not None and not self.model.reads(self.disc.medium) and category != "any":
            raise CheckCondition(0x2, 0x30, 0x00, "incompatible medium installed")
        if category != "any":
            fired = flt.take(fault_list, category, self._lba_range(command, category))
            if fired is not None and fired.action.sense is not None:
                if fired.kind == "loss-of-streaming" and self.page05.get("bufe") and self.model.bufe:
                    pass  # BUFE: the drive recovers from the underrun
                else:
                    raise flt.condition(fired)
        try:
            return entry.func(self, command)
        except InvalidCdbField as exc:
            raise cc.invalid_field(exc.byte, exc.bit, in_cdb=exc.in_cdb, message=str(exc)) from None
        except MalformedData as exc:
            raise cc.parameter_length_error(str(exc)) from None

    def busy_condition(self, progress: int) -> CheckCondition:
        assert self.disc is not None and self.disc.s["busy"] is not None
        op = self.disc.s["busy"]["op"]
        ascq = {"format": 0x04, "sync": 0x08}.get(op, 0x07)
        return CheckCondition(0x2, 0x04, ascq, f"{op} in progress", progress=progress)

    @staticmethod
    def _lba_range(command: Command, category: str) -> tuple[int, int] | None:
        if category != "write" or command.opcode not in (0x2A, 0xAA):
            return None
        lba = int.from_bytes(command.cdb[2:6], "big", signed=True)
        count = int.from_bytes(command.cdb[7:9] if command.opcode == 0x2A else command.cdb[6:10], "big")
        return (lba, lba + max(count, 1))

    # ------------------------------------------------------------------ helpers for handlers
    def write_block_size(self) -> int:
        """Bytes per block of WRITE on the current medium."""
        disc = self.medium()
        if disc.medium.is_cd:
            return DATA_BLOCK_SIZES.get(int(self.page05["data_block_type"]), 2048)
        return 2048

    def write_speed(self) -> float:
        """Bytes per second the drive records at."""
        disc = self.medium()
        chosen = self.state.get("write_speed")
        speeds = self.model.write_speeds(disc.medium) or (1,)
        top = speeds[0] * disc.medium.one_x
        if chosen:
            return float(min(int(chosen) * 1000, top))
        return float(top)

    def pace(self, nbytes: int) -> None:
        """Feed the buffer model (sleeps when paced)."""
        disc = self.medium()
        self.buffer.configure(paced=bool(self.state.get("paced")), rate=self.write_speed())
        if self.buffer.take_underrun() and not (self.page05.get("bufe") and self.model.bufe) \
                and self.buffer.paced and disc.medium.write_once:
            raise CheckCondition(0x3, 0x0C, 0x09, "buffer underrun")
        self.buffer.fill(nbytes)

    def start_long(self, op: str, nbytes: int, immed: bool) -> None:
        """A long operation: with Immed the drive reports progress to TEST UNIT READY."""
        disc = self.medium()
        paced = bool(self.state.get("paced"))
        if immed:
            seconds = nbytes / self.write_speed() if paced else 0.0
            disc.start_busy(op, max(seconds, 0.5) if paced else 0.0, paced)
        elif paced:
            time.sleep(min(nbytes / self.write_speed(), 5.0))

    def media_changed(self) -> None:
        """Unit attention + new-media event after a medium change (called by the API)."""
        self.state["unit_attention"] = [0x28, 0x00]
        self.state["media_event"] = 2

"""The disc state machine: sessions, tracks, next writable address, format and blank state,
held as one JSON document and a sparse data file, changed only by whole transitions.

Each public method is one drive operation (write, reserve, close, blank, format, ...). It
checks the request against the medium and the current state, raises
:class:`~openimapi.virtual.conditions.CheckCondition` with the sense a real drive gives
when the request is wrong, and otherwise applies the change to ``self.s``. The caller
(the device) persists the state after every command with :meth:`save`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openimapi.virtual import conditions as cc
from openimapi.virtual.media import Medium, media_by_name
from openimapi.virtual.store import SparseData, StoreError, atomic_write_json, file_identity, read_json

__all__ = ["DiscState", "DiscView", "TrackView", "CD_SLOT_OFFSET"]

STATE_VERSION = 1
#: CD slots start at LBA -150 (SAO writes the first pre-gap).
CD_SLOT_OFFSET = 150
#: TAO: the drive writes a 150-sector pre-gap (2 s pause) before each later track.
TAO_PREGAP = 150
#: Polls (TUR / REQUEST SENSE) a long operation takes when the drive is not paced.
UNPACED_POLLS = 4
#: The progress record (file ``progress``): generation of disc.json it extends, track
#: index, blocks written in that track, highest random write. One pwrite of 32 bytes:
#: a killed process leaves the old or the new record, never half of one.
PROGRESS = struct.Struct(">QqqQ")


@dataclass(frozen=True, slots=True)
class TrackView:
    """What READ TRACK INFORMATION reports for one track (MMC-6 6.27.3)."""

    number: int
    session: int
    start: int
    size: int
    nwa: int | None
    free: int
    blank: bool
    reserved: bool
    incomplete: bool
    invisible: bool
    damaged: bool
    control: int
    data_mode: int  # 1 = mode 1, 2 = mode 2, 0xF = unknown/none
    last_recorded: int | None
    packet: bool = False
    fixed_packet: bool = False
    packet_size: int = 0


@dataclass(frozen=True, slots=True)
class DiscView:
    """What READ DISC INFORMATION reports (MMC-6 6.22.3.1)."""

    status: int  # 0 empty, 1 incomplete (appendable), 2 complete, 3 others (random)
    last_session_state: int  # 0 empty, 1 incomplete, 2 reserved/damaged, 3 complete
    erasable: bool
    sessions: int
    first_track_last_session: int
    last_track_last_session: int
    bg_format: int  # 0 none, 1 incomplete (suspended), 2 in progress, 3 complete
    disc_type: int  # CD: 00h CD-DA/CD-ROM, 20h CD-ROM XA
    last_lead_in: int | None
    last_lead_out: int | None
    tracks: int


def _progress_only(old: dict[str, Any], new: dict[str, Any]) -> int | None:
    """The index of the one track whose ``written`` count is all that changed between two
    states (random_high may change too); -1 when only random_high changed; None when
    anything else changed."""
    if old.keys() != new.keys() or len(old["tracks"]) != len(new["tracks"]):
        return None
    for key in old:
        if key not in ("tracks", "random_high") and old[key] != new[key]:
            return None
    index = -1
    for i, (a, b) in enumerate(zip(old["tracks"], new["tracks"], strict=True)):
        if a == b:
            continue
        same_but_written = {k: v for k, v in a.items() if k != "written"} == {
            k: v for k, v in b.items() if k != "written"}
        if index != -1 or not same_but_written:
            return None
        index = i
    return index


def _align(value: int, unit: int) -> int:
    return -(-value // unit) * unit


class DiscState:
    """One disc: its medium model, its JSON state and its data file."""

    def __init__(self, folder: Path, state: dict[str, Any]) -> None:
        self.folder = folder
        self.s = state
        self.medium: Medium = media_by_name(state["media"])
        self._data: SparseData | None = None
        self._progress_fd: int | None = None
        self._identity = file_identity(folder / "disc.json")

    # ------------------------------------------------------------------ storage
    @classmethod
    def create(cls, folder: Path, medium: Medium, *, disc_id: str | None = None) -> DiscState:
        """A new blank disc of ``medium`` in ``folder``.

        Raises:
            StoreError: the folder cannot be written.
        """
        folder.mkdir(parents=True, exist_ok=True)
        state: dict[str, Any] = {
            "version": STATE_VERSION,
            "id": disc_id or folder.name,
            "media": medium.name,
            "profile": medium.profile,
            "write_protected": False,
            "damaged": False,
            "finalized": False,
            "formatted": medium.preformatted,
            "format_capacity": medium.capacity if medium.preformatted else 0,
            "bg_format": 0,
            "random_high": 0,
            "busy": None,
            "sessions": [{"closed": False, "start": 0}],
            "tracks": [],
            "mcn": "",
            "isrc": {},
            "cd_text": "",
            "cue": None,
            "serial": secrets.token_hex(4),
        }
        if medium.rom:
            raise StoreError("ROM media are made from an image, not created blank")
        disc = cls(folder, state)
        disc.save(durable=True)
        (folder / "data").touch()
        return disc

    @classmethod
    def create_rom(cls, folder: Path, medium: Medium, image: Path) -> DiscState:
        """A pressed disc holding the bytes of ``image`` (one data track, finalized).

        Raises:
            StoreError: the image cannot be read or the folder written.
            ValueError: the image size is not a multiple of 2048.
        """
        size = image.stat().st_size
        if size % 2048:
            raise ValueError(f"{image}: size {size} is not a multiple of 2048 bytes")
        blocks = size // 2048
        folder.mkdir(parents=True, exist_ok=True)
        state: dict[str, Any] = {
            "version": STATE_VERSION, "id": folder.name, "media": medium.name, "profile": medium.profile,
            "write_protected": True, "damaged": False, "finalized": True, "formatted": False,
            "format_capacity": 0, "bg_format": 0, "random_high": 0, "busy": None,
            "sessions": [{"closed": True, "start": 0}],
            "tracks": [{"session": 1, "start": 0, "reserved": None, "written": blocks, "closed": True,
                        "control": 4, "mode": "mode1", "pregap": 0}],
            "mcn": "", "isrc": {}, "cd_text": "", "cue": None, "serial": secrets.token_hex(4),
        }
        disc = cls(folder, state)
        data = disc.data
        with open(image, "rb") as src:
            lba = 0
            while chunk := src.read(2048 * 512):
                n = len(chunk) // 2048
                for i in range(n):
                    data.write(disc.slot(lba + i), chunk[i * 2048 : (i + 1) * 2048])
                lba += n
        disc.save(durable=True)
        return disc

    @classmethod
    def load(cls, folder: Path) -> DiscState:
        """Load a disc folder.

        Raises:
            StoreError: missing or unreadable state.
        """
        state = read_json(folder / "disc.json")
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise StoreError(f"{folder}: not a disc of this version")
        disc = cls(folder, state)
        disc.refresh_progress()
        return disc

    def stale(self) -> bool:
        """True when another process replaced the state file since it was read."""
        return file_identity(self.folder / "disc.json") != self._identity

    def save(self, *, durable: bool = False) -> None:
        """Persist the state atomically (``durable`` also fsyncs the data and the state).

        Raises:
            StoreError: the host could not write.
        """
        if durable and self._data is not None:
            self._data.sync()
        self.s["generation"] = int(self.s.get("generation", 0)) + 1
        atomic_write_json(self.folder / "disc.json", self.s, durable=durable)
        self._identity = file_identity(self.folder / "disc.json")

    def _progress(self) -> int:
        if self._progress_fd is None:
            try:
                self._progress_fd = os.open(self.folder / "progress", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise StoreError(f"cannot open {self.folder / 'progress'}: {exc.strerror}") from exc
        return self._progress_fd

    def save_progress(self, track_index: int) -> None:
        """Record the blocks written in track ``track_index`` (-1: none) and the random
        write high-water mark without rewriting disc.json: the fast path of WRITE.

        Raises:
            StoreError: the host could not write.
        """
        written = int(self.tracks[track_index]["written"]) if track_index >= 0 else 0
        record = PROGRESS.pack(int(self.s.get("generation", 0)), track_index, written, int(self.s["random_high"]))
        try:
            os.pwrite(self._progress(), record, 0)
        except OSError as exc:
            raise StoreError(f"cannot write {self.folder / 'progress'}: {exc.strerror}") from exc

    def refresh_progress(self) -> None:
        """Apply the progress record when it extends this disc.json (same generation)."""
        try:
            if self._progress_fd is not None:
                raw = os.pread(self._progress_fd, PROGRESS.size, 0)
            else:  # a read-only look (Disc, a fresh load) keeps no descriptor open
                with open(self.folder / "progress", "rb") as f:
                    raw = f.read(PROGRESS.size)
        except OSError:
            return
        if len(raw) != PROGRESS.size:
            return
        generation, index, written, high = PROGRESS.unpack(raw)
        if generation != int(self.s.get("generation", 0)):
            return
        if 0 <= index < len(self.tracks):
            self.tracks[index]["written"] = written
        self.s["random_high"] = high

    def persist_change(self, before: str, *, durable: bool) -> None:
        """Persist what a command changed: the progress record when only one track's
        written count and the random high-water mark moved, else the whole state.

        Raises:
            StoreError: the host could not write.
        """
        if durable:
            self.save(durable=True)
            return
        old = json.loads(before)
        index = _progress_only(old, self.s)
        if index is None:
            self.save()
        else:
            self.save_progress(index)

    @property
    def data(self) -> SparseData:
        if self._data is None:
            self._data = SparseData(self.folder / "data", self.medium.slot_size)
        return self._data

    def close(self) -> None:
        if self._data is not None:
            self._data.close()
            self._data = None
        if self._progress_fd is not None:
            os.close(self._progress_fd)
            self._progress_fd = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def slot(self, lba: int) -> int:
        return lba + CD_SLOT_OFFSET if self.medium.is_cd else lba

    # ------------------------------------------------------------------ queries
    @property
    def id(self) -> str:
        return str(self.s["id"])

    @property
    def profile(self) -> int:
        return int(self.s["profile"])

    @property
    def finalized(self) -> bool:
        return bool(self.s["finalized"])

    @property
    def random_access(self) -> bool:
        """Written at any address: formatted DVD+RW, DVD-RAM, BD-RE, DVD-RW restricted overwrite."""
        return bool(self.s["formatted"]) and self.medium.rewritable

    @property
    def capacity(self) -> int:
        if self.random_access:
            return int(self.s["format_capacity"]) or self.medium.capacity
        return self.medium.capacity

    @property
    def tracks(self) -> list[dict[str, Any]]:
        t: list[dict[str, Any]] = self.s["tracks"]
        return t

    @property
    def sessions(self) -> list[dict[str, Any]]:
        s: list[dict[str, Any]] = self.s["sessions"]
        return s

    def track_end(self, t: dict[str, Any]) -> int:
        """First LBA after a track (its reserved size, else what was written)."""
        size = t["reserved"] if t["reserved"] is not None else t["written"]
        return int(t["start"]) + int(size)

    def next_track_start(self) -> int:
        """Start of the invisible track: after the last track, or after the session gap."""
        session = self.sessions[-1]
        in_session = [t for t in self.tracks if t["session"] == len(self.sessions)]
        if in_session:
            end = self.track_end(in_session[-1])
            if self.medium.is_cd:
                return end + TAO_PREGAP
            return _align(end, self.medium.link_size)
        return int(session["start"])

    def open_track(self) -> dict[str, Any] | None:
        """The last track when it is still open-ended (incomplete and not reserved)."""
        if self.tracks:
            t = self.tracks[-1]
            if not t["closed"] and t["reserved"] is None and t["session"] == len(self.sessions):
                return t
        return None

    def appendable(self) -> bool:
        return not self.finalized and not self.random_access and self.medium.writable

    def track_views(self) -> list[TrackView]:
        """Every track, the invisible one included when the disc is appendable."""
        views: list[TrackView] = []
        cap = self.capacity
        if self.random_access:
            high = int(self.s["random_high"])
            return [TrackView(1, 1, 0, cap, 0 if self.medium.profile in (0x1A, 0x12, 0x43) else None, cap, False,
                              False, False, False, False, 4, 1, high - 1 if high else None,
                              packet=self.profile == 0x13, fixed_packet=self.profile == 0x13,
                              packet_size=16 if self.profile == 0x13 else 0)]
        for i, t in enumerate(self.tracks, 1):
            start, written = int(t["start"]), int(t["written"])
            nwa: int | None
            if t["closed"]:
                size, free, nwa = self.track_end(t) - start, 0, None
            elif t["reserved"] is not None:
                size = int(t["reserved"])
                free = size - written
                nwa = start + written if free > 0 else None
            else:  # open-ended incomplete track: extends to the end of the medium
                size = cap - start
                nwa = start + written
                free = cap - nwa
            views.append(TrackView(
                number=i, session=int(t["session"]), start=start, size=size, nwa=nwa, free=free,
                blank=written == 0, reserved=t["reserved"] is not None, incomplete=not t["closed"],
                invisible=False, damaged=bool(t.get("damaged", False)), control=int(t["control"]),
                data_mode=1 if t["mode"] == "mode1" else 2 if t["mode"] == "mode2" else 0xF,
                last_recorded=start + written - 1 if written else None,
            ))
        if self.appendable() and self.open_track() is None:
            start = self.next_track_start()
            if start < cap:
                views.append(TrackView(
                    number=len(self.tracks) + 1, session=len(self.sessions), start=start, size=cap - start,
                    nwa=start, free=cap - start, blank=True, reserved=False, incomplete=True, invisible=True,
                    damaged=False, control=4 if not self.medium.is_cd else 0, data_mode=0xF,
                    last_recorded=None,
                ))
        return views

    def status(self) -> tuple[int, int]:
        """(disc status, state of last session) of READ DISC INFORMATION."""
        if self.random_access:
            return (3 if self.medium.profile in (0x12, 0x43) else 2), 3
        if self.medium.rewritable and self.medium.needs_format:
            return 0, 0  # unformatted DVD+RW / BD-RE: blank
        if self.finalized:
            return 2, 3
        if self.s["damaged"]:
            return 1, 2
        if not self.tracks:
            return 0, 0
        in_last = [t for t in self.tracks if t["session"] == len(self.sessions)]
        return 1, (1 if in_last else 0)

    def disc_view(self) -> DiscView:
        status, last = self.status()
        views = self.track_views()
        nsess = len(self.sessions)
        in_last = [v.number for v in views if v.session == nsess] or [len(views) or 1]
        lead_in = lead_out = None
        disc_type = 0
        if self.medium.is_cd and self.medium.atip is not None:
            if status in (0, 1):
                nxt = self.next_track_start()
                lead_in = self.medium.atip.lead_in_lba if status == 0 else nxt - TAO_PREGAP - 4500
                lead_out = self.medium.atip.lead_out_lba
            if any(t["mode"] == "mode2" for t in self.tracks):
                disc_type = 0x20
        return DiscView(
            status=status, last_session_state=last, erasable=self.medium.erasable and self.medium.rewritable,
            sessions=nsess, first_track_last_session=in_last[0], last_track_last_session=in_last[-1],
            bg_format=int(self.s["bg_format"]), disc_type=disc_type, last_lead_in=lead_in,
            last_lead_out=lead_out, tracks=len(views),
        )

    def recorded_end(self) -> int:
        """One past the last recorded LBA (READ CAPACITY answers this minus one)."""
        if self.random_access:
            return self.capacity if self.s["profile"] in (0x12, 0x43, 0x13) or self.s["bg_format"] in (2, 3) \
                else max(int(self.s["random_high"]), 0) or self.capacity
        end = 0
        for t in self.tracks:
            if t["written"]:
                end = max(end, int(t["start"]) + int(t["written"]))
        return end

    # ------------------------------------------------------------------ long operations
    def start_busy(self, op: str, seconds: float, paced: bool) -> None:
        """Begin an Immed operation that TEST UNIT READY reports as in progress."""
        self.s["busy"] = {"op": op, "polls": 0, "start": time.time(), "seconds": seconds, "paced": paced}

    def poll_busy(self) -> int | None:
        """Progress (0..65535) of a running long operation, None when it has ended; each
        call is one poll (unpaced operations end after a fixed number of polls)."""
        busy = self.s["busy"]
        if not busy:
            return None
        if busy["paced"]:
            done = (time.time() - busy["start"]) / max(busy["seconds"], 1e-6)
        else:
            done = busy["polls"] / UNPACED_POLLS
            busy["polls"] += 1
        if done >= 1.0:
            self.s["busy"] = None
            return None
        return min(int(done * 65536), 65535)

    # ------------------------------------------------------------------ writing
    def check_writable(self) -> None:
        """Raises: CheckCondition for ROM, write-protected, finalized media."""
        if not self.medium.writable:
            raise cc.incompatible_format("pressed media cannot be written")
        if self.s["write_protected"]:
            raise cc.write_protected()
        if self.finalized and not self.random_access:
            raise cc.invalid_write_address("the disc is finalized")

    def writable_track_at(self, lba: int) -> dict[str, Any] | None:
        """The track (existing or a new one) whose NWA is ``lba``; creates the new track
        when ``lba`` is the invisible track's start. None when ``lba`` is no NWA."""
        for t in self.tracks:
            if t["closed"] or t["session"] != len(self.sessions):
                continue
            if int(t["start"]) + int(t["written"]) == lba:
                if t["reserved"] is not None and t["written"] >= t["reserved"]:
                    continue
                return t
        if self.open_track() is None and lba == self.next_track_start() and lba < self.capacity:
            return {"session": len(self.sessions), "start": lba, "reserved": None, "written": 0, "closed": False,
                    "control": 4, "mode": "mode1", "pregap": 0}
        return None

    def add_track(self, track: dict[str, Any]) -> None:
        if track not in self.tracks:
            self.tracks.append(track)

    def reserve(self, size: int) -> None:
        """RESERVE TRACK of ``size`` sectors at the invisible track.

        Raises:
            CheckCondition: no invisible track, size zero or past capacity.
        """
        self.check_writable()
        if self.random_access or self.open_track() is not None or not self.appendable():
            raise cc.CheckCondition(0x5, 0x2C, 0x00, "no invisible track to reserve")
        if size <= 0:
            raise cc.invalid_field(5)
        start = self.next_track_start()
        size = _align(size, self.medium.link_size)
        if start + size > self.capacity:
            raise cc.CheckCondition(0x5, 0x21, 0x00, "reservation past the end of the medium")
        self.tracks.append({"session": len(self.sessions), "start": start, "reserved": size, "written": 0,
                            "closed": False, "control": 4, "mode": "mode1", "pregap": 0})

    def close_track(self, number: int) -> None:
        """Close track ``number`` (padding a reserved or partial track to its boundary).

        Raises:
            CheckCondition: no such open track.
        """
        if not 1 <= number <= len(self.tracks) or self.tracks[number - 1]["closed"]:
            if number == len(self.tracks) + 1 and self.appendable():
                return  # closing the empty invisible track is a no-op on real drives
            if self.medium.is_cd and number == len(self.tracks) and self.appendable():
                return  # a TAO track is closed by SYNCHRONIZE CACHE already; drives accept the close
            raise cc.invalid_field(5, message=f"track {number} is not open")
        t = self.tracks[number - 1]
        if t["reserved"] is None:
            unit = 1 if self.medium.is_cd else self.medium.link_size
            t["written"] = _align(max(int(t["written"]), 1 if not self.medium.is_cd else 0), unit)
        else:
            t["written"] = int(t["reserved"])
        t["closed"] = True

    def close_session(self, *, finalize: bool) -> None:
        """Close the open session; ``finalize`` closes the disc.

        Raises:
            CheckCondition: nothing to close.
        """
        in_last = [t for t in self.tracks if t["session"] == len(self.sessions)]
        if self.finalized:
            raise cc.CheckCondition(0x5, 0x2C, 0x00, "the disc is already closed")
        for i, t in enumerate(self.tracks, 1):
            if not t["closed"]:
                if t["written"] == 0 and t["reserved"] is None:
                    self.tracks.remove(t)
                    continue
                self.close_track(i)
        if not in_last:
            if finalize and self.tracks:
                self.sessions.pop()
                self.s["finalized"] = True
                return
            raise cc.CheckCondition(0x5, 0x2C, 0x00, "the session is empty")
        self.sessions[-1]["closed"] = True
        if finalize or not self.medium.multisession:
            self.s["finalized"] = True
            return
        end = self.track_end(in_last[-1])
        gap = self.medium.first_session_gap if len(self.sessions) == 1 else self.medium.later_session_gap
        start = _align(end, self.medium.link_size) + gap
        if start >= self.capacity:
            self.s["finalized"] = True
            return
        self.sessions.append({"closed": False, "start": start})

    def blank(self, full: bool) -> None:
        """BLANK the whole disc (CD-RW, DVD-RW), back to sequential recording.

        Raises:
            CheckCondition: the medium cannot be blanked.
        """
        if not self.medium.erasable:
            raise cc.CheckCondition(0x5, 0x30, 0x05, "the medium is not erasable")
        if self.s["write_protected"]:
            raise cc.write_protected()
        self.s.update(tracks=[], sessions=[{"closed": False, "start": 0}], finalized=False, formatted=False,
                      format_capacity=0, random_high=0, damaged=False, profile=self.medium.profile, cue=None,
                      mcn="", isrc={}, cd_text="")
        if full:
            self.data.truncate(0)

    def format(self, format_type: int, blocks: int) -> None:
        """FORMAT UNIT: make a rewritable medium randomly writable.

        Raises:
            CheckCondition: the format type does not fit the medium.
        """
        m = self.medium
        if not m.formattable and not (m.erasable and m.is_dvd):
            raise cc.CheckCondition(0x5, 0x30, 0x05 if m.writable else 0x02, "the medium cannot be formatted")
        if self.s["write_protected"]:
            raise cc.write_protected()
        allowed = {0x1A: {0x26}, 0x12: {0x00, 0x01}, 0x43: {0x00, 0x30, 0x31}, 0x14: {0x00, 0x15, 0x10},
                   0x13: {0x00, 0x15, 0x13}, 0x41: {0x00, 0x32}}.get(m.profile if m.profile != 0x14 else
                                                                     self.profile, set())
        if format_type not in allowed:
            raise cc.invalid_field(4, in_cdb=False, message=f"format type {format_type:#x} does not fit {m.title}")
        if m.profile == 0x41:  # BD-R: SRM+POW with spares is not emulated; accept and stay sequential
            return
        cap = m.capacity
        if m.profile == 0x43 and format_type == 0x31:
            cap = m.unformatted
        elif blocks and blocks != 0xFFFFFFFF and m.profile in (0x43, 0x12):
            cap = min(cap, blocks) if blocks <= (m.unformatted or m.capacity) else cap
        self.s.update(formatted=True, format_capacity=cap, tracks=[], sessions=[{"closed": True, "start": 0}],
                      finalized=False, random_high=0)
        if m.profile == 0x14:
            self.s["profile"] = 0x13
            self.s["bg_format"] = 0
        elif m.profile == 0x1A:
            self.s["bg_format"] = 2  # background format runs; writes allowed
        else:
            self.s["bg_format"] = 0

    def stop_background_format(self) -> None:
        """CLOSE SESSION on DVD+RW: stop background formatting (suspended, DVD-ROM compatible)."""
        if self.s["bg_format"] == 2:
            self.s["bg_format"] = 1

    def write_random(self, lba: int, blocks: int, data: bytes) -> None:
        """WRITE on randomly writable media.

        Raises:
            CheckCondition: past capacity.
        """
        if lba < 0 or lba + blocks > self.capacity:
            raise cc.lba_out_of_range()
        self.data.write(lba, data)
        self.s["random_high"] = max(int(self.s["random_high"]), lba + blocks)

    def read_user(self, lba: int, blocks: int) -> bytes:
        """User data of ``blocks`` sectors (2048 bytes each, or 2352 for CD audio slots).

        Raises:
            CheckCondition: not recorded or past the end.
        """
        if blocks == 0:
            return b""
        if self.random_access:
            if lba < 0 or lba + blocks > self.capacity:
                raise cc.lba_out_of_range()
            return self.data.read(lba, blocks * 2048)
        if not self.recorded(lba, lba + blocks):
            raise cc.lba_out_of_range(f"LBA {lba}+{blocks} is not recorded")
        slot = self.medium.slot_size
        if slot == 2048:
            return self.data.read(lba, blocks * 2048)
        raw = self.data.read(self.slot(lba), blocks * slot)
        return b"".join(raw[i * slot : i * slot + 2048] for i in range(blocks))

    def atip_lead_out(self) -> int | None:
        """LBA of the last possible lead-out start (CD media with an ATIP), else None."""
        return self.medium.atip.lead_out_lba if self.medium.atip is not None else None

    def recorded(self, first: int, end: int) -> bool:
        """Whether every LBA of [first, end) lies in a recorded extent (a track's written
        blocks, with the pre-gap the drive recorded before it); the lead-out, lead-in and
        pre-gap of a later session between them are not readable."""
        if first < (-150 if self.medium.is_cd else 0):
            return False
        extents = sorted((int(t["start"]) - int(t.get("pregap", 0)), int(t["start"]) + int(t["written"]))
                         for t in self.tracks if t["written"])
        pos = first
        for a, b in extents:
            if a <= pos < b:
                pos = b
            if pos >= end:
                return True
        return pos >= end

    def track_end_cue(self, t: dict[str, Any]) -> int:
        """End of a disc-at-once track as the cue sheet fixed it."""
        return int(t.get("sao_end", self.track_end(t)))

    def track_of(self, lba: int) -> dict[str, Any] | None:
        """The track holding ``lba`` (its pre-gap included; a disc-at-once track from the
        moment the cue sheet defined it)."""
        for t in self.tracks:
            end = max(self.track_end(t), int(t.get("sao_end", 0)))
            if int(t["start"]) - int(t.get("pregap", 0)) <= lba < end:
                return t
        return None

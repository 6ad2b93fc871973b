"""DiscFormat2RawCD: a raw disc-at-once image onto a blank CD (IDiscFormat2RawCD,
DDiscFormat2RawCDEvents), with CD-TEXT beyond IMAPI.

The image is what IRawCDImageCreator makes: 2352 bytes of main data and 16 (PQ) or 96 (raw
P-W) bytes of sub-channel per sector, from the lead-in (MSF 95:00:00 for write_media) to
the end of the lead-out. It is recorded session-at-once, the way every MMC CD recorder
takes it (MMC-6 4.3.5, shared/mmc-sequences.md "SAO"): the layout is read back from the
image's own Q channel (the lead-in TOC gives the tracks and the lead-out; the program area
Q gives the pre-gaps, further indexes, the media catalogue number and the ISRCs), turned
into a cue sheet (SEND CUE SHEET), and the main data from LBA -150 to the lead-out goes to
the drive in WRITE(10) commands; the drive writes lead-in, sub-channel and lead-out. The
optional :attr:`DiscFormat2RawCD.cd_text` goes into the lead-in as packed R-W data (cue
sheet data form 41h) and reads back with READ TOC format 5.

The cooked layout (R-W only, no Q in the image) carries no layout to read and is refused
with E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from openimapi import errors
from openimapi.cd.cdtext import CdText, CdTextBlock, encode_packs
from openimapi.cd.leadin_text import leadin_blocks
from openimapi.engine import CancelToken, Source, SourceError, open_source
from openimapi.engine.device import run
from openimapi.enums import IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE as ST
from openimapi.enums import IMAPI_FORMAT2_RAW_CD_WRITE_ACTION as RA
from openimapi.imapi2._cdformat import CdFormat
from openimapi.imapi2._drive import Drive
from openimapi.imapi2.multisession import WriteEngine2EventArgs
from openimapi.mmc import Command
from openimapi.mmc import cuesheet as mcue

__all__ = ["DiscFormat2RawCD", "DiscFormat2RawCDEventArgs", "album_cd_text"]

RAW = 2352
DEFAULT_LEAD_IN = 22500  # sectors from 95:00:00 (LBA -22650) to LBA -150
_SUBCODE = {ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY: 16, ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW: 96}
TRANSFER_BLOCKS = 26


@dataclass(frozen=True, slots=True)
class DiscFormat2RawCDEventArgs(WriteEngine2EventArgs):
    """Progress of write_media (IDiscFormat2RawCDEventArgs); times in seconds."""

    current_action: RA = RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_UNKNOWN
    elapsed_time: int = 0
    remaining_time: int = 0


def album_cd_text(album: dict[str, str], tracks: list[dict[str, str]], *, first_track: int = 1) -> CdText:
    """CD-TEXT (one English block, ISO 8859-1) from plain strings.

    ``album`` and each ``tracks`` entry may hold ``title``, ``performer``, ``songwriter``,
    ``composer``, ``arranger``, ``message`` and ``upc_isrc`` (the album's UPC/EAN, a
    track's ISRC); ``album`` also ``disc_id`` and ``genre`` (text).

    Raises:
        ValueError: an unknown field or a string that is not ISO 8859-1.
    """
    per_track = {"title": 0x80, "performer": 0x81, "songwriter": 0x82, "composer": 0x83, "arranger": 0x84,
                 "message": 0x85, "upc_isrc": 0x8E}
    disc_wide = {"disc_id": 0x86, "genre": 0x87}
    for entry in [album, *tracks]:
        unknown = set(entry) - set(per_track) - (set(disc_wide) if entry is album else set())
        if unknown:
            raise ValueError(f"unknown CD-TEXT fields {sorted(unknown)}")
    block = CdTextBlock(first_track=first_track, last_track=first_track + len(tracks) - 1)
    for name, ptype in per_track.items():
        if name in album or any(name in t for t in tracks):
            block.items[ptype] = [e.get(name, "").encode("latin-1") for e in [album, *tracks]]
    if "disc_id" in album:
        block.items[0x86] = [album["disc_id"].encode("latin-1")]
    if "genre" in album:
        block.items[0x87] = [b"\x00\x00" + album["genre"].encode("latin-1")]
    return CdText([block])


@dataclass(frozen=True, slots=True)
class _Layout:
    """What the image's Q channel says: tracks, indexes, codes, lead-out."""

    first: int
    starts: tuple[int, ...]
    controls: tuple[int, ...]
    pregaps: tuple[int, ...]  # index 0 start of each track (== start when none)
    indexes: tuple[tuple[int, ...], ...]  # starts of index 2.. per track
    isrc: tuple[str, ...]
    mcn: str
    leadout: int


def _bcd(v: int) -> int:
    return (v >> 4) * 10 + (v & 0xF)


def _msf_lba(m: int, s: int, f: int) -> int:
    value = (m * 60 + s) * 75 + f
    return value - 150 if m < 90 else value - 450_150


def _lba_msf(lba: int) -> tuple[int, int, int]:
    value = lba + 150
    return value // 4500, value // 75 % 60, value % 75


class _Image:
    """Random access to the sectors of a raw image and to their Q channel."""

    def __init__(self, source: Source, sector_type: ST, lead_in: int) -> None:
        self.source = source
        self.sub = _SUBCODE[sector_type]
        self.size = RAW + self.sub
        self.first_lba = -150 - lead_in
        self.end_lba = self.first_lba + source.size // self.size

    def sectors(self, lba: int, count: int) -> np.ndarray[Any, np.dtype[np.uint8]]:
        self.source.seek((lba - self.first_lba) * self.size)
        data = self.source.read(count * self.size)
        if len(data) != count * self.size:
            raise errors.IMAPI_E_DATA_STREAM_INCONSISTENCY("the image ended early")
        return np.frombuffer(data, dtype=np.uint8).reshape(count, self.size)

    def q(self, lba: int, count: int = 1) -> list[bytes]:
        sub = self.sectors(lba, count)[:, RAW:]
        rows = sub[:, :12] if self.sub == 16 else np.packbits((sub >> 6) & 1, axis=1)  # PQ: Q first; raw: bit 6
        return [bytes(r) for r in rows]


def _crc_ok(q: bytes) -> bool:
    crc = 0
    for byte in q[:10]:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc ^ 0xFFFF == int.from_bytes(q[10:12], "big")


def read_layout(image: _Image) -> _Layout:
    """The layout from the lead-in TOC and the program-area Q of ``image``.

    Raises:
        E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED: no readable TOC in the lead-in.
    """
    points: dict[int, bytes] = {}
    lead_in_end = min(-150, image.end_lba)
    lba = max(image.first_lba, lead_in_end - 1000)  # the TOC repeats (3 x (tracks + 3) sectors a cycle)
    while lba < lead_in_end:
        n = min(500, lead_in_end - lba)
        for q in image.q(lba, n):
            if q[0] & 0xF == 1 and q[1] == 0 and q[2] not in points and _crc_ok(q):
                points[q[2]] = q
        lba += n
    if 0xA0 not in points or 0xA1 not in points or 0xA2 not in points:
        raise errors.E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED("the image's lead-in holds no table of contents")
    first, last = _bcd(points[0xA0][7]), _bcd(points[0xA1][7])
    a2 = points[0xA2]
    leadout = _msf_lba(_bcd(a2[7]), _bcd(a2[8]), _bcd(a2[9]))
    numbers = range(first, last + 1)
    missing = [n for n in numbers if (n // 10) << 4 | n % 10 not in points]
    if missing or leadout > image.end_lba:
        raise errors.E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED(f"the lead-in TOC lacks tracks {missing} or the lead-out")
    starts, controls = [], []
    for n in numbers:
        p = points[(n // 10) << 4 | n % 10]
        starts.append(_msf_lba(_bcd(p[7]), _bcd(p[8]), _bcd(p[9])))
        controls.append(p[0] >> 4)
    pregaps, indexes, isrcs = [], [], []
    mcn = ""
    for i, start in enumerate(starts):
        lo = -150 if i == 0 else starts[i - 1]
        end = starts[i + 1] if i + 1 < len(starts) else leadout
        pregaps.append(_first_where(image, lo, start, first + i, 0))
        found: list[int] = []
        index = 2
        probe = start
        while probe < end:  # index points lie at least 1 s apart: look every 75 sectors
            chunk = image.q(probe, min(75, end - probe))
            hits = [k for k, q in enumerate(chunk) if q[0] & 0xF == 1 and _bcd(q[2]) >= index and _crc_ok(q)]
            if hits:
                found.append(probe + hits[0])
                index = _bcd(chunk[hits[0]][2]) + 1
            probe += 75
        indexes.append(tuple(found))
        isrc = ""
        for q in image.q(start, min(100, end - start)):
            if q[0] & 0xF == 3 and _crc_ok(q):
                isrc = _decode_isrc(q)
                break
            if not mcn and q[0] & 0xF == 2 and _crc_ok(q):
                mcn = "".join(f"{b >> 4}{b & 0xF}" for b in q[1:8])[:13]
        isrcs.append(isrc)
    return _Layout(first, tuple(starts), tuple(controls), tuple(pregaps), tuple(indexes), tuple(isrcs), mcn, leadout)


def layout_of_image(image: Any) -> _Layout | None:
    """The layout of a :class:`~openimapi.imapi2.rawcd_image.RawCDImage`, from its creator
    (no need to read the image twice); None for any other stream."""
    creator = getattr(image, "creator", None)
    if creator is None or not hasattr(creator, "expected_table_of_contents"):
        return None
    toc = creator.expected_table_of_contents
    first = toc[0][0]
    starts = tuple(start for _, _, start in toc[:-1])
    pregaps, indexes, isrcs = [], [], []
    for i, (number, _, start) in enumerate(toc[:-1]):
        info = creator.track_info(number)
        before = starts[i - 1] + creator.track_info(number - 1).sector_count if i else -150
        pregaps.append(before if i else start)
        indexes.append(tuple(start + o for o in info.track_indexes[1:]))
        isrcs.append(info.isrc.replace("-", ""))
    return _Layout(first, starts, tuple(c for _, c, _ in toc[:-1]), tuple(pregaps), tuple(indexes),
                   tuple(isrcs), creator.media_catalog_number, toc[-1][2])


def _first_where(image: _Image, lo: int, hi: int, track: int, index: int) -> int:
    """First LBA in [lo, hi) whose Q says (track, index), searching back from ``hi``."""
    want = ((track // 10) << 4 | track % 10, index)
    found = hi
    lba = hi
    while lba > lo:
        n = min(150, lba - lo)
        qs = image.q(lba - n, n)
        k = n
        while k > 0 and (qs[k - 1][0] & 0xF != 1 or (qs[k - 1][1], _bcd(qs[k - 1][2])) == want):  # MCN/ISRC: skip
            k -= 1
        found = lba - n + k
        if k:
            break
        lba -= n
    return found


def _decode_isrc(q: bytes) -> str:
    """A mode 3 Q block: five 6-bit characters ('0'-'9' = 00h-09h, 'A'-'Z' = 11h-2Ah), two
    zero bits, then seven BCD digits."""
    bits = int.from_bytes(q[1:5], "big") >> 2
    chars = []
    for i in range(5):
        v = bits >> (24 - 6 * i) & 0x3F
        chars.append(chr(v + 0x30) if v < 10 else chr(v - 0x11 + 0x41))
    digits = "".join(f"{b >> 4}{b & 0xF}" for b in q[5:9])[:7]
    return "".join(chars) + digits


class DiscFormat2RawCD(CdFormat):
    """Writes a raw disc-at-once image (MsftDiscFormat2RawCD), optionally with CD-TEXT."""

    FEATURE = 0x2E
    CLIENT_NAME_ERROR = errors.E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID
    IN_PROGRESS_ERROR = errors.E_IMAPI_DF2RAW_WRITE_IN_PROGRESS
    RECORDER_NOT_SUPPORTED_ERROR = errors.E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED
    NO_RECORDER = errors.E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED
    PREPARED = errors.E_IMAPI_DF2RAW_MEDIA_IS_PREPARED
    NOT_PREPARED = errors.E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED
    NOT_SUPPORTED = errors.E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED
    NOT_BLANK = errors.E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK

    def __init__(self) -> None:
        super().__init__()
        self._sector_type = ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW
        self._cancel = CancelToken()
        self._cd_text: CdText | None = None
        #: sectors per WRITE(10) command
        self.transfer_blocks = TRANSFER_BLOCKS

    # -- beyond IMAPI ------------------------------------------------------------------------------
    @property
    def cd_text(self) -> CdText | None:
        """CD-TEXT written into the lead-in (see :func:`album_cd_text`); None for none."""
        return self._cd_text

    @cd_text.setter
    def cd_text(self, value: CdText | None) -> None:
        self._check_idle()
        if value is not None:
            encode_packs(value)  # refuse what cannot be encoded now, not in the middle of a burn
        self._cd_text = value

    # -- properties ----------------------------------------------------------------------------------
    @property
    def supported_sector_types(self) -> list[ST]:
        """The layouts write_media takes on this recorder (those carrying Q: PQ only and raw P-W)."""
        drive = self._drive()
        feature = drive.feature(0x2E)
        if feature is None or not feature.data or not feature.data[0] & 0x20:  # SAO bit (MMC-6 5.3.15)
            return []
        return [ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY, ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW]

    @property
    def requested_sector_type(self) -> ST:
        self._check_prepared()
        return self._sector_type

    @requested_sector_type.setter
    def requested_sector_type(self, value: ST | int) -> None:
        self._check_idle()
        self._check_prepared()
        try:
            kind = ST(int(value))
        except ValueError:
            raise errors.E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED(f"{value!r} is no raw sector layout") from None
        if kind not in self.supported_sector_types:
            raise errors.E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED(f"{kind.name} cannot be written here")
        self._sector_type = kind

    def _disc_msf(self, offset: int) -> int:
        raw = self._drive().disc_info().raw
        return _msf_lba(raw[offset + 1], raw[offset + 2], raw[offset + 3])

    @property
    def start_of_next_session(self) -> int:
        """LBA where the next session's lead-in starts (negative on a blank disc)."""
        self._check_prepared()
        return self._disc_msf(16)

    @property
    def last_possible_start_of_leadout(self) -> int:
        """The latest LBA at which the lead-out may start (from the ATIP)."""
        self._check_prepared()
        return self._disc_msf(20)

    # -- prepare / release ----------------------------------------------------------------------------
    def prepare_media(self) -> None:
        """Lock the blank CD for exclusive use and set up session-at-once recording.

        Raises:
            E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED: no recorder set.
            E_IMAPI_DF2RAW_MEDIA_IS_PREPARED: prepared already.
            E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID: no client name set.
            E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED: not a CD-R/RW.
            E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK: the disc has been written.
            ImapiError: the documented error of a device failure.
        """
        self._prepare()
        try:
            self._write_parameters()
            if self._requested_speed > 0 or self._requested_cav:
                self._apply_speed()
            self._drive().send_opc()
        except BaseException:
            self._unprepare()
            raise

    def _write_parameters(self) -> None:
        drive = self._drive()
        page = bytearray(drive.mode_sense(0x05))
        if len(page) < 16:
            raise errors.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS("write parameters page too short")
        page[2] = (0 if self._buffer_underrun_free_disabled else 0x40) | 2  # BUFE, write type SAO
        page[3] = 0  # no further session: the disc is finalized; track mode from the cue sheet
        page[4] = 0
        page[8] = 0
        drive.mode_select(bytes(page))

    @CdFormat.buffer_underrun_free_disabled.setter  # type: ignore[attr-defined]
    def buffer_underrun_free_disabled(self, value: bool) -> None:
        CdFormat.buffer_underrun_free_disabled.fset(self, value)  # type: ignore[attr-defined]
        self._write_parameters()

    def release_media(self) -> None:
        """Unlock the recorder.

        Raises:
            E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED: prepare_media was not called.
            E_IMAPI_DF2RAW_WRITE_IN_PROGRESS: a write is running.
        """
        self._check_idle()
        self._check_prepared()
        self._unprepare()

    # -- writing ----------------------------------------------------------------------------------
    def cancel_write(self) -> None:
        """Stop the running write; it raises E_IMAPI_REQUEST_CANCELLED.

        Raises:
            E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS: nothing is being written.
        """
        if not self._in_progress:
            raise errors.E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS("no write is in progress")
        self._cancel.cancel()

    def write_media(self, data: Any) -> None:
        """Record a raw image whose lead-in starts at MSF 95:00:00 (see write_media2)."""
        self.write_media2(data, DEFAULT_LEAD_IN)

    def write_media2(self, data: Any, stream_lead_in_sectors: int) -> None:
        """Record a raw image whose first ``stream_lead_in_sectors`` sectors are lead-in.

        Raises:
            E_POINTER: ``data`` is None.
            E_INVALIDARG: a negative lead-in size.
            E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED: prepare_media was not called.
            E_IMAPI_DF2RAW_WRITE_IN_PROGRESS: a write is running.
            E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED: not whole sectors of the requested layout, or no TOC in it.
            E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT: the stream's lead-in is shorter than the disc's.
            E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK: the disc has been written.
            E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE: the lead-out lies past the last possible one.
            E_IMAPI_REQUEST_CANCELLED: cancel_write was called.
            ImapiError: the documented error of a device failure.
        """
        self._check_prepared()
        if data is None:
            raise errors.E_POINTER("no stream given")
        if int(stream_lead_in_sectors) < 0:
            raise errors.E_INVALIDARG("the lead-in size cannot be negative")
        if not self._busy.acquire(blocking=False):
            raise errors.E_IMAPI_DF2RAW_WRITE_IN_PROGRESS("a write is in progress")
        try:
            try:
                source = open_source(data)
            except SourceError as exc:
                raise errors.E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED(str(exc)) from exc
            try:
                self._cancel.reset()
                _RawJob(self, self._drive(), source, int(stream_lead_in_sectors), data).run()
            finally:
                source.close()
        finally:
            self._busy.release()


class _RawJob:
    """One run of write_media2."""

    def __init__(self, fmt: DiscFormat2RawCD, drive: Drive, source: Source, lead_in: int, data: Any) -> None:
        self.fmt = fmt
        self.drive = drive
        self.started = time.monotonic()
        sub = _SUBCODE[fmt._sector_type]
        if source.size == 0 or source.size % (RAW + sub):
            raise errors.E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED(
                f"the stream is {source.size} bytes, not whole {RAW + sub}-byte sectors of {fmt._sector_type.name}")
        self.image = _Image(source, fmt._sector_type, lead_in)
        self.data = data
        self.total = 0
        self.done = 0

    def emit(self, action: RA, lba: int = 0) -> None:
        elapsed = time.monotonic() - self.started
        remaining = elapsed * (self.total - self.done) / self.done if self.done else 0.0
        self.fmt._fire(DiscFormat2RawCDEventArgs(
            start_lba=-150, sector_count=self.total, last_read_lba=lba, last_written_lba=lba,
            total_system_buffer=0, used_system_buffer=0, free_system_buffer=0,
            current_action=action, elapsed_time=int(elapsed), remaining_time=int(remaining)))

    def run(self) -> None:
        fmt = self.fmt
        self.emit(RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_PREPARING)
        info = self.drive.disc_info()
        if info.disc_status != 0:
            raise errors.E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK("the disc is not blank")
        lead_in_start = fmt._disc_msf(16)
        if self.image.first_lba > lead_in_start:
            raise errors.E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT(
                f"the stream's lead-in starts at {self.image.first_lba}, the disc's at {lead_in_start}")
        layout = layout_of_image(self.data) or read_layout(self.image)
        if layout.leadout > fmt._disc_msf(20):
            raise errors.E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE(
                f"the lead-out at {layout.leadout} lies past the last possible {fmt._disc_msf(20)}")
        self.total = layout.leadout + 150
        sheet = self.cue_sheet(layout)
        run(self.drive.transport, mcue.SendCueSheet.for_sheet(sheet).to_command())
        if fmt.cd_text is not None:
            self.write_text(lead_in_start, encode_packs(fmt.cd_text))
        self.emit(RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_WRITING, -151)
        lba = -150
        while lba < layout.leadout:
            fmt._cancel.check()
            n = min(fmt.transfer_blocks, layout.leadout - lba)
            main = np.ascontiguousarray(self.image.sectors(lba, n)[:, :RAW]).tobytes()
            self.write(lba, main, n)
            lba += n
            self.done = lba + 150
            self.emit(RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_WRITING, lba - 1)
        self.emit(RA.IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_FINISHING, lba - 1)
        self.drive.synchronize_cache()  # the drive writes the lead-out and closes the disc

    def write(self, lba: int, data: bytes, blocks: int) -> None:
        cdb = bytes([0x2A, 0]) + (lba & 0xFFFFFFFF).to_bytes(4, "big") + bytes([0]) + blocks.to_bytes(2, "big") + b"\0"
        run(self.drive.transport, Command(cdb, data_out=data, timeout=60.0, name="WRITE(10)"))

    def write_text(self, start: int, packs: bytes) -> None:
        count = -150 - start
        blocks = leadin_blocks(packs, count)
        step = 600
        for first in range(0, count, step):
            n = min(step, count - first)
            self.write(start + first, blocks[first * 96 : (first + n) * 96], n)

    def cue_sheet(self, layout: _Layout) -> mcue.CueSheet:
        text = self.fmt.cd_text is not None
        entries: list[mcue.CueSheetEntry | mcue.CueSheetCodeEntry] = []
        ctl0 = layout.controls[0]
        entries.append(mcue.CueSheetEntry(ctl0, 0, 0, 0x41 if text else 0x01, 0, 0, 0))
        if layout.mcn:
            entries.extend(mcue.CueSheetCodeEntry.catalog_number(layout.mcn, ctl0))
        for i, start in enumerate(layout.starts):
            number = layout.first + i
            ctl = layout.controls[i]
            form = 0x11 if ctl & 4 else 0x00  # mode 1 raw (2352) or CD-DA
            if layout.isrc[i]:
                entries.extend(mcue.CueSheetCodeEntry.isrc(number, layout.isrc[i], ctl))
            gap = -150 if i == 0 else layout.pregaps[i]
            if gap < start:
                entries.append(mcue.CueSheetEntry(ctl, number, 0, form, *_lba_msf(gap)))
            entries.append(mcue.CueSheetEntry(ctl, number, 1, form, *_lba_msf(start)))
            for k, at in enumerate(layout.indexes[i]):
                entries.append(mcue.CueSheetEntry(ctl, number, k + 2, form, *_lba_msf(at)))
        last = layout.controls[-1]
        entries.append(mcue.CueSheetEntry(last, mcue.LEAD_OUT_TRACK, 1, 0x11 if last & 4 else 0x01,
                                          *_lba_msf(layout.leadout)))
        return mcue.CueSheet(tuple(entries))

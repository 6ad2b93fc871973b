"""IRawCDImageCreator and IRawCDImageTrackInfo: a disc-at-once raw CD image, laid out
once and assembled on demand.

The image runs from the lead-in at MSF 95:00:00 (LBA -22650) through the first track's
2 s pause, the tracks, and a 90 s lead-out (6,750 sectors, the Red Book minimum for a
first session). Every sector is 2352 bytes of main data followed by sub-channel data in
the chosen layout (:class:`~openimapi.enums.IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE`):

* ``PQ_ONLY``: 16 bytes: the 12 Q bytes (CRC included), three zero bytes, then P in
  bit 7 of the last byte (2368 bytes a sector);
* ``IS_COOKED``: 96 bytes of packed, de-interleaved R-W symbols (bits 5..0) (2448);
* ``IS_RAW``: 96 bytes of raw P-W: P in bit 7, Q in bit 6, R-W in bits 5..0 (2448).

The lead-in carries the table of contents in its Q channel; the program area carries
track/index/time Q data with the media catalogue number and ISRCs one sector in a
hundred; R-W data comes from :meth:`RawCDImageCreator.add_subcode_rw_generator`.

Beyond IMAPI, which accepts audio tracks only, mode 1 data tracks are accepted too
(``IMAPI_CD_SECTOR_MODE1``: 2048-byte user data, encoded with EDC/ECC;
``IMAPI_CD_SECTOR_MODE1RAW``: 2352-byte sectors used as given); a change between audio
and data puts a 2 s pause before the new track.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from typing import IO, Any, TypeAlias

import numpy as np

from openimapi import errors
from openimapi.cd.sector import encode_mode1
from openimapi.cd.subcode import (
    SubcodeTrack,
    leadin_q,
    leadout_q,
    p_channel,
    program_area_q,
)
from openimapi.enums import (
    IMAPI_CD_SECTOR_TYPE,
    IMAPI_CD_TRACK_DIGITAL_COPY_SETTING,
    IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE,
)

__all__ = ["RawCDImage", "RawCDImageCreator", "RawCDImageTrackInfo"]

Buffer: TypeAlias = bytes | bytearray | memoryview

IMAGE_START_LBA = -22650  # MSF 95:00:00
LEADOUT_SECTORS = 6750
MIN_TRACK_SECTORS = 300
MAX_LEADOUT_START = 398100  # the lead-out must end by 89:59:74
MIN_INDEX_DISTANCE = 75  # sectors (one second) between index points
RAW = 2352

_SECTOR_TYPE = IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE
_SUBCODE_BYTES = {
    _SECTOR_TYPE.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY: 16,
    _SECTOR_TYPE.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_COOKED: 96,
    _SECTOR_TYPE.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW: 96,
}
_USER_BYTES = {
    IMAPI_CD_SECTOR_TYPE.IMAPI_CD_SECTOR_AUDIO: RAW,
    IMAPI_CD_SECTOR_TYPE.IMAPI_CD_SECTOR_MODE1: 2048,
    IMAPI_CD_SECTOR_TYPE.IMAPI_CD_SECTOR_MODE1RAW: RAW,
}
_COPY_PROHIBITED = IMAPI_CD_TRACK_DIGITAL_COPY_SETTING.IMAPI_CD_TRACK_DIGITAL_COPY_PROHIBITED
_ISRC = re.compile(r"[A-Z]{2}-?[A-Z0-9]{3}-?[0-9]{2}-?[0-9]{5}")


class _Data:
    """A track's source: bytes, a path or a seekable binary stream, with its size."""

    def __init__(self, data: Buffer | str | os.PathLike[str] | IO[bytes]) -> None:
        self._bytes: memoryview | None = None
        self._file: IO[bytes] | None = None
        if isinstance(data, (str, os.PathLike)):
            try:
                self._file = open(data, "rb")  # noqa: SIM115 - kept open for the image's life
            except OSError as exc:
                raise errors.IMAPI_E_DATA_STREAM_READ_FAILURE(f"{os.fspath(data)}: {exc.strerror}") from exc
            self.size = os.fstat(self._file.fileno()).st_size
        elif isinstance(data, (bytes, bytearray, memoryview)):
            self._bytes = memoryview(data).cast("B")
            self.size = len(self._bytes)
        elif hasattr(data, "read") and hasattr(data, "seek"):
            self._file = data
            here = data.tell()
            known = getattr(data, "size", None)  # e.g. an AudioSource: no decoding to the end to learn it
            if isinstance(known, int) and not isinstance(known, bool):
                self.size = known - here
            else:
                self.size = data.seek(0, io.SEEK_END) - here
                data.seek(here)
            self._base = here
        else:
            raise errors.E_INVALIDARG("track data must be bytes, a path or a seekable binary stream")
        self._base = getattr(self, "_base", 0)

    def read(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self.size - offset))
        if self._bytes is not None:
            return bytes(self._bytes[offset : offset + length])
        assert self._file is not None
        self._file.seek(self._base + offset)
        out = self._file.read(length)
        if len(out) != length:
            raise errors.IMAPI_E_DATA_STREAM_INCONSISTENCY("a track's data ended before its announced size")
        return out


@dataclass(eq=False)
class RawCDImageTrackInfo:
    """One track of a raw image (IRawCDImageTrackInfo)."""

    _creator: RawCDImageCreator
    track_number: int
    sector_type: IMAPI_CD_SECTOR_TYPE
    sector_count: int
    _data: _Data
    _isrc: str = ""
    _copy: IMAPI_CD_TRACK_DIGITAL_COPY_SETTING = _COPY_PROHIBITED
    _preemphasis: bool = False
    _indexes: list[int] = field(default_factory=lambda: [0])

    @property
    def starting_lba(self) -> int:
        """First user-data LBA of the track (index 1; pauses excluded)."""
        return self._creator._layout()[self.track_number][0]

    @property
    def is_audio(self) -> bool:
        return self.sector_type == IMAPI_CD_SECTOR_TYPE.IMAPI_CD_SECTOR_AUDIO

    @property
    def isrc(self) -> str:
        return self._isrc

    @isrc.setter
    def isrc(self, value: str) -> None:
        self._creator._check_writable()
        value = value or ""
        if value and (not self.is_audio or not _ISRC.fullmatch(value.upper())):
            raise errors.E_INVALIDARG(f"{value!r} is not an ISRC (CC-XXX-YY-NNNNN) of an audio track")
        self._isrc = value.upper()

    @property
    def digital_audio_copy_setting(self) -> IMAPI_CD_TRACK_DIGITAL_COPY_SETTING:
        return self._copy

    @digital_audio_copy_setting.setter
    def digital_audio_copy_setting(self, value: int) -> None:
        self._creator._check_writable()
        try:
            self._copy = IMAPI_CD_TRACK_DIGITAL_COPY_SETTING(value)
        except ValueError:
            raise errors.E_INVALIDARG(f"{value} is not an IMAPI_CD_TRACK_DIGITAL_COPY_SETTING") from None

    @property
    def audio_has_preemphasis(self) -> bool:
        return self._preemphasis

    @audio_has_preemphasis.setter
    def audio_has_preemphasis(self, value: bool) -> None:
        self._creator._check_writable()
        if value and not self.is_audio:
            raise errors.E_INVALIDARG("pre-emphasis applies to audio tracks only")
        self._preemphasis = bool(value)

    @property
    def track_indexes(self) -> tuple[int, ...]:
        """Offsets (in sectors from the track's start) of index 1, 2, ..."""
        return tuple(self._indexes)

    def add_track_index(self, lba_offset: int) -> int:
        """Add an index point; returns S_OK, or S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS.

        Raises:
            E_IMAPI_RAW_IMAGE_IS_READ_ONLY: the image was created.
            E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES: index 99 is taken.
            E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX: within a second of another.
            E_INVALIDARG: outside the track.
        """
        self._creator._check_writable()
        if lba_offset in self._indexes:
            return errors.SuccessCode.S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS
        if not 0 < lba_offset < self.sector_count:
            raise errors.E_INVALIDARG(f"index offset {lba_offset} lies outside the track (0..{self.sector_count - 1})")
        if len(self._indexes) >= 99:
            raise errors.E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES("a track has at most 99 indexes")
        if any(abs(lba_offset - o) < MIN_INDEX_DISTANCE for o in self._indexes):
            raise errors.E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX(
                f"index points must be at least {MIN_INDEX_DISTANCE} sectors apart"
            )
        self._indexes.append(lba_offset)
        self._indexes.sort()
        return errors.SuccessCode.S_OK

    def clear_track_index(self, lba_offset: int) -> None:
        """Remove an index point.

        Raises:
            E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED: offset 0 (index 1).
            E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND: no index at that offset.
        """
        self._creator._check_writable()
        if lba_offset == 0:
            raise errors.E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED("index 1 always starts a track")
        if lba_offset not in self._indexes:
            raise errors.E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND(f"no index point at offset {lba_offset}")
        self._indexes.remove(lba_offset)

    @property
    def control(self) -> int:
        """The Q CONTROL nibble: data 4h, digital copy permitted 2h, pre-emphasis 1h."""
        if not self.is_audio:
            return 0x4
        permitted = self._copy == IMAPI_CD_TRACK_DIGITAL_COPY_SETTING.IMAPI_CD_TRACK_DIGITAL_COPY_PERMITTED
        return (0x2 if permitted else 0) | (0x1 if self._preemphasis else 0)


class RawCDImageCreator:
    """Builds a raw disc-at-once image (IRawCDImageCreator)."""

    def __init__(self) -> None:
        self._tracks: list[RawCDImageTrackInfo] = []
        self._type = _SECTOR_TYPE.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW
        self._limit = MAX_LEADOUT_START
        self._gapless_disabled = False
        self._mcn = ""
        self._first = 1
        self._pregap: _Data | None = None
        self._rw: _Data | None = None
        self._read_only = False

    # -- state -----------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self._read_only:
            raise errors.E_IMAPI_RAW_IMAGE_IS_READ_ONLY("the image was created; the creator is read-only")

    def _layout(self, extra: tuple[IMAPI_CD_SECTOR_TYPE, int] | None = None) -> dict[int, tuple[int, int]]:
        """track number -> (start LBA, pause before it); key 0 -> (lead-out LBA, 0)."""
        out: dict[int, tuple[int, int]] = {}
        lba = 0
        prev: IMAPI_CD_SECTOR_TYPE | None = None
        specs = [(t.sector_type, t.sector_count) for t in self._tracks] + ([extra] if extra else [])
        for i, (stype, count) in enumerate(specs):
            pause = 0
            if i:
                changes = (stype == IMAPI_CD_SECTOR_TYPE.IMAPI_CD_SECTOR_AUDIO) != (
                    prev == IMAPI_CD_SECTOR_TYPE.IMAPI_CD_SECTOR_AUDIO
                )
                pause = 150 if (changes or self._gapless_disabled) else 0
            lba += pause
            out[self._first + i] = (lba, pause)
            lba += count
            prev = stype
        out[0] = (lba, 0)
        return out

    # -- properties ------------------------------------------------------------------

    @property
    def resulting_image_type(self) -> IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE:
        return self._type

    @resulting_image_type.setter
    def resulting_image_type(self, value: int) -> None:
        self._check_writable()
        try:
            self._type = _SECTOR_TYPE(value)
        except ValueError:
            raise errors.E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED(f"{value} is no raw sector layout") from None

    @property
    def start_of_leadout(self) -> int:
        """LBA where the lead-out starts.

        Raises:
            E_IMAPI_RAW_IMAGE_NO_TRACKS: no track was added.
        """
        if not self._tracks:
            raise errors.E_IMAPI_RAW_IMAGE_NO_TRACKS("add a track first")
        return self._layout()[0][0]

    @property
    def start_of_leadout_limit(self) -> int:
        return self._limit

    @start_of_leadout_limit.setter
    def start_of_leadout_limit(self, value: int) -> None:
        self._check_writable()
        if not 0 < value <= MAX_LEADOUT_START:
            raise errors.E_INVALIDARG(f"the lead-out limit is 1..{MAX_LEADOUT_START}")
        if self._tracks and self._layout()[0][0] > value:
            raise errors.E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE("the tracks already reach beyond that limit")
        self._limit = value

    @property
    def disable_gapless_audio(self) -> bool:
        return self._gapless_disabled

    @disable_gapless_audio.setter
    def disable_gapless_audio(self, value: bool) -> None:
        self._check_writable()
        self._gapless_disabled = bool(value)

    @property
    def media_catalog_number(self) -> str:
        return self._mcn

    @media_catalog_number.setter
    def media_catalog_number(self, value: str) -> None:
        self._check_writable()
        value = value or ""
        if value and not (len(value) == 13 and value.isdigit()):
            raise errors.E_INVALIDARG("a media catalogue number (UPC/EAN) is 13 digits")
        self._mcn = value

    @property
    def starting_track_number(self) -> int:
        return self._first

    @starting_track_number.setter
    def starting_track_number(self, value: int) -> None:
        self._check_writable()
        if self._tracks:
            raise errors.E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED("set the first track number before adding tracks")
        if not 1 <= value <= 99:
            raise errors.E_INVALIDARG("track numbers are 1..99")
        self._first = value

    def track_info(self, track_index: int) -> RawCDImageTrackInfo:
        """The track numbered ``track_index``.

        Raises:
            E_INVALIDARG: no such track.
        """
        i = track_index - self._first
        if not 0 <= i < len(self._tracks):
            raise errors.E_INVALIDARG(f"there is no track {track_index}")
        return self._tracks[i]

    @property
    def number_of_existing_tracks(self) -> int:
        return len(self._tracks)

    @property
    def last_used_user_sector_in_image(self) -> int:
        """Last LBA holding track data (lead-in, pauses before track 1 and lead-out excluded).

        Raises:
            E_IMAPI_RAW_IMAGE_NO_TRACKS: no track was added.
        """
        return self.start_of_leadout - 1

    # -- building --------------------------------------------------------------------

    def add_track(self, data_type: int, data: Buffer | str | os.PathLike[str] | IO[bytes]) -> int:
        """Append a track; returns its number.

        Raises:
            E_IMAPI_RAW_IMAGE_IS_READ_ONLY: the image was created.
            E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED: not audio, mode 1 or raw mode 1.
            E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS: track 99 exists.
            E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE: the lead-out would pass its limit.
            E_INVALIDARG: shorter than 300 sectors, or data sectors not whole.
        """
        self._check_writable()
        try:
            stype = IMAPI_CD_SECTOR_TYPE(data_type)
        except ValueError:
            stype = None
        if stype not in _USER_BYTES:
            raise errors.E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED(
                f"sector type {data_type} is not supported: audio, mode 1 and raw mode 1 are"
            )
        assert stype is not None
        if self._first + len(self._tracks) > 99:
            raise errors.E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS("track 99 is the last a CD can hold")
        source = _Data(data)
        unit = _USER_BYTES[stype]
        if stype != IMAPI_CD_SECTOR_TYPE.IMAPI_CD_SECTOR_AUDIO and source.size % unit:
            raise errors.E_INVALIDARG(f"data of this sector type is a whole number of {unit}-byte sectors")
        count = -(-source.size // unit)  # audio is padded with silence to a whole sector
        if count < MIN_TRACK_SECTORS:
            raise errors.E_INVALIDARG(f"a track lasts at least 4 s ({MIN_TRACK_SECTORS} sectors), got {count}")
        leadout = self._layout((stype, count))[0][0]
        if leadout > self._limit:
            raise errors.E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE(
                f"the lead-out would start at LBA {leadout}, past the limit {self._limit}"
            )
        number = self._first + len(self._tracks)
        self._tracks.append(RawCDImageTrackInfo(self, number, stype, count, source))
        return number

    def add_special_pregap(self, data: Buffer | str | os.PathLike[str] | IO[bytes]) -> None:
        """Audio (150 sectors of 2352 bytes) for the 2 s pause before the first track.

        Raises:
            E_INVALIDARG: not exactly 150 audio sectors.
        """
        self._check_writable()
        source = _Data(data)
        if source.size != 150 * RAW:
            raise errors.E_INVALIDARG(f"the special pregap is 150 sectors of 2352 bytes ({150 * RAW} bytes)")
        self._pregap = source

    def add_subcode_rw_generator(self, subcode: Buffer | str | os.PathLike[str] | IO[bytes]) -> None:
        """R-W sub-channel data, 96 six-bit symbols per sector from the image's first sector;
        sectors past its end carry zeros."""
        self._check_writable()
        self._rw = _Data(subcode)

    @property
    def expected_table_of_contents(self) -> tuple[tuple[int, int, int], ...]:
        """(track number, CONTROL, start LBA) of each track, then (0xAA, CONTROL, lead-out).

        Raises:
            E_IMAPI_RAW_IMAGE_NO_TRACKS: no track was added.
        """
        lay = self._layout()
        if not self._tracks:
            raise errors.E_IMAPI_RAW_IMAGE_NO_TRACKS("add a track first")
        rows = [(t.track_number, t.control, lay[t.track_number][0]) for t in self._tracks]
        return (*rows, (0xAA, self._tracks[-1].control, lay[0][0]))

    def create_result_image(self) -> RawCDImage:
        """Lay the image out and return it as a random-access stream; the creator becomes
        read-only.

        Raises:
            E_IMAPI_RAW_IMAGE_NO_TRACKS: no track was added.
        """
        if not self._tracks:
            raise errors.E_IMAPI_RAW_IMAGE_NO_TRACKS("add a track first")
        self._read_only = True
        return RawCDImage(self)


class RawCDImage(io.RawIOBase):
    """The created image: ``size`` bytes, any range readable on demand."""

    def __init__(self, creator: RawCDImageCreator) -> None:
        super().__init__()
        self._c = creator
        lay = creator._layout()
        self.leadout = lay[0][0]
        self.sector_size = RAW + _SUBCODE_BYTES[creator._type]
        self.sectors = (self.leadout + LEADOUT_SECTORS) - IMAGE_START_LBA
        self.size = self.sectors * self.sector_size
        self.layout_type = creator._type
        tracks = creator._tracks
        self._starts = [lay[t.track_number][0] for t in tracks]
        sub_tracks = [
            SubcodeTrack(
                t.track_number,
                lay[t.track_number][0],
                pregap=lay[t.track_number][1],
                control=t.control,
                indexes=tuple(lay[t.track_number][0] + o for o in t.track_indexes[1:]),
                isrc=t.isrc or None,
            )
            for t in tracks
        ]
        leadin = -150 - IMAGE_START_LBA
        q_lead_in = leadin_q(sub_tracks, self.leadout, leadin, disc_type=0x00)
        q_program = program_area_q(sub_tracks, self.leadout, mcn=creator._mcn or None)
        q_lead_out = leadout_q(self.leadout, LEADOUT_SECTORS, control=tracks[-1].control)
        self._q = np.concatenate([q_lead_in, q_program, q_lead_out])
        p_lead_out = ((np.arange(LEADOUT_SECTORS) * 4 // 75) % 2 == 0).astype(np.uint8)
        self._p = np.concatenate([np.zeros(leadin, np.uint8), p_channel(sub_tracks, self.leadout), p_lead_out])
        self._pos = 0

    # -- main data ---------------------------------------------------------------------

    def _silence_or_empty(self, lba: int, count: int, audio: bool) -> bytes:
        if audio:
            return bytes(count * RAW)
        return encode_mode1(bytes(count * 2048), lba).tobytes()

    def _main(self, lba: int, count: int) -> bytes:
        """Main-channel bytes of ``count`` sectors from ``lba`` (all in one region)."""
        tracks = self._c._tracks
        if lba < 0 and lba >= -150 and self._c._pregap is not None:
            return self._c._pregap.read((lba + 150) * RAW, count * RAW)
        if lba >= self.leadout:
            return self._silence_or_empty(lba, count, tracks[-1].is_audio)
        i = max(0, int(np.searchsorted(self._starts, lba, side="right")) - 1)
        t = tracks[i]
        start = self._starts[i]
        if lba < start:  # lead-in or a pause before track i
            return self._silence_or_empty(lba, count, t.is_audio)
        offset = lba - start
        unit = _USER_BYTES[t.sector_type]
        data = t._data.read(offset * unit, count * unit).ljust(count * unit, b"\0")
        if t.sector_type == IMAPI_CD_SECTOR_TYPE.IMAPI_CD_SECTOR_MODE1:
            return encode_mode1(data, lba).tobytes()
        return data

    def _region_end(self, lba: int) -> int:
        """First LBA after ``lba`` where the main-data region changes."""
        bounds = [-150, 0, self.leadout, *self._starts]
        bounds += [s + t.sector_count for s, t in zip(self._starts, self._c._tracks, strict=True)]
        later = [b for b in bounds if b > lba]
        return min(later) if later else self.leadout + LEADOUT_SECTORS

    def _subcode(self, first: int, count: int) -> bytes:
        q = self._q[first : first + count]
        p = self._p[first : first + count]
        if self.layout_type == _SECTOR_TYPE.IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY:
            out = np.zeros((count, 16), np.uint8)
            out[:, :12] = q
            out[:, 15] = p << 7
            return out.tobytes()
        rw = np.zeros((count, 96), np.uint8)
        if self._c._rw is not None:
            raw = self._c._rw.read(first * 96, count * 96)
            rw.reshape(-1)[: len(raw)] = np.frombuffer(raw, np.uint8) & 0x3F
        if self.layout_type == _SECTOR_TYPE.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_COOKED:
            return rw.tobytes()
        bits = np.unpackbits(q, axis=1)
        out = (bits << 6).astype(np.uint8) | (p[:, None] << 7).astype(np.uint8) | rw
        return out.tobytes()

    @property
    def creator(self) -> RawCDImageCreator:
        """The (read-only) creator this image was laid out from."""
        return self._c

    def sectors_at(self, first: int, count: int) -> bytes:
        """Whole sectors ``first .. first + count - 1`` (0 = the image's first sector)."""
        out = bytearray()
        index = first
        end = min(first + count, self.sectors)
        while index < end:
            lba = IMAGE_START_LBA + index
            n = min(end, self._region_end(lba) - IMAGE_START_LBA) - index
            main = np.frombuffer(self._main(lba, n), np.uint8).reshape(n, RAW)
            sub = np.frombuffer(self._subcode(index, n), np.uint8).reshape(n, -1)
            out += np.concatenate([main, sub], axis=1).tobytes()
            index += n
        return bytes(out)

    # -- io ----------------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self._pos + offset, io.SEEK_END: self.size + offset}[whence]
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return target

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), self.size - self._pos)
        if want <= 0:
            return 0
        first = self._pos // self.sector_size
        last = (self._pos + want - 1) // self.sector_size
        chunk = self.sectors_at(first, min(last - first + 1, 512))
        skip = self._pos - first * self.sector_size
        n = min(want, len(chunk) - skip)
        view[:n] = chunk[skip : skip + n]
        self._pos += n
        return n

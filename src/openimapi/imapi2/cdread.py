"""Reading an audio CD back (beyond IMAPI): the table of contents (READ TOC format 0), the
CD-TEXT of the lead-in (format 5), sub-channel Q codes (MCN, ISRC via READ SUB-CHANNEL
formats 02h/03h) and the PCM of audio sectors (READ CD, expected sector type CD-DA, user
data only: 2352 bytes a sector, MMC-6 6.19), plus the disc ids the TOC gives.

Everything goes through a :class:`~openimapi.imapi2._drive.Drive` (``recorder.drive``), so
it reads a real drive exactly as it reads the virtual recorder.
"""

from __future__ import annotations

from dataclasses import dataclass

from openimapi import errors
from openimapi.cd.cdtext import CdText, decode_packs
from openimapi.cd.discid import freedb_id, musicbrainz_id
from openimapi.imapi2._drive import Drive
from openimapi.mmc import Command
from openimapi.mmc.read import ReadCd, SectorType
from openimapi.mmc.toc import CdTextPacks, ReadToc, Toc, TocFormat

__all__ = ["AudioToc", "read_audio", "read_cdtext", "read_isrc", "read_mcn", "read_toc"]

SECTOR = 2352
CHUNK = 26  # sectors per READ CD: 61,152 bytes, under a 64 KiB transfer limit


@dataclass(frozen=True, slots=True)
class AudioToc:
    """The TOC of a disc: first track number, start LBAs, lead-out LBA, CONTROL nibbles."""

    first_track: int
    starts: tuple[int, ...]
    leadout: int
    controls: tuple[int, ...]

    @property
    def last_track(self) -> int:
        return self.first_track + len(self.starts) - 1

    def track_sectors(self, number: int) -> int:
        """Sectors from the start of track ``number`` to the next track (or the lead-out)."""
        i = number - self.first_track
        end = self.starts[i + 1] if i + 1 < len(self.starts) else self.leadout
        return end - self.starts[i]

    @property
    def musicbrainz_id(self) -> str:
        return musicbrainz_id(self.first_track, [s + 150 for s in self.starts], self.leadout + 150)

    @property
    def freedb_id(self) -> str:
        return freedb_id(self.first_track, [s + 150 for s in self.starts], self.leadout + 150)


def read_toc(drive: Drive) -> AudioToc:
    """READ TOC format 0 in LBA form.

    Raises:
        E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE: no track or no lead-out in the answer.
        ImapiError: the device failed (blank disc, no medium, ...).
    """
    data = drive.run(ReadToc(TocFormat.TOC, track_session=1).to_command()).data
    toc = Toc.from_bytes(data)
    tracks = toc.tracks
    if not tracks or toc.lead_out is None:
        raise errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE("the TOC lists no track or no lead-out")
    return AudioToc(tracks[0].track, tuple(t.address for t in tracks), toc.lead_out,
                    tuple(t.control for t in tracks))


def read_cdtext(drive: Drive) -> CdText:
    """READ TOC format 5: the CD-TEXT packs of the lead-in, decoded (empty when there is none).

    Raises:
        ImapiError: the device failed.
    """
    data = drive.run(ReadToc(TocFormat.CD_TEXT).to_command()).data
    packs = CdTextPacks.from_bytes(data)
    return decode_packs(b"".join(packs.packs))


def read_audio(drive: Drive, lba: int, count: int) -> bytes:
    """The 2352-byte PCM of ``count`` audio sectors from ``lba`` (READ CD, CD-DA, user data).

    Raises:
        ImapiError: the device failed (a data track answers ILLEGAL MODE FOR THIS TRACK).
    """
    out = bytearray()
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        cmd = ReadCd(lba + done, n, SectorType.CD_DA, user_data=True).to_command(timeout=30.0)
        data = drive.run(cmd).data
        if len(data) != n * SECTOR:
            raise errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE(
                f"READ CD at {lba + done} returned {len(data)} bytes for {n} sectors")
        out += data
        done += n
    return bytes(out)


def _subchannel(drive: Drive, fmt: int, track: int) -> bytes:
    """READ SUB-CHANNEL (MMC-6 6.30) with SubQ=1 of data format ``fmt``."""
    cdb = bytes([0x42, 0, 0x40, fmt, 0, 0, track, 0, 24, 0])
    return drive.run(Command(cdb, data_in_length=24, name="READ SUB-CHANNEL")).data


def read_mcn(drive: Drive) -> str:
    """The media catalogue number (13 digits), or '' when the disc has none (format 02h)."""
    data = _subchannel(drive, 2, 0)
    if len(data) < 24 or not data[8] & 0x80:
        return ""
    return data[9:22].decode("ascii", "replace")


def read_isrc(drive: Drive, track: int) -> str:
    """The ISRC of ``track`` (12 characters), or '' when it has none (format 03h)."""
    data = _subchannel(drive, 3, track)
    if len(data) < 24 or not data[8] & 0x80:
        return ""
    return data[9:21].decode("ascii", "replace")

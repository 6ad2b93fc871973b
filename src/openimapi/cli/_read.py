"""Reading a data disc back through DiscRecorder2.read_sectors: which sectors hold data."""

from __future__ import annotations

from collections.abc import Iterator

import openimapi
from openimapi import errors
from openimapi.mmc.disc import DiscInformation, TrackInformation

CHUNK = 256  # sectors per read call (512 KiB)


def data_extents(rec: openimapi.DiscRecorder2) -> list[tuple[int, int]]:
    """(start LBA, sectors) of the recorded data of every data track, in order."""
    info = DiscInformation.from_bytes(rec.get_disc_information())
    out = []
    for number in range(info.first_track, info.last_track_last_session + 1):
        t = TrackInformation.from_bytes(rec.get_track_information(number))
        if t.blank or t.track_mode < 4:
            continue
        size = t.track_size
        if t.lra_valid and t.last_recorded_address >= t.start_address:
            size = t.last_recorded_address - t.start_address + 1
        if size > 0:
            out.append((t.start_address, size))
    return out


def read_chunks(rec: openimapi.DiscRecorder2, extents: list[tuple[int, int]]) -> Iterator[tuple[int, bytes]]:
    """(LBA, data) in order over the extents, CHUNK sectors at a time.

    Raises:
        ImapiError: a sector cannot be read.
    """
    for start, size in extents:
        lba = start
        end = start + size
        while lba < end:
            n = min(CHUNK, end - lba)
            yield lba, rec.read_sectors(lba, n)
            lba += n


def total_sectors(extents: list[tuple[int, int]]) -> int:
    return sum(n for _, n in extents)


def no_data() -> errors.ImapiError:
    return errors.E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED("the disc holds no data tracks (blank, or audio only)")

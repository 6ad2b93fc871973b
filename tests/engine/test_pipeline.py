"""The write pipeline against a tiny fake sector device: bytes land where they should,
memory stays bounded, progress is monotonic, cancellation and verification work."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from openimapi import errors
from openimapi.engine import (
    CancelToken,
    Progress,
    WriteOptions,
    open_source,
    sector_checksums,
    verify_section,
    write_section,
)

from .fakedisk import FakeDisk

SS = 2048


def _image(sectors: int, seed: int = 1) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, sectors * SS, dtype=np.uint8).tobytes()


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.3  # every look at the clock costs 0.3 s
        return self.now


def test_bytes_written_at_start_lba_in_chunks() -> None:
    disk = FakeDisk(200)
    image = _image(70)
    res = write_section(disk, open_source(image), 10, 70, options=WriteOptions(transfer_blocks=16))
    assert bytes(disk.data[10 * SS : 80 * SS]) == image
    assert disk.data[: 10 * SS] == bytes(10 * SS)
    assert disk.written_lbas == [10, 26, 42, 58, 74]
    assert [len(c.data_out) // SS for c in disk.commands] == [16, 16, 16, 16, 6]
    assert all(c.cdb[0] == 0x2A for c in disk.commands)
    assert res.sector_count == 70 and res.checksums is None


def test_write12_streaming_bit_and_source_offset(tmp_path: Path) -> None:
    disk = FakeDisk(100)
    image = _image(40)
    path = tmp_path / "img.iso"
    path.write_bytes(image)
    opts = WriteOptions(transfer_blocks=8, use_write12=True, streaming=True)
    source = open_source(path)
    write_section(disk, source, 0, 20, source_offset=20 * SS, options=opts)
    source.close()
    assert bytes(disk.data[: 20 * SS]) == image[20 * SS :]
    assert disk.commands[0].cdb[0] == 0xAA and disk.commands[0].cdb[10] & 0x80


def test_file_object_and_path_sources_agree(tmp_path: Path) -> None:
    image = _image(9)
    path = tmp_path / "a.bin"
    path.write_bytes(image)
    for src in (image, bytearray(image), io.BytesIO(image), str(path), path):
        disk = FakeDisk(9)
        source = open_source(src)
        assert source.size == len(image)
        write_section(disk, source, 0, 9)
        assert bytes(disk.data) == image
        source.close()


def test_short_stream_is_stream_not_supported() -> None:
    class Liar(io.BytesIO):
        size = 10 * SS

    disk = FakeDisk(20)
    with pytest.raises(errors.E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED, match="ended"):
        write_section(disk, open_source(Liar(_image(4))), 0, 10)


def test_device_error_maps_to_documented_error_and_stops() -> None:
    disk = FakeDisk(100)
    disk.fail_write_at = 40
    with pytest.raises(errors.E_IMAPI_LOSS_OF_STREAMING) as info:
        write_section(disk, open_source(_image(80)), 0, 80, options=WriteOptions(transfer_blocks=16))
    assert info.value.sense is not None and info.value.sense.triple == (3, 0x0C, 9)
    assert disk.written_lbas == [0, 16]


def test_progress_monotonic_and_complete() -> None:
    disk = FakeDisk(300)
    seen: list[Progress] = []
    write_section(
        disk, open_source(_image(256)), 0, 256,
        options=WriteOptions(transfer_blocks=16, buffer_chunks=4), on_progress=seen.append, clock=FakeClock(),
    )
    assert len(seen) >= 10
    written = [p.last_written_lba for p in seen]
    assert written == sorted(written)
    assert seen[0].last_written_lba == -1 and seen[-1].last_written_lba == 255
    assert all(p.total_system_buffer == 4 * 16 * SS for p in seen)
    assert all(p.used_system_buffer + p.free_system_buffer == p.total_system_buffer for p in seen)
    assert all(p.last_read_lba >= p.last_written_lba for p in seen)
    elapsed = [p.elapsed for p in seen]
    assert elapsed == sorted(elapsed)


def test_memory_is_bounded_by_the_buffer() -> None:
    """The reader never runs further ahead of the device than the buffer holds."""
    disk = FakeDisk(2000)
    opts = WriteOptions(transfer_blocks=8, buffer_chunks=3)
    lead: list[int] = []

    class Watching(io.BytesIO):
        def read(self, n: int | None = -1) -> bytes:
            written = disk.written_lbas[-1] + 8 if disk.written_lbas else 0
            lead.append(self.tell() // SS - written)
            return super().read(n)

    write_section(disk, open_source(Watching(_image(2000))), 0, 2000, options=opts)
    # queued chunks + the one being written + the one being read
    assert max(lead) <= (opts.buffer_chunks + 3) * opts.transfer_blocks


def test_cancel_from_listener_stops_cleanly() -> None:
    disk = FakeDisk(400)
    token = CancelToken()

    def listener(p: Progress) -> None:
        if p.last_written_lba >= 100:
            token.cancel()

    with pytest.raises(errors.E_IMAPI_REQUEST_CANCELLED):
        write_section(
            disk, open_source(_image(400)), 0, 400, options=WriteOptions(transfer_blocks=16),
            on_progress=listener, cancel=token, clock=FakeClock(),
        )
    assert 100 <= disk.written_lbas[-1] < 400 - 16
    assert threading.active_count() == 1 or all(t.name != "openimapi-reader" for t in threading.enumerate())


def test_cancel_from_another_thread() -> None:
    disk = FakeDisk(4000)
    disk.on_write = threading.Event()
    token = CancelToken()

    def canceller() -> None:
        assert disk.on_write is not None
        disk.on_write.wait(5)
        token.cancel()

    t = threading.Thread(target=canceller)
    t.start()
    with pytest.raises(errors.E_IMAPI_REQUEST_CANCELLED):
        opts = WriteOptions(transfer_blocks=1)
        write_section(disk, open_source(bytes(4000 * SS)), 0, 4000, options=opts, cancel=token)
    t.join()
    assert len(disk.written_lbas) < 4000


def test_full_verify_names_first_bad_lba() -> None:
    disk = FakeDisk(200)
    image = _image(150)
    res = write_section(disk, open_source(image), 5, 150, options=WriteOptions(checksums=True, transfer_blocks=16))
    assert res.checksums is not None
    np.testing.assert_array_equal(res.checksums, sector_checksums(image))
    verify_section(disk, 5, res.checksums, full=True)
    disk.data[(5 + 77) * SS + 3] ^= 1
    disk.data[(5 + 120) * SS] ^= 1
    with pytest.raises(errors.E_IMAPI_BURN_VERIFICATION_FAILED, match="LBA 82 "):
        verify_section(disk, 5, res.checksums, full=True)


def test_quick_verify_reads_samples_only() -> None:
    disk = FakeDisk(5000)
    res = write_section(disk, open_source(_image(5000)), 0, 5000, options=WriteOptions(checksums=True))
    assert res.checksums is not None
    disk.commands.clear()
    verify_section(disk, 0, res.checksums, full=False)
    reads = [c for c in disk.commands if c.cdb[0] == 0x28]
    assert 2 <= len(reads) <= 16
    lbas = [int.from_bytes(c.cdb[2:6], "big") for c in reads]
    assert lbas[0] == 0 and lbas[-1] == (5000 - 1) // 32 * 32
    disk.data[(4999) * SS] ^= 0x80  # the last sector is always sampled
    with pytest.raises(errors.E_IMAPI_BURN_VERIFICATION_FAILED, match="LBA 4999 "):
        verify_section(disk, 0, res.checksums, full=False)


def test_checksum_sees_word_swaps() -> None:
    a = bytearray(os.urandom(SS))
    b = bytearray(a)
    b[0:8], b[8:16] = a[8:16], a[0:8]
    assert sector_checksums(bytes(a))[0] != sector_checksums(bytes(b))[0] or a[0:8] == a[8:16]

"""A tiny in-memory sector device speaking WRITE(10)/WRITE(12)/READ(10), for engine tests."""

from __future__ import annotations

import threading

from openimapi.mmc import Command, Completion
from openimapi.mmc.sense import build_fixed_sense


class FakeDisk:
    address = "fake:disk"

    def __init__(self, sectors: int, sector_size: int = 2048) -> None:
        self.ss = sector_size
        self.data = bytearray(sectors * sector_size)
        self.commands: list[Command] = []
        self.fail_write_at: int | None = None  # LBA whose WRITE answers a medium error
        self.corrupt_after_write: int | None = None  # LBA whose byte 100 flips after being written
        self.on_write: threading.Event | None = None
        self.written_lbas: list[int] = []

    def execute(self, command: Command) -> Completion:
        self.commands.append(command)
        cdb = command.cdb
        op = cdb[0]
        if op in (0x2A, 0xAA):
            lba = int.from_bytes(cdb[2:6], "big")
            n = int.from_bytes(cdb[7:9], "big") if op == 0x2A else int.from_bytes(cdb[6:10], "big")
            assert len(command.data_out) == n * self.ss
            if self.fail_write_at is not None and lba <= self.fail_write_at < lba + n:
                return Completion(status=2, sense=build_fixed_sense(0x3, 0x0C, 0x09))
            if (lba + n) * self.ss > len(self.data):
                return Completion(status=2, sense=build_fixed_sense(0x5, 0x21, 0x00))
            self.data[lba * self.ss : (lba + n) * self.ss] = command.data_out
            if self.corrupt_after_write is not None and lba <= self.corrupt_after_write < lba + n:
                self.data[self.corrupt_after_write * self.ss + 100] ^= 0xFF
            self.written_lbas.append(lba)
            if self.on_write is not None:
                self.on_write.set()
            return Completion()
        if op == 0x28:
            lba = int.from_bytes(cdb[2:6], "big")
            n = int.from_bytes(cdb[7:9], "big")
            return Completion(data=bytes(self.data[lba * self.ss : (lba + n) * self.ss]))
        return Completion(status=2, sense=build_fixed_sense(0x5, 0x20, 0x00))

    def close(self) -> None:
        pass

    def __enter__(self) -> FakeDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

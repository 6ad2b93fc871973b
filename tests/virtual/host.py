"""A tiny raw host for the sequence tests: CDBs written as hex, as a recording program
sends them, through ``transport.open("virtual:NAME")``."""

from __future__ import annotations

from openimapi import transport
from openimapi.mmc import Command, Completion
from openimapi.mmc.sense import decode_sense


def cdb(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


class Host:
    """Send CDBs given as hex strings; assert on status, sense and answer bytes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._t: transport.Transport | None = None
        self.log: list[tuple[bytes, Completion]] = []

    @property
    def t(self) -> transport.Transport:
        """The transport, opened on first use (after the test created the drive)."""
        if self._t is None:
            self._t = transport.open(f"virtual:{self.name}")
        return self._t

    def close(self) -> None:
        if self._t is not None:
            self._t.close()

    def send(self, text: str, data_in: int = 0, out: bytes = b"") -> Completion:
        cmd = Command(cdb(text), data_in_length=data_in, data_out=out)
        done = self.t.execute(cmd)
        self.log.append((cmd.cdb, done))
        return done

    def ok(self, text: str, data_in: int = 0, out: bytes = b"") -> bytes:
        done = self.send(text, data_in, out)
        sense = decode_sense(done.sense)
        assert done.ok, f"{text}: {sense}"
        return done.data

    def sense(self, text: str, data_in: int = 0, out: bytes = b"") -> tuple[int, int, int]:
        done = self.send(text, data_in, out)
        sense = decode_sense(done.sense)
        assert done.check_condition and sense is not None, f"{text} succeeded"
        return sense.triple

    def settle(self) -> None:
        """TEST UNIT READY until the unit attention of a medium change is consumed."""
        for _ in range(3):
            done = self.send("00 00 00 00 00 00")
            if done.ok:
                return
            sense = decode_sense(done.sense)
            assert sense is not None and sense.key == 6, sense
        raise AssertionError("the drive never became ready")

    def poll(self, limit: int = 50) -> list[int]:
        """Poll TEST UNIT READY until GOOD; return the progress values seen (2/04/xx)."""
        seen: list[int] = []
        for _ in range(limit):
            done = self.send("00 00 00 00 00 00")
            if done.ok:
                return seen
            sense = decode_sense(done.sense)
            assert sense is not None and sense.key == 2 and sense.asc == 0x04, sense
            assert sense.progress is not None
            seen.append(sense.progress)
        raise AssertionError("the long operation never ended")

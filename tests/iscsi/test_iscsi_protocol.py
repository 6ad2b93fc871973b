"""Protocol paths tgt never takes, against a scripted target (fake_target.py): overflow,
sense after Data-In, Reject, Async logout requests, NOP-In during a command, a closed
command window, R2T and Data-In out of range, a target that demands CHAP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_target import Connection, FakeTarget, Request, pdu

from openimapi import errors, transport
from openimapi.mmc import Command
from openimapi.mmc.sense import build_fixed_sense

READ8 = Command(bytes([0x25]) + bytes(9), data_in_length=8, name="READ CAPACITY")
TUR = Command(bytes(6), name="TEST UNIT READY")


@pytest.fixture
def fake() -> Iterator[list[FakeTarget]]:
    made: list[FakeTarget] = []
    yield made
    for target in made:
        target.close()
        assert not target.errors, target.errors


def start(made: list[FakeTarget], script: object, **options: object) -> FakeTarget:
    target = FakeTarget(script, **options)  # type: ignore[arg-type]
    made.append(target)
    return target


def test_overflow_keeps_the_whole_buffer(fake: list[FakeTarget]) -> None:
    def script(conn: Connection, request: Request) -> None:
        conn.data_in(request, b"ABCDEFGH", status=0, flags=0x04, residual=4)  # O: 4 more were available

    with transport.open(start(fake, script).address) as drive:
        answer = drive.execute(READ8)
    assert (answer.status, answer.data, answer.residual) == (0, b"ABCDEFGH", 0)


def test_sense_in_a_scsi_response_after_data_in(fake: list[FakeTarget]) -> None:
    sense = build_fixed_sense(0x3, 0x11, 0x00)

    def script(conn: Connection, request: Request) -> None:
        conn.data_in(request, b"ABCD")
        conn.respond(request, status=2, sense=sense, flags=0x02, residual=4)  # U: 4 bytes short

    with transport.open(start(fake, script).address) as drive:
        answer = drive.execute(READ8)
    assert (answer.status, answer.sense, answer.data, answer.residual) == (2, sense, b"ABCD", 4)


def test_reject_fails_the_command_and_the_next_one_logs_in_again(fake: list[FakeTarget]) -> None:
    calls = []

    def script(conn: Connection, request: Request) -> None:
        calls.append(request.cdb[0])
        if len(calls) == 1:
            conn.send(pdu(0x3F, 0x80, byte2=0x04, itt=0xFFFFFFFF, data=request.bhs, words=conn.sn_words()))
        else:
            conn.respond(request)

    target = start(fake, script)
    with transport.open(target.address) as drive:
        with pytest.raises(errors.TransportError, match="rejected a PDU"):
            drive.execute(TUR)
        assert drive.execute(TUR).ok
    assert target.connections == 2


def test_an_async_logout_request_renews_the_session_after_the_command(fake: list[FakeTarget]) -> None:
    def script(conn: Connection, request: Request) -> None:
        if target.connections == 1:  # while the command runs (deterministic for the test)
            words = conn.sn_words()
            words[36] = 1 << 24  # AsyncEvent 1: the target requests a logout
            conn.send(pdu(0x32, 0x80, itt=0xFFFFFFFF, words=words, field8=bytes(8)))
        conn.respond(request)

    target = start(fake, script)
    with transport.open(target.address) as drive:
        assert drive.execute(TUR).ok
        assert drive.execute(TUR).ok
    assert target.connections == 2


def test_a_nop_in_ping_during_a_command_is_answered(fake: list[FakeTarget]) -> None:
    answers: list[tuple[int, int]] = []

    def script(conn: Connection, request: Request) -> None:
        conn.send(pdu(0x20, 0x80, itt=0xFFFFFFFF, words={20: 0x1234, **conn.sn_words(advance=False)}))
        reply = conn.recv()
        answers.append((reply.opcode, int.from_bytes(reply.bhs[20:24], "big")))
        conn.respond(request)

    with transport.open(start(fake, script).address) as drive:
        assert drive.execute(TUR).ok
    assert answers == [(0x00, 0x1234)]  # a NOP-Out carrying the target's transfer tag


def test_a_closed_command_window_is_waited_out_with_nop_out(fake: list[FakeTarget]) -> None:
    seen: list[int] = []

    def script(conn: Connection, request: Request) -> None:
        seen.append(request.cmd_sn)
        conn.respond(request, max_cmd_sn=conn.exp_cmd_sn - 1)  # window closed until pinged

    target = start(fake, script)
    with transport.open(target.address) as drive:
        assert drive.execute(TUR).ok
        assert drive.execute(TUR).ok  # sent only after a NOP-In reopened the window
    assert seen == [1, 2]


def test_an_r2t_beyond_the_data_is_a_transport_error(fake: list[FakeTarget]) -> None:
    def script(conn: Connection, request: Request) -> None:
        words = conn.sn_words(advance=False)
        words.update({20: 0x77, 36: 0, 40: 0, 44: 4096})
        conn.send(pdu(0x31, 0x80, itt=request.itt, words=words))

    keys = {"MaxRecvDataSegmentLength": "8192", "ImmediateData": "No", "InitialR2T": "Yes"}
    write = Command(bytes([0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0]), data_out=bytes(2048), name="WRITE(10)")
    with (
        transport.open(start(fake, script, login_keys=keys).address) as drive,
        pytest.raises(errors.TransportError, match=r"R2T for bytes 0\+4096 of a 2048-byte transfer"),
    ):
        drive.execute(write)


def test_data_in_beyond_the_allocation_is_a_transport_error(fake: list[FakeTarget]) -> None:
    def script(conn: Connection, request: Request) -> None:
        conn.data_in(request, b"0123456789", status=0)

    with (
        transport.open(start(fake, script).address) as drive,
        pytest.raises(errors.TransportError, match="beyond the expected 8 bytes"),
    ):
        drive.execute(READ8)


def test_a_target_demanding_chap_is_reported(fake: list[FakeTarget]) -> None:
    target = start(fake, lambda conn, request: conn.respond(request), demand_chap=True)
    with pytest.raises(errors.TransportError, match="requires authentication"):
        transport.open(target.address)

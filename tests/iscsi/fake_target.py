"""A scripted iSCSI target for protocol paths tgt never takes (Reject, Async Message,
overflow, a closed command window, bad R2Ts, CHAP demands). Test code, written from
RFC 7143 section 11: it logs anyone in and hands each SCSI Command to a test's script."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


def _read(sock: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return bytes(data)


def pdu(opcode: int, flags: int, *, itt: int, data: bytes = b"", byte2: int = 0, byte3: int = 0,
        words: dict[int, int] | None = None, field8: bytes = bytes(8)) -> bytes:
    """A target PDU: BHS with the given 32-bit words at byte offsets 20..44, then data."""
    bhs = bytearray(48)
    bhs[0], bhs[1], bhs[2], bhs[3] = opcode, flags, byte2, byte3
    bhs[5:8] = len(data).to_bytes(3, "big")
    bhs[8:16] = field8
    bhs[16:20] = itt.to_bytes(4, "big")
    for offset, value in (words or {}).items():
        bhs[offset : offset + 4] = value.to_bytes(4, "big")
    return bytes(bhs) + data + bytes(-len(data) & 3)


@dataclass
class Request:
    """A received initiator PDU."""

    bhs: bytes
    data: bytes

    @property
    def opcode(self) -> int:
        return self.bhs[0] & 0x3F

    @property
    def itt(self) -> int:
        return int.from_bytes(self.bhs[16:20], "big")

    @property
    def cmd_sn(self) -> int:
        return int.from_bytes(self.bhs[24:28], "big")

    @property
    def cdb(self) -> bytes:
        return self.bhs[32:48]

    def keys(self) -> dict[str, str]:
        return dict(item.split("=", 1) for item in self.data.decode().split("\0") if item)


@dataclass
class Connection:
    """One accepted connection, as a script sees it."""

    sock: socket.socket
    target: FakeTarget
    stat_sn: int = 1
    exp_cmd_sn: int = 1

    def recv(self) -> Request:
        bhs = _read(self.sock, 48)
        length = int.from_bytes(bhs[5:8], "big")
        data = _read(self.sock, bhs[4] * 4 + length + (-length & 3))[bhs[4] * 4 :][:length]
        request = Request(bhs, data)
        if request.opcode in (0x01, 0x04) and not bhs[0] & 0x40:
            self.exp_cmd_sn = request.cmd_sn + 1
        return request

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def sn_words(self, advance: bool = True, max_cmd_sn: int | None = None) -> dict[int, int]:
        """StatSN, ExpCmdSN, MaxCmdSN words (24, 28, 32)."""
        window = max_cmd_sn if max_cmd_sn is not None else self.exp_cmd_sn + 8
        words = {24: self.stat_sn, 28: self.exp_cmd_sn, 32: window}
        if advance:
            self.stat_sn += 1
        return words

    def respond(self, request: Request, *, status: int = 0, sense: bytes = b"", flags: int = 0, residual: int = 0,
                max_cmd_sn: int | None = None) -> None:
        """A SCSI Response (11.4) to ``request``."""
        data = len(sense).to_bytes(2, "big") + sense if sense else b""
        words = self.sn_words(max_cmd_sn=max_cmd_sn)
        words[44] = residual
        self.send(pdu(0x21, 0x80 | flags, itt=request.itt, byte3=status, data=data, words=words))

    def data_in(self, request: Request, data: bytes, *, offset: int = 0, status: int | None = None,
                flags: int = 0, residual: int = 0) -> None:
        """A Data-In (11.7.2), with the status when ``status`` is given."""
        f = 0x80 | flags | (0x01 if status is not None else 0)
        words = self.sn_words(advance=status is not None)
        words.update({40: offset, 44: residual})
        self.send(pdu(0x25, f, itt=request.itt, byte3=status or 0, data=data, words=words))


Script = Callable[[Connection, Request], None]


@dataclass
class FakeTarget:
    """Listens on 127.0.0.1; ``script(connection, request)`` answers each SCSI Command.

    ``login_keys`` are sent in the operational stage; ``demand_chap`` answers a login
    offering AuthMethod=None with AuthMethod=CHAP; ``connections`` counts logins.
    """

    script: Script
    login_keys: dict[str, str] = field(default_factory=lambda: {"MaxRecvDataSegmentLength": "8192"})
    demand_chap: bool = False
    connections: int = 0
    errors: list[BaseException] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = int(self.listener.getsockname()[1])
        self.address = f"iscsi://127.0.0.1:{self.port}/iqn.2026-01.org.openimapi.test:fake/1"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(Connection(sock, self),), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        try:
            with conn.sock:
                self._login(conn)
                self.connections += 1
                while True:
                    request = conn.recv()
                    if request.opcode == 0x01:
                        self.script(conn, request)
                    elif request.opcode == 0x00 and request.itt != 0xFFFFFFFF:  # ping
                        conn.send(pdu(0x20, 0x80, itt=request.itt, words={20: 0xFFFFFFFF, **conn.sn_words()}))
                    elif request.opcode == 0x06:  # logout
                        conn.send(pdu(0x26, 0x80, itt=request.itt, words=conn.sn_words()))
                        return
        except OSError:
            return
        except BaseException as exc:  # pragma: no cover - surfaces script bugs to the test
            self.errors.append(exc)

    def _login(self, conn: Connection) -> None:
        while True:
            request = conn.recv()
            assert request.opcode == 0x03, request.opcode
            stage, transit = (request.bhs[1] >> 2) & 3, bool(request.bhs[1] & 0x80)
            next_stage = request.bhs[1] & 3
            keys = request.keys()
            if stage == 0:
                reply = {"AuthMethod": "CHAP" if self.demand_chap else "None"}
                if keys.get("AuthMethod") != reply["AuthMethod"] and self.demand_chap:
                    reply = {"AuthMethod": "Reject"} if "CHAP" not in keys.get("AuthMethod", "") else reply
            else:
                reply = dict(self.login_keys)
            flags = (0x80 | stage << 2 | next_stage) if transit else stage << 2
            body = "".join(f"{k}={v}\0" for k, v in reply.items()).encode()
            field8 = request.bhs[8:14] + struct.pack(">H", 7 if transit and next_stage == 3 else 0)
            conn.send(pdu(0x23, flags, itt=request.itt, data=body, field8=field8, words=conn.sn_words()))
            if transit and next_stage == 3:
                return

"""One iSCSI session over one TCP connection (RFC 7143, ErrorRecoveryLevel 0).

:class:`Session` owns the socket and the sequence numbers (CmdSN, ExpStatSN, ITT); it
logs in (security and operational negotiation), runs SCSI commands one at a time
(immediate and unsolicited data, R2T, Data-In, status and sense, residuals), answers the
target's NOP-In pings, aborts a command that outlives its timeout, runs Text requests
(SendTargets) and logs out. It raises :class:`SessionLost` when the connection breaks,
:class:`CommandTimedOut` when a command outlives its timeout and :class:`LoginFailed`
when the target refuses the login; :mod:`openimapi.transport.iscsi` turns those into the
errors of :mod:`openimapi.errors` and reconnects.
"""

from __future__ import annotations

import os
import secrets
import select
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass

from openimapi.mmc import Command, Completion
from openimapi.transport.iscsi import keys as textkeys
from openimapi.transport.iscsi import pdu
from openimapi.transport.iscsi.pdu import NO_TAG, Header, Opcode, ProtocolViolation, ResponseFlags

__all__ = [
    "CommandTimedOut",
    "DEFAULT_INITIATOR_NAME",
    "LoginFailed",
    "Portal",
    "Session",
    "SessionLost",
]

#: Our iSCSI name (RFC 7143 4.2.7.2); override with OPENIMAPI_ISCSI_INITIATOR.
DEFAULT_INITIATOR_NAME = "iqn.2026-01.org.openimapi:initiator"
_SECURITY, _OPERATIONAL, _FULL_FEATURE = 0, 1, 3
_LOGIN_TIMEOUT = 10.0
_ABORT_WAIT = 3.0

# Login Response Status-Class/Status-Detail (11.13.5) -> what it means to a user.
_LOGIN_STATUS = {
    0x0101: "the target moved temporarily",
    0x0102: "the target moved permanently",
    0x0200: "initiator error",
    0x0201: "authentication failed (wrong or missing CHAP credentials)",
    0x0202: "this initiator is not authorized to log in to the target",
    0x0203: "the target does not exist at this portal",
    0x0204: "the target has been removed",
    0x0205: "unsupported iSCSI version",
    0x0206: "too many connections",
    0x0207: "missing parameter",
    0x0208: "cannot include the connection in the session",
    0x0209: "session type not supported",
    0x020A: "session does not exist",
    0x020B: "invalid request during login",
    0x0300: "target error",
    0x0301: "the target's service is unavailable",
    0x0302: "the target is out of resources",
}


class SessionLost(OSError):
    """The TCP connection broke or the target broke the protocol; the session is gone."""


class CommandTimedOut(TimeoutError):
    """A command outlived its timeout; it was aborted (or the connection dropped)."""


class LoginFailed(OSError):
    """The target refused the login; ``status`` is Status-Class << 8 | Status-Detail."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Portal:
    """A network portal: host (name or address) and TCP port."""

    host: str
    port: int = 3260

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @classmethod
    def parse(cls, text: str, default_port: int = 3260) -> Portal:
        """``HOST``, ``HOST:PORT``, ``[V6]`` or ``[V6]:PORT`` (a SendTargets TargetAddress
        may add ``,TPGT``, which is dropped).

        Raises:
            ValueError: an empty host or a port outside 1..65535.
        """
        text = text.strip().split(",", 1)[0]
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            port_text = rest[1:] if rest.startswith(":") else ""
        elif text.count(":") == 1:
            host, _, port_text = text.partition(":")
        else:
            host, port_text = text, ""
        port = int(port_text) if port_text else default_port
        if not host or not 1 <= port <= 65535:
            raise ValueError(f"bad iSCSI portal {text!r}")
        return cls(host, port)


def _serial_lt(a: int, b: int) -> bool:
    """RFC 1982 serial number comparison on 32 bits (RFC 7143 4.2.2.1)."""
    return a != b and ((b - a) & 0xFFFFFFFF) < 0x80000000


class Session:
    """A logged-in iSCSI session. Not thread-safe: one command at a time.

    Raises (constructor):
        SessionLost: the portal could not be reached or the connection broke.
        LoginFailed: the target refused the login or the negotiation failed.
    """

    def __init__(
        self,
        portal: Portal,
        target_name: str | None,
        *,
        initiator_name: str | None = None,
        chap: textkeys.Chap | None = None,
        parameters: textkeys.Parameters | None = None,
        connect_timeout: float = _LOGIN_TIMEOUT,
        abort_timeout: float = _ABORT_WAIT,
    ) -> None:
        self.portal = portal
        self.abort_timeout = abort_timeout
        self.target_name = target_name
        self.initiator_name = initiator_name or os.environ.get("OPENIMAPI_ISCSI_INITIATOR") or DEFAULT_INITIATOR_NAME
        self.params = parameters or textkeys.Parameters()
        self.target_keys: dict[str, str] = {}
        self._isid = bytes([0x80 | secrets.randbelow(64)]) + secrets.token_bytes(3) + bytes(2)
        self.tsih = 0
        self.cmd_sn = 1
        self.exp_stat_sn = 0
        self.exp_cmd_sn = 1
        self.max_cmd_sn = 1
        self._itt = 0
        self._hdr = bytearray(pdu.BHS_LENGTH)
        self.last_activity = time.monotonic()
        self.nops_answered = 0
        #: the target asked us (Async Message) to log out; the transport renews the session
        self.logout_requested = False
        self.alive = True
        try:
            self._sock = socket.create_connection((portal.host, portal.port), timeout=connect_timeout)
        except OSError as exc:
            raise SessionLost(f"cannot reach the iSCSI portal {portal}: {exc}") from exc
        try:
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in (socket.SO_SNDBUF, socket.SO_RCVBUF):
                self._sock.setsockopt(socket.SOL_SOCKET, option, 4 << 20)
            self._login(chap, deadline=time.monotonic() + connect_timeout)
        except BaseException:
            self._sock.close()
            raise

    # -- plumbing ------------------------------------------------------------------------
    @property
    def discovery(self) -> bool:
        return self.target_name is None

    def _next_itt(self) -> int:
        self._itt = (self._itt + 1) & 0x7FFFFFFF
        return self._itt

    def _send(self, *parts: bytes | memoryview, deadline: float) -> None:
        """Send whole PDUs; a timeout or error part-way closes the connection (the byte
        stream is no longer aligned on PDUs)."""
        views = [memoryview(part) for part in parts if len(part)]
        sock = self._sock
        try:
            while views:
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                sent = sock.sendmsg(views)
                while sent:
                    if sent >= len(views[0]):
                        sent -= len(views[0])
                        del views[0]
                    else:
                        views[0] = views[0][sent:]
                        sent = 0
        except TimeoutError:
            self.close_socket()
            raise
        except OSError as exc:
            self.close_socket()
            raise SessionLost(f"connection to {self.portal} lost while sending: {exc}") from exc
        self.last_activity = time.monotonic()

    def _recv_into(self, view: memoryview, deadline: float, *, pdu_start: bool = False) -> None:
        """Fill ``view``; a timeout keeps the connection only when nothing of a new PDU
        (``pdu_start``) was read yet."""
        got = 0
        total = len(view)
        sock = self._sock
        while got < total:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError("iSCSI receive timed out")
                sock.settimeout(remaining)
                n = sock.recv_into(view[got:])
            except TimeoutError:
                if got or not pdu_start:  # part of a PDU read: the stream is out of step for good
                    self.close_socket()
                raise
            except OSError as exc:
                self.close_socket()
                raise SessionLost(f"connection to {self.portal} lost: {exc}") from exc
            if n == 0:
                self.close_socket()
                raise SessionLost(f"the target at {self.portal} closed the connection")
            got += n

    def _recv_header(self, deadline: float) -> Header:
        self._recv_into(memoryview(self._hdr), deadline, pdu_start=True)
        try:
            header = pdu.parse_bhs(self._hdr)
        except ProtocolViolation as exc:
            raise SessionLost(f"protocol error from {self.portal}: {exc}") from exc
        if header.ahs_length:
            self._recv_into(memoryview(bytearray(header.ahs_length)), deadline)
        self.last_activity = time.monotonic()
        return header

    def _recv_data(self, header: Header, deadline: float, into: memoryview | None = None) -> bytes:
        """The data segment of ``header`` (and its padding); into ``into`` when given."""
        length = header.data_length
        if into is not None:
            self._recv_into(into[:length], deadline)
            if pdu.pad(length):
                self._recv_into(memoryview(bytearray(pdu.pad(length))), deadline)
            return b""
        buf = bytearray(length + pdu.pad(length))
        self._recv_into(memoryview(buf), deadline)
        return bytes(buf[:length])

    def _note_status(self, header: Header) -> None:
        """Advance ExpStatSN and the command window from a status-bearing PDU."""
        self.exp_stat_sn = (header.stat_sn + 1) & 0xFFFFFFFF
        self._note_window(header)

    def _note_window(self, header: Header) -> None:
        if not _serial_lt(header.max_cmd_sn, (header.exp_cmd_sn - 1) & 0xFFFFFFFF):
            self.exp_cmd_sn = header.exp_cmd_sn
            self.max_cmd_sn = header.max_cmd_sn

    def _handle_unsolicited(self, header: Header, deadline: float) -> None:
        """A PDU not tied to the command in flight: NOP-In, Async Message, Reject.

        Raises:
            SessionLost: a Reject, an Async Message dropping the connection, or any
                PDU that makes no sense here.
        """
        data = self._recv_data(header, deadline)
        if header.opcode == Opcode.NOP_IN:
            self._note_window(header)
            if header.itt != NO_TAG:
                self._note_status(header)
            if header.ttt != NO_TAG:  # the target pings us: answer with its TTT (11.18)
                reply = pdu.nop_out_pdu(
                    itt=NO_TAG, ttt=header.ttt, cmd_sn=self.cmd_sn, exp_stat_sn=self.exp_stat_sn, data_length=len(data)
                )
                self._send(reply, pdu.padded(data), deadline=time.monotonic() + 5.0)
                self.nops_answered += 1
            return
        if header.opcode == Opcode.ASYNC_MESSAGE:  # 11.9
            self._note_status(header)
            event = header.word36 >> 24  # AsyncEvent, byte 36
            if event in (2, 3):  # the target dropped the connection or the session
                raise SessionLost(f"the target at {self.portal} ends the session (async event {event})")
            if event in (1, 4):  # logout or renegotiation requested: renew after this command
                self.logout_requested = True
            return
        if header.opcode == Opcode.REJECT:
            raise SessionLost(f"the target rejected a PDU (reason 0x{header.byte2:02X})")
        raise SessionLost(f"unexpected {header.opcode.name} from {self.portal}")

    def drain(self) -> None:
        """Process what the target sent while we were idle (NOP-In pings); non-blocking.

        Raises:
            SessionLost: the connection broke or the target sent something unexpected.
        """
        while True:
            try:
                readable, _, _ = select.select([self._sock], [], [], 0)
            except (OSError, ValueError) as exc:
                raise SessionLost(f"connection to {self.portal} unusable: {exc}") from exc
            if not readable:
                return
            try:
                header = self._recv_header(time.monotonic() + 5.0)
                self._handle_unsolicited(header, time.monotonic() + 5.0)
            except TimeoutError as exc:
                raise SessionLost(f"a partial PDU from {self.portal} stalled") from exc

    # -- login ---------------------------------------------------------------------------
    def _login_exchange(
        self, stage: int, next_stage: int, transit: bool, pairs: list[tuple[str, str]], deadline: float
    ) -> tuple[Header, dict[str, str]]:
        itt = self._next_itt()
        body = textkeys.encode_text(pairs)
        answers: dict[str, str] = {}
        while True:
            request = pdu.login_pdu(
                isid=self._isid,
                tsih=self.tsih,
                itt=itt,
                cid=0,
                cmd_sn=self.cmd_sn,
                exp_stat_sn=self.exp_stat_sn,
                current_stage=stage,
                next_stage=next_stage,
                transit=transit,
                data_length=len(body),
            )
            self._send(request, pdu.padded(body), deadline=deadline)
            while True:
                header = self._recv_header(deadline)
                if header.opcode == Opcode.LOGIN_RESPONSE:
                    break
                if header.opcode == Opcode.REJECT:
                    self._recv_data(header, deadline)
                    raise LoginFailed(f"the target at {self.portal} rejected our login PDU")
                raise SessionLost(f"{header.opcode.name} during login from {self.portal}")
            data = self._recv_data(header, deadline)
            self._note_status(header)
            status = header.status_class << 8 | header.status_detail
            if status:
                what = _LOGIN_STATUS.get(status, _LOGIN_STATUS.get(status & 0xFF00, "login refused"))
                where = "" if self.discovery else f" {self.target_name}"
                extra = textkeys.decode_text(data) if header.status_class == 1 else []
                moved = "".join(f"; {k}={v}" for k, v in extra if k == "TargetAddress")
                raise LoginFailed(
                    f"login to{where} at {self.portal} failed: {what} (status 0x{status:04X}){moved}", status
                )
            if header.itt != itt:
                raise SessionLost("login response for another task tag")
            answers.update(textkeys.decode_text(data))
            if not header.continues:
                return header, answers
            body, transit = b"", False  # 6.3: fetch the rest of the text with an empty request

    def _login(self, chap: textkeys.Chap | None, deadline: float) -> None:
        leading: list[tuple[str, str]] = [
            ("InitiatorName", self.initiator_name),
            ("SessionType", "Discovery" if self.discovery else "Normal"),
        ]
        if self.target_name is not None:
            leading.append(("TargetName", self.target_name))
        try:
            if chap is None:
                header, answers = self._login_exchange(
                    _SECURITY, _OPERATIONAL, True, [*leading, ("AuthMethod", "None")], deadline
                )
                if answers.get("AuthMethod", "None") != "None":
                    raise LoginFailed(f"the target at {self.portal} requires authentication (CHAP)", 0x0201)
                self.target_keys.update(answers)
                for _ in range(4):  # the target may hold us in the security stage a little longer
                    if header.transit:
                        break
                    header, answers = self._login_exchange(_SECURITY, _OPERATIONAL, True, [], deadline)
                    self.target_keys.update(answers)
            else:
                header = self._chap_login(chap, leading, deadline)
            if not header.transit or header.next_stage != _OPERATIONAL:
                raise LoginFailed(f"the target at {self.portal} did not leave the security stage")
            params = self.params
            pairs = textkeys.offered_keys(params)
            for _ in range(8):
                header, answers = self._login_exchange(_OPERATIONAL, _FULL_FEATURE, True, pairs, deadline)
                self.target_keys.update(answers)
                params, pairs = textkeys.negotiate(params, answers)
                if header.transit and header.next_stage == _FULL_FEATURE:
                    break
            else:
                raise LoginFailed(f"the target at {self.portal} never reached the full feature phase")
            self.params = params
            self.tsih = header.tsih
        except textkeys.NegotiationError as exc:
            raise LoginFailed(f"login negotiation with {self.portal} failed: {exc}") from exc
        except TimeoutError as exc:
            raise LoginFailed(f"the target at {self.portal} did not answer the login in time") from exc

    def _chap_login(self, chap: textkeys.Chap, leading: list[tuple[str, str]], deadline: float) -> Header:
        header, answers = self._login_exchange(
            _SECURITY, _OPERATIONAL, False, [*leading, ("AuthMethod", "CHAP")], deadline
        )
        if answers.get("AuthMethod") != "CHAP":
            raise LoginFailed(
                f"the target at {self.portal} refused CHAP (AuthMethod={answers.get('AuthMethod')})", 0x0201
            )
        header, answers = self._login_exchange(_SECURITY, _OPERATIONAL, False, [("CHAP_A", "5")], deadline)
        pairs, issued = textkeys.chap_answer(chap, answers)
        header, answers = self._login_exchange(_SECURITY, _OPERATIONAL, True, pairs, deadline)
        self.target_keys.update({k: v for k, v in answers.items() if not k.startswith("CHAP_")})
        if issued is not None:
            textkeys.check_target_chap(chap, issued, answers)
        return header

    # -- SCSI ----------------------------------------------------------------------------
    def execute(self, command: Command, lun: int) -> Completion:
        """Run one SCSI command to completion.

        Raises:
            CommandTimedOut: no status within ``command.timeout``; the task was aborted,
                or the connection dropped if the abort did not complete.
            SessionLost: the connection broke or the target broke the protocol.
        """
        deadline = time.monotonic() + command.timeout
        try:
            while _serial_lt(self.max_cmd_sn, self.cmd_sn):  # the command window is closed (4.2.2.1)
                self.ping(max(deadline - time.monotonic(), 0.001))
                time.sleep(0.01)
        except TimeoutError:
            raise CommandTimedOut(f"the target at {self.portal} kept its command window closed") from None
        itt = self._next_itt()
        cmd_sn = self.cmd_sn
        self.cmd_sn = (cmd_sn + 1) & 0xFFFFFFFF
        try:
            return self._execute(command, lun, itt, cmd_sn, deadline)
        except TimeoutError:
            self._abort(itt, cmd_sn, lun)
            raise CommandTimedOut(
                f"{command.name or f'opcode 0x{command.opcode:02X}'} got no answer from {self.portal} "
                f"within {command.timeout:g} s"
            ) from None

    def _execute(self, command: Command, lun: int, itt: int, cmd_sn: int, deadline: float) -> Completion:
        p = self.params
        data_out = memoryview(command.data_out)
        writing = bool(data_out)
        expected = command.transfer_length
        immediate = unsolicited = 0
        if writing:
            if p.immediate_data:
                immediate = min(len(data_out), p.first_burst, p.max_send_data_segment)
            unsolicited = immediate if p.initial_r2t else min(len(data_out), p.first_burst)
        header = pdu.scsi_command_pdu(
            lun=lun,
            itt=itt,
            cdb=command.cdb,
            read=command.data_in_length > 0,
            write=writing,
            expected_length=expected,
            cmd_sn=cmd_sn,
            exp_stat_sn=self.exp_stat_sn,
            immediate_length=immediate,
            final=unsolicited == immediate,
        )
        self._send(header, data_out[:immediate], bytes(pdu.pad(immediate)), deadline=deadline)
        if unsolicited > immediate:
            self._send_data_out(data_out, lun, itt, NO_TAG, immediate, unsolicited - immediate, deadline)

        buffer = bytearray(command.data_in_length)
        view = memoryview(buffer)
        received = 0
        while True:
            reply = self._recv_header(deadline)
            if reply.opcode in (Opcode.DATA_IN, Opcode.SCSI_RESPONSE, Opcode.R2T) and reply.itt != itt:
                self._recv_data(reply, deadline)  # a late answer to an aborted task
                if reply.opcode == Opcode.SCSI_RESPONSE or reply.flags & ResponseFlags.STATUS:
                    self._note_status(reply)
                continue
            if reply.opcode == Opcode.DATA_IN:
                end = reply.buffer_offset + reply.data_length
                if end > len(buffer):
                    raise SessionLost(f"Data-In beyond the expected {len(buffer)} bytes (offset {end})")
                self._recv_data(reply, deadline, view[reply.buffer_offset : end])
                received = max(received, end)
                self._note_window(reply)
                if reply.flags & ResponseFlags.STATUS:
                    self._note_status(reply)
                    return self._completion(reply, b"", buffer, received, expected)
            elif reply.opcode == Opcode.SCSI_RESPONSE:
                data = self._recv_data(reply, deadline)
                self._note_status(reply)
                if reply.response != 0:
                    raise SessionLost(
                        f"the target at {self.portal} failed the command (iSCSI response 0x{reply.response:02X})"
                    )
                sense = b""
                if len(data) >= 2:
                    sense = data[2 : 2 + int.from_bytes(data[:2], "big")]
                return self._completion(reply, sense, buffer, received, expected)
            elif reply.opcode == Opcode.R2T:
                self._recv_data(reply, deadline)
                self._note_window(reply)
                if not writing or reply.buffer_offset + reply.desired_length > len(data_out):
                    raise SessionLost(
                        f"R2T for bytes {reply.buffer_offset}+{reply.desired_length} of a "
                        f"{len(data_out)}-byte transfer"
                    )
                self._send_data_out(
                    data_out, lun, itt, reply.ttt, reply.buffer_offset, reply.desired_length, deadline
                )
            else:
                self._handle_unsolicited(reply, deadline)

    def _completion(self, reply: Header, sense: bytes, buffer: bytearray, received: int, expected: int) -> Completion:
        # An underflow says how much is missing; an overflow leaves the whole buffer filled.
        underflow = reply.flags & ResponseFlags.UNDERFLOW
        transferred = max(expected - reply.residual, 0) if underflow else expected
        if buffer:
            transferred = min(transferred, received)
            data = bytes(buffer[:transferred]) if transferred < len(buffer) else bytes(buffer)
        else:
            data = b""
        return Completion(status=reply.status, sense=sense, data=data, residual=expected - transferred)

    def _send_data_out(
        self, data: memoryview, lun: int, itt: int, ttt: int, offset: int, length: int, deadline: float
    ) -> None:
        """One data sequence (an R2T's or the unsolicited one) in PDUs of at most the
        target's MaxRecvDataSegmentLength (11.7)."""
        segment = self.params.max_send_data_segment
        end = offset + length
        data_sn = 0
        while offset < end:
            size = min(segment, end - offset)
            final = offset + size >= end
            header = pdu.data_out_pdu(
                lun=lun,
                itt=itt,
                ttt=ttt,
                exp_stat_sn=self.exp_stat_sn,
                data_sn=data_sn,
                offset=offset,
                length=size,
                final=final,
            )
            self._send(header, data[offset : offset + size], bytes(pdu.pad(size)), deadline=deadline)
            offset += size
            data_sn += 1

    def _abort(self, itt: int, cmd_sn: int, lun: int) -> None:
        """ABORT TASK (11.5) for a timed-out command; close the connection when the
        target does not confirm in time (the next command then logs in anew)."""
        deadline = time.monotonic() + self.abort_timeout
        tmf_itt = self._next_itt()
        try:
            request = pdu.task_management_pdu(
                function=1,
                lun=lun,
                itt=tmf_itt,
                referenced_itt=itt,
                cmd_sn=self.cmd_sn,
                exp_stat_sn=self.exp_stat_sn,
                ref_cmd_sn=cmd_sn,
            )
            self._send(request, deadline=deadline)
            while True:
                reply = self._recv_header(deadline)
                self._recv_data(reply, deadline)
                if reply.opcode == Opcode.TASK_MANAGEMENT_RESPONSE and reply.itt == tmf_itt:
                    self._note_status(reply)
                    return
                if reply.opcode == Opcode.SCSI_RESPONSE or (
                    reply.opcode == Opcode.DATA_IN and reply.flags & ResponseFlags.STATUS
                ):
                    self._note_status(reply)
        except (OSError, TimeoutError):
            self.close_socket()

    # -- text, ping, logout ----------------------------------------------------------------
    def text_request(self, pairs: list[tuple[str, str]], timeout: float = 10.0) -> list[tuple[str, str]]:
        """A Text request/response exchange (11.10), following C bits; ordered pairs.

        Raises:
            SessionLost: the connection broke or the target answered oddly.
            TimeoutError: no complete answer within ``timeout``.
        """
        deadline = time.monotonic() + timeout
        itt = self._next_itt()
        ttt = NO_TAG
        body = textkeys.encode_text(pairs)
        text = bytearray()
        while True:
            request = pdu.text_pdu(
                itt=itt, ttt=ttt, cmd_sn=self.cmd_sn, exp_stat_sn=self.exp_stat_sn, data_length=len(body)
            )
            self._send(request, pdu.padded(body), deadline=deadline)
            while True:
                reply = self._recv_header(deadline)
                if reply.opcode == Opcode.TEXT_RESPONSE and reply.itt == itt:
                    break
                self._handle_unsolicited(reply, deadline)
            text += self._recv_data(reply, deadline)
            self._note_status(reply)
            if not reply.continues:
                try:
                    return textkeys.decode_text(bytes(text))
                except textkeys.NegotiationError as exc:
                    raise SessionLost(f"bad text response from {self.portal}: {exc}") from exc
            ttt, body = reply.ttt, b""

    def ping(self, timeout: float = 5.0) -> None:
        """NOP-Out with a task tag; waits for the target's NOP-In (keep-alive, 11.18).

        Raises:
            SessionLost: the connection broke.
            TimeoutError: no NOP-In within ``timeout``.
        """
        deadline = time.monotonic() + timeout
        itt = self._next_itt()
        self._send(
            pdu.nop_out_pdu(itt=itt, ttt=NO_TAG, cmd_sn=self.cmd_sn, exp_stat_sn=self.exp_stat_sn), deadline=deadline
        )
        while True:
            reply = self._recv_header(deadline)
            if reply.opcode == Opcode.NOP_IN and reply.itt == itt:
                self._recv_data(reply, deadline)
                self._note_status(reply)
                return
            self._handle_unsolicited(reply, deadline)

    def logout(self, timeout: float = 5.0) -> None:
        """Close the session politely (11.14), then the socket; never raises."""
        try:
            deadline = time.monotonic() + timeout
            itt = self._next_itt()
            self._send(pdu.logout_pdu(itt=itt, cmd_sn=self.cmd_sn, exp_stat_sn=self.exp_stat_sn), deadline=deadline)
            while True:
                reply = self._recv_header(deadline)
                self._recv_data(reply, deadline)
                if reply.opcode == Opcode.LOGOUT_RESPONSE:
                    break
        except (OSError, TimeoutError):
            pass
        finally:
            self.close_socket()

    def close_socket(self) -> None:
        """Drop the TCP connection without a logout; idempotent."""
        self.alive = False
        try:
            self._sock.close()
        except OSError:
            pass

    @property
    def negotiated(self) -> Mapping[str, str]:
        """The target's answers during login (for diagnostics)."""
        return dict(self.target_keys)

"""Remote drives over iSCSI: a pure-Python initiator (RFC 7143), no kernel module.

``iscsi://HOST[:PORT]/TARGET-IQN/LUN`` names one logical unit of an iSCSI target, for
example a drive exported by SCSI pass-through or tgt's MMC emulation::

    from openimapi import transport
    with transport.open("iscsi://127.0.0.1:3260/iqn.2026-01.lab:burner/1") as drive:
        completion = drive.execute(inquiry_command)

What it does: one session with one connection (ErrorRecoveryLevel 0, MaxConnections 1),
login without authentication or with CHAP (MD5, optionally mutual), no digests,
immediate and unsolicited data and R2T as negotiated, Data-In with status or a separate
SCSI Response carrying sense, residual counts, a task timeout per command (ABORT TASK,
then dropping the connection), answers to the target's NOP-In pings and a NOP-Out
keep-alive after ``keepalive`` idle seconds, logout on close. When the connection
drops, the command in flight fails with a :class:`~openimapi.TransportError` that
says its outcome is unknown, and the next command logs in again; a connection found dead
*before* a command is sent is re-established transparently.

Credentials come from the ``chap`` argument or the environment:
``OPENIMAPI_ISCSI_CHAP_USER``/``OPENIMAPI_ISCSI_CHAP_SECRET`` (and, for mutual CHAP,
``OPENIMAPI_ISCSI_CHAP_TARGET_USER``/``OPENIMAPI_ISCSI_CHAP_TARGET_SECRET``); the
initiator name from ``OPENIMAPI_ISCSI_INITIATOR``. :func:`discover_targets` runs a
SendTargets discovery session; :func:`enumerate_drives` lists the CD/DVD logical units
behind the portals of ``OPENIMAPI_ISCSI_PORTALS``.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass

from openimapi._codes import E_IMAPI_RECORDER_COMMAND_TIMEOUT
from openimapi._errorbase import TransportError
from openimapi.mmc import Command, Completion
from openimapi.transport import Address, TransportBase
from openimapi.transport.iscsi.keys import Chap, Parameters
from openimapi.transport.iscsi.session import CommandTimedOut, LoginFailed, Portal, Session, SessionLost

__all__ = [
    "Chap",
    "IscsiTransport",
    "LogicalUnit",
    "Parameters",
    "Portal",
    "discover_targets",
    "enumerate_drives",
    "list_logical_units",
    "open_iscsi",
    "parse_target",
]

_IQN = re.compile(r"(iqn\.\d{4}-\d{2}\.[^\s/]+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16,32})")


def parse_target(target: str) -> tuple[Portal, str, int]:
    """Split ``HOST[:PORT]/IQN/LUN`` (the target of an ``iscsi://`` address).

    Raises:
        ValueError: a missing part, a name that is no iqn./eui./naa. name, a LUN
            outside 0..16383 or a bad port.
    """
    host, sep1, rest = target.partition("/")
    name, sep2, lun_text = rest.rpartition("/")
    if not (sep1 and sep2 and host and name and lun_text.isdigit()):
        raise ValueError(f"{target!r}: expected HOST[:PORT]/TARGET-IQN/LUN")
    if not _IQN.fullmatch(name):
        raise ValueError(f"{name!r} is not an iSCSI name (iqn.YYYY-MM.reversed.domain[:...], eui., naa.)")
    lun = int(lun_text)
    if lun >= 0x4000:
        raise ValueError(f"LUN {lun} is outside 0..16383")
    return Portal.parse(host), name, lun


def _chap_from_environment() -> Chap | None:
    user = os.environ.get("OPENIMAPI_ISCSI_CHAP_USER")
    if not user:
        return None
    return Chap(
        user,
        os.environ.get("OPENIMAPI_ISCSI_CHAP_SECRET", ""),
        os.environ.get("OPENIMAPI_ISCSI_CHAP_TARGET_USER") or None,
        os.environ.get("OPENIMAPI_ISCSI_CHAP_TARGET_SECRET") or None,
    )


class IscsiTransport(TransportBase):
    """One logical unit of an iSCSI target, as a :class:`~openimapi.transport.Transport`.

    ``logins`` counts the sessions opened so far (1 after opening; more after reconnects).
    A command that outlives its timeout is aborted (ABORT TASK); when the target does not
    confirm within ``abort_timeout`` seconds the connection is dropped.
    A daemon thread (``background=True``) answers the target's NOP-In pings and sends the
    NOP-Out keep-alive while no command runs, so that targets which drop silent
    initiators (tgt's ``nop_interval``/``nop_count``) keep the session; without it both
    happen just before the next command.

    Raises (constructor):
        TransportError: the portal is unreachable or the login failed (wrong target
            name, authentication).
    """

    def __init__(
        self,
        portal: Portal,
        target_name: str,
        lun: int,
        *,
        chap: Chap | None = None,
        initiator_name: str | None = None,
        parameters: Parameters | None = None,
        keepalive: float = 30.0,
        connect_timeout: float = 10.0,
        abort_timeout: float = 3.0,
        background: bool = True,
    ) -> None:
        self.portal = portal
        self.abort_timeout = abort_timeout
        self.target_name = target_name
        self.lun = lun
        self._chap = chap
        self._initiator_name = initiator_name
        self._parameters = parameters
        self.keepalive = keepalive
        self.connect_timeout = connect_timeout
        self.logins = 0
        self._closed = False
        self._session: Session | None = None
        self._address = f"iscsi://{portal}/{target_name}/{lun}"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._connect()
        self._keeper: threading.Thread | None = None
        if background:
            self._keeper = threading.Thread(
                target=self._keep_alive, name=f"iscsi-keepalive {self._address}", daemon=True
            )
            self._keeper.start()

    def _keep_alive(self) -> None:
        """Background: answer NOP-Ins and ping while idle; never raises."""
        interval = min(0.5, max(self.keepalive / 2, 0.05))
        while not self._stop.wait(interval):
            if not self._lock.acquire(blocking=False):
                continue  # a command is running and reads the socket itself
            try:
                session = self._session
                if session is None or not session.alive:
                    continue
                try:
                    session.drain()
                    if time.monotonic() - session.last_activity >= self.keepalive:
                        session.ping()
                except (OSError, TimeoutError):
                    session.close_socket()  # the next command reconnects
            except Exception:  # pragma: no cover - a bug here must not kill the process
                pass
            finally:
                self._lock.release()

    @property
    def address(self) -> str:
        return self._address

    def __enter__(self) -> IscsiTransport:
        return self

    @property
    def parameters(self) -> Parameters:
        """The parameters negotiated by the current session (our offer before a login)."""
        if self._session is not None:
            return self._session.params
        return self._parameters or Parameters()

    @property
    def connected(self) -> bool:
        return self._session is not None and self._session.alive

    def _connect(self) -> Session:
        try:
            session = Session(
                self.portal,
                self.target_name,
                initiator_name=self._initiator_name,
                chap=self._chap,
                parameters=self._parameters,
                connect_timeout=self.connect_timeout,
                abort_timeout=self.abort_timeout,
            )
        except LoginFailed as exc:
            raise TransportError(f"{self._address}: {exc}") from exc
        except SessionLost as exc:
            raise TransportError(f"{self._address}: {exc}") from exc
        self._session = session
        self.logins += 1
        return session

    def _ready_session(self) -> Session:
        """The current session, checked while idle; a new one if it died unnoticed."""
        session = self._session
        if session is not None and session.alive:
            try:
                session.drain()
                if session.logout_requested:  # the target asked (Async Message): renew now
                    session.logout()
                elif time.monotonic() - session.last_activity >= self.keepalive:
                    session.ping()
                if session.alive:
                    return session
            except (SessionLost, TimeoutError):
                session.close_socket()  # nothing was in flight: reconnect transparently
        self._session = None
        return self._connect()

    def execute(self, command: Command) -> Completion:
        """Send one command to the logical unit and return its completion.

        Raises:
            TransportError: the transport is closed, the connection could not be
                (re)established, or it dropped while the command was in flight (the
                command may or may not have run; the next command logs in again).
            E_IMAPI_RECORDER_COMMAND_TIMEOUT: no status within ``command.timeout``
                (a :class:`~openimapi.errors.DeviceTimeoutError`); the task was aborted.
        """
        with self._lock:
            return self._execute(command)

    def _execute(self, command: Command) -> Completion:
        if self._closed:
            raise TransportError(f"{self._address} is closed")
        session = self._ready_session()
        what = command.name or f"opcode 0x{command.opcode:02X}"
        try:
            return session.execute(command, self.lun)
        except CommandTimedOut as exc:
            if not session.alive:
                self._session = None
            raise E_IMAPI_RECORDER_COMMAND_TIMEOUT(f"{self._address}: {exc}") from exc
        except OSError as exc:  # SessionLost and socket errors
            session.close_socket()
            self._session = None
            raise TransportError(
                f"{self._address}: the connection dropped while {what} was in flight ({exc}); "
                "its outcome is unknown, the next command logs in again"
            ) from exc

    def ping(self, timeout: float = 5.0) -> None:
        """A NOP-Out/NOP-In round trip on the current session (reconnecting if needed).

        Raises:
            TransportError: the target did not answer.
        """
        with self._lock:
            if self._closed:
                raise TransportError(f"{self._address} is closed")
            session = self._ready_session()
            try:
                session.ping(timeout)
            except (OSError, TimeoutError) as exc:
                session.close_socket()
                self._session = None
                raise TransportError(f"{self._address}: no answer to a NOP-Out ({exc})") from exc

    def close(self) -> None:
        """Log out and close the connection; closing twice is harmless."""
        self._stop.set()
        if self._keeper is not None and self._keeper is not threading.current_thread():
            self._keeper.join()
        with self._lock:
            self._closed = True
            session, self._session = self._session, None
        if session is not None and session.alive:
            session.logout()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("connected" if self.connected else "disconnected")
        return f"<IscsiTransport {self._address} {state}>"


def open_iscsi(
    address: Address,
    *,
    chap: Chap | None = None,
    initiator_name: str | None = None,
    parameters: Parameters | None = None,
    keepalive: float = 30.0,
    background: bool = True,
) -> IscsiTransport:
    """Open ``iscsi://HOST[:PORT]/TARGET-IQN/LUN`` (the opener of ``transport.open``).

    Raises:
        ValueError: the address is malformed.
        TransportError: the target could not be reached or refused the login.
    """
    portal, name, lun = parse_target(address.target)
    return IscsiTransport(
        portal,
        name,
        lun,
        chap=chap if chap is not None else _chap_from_environment(),
        initiator_name=initiator_name,
        parameters=parameters,
        keepalive=keepalive,
        background=background,
    )


def _portal_of(portal: str | Portal) -> Portal:
    return portal if isinstance(portal, Portal) else Portal.parse(portal)


def discover_targets(
    portal: str | Portal, *, chap: Chap | None = None, initiator_name: str | None = None, timeout: float = 10.0
) -> list[tuple[str, str]]:
    """SendTargets=All on a discovery session (RFC 7143 12.3): ``(iqn, "host:port")``
    for each target and each of its portals (the queried portal when it lists none).

    Raises:
        TransportError: the portal is unreachable, refused the login or answered badly.
    """
    where = _portal_of(portal)
    try:
        session = Session(
            where,
            None,
            initiator_name=initiator_name,
            chap=chap if chap is not None else _chap_from_environment(),
            connect_timeout=timeout,
        )
    except (LoginFailed, SessionLost) as exc:
        raise TransportError(f"discovery at {where}: {exc}") from exc
    try:
        pairs = session.text_request([("SendTargets", "All")], timeout)
    except (OSError, TimeoutError) as exc:
        raise TransportError(f"discovery at {where}: {exc}") from exc
    finally:
        session.logout()
    found: list[tuple[str, str]] = []
    current: str | None = None
    listed = False
    for key, value in pairs:
        if key == "TargetName":
            if current is not None and not listed:
                found.append((current, str(where)))
            current, listed = value, False
        elif key == "TargetAddress" and current is not None:
            try:
                found.append((current, str(Portal.parse(value))))
            except ValueError:
                continue
            listed = True
    if current is not None and not listed:
        found.append((current, str(where)))
    return found


@dataclass(frozen=True, slots=True)
class LogicalUnit:
    """A logical unit found behind a target: its address, LUN, SPC peripheral device type
    (5 = CD/DVD) and INQUIRY vendor, product and revision."""

    address: str
    lun: int
    device_type: int
    vendor: str
    product: str
    revision: str = ""


def list_logical_units(
    portal: str | Portal, target_name: str, *, chap: Chap | None = None, timeout: float = 10.0
) -> list[LogicalUnit]:
    """REPORT LUNS on LUN 0, then a standard INQUIRY of each logical unit.

    Raises:
        TransportError: the target could not be reached or the login failed.
    """
    where = _portal_of(portal)
    chap = chap if chap is not None else _chap_from_environment()
    with IscsiTransport(where, target_name, 0, chap=chap, background=False) as t:
        report = t.execute(
            Command(
                bytes([0xA0, 0, 0, 0, 0, 0]) + (4096).to_bytes(4, "big") + bytes(2),
                data_in_length=4096,
                timeout=timeout,
                name="REPORT LUNS",
            )
        )
        luns: list[int] = []
        if report.ok and len(report.data) >= 8:
            count = int.from_bytes(report.data[:4], "big") // 8
            for i in range(min(count, (len(report.data) - 8) // 8)):
                entry = report.data[8 + 8 * i : 16 + 8 * i]
                method = entry[0] >> 6
                if method in (0, 1):
                    luns.append(((entry[0] & 0x3F) << 8 | entry[1]) if method == 1 else entry[1])
        found: list[LogicalUnit] = []
        for lun in luns:
            t.lun = lun
            inquiry = Command(bytes([0x12, 0, 0, 0, 96, 0]), data_in_length=96, timeout=timeout, name="INQUIRY")
            answer = t.execute(inquiry)
            if not answer.ok or len(answer.data) < 36 or answer.data[0] >> 5:  # qualifier: not connected
                continue
            found.append(
                LogicalUnit(
                    f"iscsi://{where}/{target_name}/{lun}",
                    lun,
                    answer.data[0] & 0x1F,
                    answer.data[8:16].decode("ascii", "replace").strip(),
                    answer.data[16:32].decode("ascii", "replace").strip(),
                    answer.data[32:36].decode("ascii", "replace").strip(),
                )
            )
        return found


def enumerate_drives(portals: str | None = None) -> list[LogicalUnit]:
    """The CD/DVD logical units (device type 5) behind the portals of ``portals`` or
    ``$OPENIMAPI_ISCSI_PORTALS`` (comma- or space-separated), found by SendTargets,
    REPORT LUNS and INQUIRY. Portals and targets that cannot be reached (or refuse the
    login) are skipped: enumeration never fails because of one.
    """
    text = portals if portals is not None else os.environ.get("OPENIMAPI_ISCSI_PORTALS", "")
    drives: list[LogicalUnit] = []
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        try:
            targets = discover_targets(item)
        except (TransportError, ValueError):
            continue
        for name, where in targets:
            try:
                units = list_logical_units(where, name)
            except TransportError:
                continue
            drives += [unit for unit in units if unit.device_type == 5]
    return drives

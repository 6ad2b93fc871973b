"""A private tgt (Linux SCSI target framework) and a cuttable TCP relay for the iSCSI tests.

One ``tgtd -f`` per test session listens on 127.0.0.1 at a free port, with its own control
port (``-C``: the socket /var/run/tgtd/socket.N), so it never meets a system tgtd. Each
test gets fresh targets: ``tgt.add_target(luns={1: path})`` creates a target whose LUNs
are tgt's MMC emulation (device type ``cd``): an empty backing file is a blank DVD+R, an
ISO a DVD-ROM, no backing file an empty tray. tgtd ignores SIGTERM, so stopping it
deletes every target, asks it to exit (``--mode system --op delete``) and kills it by PID
when it does not.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TGTD = shutil.which("tgtd")
TGTADM = shutil.which("tgtadm")


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the test process dies (PR_SET_PDEATHSIG), so a
    pytest killed before its teardown leaves no tgtd behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Target:
    """A target made by :meth:`Tgt.add_target`; ``address(lun)`` is its iscsi:// address."""

    tgt: Tgt
    tid: int
    iqn: str
    luns: dict[int, Path | None] = field(default_factory=dict)

    @property
    def portal(self) -> str:
        return f"127.0.0.1:{self.tgt.port}"

    def address(self, lun: int = 1) -> str:
        return f"iscsi://{self.portal}/{self.iqn}/{lun}"

    def backing(self, lun: int = 1) -> Path:
        path = self.luns[lun]
        assert path is not None
        return path


class Tgt:
    """A running private tgtd."""

    def __init__(self, workdir: Path) -> None:
        assert TGTD and TGTADM
        self.workdir = workdir
        self.port = 0
        self.control = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "tgtd.log"
        self._tids = itertools.count(1)
        self.targets: dict[int, Target] = {}

    def start(self) -> None:
        last = ""
        for _ in range(5):
            self.port = _free_port()
            self.control = random.randrange(1024, 32000)  # tgtd takes a signed 16-bit -C value
            if Path(f"/var/run/tgtd/socket.{self.control}").exists():
                continue
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    [TGTD, "-f", "-C", str(self.control), "--iscsi", f"portal=127.0.0.1:{self.port}"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    preexec_fn=_die_with_parent,
                )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                done = subprocess.run(
                    [TGTADM, "-C", str(self.control), "--mode", "sys", "--op", "show"],
                    capture_output=True,
                    check=False,
                )
                if done.returncode == 0 and self._listening():
                    return
                time.sleep(0.05)
            last = self.log.read_text(errors="replace")[-500:]
            self.stop()
        raise RuntimeError(f"tgtd did not start: {last}")

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def tgtadm(self, *args: str) -> str:
        done = subprocess.run(
            [TGTADM, "-C", str(self.control), "--lld", "iscsi", *args], capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(f"tgtadm {' '.join(args)}: {done.stderr.strip() or done.returncode}")
        return done.stdout

    def add_target(self, luns: dict[int, Path | None], *, name: str | None = None) -> Target:
        """A new target with LUNs of device type cd (``None``: no medium), open to all."""
        tid = next(self._tids)
        iqn = name or f"iqn.2026-01.org.openimapi.test:t{tid}"
        self.tgtadm("--mode", "target", "--op", "new", "--tid", str(tid), "--targetname", iqn)
        target = Target(self, tid, iqn)
        self.targets[tid] = target
        for lun, path in luns.items():
            self.add_lun(target, lun, path)
        self.tgtadm("--mode", "target", "--op", "bind", "--tid", str(tid), "--initiator-address", "ALL")
        return target

    def add_lun(self, target: Target, lun: int, path: Path | None) -> None:
        self.tgtadm(
            "--mode", "logicalunit", "--op", "new", "--tid", str(target.tid), "--lun", str(lun),
            "--device-type", "cd", "--backing-store", str(path) if path is not None else "",
        )  # fmt: skip
        target.luns[lun] = path

    def set_target_param(self, target: Target, name: str, value: str | int) -> None:
        self.tgtadm(
            "--mode", "target", "--op", "update", "--tid", str(target.tid), "--name", name, "--value", str(value)
        )

    def add_account(self, target: Target, user: str, password: str, *, outgoing: bool = False) -> None:
        self.tgtadm("--mode", "account", "--op", "new", "--user", user, "--password", password)
        bind = ["--mode", "account", "--op", "bind", "--tid", str(target.tid), "--user", user]
        self.tgtadm(*bind, *(["--outgoing"] if outgoing else []))

    def remove_target(self, target: Target) -> None:
        self.targets.pop(target.tid, None)
        self.tgtadm("--mode", "target", "--op", "delete", "--force", "--tid", str(target.tid))

    def show(self) -> str:
        return self.tgtadm("--mode", "target", "--op", "show")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:
            if process.poll() is None:
                for target in list(self.targets.values()):
                    try:
                        self.remove_target(target)
                    except RuntimeError:
                        pass
                subprocess.run(
                    [TGTADM, "-C", str(self.control), "--mode", "system", "--op", "delete"],
                    capture_output=True,
                    check=False,
                    timeout=5,
                )
                try:
                    process.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
            for suffix in ("", ".lock"):
                Path(f"/var/run/tgtd/socket.{self.control}{suffix}").unlink(missing_ok=True)




class Proxy:
    """A TCP relay between the initiator and tgtd that a test can cut or stall.

    It parses the initiator's PDUs: ``drop_on`` (a CDB opcode) closes both sides when a
    SCSI Command with that opcode arrives (the initiator sees a command in flight when the
    connection drops); ``stall_on`` stops relaying the target's answers from then on (a
    command that never completes). :meth:`cut` closes every relayed connection.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = int(self.listener.getsockname()[1])
        self.drop_on: int | None = None
        self.stall_on: int | None = None
        self.connections = 0
        self._stalled = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            self.connections += 1
            self._stalled.clear()
            self._pairs.append((client, server))
            threading.Thread(target=self._upstream, args=(client, server), daemon=True).start()
            threading.Thread(target=self._downstream, args=(server, client), daemon=True).start()

    @staticmethod
    def _read(sock: socket.socket, n: int) -> bytes:
        data = bytearray()
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return bytes(data)

    def _upstream(self, client: socket.socket, server: socket.socket) -> None:
        try:
            while True:
                bhs = self._read(client, 48)
                length = int.from_bytes(bhs[5:8], "big")
                rest = self._read(client, bhs[4] * 4 + length + (-length & 3))
                if bhs[0] & 0x3F == 0x01:
                    if self.drop_on is not None and bhs[32] == self.drop_on:
                        self._close_pair(client, server)
                        return
                    if self.stall_on is not None and bhs[32] == self.stall_on:
                        self._stalled.set()
                server.sendall(bhs + rest)
        except OSError:
            self._close_pair(client, server)

    def _downstream(self, server: socket.socket, client: socket.socket) -> None:
        try:
            while True:
                data = server.recv(65536)
                if not data:
                    raise OSError("closed")
                if self._stalled.is_set():
                    return  # swallow everything from now on; the pair stays open
                client.sendall(data)
        except OSError:
            self._close_pair(client, server)

    @staticmethod
    def _close_pair(client: socket.socket, server: socket.socket) -> None:
        for sock in (client, server):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def cut(self) -> None:
        for client, server in self._pairs:
            self._close_pair(client, server)
        self._pairs.clear()

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        self.cut()

"""Write throughput over iSCSI to tgt on loopback, next to a plain TCP copy of the same data.

A private tgtd (as in the test suite, tests/iscsi/tgt_server.py) exports a blank DVD+R
backed by a file in /dev/shm (so the disk is not what we measure); the iSCSI transport
writes SIZE bytes with WRITE(10) commands of CHUNK bytes each. The limit shown next to it
is the same bytes sent by the same Python process with ``socket.sendall`` to a receiver in
another process that discards them. Needs root and tgt installed.

    .venv/bin/python bench/iscsi.py [--size-mib 1024] [--chunk-kib 1024] [--tgt-defaults]

By default the target is configured for 256 KiB PDUs and bursts as large as RFC 7143
allows (what one would do for a drive on a LAN); ``--tgt-defaults`` keeps tgt's own
settings (8 KiB Data-Out PDUs, 256 KiB bursts).
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "iscsi"))

from tgt_server import Tgt  # noqa: E402

from openimapi.mmc import Command  # noqa: E402
from openimapi.transport.iscsi import IscsiTransport, Parameters, Portal  # noqa: E402

BLOCK = 2048
RECEIVER = """
import socket, sys
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
buf = memoryview(bytearray(1 << 20))
total = 0
while True:
    n = conn.recv_into(buf)
    if not n:
        break
    total += n
conn.sendall(str(total).encode())
"""


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds of this process, or of process ``pid`` (from /proc)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tcp_copy(payload: memoryview, size: int) -> float:
    """Seconds to push ``size`` bytes (``payload`` repeated) through loopback TCP."""
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
    assert receiver.stdout is not None
    port = int(receiver.stdout.readline())
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        started = time.perf_counter()
        sent = 0
        while sent < size:
            piece = payload[: min(len(payload), size - sent)]
            sock.sendall(piece)
            sent += len(piece)
        sock.shutdown(socket.SHUT_WR)
        received = int(sock.recv(64))
        elapsed = time.perf_counter() - started
    receiver.wait()
    assert received == size, (received, size)
    return elapsed


def iscsi_write(
    tgt: Tgt, backing: Path, payload: bytes, size: int, tune: bool
) -> tuple[float, IscsiTransport, float, float]:
    """Seconds to write ``size`` bytes to a blank DVD+R LUN, one WRITE(10) per chunk, and
    the CPU seconds the initiator (this process) and tgtd spent meanwhile."""
    target = tgt.add_target({1: backing})
    for name, value in () if not tune else (
        ("MaxRecvDataSegmentLength", 262144),
        ("MaxXmitDataSegmentLength", 262144),
        ("FirstBurstLength", 262144),
        ("MaxBurstLength", (16 << 20) - 1),
    ):
        try:
            tgt.set_target_param(target, name, value)
        except RuntimeError as exc:
            print(f"  (tgt refused {name}={value}: {exc})")
    params = Parameters(max_recv_data_segment=262144, max_burst=(16 << 20) - 1, first_burst=262144)
    drive = IscsiTransport(Portal("127.0.0.1", tgt.port), target.iqn, 1, parameters=params)
    for _ in range(3):
        if drive.execute(Command(bytes(6))).ok:
            break
    blocks = len(payload) // BLOCK
    commands = [
        Command(
            bytes([0x2A, 0]) + (lba).to_bytes(4, "big") + b"\0" + blocks.to_bytes(2, "big") + b"\0",
            data_out=payload,
            timeout=60,
            name="WRITE(10)",
        )
        for lba in range(0, size // BLOCK, blocks)
    ]
    assert tgt.process is not None
    ours, theirs = cpu_seconds(), cpu_seconds(tgt.process.pid)
    started = time.perf_counter()
    for command in commands:
        done = drive.execute(command)
        if not done.ok:
            raise SystemExit(f"WRITE(10) failed: {done}")
    sync = drive.execute(Command(bytes([0x35]) + bytes(9), timeout=120, name="SYNCHRONIZE CACHE"))
    elapsed = time.perf_counter() - started
    ours, theirs = cpu_seconds() - ours, cpu_seconds(tgt.process.pid) - theirs
    assert sync.ok, sync
    assert backing.stat().st_size == size
    return elapsed, drive, ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--tgt-defaults", action="store_true", help="keep tgt's 8 KiB PDUs and 256 KiB bursts")
    parser.add_argument("--chunk-kib", type=int, default=1024, help="bytes per WRITE(10), KiB (multiple of 2)")
    args = parser.parse_args()
    size = args.size_mib << 20
    chunk = args.chunk_kib << 10
    if chunk % BLOCK or size % chunk:
        raise SystemExit("the chunk must be a multiple of 2 KiB and divide the size")
    payload = os.urandom(chunk)
    workdir = Path(tempfile.mkdtemp(prefix="openimapi-bench-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    tgt = Tgt(workdir)
    tgt.start()
    try:
        backing = workdir / "dvd+r.img"
        backing.touch()
        seconds, drive, cpu_ours, cpu_tgtd = iscsi_write(tgt, backing, payload, size, not args.tgt_defaults)
        negotiated = drive.parameters
        drive.close()
        backing.unlink()
    finally:
        tgt.stop()
    tcp_seconds = tcp_copy(memoryview(payload), size)
    mb = size / 1e6
    print(f"data: {args.size_mib} MiB, WRITE(10) of {args.chunk_kib} KiB; negotiated: "
          f"MaxRecvDataSegmentLength(target)={negotiated.max_send_data_segment} "
          f"FirstBurst={negotiated.first_burst} MaxBurst={negotiated.max_burst} "
          f"ImmediateData={negotiated.immediate_data} InitialR2T={negotiated.initial_r2t}")
    print(f"iSCSI write to tgt  : {seconds:7.2f} s  {mb / seconds:8.1f} MB/s   "
          f"(CPU: initiator {cpu_ours:.2f} s, tgtd {cpu_tgtd:.2f} s)")
    print(f"plain TCP copy      : {tcp_seconds:7.2f} s  {mb / tcp_seconds:8.1f} MB/s")
    print(f"ratio iSCSI / TCP   : {tcp_seconds / seconds:7.2f}")


if __name__ == "__main__":
    main()

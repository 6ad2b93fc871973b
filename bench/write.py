"""Write a generated image three ways and compare: openimapi to an unpaced virtual BD-R,
``cp`` of the same file, and ``cdrskin`` to a file-backed pseudo-drive (dev=stdio:).

Usage: .venv/bin/python bench/write.py [--size-mib 2048] [--dir /tmp] [--verify none|quick|full]

Each contender runs in its own process, so its wall time, CPU time (user + system) and peak
RSS are its own. The image is generated once (random 16 MiB tiles), read once so that every
contender starts from the page cache, and ``sync`` runs between contenders. Targets
(issue 4): openimapi at least 0.8x the ``cp`` throughput, peak RSS under 150 MB.
cdrskin refuses stdio: drives to root unless ~/cdrskin_permissions/allow_emulated_drives
exists; the script creates it when run as root (cdrskin's documented switch).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

OPENIMAPI_CHILD = r"""
import sys
import openimapi
from openimapi import virtual
from openimapi.enums import IMAPI_BURN_VERIFICATION_LEVEL as VL
drive = virtual.create_drive("bench", model="bd-writer")
drive.insert("bd-r")
recorder = openimapi.DiscRecorder2("virtual:bench")
fmt = openimapi.DiscFormat2Data()
fmt.recorder = recorder
fmt.client_name = "bench"
fmt.burn_verification_level = VL[sys.argv[2]]
with open(sys.argv[1], "rb") as image:
    fmt.write(image)
recorder.close()
"""


@dataclass(frozen=True)
class Run:
    name: str
    wall: float
    cpu: float
    peak_rss_mb: float
    size: int

    @property
    def mb_per_s(self) -> float:
        return self.size / self.wall / 1e6


def measure(name: str, argv: list[str], size: int, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` under GNU time when present (its peak RSS excludes the forked parent)."""
    subprocess.run(["sync"], check=True)
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    report = Path(tempfile.mkstemp(prefix="bench-time-")[1])
    full = [gnu_time, "-f", "%e %U %S %M", "-o", str(report), *argv] if gnu_time else argv
    start = time.perf_counter()
    proc = subprocess.Popen(full, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if code != 0:
        raise SystemExit(f"{name} failed ({code}):\n{err}")
    cpu, rss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    fields = report.read_text().split() if gnu_time else []
    report.unlink()
    if len(fields) >= 4:
        wall, cpu, rss = float(fields[0]), float(fields[1]) + float(fields[2]), int(fields[3]) / 1024
    return Run(name, wall, cpu, rss, size)


def generate(path: Path, size: int) -> None:
    tile = os.urandom(16 << 20)
    with path.open("wb") as f:
        left = size
        while left:
            n = min(left, len(tile))
            f.write(tile[:n])
            left -= n
    with path.open("rb") as f:  # warm the page cache for every contender alike
        while f.read(16 << 20):
            pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mib", type=int, default=2048)
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="where the image and the outputs go")
    ap.add_argument("--verify", default="NONE", type=str.upper, choices=["NONE", "QUICK", "FULL"])
    args = ap.parse_args(argv)
    size = args.size_mib << 20
    work = Path(tempfile.mkdtemp(prefix="openimapi-bench-", dir=args.dir))
    try:
        image = work / "image.iso"
        generate(image, size)
        runs: list[Run] = []
        runs.append(measure("cp", ["cp", str(image), str(work / "copy.iso")], size))
        (work / "copy.iso").unlink()
        sync_copy = f"cp {image} {work / 'copy.iso'} && sync"
        runs.append(measure("cp+sync", ["sh", "-c", sync_copy], size))
        (work / "copy.iso").unlink()

        env = dict(os.environ, OPENIMAPI_HOME=str(work / "home"))
        level = f"IMAPI_BURN_VERIFICATION_{args.verify}"
        runs.append(measure("openimapi", [sys.executable, "-c", OPENIMAPI_CHILD, str(image), level], size, env))
        shutil.rmtree(work / "home")

        if shutil.which("cdrskin"):
            if os.geteuid() == 0:
                perm = Path.home() / "cdrskin_permissions"
                perm.mkdir(exist_ok=True)
                (perm / "allow_emulated_drives").touch()
            target = work / "cdrskin.iso"
            argv_c = ["cdrskin", "--allow_emulated_drives", f"dev=stdio:{target}", "-data", str(image)]
            runs.append(measure("cdrskin", argv_c, size))
            if not target.exists() or target.stat().st_size < size:
                raise SystemExit("cdrskin did not write the image")
        else:
            print("cdrskin not installed (Debian package cdrskin): skipped")

        cp = runs[0]
        print(f"image {args.size_mib} MiB in {work}, verification {args.verify.lower()}")
        print(f"{'':10} {'MB/s':>8} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12} {'x cp':>6}")
        for r in runs:
            ratio = r.mb_per_s / cp.mb_per_s
            print(f"{r.name:10} {r.mb_per_s:8.0f} {r.wall:8.2f} {r.cpu:8.2f} {r.peak_rss_mb:12.0f} {ratio:6.2f}")
        ours = next(r for r in runs if r.name == "openimapi")
        print(
            f"openimapi/cp throughput {ours.mb_per_s / cp.mb_per_s:.2f} (target >= 0.8); "
            f"peak RSS {ours.peak_rss_mb:.0f} MB (target < 150)"
        )
        for r in runs:
            if r.name in ("cdrskin", "cp+sync"):
                print(f"openimapi/{r.name} throughput {ours.mb_per_s / r.mb_per_s:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

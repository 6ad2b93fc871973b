"""Audio CD throughput: 74 minutes of generated audio (FLAC files) burned to an unpaced
virtual CD-R through track-at-once (DiscFormat2TrackAtOnce) and disc-at-once
(RawCDImageCreator + DiscFormat2RawCD), next to ``flac -d`` decoding the same files (the
limit of the audio path: every burn decodes them), and 650 MB of data encoded into raw
mode 1 sectors (EDC + Reed-Solomon P/Q) by openimapi.cd.sector.

Usage: .venv/bin/python bench/audio.py [--minutes 74] [--data-mb 650] [--dir /tmp]

Each contender runs in its own process; wall time and CPU time (user + system of that
process and its threads) are its own. The FLAC files are generated first (not timed) and
read once so that everyone starts from the page cache. Target (issue 6): mode 1 encoding
at least 250 MB/s of user data on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TRACK_MINUTES = 4.0

BURN_CHILD = r"""
import sys, openimapi
from openimapi import virtual
from openimapi.audio.source import AudioSource
from openimapi.enums import IMAPI_CD_SECTOR_TYPE as CT
from openimapi.enums import IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE as ST
mode, files = sys.argv[1], sys.argv[2:]
drive = virtual.create_drive("bench", model="cd-writer")
drive.paced = False
drive.insert("cd-r")
recorder = openimapi.DiscRecorder2()
recorder.initialize_disc_recorder(drive.address)
sources = [AudioSource(f) for f in files]
if mode == "tao":
    fmt = openimapi.DiscFormat2TrackAtOnce()
    fmt.recorder = recorder
    fmt.client_name = "bench"
    fmt.burn_verification_level = 0
    fmt.transfer_blocks = 200
    fmt.prepare_media()
    for s in sources:
        fmt.add_audio_track(s)
    fmt.release_media()
else:
    creator = openimapi.RawCDImageCreator()
    creator.resulting_image_type = ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW
    for s in sources:
        creator.add_track(CT.IMAPI_CD_SECTOR_AUDIO, s)
    fmt = openimapi.DiscFormat2RawCD()
    fmt.recorder = recorder
    fmt.client_name = "bench"
    fmt.transfer_blocks = 200
    fmt.prepare_media()
    fmt.requested_sector_type = ST.IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW
    fmt.write_media(creator.create_result_image())
    fmt.release_media()
print(sum(s.size for s in sources))
recorder.close()
"""

ENCODE_CHILD = r"""
import sys, numpy as np
from openimapi.cd.sector import encode_mode1
total = int(sys.argv[1])
batch = 8192
data = np.random.default_rng(1).integers(0, 256, batch * 2048, dtype=np.uint8)
done = 0
lba = 0
while done < total:
    n = min(batch, (total - done) // 2048)
    out = encode_mode1(data[: n * 2048], lba)
    lba += n
    done += n * 2048
print(done)
"""


@dataclass(frozen=True)
class Run:
    name: str
    wall: float
    cpu: float
    size: int

    @property
    def mb_per_s(self) -> float:
        return self.size / self.wall / 1e6

    @property
    def mb_per_cpu_s(self) -> float:
        return self.size / self.cpu / 1e6


def measure(name: str, argv: list[str], env: dict[str, str], size: int | None = None) -> Run:
    """Run ``argv``; its size is ``size`` or the integer it prints last."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if size is None:
        size = int(proc.stdout.split()[-1])
    return Run(name, wall, cpu, size)


def make_flacs(folder: Path, minutes: float) -> list[Path]:
    import numpy as np
    import soundfile

    files = []
    rng = np.random.default_rng(0)
    left = minutes * 60
    number = 1
    while left > 0.5:
        seconds = min(TRACK_MINUTES * 60, left)
        frames = int(seconds * 44100)
        t = np.arange(frames) / 44100
        tone = 0.25 * np.sin(2 * np.pi * (220 + 30 * number) * t) + 0.1 * np.sin(2 * np.pi * 3.1 * number * t)
        noise = rng.normal(0, 0.02, (frames, 2))
        pcm = np.clip(tone[:, None] + noise, -1, 1)
        path = folder / f"{number:02d}.flac"
        soundfile.write(path, (pcm * 32767).astype(np.int16), 44100, subtype="PCM_16")
        files.append(path)
        left -= seconds
        number += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=74.0)
    parser.add_argument("--data-mb", type=float, default=650.0)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="openimapi-bench-audio-", dir=args.dir))
    try:
        print(f"generating {args.minutes:g} minutes of FLAC in {work} ...", flush=True)
        flacs = make_flacs(work, args.minutes)
        for f in flacs:
            f.read_bytes()
        runs: list[Run] = []
        env = dict(os.environ)
        if shutil.which("flac"):
            pcm = work / "decoded.raw"
            script = f"flac -d -s -f -c --force-raw-format --endian=little --sign=signed {' '.join(map(str, flacs))}"
            runs.append(measure("flac -d (decode only)", ["sh", "-c", f"{script} > {pcm} && stat -c %s {pcm}"], env))
            pcm.unlink()
        for mode, label in (("tao", "TAO burn (DiscFormat2TrackAtOnce)"), ("dao", "DAO burn (DiscFormat2RawCD)")):
            home = work / f"home-{mode}"
            env_home = {**env, "OPENIMAPI_HOME": str(home)}
            runs.append(measure(label, [sys.executable, "-c", BURN_CHILD, mode, *map(str, flacs)], env_home))
            shutil.rmtree(home, ignore_errors=True)
        size = int(args.data_mb * 1e6) // 2048 * 2048
        runs.append(measure("mode 1 encode (EDC+ECC)", [sys.executable, "-c", ENCODE_CHILD, str(size)], env))
        base = runs[0] if runs[0].name.startswith("flac") else None
        print()
        print(f"{'contender':36} {'MB':>8} {'wall s':>8} {'CPU s':>8} {'MB/s':>8} {'MB/CPU-s':>9} {'vs flac':>8}")
        for r in runs:
            ratio = f"{r.mb_per_s / base.mb_per_s:7.2f}x" if base is not None else "      -"
            print(f"{r.name:36} {r.size / 1e6:8.0f} {r.wall:8.1f} {r.cpu:8.1f} {r.mb_per_s:8.1f} "
                  f"{r.mb_per_cpu_s:9.1f} {ratio:>8}")
        load = os.getloadavg()[0]
        print(f"\n(load average {load:.1f} on {os.cpu_count()} CPUs; MB = 10^6 bytes of PCM or user data)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Mastering benchmark: openimapi against genisoimage, xorriso -as mkisofs and pycdlib.

Two generated trees: many small files (default 50,000 files of 1-16 KiB in 2,000 nested
directories) and a few big ones (default four files totalling 3 GiB). Every tool writes
an ISO 9660 + Joliet (+ Rock Ridge) image of each tree to a file, ``--reps`` times; each
run is a separate process, so wall time, CPU time (user + system) and peak RSS are those
of the tool alone. The table shows medians and openimapi's ratios.

    python bench/master.py                       # full size, 5 repetitions
    python bench/master.py --scale 0.1 --reps 3  # a tenth of the files and bytes

``--udf`` adds UDF to openimapi and genisoimage (``-udf``) runs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


# ----- the trees ---------------------------------------------------------------------------


def make_small_tree(root: Path, files: int, dirs: int, seed: int = 1) -> None:
    """``files`` files of 1-16 KiB spread over ``dirs`` nested directories (depth up to 6)."""
    marker = root.parent / f"{root.name}.complete"
    if marker.exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    rnd = random.Random(seed)
    paths = [root]
    root.mkdir(parents=True)
    for i in range(dirs):
        parent = rnd.choice(paths[-200:]) if len(paths) > 1 and rnd.random() < 0.7 else root
        if len(parent.relative_to(root).parts) >= 6:
            parent = root
        d = parent / f"dir{i:04d}"
        d.mkdir()
        paths.append(d)
    blob = rnd.randbytes(16 * 1024 + 4096)
    for i in range(files):
        d = paths[1 + i % dirs] if dirs else root
        size = rnd.randrange(1024, 16 * 1024 + 1)
        off = rnd.randrange(0, 4096)
        (d / f"file{i:05d}.dat").write_bytes(blob[off : off + size])
    marker.write_bytes(b"")


def make_big_tree(root: Path, total: int, count: int = 4, seed: int = 2) -> None:
    """``count`` files of ``total`` bytes together, of non-repeating pseudo-random data."""
    marker = root.parent / f"{root.name}.complete"
    if marker.exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rnd = random.Random(seed)
    chunk = rnd.randbytes(1 << 20)
    for i in range(count):
        size = total // count
        with open(root / f"big{i}.bin", "wb") as f:
            written = 0
            while written < size:
                n = min(len(chunk), size - written)
                f.write(chunk[:n])
                written += n
                chunk = chunk[1:] + chunk[:1] if written % (64 << 20) == 0 else chunk
    marker.write_bytes(b"")


# ----- the tools (each run in its own process) --------------------------------------------


def run_openimapi(tree: str, out: str, udf: bool) -> None:
    from openimapi import FileSystemImage
    from openimapi.enums import FsiFileSystems as F

    fsi = FileSystemImage()
    fsi.file_systems_to_create = F.FsiFileSystemISO9660 | F.FsiFileSystemJoliet | (F.FsiFileSystemUDF if udf else 0)
    fsi.iso9660_interchange_level = 3
    fsi.rock_ridge = True
    fsi.root.add_tree(tree, False)
    result = fsi.create_result_image()
    with open(out, "wb") as f:
        result.image_stream.write_to(f)


def run_pycdlib(tree: str, out: str, udf: bool) -> None:
    import pycdlib

    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, joliet=3, rock_ridge="1.09", udf="2.60" if udf else None)
    n = 0
    for dirpath, dirnames, filenames in os.walk(tree):
        rel = os.path.relpath(dirpath, tree)
        for d in sorted(dirnames):
            n += 1
            path = "/" + (d if rel == "." else f"{rel}/{d}")
            iso.add_directory(_iso(path, n), rr_name=d, joliet_path=path,
                              udf_path=path if udf else None)
        for name in sorted(filenames):
            n += 1
            path = "/" + (name if rel == "." else f"{rel}/{name}")
            # add_file opens each file only while writing it (50,000 open files would exceed the limit)
            iso.add_file(os.path.join(dirpath, name), _iso(path, n) + ";1", rr_name=name, joliet_path=path,
                         udf_path=path if udf else None)
    iso.write(out)


_ISO_NAMES: dict[str, str] = {}


def _iso(path: str, n: int) -> str:
    """pycdlib wants ISO 9660 paths: parents as already named, the last part made unique."""
    parent, _, _ = path.rpartition("/")
    name = f"N{n:07d}"
    _ISO_NAMES[path] = (_ISO_NAMES.get(parent, "") if parent else "") + "/" + name
    return _ISO_NAMES[path]


def command(tool: str, tree: Path, out: Path, udf: bool) -> list[str]:
    if tool == "genisoimage":
        return ["genisoimage", "-quiet", "-R", "-J", "-joliet-long", "-iso-level", "3", *(["-udf"] if udf else []),
                "-o", str(out), str(tree)]
    if tool == "xorriso":
        return ["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-joliet-long", "-iso-level", "3", "-o", str(out),
                str(tree)]
    me = str(Path(__file__).resolve())
    return [sys.executable, me, "--run", tool, str(tree), str(out), *(["--udf"] if udf else [])]


def measure(cmd: list[str], cold: bool = False) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one child process; ``cold`` empties
    the page cache first (root only), so that reading the tree is part of the run."""
    os.sync()  # no writeback of an earlier run (or of the generated tree) inside this one
    if cold:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: with .pyc
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{cmd[0]} failed: {err[-2000:]}")
    if proc.stderr:
        proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", default="/tmp/openimapi-bench")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the default file count and bytes")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--tools", default="openimapi,genisoimage,xorriso,pycdlib")
    parser.add_argument("--trees", default="small,big")
    parser.add_argument("--udf", action="store_true", help="add UDF (openimapi, genisoimage -udf, pycdlib)")
    parser.add_argument("--cold", action="store_true", help="drop the page cache before every run (root)")
    parser.add_argument("--run", nargs=3, metavar=("TOOL", "TREE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        tool, tree, out = args.run
        {"openimapi": run_openimapi, "pycdlib": run_pycdlib}[tool](tree, out, args.udf)
        return
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    files, dirs = max(1, int(50_000 * args.scale)), max(1, int(2_000 * args.scale))
    big = int(3 * (1 << 30) * args.scale)
    trees = {}
    if "small" in args.trees:
        trees["small"] = (work / f"small-{files}", f"{files} files of 1-16 KiB in {dirs} directories")
        make_small_tree(trees["small"][0], files, dirs)
    if "big" in args.trees:
        trees["big"] = (work / f"big-{big}", f"4 files, {big / (1 << 30):.2f} GiB")
        make_big_tree(trees["big"][0], big)
    tools = [t for t in args.tools.split(",") if t in ("openimapi", "pycdlib") or shutil.which(t)]
    print(f"# openimapi mastering benchmark: {args.reps} runs each, medians; UDF {'on' if args.udf else 'off'}; "
          f"page cache {'dropped before each run' if args.cold else 'warm'}")
    print(f"# {' '.join(sys.argv)}")
    for key, (tree, what) in trees.items():
        print(f"\n## {key} tree: {what}")
        print(f"{'tool':<12} {'wall s':>8} {'cpu s':>8} {'rss MiB':>8} {'image MiB':>10}  openimapi wall ratio")
        results = {}
        for tool in tools:
            out = work / f"{key}-{tool}.iso"
            runs = []
            for _ in range(args.reps):
                runs.append(measure(command(tool, tree, out, args.udf), args.cold))
            size = out.stat().st_size / (1 << 20)
            out.unlink()
            results[tool] = (*(statistics.median(r[i] for r in runs) for i in range(3)), size)
        ours = results.get("openimapi")
        for tool, (wall, cpu, rss, size) in results.items():
            ratio = f"{ours[0] / wall:6.2f}x" if ours and tool != "openimapi" else ""
            print(f"{tool:<12} {wall:8.2f} {cpu:8.2f} {rss:8.1f} {size:10.1f}  {ratio}")


if __name__ == "__main__":
    main()

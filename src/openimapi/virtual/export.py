"""Exporting a virtual disc as an image: ISO (the user data of a data disc from LBA 0)
or BIN/CUE (every sector of a CD as 2352 raw bytes; data sectors get their sync, header,
EDC and ECC of ECMA-130, see :mod:`openimapi.cd.sector`).
"""

from __future__ import annotations

from pathlib import Path

from openimapi.virtual.discstate import DiscState

__all__ = ["export_disc"]

_CHUNK = 2048  # sectors per step


def export_disc(disc: DiscState, path: Path, fmt: str | None) -> list[Path]:
    """Write ``disc`` to ``path`` as ``iso`` or ``cue``/``bin``.

    Raises:
        ValueError: unsuitable format for the disc, or nothing recorded.
        OSError: the output cannot be written.
    """
    kind = (fmt or path.suffix.lstrip(".") or "iso").lower()
    if kind == "iso":
        return [_export_iso(disc, path)]
    if kind in ("cue", "bin"):
        return _export_bin_cue(disc, path)
    raise ValueError(f"unknown image format {kind!r}: use iso or cue")


def _export_iso(disc: DiscState, path: Path) -> Path:
    if any(t["mode"] == "audio" for t in disc.tracks):
        raise ValueError("the disc holds audio tracks: export it as BIN/CUE (a .cue path)")
    end = disc.recorded_end() if not disc.random_access else max(int(disc.s["random_high"]), 0)
    if end <= 0:
        raise ValueError("nothing is recorded on this disc")
    slot = disc.medium.slot_size
    with open(path, "wb") as out:
        for lba in range(0, end, _CHUNK):
            n = min(_CHUNK, end - lba)
            raw = disc.data.read(disc.slot(lba), n * slot)
            if slot == 2048:
                out.write(raw)
            else:
                out.write(b"".join(raw[i * slot : i * slot + 2048] for i in range(n)))
    return path


def _msf(lba: int) -> str:
    m, rest = divmod(lba, 75 * 60)
    s, f = divmod(rest, 75)
    return f"{m:02d}:{s:02d}:{f:02d}"


def _export_bin_cue(disc: DiscState, path: Path) -> list[Path]:
    if not disc.medium.is_cd:
        raise ValueError("BIN/CUE is for CDs; export a DVD or BD as ISO")
    tracks = [t for t in disc.tracks if int(t["written"]) > 0]
    if not tracks:
        raise ValueError("nothing is recorded on this disc")
    cue_path = path.with_suffix(".cue")
    bin_path = path.with_suffix(".bin")
    end = max(disc.track_end(t) for t in tracks)
    kinds = {"audio": "AUDIO", "mode1": "MODE1/2352", "mode2": "MODE2/2352"}
    lines = [f'FILE "{bin_path.name}" BINARY']
    if disc.s.get("mcn"):
        lines.insert(0, f"CATALOG {disc.s['mcn']}")
    for number, t in enumerate(tracks, 1):
        lines.append(f"  TRACK {number:02d} {kinds[t['mode']]}")
        isrc = disc.s.get("isrc", {}).get(str(number))
        if isrc:
            lines.append(f"    ISRC {isrc}")
        start = int(t["start"])
        pregap = int(t.get("pregap", 0))
        if pregap and start - pregap >= 0:
            lines.append(f"    INDEX 00 {_msf(start - pregap)}")
        lines.append(f"    INDEX 01 {_msf(start)}")
    with open(bin_path, "wb") as out:
        for lba in range(0, end, _CHUNK):
            n = min(_CHUNK, end - lba)
            raw = disc.data.read(disc.slot(lba), n * 2352)
            out.write(_raw_sectors(disc, lba, n, raw))
    cue_path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return [cue_path, bin_path]


def _raw_sectors(disc: DiscState, lba: int, n: int, raw: bytes) -> bytes:
    """Slots [lba, lba+n) as raw 2352-byte sectors: audio as stored, data encoded."""
    from openimapi.cd.sector import encode_mode1, encode_mode2_form1  # numpy: only when exporting CDs

    out = bytearray(raw)
    i = 0
    while i < n:
        t = disc.track_of(lba + i)
        mode = t["mode"] if t is not None else "audio"
        j = i
        while j < n and (disc.track_of(lba + j) is t):
            j += 1
        j = max(j, i + 1)
        if mode in ("mode1", "mode2") and t is not None and int(t["start"]) <= lba + i:
            user = b"".join(raw[k * 2352 : k * 2352 + 2048] for k in range(i, j))
            enc = encode_mode1(user, lba + i) if mode == "mode1" else encode_mode2_form1(user, lba + i)
            out[i * 2352 : j * 2352] = enc.tobytes()
        i = j
    return bytes(out)

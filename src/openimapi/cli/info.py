"""``openimapi info``: the drive and its medium (type, state, sessions and tracks, space,
profiles, write speeds, exclusive-access owner)."""

from __future__ import annotations

from typing import Any

import click

import openimapi
from openimapi import errors
from openimapi.cli._common import CLIENT, Options, common_options, emit_json, recorder
from openimapi.cli._media import SECTORS_1X, family, media_name, media_status, state_words
from openimapi.enums import IMAPI_PROFILE_TYPE
from openimapi.mmc.disc import DiscInformation, TrackInformation


def _profile(value: int) -> str:
    try:
        return IMAPI_PROFILE_TYPE(value).name.removeprefix("IMAPI_PROFILE_TYPE_")
    except ValueError:
        return f"{value:#06x}"


def collect(rec: openimapi.DiscRecorder2) -> dict[str, Any]:
    """Everything ``info`` shows, as plain data."""
    fmt = openimapi.DiscFormat2Data()
    fmt.recorder = rec
    fmt.client_name = CLIENT
    out: dict[str, Any] = {
        "drive": rec.active_disc_recorder,
        "vendor": rec.vendor_id.strip(),
        "product": rec.product_id.strip(),
        "revision": rec.product_revision.strip(),
        "profiles": [_profile(p) for p in rec.supported_profiles],
        "exclusive_owner": rec.exclusive_access_owner or None,
    }
    status = media_status(fmt)
    if status is None:
        out["medium"] = None
        return out
    kind = fmt.current_physical_media_type
    out["medium"] = media_name(kind)
    out["current_profiles"] = [_profile(p) for p in rec.current_profiles]
    out["state"] = state_words(status)
    try:
        total = int(fmt.total_sectors_on_media)
        free = int(fmt.free_sectors_on_media)
    except errors.ImapiError:
        total = free = 0
    out["total_sectors"] = total
    out["free_sectors"] = free
    out["used_sectors"] = max(0, total - free)
    one_x = SECTORS_1X[family(kind)]
    try:
        out["write_speeds"] = [round(s / one_x, 1) for s in fmt.supported_write_speeds]
    except errors.ImapiError:
        out["write_speeds"] = []
    out["tracks"] = _tracks(rec)
    out["sessions"] = max((t["session"] for t in out["tracks"]), default=0)
    return out


def _tracks(rec: openimapi.DiscRecorder2) -> list[dict[str, Any]]:
    try:
        info = DiscInformation.from_bytes(rec.get_disc_information())
    except (errors.ImapiError, ValueError):
        return []
    tracks = []
    for number in range(info.first_track, info.last_track_last_session + 1):
        try:
            t = TrackInformation.from_bytes(rec.get_track_information(number))
        except (errors.ImapiError, ValueError):
            continue
        if t.blank:
            continue
        kind = "data" if t.track_mode & 4 else "audio"
        used = t.track_size if not t.blank else 0
        if t.lra_valid and t.last_recorded_address >= t.start_address:
            used = t.last_recorded_address - t.start_address + 1
        tracks.append({"track": t.track, "session": t.session, "start": t.start_address, "size": t.track_size,
                       "recorded": used, "type": kind, "blank": t.blank,
                       "open": bool(t.nwa_valid and not t.blank)})
    return tracks


@click.command("info")
@common_options
def info(opts: Options) -> None:
    """Show the drive and its disc: medium type and state, sessions and tracks, used and
    free space, profiles, write speeds and who holds exclusive access.

    \b
    Examples:
      openimapi info
      openimapi info -d sg:/dev/sr0 --json
    """
    with recorder(opts) as rec:
        data = collect(rec)
    if opts.json:
        emit_json("info", **data)
        return
    if opts.quiet:
        return
    click.echo(f"drive     {data['drive']}: {data['vendor']} {data['product']} {data['revision']}")
    if data["exclusive_owner"]:
        click.echo(f"in use by {data['exclusive_owner']}")
    if data["medium"] is None:
        click.echo("medium    none (tray empty or open)")
        return
    click.echo(f"medium    {data['medium']}, {', '.join(data['state']) or 'state unknown'}")
    mb = 2048 / 1e6
    recorded = sum(t["recorded"] for t in data["tracks"])
    click.echo(f"space     {recorded * mb:.1f} MB recorded, {data['free_sectors'] * mb:.1f} MB free "
               f"of {data['total_sectors'] * mb:.1f} MB ({data['free_sectors']} sectors free)")
    if data["write_speeds"]:
        click.echo("speeds    " + ", ".join(f"{s:g}x" for s in data["write_speeds"]))
    click.echo("profiles  " + ", ".join(data["current_profiles"]) + " (current); drive: "
               + ", ".join(data["profiles"]))
    if data["tracks"]:
        click.echo(f"sessions  {data['sessions']}")
        click.echo("  track session  type        start       size   recorded")
        for t in data["tracks"]:
            note = " (open)" if t["open"] else ""
            click.echo(f"  {t['track']:>5} {t['session']:>7}  {t['type']:<6} {t['start']:>10} {t['size']:>10} "
                       f"{t['recorded']:>10}{note}")

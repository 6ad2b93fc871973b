"""``openimapi virtual``: create, list, load, unload, export and break virtual drives.

Uses only the public :mod:`openimapi.virtual` API. Errors are one plain line on stderr
and exit status 1, never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from openimapi import virtual

F = TypeVar("F", bound=Callable[..., Any])


def _plain_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ValueError, LookupError, OSError, RuntimeError) as exc:
            message = exc.args[0] if isinstance(exc, LookupError) and exc.args else str(exc)
            raise click.ClickException(str(message)) from None

    return wrapper  # type: ignore[return-value]


@click.group("virtual")
def virtual_group() -> None:
    """Virtual recorders: software drives that behave like real ones.

    Drives and discs live in $OPENIMAPI_HOME (default ~/.local/share/openimapi); record
    on a drive with the address virtual:NAME.
    """


@virtual_group.command("create")
@click.argument("name")
@click.option("--model", type=click.Choice(sorted(virtual.DRIVE_MODELS)), default="bd-writer", show_default=True,
              help="which recorder to emulate")
@_plain_errors
def create(name: str, model: str) -> None:
    """Create the virtual drive NAME (empty, tray closed)."""
    drive = virtual.create_drive(name, model)
    m = drive.model
    click.echo(f"created {drive.address}: {m.vendor} {m.product.strip()} {m.revision} ({model})")


@virtual_group.command("list")
@click.option("--discs", is_flag=True, help="list the discs of the disc store instead")
@_plain_errors
def list_cmd(discs: bool) -> None:
    """List the virtual drives and what is in them (or, with --discs, every disc)."""
    if discs:
        for stored in virtual.list_discs():
            click.echo(f"{stored.id:<36} {stored.media:<8} {stored.status:<10} {stored.used_blocks} blocks")
        return
    drives = virtual.list_drives()
    if not drives:
        click.echo(f"no virtual drives in {virtual.openimapi_home()} (create one: openimapi virtual create NAME)")
        return
    for drive in drives:
        disc = drive.disc
        if disc is not None:
            content = f"{disc.media} {disc.status}, {disc.used_blocks} blocks ({disc.id})"
        else:
            content = "tray open" if drive.tray_open else "empty"
        flags = []
        if drive.medium_locked:
            flags.append("locked")
        owner = drive.exclusive_owner
        if owner:
            flags.append(f"in use by {owner}")
        if drive.faults:
            flags.append("faults: " + ", ".join(f.kind for f in drive.faults))
        extra = f" [{'; '.join(flags)}]" if flags else ""
        click.echo(f"{drive.address:<24} {drive.model.name:<11} {content}{extra}")


@virtual_group.command("insert")
@click.argument("name")
@click.argument("media")
@_plain_errors
def insert(name: str, media: str) -> None:
    """Insert MEDIA into drive NAME: a blank disc type (cd-r, cd-rw, dvd-r, dvd-rw, dvd+r,
    dvd+r-dl, dvd+rw, dvd-ram, bd-r, bd-re), a disc id, or an ISO file (a pressed disc)."""
    drive = virtual.open_drive(name)
    target: Any = media
    if media.lower() not in virtual.MEDIA:
        try:
            target = virtual.open_disc(media)
        except virtual.NoSuchDisc:
            target = media
    disc = drive.insert(target)
    click.echo(f"inserted {disc.id} ({disc.media}, {disc.status}) into {drive.address}")


@virtual_group.command("eject")
@click.argument("name")
@click.option("--force", is_flag=True, help="eject even when a program locked the medium (emergency eject)")
@_plain_errors
def eject(name: str, force: bool) -> None:
    """Eject the disc of drive NAME (the disc is kept: insert it again by its id)."""
    disc = virtual.open_drive(name).eject(force=force)
    click.echo(f"ejected {disc.id}" if disc is not None else "the drive was empty; tray open")


@virtual_group.command("discs")
@click.argument("name", default="default")
@_plain_errors
def discs(name: str) -> None:
    """List the library of drive NAME (default: the built-in autoloader 'default'): every
    disc it has held, numbered for 'export NAME --disc N'."""
    drive = virtual.open_drive(name)
    library = drive.library
    if not library:
        click.echo(f"no discs in the library of {drive.address} yet (burn one: openimapi burn PATH)")
        return
    current = drive.disc
    for number, disc in enumerate(library, 1):
        mark = " (in the drive)" if current is not None and disc == current else ""
        click.echo(f"{number:>3}  {disc.id:<28} {disc.media:<9} {disc.status:<11} {disc.used_blocks:>9} blocks{mark}")


@virtual_group.command("export")
@click.argument("name")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["iso", "cue"]), default=None,
              help="image format (default: from the file suffix)")
@click.option("--disc", "which", default=None, metavar="N|ID",
              help="a disc of the drive's library (its number in 'discs NAME', or its id) instead of the one inside")
@_plain_errors
def export(name: str, path: str, fmt: str | None, which: str | None) -> None:
    """Export the disc in drive NAME (or the disc with id NAME) to PATH as ISO or BIN/CUE.

    \b
    Examples:
      openimapi virtual export default disc.iso
      openimapi virtual export default --disc 2 second.iso
    """
    disc = None
    try:
        drive = virtual.open_drive(name)
        if which is not None:
            library = drive.library
            if which.isdigit():
                if not 1 <= int(which) <= len(library):
                    raise click.ClickException(f"{drive.address} has {len(library)} disc(s) in its library, "
                                               f"not {which} (see: openimapi virtual discs {name})")
                disc = library[int(which) - 1]
            else:
                disc = virtual.open_disc(which)
        else:
            disc = drive.disc
        if disc is None:
            raise click.ClickException(f"virtual drive {name!r} holds no disc")
    except virtual.NoSuchDrive:
        disc = virtual.open_disc(name)
    files = disc.export(path, fmt)
    click.echo("wrote " + ", ".join(str(f) for f in files))


@virtual_group.command("remove")
@click.argument("name")
@_plain_errors
def remove(name: str) -> None:
    """Delete the virtual drive NAME (its discs stay in the disc store)."""
    virtual.remove_drive(name)
    click.echo(f"removed virtual:{name}")


@virtual_group.command("fault")
@click.argument("name")
@click.argument("kind", required=False)
@click.option("--count", type=int, default=1, show_default=True, help="commands it hits (0: until cleared)")
@click.option("--after", type=int, default=0, show_default=True, help="matching commands to let pass first")
@click.option("--lba", type=int, default=None, help="write-error: the failing LBA")
@click.option("--clear", is_flag=True, help="remove every injected fault")
@click.option("--list", "list_kinds", is_flag=True, help="list the fault kinds")
@_plain_errors
def fault(name: str, kind: str | None, count: int, after: int, lba: int | None, clear: bool,
          list_kinds: bool) -> None:
    """Make a later command of drive NAME fail as a real drive would (KIND, see --list)."""
    if list_kinds:
        for key in sorted(virtual.FAULTS):
            click.echo(f"{key:<20} {virtual.FAULTS[key].doc}")
        return
    drive = virtual.open_drive(name)
    if clear:
        drive.clear_faults()
        click.echo(f"cleared the faults of {drive.address}")
        return
    if kind is None:
        raise click.ClickException("give a fault KIND (see --list) or --clear")
    f = drive.inject_fault(kind, count=count or None, after=after, lba=lba)
    times = "until cleared" if f.count is None else f"{f.count} time(s)"
    click.echo(f"{drive.address}: {kind} armed, {times}" + (f" after {after} command(s)" if after else ""))

"""``openimapi burn PATH...``: master files and folders and record them in one streamed pass
(FileSystemImage result stream -> DiscFormat2Data.write), appending a session when the disc
is appendable."""

from __future__ import annotations

from typing import Any

import click

import openimapi
from openimapi import errors
from openimapi.cli._common import (
    CLIENT,
    EXIT_FULL,
    EXIT_MEDIUM,
    EXIT_USAGE,
    CliError,
    Options,
    autoloader_of,
    check_inputs,
    common_options,
    emit_json,
    recorder,
    say,
)
from openimapi.cli._master import MasterOptions, build_image, master_options
from openimapi.cli._media import fit_hint, media_name, media_status, state_words
from openimapi.cli._record import record, speed_option, verify_option
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS


@click.command("burn")
@common_options
@click.argument("paths", nargs=-1, metavar="PATH...")
@master_options
@click.option("--append/--new", "append", default=None,
              help="add a session to an appendable disc (default) / only write to a blank disc")
@click.option("--close", is_flag=True, help="close the disc after this session (no more sessions)")
@speed_option
@verify_option
@click.option("--simulate", is_flag=True, help="master and check that it fits, write nothing")
@click.option("--eject", is_flag=True, help="eject the disc when done")
def burn(paths: tuple[str, ...], master: MasterOptions, append: bool | None, close: bool, speed: float | None,
         verify: str, simulate: bool, eject: bool, opts: Options) -> None:
    """Burn files and folders to a disc as a data disc (ISO 9660 + Joliet + UDF).

    A folder's contents go to the root of the disc. On an appendable disc a new session
    is added that keeps the earlier files (unless --new). With no drive given and no real
    drive present, the built-in virtual:default loads a blank disc that fits and keeps the
    result (see: openimapi virtual discs).

    \b
    Examples:
      openimapi burn ./photos
      openimapi burn ./photos notes.txt --label HOLIDAY --verify full --eject
      openimapi burn -d sg:/dev/sr0 ./backup --close
      openimapi burn ./site --fs iso9660,joliet --no-rock-ridge --json
      openimapi burn ./os --boot isolinux.bin --efi efiboot.img
    """
    if not paths:
        raise CliError("give at least one file or folder to burn", "e.g. openimapi burn ./photos", EXIT_USAGE)
    check_inputs(paths)
    with recorder(opts) as rec:
        fmt = openimapi.DiscFormat2Data()
        fmt.recorder = rec
        fmt.client_name = CLIENT
        rec.acquire_exclusive_access(False, CLIENT)
        try:
            _burn(rec, fmt, paths, master, append, close, speed, verify, simulate, opts)
            if eject:
                rec.eject_media()
        finally:
            rec.release_exclusive_access()


def _burn(rec: openimapi.DiscRecorder2, fmt: openimapi.DiscFormat2Data, paths: tuple[str, ...],
          master: MasterOptions, append: bool | None, close: bool, speed: float | None, verify: str,
          simulate: bool, opts: Options) -> None:
    loader = autoloader_of(rec.active_disc_recorder)
    fsi, result, session = _prepare(rec, fmt, paths, master, append, loader)
    kind = fmt.current_physical_media_type
    total = int(result.total_blocks)
    free = int(fmt.free_sectors_on_media)
    if simulate:
        say(opts, f"simulation: {total} sectors ({total * 2048 / 1e6:.1f} MB) would go to the "
                  f"{media_name(kind)} in {rec.active_disc_recorder} ({free} sectors free); nothing was written")
        if opts.json:
            emit_json("completed", simulated=True, drive=rec.active_disc_recorder, sectors=total, free_sectors=free)
        return
    say(opts, f"burning {total * 2048 / 1e6:.1f} MB to the {media_name(kind)} in {rec.active_disc_recorder}"
              + (f" (session {session})" if session > 1 else ""))
    seconds = record(fmt, result.image_stream, opts, verify=verify, speed=speed, close=close)
    status = media_status(fmt) or 0
    disc_id = _disc_id(rec.active_disc_recorder)
    where = f" (virtual disc {disc_id})" if disc_id else ""
    say(opts, f"done: {total} sectors in {seconds:.1f} s, verified {verify}; the disc is "
              f"{', '.join(state_words(status)) or 'written'}{where}")
    if disc_id and autoloader_of(rec.active_disc_recorder) is not None:
        say(opts, f"keep it as an image: openimapi virtual export default --disc {disc_id} disc.iso")
    if opts.json:
        emit_json("completed", drive=rec.active_disc_recorder, media=media_name(kind), sectors=total,
                  bytes=total * 2048, seconds=round(seconds, 3), verify=verify, session=session,
                  state=state_words(status), disc=disc_id, files=int(fsi.file_count),
                  directories=int(fsi.directory_count))


def _prepare(rec: openimapi.DiscRecorder2, fmt: openimapi.DiscFormat2Data, paths: tuple[str, ...],
             master: MasterOptions, append: bool | None, loader: Any) -> tuple[Any, Any, int]:
    """The image to write and its session number; loads a blank disc into an autoloader."""
    status = media_status(fmt)
    appendable = status is not None and bool(status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_APPENDABLE)
    blank = status is not None and bool(status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK)
    overwrite = status is not None and bool(status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_OVERWRITE_ONLY)
    if status is not None and status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_UNSUPPORTED_MEDIA:
        blank = appendable = overwrite = False
    if overwrite and not blank and append is True and not fmt.media_heuristically_blank:
        raise CliError(f"cannot add to the files on a {media_name(fmt.current_physical_media_type)} yet "
                       "(random-writable discs are rewritten whole)",
                       "burn without --append to replace its contents", EXIT_MEDIUM)
    if appendable and append is not False:
        fsi = openimapi.FileSystemImage()
        fsi.multisession_interfaces = fmt.multisession_interfaces
        build_image(paths, master, fsi, imported=True)
        fsi.import_file_system()  # after the new items: a new file replaces an old one of that name
        result = fsi.create_result_image()
        if loader is None or result.total_blocks <= fmt.free_sectors_on_media:
            return fsi, result, _next_session(rec)
    elif blank or (overwrite and append is not True):
        fsi = openimapi.FileSystemImage()
        fsi.choose_image_defaults(rec)
        try:
            build_image(paths, master, fsi)
            return fsi, fsi.create_result_image(), 1
        except (errors.IMAPI_E_IMAGE_SIZE_LIMIT, errors.IMAPI_E_IMAGE_TOO_BIG) as exc:
            if loader is None:
                needed = _sectors_needed(paths, master)
                raise CliError(f"the data ({needed * 2048 / 1e6:,.1f} MB) does not fit on the "
                               f"{media_name(fmt.current_physical_media_type)} "
                               f"({fmt.free_sectors_on_media * 2048 / 1e6:,.1f} MB free)", fit_hint(needed),
                               EXIT_FULL, f"{exc.name} 0x{exc.hresult:08X}") from None
    if loader is None:
        if status is None:
            raise CliError("there is no disc in the drive", fit_hint(_sectors_needed(paths, master)), EXIT_MEDIUM,
                           "E_IMAPI_RECORDER_MEDIA_NO_MEDIA 0xC0AA0202")
        if append is False and appendable:
            raise CliError("the disc is not blank (it has sessions already) and --new was given",
                           "burn without --new to add a session, or insert a blank disc", EXIT_MEDIUM)
        raise CliError(f"the disc in the drive cannot take more data (it is "
                       f"{', '.join(state_words(status)) or 'not writable'})",
                       "insert a blank disc, or erase a rewritable one: openimapi erase", EXIT_MEDIUM)
    fsi = build_image(paths, master)
    blocks = int(fsi.create_result_image().total_blocks)
    loader.load_blank(blocks)
    fsi.free_media_blocks = fmt.free_sectors_on_media
    return fsi, fsi.create_result_image(), 1


def _sectors_needed(paths: tuple[str, ...], master: MasterOptions) -> int:
    """Sectors the image of ``paths`` takes on its own (no medium limit)."""
    return int(build_image(paths, master).create_result_image().total_blocks)


def _next_session(rec: openimapi.DiscRecorder2) -> int:
    """The number of the session about to be written: READ DISC INFORMATION counts the
    empty session of an appendable disc (bytes 4 and 9)."""
    info = rec.get_disc_information()
    return (info[9] << 8 | info[4]) if len(info) > 9 else 1


def _disc_id(address: str) -> str | None:
    if not address.startswith("virtual:"):
        return None
    from openimapi import virtual

    try:
        disc = virtual.open_drive(address.split(":", 1)[1]).disc
    except (virtual.NoSuchDrive, ValueError):
        return None
    return disc.id if disc is not None else None

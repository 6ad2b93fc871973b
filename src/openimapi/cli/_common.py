"""What every recording command shares: the drive to use (the embedded ``virtual:default``
autoloader when no drive is given and no real drive is present), the common options, and
the translation of every failure into one sentence, a hint and a documented exit code
(docs/cli.md). Uses only the public API.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import click

import openimapi
from openimapi import errors

F = TypeVar("F", bound=Callable[..., Any])

#: Exit codes (docs/cli.md).
EXIT_OK = 0
EXIT_FAILED = 1  # the drive or the write failed
EXIT_USAGE = 2  # bad arguments, missing or unreadable input
EXIT_MEDIUM = 3  # no medium, or the medium does not suit the operation
EXIT_FULL = 4  # the data does not fit on the medium
EXIT_BUSY = 5  # another program uses the drive
EXIT_ACCESS = 6  # no such drive, or no permission to open it
EXIT_VERIFY = 7  # the read-back differs from what was written
EXIT_CANCELLED = 130  # Ctrl-C

DEFAULT_DRIVE = "default"
CLIENT = "openimapi"

BLANK_MEDIA_HINT = "insert a blank CD-R, DVD±R or BD-R (or a rewritable disc), or burn to a file with mkiso"


class CliError(Exception):
    """A failure to report as one sentence and a hint, with an exit code."""

    def __init__(self, message: str, hint: str = "", code: int = EXIT_FAILED, name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        self.name = name


@dataclass(frozen=True, slots=True)
class Options:
    """The options every drive command takes."""

    drive: str | None
    json: bool
    quiet: bool
    verbose: bool


def common_options(func: F) -> F:
    """Add -d/--drive, --json, -q/--quiet and -v/--verbose; pass them as ``opts``."""

    @click.option("-d", "--drive", "drive", default=None, metavar="DRIVE", envvar="OPENIMAPI_DRIVE",
                  help="drive address (sg:/dev/sr0, virtual:NAME, ...; default: the first real drive, "
                       "else the built-in virtual:default); also $OPENIMAPI_DRIVE")
    @click.option("--json", "as_json", is_flag=True, help="machine-readable output: JSON (progress as JSON lines)")
    @click.option("-q", "--quiet", is_flag=True, help="print nothing but errors")
    @click.option("-v", "--verbose", is_flag=True, help="name the HRESULT of a failure")
    @functools.wraps(func)
    def wrapper(*args: Any, drive: str | None, as_json: bool, quiet: bool, verbose: bool, **kwargs: Any) -> Any:
        opts = Options(drive, as_json, quiet, verbose)
        with guarded(opts):
            return func(*args, opts=opts, **kwargs)

    return wrapper  # type: ignore[return-value]


def emit_json(event: str, **fields: Any) -> None:
    """One JSON line on stdout."""
    click.echo(json.dumps({"event": event, **fields}, default=str))


@contextmanager
def guarded(opts: Options) -> Iterator[None]:
    """Turn any failure into one line, a hint and the exit code; never a traceback."""
    try:
        yield
    except click.exceptions.Exit:
        raise
    except click.ClickException:
        raise
    except KeyboardInterrupt:
        fail(opts, CliError("interrupted", "", EXIT_CANCELLED))
    except BrokenPipeError:
        # the reader of our output went away (| head): stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_FAILED)
    except BaseException as exc:
        if isinstance(exc, SystemExit):
            raise
        fail(opts, describe(exc))


def fail(opts: Options, err: CliError) -> None:
    """Print ``err`` (stderr; also a JSON ``error`` event with --json) and exit."""
    if opts.json:
        emit_json("error", code=err.code, message=err.message, hint=err.hint, hresult=err.name or None)
    text = f"openimapi: {err.message}"
    if opts.verbose and err.name:
        text += f" [{err.name}]"
    click.echo(text, err=True)
    if err.hint:
        click.echo(f"hint: {err.hint}", err=True)
    sys.exit(err.code)


def _sentence(exc: errors.ImapiError) -> str:
    msg = exc.message.strip().rstrip(".")
    if msg[1:2].islower():
        msg = msg[:1].lower() + msg[1:]
    return msg or exc.meaning


def describe(exc: BaseException) -> CliError:
    """The sentence, hint and exit code for a failure."""
    if isinstance(exc, CliError):
        return exc
    if isinstance(exc, errors.ImapiError):
        name = f"{exc.name} 0x{exc.hresult:08X}"
        n = exc.name
        text = _sentence(exc)
        if n in ("IMAPI_E_DIRECTORY_READ_FAILURE", "IMAPI_E_DATA_STREAM_CREATE_FAILURE", "IMAPI_E_DIR_NOT_FOUND"):
            return CliError(text, "check the path and its permissions", EXIT_USAGE, name)
        if n == "E_IMAPI_RECORDER_MEDIA_NO_MEDIA":
            return CliError("there is no disc in the drive", BLANK_MEDIA_HINT, EXIT_MEDIUM, name)
        if n in ("E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA", "IMAPI_E_IMAGE_TOO_BIG",
                 "IMAPI_E_IMAGE_SIZE_LIMIT"):
            return CliError(f"the data does not fit on the disc: {text}",
                            "use a larger blank medium (DVD+R DL or BD-R), or burn fewer files", EXIT_FULL, name)
        if n in ("E_IMAPI_RECORDER_LOCKED", "E_IMAPI_ERASE_RECORDER_IN_USE", "E_IMAPI_RECORDER_MEDIA_BUSY"):
            return CliError(f"the drive is in use by another program: {text}",
                            "wait for it to finish, or close the program that holds the drive", EXIT_BUSY, name)
        if n == "E_IMAPI_DF2DATA_MEDIA_NOT_BLANK":
            return CliError(f"the disc is not blank: {text}", "erase it first: openimapi erase", EXIT_MEDIUM, name)
        if n == "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED":
            return CliError("the disc is write-protected", BLANK_MEDIA_HINT, EXIT_MEDIUM, name)
        if n == "E_IMAPI_REQUEST_CANCELLED":
            return CliError("cancelled", "", EXIT_CANCELLED, name)
        if n == "E_IMAPI_BURN_VERIFICATION_FAILED":
            return CliError(f"verification failed: {text}", "the disc may be bad; burn again on a new disc",
                            EXIT_VERIFY, name)
        if isinstance(exc, errors.UnsuitableMediaError) or n.startswith("E_IMAPI_RECORDER_MEDIA"):
            return CliError(f"the disc in the drive cannot be used for this: {text}", BLANK_MEDIA_HINT,
                            EXIT_MEDIUM, name)
        if isinstance(exc, errors.TransportError):
            return access_error(exc)
        if isinstance(exc, errors.UsageError):
            return CliError(text, "", EXIT_USAGE, name)
        return CliError(text, "", EXIT_FAILED, name)
    if type(exc).__name__ in ("NoSuchDrive", "NoSuchDisc"):
        return CliError(str(exc.args[0] if exc.args else exc), "list the drives with: openimapi drives", EXIT_ACCESS)
    if isinstance(exc, PermissionError):
        return CliError(f"permission denied: {exc.filename or exc}", "check the file's permissions", EXIT_USAGE)
    if isinstance(exc, FileNotFoundError):
        return CliError(f"no such file or folder: {exc.filename or exc}", "", EXIT_USAGE)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return CliError(f"the output disk is full: {exc.filename or exc}", "free some space", EXIT_FAILED)
    if isinstance(exc, OSError | ValueError | LookupError):
        msg = exc.args[0] if isinstance(exc, LookupError) and exc.args else str(exc)
        return CliError(str(msg), "", EXIT_FAILED)
    return CliError(f"unexpected failure: {type(exc).__name__}: {exc}",
                    "please report this with the output of --verbose", EXIT_FAILED)


def access_error(exc: errors.ImapiError) -> CliError:
    """A drive that cannot be opened: missing, not a drive, or no permission (exit 6)."""
    name = f"{exc.name} 0x{exc.hresult:08X}"
    if _permission(exc):
        return CliError(f"no permission to open the drive: {_sentence(exc)}",
                        "add yourself to the drive's group (sudo usermod -aG cdrom $USER) and log in again",
                        EXIT_ACCESS, name)
    return CliError(_sentence(exc), "list the drives with: openimapi drives", EXIT_ACCESS, name)


def _permission(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, PermissionError) or (isinstance(seen, OSError) and seen.errno in (errno.EACCES,
                                                                                              errno.EPERM)):
            return True
        seen = seen.__cause__
    return "permission denied" in str(exc).lower()


def check_inputs(paths: tuple[str, ...] | list[str]) -> None:
    """Every input path exists and can be read.

    Raises:
        CliError: the first one that does not (exit 2).
    """
    for p in paths:
        if not os.path.lexists(p):
            raise CliError(f"no such file or folder: {p}", "check the path", EXIT_USAGE)
        if not os.access(p, os.R_OK) or (os.path.isdir(p) and not os.access(p, os.X_OK)):
            raise CliError(f"cannot read {p}: permission denied", "check its permissions (ls -l)", EXIT_USAGE)


def resolve_drive(drive: str | None) -> str:
    """The address to use: the one given, else the first real drive, else ``virtual:default``
    (created as an autoloader on first use)."""
    if drive:
        if ":" not in drive and drive.startswith("/dev/"):
            return f"sg:{drive}"
        if drive == f"virtual:{DEFAULT_DRIVE}":
            return default_virtual_drive()
        return drive
    from openimapi import devices

    for found in devices.discover_all():
        if found.address.startswith("sg:"):
            return found.address
    return default_virtual_drive()


def default_virtual_drive() -> str:
    """``virtual:default``, created (a BD writer, autoloader) when missing."""
    from openimapi import virtual

    try:
        virtual.open_drive(DEFAULT_DRIVE)
    except virtual.NoSuchDrive:
        try:
            virtual.create_drive(DEFAULT_DRIVE, "bd-writer", autoloader=True)
        except virtual.DriveExists:
            pass  # another process created it meanwhile
    return f"virtual:{DEFAULT_DRIVE}"


def autoloader_of(address: str) -> Any:
    """The :class:`openimapi.virtual.VirtualDrive` of ``address`` when it is an autoloader, else None."""
    if not address.startswith("virtual:"):
        return None
    from openimapi import virtual

    try:
        drive = virtual.open_drive(address.split(":", 1)[1])
    except (virtual.NoSuchDrive, ValueError):
        return None
    return drive if drive.autoloader else None


@contextmanager
def recorder(opts: Options) -> Iterator[openimapi.DiscRecorder2]:
    """An initialised DiscRecorder2 for the chosen drive, closed afterwards."""
    address = resolve_drive(opts.drive)
    rec = openimapi.DiscRecorder2()
    try:
        rec.initialize_disc_recorder(address)
    except (errors.E_INVALIDARG, errors.TransportError) as exc:
        err = describe(exc)
        if err.code != EXIT_BUSY:
            err = access_error(exc)
        raise err from None
    try:
        yield rec
    finally:
        rec.close()


def say(opts: Options, text: str) -> None:
    """A line for people (not with --quiet or --json)."""
    if not opts.quiet and not opts.json:
        click.echo(text)

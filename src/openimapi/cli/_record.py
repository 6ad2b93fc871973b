"""Recording a stream with DiscFormat2Data: options, progress, Ctrl-C -> CancelWrite, and
the sentence about the disc when a write is cancelled or fails (shared by burn and write)."""

from __future__ import annotations

import time
from typing import Any

import click

import openimapi
from openimapi import errors
from openimapi.cli._common import EXIT_CANCELLED, EXIT_FAILED, CliError, Options
from openimapi.cli._media import SECTORS_1X, family, state_sentence
from openimapi.cli._progress import Progress, run_cancellable
from openimapi.enums import IMAPI_BURN_VERIFICATION_LEVEL as VL

VERIFY = {"none": VL.IMAPI_BURN_VERIFICATION_NONE, "quick": VL.IMAPI_BURN_VERIFICATION_QUICK,
          "full": VL.IMAPI_BURN_VERIFICATION_FULL}


def verify_option(func: Any) -> Any:
    return click.option("--verify", "verify", type=click.Choice(["none", "quick", "full"]), default="quick",
                        show_default=True, help="read back after writing: none, quick (samples) or full (every "
                                                "sector)")(func)


def speed_option(func: Any) -> Any:
    return click.option("--speed", type=float, default=None, metavar="X",
                        help="write speed as a multiple of 1x (default: the fastest)")(func)


def record(fmt: openimapi.DiscFormat2Data, stream: Any, opts: Options, *, verify: str, speed: float | None,
           close: bool) -> float:
    """Write ``stream`` with progress; returns the seconds it took.

    Raises:
        CliError: cancelled (exit 130) or a device failure (exit 1), naming the disc's state.
        ImapiError: any other failure (described by the caller's guard).
    """
    kind = fmt.current_physical_media_type
    fmt.burn_verification_level = VERIFY[verify]
    fmt.force_media_to_be_closed = close
    if speed:
        fmt.set_write_speed(max(1, int(speed * SECTORS_1X[family(kind)])), False)
    started = time.monotonic()
    with Progress(opts, "burn", family(kind)) as progress:
        fmt.add_listener(progress.data_event)
        try:
            run_cancellable(lambda: fmt.write(stream), fmt.cancel_write)
        except errors.E_IMAPI_REQUEST_CANCELLED as exc:
            raise CliError(f"burn cancelled; {state_sentence(fmt)}", "", EXIT_CANCELLED,
                           f"{exc.name} 0x{exc.hresult:08X}") from None
        except errors.DeviceError as exc:
            raise CliError(f"the write failed: {exc.message.rstrip('.')}; {state_sentence(fmt)}",
                           "try another disc or a lower --speed", EXIT_FAILED,
                           f"{exc.name} 0x{exc.hresult:08X}") from None
        finally:
            fmt.remove_listener(progress.data_event)
        if progress.phase != "completed":
            progress.update("completed", 100.0, final=True)
    return time.monotonic() - started

"""Running one command on a transport and turning a CHECK CONDITION into an IMAPI error.

The engine and the IMAPI2 objects talk to devices only through :func:`run`: it executes
the command, retries the conditions MMC says to wait out (becoming ready, long write in
progress, operation in progress), and raises the documented error for any other failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from openimapi import errors
from openimapi.mmc import Command, Completion
from openimapi.mmc.sense import SenseKey, decode_sense
from openimapi.mmc.sense_map import error_from_completion
from openimapi.transport import Transport

__all__ = ["deliver", "error_for_completion", "run"]

#: Seconds :func:`run` waits out a transient NOT READY answer before reporting it.
TRANSIENT_WAIT = 30.0

#: NOT READY conditions that a caller waits out before giving up.
_TRANSIENT = {(SenseKey.NOT_READY, 0x04, 0x01), (SenseKey.NOT_READY, 0x04, 0x07), (SenseKey.NOT_READY, 0x04, 0x08)}


def error_for_completion(command: Command, completion: Completion) -> errors.ImapiError:
    """The documented error for a completion that is not GOOD (the table of
    :mod:`openimapi.mmc.sense_map`).

    Raises:
        ValueError: the completion is a success (GOOD, CONDITION MET, recovered error).
    """
    err = error_from_completion(command, completion)
    if err is None:
        raise ValueError("the completion is not an error")
    return err


def deliver(transport: Transport, command: Command) -> Completion:
    """Execute once; transport failures become E_IMAPI_RECORDER_COMMAND_TIMEOUT or
    HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST) unless they already carry an IMAPI code.

    Raises:
        ImapiError: as above.
    """
    name = command.name or f"opcode {command.opcode:#04x}"
    try:
        return transport.execute(command)
    except errors.DeviceTimeoutError as exc:
        if type(exc) is errors.DeviceTimeoutError:
            raise errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT(f"{name}: {exc.message}") from exc
        raise
    except errors.TransportError as exc:
        if type(exc) is errors.TransportError:
            raise errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST(f"{name}: {exc.message}") from exc
        raise


def run(
    transport: Transport,
    command: Command,
    *,
    wait: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Completion:
    """Execute ``command``; wait out transient NOT READY answers for up to ``wait`` seconds.

    Raises:
        ImapiError: the documented error for the device's final answer.
        TransportError: the transport failed to deliver the command.
    """
    deadline = clock() + (TRANSIENT_WAIT if wait is None else wait)
    attention_retries = 3
    while True:
        completion = deliver(transport, command)
        if completion.ok or error_from_completion(command, completion) is None:
            return completion
        sense = decode_sense(completion.sense) if completion.sense else None
        if sense is not None:
            if sense.triple in _TRANSIENT and clock() < deadline:
                sleep(0.05)
                continue
            if sense.key == SenseKey.UNIT_ATTENTION and attention_retries:
                attention_retries -= 1
                continue
        raise error_for_completion(command, completion)

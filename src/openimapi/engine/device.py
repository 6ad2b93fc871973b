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
from openimapi.mmc.sense import Sense, SenseKey, decode_sense
from openimapi.transport import Transport

__all__ = ["error_for_completion", "run"]

# (key, asc, ascq or None for any) -> documented error class; first match wins.
_SENSE_ERRORS: tuple[tuple[int, int, int | None, type[errors.ImapiError]], ...] = (
    (SenseKey.NOT_READY, 0x3A, None, errors.E_IMAPI_RECORDER_MEDIA_NO_MEDIA),
    (SenseKey.NOT_READY, 0x04, 0x01, errors.E_IMAPI_RECORDER_MEDIA_BECOMING_READY),
    (SenseKey.NOT_READY, 0x04, 0x04, errors.E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS),
    (SenseKey.NOT_READY, 0x04, 0x07, errors.E_IMAPI_RECORDER_MEDIA_BUSY),
    (SenseKey.NOT_READY, 0x04, 0x08, errors.E_IMAPI_RECORDER_MEDIA_BUSY),
    (SenseKey.NOT_READY, 0x30, None, errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE),
    (SenseKey.NOT_READY, 0x04, None, errors.E_IMAPI_RECORDER_MEDIA_BUSY),
    (SenseKey.DATA_PROTECT, 0x27, None, errors.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED),
    (SenseKey.ILLEGAL_REQUEST, 0x30, None, errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE),
    (SenseKey.MEDIUM_ERROR, 0x30, None, errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE),
    (SenseKey.ILLEGAL_REQUEST, 0x24, None, errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE),
    (SenseKey.MEDIUM_ERROR, 0x0C, 0x09, errors.E_IMAPI_LOSS_OF_STREAMING),
    (SenseKey.ILLEGAL_REQUEST, 0x2C, None, errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE),
    (SenseKey.ILLEGAL_REQUEST, 0x64, None, errors.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE),
)

#: NOT READY conditions that a caller waits out before giving up.
_TRANSIENT = {(SenseKey.NOT_READY, 0x04, 0x01), (SenseKey.NOT_READY, 0x04, 0x07), (SenseKey.NOT_READY, 0x04, 0x08)}


def error_for_completion(command: Command, completion: Completion) -> errors.ImapiError:
    """The documented error for a completion that is not GOOD.

    Raises:
        ValueError: the completion is GOOD (nothing failed).
    """
    if completion.ok:
        raise ValueError("a GOOD completion is not an error")
    name = command.name or f"opcode {command.opcode:#04x}"
    sense = decode_sense(completion.sense) if completion.sense else None
    if sense is None:
        if completion.status == 0x08:  # BUSY
            return errors.E_IMAPI_RECORDER_MEDIA_BUSY(f"{name}: the device is busy")
        return errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE(
            f"{name}: status {completion.status:#04x} without sense data"
        )
    cls = _class_for(sense)
    message = f"{name} failed: {sense}"
    if issubclass(cls, errors.DeviceError):
        return cls(message, sense=sense, cdb=command.cdb)
    err = cls(message)
    err.sense = sense  # type: ignore[attr-defined]
    err.cdb = command.cdb  # type: ignore[attr-defined]
    return err


def _class_for(sense: Sense) -> type[errors.ImapiError]:
    for key, asc, ascq, cls in _SENSE_ERRORS:
        if sense.key == key and sense.asc == asc and (ascq is None or sense.ascq == ascq):
            return cls
    if sense.key == SenseKey.UNIT_ATTENTION and sense.asc == 0x28:
        return errors.E_IMAPI_RECORDER_MEDIA_BECOMING_READY
    return errors.E_FAIL


def run(
    transport: Transport,
    command: Command,
    *,
    wait: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Completion:
    """Execute ``command``; wait out transient NOT READY answers for up to ``wait`` seconds.

    Raises:
        ImapiError: the documented error for the device's final answer.
        TransportError: the transport failed to deliver the command.
    """
    deadline = clock() + wait
    attention_retries = 3
    while True:
        completion = transport.execute(command)
        if completion.ok:
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

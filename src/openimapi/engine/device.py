"""Running one command on a transport and turning a CHECK CONDITION into an IMAPI error.

The engine and the IMAPI2 objects talk to devices only through :func:`run`: it executes
the command with :mod:`openimapi.transport.retry` (waiting out becoming ready, long write
in progress, operation in progress, a UNIT ATTENTION after a medium change), and raises the
documented error for any other failure.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from openimapi import errors
from openimapi.mmc import Command, Completion
from openimapi.mmc.sense_map import error_from_completion
from openimapi.transport import Transport
from openimapi.transport.retry import RetryPolicy, execute_with_retry

__all__ = ["deliver", "error_for_completion", "policy_for", "run"]

#: Seconds :func:`run` waits out a transient NOT READY answer before reporting it.
TRANSIENT_WAIT = 30.0


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
    with _transport_errors(command):
        return transport.execute(command)


@contextlib.contextmanager
def _transport_errors(command: Command) -> Iterator[None]:
    name = command.name or f"opcode {command.opcode:#04x}"
    try:
        yield
    except errors.DeviceTimeoutError as exc:
        if type(exc) is errors.DeviceTimeoutError:
            raise errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT(f"{name}: {exc.message}") from exc
        raise
    except errors.TransportError as exc:
        if type(exc) is errors.TransportError:
            raise errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST(f"{name}: {exc.message}") from exc
        raise


def policy_for(wait: float | None = None) -> RetryPolicy:
    """The retry policy of :func:`run`: becoming ready, a long write or an operation in
    progress are waited out for ``wait`` seconds (default :data:`TRANSIENT_WAIT`), a UNIT
    ATTENTION (medium changed, reset) is resent up to 3 times, SCSI BUSY for 5 s."""
    budget = TRANSIENT_WAIT if wait is None else wait
    return RetryPolicy(becoming_ready=budget, long_write=budget, operation_in_progress=budget, unit_attention_retries=3)


def run(
    transport: Transport,
    command: Command,
    *,
    wait: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    policy: RetryPolicy | None = None,
) -> Completion:
    """Execute ``command`` through :func:`openimapi.transport.retry.execute_with_retry`
    (``policy``, default :func:`policy_for` ``wait``), with the injected ``sleep`` and
    ``clock``; raise the documented error for the device's final answer.

    Raises:
        ImapiError: the documented error for the device's final answer, or the transport's
            failure mapped as :func:`deliver` does.
    """
    with _transport_errors(command):
        outcome = execute_with_retry(
            transport, command, policy if policy is not None else policy_for(wait), sleep=sleep, clock=clock
        )
    completion = outcome.completion
    if completion.ok or error_from_completion(command, completion) is None:
        return completion
    raise error_for_completion(command, completion)

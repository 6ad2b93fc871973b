"""Retrying commands a drive answers with "not now": an immutable :class:`RetryPolicy`
(a value, as urllib3's ``Retry``) and :func:`execute_with_retry`.

A drive refuses a command without executing it while it

* is becoming ready (NOT READY, 02/04/01: spinning up, reading the TOC after a load),
* is busy with a long write (02/04/08: its buffer is full after Immed writes) or with an
  operation in progress (02/04/07: Immed BLANK, FORMAT UNIT, CLOSE SESSION; also 02/04/04
  format in progress),
* reports a UNIT ATTENTION (06/xx/xx: medium changed, reset, parameters changed) once, for
  the first command after the event,
* answers the SCSI status BUSY.

Each of these is safe to resend (MMC-6 4.1.4 and SPC-4 5.2). :func:`execute_with_retry`
resends with exponential back-off until the command gets another answer or the policy's
time budget for that condition is spent, then returns the last completion as it is: a
CHECK CONDITION stays a completion, for the caller to map to an HRESULT. Time comes only
from the injected ``clock`` and ``sleep``, so tests run with a fake clock.
"""

from __future__ import annotations

import dataclasses
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from openimapi.mmc import Command, Completion, ScsiStatus
from openimapi.mmc.sense import Sense, SenseKey, decode_sense
from openimapi.transport import Transport

__all__ = [
    "DEFAULT_POLICY",
    "NO_RETRY",
    "Condition",
    "RetryOutcome",
    "RetryPolicy",
    "classify",
    "execute_with_retry",
]

#: Unit attention ASC meaning NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (SPC-4).
ASC_MEDIUM_MAY_HAVE_CHANGED: Final = 0x28


class Condition(enum.Enum):
    """Why a completion may be retried."""

    BECOMING_READY = "becoming ready"  # 02/04/01
    LONG_WRITE = "long write in progress"  # 02/04/08
    OPERATION_IN_PROGRESS = "operation in progress"  # 02/04/07, 02/04/04
    UNIT_ATTENTION = "unit attention"  # 06/xx/xx
    BUSY = "busy"  # status 08h


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to keep resending a command the drive did not accept yet.

    Times are seconds of the injected clock, counted from the first answer of that kind;
    0 disables retrying that condition. Back-off between attempts: ``backoff_initial``
    multiplied by ``backoff_factor`` after each attempt, at most ``backoff_max``.

    Raises:
        ValueError: a negative time or count, or a back-off factor below 1.
    """

    becoming_ready: float = 30.0
    long_write: float = 120.0
    operation_in_progress: float = 300.0
    busy: float = 5.0
    unit_attention_retries: int = 1
    backoff_initial: float = 0.05
    backoff_factor: float = 2.0
    backoff_max: float = 1.0

    def __post_init__(self) -> None:
        for name in ("becoming_ready", "long_write", "operation_in_progress", "busy", "backoff_initial", "backoff_max"):
            if getattr(self, name) < 0:
                raise ValueError(f"RetryPolicy.{name} must not be negative")
        if self.unit_attention_retries < 0:
            raise ValueError("RetryPolicy.unit_attention_retries must not be negative")
        if self.backoff_factor < 1:
            raise ValueError("RetryPolicy.backoff_factor must be at least 1")

    def replace(self, **changes: Any) -> RetryPolicy:
        """A copy with some fields changed (the policy itself never changes)."""
        return dataclasses.replace(self, **changes)

    def budget(self, condition: Condition) -> float:
        """Seconds to keep retrying ``condition`` (not used for UNIT ATTENTION, which is
        counted)."""
        if condition is Condition.BECOMING_READY:
            return self.becoming_ready
        if condition is Condition.LONG_WRITE:
            return self.long_write
        if condition is Condition.OPERATION_IN_PROGRESS:
            return self.operation_in_progress
        if condition is Condition.BUSY:
            return self.busy
        return 0.0

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1 for the first retry)."""
        delay = self.backoff_initial * self.backoff_factor ** max(0, attempt - 1)
        return float(min(self.backoff_max, delay))


DEFAULT_POLICY: Final = RetryPolicy()
NO_RETRY: Final = RetryPolicy(
    becoming_ready=0, long_write=0, operation_in_progress=0, busy=0, unit_attention_retries=0
)


def classify(completion: Completion) -> tuple[Condition | None, Sense | None]:
    """Which retryable condition a completion reports, with its decoded sense (pure)."""
    if completion.status == ScsiStatus.BUSY:
        return Condition.BUSY, None
    if completion.status != ScsiStatus.CHECK_CONDITION:
        return None, None
    sense = decode_sense(completion.sense)
    if sense is None:
        return None, None
    if sense.key == SenseKey.UNIT_ATTENTION:
        return Condition.UNIT_ATTENTION, sense
    if sense.key == SenseKey.NOT_READY and sense.asc == 0x04:
        if sense.ascq == 0x01:
            return Condition.BECOMING_READY, sense
        if sense.ascq == 0x08:
            return Condition.LONG_WRITE, sense
        if sense.ascq in (0x04, 0x07):
            return Condition.OPERATION_IN_PROGRESS, sense
    return None, sense


@dataclass(frozen=True, slots=True)
class RetryOutcome:
    """The result of :func:`execute_with_retry`.

    ``completion`` is the last answer; ``attempts`` counts commands sent; ``gave_up`` is
    the condition whose budget ran out (the completion then still reports it), else None;
    ``unit_attentions`` holds every UNIT ATTENTION sense seen; ``medium_changed`` is true
    when one of them said the medium may have changed (06/28/xx).
    """

    completion: Completion
    attempts: int
    waited: float
    gave_up: Condition | None = None
    unit_attentions: tuple[Sense, ...] = ()

    @property
    def medium_changed(self) -> bool:
        return any(s.asc == ASC_MEDIUM_MAY_HAVE_CHANGED for s in self.unit_attentions)


def execute_with_retry(
    transport: Transport,
    command: Command,
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_unit_attention: Callable[[Sense], None] | None = None,
) -> RetryOutcome:
    """Execute ``command``, resending it while the drive answers a retryable condition.

    ``on_unit_attention`` is called with each UNIT ATTENTION sense before the command is
    resent (a medium change is the caller's cue to forget what it knew about the disc).

    Raises:
        TransportError: whatever ``transport.execute`` raises (not retried: the path failed).
    """
    start = clock()
    first_seen: dict[Condition, float] = {}
    last_chance: set[Condition] = set()
    unit_attentions: list[Sense] = []
    attempts = 0
    retries = 0
    while True:
        completion = transport.execute(command)
        attempts += 1
        condition, sense = classify(completion)
        if condition is None:
            return RetryOutcome(completion, attempts, clock() - start, None, tuple(unit_attentions))
        if condition is Condition.UNIT_ATTENTION:
            assert sense is not None
            unit_attentions.append(sense)
            if on_unit_attention is not None:
                on_unit_attention(sense)
            if len(unit_attentions) > policy.unit_attention_retries:
                return RetryOutcome(completion, attempts, clock() - start, condition, tuple(unit_attentions))
            continue  # a unit attention is reported once: resend at once
        now = clock()
        deadline = first_seen.setdefault(condition, now) + policy.budget(condition)
        if now >= deadline or condition in last_chance:
            return RetryOutcome(completion, attempts, now - start, condition, tuple(unit_attentions))
        retries += 1
        delay = policy.backoff(retries)
        if delay >= deadline - now:
            # the budget ends within this back-off: one last attempt at the deadline
            delay = deadline - now
            last_chance.add(condition)
        sleep(delay)

"""RetryPolicy and execute_with_retry, on a scripted transport and a fake clock."""

from __future__ import annotations

import dataclasses

import pytest

from openimapi import errors
from openimapi.mmc import Command, Completion, ScsiStatus
from openimapi.mmc.sense import Sense, build_fixed_sense
from openimapi.testing import FakeClock
from openimapi.transport.retry import (
    DEFAULT_POLICY,
    NO_RETRY,
    Condition,
    RetryPolicy,
    classify,
    execute_with_retry,
)

GOOD = Completion()
WRITE = Command(bytes([0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0]), data_out=bytes(2048))


def check(key: int, asc: int, ascq: int) -> Completion:
    return Completion(status=ScsiStatus.CHECK_CONDITION, sense=build_fixed_sense(key, asc, ascq))


BECOMING_READY = check(2, 0x04, 0x01)
LONG_WRITE = check(2, 0x04, 0x08)
IN_PROGRESS = check(2, 0x04, 0x07)
MEDIUM_CHANGED = check(6, 0x28, 0x00)
RESET = check(6, 0x29, 0x00)
NO_MEDIUM = check(2, 0x3A, 0x00)
BUSY = Completion(status=ScsiStatus.BUSY)


class Scripted:
    """Answers from a script; the last answer repeats. Each execute costs ``cost`` seconds."""

    address = "scripted:"

    def __init__(self, answers: list[Completion], clock: FakeClock, cost: float = 0.0) -> None:
        self.answers = answers
        self.clock = clock
        self.cost = cost
        self.sent: list[Command] = []

    def execute(self, command: Command) -> Completion:
        self.sent.append(command)
        self.clock.advance(self.cost)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def close(self) -> None:
        pass

    def __enter__(self) -> Scripted:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def run(answers: list[Completion], policy: RetryPolicy = DEFAULT_POLICY, cost: float = 0.0, **kw: object):  # type: ignore[no-untyped-def]
    clock = FakeClock(50.0)
    t = Scripted(answers, clock, cost)
    outcome = execute_with_retry(t, WRITE, policy, sleep=clock.sleep, clock=clock, **kw)  # type: ignore[arg-type]
    return outcome, t, clock


def test_becoming_ready_is_retried_with_exponential_backoff() -> None:
    outcome, t, clock = run([BECOMING_READY] * 3 + [GOOD])
    assert outcome.completion == GOOD and outcome.attempts == 4 and outcome.gave_up is None
    assert clock.sleeps == [0.05, 0.1, 0.2]
    assert outcome.waited == pytest.approx(0.35)
    assert all(c is WRITE for c in t.sent)


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(backoff_initial=0.5, backoff_factor=3, backoff_max=2)
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [0.5, 1.5, 2.0, 2.0]


def test_giving_up_when_the_budget_is_spent_returns_the_last_completion() -> None:
    policy = RetryPolicy(becoming_ready=1.0)
    outcome, _, clock = run([BECOMING_READY], policy)
    assert outcome.completion == BECOMING_READY and outcome.gave_up is Condition.BECOMING_READY
    assert sum(clock.sleeps) == pytest.approx(1.0)  # never sleeps past the budget
    assert clock.sleeps[-1] < policy.backoff_max
    assert outcome.attempts == len(clock.sleeps) + 1


def test_each_condition_has_its_own_budget() -> None:
    policy = RetryPolicy(long_write=0.3, operation_in_progress=10, backoff_initial=0.1, backoff_factor=1)
    outcome, _, clock = run([LONG_WRITE], policy)
    assert outcome.gave_up is Condition.LONG_WRITE and sum(clock.sleeps) == pytest.approx(0.3)
    outcome, _, clock = run([IN_PROGRESS] * 50 + [GOOD], policy)
    assert outcome.completion == GOOD and outcome.attempts == 51
    outcome, _, clock = run([IN_PROGRESS] * 50 + [GOOD], policy.replace(operation_in_progress=1))
    assert outcome.gave_up is Condition.OPERATION_IN_PROGRESS


def test_time_spent_in_commands_counts_against_the_budget() -> None:
    policy = RetryPolicy(becoming_ready=2.0)
    outcome, _, clock = run([BECOMING_READY], policy, cost=0.5)
    assert outcome.gave_up is Condition.BECOMING_READY
    # first answer after 0.5 s, last attempt sent at most 2.0 s later, answered 0.5 s after that
    assert clock.now - 50.0 == pytest.approx(3.0)


def test_unit_attention_is_retried_once_and_reports_a_medium_change() -> None:
    seen: list[Sense] = []
    outcome, _, clock = run([MEDIUM_CHANGED, GOOD], on_unit_attention=seen.append)
    assert outcome.completion == GOOD and outcome.attempts == 2
    assert outcome.medium_changed and clock.sleeps == []
    assert [s.triple for s in seen] == [(6, 0x28, 0)]


def test_a_second_unit_attention_is_returned() -> None:
    outcome, _, _ = run([RESET, MEDIUM_CHANGED, GOOD])
    assert outcome.completion == MEDIUM_CHANGED and outcome.gave_up is Condition.UNIT_ATTENTION
    assert outcome.attempts == 2 and outcome.medium_changed
    outcome, _, _ = run([RESET, MEDIUM_CHANGED, GOOD], RetryPolicy(unit_attention_retries=2))
    assert outcome.completion == GOOD and outcome.attempts == 3


def test_reset_alone_is_not_a_medium_change() -> None:
    outcome, _, _ = run([RESET, GOOD])
    assert outcome.completion == GOOD and not outcome.medium_changed


def test_other_check_conditions_are_returned_at_once() -> None:
    outcome, t, clock = run([NO_MEDIUM, GOOD])
    assert outcome.completion == NO_MEDIUM and outcome.attempts == 1 and outcome.gave_up is None
    assert clock.sleeps == [] and len(t.sent) == 1


def test_busy_status_is_retried() -> None:
    outcome, _, _ = run([BUSY, BUSY, GOOD])
    assert outcome.completion == GOOD and outcome.attempts == 3


def test_no_retry_policy() -> None:
    for answer in (BECOMING_READY, LONG_WRITE, MEDIUM_CHANGED, BUSY):
        outcome, _, clock = run([answer, GOOD], NO_RETRY)
        assert outcome.completion == answer and outcome.attempts == 1 and clock.sleeps == []


def test_transport_errors_propagate() -> None:
    class Gone(Scripted):
        def execute(self, command: Command) -> Completion:
            raise errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST("unplugged")

    clock = FakeClock()
    with pytest.raises(errors.HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST):
        execute_with_retry(Gone([GOOD], clock), WRITE, sleep=clock.sleep, clock=clock)


def test_classify() -> None:
    assert classify(GOOD) == (None, None)
    assert classify(BUSY) == (Condition.BUSY, None)
    cond, sense = classify(check(2, 0x04, 0x04))
    assert cond is Condition.OPERATION_IN_PROGRESS and sense is not None and sense.triple == (2, 4, 4)
    cond, sense = classify(NO_MEDIUM)
    assert cond is None and sense is not None and sense.asc == 0x3A
    assert classify(Completion(status=ScsiStatus.CHECK_CONDITION, sense=b"")) == (None, None)


def test_policy_is_an_immutable_validated_value() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_POLICY.becoming_ready = 1  # type: ignore[misc]
    changed = DEFAULT_POLICY.replace(long_write=5)
    assert changed.long_write == 5 and DEFAULT_POLICY.long_write == 120
    assert changed == RetryPolicy(long_write=5) and hash(changed) == hash(RetryPolicy(long_write=5))
    with pytest.raises(ValueError, match="becoming_ready"):
        RetryPolicy(becoming_ready=-1)
    with pytest.raises(ValueError, match="backoff_factor"):
        RetryPolicy(backoff_factor=0.5)
    with pytest.raises(ValueError, match="unit_attention_retries"):
        RetryPolicy(unit_attention_retries=-1)

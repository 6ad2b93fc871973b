"""iSCSI text keys (RFC 7143 6 and 13), login parameter negotiation and CHAP (RFC 1994).

Sans-I/O: these functions turn key=value lists into bytes and back, decide the outcome of
each negotiated key as RFC 7143 13 prescribes, and compute CHAP responses. The login
conversation itself (which PDU goes when) lives in :mod:`.session`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Chap",
    "NegotiationError",
    "Parameters",
    "RFC_DEFAULTS",
    "chap_answer",
    "chap_response",
    "check_target_chap",
    "decode_text",
    "encode_text",
    "negotiate",
    "offered_keys",
]


class NegotiationError(ValueError):
    """The target answered a key with a value the negotiation rules do not allow."""


def encode_text(pairs: Iterable[tuple[str, str]]) -> bytes:
    """``key=value`` pairs, each NUL-terminated (6.1).

    Raises:
        ValueError: a key or value holds a NUL or a key holds '='.
    """
    out = bytearray()
    for key, value in pairs:
        if "\0" in key or "=" in key or "\0" in value:
            raise ValueError(f"bad text key {key!r}={value!r}")
        out += f"{key}={value}".encode() + b"\0"
    return bytes(out)


def decode_text(data: bytes) -> list[tuple[str, str]]:
    """Parse a text data segment into ordered ``(key, value)`` pairs.

    Raises:
        NegotiationError: a pair without '=' or not valid UTF-8.
    """
    pairs: list[tuple[str, str]] = []
    for item in data.split(b"\0"):
        if not item:
            continue
        key, sep, value = item.partition(b"=")
        if not sep:
            raise NegotiationError(f"text item without '=': {item[:60]!r}")
        try:
            pairs.append((key.decode(), value.decode()))
        except UnicodeDecodeError:
            raise NegotiationError(f"text item is not UTF-8: {item[:60]!r}") from None
    return pairs


@dataclass(frozen=True, slots=True)
class Parameters:
    """Operational parameters of a session and connection (13.x), our proposals by
    default and the negotiated outcome after login.

    ``max_send_data_segment`` is the target's declared MaxRecvDataSegmentLength: the
    largest data segment we may send it (8192 until it declares one, 13.12).
    """

    max_recv_data_segment: int = 262144
    max_send_data_segment: int = 8192
    max_burst: int = 1048576
    first_burst: int = 262144
    immediate_data: bool = True
    initial_r2t: bool = False
    max_outstanding_r2t: int = 1
    data_pdu_in_order: bool = True
    data_sequence_in_order: bool = True
    error_recovery_level: int = 0
    max_connections: int = 1
    default_time2wait: int = 0
    default_time2retain: int = 0

    def __post_init__(self) -> None:
        for name, low, high in _RANGES:
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name}={value} is outside {low}..{high} (RFC 7143 13)")


#: The values that hold when a key is not negotiated or is rejected (RFC 7143 13).
RFC_DEFAULTS: dict[str, object] = {
    "max_send_data_segment": 8192,
    "max_burst": 262144,
    "first_burst": 65536,
    "immediate_data": True,
    "initial_r2t": True,
    "max_outstanding_r2t": 1,
    "data_pdu_in_order": True,
    "data_sequence_in_order": True,
    "error_recovery_level": 0,
    "max_connections": 1,
    "default_time2wait": 2,
    "default_time2retain": 20,
}
_RANGES = (
    ("max_recv_data_segment", 512, (1 << 24) - 1),
    ("max_send_data_segment", 512, (1 << 24) - 1),
    ("max_burst", 512, (1 << 24) - 1),
    ("first_burst", 512, (1 << 24) - 1),
    ("max_outstanding_r2t", 1, 65535),
    ("error_recovery_level", 0, 2),
    ("max_connections", 1, 65535),
    ("default_time2wait", 0, 3600),
    ("default_time2retain", 0, 3600),
)


def offered_keys(p: Parameters) -> list[tuple[str, str]]:
    """The operational keys we offer in the LoginOperationalNegotiation stage."""

    def yn(flag: bool) -> str:
        return "Yes" if flag else "No"

    return [
        ("HeaderDigest", "None"),
        ("DataDigest", "None"),
        ("MaxConnections", str(p.max_connections)),
        ("InitialR2T", yn(p.initial_r2t)),
        ("ImmediateData", yn(p.immediate_data)),
        ("MaxRecvDataSegmentLength", str(p.max_recv_data_segment)),
        ("MaxBurstLength", str(p.max_burst)),
        ("FirstBurstLength", str(p.first_burst)),
        ("DefaultTime2Wait", str(p.default_time2wait)),
        ("DefaultTime2Retain", str(p.default_time2retain)),
        ("MaxOutstandingR2T", str(p.max_outstanding_r2t)),
        ("DataPDUInOrder", yn(p.data_pdu_in_order)),
        ("DataSequenceInOrder", yn(p.data_sequence_in_order)),
        ("ErrorRecoveryLevel", str(p.error_recovery_level)),
    ]


_NUMBERS_MIN = {  # key -> (field, lower bound, upper bound); result = min(ours, theirs)
    "MaxBurstLength": ("max_burst", 512, (1 << 24) - 1),
    "FirstBurstLength": ("first_burst", 512, (1 << 24) - 1),
    "MaxOutstandingR2T": ("max_outstanding_r2t", 1, 65535),
    "ErrorRecoveryLevel": ("error_recovery_level", 0, 2),
    "MaxConnections": ("max_connections", 1, 65535),
    "DefaultTime2Retain": ("default_time2retain", 0, 3600),
}
_NUMBERS_MAX = {"DefaultTime2Wait": ("default_time2wait", 0, 3600)}
_BOOL_AND = {"ImmediateData": "immediate_data"}  # Yes only when both say Yes
_BOOL_OR = {  # Yes when either says Yes
    "InitialR2T": "initial_r2t",
    "DataPDUInOrder": "data_pdu_in_order",
    "DataSequenceInOrder": "data_sequence_in_order",
}


_FIELD_OF = {
    **{key: spec[0] for key, spec in _NUMBERS_MIN.items()},
    **{key: spec[0] for key, spec in _NUMBERS_MAX.items()},
    **_BOOL_AND,
    **_BOOL_OR,
}


def _number(key: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value, 0)
    except ValueError:
        raise NegotiationError(f"{key}={value!r} is not a number") from None
    if not low <= number <= high:
        raise NegotiationError(f"{key}={number} is outside {low}..{high}")
    return number


def _yes_no(key: str, value: str) -> bool:
    if value not in ("Yes", "No"):
        raise NegotiationError(f"{key}={value!r} is neither Yes nor No")
    return value == "Yes"


def negotiate(
    ours: Parameters, answers: Mapping[str, str]
) -> tuple[Parameters, list[tuple[str, str]]]:
    """Apply the target's answers to our offer (13).

    Returns the negotiated parameters and the keys we must still answer: those the target
    offered on its own initiative (we accept its value where the rules let it, and say
    ``NotUnderstood`` for keys we do not know, 6.2).

    Raises:
        NegotiationError: a value out of range, a digest other than None, or a
            result that breaks our requirements (ErrorRecoveryLevel 0, one connection).
    """
    fields: dict[str, object] = {}
    replies: list[tuple[str, str]] = []
    offered = {key for key, _ in offered_keys(ours)}
    for key, value in answers.items():
        if value in ("Reject", "Irrelevant", "NotUnderstood"):
            if key in ("HeaderDigest", "DataDigest"):
                raise NegotiationError(f"the target answered {key}={value}")
            field = _FIELD_OF.get(key)
            if field is not None and value != "Irrelevant":  # the default holds (6.2)
                fields[field] = RFC_DEFAULTS[field]
            continue
        if key in ("HeaderDigest", "DataDigest"):
            if "None" not in value.split(","):
                raise NegotiationError(f"the target insists on {key}={value}; we only do None")
            if key not in offered:
                replies.append((key, "None"))
        elif key == "MaxRecvDataSegmentLength":  # declarative: the target's receive limit
            fields["max_send_data_segment"] = _number(key, value, 512, (1 << 24) - 1)
        elif key in _NUMBERS_MIN:
            name, low, high = _NUMBERS_MIN[key]
            number = min(_number(key, value, low, high), getattr(ours, name))
            fields[name] = number
            if key not in offered:
                replies.append((key, str(number)))
        elif key in _NUMBERS_MAX:
            name, low, high = _NUMBERS_MAX[key]
            number = max(_number(key, value, low, high), getattr(ours, name))
            fields[name] = number
            if key not in offered:
                replies.append((key, str(number)))
        elif key in _BOOL_AND:
            flag = _yes_no(key, value) and getattr(ours, _BOOL_AND[key])
            fields[_BOOL_AND[key]] = flag
            if key not in offered:
                replies.append((key, "Yes" if flag else "No"))
        elif key in _BOOL_OR:
            flag = _yes_no(key, value) or getattr(ours, _BOOL_OR[key])
            fields[_BOOL_OR[key]] = flag
            if key not in offered:
                replies.append((key, "Yes" if flag else "No"))
        elif key in ("TargetAlias", "TargetPortalGroupTag", "TargetAddress", "TargetName"):
            continue  # declarations about the target; nothing to answer
        elif key in ("IFMarker", "OFMarker"):  # RFC 3720 markers, obsoleted by RFC 7143
            replies.append((key, "No"))
        elif key in ("SessionType", "InitiatorName", "InitiatorAlias", "AuthMethod"):
            continue
        else:
            replies.append((key, "NotUnderstood"))
    result = Parameters(**{**_asdict(ours), **fields})  # type: ignore[arg-type]
    if result.error_recovery_level != 0:
        raise NegotiationError("ErrorRecoveryLevel must be 0")
    if result.max_connections != 1:
        raise NegotiationError("MaxConnections must be 1")
    if result.first_burst > result.max_burst:
        result = Parameters(**{**_asdict(result), "first_burst": result.max_burst})  # type: ignore[arg-type]
    return result, replies


def _asdict(p: Parameters) -> dict[str, object]:
    return {name: getattr(p, name) for name in Parameters.__slots__}


@dataclass(frozen=True, slots=True)
class Chap:
    """CHAP credentials (RFC 7143 12.1.3, RFC 1994).

    ``user``/``secret`` authenticate us to the target; ``target_user``/``target_secret``,
    when given, make the authentication mutual (the target proves it knows them).

    Raises:
        ValueError: a secret shorter than 12 bytes (tgt and RFC 7143 12.1.3 recommend
            at least 12 and 16) or an empty user name.
    """

    user: str
    secret: str
    target_user: str | None = None
    target_secret: str | None = None

    def __post_init__(self) -> None:
        if not self.user:
            raise ValueError("a CHAP user name must not be empty")
        if len(self.secret.encode()) < 12:
            raise ValueError("a CHAP secret has at least 12 bytes")
        if (self.target_user is None) != (self.target_secret is None):
            raise ValueError("mutual CHAP needs both target_user and target_secret")
        if self.target_secret is not None and len(self.target_secret.encode()) < 12:
            raise ValueError("a CHAP secret has at least 12 bytes")

    @property
    def mutual(self) -> bool:
        return self.target_secret is not None

    def __repr__(self) -> str:  # never show secrets in logs or tracebacks
        return f"Chap(user={self.user!r}, mutual={self.mutual})"


def _decode_binary(key: str, value: str) -> bytes:
    """A binary value in hex (0x...) or base64 (0b...) form (6.1)."""
    try:
        if value[:2] in ("0x", "0X"):
            return bytes.fromhex(value[2:])
        if value[:2] in ("0b", "0B"):
            return base64.b64decode(value[2:], validate=True)
    except (ValueError, binascii.Error):
        pass
    raise NegotiationError(f"{key}={value[:40]!r} is not a hex or base64 value")


def chap_response(identifier: int, secret: str, challenge: bytes) -> bytes:
    """MD5(identifier || secret || challenge), RFC 1994 4.1."""
    return hashlib.md5(bytes([identifier]) + secret.encode() + challenge).digest()


def chap_answer(chap: Chap, target_keys: Mapping[str, str]) -> tuple[list[tuple[str, str]], tuple[int, bytes] | None]:
    """Our CHAP_N/CHAP_R for the target's CHAP_A/CHAP_I/CHAP_C, plus our own challenge
    (CHAP_I/CHAP_C) when the authentication is mutual.

    Returns the keys to send and ``(identifier, challenge)`` we issued (or None).

    Raises:
        NegotiationError: the target chose an algorithm other than MD5 (5) or sent no
            identifier or challenge.
    """
    if target_keys.get("CHAP_A") != "5":
        raise NegotiationError(f"the target chose CHAP_A={target_keys.get('CHAP_A')!r}; we offer MD5 (5) only")
    try:
        identifier = int(target_keys["CHAP_I"], 0)
        challenge = _decode_binary("CHAP_C", target_keys["CHAP_C"])
    except (KeyError, ValueError):
        raise NegotiationError("the target sent no usable CHAP_I/CHAP_C") from None
    if not 0 <= identifier <= 255 or not challenge:
        raise NegotiationError("CHAP_I out of 0..255 or an empty CHAP_C")
    keys = [("CHAP_N", chap.user), ("CHAP_R", "0x" + chap_response(identifier, chap.secret, challenge).hex())]
    issued: tuple[int, bytes] | None = None
    if chap.mutual:
        my_id = secrets.randbelow(256)
        my_challenge = secrets.token_bytes(16)
        if my_challenge == challenge:  # 12.1.3: never reflect the target's challenge
            my_challenge = secrets.token_bytes(16)
        keys += [("CHAP_I", str(my_id)), ("CHAP_C", "0x" + my_challenge.hex())]
        issued = (my_id, my_challenge)
    return keys, issued


def check_target_chap(chap: Chap, issued: tuple[int, bytes], target_keys: Mapping[str, str]) -> None:
    """Check the target's CHAP_N/CHAP_R against the challenge we issued (mutual CHAP).

    Raises:
        NegotiationError: the target's name or response is wrong or missing.
    """
    if chap.target_secret is None:
        raise NegotiationError("no mutual CHAP secret is configured")
    if target_keys.get("CHAP_N") != chap.target_user:
        raise NegotiationError("the target authenticated with an unexpected CHAP_N")
    response = _decode_binary("CHAP_R", target_keys.get("CHAP_R", ""))
    if response != chap_response(issued[0], chap.target_secret, issued[1]):
        raise NegotiationError("the target's CHAP_R is wrong: it does not know the mutual secret")

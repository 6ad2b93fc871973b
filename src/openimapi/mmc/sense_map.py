"""From a device's answer to the IMAPI error it means: the documented sense-to-HRESULT
table, and human text for the additional sense codes MMC drives use.

The table is data (:data:`SENSE_TABLE`, rows with a reason each) read top to bottom, the
first matching row winning; docs/sense-to-hresult.md is rendered from it
(:func:`render_markdown`, kept up to date by a test). Pure functions: nothing here changes
state or does I/O.

* :func:`hresult_for_sense` -- the error class for a sense (and the failing opcode);
* :func:`error_from_completion` -- the error instance for a Completion, carrying ``.sense``
  and ``.cdb``, or None when the command succeeded;
* :func:`describe_sense` -- "NOT READY 2/3A/01: medium not present - tray closed".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from openimapi import errors
from openimapi._errorbase import DeviceError
from openimapi.mmc.command import Command, Completion, ScsiStatus
from openimapi.mmc.sense import Sense, SenseKey, decode_sense

__all__ = [
    "ASC_TEXT",
    "GENERIC_DEVICE_ERROR",
    "NOT_FROM_SENSE",
    "SENSE_TABLE",
    "STATUS_TABLE",
    "SenseRule",
    "StatusRule",
    "asc_text",
    "command_timeout_error",
    "describe_sense",
    "error_from_completion",
    "hresult_for_sense",
    "render_markdown",
]

# Opcodes the table singles out (MMC-6 / SPC-4).
MODE_SELECT_6, MODE_SELECT_10 = 0x15, 0x55
MODE_SENSE_6, MODE_SENSE_10 = 0x1A, 0x5A
GET_CONFIGURATION = 0x46
READ_DISC_STRUCTURE = 0xAD
WRITE_10, WRITE_12, WRITE_AND_VERIFY_10 = 0x2A, 0xAA, 0x2E

_MODE_SELECT = frozenset({MODE_SELECT_6, MODE_SELECT_10})
_MODE_SENSE = frozenset({MODE_SENSE_6, MODE_SENSE_10})
_GET_CONFIGURATION = frozenset({GET_CONFIGURATION})
_READ_DISC_STRUCTURE = frozenset({READ_DISC_STRUCTURE})
_WRITES = frozenset({WRITE_10, WRITE_12, WRITE_AND_VERIFY_10})

_OPCODE_NAMES: Final = {
    MODE_SELECT_6: "MODE SELECT(6)",
    MODE_SELECT_10: "MODE SELECT(10)",
    MODE_SENSE_6: "MODE SENSE(6)",
    MODE_SENSE_10: "MODE SENSE(10)",
    GET_CONFIGURATION: "GET CONFIGURATION",
    READ_DISC_STRUCTURE: "READ DISC STRUCTURE",
    WRITE_10: "WRITE(10)",
    WRITE_12: "WRITE(12)",
    WRITE_AND_VERIFY_10: "WRITE AND VERIFY(10)",
}

#: What an unknown CHECK CONDITION maps to. IMAPI documents this code for "the device
#: reported unexpected or invalid data for a command" and lists it on every IDiscRecorder2
#: member that talks to the drive; it is a DeviceError (DeviceProtocolError), so the
#: error still carries the sense and the CDB.
GENERIC_DEVICE_ERROR: Final = errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE


@dataclass(frozen=True, slots=True)
class SenseRule:
    """One row of the table: a (key, ASC, ASCQ) pattern, optionally limited to some
    opcodes, the IMAPI error it means and why. None in a pattern field matches anything.

    Raises:
        ValueError: a pattern field out of range, or an error class that is not a
            DeviceError (the error must be able to carry the sense).
    """

    key: int | None
    asc: int | None
    ascq: int | None
    error: type[DeviceError]
    reason: str
    opcodes: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if self.key is not None and not 0 <= self.key <= 0xF:
            raise ValueError("sense key is 4 bits")
        for value in (self.asc, self.ascq):
            if value is not None and not 0 <= value <= 0xFF:
                raise ValueError("ASC and ASCQ are bytes")
        if not issubclass(self.error, DeviceError):
            raise ValueError(f"{self.error.__name__} is not a DeviceError")

    def matches(self, sense: Sense, opcode: int | None = None) -> bool:
        if self.opcodes and opcode not in self.opcodes:
            return False
        return (
            (self.key is None or sense.key == self.key)
            and (self.asc is None or sense.asc == self.asc)
            and (self.ascq is None or sense.ascq == self.ascq)
        )

    @property
    def pattern(self) -> str:
        """"02/3A/xx" style."""

        def part(value: int | None, width: int) -> str:
            return "x" * width if value is None else f"{value:0{width}X}"

        return f"{part(self.key, 2)}/{part(self.asc, 2)}/{part(self.ascq, 2)}"


def _row(
    pattern: str, error: type[DeviceError], reason: str, opcodes: frozenset[int] = frozenset()
) -> SenseRule:
    key, asc, ascq = (None if part.lower().startswith("x") else int(part, 16) for part in pattern.split("/"))
    return SenseRule(key, asc, ascq, error, reason, opcodes)


E = errors
#: The sense-to-HRESULT table, first match wins. Sense keys NO SENSE (0) and RECOVERED
#: ERROR (1) are not failures and never reach it.
SENSE_TABLE: Final[tuple[SenseRule, ...]] = (
    # --- NOT READY: the medium and the drive's readiness
    _row("02/3A/xx", E.E_IMAPI_RECORDER_MEDIA_NO_MEDIA, "medium not present (tray open or closed)"),
    _row("02/04/01", E.E_IMAPI_RECORDER_MEDIA_BECOMING_READY, "becoming ready (spinning up, reading the TOC)"),
    _row(
        "02/04/00",
        E.E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        "not ready, cause not reportable: what drives say in the seconds after a tray is closed",
    ),
    _row(
        "02/3E/00",
        E.E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        "logical unit has not self-configured yet (power-on); retrying succeeds",
    ),
    _row("02/04/04", E.E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS, "format in progress (FORMAT UNIT with IMMED)"),
    _row(
        "02/04/07",
        E.E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS,
        "operation in progress: a BLANK or background format started with IMMED is running",
    ),
    _row(
        "02/04/08",
        E.E_IMAPI_RECORDER_MEDIA_BUSY,
        "long write in progress: the drive is flushing its buffer or closing a track/session",
    ),
    _row(
        "02/06/00",
        E.E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN,
        "no reference position found: the pickup finds no groove/data layer, which is what a"
        " disc inserted label side down gives; IMAPI's only code for that condition",
    ),
    _row(
        "02/30/10",
        E.E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED,
        "medium not formatted: a DVD+RW/DVD-RAM/BD-RE that needs FORMAT UNIT before use",
    ),
    _row("02/30/xx", E.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE, "incompatible medium installed (NOT READY form)"),
    _row(
        "02/57/00",
        E.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        "unable to recover the table of contents: the disc cannot be read by this drive",
    ),
    # --- DATA PROTECT
    _row("07/27/xx", E.E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED, "write protected (hardware, software or persistent)"),
    # --- MEDIUM ERROR that IMAPI names
    _row(
        "03/0C/09",
        E.E_IMAPI_LOSS_OF_STREAMING,
        "write error - loss of streaming: buffer underrun with BUFE off",
    ),
    _row(
        "03/31/00",
        E.E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED,
        "medium format corrupted: an interrupted format; the disc must be formatted again",
    ),
    _row(
        "03/73/03",
        E.E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH,
        "power calibration area error: OPC fails when the disc's speed class is outside what the"
        " drive can calibrate for (real drives give it on SEND OPC INFORMATION and BLANK, see"
        " tests/data/captures: Mitsumi CR-48x9TE, Philips CDD4851, TSSTcorp SH-R522C); MMC has"
        " no sense code that says 'speed mismatch' itself",
    ),
    # --- ILLEGAL REQUEST that depends on the command
    _row(
        "05/30/02",
        E.E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT,
        "cannot read medium - incompatible format, on READ DISC STRUCTURE: the medium has no such structure",
        _READ_DISC_STRUCTURE,
    ),
    _row(
        "05/24/00",
        E.E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT,
        "invalid field in CDB on READ DISC STRUCTURE: the format code does not exist for this medium",
        _READ_DISC_STRUCTURE,
    ),
    _row(
        "05/24/00",
        E.E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE,
        "invalid field in CDB on MODE SENSE: the page (or page control) is not supported",
        _MODE_SENSE,
    ),
    _row(
        "05/24/00",
        E.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS,
        "invalid field in CDB on MODE SELECT (PF/SP not supported)",
        _MODE_SELECT,
    ),
    _row(
        "05/26/xx",
        E.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS,
        "invalid field in parameter list on MODE SELECT: a page field the drive refuses",
        _MODE_SELECT,
    ),
    _row(
        "05/1A/00",
        E.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS,
        "parameter list length error on MODE SELECT",
        _MODE_SELECT,
    ),
    _row(
        "05/20/00",
        E.E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED,
        "invalid command operation code: a pre-MMC-2 drive without GET CONFIGURATION",
        _GET_CONFIGURATION,
    ),
    _row(
        "05/24/00",
        E.E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED,
        "invalid field in CDB on GET CONFIGURATION: the drive rejects the request type",
        _GET_CONFIGURATION,
    ),
    # --- ILLEGAL REQUEST about the medium
    _row(
        "05/30/10",
        E.E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED,
        "medium not formatted (ILLEGAL REQUEST form): format the disc first",
    ),
    _row(
        "05/30/xx",
        E.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        "incompatible medium: cannot read/write/format this medium, or unknown format",
    ),
    _row(
        "05/64/00",
        E.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        "illegal mode for this track: the write parameters do not suit the track on the disc",
    ),
    _row(
        "05/64/01",
        E.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS,
        "invalid packet size: the packet size comes from write parameters page 05h",
    ),
    _row(
        "05/6F/xx",
        E.E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        "copy protection key exchange failure or region mismatch: the content cannot be used here",
    ),
    # --- UNIT ATTENTION: the command was not executed; the retry policy retries these
    _row(
        "06/28/00",
        E.E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        "not ready to ready change, medium may have changed: retrying the command succeeds",
    ),
    _row(
        "06/29/xx",
        E.E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        "power on, reset or bus device reset occurred: retrying the command succeeds",
    ),
    # --- locking
    _row(
        "05/53/02",
        E.E_IMAPI_RECORDER_LOCKED,
        "medium removal prevented: another client holds a PREVENT on the tray",
    ),
    # --- a failing write
    _row(
        "03/xx/xx",
        E.E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE,
        "medium error during a write: IMAPI's 'write failed, unrecoverable drive error'",
        _WRITES,
    ),
    _row(
        "04/xx/xx",
        E.E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE,
        "hardware error during a write",
        _WRITES,
    ),
    _row(
        "05/xx/xx",
        E.E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE,
        "write refused (address, mode or sequence), e.g. 05/21/02 invalid address for write",
        _WRITES,
    ),
    # --- host-side mistakes the drive reports
    _row(
        "05/21/xx",
        GENERIC_DEVICE_ERROR,
        "logical block address out of range: the host asked for an address the medium does not have",
    ),
    _row(
        "05/2C/00",
        GENERIC_DEVICE_ERROR,
        "command sequence error: the command came out of the order MMC requires",
    ),
    # --- anything else
    _row(
        "xx/xx/xx",
        GENERIC_DEVICE_ERROR,
        "any other CHECK CONDITION: the sense is kept on the error (.sense) for the caller",
    ),
)
del E


#: Device-related IMAPI codes no sense maps to, and where they come from instead.
NOT_FROM_SENSE: Final[tuple[tuple[str, str], ...]] = (
    ("E_IMAPI_RECORDER_COMMAND_TIMEOUT", "the transport's timeout (command_timeout_error), no sense exists"),
    ("E_IMAPI_RECORDER_NO_SUCH_FEATURE", "the GET CONFIGURATION answer lacks the feature (answer content)"),
    ("E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT", "the feature descriptor has its Current bit clear"),
    ("E_IMAPI_BURN_VERIFICATION_FAILED", "the engine's read-back comparison after a write"),
    (
        "E_IMAPI_ERASE_*",
        "raised by the erase object around the device error of BLANK/FORMAT UNIT/START UNIT,"
        " or for short READ DISC INFORMATION / page 2Ah answers and the one-hour limit",
    ),
    ("IMAPI_E_* (IMAPI v1)", "the IMAPI v1 layer translates the IMAPI2 errors above"),
)


@dataclass(frozen=True, slots=True)
class StatusRule:
    """A SCSI status other than GOOD / CHECK CONDITION and the IMAPI error it means."""

    status: int
    error: type[DeviceError]
    reason: str


#: Status bytes without sense data (SAM-5 5.3); GOOD and CONDITION MET succeed.
STATUS_TABLE: Final[tuple[StatusRule, ...]] = (
    StatusRule(ScsiStatus.BUSY, errors.E_IMAPI_RECORDER_MEDIA_BUSY, "BUSY: the device cannot take the command now"),
    StatusRule(ScsiStatus.TASK_SET_FULL, errors.E_IMAPI_RECORDER_MEDIA_BUSY, "TASK SET FULL: as BUSY"),
    StatusRule(
        ScsiStatus.RESERVATION_CONFLICT,
        errors.E_IMAPI_RECORDER_LOCKED,
        "RESERVATION CONFLICT: another initiator holds the device",
    ),
)


def hresult_for_sense(sense: Sense | None, opcode: int | None = None) -> type[DeviceError] | None:
    """The IMAPI error class a CHECK CONDITION with this sense means, for the command of
    ``opcode`` (None when unknown: command-specific rows are skipped).

    Returns None when ``sense`` is not a failure (NO SENSE, RECOVERED ERROR); an unknown
    sense maps to :data:`GENERIC_DEVICE_ERROR`; a missing sense (None) too.
    """
    if sense is None:
        return GENERIC_DEVICE_ERROR
    if sense.key in (SenseKey.NO_SENSE, SenseKey.RECOVERED_ERROR):
        return None
    for rule in SENSE_TABLE:
        if rule.matches(sense, opcode):
            return rule.error
    return GENERIC_DEVICE_ERROR  # pragma: no cover - the last row matches everything


def _command_name(command: Command) -> str:
    return command.name or _OPCODE_NAMES.get(command.opcode, f"opcode {command.opcode:02X}h")


def error_from_completion(command: Command, completion: Completion) -> DeviceError | None:
    """The error a completion means, or None when the command succeeded.

    CHECK CONDITION goes through :data:`SENSE_TABLE` (with the command's opcode), other
    failing statuses through :data:`STATUS_TABLE`, any other status to
    :data:`GENERIC_DEVICE_ERROR`. The error carries ``.sense`` (decoded, or None when the
    device gave none) and ``.cdb``; its message names the command and the sense.
    """
    status = completion.status
    if status in (ScsiStatus.GOOD, ScsiStatus.CONDITION_MET):
        return None
    name = _command_name(command)
    if status == ScsiStatus.CHECK_CONDITION:
        sense = decode_sense(completion.sense)
        cls = hresult_for_sense(sense, command.opcode)
        if cls is None:
            return None
        text = describe_sense(sense) if sense is not None else "CHECK CONDITION without sense data"
        return cls(f"{name} failed: {text}", sense=sense, cdb=command.cdb)
    for rule in STATUS_TABLE:
        if rule.status == status:
            return rule.error(f"{name}: device status {status:#04x} ({rule.reason})", cdb=command.cdb)
    return GENERIC_DEVICE_ERROR(f"{name}: unexpected device status {status:#04x}", cdb=command.cdb)


def command_timeout_error(command: Command) -> errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT:
    """E_IMAPI_RECORDER_COMMAND_TIMEOUT for a command the transport gave up on (a
    transport-level condition: there is no sense for it). Also a TimeoutError."""
    return errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT(
        f"{_command_name(command)} did not complete within {command.timeout:g} s"
    )


#: Human text of the additional sense codes MMC drives use (SPC-4 Annex D, MMC-6 Annex F).
ASC_TEXT: Final[dict[tuple[int, int], str]] = {
    (0x00, 0x00): "no additional sense information",
    (0x00, 0x16): "operation in progress",
    (0x02, 0x00): "no seek complete",
    (0x04, 0x00): "logical unit not ready, cause not reportable",
    (0x04, 0x01): "logical unit is in process of becoming ready",
    (0x04, 0x02): "logical unit not ready, initializing command required",
    (0x04, 0x03): "logical unit not ready, manual intervention required",
    (0x04, 0x04): "logical unit not ready, format in progress",
    (0x04, 0x07): "logical unit not ready, operation in progress",
    (0x04, 0x08): "logical unit not ready, long write in progress",
    (0x06, 0x00): "no reference position found",
    (0x08, 0x00): "logical unit communication failure",
    (0x08, 0x01): "logical unit communication time-out",
    (0x08, 0x03): "logical unit communication CRC error (Ultra-DMA/32)",
    (0x09, 0x00): "track following error",
    (0x09, 0x01): "tracking servo failure",
    (0x09, 0x02): "focus servo failure",
    (0x09, 0x03): "spindle servo failure",
    (0x0C, 0x00): "write error",
    (0x0C, 0x07): "write error - recovery needed",
    (0x0C, 0x08): "write error - recovery failed",
    (0x0C, 0x09): "write error - loss of streaming",
    (0x0C, 0x0A): "write error - padding blocks added",
    (0x11, 0x00): "unrecovered read error",
    (0x11, 0x05): "L-EC uncorrectable error",
    (0x11, 0x06): "CIRC unrecovered error",
    (0x15, 0x00): "random positioning error",
    (0x1A, 0x00): "parameter list length error",
    (0x1B, 0x00): "synchronous data transfer error",
    (0x20, 0x00): "invalid command operation code",
    (0x21, 0x00): "logical block address out of range",
    (0x21, 0x01): "invalid element address",
    (0x21, 0x02): "invalid address for write",
    (0x21, 0x03): "invalid write crossing layer jump",
    (0x24, 0x00): "invalid field in CDB",
    (0x25, 0x00): "logical unit not supported",
    (0x26, 0x00): "invalid field in parameter list",
    (0x26, 0x01): "parameter not supported",
    (0x26, 0x02): "parameter value invalid",
    (0x27, 0x00): "write protected",
    (0x27, 0x01): "hardware write protected",
    (0x27, 0x02): "logical unit software write protected",
    (0x27, 0x03): "associated write protect",
    (0x27, 0x04): "persistent write protect",
    (0x27, 0x05): "permanent write protect",
    (0x28, 0x00): "not ready to ready change, medium may have changed",
    (0x29, 0x00): "power on, reset, or bus device reset occurred",
    (0x29, 0x01): "power on occurred",
    (0x29, 0x02): "SCSI bus reset occurred",
    (0x29, 0x03): "bus device reset function occurred",
    (0x29, 0x04): "device internal reset",
    (0x2A, 0x01): "mode parameters changed",
    (0x2C, 0x00): "command sequence error",
    (0x2C, 0x03): "current program area is not empty",
    (0x2C, 0x04): "current program area is empty",
    (0x30, 0x00): "incompatible medium installed",
    (0x30, 0x01): "cannot read medium - unknown format",
    (0x30, 0x02): "cannot read medium - incompatible format",
    (0x30, 0x03): "cleaning cartridge installed",
    (0x30, 0x04): "cannot write medium - unknown format",
    (0x30, 0x05): "cannot write medium - incompatible format",
    (0x30, 0x06): "cannot format medium - incompatible medium",
    (0x30, 0x07): "cleaning failure",
    (0x30, 0x08): "cannot write - application code mismatch",
    (0x30, 0x09): "current session not fixated for append",
    (0x30, 0x10): "medium not formatted",
    (0x31, 0x00): "medium format corrupted",
    (0x31, 0x01): "format command failed",
    (0x3A, 0x00): "medium not present",
    (0x3A, 0x01): "medium not present - tray closed",
    (0x3A, 0x02): "medium not present - tray open",
    (0x3E, 0x00): "logical unit has not self-configured yet",
    (0x44, 0x00): "internal target failure",
    (0x51, 0x00): "erase failure",
    (0x51, 0x01): "erase failure - incomplete erase operation detected",
    (0x53, 0x00): "media load or eject failed",
    (0x53, 0x02): "medium removal prevented",
    (0x57, 0x00): "unable to recover table-of-contents",
    (0x5A, 0x01): "operator medium removal request",
    (0x63, 0x00): "end of user area encountered on this track",
    (0x63, 0x01): "packet does not fit in available space",
    (0x64, 0x00): "illegal mode for this track",
    (0x64, 0x01): "invalid packet size",
    (0x6F, 0x00): "copy protection key exchange failure - authentication failure",
    (0x6F, 0x01): "copy protection key exchange failure - key not present",
    (0x6F, 0x02): "copy protection key exchange failure - key not established",
    (0x6F, 0x03): "read of scrambled sector without authentication",
    (0x6F, 0x04): "media region code is mismatched to logical unit region",
    (0x6F, 0x05): "drive region must be permanent/region reset count error",
    (0x72, 0x00): "session fixation error",
    (0x72, 0x01): "session fixation error writing lead-in",
    (0x72, 0x02): "session fixation error writing lead-out",
    (0x72, 0x03): "session fixation error - incomplete track in session",
    (0x72, 0x04): "empty or partially written reserved track",
    (0x72, 0x05): "no more track reservations allowed",
    (0x73, 0x00): "CD control error",
    (0x73, 0x01): "power calibration area almost full",
    (0x73, 0x02): "power calibration area is full",
    (0x73, 0x03): "power calibration area error",
    (0x73, 0x04): "program memory area update failure",
    (0x73, 0x05): "program memory area is full",
    (0x73, 0x06): "RMA/PMA is almost full",
}


#: Text of the ASC families the table matches with any ASCQ.
_ASC_FAMILY_TEXT: Final[dict[int, str]] = {
    0x21: "address out of range or invalid for write",
    0x26: "invalid field in parameter list",
    0x27: "write protected",
    0x29: "power on or reset occurred",
    0x30: "incompatible medium",
    0x3A: "medium not present",
    0x6F: "copy protection key exchange failure",
}


def asc_text(asc: int, ascq: int) -> str:
    """The text of an ASC/ASCQ pair; codes outside :data:`ASC_TEXT` are named by value
    (ASC 80h-FFh and ASCQ 80h-FFh are vendor specific, SPC-4 4.5.2.1)."""
    text = ASC_TEXT.get((asc, ascq))
    if text is not None:
        return text
    vendor = " (vendor specific)" if asc >= 0x80 or ascq >= 0x80 else ""
    return f"ASC {asc:02X}h ASCQ {ascq:02X}h{vendor}"


def describe_sense(sense: Sense) -> str:
    """One line for people: "NOT READY 2/3A/01: medium not present - tray closed"."""
    return f"{sense}: {asc_text(sense.asc, sense.ascq)}"


def render_markdown() -> str:
    """docs/sense-to-hresult.md, rendered from :data:`SENSE_TABLE` and :data:`STATUS_TABLE`."""
    lines = [
        "# Sense data to IMAPI HRESULT",
        "",
        "<!-- generated by tools/gen_sense_doc.py from openimapi.mmc.sense_map; do not edit -->",
        "",
        "How `openimapi.mmc.sense_map` turns a device's CHECK CONDITION into the IMAPI error",
        "it means. Rows are read top to bottom and the first match wins; `xx` matches any",
        "value, and a row with commands applies only to them. Every error keeps the decoded",
        "sense (`err.sense`) and the CDB (`err.cdb`).",
        "",
        "- Sense keys NO SENSE (0) and RECOVERED ERROR (1) are not failures: no error.",
        f"- A CHECK CONDITION without sense data, and any sense no row names, give "
        f"`{GENERIC_DEVICE_ERROR.name}` (0x{GENERIC_DEVICE_ERROR.hresult:08X}), the code IMAPI",
        "  documents for 'the device reported unexpected or invalid data for a command'.",
        "- A command the transport gives up on (no answer within its timeout) is",
        f"  `{errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT.name}` "
        f"(0x{errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT.hresult:08X}), raised by the transport",
        "  (`command_timeout_error`); it is also a `TimeoutError`.",
        "",
        "## CHECK CONDITION",
        "",
        "| # | key/ASC/ASCQ | sense text | commands | IMAPI error | HRESULT | reason |",
        "|---|---|---|---|---|---|---|",
    ]
    for number, rule in enumerate(SENSE_TABLE, 1):
        if rule.asc is None:
            text = ""
        elif rule.ascq is None:
            text = f"{_ASC_FAMILY_TEXT[rule.asc]} (any ASCQ)"
        else:
            text = asc_text(rule.asc, rule.ascq)
        commands = ", ".join(sorted(_OPCODE_NAMES[op] for op in rule.opcodes)) or "any"
        lines.append(
            f"| {number} | {rule.pattern} | {text} | {commands} | `{rule.error.name}` "
            f"| 0x{rule.error.hresult:08X} | {rule.reason} |"
        )
    lines += [
        "",
        "## Other status bytes",
        "",
        "| status | IMAPI error | HRESULT | reason |",
        "|---|---|---|---|",
    ]
    for srule in STATUS_TABLE:
        lines.append(
            f"| {srule.status:02X}h | `{srule.error.name}` | 0x{srule.error.hresult:08X} | {srule.reason} |"
        )
    lines += [
        "",
        "GOOD (00h) and CONDITION MET (04h) succeed; any other status gives "
        f"`{GENERIC_DEVICE_ERROR.name}`.",
        "",
        "## IMAPI device codes that do not come from sense data",
        "",
        "| IMAPI error | where it comes from |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {origin} |" for name, origin in NOT_FROM_SENSE]
    lines.append("")
    return "\n".join(lines)

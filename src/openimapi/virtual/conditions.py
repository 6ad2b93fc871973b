"""The one exception the device's logic raises: a CHECK CONDITION with its sense."""

from __future__ import annotations

from openimapi.mmc.sense import build_fixed_sense

__all__ = ["CheckCondition", "sense_bytes"]


class CheckCondition(Exception):
    """The command ends with CHECK CONDITION and this sense (key/ASC/ASCQ).

    ``field`` is ``(in_cdb, byte, bit_or_None)`` for ILLEGAL REQUEST answers,
    ``progress`` (0..65535) for NOT READY answers of a long operation, ``information``
    the LBA a medium error happened at.
    """

    def __init__(
        self,
        key: int,
        asc: int,
        ascq: int,
        message: str = "",
        *,
        field: tuple[bool, int, int | None] | None = None,
        progress: int | None = None,
        information: int | None = None,
    ) -> None:
        super().__init__(message or f"{key:X}/{asc:02X}/{ascq:02X}")
        self.key = key
        self.asc = asc
        self.ascq = ascq
        self.field = field
        self.progress = progress
        self.information = information

    @property
    def sense(self) -> bytes:
        """18 bytes of fixed-format sense data."""
        return build_fixed_sense(
            self.key,
            self.asc,
            self.ascq,
            information=self.information,
            progress=self.progress,
            field_pointer=self.field,
        )


def sense_bytes(exc: CheckCondition) -> bytes:
    """The sense bytes of ``exc``."""
    return exc.sense


# Frequent answers (SPC-4 / MMC-6 sense tables).
def invalid_field(byte: int, bit: int | None = None, *, in_cdb: bool = True, message: str = "") -> CheckCondition:
    """5/24/00 INVALID FIELD IN CDB (or 5/26/00 IN PARAMETER LIST) with a field pointer."""
    asc = 0x24 if in_cdb else 0x26
    return CheckCondition(0x5, asc, 0x00, message, field=(in_cdb, byte, bit))


def lba_out_of_range(message: str = "") -> CheckCondition:
    """5/21/00 LOGICAL BLOCK ADDRESS OUT OF RANGE."""
    return CheckCondition(0x5, 0x21, 0x00, message)


def invalid_write_address(message: str = "") -> CheckCondition:
    """5/21/02 INVALID ADDRESS FOR WRITE."""
    return CheckCondition(0x5, 0x21, 0x02, message)


def incompatible_format(message: str = "") -> CheckCondition:
    """5/30/05 CANNOT WRITE MEDIUM - INCOMPATIBLE FORMAT."""
    return CheckCondition(0x5, 0x30, 0x05, message)


def not_formatted(message: str = "") -> CheckCondition:
    """5/30/10 MEDIUM NOT FORMATTED."""
    return CheckCondition(0x5, 0x30, 0x10, message)


def write_protected(message: str = "") -> CheckCondition:
    """7/27/00 WRITE PROTECTED."""
    return CheckCondition(0x7, 0x27, 0x00, message)


def no_medium(tray_open: bool) -> CheckCondition:
    """2/3A/02 MEDIUM NOT PRESENT - TRAY OPEN, or 2/3A/01 - TRAY CLOSED."""
    return CheckCondition(0x2, 0x3A, 0x02 if tray_open else 0x01, "no medium")


def parameter_length_error(message: str = "") -> CheckCondition:
    """5/1A/00 PARAMETER LIST LENGTH ERROR."""
    return CheckCondition(0x5, 0x1A, 0x00, message)

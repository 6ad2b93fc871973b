"""Compact-disc encodings of ECMA-130 and the Red Book, as pure array code: data sectors
(sync, header, EDC, Reed-Solomon product code), independent of any device.
"""

from openimapi.cd.sector import (
    SECTOR_RAW,
    SECTOR_USER_MODE1,
    SYNC,
    compute_ecc,
    compute_edc,
    encode_mode1,
    encode_mode2_form1,
    encode_mode2_form2,
    lba_to_header_msf,
)

__all__ = [
    "SECTOR_RAW",
    "SECTOR_USER_MODE1",
    "SYNC",
    "compute_ecc",
    "compute_edc",
    "encode_mode1",
    "encode_mode2_form1",
    "encode_mode2_form2",
    "lba_to_header_msf",
]

"""Disc identifiers computed from an audio CD's table of contents.

Both take the TOC as the Red Book sees it: ``offsets`` are the start addresses of tracks
``first..last`` in frames *including* the 150-frame (2 s) pre-gap of the program area
(LBA + 150), and ``leadout`` is the lead-out's address in the same units.

* MusicBrainz disc id: the SHA-1 of an upper-case hexadecimal text (first track as 2
  digits, last track as 2, lead-out as 8, then 99 track offsets as 8 digits each, 0 for
  tracks that do not exist), encoded in base64 with '.', '_' and '-' in place of '+', '/'
  and '='.
* FreeDB (CDDB) id: 8 bits of the sum of the decimal digits of each track's start second,
  16 bits of the playing time in seconds, 8 bits of the number of tracks. As libdiscid
  (and so python-discid and MusicBrainz) computes it, the playing time runs from track 1's
  start (0 when the disc has no track 1) and the count is the last track number.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from itertools import pairwise

__all__ = ["freedb_id", "musicbrainz_id"]


def _check(first: int, offsets: Sequence[int], leadout: int) -> None:
    if not 1 <= first <= 99 or not 1 <= len(offsets) <= 99 or first + len(offsets) - 1 > 99:
        raise ValueError("track numbers must lie within 1..99")
    if any(b <= a for a, b in pairwise(offsets)) or leadout <= offsets[-1]:
        raise ValueError("track offsets must increase and end before the lead-out")
    if offsets[0] < 0:
        raise ValueError("offsets are LBA + 150 and cannot be negative")


def musicbrainz_id(first: int, offsets: Sequence[int], leadout: int) -> str:
    """The MusicBrainz disc id of a TOC (see module doc).

    Raises:
        ValueError: track numbers outside 1..99 or offsets not increasing.
    """
    _check(first, offsets, leadout)
    last = first + len(offsets) - 1
    slots = [0] * 99
    for i, off in enumerate(offsets):
        slots[first - 1 + i] = off
    text = f"{first:02X}{last:02X}{leadout:08X}" + "".join(f"{v:08X}" for v in slots)
    digest = hashlib.sha1(text.encode("ascii")).digest()
    return base64.b64encode(digest, altchars=b"._").decode("ascii").replace("=", "-")


def freedb_id(first: int, offsets: Sequence[int], leadout: int) -> str:
    """The FreeDB/CDDB disc id of a TOC, as 8 lower-case hexadecimal digits.

    Raises:
        ValueError: track numbers outside 1..99 or offsets not increasing.
    """
    _check(first, offsets, leadout)
    last = first + len(offsets) - 1
    digit_sum = sum(sum(int(d) for d in str(off // 75)) for off in offsets)
    track1 = offsets[0] if first == 1 else 0
    seconds = leadout // 75 - track1 // 75
    return f"{((digit_sum % 255) << 24) | (seconds << 8) | last:08x}"

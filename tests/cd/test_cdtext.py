"""CD-TEXT packs: the libcdio pack data (real discs and libburn's encoder output) decodes to
its texts and re-encodes byte for byte; packs we build from scratch carry valid CRCs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openimapi.cd.cdtext import CdText, CdTextBlock, cdtext_crc, decode_packs, encode_packs, pack_crc_ok

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = json.loads((DATA / "captures" / "dataset_cd-text-packs_libcdio.json").read_text())["files"]


@pytest.mark.parametrize("entry", FILES, ids=[f["file"] for f in FILES])
def test_dataset_roundtrip_byte_exact(entry: dict[str, object]) -> None:
    hex_packs = entry["pack_data_hex"]
    assert isinstance(hex_packs, list)
    raw = b"".join(bytes.fromhex(p) for p in hex_packs)
    assert all(pack_crc_ok(raw[i : i + 18]) for i in range(0, len(raw), 18))
    assert encode_packs(decode_packs(raw)) == raw


def test_dataset_texts() -> None:
    raw = b"".join(bytes.fromhex(p) for p in FILES[0]["pack_data_hex"])
    block = decode_packs(raw).blocks[0]
    assert (block.first_track, block.last_track, block.language) == (1, 10, 0x09)
    assert block.text(0x80) == "A Memoir of Free Will"
    assert block.text(0x81, 1) == "Krosis"
    assert block.text(0x8E, 1).startswith("QM7281905")  # an ISRC


def test_two_language_blocks() -> None:
    raw = b"".join(bytes.fromhex(p) for p in FILES[2]["pack_data_hex"])
    blocks = decode_packs(raw).blocks
    assert [b.language for b in blocks] == [0x09, 0x08]
    assert blocks[1].text(0x80) == "Freudvolle Nächte"


def test_build_from_scratch() -> None:
    block = CdTextBlock(first_track=1, last_track=2)
    block.items[0x80] = [b"Album", b"First song with a long title", b"Second"]
    block.items[0x81] = [b"Band", b"\t", b"\t"]
    block.items[0x8E] = [b"0123456789012", b"USABC2600001", b"USABC2600002"]
    raw = encode_packs(CdText([block]))
    assert len(raw) % 18 == 0
    assert all(pack_crc_ok(raw[i : i + 18]) for i in range(0, len(raw), 18))
    back = decode_packs(raw).blocks[0]
    assert back.items == block.items
    assert back.text(0x80, 1) == "First song with a long title"
    # character position: the second title pack starts 7 characters into track 1's title
    packs = [raw[i : i + 18] for i in range(0, len(raw), 18)]
    assert (packs[1][0], packs[1][1], packs[1][3] & 0x0F) == (0x80, 1, 6)


def test_bad_crc_pack_is_skipped_and_bad_input_refused() -> None:
    raw = bytearray(b"".join(bytes.fromhex(p) for p in FILES[0]["pack_data_hex"]))
    raw[4] ^= 0xFF
    assert not pack_crc_ok(bytes(raw[:18]))
    assert decode_packs(bytes(raw)).blocks[0].text(0x80).startswith("A Memoir") is False
    with pytest.raises(ValueError):
        decode_packs(b"\0" * 17)
    block = CdTextBlock(items={0x80: [b"a\0b", b""]})
    with pytest.raises(ValueError, match="terminator"):
        encode_packs(CdText([block]))


def test_crc_known_value() -> None:
    # CRC-16/XMODEM check value of "123456789" (same polynomial, zero start)
    assert cdtext_crc(b"123456789") == 0x31C3

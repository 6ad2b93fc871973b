"""The sans-I/O half of the iSCSI initiator: PDU bytes, text keys, negotiation, CHAP."""

from __future__ import annotations

import hashlib

import pytest

from openimapi.transport import parse_address
from openimapi.transport.iscsi import Portal, parse_target, pdu
from openimapi.transport.iscsi import keys as k


def test_scsi_command_pdu_bytes() -> None:
    bhs = pdu.scsi_command_pdu(
        lun=1, itt=0x11223344, cdb=bytes([0x12, 0, 0, 0, 96, 0]), read=True, write=False,
        expected_length=96, cmd_sn=7, exp_stat_sn=9, immediate_length=0, final=True,
    )  # fmt: skip
    assert len(bhs) == 48
    assert bhs[0] == 0x01 and bhs[1] == 0x80 | 0x40 | 0x01  # F, R, ATTR=simple
    assert bhs[4:8] == bytes(4)  # no AHS, no data
    assert bhs[8:16] == bytes([0, 1, 0, 0, 0, 0, 0, 0])  # LUN 1, peripheral addressing
    assert bhs[16:20] == bytes.fromhex("11223344")
    assert bhs[20:24] == (96).to_bytes(4, "big")
    assert bhs[24:28] == (7).to_bytes(4, "big") and bhs[28:32] == (9).to_bytes(4, "big")
    assert bhs[32:48] == bytes([0x12, 0, 0, 0, 96, 0]) + bytes(10)


def test_write_command_with_unsolicited_data_to_follow_clears_f() -> None:
    bhs = pdu.scsi_command_pdu(
        lun=300, itt=1, cdb=bytes(10), read=False, write=True, expected_length=65536,
        cmd_sn=1, exp_stat_sn=1, immediate_length=8192, final=False,
    )  # fmt: skip
    assert bhs[1] == 0x20 | 0x01
    assert bhs[5:8] == (8192).to_bytes(3, "big")
    assert bhs[8:10] == bytes([0x41, 0x2C])  # LUN 300, flat space addressing


def test_data_out_and_nop_out_bytes() -> None:
    out = pdu.data_out_pdu(
        lun=1, itt=5, ttt=0xAABBCCDD, exp_stat_sn=3, data_sn=2, offset=16384, length=8192, final=True
    )
    assert out[0] == 0x05 and out[1] == 0x80 and out[5:8] == (8192).to_bytes(3, "big")
    assert out[20:24] == bytes.fromhex("AABBCCDD") and out[28:32] == (3).to_bytes(4, "big")
    assert out[36:40] == (2).to_bytes(4, "big") and out[40:44] == (16384).to_bytes(4, "big")
    nop = pdu.nop_out_pdu(itt=pdu.NO_TAG, ttt=0x10, cmd_sn=4, exp_stat_sn=6)
    assert nop[0] == 0x40 and nop[16:20] == b"\xff\xff\xff\xff" and nop[20:24] == (0x10).to_bytes(4, "big")


def test_login_pdu_stages_and_isid() -> None:
    bhs = pdu.login_pdu(
        isid=bytes.fromhex("80123456" "0000"), tsih=0, itt=1, cid=0, cmd_sn=1, exp_stat_sn=0,
        current_stage=1, next_stage=3, transit=True, data_length=10,
    )  # fmt: skip
    assert bhs[0] == 0x43 and bhs[1] == 0x80 | (1 << 2) | 3
    assert bhs[8:14] == bytes.fromhex("801234560000") and bhs[14:16] == bytes(2)


def test_parse_data_in_with_status_and_underflow() -> None:
    raw = bytearray(48)
    raw[0], raw[1], raw[3] = 0x25, 0x80 | 0x02 | 0x01, 0x00
    raw[5:8] = (36).to_bytes(3, "big")
    raw[16:20] = (9).to_bytes(4, "big")
    raw[24:28] = (41).to_bytes(4, "big")
    raw[40:44] = (0).to_bytes(4, "big")
    raw[44:48] = (60).to_bytes(4, "big")
    header = pdu.parse_bhs(raw)
    assert header.opcode == pdu.Opcode.DATA_IN and header.data_length == 36 and header.itt == 9
    assert header.flags & pdu.ResponseFlags.STATUS and header.flags & pdu.ResponseFlags.UNDERFLOW
    assert header.stat_sn == 41 and header.residual == 60


def test_parse_rejects_initiator_opcodes_and_bad_lengths() -> None:
    with pytest.raises(pdu.ProtocolViolation, match="initiator opcode"):
        pdu.parse_bhs(bytes([0x01]) + bytes(47))
    with pytest.raises(pdu.ProtocolViolation, match="unknown"):
        pdu.parse_bhs(bytes([0x3A]) + bytes(47))
    with pytest.raises(pdu.ProtocolViolation):
        pdu.parse_bhs(bytes(47))


def test_text_round_trip() -> None:
    data = k.encode_text([("SendTargets", "All"), ("X", "a=b")])
    assert data == b"SendTargets=All\0X=a=b\0"
    assert k.decode_text(data + b"\0\0") == [("SendTargets", "All"), ("X", "a=b")]
    with pytest.raises(k.NegotiationError):
        k.decode_text(b"novalue\0")


def test_negotiation_follows_rfc_7143_result_functions() -> None:
    ours = k.Parameters(max_burst=1048576, first_burst=262144, immediate_data=True, initial_r2t=False)
    result, replies = k.negotiate(
        ours,
        {
            "MaxBurstLength": "262144",  # min
            "FirstBurstLength": "65536",  # min
            "ImmediateData": "Yes",  # and
            "InitialR2T": "Yes",  # or
            "MaxRecvDataSegmentLength": "8192",  # declarative: our send limit
            "DefaultTime2Wait": "2",  # max
            "HeaderDigest": "None",
            "TargetAlias": "x",
            "X-vendor-key": "1",
        },
    )
    assert (result.max_burst, result.first_burst, result.immediate_data, result.initial_r2t) == (
        262144, 65536, True, True,
    )  # fmt: skip
    assert result.max_send_data_segment == 8192 and result.default_time2wait == 2
    assert replies == [("X-vendor-key", "NotUnderstood")]
    with pytest.raises(k.NegotiationError, match="CRC32C"):
        k.negotiate(ours, {"HeaderDigest": "CRC32C"})
    with pytest.raises(k.NegotiationError, match="outside"):
        k.negotiate(ours, {"MaxBurstLength": "12"})
    rejected, _ = k.negotiate(ours, {"MaxBurstLength": "Reject", "InitialR2T": "NotUnderstood"})
    assert rejected.max_burst == 262144 and rejected.initial_r2t  # the RFC defaults hold
    with pytest.raises(ValueError, match="outside"):
        k.Parameters(max_burst=1 << 24)


def test_chap_response_is_md5_of_id_secret_challenge() -> None:
    challenge = bytes.fromhex("0123456789abcdef")
    expected = hashlib.md5(b"\x07" + b"twelve-bytes!" + challenge).hexdigest()
    keys, issued = k.chap_answer(
        k.Chap("me", "twelve-bytes!"), {"CHAP_A": "5", "CHAP_I": "7", "CHAP_C": "0x0123456789ABCDEF"}
    )
    assert keys == [("CHAP_N", "me"), ("CHAP_R", "0x" + expected)] and issued is None
    with pytest.raises(k.NegotiationError, match="MD5"):
        k.chap_answer(k.Chap("me", "twelve-bytes!"), {"CHAP_A": "7", "CHAP_I": "1", "CHAP_C": "0x00"})
    with pytest.raises(ValueError, match="12 bytes"):
        k.Chap("me", "short")
    assert "twelve" not in repr(k.Chap("me", "twelve-bytes!"))


def test_mutual_chap_issues_a_challenge_and_checks_the_answer() -> None:
    chap = k.Chap("me", "twelve-bytes!", "target", "target-secret!")
    keys, issued = k.chap_answer(chap, {"CHAP_A": "5", "CHAP_I": "1", "CHAP_C": "0xaa"})
    assert issued is not None and {"CHAP_I", "CHAP_C"} <= dict(keys).keys()
    good = "0x" + hashlib.md5(bytes([issued[0]]) + b"target-secret!" + issued[1]).hexdigest()
    k.check_target_chap(chap, issued, {"CHAP_N": "target", "CHAP_R": good})
    with pytest.raises(k.NegotiationError):
        k.check_target_chap(chap, issued, {"CHAP_N": "target", "CHAP_R": "0x" + "00" * 16})


def test_address_parsing() -> None:
    portal, name, lun = parse_target(parse_address("iscsi://[::1]:3261/iqn.2026-01.lab:dvd/3").target)
    assert portal == Portal("::1", 3261) and name == "iqn.2026-01.lab:dvd" and lun == 3
    assert str(portal) == "[::1]:3261"
    portal, _, _ = parse_target("burner.lab/iqn.2026-01.lab:dvd/0")
    assert portal == Portal("burner.lab", 3260)
    assert Portal.parse("10.0.0.1:3260,1") == Portal("10.0.0.1", 3260)
    with pytest.raises(ValueError):
        parse_target("host/iqn.2026-01.lab:dvd/20000")

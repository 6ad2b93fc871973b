"""The device queries and commands the IMAPI2 objects need, over one transport.

Every call sends MMC commands and decodes the answer afresh (nothing is cached, so a medium
change is always seen). Field positions cite MMC-6 / SPC-4 clauses. Errors are the
documented IMAPI errors (see :mod:`openimapi.engine.device`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from openimapi import errors
from openimapi.engine.device import deliver, error_for_completion, run
from openimapi.mmc import Command, Completion, disc, formatunit, modepages, modeparams, performance, spc, speed, write
from openimapi.mmc import drive as mmc_drive
from openimapi.mmc import features as mmc_features
from openimapi.mmc.codec import MalformedData
from openimapi.mmc.read import Read10
from openimapi.mmc.sense import SenseKey, decode_sense
from openimapi.transport import Transport

__all__ = ["DiscInfo", "Drive", "Feature", "Identity", "SpeedDescriptor", "StillBusy", "TrackInfo"]


class StillBusy(errors.E_IMAPI_RECORDER_COMMAND_TIMEOUT):
    """The drive kept reporting an operation in progress past the caller's limit."""


#: Profiles (MMC-6 table 79) by role.
ROM_PROFILES = frozenset({0x08, 0x10, 0x40, 0x50})
SEQUENTIAL_PROFILES = frozenset({0x09, 0x0A, 0x11, 0x14, 0x15, 0x16, 0x1B, 0x2B, 0x41})
OVERWRITE_PROFILES = frozenset({0x12, 0x13, 0x1A, 0x2A, 0x42, 0x43})
DVD_DASH_PROFILES = frozenset({0x11, 0x13, 0x14, 0x15, 0x16})
CD_PROFILES = frozenset({0x08, 0x09, 0x0A})
BD_PROFILES = frozenset({0x40, 0x41, 0x42, 0x43})


@dataclass(frozen=True, slots=True)
class Identity:
    """Standard INQUIRY data (SPC-4 6.6.2)."""

    device_type: int
    vendor_id: str
    product_id: str
    product_revision: str
    removable: bool


@dataclass(frozen=True, slots=True)
class Feature:
    """One GET CONFIGURATION feature descriptor (MMC-6 5.2)."""

    code: int
    version: int
    persistent: bool
    current: bool
    data: bytes

    def to_bytes(self) -> bytes:
        flags = (self.version << 2) | (2 if self.persistent else 0) | (1 if self.current else 0)
        return self.code.to_bytes(2, "big") + bytes([flags, len(self.data)]) + self.data


@dataclass(frozen=True, slots=True)
class DiscInfo:
    """READ DISC INFORMATION, standard disc information (MMC-6 6.22.3.1)."""

    erasable: bool
    last_session_state: int  # 0 empty, 1 incomplete, 2 damaged, 3 complete
    disc_status: int  # 0 empty, 1 incomplete (appendable), 2 complete, 3 other (random access)
    first_track: int
    sessions: int
    first_track_last_session: int
    last_track_last_session: int
    bg_format: int
    last_session_lead_in: int
    last_possible_lead_out: int
    raw: bytes


@dataclass(frozen=True, slots=True)
class TrackInfo:
    """READ TRACK INFORMATION (MMC-6 6.27.3)."""

    track: int
    session: int
    damage: bool
    track_mode: int
    reserved: bool
    blank: bool
    packet: bool
    fixed_packet: bool
    data_mode: int
    nwa_valid: bool
    lra_valid: bool
    start: int
    next_writable: int
    free_blocks: int
    size: int
    last_recorded: int
    raw: bytes


@dataclass(frozen=True, slots=True)
class SpeedDescriptor:
    """A write speed of GET PERFORMANCE type 03h (MMC-6 6.8.2.8), in kB/s (1000 bytes)."""

    wrc: int
    exact: bool
    end_lba: int
    read_speed: int
    write_speed: int


_T = TypeVar("_T")


class Drive:
    """Typed commands over a transport; every method is one exchange (or a short sequence).

    ``sleep`` and ``clock`` are what the retries of :func:`openimapi.engine.device.run` and
    :meth:`wait_ready` wait with (tests inject a fake clock).
    """

    def __init__(
        self,
        transport: Transport,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport
        self.sleep = sleep
        self.clock = clock

    # -- plumbing ---------------------------------------------------------------------------
    def run(self, command: Command) -> Completion:
        """Raises: ImapiError for a failed command (see engine.device.run, which retries
        becoming ready, long write in progress and a UNIT ATTENTION)."""
        return run(self.transport, command, sleep=self.sleep, clock=self.clock)

    # -- identity and capabilities ------------------------------------------------------------
    def inquiry(self) -> Identity:
        """INQUIRY, 96 bytes (SPC-4 6.6, decoded by :mod:`openimapi.mmc.spc`).

        Raises:
            E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE: the answer does not decode.
        """
        data = self.run(spc.Inquiry(allocation_length=96).to_command()).data
        ident = self._decode(spc.InquiryData.from_bytes, data, "INQUIRY")
        return Identity(ident.peripheral_device_type, ident.vendor, ident.product, ident.revision, ident.rmb)

    def configuration(self, rt: int = 0, start: int = 0) -> tuple[int, list[Feature]]:
        """GET CONFIGURATION (MMC-6 6.6): the current profile and the feature descriptors.

        Raises:
            E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED: the drive rejects the command.
        """
        command = mmc_features.GetConfiguration(
            rt=rt & 3, starting_feature=start, allocation_length=0xFFF8
        ).to_command()
        try:
            data = self.run(command).data
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is not None and sense.key == SenseKey.ILLEGAL_REQUEST and sense.asc == 0x20:
                raise errors.E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED(str(exc)) from exc
            raise
        config = self._decode(mmc_features.Configuration.from_bytes, data, "GET CONFIGURATION")
        features: list[Feature] = []
        for f in config.features:
            raw = f.to_bytes()
            features.append(Feature(f.code, f.version, f.persistent, f.current, raw[4 : 4 + raw[3]]))
        return config.current_profile, features

    def feature(self, code: int) -> Feature | None:
        """The descriptor of one feature (RT=2), or None when the drive lacks it."""
        _, features = self.configuration(rt=2, start=code)
        for f in features:
            if f.code == code:
                return f
        return None

    def current_profile(self) -> int:
        """The current profile (0 when no medium is present)."""
        profile, _ = self.configuration(rt=1, start=0xFFFF)  # header only: no feature has code FFFFh
        return profile

    def profiles(self) -> list[tuple[int, bool]]:
        """The profile list of feature 0000h: (profile, current) in the drive's order."""
        command = mmc_features.GetConfiguration(rt=2, starting_feature=0, allocation_length=0xFFF8).to_command()
        data = self.run(command).data
        config = self._decode(mmc_features.Configuration.from_bytes, data, "GET CONFIGURATION")
        return [(p.number, p.current) for p in config.profiles]

    def mode_sense(self, page: int, pc: int = 0) -> bytes:
        """MODE SENSE(10) of one page (SPC-4 6.12), the page bytes without header or block descriptors.

        Raises:
            E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE: the drive does not have the page.
        """
        command = spc.ModeSense10(page_code=page & 0x3F, allocation_length=0xFFF8, page_control=pc & 3).to_command()
        try:
            data = self.run(command).data
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is not None and sense.key == SenseKey.ILLEGAL_REQUEST and sense.asc == 0x24:
                raise errors.E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE(f"mode page {page:#04x}: {exc}") from exc
            raise
        params = self._decode(modeparams.ModeParameters.from_bytes, data, "MODE SENSE")
        if not params.pages or params.pages[0].code != page & 0x3F:
            raise errors.E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE(f"mode page {page:#04x} not returned")
        return params.pages[0].to_bytes()

    def capabilities(self) -> modepages.CapabilitiesPage:
        """Mode page 2Ah decoded (:class:`openimapi.mmc.modepages.CapabilitiesPage`); its
        ``page_length`` is the length the drive declared (older drives send shorter pages).

        Raises:
            E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE: the drive does not have the page.
            E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE: the page does not decode.
        """
        page = self.mode_sense(0x2A)
        return self._decode(modepages.CapabilitiesPage.from_bytes, page, "mode page 2Ah")

    def write_parameters(self) -> modepages.WriteParametersPage:
        """Mode page 05h decoded (:class:`openimapi.mmc.modepages.WriteParametersPage`).

        Raises:
            E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE: the drive does not have the page.
            E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE: the page does not decode.
        """
        page = self.mode_sense(0x05)
        return self._decode(modepages.WriteParametersPage.from_bytes, page, "mode page 05h")

    def mode_header_wp(self) -> bool:
        """The WP bit of the mode parameter header (device-specific byte, bit 7), via page 2Ah."""
        data = self.run(spc.ModeSense10(page_code=0x2A, allocation_length=8).to_command()).data
        header = self._decode(modeparams.ModeParameterHeader10.from_bytes, data, "MODE SENSE")
        return bool(header.device_specific & 0x80)

    def mode_select(self, page: bytes) -> None:
        """MODE SELECT(10) of one page with PF=1 (SPC-4 6.10).

        Raises:
            E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS: the drive rejects the page.
        """
        try:
            parsed, _ = modepages.parse_mode_page(bytes([page[0] & 0x3F]) + page[1:])
        except MalformedData as exc:
            raise errors.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS(f"not a mode page: {exc}") from exc
        command = spc.ModeSelect10.for_parameters(modeparams.ModeParameters(pages=(parsed,))).to_command()
        try:
            self.run(command)
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is not None and sense.key == SenseKey.ILLEGAL_REQUEST and sense.asc in (0x24, 0x26):
                raise errors.E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS(str(exc)) from exc
            raise

    def mode_pages(self) -> list[int]:
        """Codes of every mode page the drive reports (MODE SENSE page 3Fh)."""
        data = self.run(spc.ModeSense10(page_code=0x3F, allocation_length=0xFFF8).to_command()).data
        params = self._decode(modeparams.ModeParameters.from_bytes, data, "MODE SENSE")
        return [p.code for p in params.pages]

    # -- medium state ---------------------------------------------------------------------------
    def test_unit_ready(self) -> Completion:
        """TEST UNIT READY, answer returned as is (never raises for CHECK CONDITION)."""
        return deliver(self.transport, spc.TestUnitReady().to_command())

    def require_medium(self) -> None:
        """Raises: the documented error when TEST UNIT READY is not GOOD (no medium, ...)."""
        self.run(spc.TestUnitReady().to_command())

    def _decode(self, decoder: Callable[[bytes], _T], data: bytes, what: str) -> _T:
        try:
            return decoder(data)
        except MalformedData as exc:
            raise errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE(f"{what}: {exc}") from exc

    def disc_info(self) -> DiscInfo:
        """READ DISC INFORMATION, data type 000b (decoded by :mod:`openimapi.mmc.disc`).

        Raises:
            E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE: the answer does not decode.
        """
        data = self.run(disc.ReadDiscInformation(allocation_length=34).to_command()).data
        info = self._decode(disc.DiscInformation.from_bytes, data, "READ DISC INFORMATION")
        return DiscInfo(
            erasable=info.erasable,
            last_session_state=int(info.last_session_state),
            disc_status=int(info.disc_status),
            first_track=info.first_track,
            sessions=info.sessions,
            first_track_last_session=info.first_track_last_session,
            last_track_last_session=info.last_track_last_session,
            bg_format=info.bg_format_status,
            last_session_lead_in=info.last_session_lead_in,
            last_possible_lead_out=info.last_possible_lead_out,
            raw=data,
        )

    def track_info(self, track: int) -> TrackInfo:
        """READ TRACK INFORMATION by track number (FFh = the invisible/incomplete track).

        Raises:
            E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE: fewer than 28 bytes returned.
        """
        return self._track_info(1, track)

    def track_info_at(self, lba: int) -> TrackInfo:
        """READ TRACK INFORMATION of the track holding ``lba``."""
        return self._track_info(0, lba)

    def _track_info(self, address_type: int, value: int) -> TrackInfo:
        command = disc.ReadTrackInformation(address_type=address_type, address=value).to_command()
        data = self.run(command).data
        t = self._decode(disc.TrackInformation.from_bytes, data, "READ TRACK INFORMATION")
        return TrackInfo(
            track=t.track,
            session=t.session,
            damage=t.damage,
            track_mode=t.track_mode,
            reserved=t.rt,
            blank=t.blank,
            packet=t.packet,
            fixed_packet=t.fp,
            data_mode=t.data_mode,
            nwa_valid=t.nwa_valid,
            lra_valid=t.lra_valid,
            start=t.start_address,
            next_writable=t.next_writable_address,
            free_blocks=t.free_blocks,
            size=t.track_size,
            last_recorded=t.last_recorded_address,
            raw=data,
        )

    def read_capacity(self) -> tuple[int, int]:
        """READ CAPACITY (MMC-6 6.23): (last LBA, block length)."""
        data = self.run(disc.ReadCapacity().to_command()).data
        cap = self._decode(disc.ReadCapacityData.from_bytes, data, "READ CAPACITY")
        return cap.last_lba, cap.block_length

    def format_capacities(self) -> tuple[int, int, list[tuple[int, int, int]]]:
        """READ FORMAT CAPACITIES (MMC-6 6.24): (current blocks, descriptor type, [(blocks, type, param)])."""
        data = self.run(disc.ReadFormatCapacities(allocation_length=0xFFF8).to_command()).data
        caps = self._decode(disc.FormatCapacities.from_bytes, data, "READ FORMAT CAPACITIES")
        formattable = [(d.blocks, d.format_type, d.parameter) for d in caps.formattable]
        return caps.current.blocks, int(caps.current.descriptor_type), formattable

    def read(self, lba: int, blocks: int) -> bytes:
        """READ(10) of user-data sectors (2048 bytes each)."""
        return self.run(Read10(lba, blocks).to_command(timeout=30.0)).data

    def buffer_capacity(self) -> tuple[int, int]:
        """READ BUFFER CAPACITY (MMC-6 6.20): (buffer length, blank length) in bytes; (0, 0) if unsupported."""
        try:
            data = self.run(mmc_drive.ReadBufferCapacity().to_command()).data
            answer = mmc_drive.BufferCapacity.from_bytes(data)
        except (errors.ImapiError, MalformedData):
            return 0, 0
        return answer.buffer_length, answer.available

    # -- speeds ----------------------------------------------------------------------------------
    def write_speeds(self) -> list[SpeedDescriptor]:
        """GET PERFORMANCE type 03h: the write speeds of the current medium (may be empty)."""
        command = performance.GetPerformance(performance.PerformanceType.WRITE_SPEED, max_descriptors=64).to_command()
        try:
            data = self.run(command).data
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is not None and sense.key == SenseKey.ILLEGAL_REQUEST:
                return []
            raise
        try:
            speeds = performance.WriteSpeeds.from_bytes(data)
        except MalformedData:
            return []
        return [SpeedDescriptor(d.wrc, d.exact, d.end_lba, d.read_speed, d.write_speed) for d in speeds.descriptors]

    def set_streaming(self, write_kbps: int, end_lba: int, wrc: int = 0) -> None:
        """SET STREAMING with one performance descriptor (MMC-6 6.39): write ``write_kbps`` kB/s."""
        size = 0xFFFFFFFF if write_kbps <= 0 else write_kbps
        desc = speed.PerformanceDescriptor(max(0, end_lba), size, 1000, size, 1000, wrc=wrc & 1)
        self.run(speed.SetStreaming.for_descriptor(desc).to_command())

    def set_cd_speed(self, write_kbps: int, rotation: int = 0) -> None:
        """SET CD SPEED (MMC-6 6.38); 0xFFFF = the fastest."""
        kbps = speed.MAX_SPEED if write_kbps <= 0 else min(write_kbps, speed.MAX_SPEED)
        rotation_control = speed.RotationalControl(rotation & 1)
        self.run(speed.SetCdSpeed(write_speed=kbps, rotational_control=rotation_control).to_command())

    # -- mechanics ---------------------------------------------------------------------------------
    def start_stop(self, *, load_eject: bool, start: bool, immed: bool = False) -> None:
        """START STOP UNIT (MMC-6 6.40): LoEj+!Start ejects, LoEj+Start loads."""
        self.run(spc.StartStopUnit(start=start, loej=load_eject, immed=immed).to_command(timeout=30.0))

    def prevent_removal(self, prevent: bool) -> None:
        """PREVENT ALLOW MEDIUM REMOVAL (MMC-6 6.12)."""
        self.run(spc.PreventAllowMediumRemoval(prevent=prevent).to_command())

    def release_medium(self, attempts: int = 5, pause: float = 0.2) -> bool:
        """ALLOW MEDIUM REMOVAL, retried a few times as Microsoft's erase sample does; True
        when the drive took it. Never raises: it runs on the way out of a failed job."""
        for attempt in range(attempts):
            try:
                self.prevent_removal(False)
                return True
            except errors.ImapiError:
                if attempt + 1 < attempts:
                    self.sleep(pause)
        return False

    # -- recording ---------------------------------------------------------------------------------
    def synchronize_cache(self, immed: bool = False) -> None:
        """SYNCHRONIZE CACHE (MMC-6 6.41)."""
        self.run(write.SynchronizeCache(immed=immed).to_command(timeout=120.0))
        if immed:
            self.wait_ready()

    def close(self, function: int, number: int = 0, immed: bool = True) -> None:
        """CLOSE TRACK/SESSION (MMC-6 6.3): 1 track, 2 session, 5/6 finalize; waits for completion."""
        command = write.CloseTrackSession(write.CloseFunction(function), number, immed)
        self.run(command.to_command(timeout=300.0))
        if immed:
            self.wait_ready()

    def reserve_track(self, blocks: int) -> None:
        """RESERVE TRACK by size (MMC-6 6.31)."""
        self.run(write.ReserveTrack(size=blocks).to_command())

    def send_opc(self) -> bool:
        """SEND OPC INFORMATION with DoOpc (MMC-6 6.36); False when the drive does not take it."""
        try:
            self.run(mmc_drive.SendOpcInformation(do_opc=True).to_command(timeout=60.0))
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is not None and sense.key == SenseKey.ILLEGAL_REQUEST:
                return False
            raise
        return True

    def blank(self, blank_type: int, immed: bool = True) -> None:
        """BLANK (MMC-6 6.2), type 0 full or 1 minimal, with Immed."""
        command = write.Blank(write.BlankingType(blank_type), immed=immed)
        self.run(command.to_command(timeout=3600.0))

    def format_unit(self, blocks: int, format_type: int, param: int = 0, immed: bool = True) -> None:
        """FORMAT UNIT with one format descriptor (MMC-6 6.5)."""
        descriptor = formatunit.FormatDescriptor(blocks, format_type, type_parameter=param)
        parameters = formatunit.FormatParameters(descriptor, immed=immed, fov=True)
        self.run(formatunit.FormatUnit(parameters).to_command(timeout=3600.0))

    def wait_ready(
        self,
        *,
        limit: float = 3600.0,
        on_wait: Callable[[int | None], None] | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Poll TEST UNIT READY while the drive reports an operation in progress (2/04/xx).

        ``on_wait`` receives the progress indication (0..65535) or None on each poll.

        Raises:
            E_IMAPI_RECORDER_COMMAND_TIMEOUT: still in progress after ``limit`` seconds.
            ImapiError: the drive answered any other error.
        """
        sleep = self.sleep if sleep is None else sleep
        clock = self.clock if clock is None else clock
        deadline = clock() + limit
        delay = 0.0
        while True:
            completion = self.test_unit_ready()
            if completion.ok:
                return
            sense = decode_sense(completion.sense)
            if sense is None or not (sense.key == SenseKey.NOT_READY and sense.asc == 0x04 and sense.ascq != 0x00):
                if sense is not None and sense.key == SenseKey.UNIT_ATTENTION:
                    continue
                raise error_for_completion(spc.TestUnitReady().to_command(), completion)
            if on_wait is not None:
                on_wait(sense.progress)
            if clock() > deadline:
                raise StillBusy(f"the drive was still busy after {limit:g} s")
            sleep(delay)
            delay = min(0.25, delay + 0.01)

"""DiscMaster2 (the list of recorders) and DiscRecorder2 (one recorder, IDiscRecorder2 and
IDiscRecorder2Ex). Every property asks the device again; nothing is cached.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from openimapi import errors, transport
from openimapi.engine.device import deliver
from openimapi.enums import IMAPI_MEDIA_PHYSICAL_TYPE, IMAPI_MODE_PAGE_REQUEST_TYPE, IMAPI_READ_TRACK_ADDRESS_TYPE
from openimapi.errors import SuccessCode
from openimapi.imapi2._drive import Drive
from openimapi.imapi2._exclusive import ExclusiveAccess, check_client_name
from openimapi.mmc import Command, structure
from openimapi.mmc.codec import MalformedData
from openimapi.mmc.sense import SenseKey

__all__ = ["AdapterDescriptor", "CommandResult", "DeviceDescriptor", "DiscMaster2", "DiscRecorder2", "discover"]


def discover() -> list[str]:
    """Unique ids (transport addresses) of every recorder: real drives, then virtual drives."""
    found: list[str] = []
    try:
        devices = importlib.import_module("openimapi.devices")
    except ModuleNotFoundError:
        devices = None
    if devices is not None and hasattr(devices, "discover_all"):
        for dev in devices.discover_all():
            found.append(str(getattr(dev, "address", dev)))
    try:
        virtual = importlib.import_module("openimapi.virtual")
    except ModuleNotFoundError:
        virtual = None
    if virtual is not None and hasattr(virtual, "list_drives"):
        for drive in virtual.list_drives():
            name = getattr(drive, "name", drive)
            address = f"virtual:{name}"
            if address not in found:
                found.append(address)
    return found


class DiscMaster2:
    """The recorders of this machine (IDiscMaster2); indexes follow the current device list,
    the id strings (transport addresses) are the stable handles."""

    def __iter__(self) -> Iterator[str]:
        return iter(discover())

    def __len__(self) -> int:
        return len(discover())

    def __getitem__(self, index: int) -> str:
        return self.item(index)

    def item(self, index: int) -> str:
        """The unique id of the recorder at zero-based ``index``.

        Raises:
            E_INVALIDARG: no recorder has that index.
        """
        ids = discover()
        if not isinstance(index, int) or not 0 <= index < len(ids):
            raise errors.E_INVALIDARG(f"recorder index {index!r} is not in 0..{len(ids) - 1}")
        return ids[index]

    @property
    def count(self) -> int:
        """How many recorders are known now."""
        return len(discover())

    @property
    def is_supported_environment(self) -> bool:
        """True when at least one recorder can be opened and reports an MMC device (type 5)."""
        for address in discover():
            try:
                with transport.open(address) as t:
                    if Drive(t).inquiry().device_type == 5:
                        return True
            except (errors.ImapiError, OSError, ValueError):
                continue
        return False


@dataclass(frozen=True, slots=True)
class CommandResult:
    """The outcome of a raw command of IDiscRecorder2Ex: S_OK or S_IMAPI_COMMAND_HAS_SENSE_DATA
    (then ``sense`` holds the 18 sense bytes), and the data read for data-in commands."""

    hresult: SuccessCode
    sense: bytes = b""
    data: bytes = b""


@dataclass(frozen=True, slots=True)
class AdapterDescriptor:
    """The path to the drive (the fields of STORAGE_ADAPTER_DESCRIPTOR that apply here)."""

    maximum_transfer_length: int
    alignment_mask: int
    bus_type: str


@dataclass(frozen=True, slots=True)
class DeviceDescriptor:
    """The drive as the system sees it (the fields of STORAGE_DEVICE_DESCRIPTOR)."""

    device_type: int
    removable_media: bool
    vendor_id: str
    product_id: str
    product_revision: str
    bus_type: str


_GROUP_CDB_LENGTH = {0: 6, 1: 10, 2: 10, 4: 16, 5: 12}


def _check_cdb(cdb: bytes) -> bytes:
    cdb = bytes(cdb)
    if not 6 <= len(cdb) <= 16:
        raise errors.E_INVALIDARG(f"a CDB is 6 to 16 bytes, not {len(cdb)}")
    group = cdb[0] >> 5
    if group == 3:
        raise errors.E_INVALIDARG(f"opcode {cdb[0]:#04x} is of the reserved group 3")
    expected = _GROUP_CDB_LENGTH.get(group)
    if expected is not None and len(cdb) != expected:
        raise errors.E_INVALIDARG(f"opcode {cdb[0]:#04x} takes a {expected}-byte CDB, not {len(cdb)}")
    if len(cdb) not in (6, 10, 12, 16):
        raise errors.E_INVALIDARG(f"a {len(cdb)}-byte CDB cannot be sent")
    return cdb


class DiscRecorder2:
    """One optical recorder (IDiscRecorder2 and IDiscRecorder2Ex).

    Create it empty and call :meth:`initialize_disc_recorder` with a unique id from
    :class:`DiscMaster2` (a transport address such as ``virtual:d1`` or ``sg:/dev/sr0``).
    """

    def __init__(self, unique_id: str | None = None) -> None:
        self._address: str | None = None
        self._transport: transport.Transport | None = None
        self._exclusive: ExclusiveAccess | None = None
        self._mcn_disabled = 0
        self._closed = False
        if unique_id is not None:
            self.initialize_disc_recorder(unique_id)

    # -- set-up --------------------------------------------------------------------------------
    def initialize_disc_recorder(self, recorder_unique_id: str) -> None:
        """Attach to the recorder with that unique id.

        Raises:
            E_INVALIDARG: the id is malformed, names no recorder, or is not an MMC device.
            E_FAIL: this object is attached already.
        """
        if self._transport is not None:
            raise errors.E_FAIL("this recorder object is initialised already")
        try:
            t = transport.open(recorder_unique_id)
        except ValueError as exc:
            raise errors.E_INVALIDARG(str(exc)) from exc
        except errors.ImapiError:
            raise
        except (OSError, LookupError) as exc:
            raise errors.E_INVALIDARG(f"{recorder_unique_id!r}: {exc}") from exc
        try:
            ident = Drive(t).inquiry()
        except BaseException:
            t.close()
            raise
        if ident.device_type != 5:
            t.close()
            raise errors.E_INVALIDARG(f"{recorder_unique_id!r} is not an MMC device (type {ident.device_type})")
        self._address = recorder_unique_id
        self._transport = t
        self._exclusive = ExclusiveAccess(recorder_unique_id, t)

    def close(self) -> None:
        """Release exclusive access and the device (also done when the object is collected)."""
        if self._exclusive is not None:
            while self._exclusive.held:
                self._exclusive.release()
        if self._transport is not None:
            self._transport.close()
            self._transport = None
            self._closed = True

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self) -> DiscRecorder2:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DiscRecorder2({self._address!r})"

    @property
    def drive(self) -> Drive:
        """The typed command layer over this recorder's transport.

        Raises:
            E_IMAPI_RECORDER_REQUIRED: the object is not initialised.
        """
        if self._transport is None:
            self._check_open()
            raise errors.E_IMAPI_RECORDER_REQUIRED("call initialize_disc_recorder first")
        return Drive(self._transport)

    def _check_open(self) -> None:
        if self._closed:
            raise errors.HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE(f"{self._address} was closed")

    @property
    def exclusive(self) -> ExclusiveAccess:
        self._check_open()
        if self._exclusive is None:
            raise errors.E_IMAPI_RECORDER_REQUIRED("call initialize_disc_recorder first")
        return self._exclusive

    # -- identity --------------------------------------------------------------------------------
    @property
    def active_disc_recorder(self) -> str:
        """The unique id given to initialize_disc_recorder."""
        if self._address is None:
            raise errors.E_IMAPI_RECORDER_REQUIRED("call initialize_disc_recorder first")
        return self._address

    @property
    def vendor_id(self) -> str:
        return self.drive.inquiry().vendor_id

    @property
    def product_id(self) -> str:
        return self.drive.inquiry().product_id

    @property
    def product_revision(self) -> str:
        return self.drive.inquiry().product_revision

    def _device_node(self) -> str | None:
        address = self.active_disc_recorder
        m = re.fullmatch(r"(?:trace:)?sg:(/dev/\S+)", address)
        return m.group(1) if m else None

    @property
    def volume_name(self) -> str:
        """The block device of the drive (``/dev/srN``), or the unique id for other transports."""
        return self._device_node() or self.active_disc_recorder

    @property
    def volume_path_names(self) -> list[str]:
        """Where the drive's medium is mounted now (from /proc/self/mounts)."""
        node = self._device_node()
        if node is None:
            return []
        real = os.path.realpath(node)
        out = []
        try:
            with open("/proc/self/mounts", encoding="utf-8") as f:
                for line in f:
                    dev, mount, *_ = line.split()
                    if os.path.realpath(dev) == real:
                        out.append(mount.replace("\\040", " "))
        except OSError:
            return []
        return out

    @property
    def device_can_load_media(self) -> bool:
        """True when the loading mechanism of mode page 2Ah is a tray or a changer."""
        page = self.drive.capabilities()
        return (page.page_length or 0) >= 5 and page.loading_mechanism in (1, 4, 5)

    @property
    def legacy_device_number(self) -> int:
        """N of /dev/srN for a real drive; the position in DiscMaster2 for the others."""
        node = self._device_node()
        if node is not None:
            m = re.search(r"(\d+)$", node)
            if m:
                return int(m.group(1))
        ids = discover()
        return ids.index(self.active_disc_recorder) if self.active_disc_recorder in ids else 0

    # -- helpers beyond IDiscRecorder2 (used by FileSystemImage import and ChooseImageDefaults) --
    def read_sectors(self, lba: int, count: int) -> bytes:
        """Read ``count`` 2048-byte sectors from ``lba`` (READ(10), 64 KiB at a time).

        Raises:
            E_INVALIDARG: a negative address or count.
            ImapiError: the device failed a READ.
        """
        if lba < 0 or count < 0:
            raise errors.E_INVALIDARG("lba and count must not be negative")
        drive = self.drive
        parts = []
        while count > 0:
            n = min(count, 32)
            parts.append(drive.read(lba, n))
            lba += n
            count -= n
        return b"".join(parts)

    @property
    def current_physical_media_type(self) -> IMAPI_MEDIA_PHYSICAL_TYPE:
        """The IMAPI type of the medium in the drive (as DiscFormat2Data reports it)."""
        from openimapi.imapi2.media import physical_type

        return physical_type(self.drive.current_profile())

    @property
    def free_sectors_on_media(self) -> int:
        """Free sectors of the medium (as DiscFormat2Data reports it)."""
        from openimapi.imapi2.media import media_state

        state = media_state(self.drive)
        return state.free if state.nwa is not None else 0

    # -- capabilities ------------------------------------------------------------------------------
    @property
    def supported_feature_pages(self) -> list[int]:
        return [f.code for f in self.drive.configuration(rt=0)[1]]

    @property
    def current_feature_pages(self) -> list[int]:
        return [f.code for f in self.drive.configuration(rt=1)[1]]

    @property
    def supported_profiles(self) -> list[int]:
        return [p for p, _ in self.drive.profiles()]

    @property
    def current_profiles(self) -> list[int]:
        return [p for p, current in self.drive.profiles() if current]

    @property
    def supported_mode_pages(self) -> list[int]:
        return self.drive.mode_pages()

    # -- exclusive access and MCN -----------------------------------------------------------------
    @property
    def exclusive_access_owner(self) -> str:
        """The client name holding exclusive access ('' when nobody does)."""
        return self.exclusive.owner()

    def acquire_exclusive_access(self, force: bool, client_name: str) -> None:
        """Take exclusive access for ``client_name`` (``force`` would dismount a mounted volume;
        Linux leaves mounts alone, so it only documents intent).

        Raises:
            E_INVALIDARG: the client name is not 1-63 letters, digits, space, '_', '.', '-'.
            E_IMAPI_RECORDER_LOCKED: another client holds it; see exclusive_access_owner.
        """
        name = check_client_name(client_name)
        if name is None:
            raise errors.E_INVALIDARG(f"client name {client_name!r} is not valid")
        self.exclusive.acquire(name)

    def release_exclusive_access(self) -> None:
        """Give up one level of exclusive access taken by this object."""
        self.exclusive.release()

    @property
    def mcn_disabled(self) -> bool:
        """True between disable_mcn and enable_mcn."""
        return self._mcn_disabled > 0

    def disable_mcn(self) -> None:
        """Stop reporting media-change notifications to this process's DiscMaster2 listeners.

        Linux has no system-wide switch for desktop auto-mounters; this records the request.
        """
        self.exclusive.check()
        self._mcn_disabled += 1

    def enable_mcn(self) -> None:
        """Undo one disable_mcn."""
        self.exclusive.check()
        self._mcn_disabled = max(0, self._mcn_disabled - 1)

    # -- tray --------------------------------------------------------------------------------------
    def _tray(self, *, start: bool) -> None:
        self.exclusive.check()
        try:
            self.drive.start_stop(load_eject=True, start=start)
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is not None and sense.key == SenseKey.ILLEGAL_REQUEST and sense.asc == 0x53:
                raise errors.E_IMAPI_RECORDER_LOCKED(f"the medium is locked in the drive: {sense}") from exc
            raise

    def eject_media(self) -> None:
        """Open the tray / eject the medium.

        Raises:
            E_IMAPI_RECORDER_LOCKED: another client holds exclusive access, or medium removal
                is prevented.
        """
        self._tray(start=False)

    def close_tray(self) -> None:
        """Close the tray (load the medium).

        Raises:
            E_IMAPI_RECORDER_LOCKED: another client holds exclusive access.
        """
        self._tray(start=True)

    # -- IDiscRecorder2Ex: raw commands ---------------------------------------------------------------
    def _send(self, cdb: bytes, timeout: int, *, data_out: bytes = b"", data_in: int = 0) -> CommandResult:
        cdb = _check_cdb(cdb)
        if not 1 <= int(timeout) <= 86400:
            raise errors.E_INVALIDARG(f"timeout {timeout} is not 1..86400 seconds")
        self.exclusive.check()
        command = Command(cdb, data_in_length=data_in, data_out=data_out, timeout=float(timeout), name="passthrough")
        if self._transport is None:
            raise errors.E_IMAPI_RECORDER_REQUIRED("call initialize_disc_recorder first")
        completion = deliver(self._transport, command)
        if completion.ok:
            return CommandResult(SuccessCode.S_OK, b"", completion.data)
        if completion.sense:
            return CommandResult(SuccessCode.S_IMAPI_COMMAND_HAS_SENSE_DATA, completion.sense[:18], completion.data)
        raise errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE(f"status {completion.status:#04x} without sense")

    def send_command_no_data(self, cdb: bytes, timeout: int = 10) -> CommandResult:
        """Send a CDB without data phase.

        Raises:
            E_INVALIDARG: the CDB length does not fit its opcode group, or a bad timeout.
        """
        return self._send(cdb, timeout)

    def send_command_send_data_to_device(self, cdb: bytes, data: bytes, timeout: int = 10) -> CommandResult:
        """Send a CDB with data to the device.

        Raises:
            E_INVALIDARG: the CDB length does not fit its opcode group, no data, or a bad timeout.
        """
        if not data:
            raise errors.E_INVALIDARG("no data to send")
        return self._send(cdb, timeout, data_out=bytes(data))

    def send_command_get_data_from_device(self, cdb: bytes, buffer_size: int, timeout: int = 10) -> CommandResult:
        """Send a CDB and read up to ``buffer_size`` bytes; ``data`` holds what came back.

        Raises:
            E_INVALIDARG: the CDB length does not fit its opcode group, a bad size or timeout.
        """
        if not 1 <= buffer_size <= 0x1000000:
            raise errors.E_INVALIDARG(f"buffer size {buffer_size} is not 1..16 MiB")
        return self._send(cdb, timeout, data_in=buffer_size)

    def read_dvd_structure(self, format: int, address: int = 0, layer: int = 0, agid: int = 0) -> bytes:
        """READ DISC STRUCTURE (media type 0, DVD) of ``format``; the data without its 4-byte header.

        Raises:
            E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT: the drive has no such structure here.
            E_INVALIDARG: an argument out of range.
        """
        if not (0 <= format <= 0xFF and 0 <= layer <= 0xFF and 0 <= agid <= 3 and 0 <= address <= 0xFFFFFFFF):
            raise errors.E_INVALIDARG("format/layer are bytes, agid 0..3, address 32 bits")
        request = structure.ReadDiscStructure(format, structure.StructureMediaType.DVD, address, layer, 0xFFF8, agid)
        try:
            data = self.drive.run(request.to_command()).data
        except errors.ImapiError as exc:
            sense = getattr(exc, "sense", None)
            if sense is not None and sense.key == SenseKey.ILLEGAL_REQUEST:
                raise errors.E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT(str(exc)) from exc
            raise
        try:
            return structure.structure_data(data)
        except MalformedData as exc:
            raise errors.E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE(f"READ DISC STRUCTURE: {exc}") from exc

    def send_dvd_structure(self, format: int, data: bytes) -> None:
        """SEND DISC STRUCTURE (media type 0) of ``format`` with ``data`` (header added here).

        Raises:
            E_INVALIDARG: format not a byte, or no data.
        """
        if not 0 <= format <= 0xFF or not data:
            raise errors.E_INVALIDARG("format is a byte and data must not be empty")
        body = (len(data) + 2).to_bytes(2, "big") + b"\x00\x00" + bytes(data)
        cdb = bytes([0xBF, 0, 0, 0, 0, 0, 0, format]) + len(body).to_bytes(2, "big") + bytes([0, 0])
        self.exclusive.check()
        self.drive.run(Command(cdb, data_out=body, name="SEND DISC STRUCTURE"))

    def get_adapter_descriptor(self) -> AdapterDescriptor:
        """How commands reach the drive: transfer limit, alignment and bus."""
        return AdapterDescriptor(
            self.get_maximum_page_aligned_transfer_size(), self.get_byte_alignment_mask(), self._bus_type()
        )

    def get_device_descriptor(self) -> DeviceDescriptor:
        """The drive's INQUIRY identity as a device descriptor."""
        ident = self.drive.inquiry()
        return DeviceDescriptor(
            ident.device_type,
            ident.removable,
            ident.vendor_id,
            ident.product_id,
            ident.product_revision,
            self._bus_type(),
        )

    def _bus_type(self) -> str:
        return self.active_disc_recorder.split(":", 1)[0]

    def get_disc_information(self) -> bytes:
        """The READ DISC INFORMATION answer (standard disc information)."""
        return self.drive.disc_info().raw

    def get_track_information(
        self,
        address: int,
        address_type: IMAPI_READ_TRACK_ADDRESS_TYPE
        | int = IMAPI_READ_TRACK_ADDRESS_TYPE.IMAPI_READ_TRACK_ADDRESS_TYPE_TRACK,
    ) -> bytes:
        """The READ TRACK INFORMATION answer for an LBA, a track or a session number.

        Raises:
            E_INVALIDARG: unknown address type.
        """
        kind = int(address_type)
        if kind not in (0, 1, 2):
            raise errors.E_INVALIDARG(f"address type {address_type!r} is not LBA, track or session")
        return self.drive._track_info(kind, address).raw

    def get_feature_page(self, requested_feature: int, current_feature_only: bool = False) -> bytes:
        """One feature descriptor (header and data) of GET CONFIGURATION.

        Raises:
            E_IMAPI_RECORDER_NO_SUCH_FEATURE: the drive lacks the feature.
            E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT: asked for current only and it is not.
        """
        f = self.drive.feature(int(requested_feature))
        if f is None:
            raise errors.E_IMAPI_RECORDER_NO_SUCH_FEATURE(f"feature {int(requested_feature):#06x} is not supported")
        if current_feature_only and not f.current:
            raise errors.E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT(f"feature {f.code:#06x} is not current")
        return f.to_bytes()

    def get_mode_page(
        self,
        requested_mode_page: int,
        request_type: IMAPI_MODE_PAGE_REQUEST_TYPE
        | int = IMAPI_MODE_PAGE_REQUEST_TYPE.IMAPI_MODE_PAGE_REQUEST_TYPE_CURRENT_VALUES,
    ) -> bytes:
        """One mode page (MODE SENSE(10), without header) in current/changeable/default/saved values.

        Raises:
            E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE: the drive lacks the page.
            E_INVALIDARG: bad page code or request type.
        """
        if not 0 <= int(requested_mode_page) <= 0x3E or int(request_type) not in (0, 1, 2, 3):
            raise errors.E_INVALIDARG("page code 0..3Eh and request type 0..3")
        return self.drive.mode_sense(int(requested_mode_page), int(request_type))

    def set_mode_page(self, request_type: IMAPI_MODE_PAGE_REQUEST_TYPE | int, data: bytes) -> None:
        """MODE SELECT(10) of one page (current values only).

        Raises:
            E_INVALIDARG: not current values, or the page bytes are inconsistent.
            E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS: the drive rejects the page.
        """
        data = bytes(data)
        if int(request_type) != 0:
            raise errors.E_INVALIDARG("only current values can be set")
        if len(data) < 2 or len(data) != data[1] + 2:
            raise errors.E_INVALIDARG("page bytes must be code, length and length bytes")
        self.exclusive.check()
        self.drive.mode_select(data)

    def get_supported_feature_pages(self, current_feature_only: bool = False) -> list[int]:
        return self.current_feature_pages if current_feature_only else self.supported_feature_pages

    def get_supported_profiles(self, current_only: bool = False) -> list[int]:
        return self.current_profiles if current_only else self.supported_profiles

    def get_supported_mode_pages(
        self,
        request_type: IMAPI_MODE_PAGE_REQUEST_TYPE
        | int = IMAPI_MODE_PAGE_REQUEST_TYPE.IMAPI_MODE_PAGE_REQUEST_TYPE_CURRENT_VALUES,
    ) -> list[int]:
        """Mode pages the drive reports for a request type.

        Raises:
            E_INVALIDARG: bad request type.
        """
        if int(request_type) not in (0, 1, 2, 3):
            raise errors.E_INVALIDARG("request type 0..3")
        return self.drive.mode_pages()

    def get_byte_alignment_mask(self) -> int:
        """Buffer alignment the path needs (0 = any byte address)."""
        value = getattr(self._transport, "alignment_mask", 0)
        return int(value) if isinstance(value, int) else 0

    def get_maximum_non_page_aligned_transfer_size(self) -> int:
        """Largest transfer for an unaligned buffer, in bytes."""
        return min(self.get_maximum_page_aligned_transfer_size(), 65536)

    def get_maximum_page_aligned_transfer_size(self) -> int:
        """Largest transfer for a page-aligned buffer, in bytes."""
        value = getattr(self._transport, "max_transfer", None)
        if isinstance(value, int) and value > 0:
            return value
        node = self._device_node()
        if node is not None:
            name = os.path.basename(os.path.realpath(node))
            try:
                with open(f"/sys/class/block/{name}/queue/max_sectors_kb", encoding="ascii") as f:
                    return int(f.read().strip()) * 1024
            except (OSError, ValueError):
                pass
            return 65536  # what every SG_IO path takes
        return 4 << 20  # no host adapter in the path (virtual, iSCSI): large transfers are cheapest


def recorders(ids: Sequence[str] | None = None) -> list[DiscRecorder2]:
    """Initialised recorders for ``ids`` (default: every id of DiscMaster2)."""
    return [DiscRecorder2(i) for i in (ids if ids is not None else discover())]

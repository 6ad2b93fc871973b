"""The virtual recorder: a software MMC drive that behaves like a real one.

A virtual drive is a *device*: ``openimapi.transport.open("virtual:NAME")`` sends it CDBs
and it answers with data, status and sense as an MMC-5/6 drive does (unit attention after
a medium change, 5/20/00 for an unknown opcode, 5/24/00 with a field pointer for a bad
field, 2/3A/0x without a medium, 5/21/00 out of range, 5/21/02 at a wrong next writable
address, 7/27/00 write protected, 2/04/xx with progress during BLANK/FORMAT/CLOSE).
Drives and discs are folders under ``$OPENIMAPI_HOME`` (default
``$XDG_DATA_HOME/openimapi`` or ``~/.local/share/openimapi``) that several processes share.

Importing this package registers the virtual drives as a discovery source
(``openimapi.devices.discover_all()`` lists them as ``virtual:NAME``).

Python API: :func:`create_drive`, :func:`open_drive`, :func:`list_drives`,
:func:`remove_drive`, :class:`VirtualDrive` (``insert``, ``eject``, ``close_tray``,
``disc``, ``inject_fault``, ``paced``), :class:`Disc` (``export`` as ISO or BIN/CUE),
:func:`disc_from_image` (a pressed CD-ROM/DVD-ROM/BD-ROM from an ISO file).

Not emulated (a real drive may differ here):

* CD packet writing (write type 0 on CD) and fixed-packet formatting of CD-RW; raw
  (write type 3) writing of lead-in/subchannel data; MRW; DVD-R DL layer jump; HD DVD.
* BD-R random recording mode (RRM) and pseudo-overwrite (POW); spare-area management and
  defect lists (no sector ever fails unless a fault is injected); BD-R formatting with
  spares is accepted and leaves the disc sequential.
* CD-TEXT other than packed R-W written in the disc-at-once lead-in (cue sheet data form
  41h, which READ TOC format 5 returns); READ CD raw P-W sub-channel answers zeros
  (formatted Q is real).
* BLANK types other than full (0) and minimal (1) (track, unreserve, tail, unclose,
  session) answer 5/24/00.
* Exact physical timing: blank/format/close progress advances per TEST UNIT READY poll
  when unpaced (4 polls), or with wall-clock time when paced; seek and spin-up times.
* Session gaps on DVD±R are modelled as a fixed closure zone, not per recorder firmware.
* Copy protection (CSS, CPRM, AACS), READ/SEND DVD STRUCTURE formats beyond the media
  id and physical format, audio playback commands, changers, power-management pages,
  vendor-specific commands and mode pages.
* Unit attention and medium-lock state are per drive, not per initiator (all processes
  sharing a drive see one unit attention, as on a drive behind one host adapter).
"""

from __future__ import annotations

from openimapi.devices import register_enumerator
from openimapi.virtual.api import (
    Disc,
    DriveExists,
    MediumLocked,
    NoSuchDisc,
    NoSuchDrive,
    TrackSummary,
    VirtualDrive,
    create_drive,
    disc_from_image,
    enumerate_drives,
    list_discs,
    list_drives,
    open_disc,
    open_drive,
    remove_drive,
)
from openimapi.virtual.drive_models import DRIVE_MODELS
from openimapi.virtual.faults import FAULTS, Fault
from openimapi.virtual.media import MEDIA, media_names
from openimapi.virtual.store import openimapi_home

register_enumerator(enumerate_drives, "virtual")

__all__ = [
    "DRIVE_MODELS",
    "Disc",
    "DriveExists",
    "FAULTS",
    "Fault",
    "MEDIA",
    "MediumLocked",
    "NoSuchDisc",
    "NoSuchDrive",
    "TrackSummary",
    "VirtualDrive",
    "create_drive",
    "disc_from_image",
    "enumerate_drives",
    "list_discs",
    "list_drives",
    "media_names",
    "open_disc",
    "open_drive",
    "openimapi_home",
    "remove_drive",
]

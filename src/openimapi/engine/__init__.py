"""The streaming write engine: sources, the reader -> buffer -> device pipeline, progress,
cancellation and verification read-back. Written against the Transport protocol only."""

from openimapi.engine.device import error_for_completion, run
from openimapi.engine.pipeline import (
    CancelToken,
    Progress,
    SectionResult,
    WriteOptions,
    read_command,
    sector_checksums,
    verify_section,
    write_command,
    write_section,
)
from openimapi.engine.source import Source, SourceError, open_source

__all__ = [
    "CancelToken",
    "Progress",
    "SectionResult",
    "Source",
    "SourceError",
    "WriteOptions",
    "error_for_completion",
    "open_source",
    "read_command",
    "run",
    "sector_checksums",
    "verify_section",
    "write_command",
    "write_section",
]

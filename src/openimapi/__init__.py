"""openimapi: the Image Mastering API (IMAPI2, IMAPI2FS, IMAPI v1) in Python."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

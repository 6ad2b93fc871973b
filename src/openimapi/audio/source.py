"""A readable stream of Red Book PCM made from any audio file libsndfile reads (WAV,
AIFF, FLAC, Ogg Vorbis/Opus, MP3, ...), at any sample rate and channel count.

The conversion streams: the file is decoded, resampled and quantised one block at a
time, so memory stays small whatever the file's length, and the output length is known
before the first byte is read (``size``), as a track-at-once writer needs.

* Sample rate: 44,100 Hz. Other rates go through soxr (very high quality). The output
  holds exactly ``round(frames * 44100 / rate)`` frames.
* Channels: stereo. Mono is copied to both sides; with more than two channels, left is
  the mean of the even-numbered channels and right the mean of the odd-numbered ones.
* Samples: signed 16-bit little-endian, as CD audio sectors carry them. A file that is
  already 16-bit PCM at 44.1 kHz in stereo passes through bit for bit. Anything else is
  converted from floating point with triangular (TPDF) dither of one LSB peak and
  clipped at full scale; ``clipped_samples`` tells how many samples were clipped.
* Padding: with ``pad_to_sector`` (the default) silence completes the last 2352-byte
  sector.
"""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np
import numpy.typing as npt

from openimapi.errors import IMAPI_E_DATA_STREAM_INCONSISTENCY, IMAPI_E_DATA_STREAM_READ_FAILURE

__all__ = ["AUDIO_SECTOR", "CD_RATE", "AudioSource", "RedBookFormatError"]

CD_RATE = 44100
AUDIO_SECTOR = 2352  # bytes: 588 stereo frames of 16 bits
_FRAME = 4
_BLOCK = 1 << 16


class RedBookFormatError(IMAPI_E_DATA_STREAM_INCONSISTENCY):
    """The file cannot be decoded as audio."""


def _to_stereo(block: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if block.ndim == 1:
        block = block[:, None]
    channels = block.shape[1]
    if channels == 1:
        return np.repeat(block, 2, axis=1)
    if channels == 2:
        return block
    left = block[:, 0::2].mean(axis=1)
    right = block[:, 1::2].mean(axis=1)
    return np.stack([left, right], axis=1).astype(block.dtype, copy=False)


class AudioSource(io.RawIOBase):
    """Red Book PCM of an audio file, as a readable binary stream.

    Attributes:
        size: bytes the stream yields in all (padding included).
        frames: stereo frames of audio before padding.
        sectors: 2352-byte sectors of ``size``.
        passthrough: True when the file is copied without conversion.
        clipped_samples: samples clipped so far by the conversion.

    Raises:
        RedBookFormatError: the file is not audio libsndfile can read.
        IMAPI_E_DATA_STREAM_READ_FAILURE: the file cannot be read.
    """

    def __init__(self, path: str | os.PathLike[str], *, pad_to_sector: bool = True, seed: int = 0) -> None:
        super().__init__()
        import soundfile  # imported here: only audio users need libsndfile

        self.path = os.fspath(path)
        try:
            with open(self.path, "rb"):
                pass
        except OSError as exc:
            raise IMAPI_E_DATA_STREAM_READ_FAILURE(f"{self.path}: {exc.strerror or exc}") from exc
        try:
            self._file = soundfile.SoundFile(self.path)
        except soundfile.LibsndfileError as exc:
            raise RedBookFormatError(f"{self.path}: not an audio file libsndfile can decode ({exc})") from exc
        info = self._file
        self.rate = int(info.samplerate)
        self.channels = int(info.channels)
        self.passthrough = self.rate == CD_RATE and self.channels == 2 and info.subtype == "PCM_16"
        in_frames = int(info.frames)
        self.frames = in_frames if self.rate == CD_RATE else round(in_frames * CD_RATE / self.rate)
        pcm_bytes = self.frames * _FRAME
        self.size = -(-pcm_bytes // AUDIO_SECTOR) * AUDIO_SECTOR if pad_to_sector else pcm_bytes
        self.sectors = -(-self.size // AUDIO_SECTOR)
        self.clipped_samples = 0
        self._seed = seed
        self._restart()

    # -- decoding --------------------------------------------------------------------

    def _restart(self) -> None:
        import soxr

        self._file.seek(0)
        self._rng = np.random.default_rng(self._seed)
        self._resampler = None if self.rate == CD_RATE else soxr.ResampleStream(
            self.rate, CD_RATE, 2, dtype="float32", quality="VHQ"
        )
        self._pending = b""
        self._produced = 0  # PCM bytes produced (before padding)
        self._pos = 0
        self._eof = False

    def _quantise(self, block: npt.NDArray[np.float32]) -> bytes:
        scaled = block.astype(np.float64) * 32768.0
        scaled += self._rng.random(scaled.shape) - self._rng.random(scaled.shape)  # TPDF, 1 LSB peak
        rounded = np.rint(scaled)
        over = (rounded > 32767) | (rounded < -32768)
        self.clipped_samples += int(over.sum())
        return np.clip(rounded, -32768, 32767).astype("<i2").tobytes()

    def _next_block(self) -> bytes:
        if self._eof:
            return b""
        if self.passthrough:
            data = self._file.read(_BLOCK, dtype="int16", always_2d=True)
            if len(data) == 0:
                self._eof = True
                return b""
            return data.astype("<i2", copy=False).tobytes()
        data = self._file.read(_BLOCK, dtype="float32", always_2d=True)
        last = len(data) < _BLOCK
        stereo = _to_stereo(data).astype(np.float32, copy=False)
        if self._resampler is not None:
            stereo = self._resampler.resample_chunk(np.ascontiguousarray(stereo), last=last)
        if last:
            self._eof = True
        return self._quantise(stereo) if len(stereo) else b""

    # -- io.RawIOBase ----------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Seek; going backwards restarts decoding (dither is reproducible by ``seed``)."""
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self._pos + offset, io.SEEK_END: self.size + offset}[whence]
        if target < 0:
            raise ValueError("negative seek position")
        if target < self._pos:
            self._restart()
        while self._pos < target:
            chunk = self.read(min(target - self._pos, 1 << 20))
            if not chunk:
                break
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), self.size - self._pos)
        if want <= 0:
            return 0
        pcm_total = self.frames * _FRAME
        while len(self._pending) < want and self._produced < pcm_total:
            block = self._next_block()
            if not block:
                break
            block = block[: pcm_total - self._produced]
            self._produced += len(block)
            self._pending += block
        if self._eof and self._produced < pcm_total:  # resampler delivered fewer frames
            fill = pcm_total - self._produced
            self._pending += bytes(fill)
            self._produced += fill
        if len(self._pending) < want:  # only padding is left
            self._pending += bytes(want - len(self._pending))
        view[:want] = self._pending[:want]
        self._pending = self._pending[want:]
        self._pos += want
        return want

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()

"""Audio for CDs: decoding audio files into Red Book PCM (44.1 kHz, 16-bit, stereo)."""

from openimapi.audio.source import AUDIO_SECTOR, AudioSource, RedBookFormatError

__all__ = ["AUDIO_SECTOR", "AudioSource", "RedBookFormatError"]

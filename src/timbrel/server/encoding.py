"""Encode a stream of float32 chunks into wav, pcm, flac, mp3 or opus bytes as it goes.

`wav` streams with the header's size fields set to 0xFFFFFFFF (as OpenAI's streamed wav
does; players read to the end of the data). `pcm` is raw 16-bit little-endian mono at
24 kHz, OpenAI's pcm format. mp3 and opus (in Ogg) are encoded with PyAV into a
write-only sink, so the muxers never seek back. flac is sent whole at the end: its header
must hold the total length (libsndfile cannot read a flac stream without it).
"""

from __future__ import annotations

import io
import struct
from typing import Protocol

import numpy as np

from ..audio import resample

CONTENT_TYPES = {
    "wav": "audio/wav",
    "pcm": "audio/pcm",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "opus": "audio/ogg; codecs=opus",
}
PCM_RATE = 24000
OPUS_RATE = 48000


class StreamEncoder(Protocol):
    sample_rate: int

    def encode(self, samples: np.ndarray) -> bytes: ...

    def finish(self) -> bytes: ...


def to_int16(samples: np.ndarray) -> bytes:
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    return (clipped * 32767.0).astype("<i2").tobytes()


def wav_header(sample_rate: int, data_bytes: int = 0xFFFFFFFF) -> bytes:
    """A 44-byte PCM16 mono header; the default sizes mean 'unknown, read to the end'."""
    riff_size = 0xFFFFFFFF if data_bytes == 0xFFFFFFFF else 36 + data_bytes
    return (b"RIFF" + struct.pack("<I", riff_size) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
            + b"data" + struct.pack("<I", data_bytes))


class WavEncoder:
    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._header_sent = False

    def encode(self, samples: np.ndarray) -> bytes:
        prefix = b"" if self._header_sent else wav_header(self.sample_rate)
        self._header_sent = True
        return prefix + to_int16(samples)

    def finish(self) -> bytes:
        return b"" if self._header_sent else wav_header(self.sample_rate, 0)


class PcmEncoder:
    def __init__(self, source_rate: int) -> None:
        self.source_rate = source_rate
        self.sample_rate = PCM_RATE

    def encode(self, samples: np.ndarray) -> bytes:
        return to_int16(resample(samples, self.source_rate, PCM_RATE))

    def finish(self) -> bytes:
        return b""


class _Sink:
    """A write-only file for PyAV: collects bytes until drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


class _SeekableSink(io.BytesIO):
    """A seekable in-memory file for muxers that rewrite their header at the end."""

    def drain(self) -> bytes:
        return b""

    def getall(self) -> bytes:
        return self.getvalue()


class AvEncoder:
    """flac, mp3 or Ogg opus through PyAV (FFmpeg)."""

    SETTINGS = {"flac": ("flac", "flac"), "mp3": ("mp3", "libmp3lame"),
                "opus": ("ogg", "libopus")}

    def __init__(self, fmt: str, source_rate: int) -> None:
        import av

        container_format, codec = self.SETTINGS[fmt]
        self.source_rate = source_rate
        self.sample_rate = OPUS_RATE if fmt == "opus" else source_rate
        self._whole = fmt == "flac"
        self._sink: _Sink | _SeekableSink = _SeekableSink() if self._whole else _Sink()
        self._container = av.open(self._sink, mode="w", format=container_format,
                                  options={"flush_packets": "1"}, buffer_size=4096)
        self._stream = self._container.add_stream(codec, rate=self.sample_rate, layout="mono")
        self._av = av
        self._closed = False

    def encode(self, samples: np.ndarray) -> bytes:
        data = resample(samples, self.source_rate, self.sample_rate)
        if len(data):
            frame = self._av.AudioFrame.from_ndarray(
                np.ascontiguousarray(data, dtype=np.float32)[None, :], format="flt",
                layout="mono")
            frame.sample_rate = self.sample_rate
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        return self._sink.drain()

    def finish(self) -> bytes:
        if not self._closed:
            self._closed = True
            for packet in self._stream.encode(None):
                self._container.mux(packet)
            self._container.close()
            if isinstance(self._sink, _SeekableSink):
                return self._sink.getall()
        return self._sink.drain()

    def close(self) -> None:
        """Release FFmpeg's state when a stream is abandoned part-way."""
        if not self._closed:
            self._closed = True
            try:
                self._container.close()
            except Exception:  # noqa: BLE001 - nothing useful to do with a half-written stream
                pass


def make_encoder(fmt: str, source_rate: int) -> StreamEncoder:
    if fmt == "wav":
        return WavEncoder(source_rate)
    if fmt == "pcm":
        return PcmEncoder(source_rate)
    if fmt in AvEncoder.SETTINGS:
        return AvEncoder(fmt, source_rate)
    raise ValueError(f"unknown response_format {fmt!r}")

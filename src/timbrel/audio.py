"""Audio values and I/O: the `AudioChunk` type, loading, saving, resampling, loudness."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np

WRITABLE_FORMATS = ("wav", "flac", "ogg", "mp3")


class AudioFileError(ValueError):
    """An audio file could not be read or written; the message names the file."""


@dataclass(frozen=True)
class AudioChunk:
    """A piece of mono audio: float32 samples in [-1, 1] at `sample_rate` Hz."""

    samples: np.ndarray
    sample_rate: int
    text: str = ""

    @property
    def duration(self) -> float:
        return len(self.samples) / float(self.sample_rate)


def load_audio(path: str | os.PathLike[str]) -> tuple[np.ndarray, int]:
    """Read wav/flac/ogg/mp3 (anything libsndfile or FFmpeg reads), mixed to mono float32."""
    path = Path(path)
    if not path.is_file():
        raise AudioFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise AudioFileError(f"{path}: the file is empty")
    try:
        import soundfile

        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception as sf_error:  # noqa: BLE001 - fall back to FFmpeg decoders
        try:
            data, rate = _load_with_av(path)
        except Exception as av_error:  # noqa: BLE001
            raise AudioFileError(
                f"{path}: not a readable audio file ({sf_error}; {av_error})"
            ) from av_error
    if data.size == 0:
        raise AudioFileError(f"{path}: the file holds no audio samples")
    mono = data.mean(axis=1).astype(np.float32)
    if not np.all(np.isfinite(mono)):
        raise AudioFileError(f"{path}: the audio holds NaN or infinite samples")
    return mono, int(rate)


def _load_with_av(path: Path) -> tuple[np.ndarray, int]:
    try:
        import av
    except ImportError as error:  # pragma: no cover - av is an optional decoder
        raise AudioFileError("install PyAV (pip install av) to read this format") from error
    frames = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono")
        rate = stream.rate
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                frames.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            frames.append(out.to_ndarray().reshape(-1))
    if not frames:
        raise AudioFileError(f"{path}: no audio frames decoded")
    return np.concatenate(frames)[:, None], int(rate)


def save_audio(
    path: str | os.PathLike[str],
    samples: np.ndarray,
    sample_rate: int,
    *,
    metadata: dict[str, str] | None = None,
) -> Path:
    """Write mono audio atomically; the format follows the extension (wav, flac, ogg, mp3)."""
    with AudioWriter(path, sample_rate, metadata=metadata) as writer:
        writer.write(samples)
    return Path(path)


class AudioWriter:
    """Write audio in pieces to a hidden temporary file, renamed into place on success.

    If the `with` block fails after audio was written, what was produced is kept as
    `<stem>.partial<suffix>` (and named in the log) rather than lost.
    """

    def __init__(self, path: str | os.PathLike[str], sample_rate: int, *,
                 metadata: dict[str, str] | None = None) -> None:
        self.path = Path(path)
        fmt = self.path.suffix.lower().lstrip(".")
        if fmt not in WRITABLE_FORMATS:
            raise AudioFileError(
                f"{self.path}: cannot write '.{fmt}' files; use one of "
                f"{', '.join(WRITABLE_FORMATS)}"
            )
        self.format = fmt
        self.sample_rate = int(sample_rate)
        self.metadata = metadata or {}
        self.frames = 0
        self._handle = None
        self._tmp: str | None = None

    def __enter__(self) -> AudioWriter:
        import soundfile

        subtype = {"wav": "PCM_16", "flac": "PCM_16", "ogg": "VORBIS",
                   "mp3": "MPEG_LAYER_III"}[self.format]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part",
                                         dir=self.path.parent)
        os.close(fd)
        try:
            self._handle = soundfile.SoundFile(
                self._tmp, "w", samplerate=self.sample_rate, channels=1,
                format=self.format.upper(), subtype=subtype)
            for key, value in self.metadata.items():
                if key in ("title", "comment", "software", "artist", "date"):
                    setattr(self._handle, key, value)
        except Exception as error:
            Path(self._tmp).unlink(missing_ok=True)
            raise AudioFileError(f"{self.path}: could not write audio ({error})") from error
        return self

    def write(self, samples: np.ndarray) -> None:
        data = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
        self._handle.write(data)
        self.frames += len(data)

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._handle is not None and self._tmp is not None
        self._handle.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        elif self.frames:
            partial = self.path.with_name(f"{self.path.stem}.partial{self.path.suffix}")
            os.replace(self._tmp, partial)
            logging.getLogger(__name__).error(
                "synthesis stopped early; %.1f s of audio kept in %s",
                self.frames / self.sample_rate, partial)
        else:
            Path(self._tmp).unlink(missing_ok=True)


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Polyphase resampling (scipy), float32 out."""
    if source_rate == target_rate:
        return np.asarray(samples, dtype=np.float32)
    from scipy.signal import resample_poly

    divisor = gcd(int(source_rate), int(target_rate))
    out = resample_poly(samples, target_rate // divisor, source_rate // divisor)
    return out.astype(np.float32)


def loudness_lufs(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770) in LUFS; -inf for silence or clips under 0.4 s."""
    import pyloudnorm

    if len(samples) < int(0.4 * sample_rate) + 1:
        return float("-inf")
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples.astype(np.float64)))


def normalize_loudness(
    samples: np.ndarray, sample_rate: int, target_lufs: float = -20.0, peak_limit: float = 0.97
) -> np.ndarray:
    """Scale to `target_lufs` integrated loudness without letting peaks pass `peak_limit`."""
    current = loudness_lufs(samples, sample_rate)
    if not np.isfinite(current):
        return np.asarray(samples, dtype=np.float32)
    gain = 10.0 ** ((target_lufs - current) / 20.0)
    peak = float(np.max(np.abs(samples))) * gain
    if peak > peak_limit:
        gain *= peak_limit / peak
    return (np.asarray(samples) * gain).astype(np.float32)


def peak_dbfs(samples: np.ndarray) -> float:
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return 20.0 * np.log10(peak) if peak > 0 else float("-inf")

"""Reference intake: load a voice clip, check it, trim it, pick its best stretch, normalise it.

Every check produces a clear message: unusable clips raise `ReferenceError`, usable but
doubtful ones come back with `warnings`.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .audio import load_audio, loudness_lufs, normalize_loudness, peak_dbfs, resample

log = logging.getLogger(__name__)

WORK_RATE = 22050
MIN_SECONDS = 3.0
MAX_SECONDS = 30.0
BEST_STRETCH_SECONDS = (3.0, 15.0)
TARGET_LUFS = -20.0
FRAME_SECONDS = 0.02
SILENCE_PEAK_DBFS = -60.0
LOW_LEVEL_PEAK_DBFS = -30.0
NARROWBAND_HZ = 5000.0


class ReferenceError(ValueError):
    """The reference clip cannot be used; the message says why."""


@dataclass(frozen=True)
class Reference:
    """A cleaned reference clip, ready for enrollment."""

    samples: np.ndarray
    sample_rate: int
    source_hash: str
    original_seconds: float
    bandwidth_hz: float
    span_seconds: tuple[float, float]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def duration(self) -> float:
        return len(self.samples) / float(self.sample_rate)


def load_reference(path: str | os.PathLike[str]) -> Reference:
    """Read a clip from disk and run every check (see `prepare_reference`)."""
    path = Path(path)
    samples, rate = load_audio(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return prepare_reference(samples, rate, source_hash=digest, name=path.name)


def prepare_reference(
    samples: np.ndarray, sample_rate: int, *, source_hash: str = "", name: str = "reference"
) -> Reference:
    """Check, trim, choose the best stretch and loudness-normalise a mono clip."""
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    if not source_hash:
        source_hash = hashlib.sha256(samples.tobytes()).hexdigest()
    original_seconds = len(samples) / float(sample_rate)
    warnings: list[str] = []

    peak = peak_dbfs(samples)
    if peak < SILENCE_PEAK_DBFS:
        raise ReferenceError(
            f"{name}: the clip is silent (peak level {peak:.0f} dBFS); record the voice again"
        )
    if peak < LOW_LEVEL_PEAK_DBFS:
        warnings.append(
            f"{name}: very low recording level (peak {peak:.0f} dBFS); it was amplified, "
            "expect more background noise"
        )
    clipped = clipped_fraction(samples)
    if clipped > 0.001:
        warnings.append(
            f"{name}: the clip is clipped ({100 * clipped:.1f} % of samples at full scale); "
            "distortion may carry into the voice"
        )

    energy_db = frame_energy_db(samples, sample_rate)
    active = energy_db > energy_db.max() - 40.0
    if active.sum() * FRAME_SECONDS < 0.2 or energy_db.max() < SILENCE_PEAK_DBFS - 15.0:
        raise ReferenceError(f"{name}: no speech found in the clip (silence only)")
    start, end = speech_bounds(active, sample_rate)
    span = (start / sample_rate, end / sample_rate)
    speech_seconds = (end - start) / sample_rate
    if speech_seconds < MIN_SECONDS:
        raise ReferenceError(
            f"{name}: only {speech_seconds:.1f} s of speech (clip {original_seconds:.1f} s); "
            f"a reference needs at least {MIN_SECONDS:.0f} s, ideally 5-10 s"
        )
    if speech_seconds > MAX_SECONDS:
        start, end = best_stretch(active, sample_rate, start, end)
        span = (start / sample_rate, end / sample_rate)
        warnings.append(
            f"{name}: the clip is {original_seconds:.1f} s long; using its best stretch "
            f"{span[0]:.1f}-{span[1]:.1f} s ({(end - start) / sample_rate:.1f} s)"
        )
    clip = samples[start:end]

    snr = estimate_snr_db(energy_db)
    if snr < 15.0:
        warnings.append(
            f"{name}: noisy recording (speech about {snr:.0f} dB above the background); "
            "the noise colours the voice"
        )
    bandwidth = effective_bandwidth_hz(clip, sample_rate)
    if bandwidth < NARROWBAND_HZ:
        warnings.append(
            f"{name}: narrowband (telephone-like) audio, content stops near "
            f"{bandwidth / 1000:.1f} kHz; the voice is matched below that and keeps full-band "
            "clarity above it"
        )
    clip = resample(clip, sample_rate, WORK_RATE)
    clip = normalize_loudness(clip, WORK_RATE, TARGET_LUFS)
    for message in warnings:
        log.warning(message)
    return Reference(
        samples=clip,
        sample_rate=WORK_RATE,
        source_hash=source_hash,
        original_seconds=original_seconds,
        bandwidth_hz=bandwidth,
        span_seconds=span,
        warnings=tuple(warnings),
    )


def frame_energy_db(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    hop = max(1, int(FRAME_SECONDS * sample_rate))
    count = max(1, len(samples) // hop)
    frames = samples[: count * hop].reshape(count, hop).astype(np.float64)
    return 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def clipped_fraction(samples: np.ndarray) -> float:
    """Share of samples in runs of 3+ consecutive samples stuck at the clip's full scale."""
    peak = float(np.max(np.abs(samples)))
    if peak < 0.98:
        return 0.0
    at_rail = np.abs(samples) >= 0.995 * peak
    runs = at_rail[:-2] & at_rail[1:-1] & at_rail[2:]
    return float(runs.sum()) / len(samples)


def speech_bounds(
    active: np.ndarray, sample_rate: int, pad_seconds: float = 0.1
) -> tuple[int, int]:
    hop = int(FRAME_SECONDS * sample_rate)
    indices = np.flatnonzero(active)
    pad = int(pad_seconds * sample_rate)
    start = max(0, indices[0] * hop - pad)
    end = min(len(active) * hop, (indices[-1] + 1) * hop + pad)
    return int(start), int(end)


def best_stretch(
    active: np.ndarray, sample_rate: int, start: int, end: int
) -> tuple[int, int]:
    """Pick the 3-15 s stretch between pauses with the most speech (prefers ~10-15 s)."""
    hop = int(FRAME_SECONDS * sample_rate)
    lo, hi = start // hop, end // hop
    pauses = [lo] + [i for i in range(lo + 1, hi) if not active[i] and active[i - 1]] + [hi]
    shortest, longest = (int(s / FRAME_SECONDS) for s in BEST_STRETCH_SECONDS)
    best: tuple[float, int, int] | None = None
    for a_index, a in enumerate(pauses):
        for b in pauses[a_index + 1 :]:
            length = b - a
            if length > longest:
                break
            if length < shortest:
                continue
            score = active[a:b].mean() + 0.02 * length * FRAME_SECONDS
            if best is None or score > best[0]:
                best = (score, a, b)
    if best is None:  # no pause-bounded stretch: the busiest fixed-length window
        window = int(12.0 / FRAME_SECONDS)
        sums = np.convolve(active[lo:hi].astype(float), np.ones(window), mode="valid")
        a = lo + int(np.argmax(sums))
        best = (0.0, a, a + window)
    return best[1] * hop, best[2] * hop


def estimate_snr_db(energy_db: np.ndarray) -> float:
    """Loud frames (speech) against quiet frames (background), in dB."""
    return float(np.percentile(energy_db, 90) - np.percentile(energy_db, 10))


def effective_bandwidth_hz(samples: np.ndarray, sample_rate: int) -> float:
    """Highest frequency whose long-term level is within 45 dB of the spectrum's peak."""
    from scipy.signal import welch

    freqs, psd = welch(samples, fs=sample_rate, nperseg=min(2048, len(samples)))
    level = 10 * np.log10(psd + 1e-20)
    above = np.flatnonzero(level > level.max() - 45.0)
    return float(freqs[above[-1]]) if len(above) else 0.0


def describe(reference: Reference) -> dict[str, object]:
    """A JSON-friendly summary of the checks (used by the CLI, server and studio)."""
    return {
        "seconds": round(reference.duration, 2),
        "original_seconds": round(reference.original_seconds, 2),
        "span_seconds": [round(v, 2) for v in reference.span_seconds],
        "bandwidth_hz": round(reference.bandwidth_hz),
        "loudness_lufs": round(loudness_lufs(reference.samples, reference.sample_rate), 1),
        "warnings": list(reference.warnings),
    }

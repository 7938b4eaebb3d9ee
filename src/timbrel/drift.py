"""Long-text drift: per-segment speaker similarity, loudness and speaking rate over time,
summarised as a slope per 10 minutes of audio and a spread (standard deviation)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .audio import AudioChunk, loudness_lufs
from .voice import Voice

TEN_MINUTES = 600.0


@dataclass(frozen=True)
class SegmentMeasure:
    start: float  # seconds from the start of the whole rendering
    seconds: float
    similarity: float | None  # GE2E cosine to the voice (None under 1 s)
    loudness: float | None  # integrated LUFS (None under 0.4 s)
    rate: float  # phonemes per second


def measure_stream(chunks: Iterable[AudioChunk], voice: Voice) -> list[SegmentMeasure]:
    """Measure each speech chunk of a `synthesize` stream (silences only advance time)."""
    from .metrics import cosine
    from .speaker_encoder import ge2e_embedding

    reference = np.asarray(voice.embedding)
    measures = []
    clock = 0.0
    for chunk in chunks:
        seconds = chunk.duration
        if chunk.text and np.any(chunk.samples):
            similarity = None
            if seconds >= 1.0:
                similarity = cosine(ge2e_embedding(chunk.samples, chunk.sample_rate), reference)
            loudness = loudness_lufs(chunk.samples, chunk.sample_rate)
            measures.append(SegmentMeasure(
                start=clock, seconds=seconds, similarity=similarity,
                loudness=loudness if math.isfinite(loudness) else None,
                rate=len(chunk.text) / seconds))
        clock += seconds
    return measures


def trend(times: list[float], values: list[float | None]) -> dict[str, float]:
    """Mean, standard deviation and least-squares slope per 10 minutes of the values."""
    pairs = [(t, v) for t, v in zip(times, values, strict=True) if v is not None]
    if len(pairs) < 2:
        return {"n": len(pairs), "mean": float("nan"), "std": float("nan"),
                "slope_per_10min": float("nan")}
    t = np.array([p[0] for p in pairs]) / TEN_MINUTES
    v = np.array([p[1] for p in pairs], dtype=float)
    slope = float(np.polyfit(t, v, 1)[0]) if np.ptp(t) > 0 else 0.0
    return {"n": len(pairs), "mean": float(v.mean()), "std": float(v.std()),
            "slope_per_10min": slope}


def drift_summary(measures: list[SegmentMeasure]) -> dict[str, Any]:
    """Trends of similarity, loudness and speaking rate over the rendering."""
    middles = [m.start + m.seconds / 2 for m in measures]
    return {
        "segments": len(measures),
        "audio_seconds": (measures[-1].start + measures[-1].seconds) if measures else 0.0,
        "similarity": trend(middles, [m.similarity for m in measures]),
        "loudness_lufs": trend(middles, [m.loudness for m in measures]),
        "rate_phonemes_per_s": trend(middles, [m.rate for m in measures]),
    }


def as_rows(measures: list[SegmentMeasure]) -> list[dict[str, Any]]:
    return [asdict(m) for m in measures]

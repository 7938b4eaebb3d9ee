"""Joining the language parts of one sentence into one chunk of audio.

Parts come from different source voices (Piper joe, Baker) and conversions, so their
levels differ; inside a sentence each is brought to the same speech level before they are
joined, with a short gap (longer where punctuation separated them).
"""

from __future__ import annotations

import numpy as np

from .reading import Part

GAP_SECONDS = 0.03
CLAUSE_GAP_SECONDS = 0.15
_FRAME = 0.02


def part_gap(part: Part) -> float:
    """Silence before `part` when it follows another part of the same sentence."""
    return CLAUSE_GAP_SECONDS if part.pause_before else GAP_SECONDS


def speech_level(samples: np.ndarray, sample_rate: int) -> float:
    """RMS of the loud frames (90th percentile of 20 ms frame RMS)."""
    size = max(1, int(_FRAME * sample_rate))
    frames = len(samples) // size
    if frames == 0:
        return float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0
    rms = np.sqrt(np.mean(np.square(samples[: frames * size].reshape(frames, size)), axis=1))
    return float(np.percentile(rms, 90))


def join_parts(pieces: list[np.ndarray], gaps: list[int], sample_rate: int) -> np.ndarray:
    """One array: the parts level-matched to the first, `gaps[k]` zeros before part k."""
    if len(pieces) == 1:
        return pieces[0]
    reference = next((level for level in (speech_level(p, sample_rate) for p in pieces)
                      if level > 0), 0.0)
    out: list[np.ndarray] = []
    for piece, gap in zip(pieces, gaps, strict=True):
        level = speech_level(piece, sample_rate)
        gain = reference / level if level > 0 and reference > 0 else 1.0
        if gap > 0 and out:
            out.append(np.zeros(gap, np.float32))
        out.append((piece * gain).astype(np.float32))
    return np.concatenate(out)

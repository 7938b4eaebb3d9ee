"""How far a segment sounds from a fresh rendering of the same text in the same voice.

Both clips say the same words, so after aligning their frames in time (DTW) what is left
between them is mostly who is speaking and how (spectral envelope, pitch-dependent
timbre), not what is said. That makes this a much sharper speaker check than comparing
whole-clip embeddings of different texts: on the verify benchmark's development voices
(benchmarks/verify_loop.py), a clean segment against the same voice speaking the same text
with another seed scores 13-20, the same text in another cloned voice 27 or more.

The distance is the mean Euclidean distance between paired MFCC 1..19 vectors (librosa,
16 kHz, 10 ms hop), over frames that are speech in both clips (above each clip's 30th
energy percentile). MFCC 0 is left out, so a level difference does not count.
"""

from __future__ import annotations

import numpy as np

from .audio import resample

RATE = 16000
HOP = 160


def mfcc_frames(samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """MFCC 1..19 per 10 ms frame ([19, frames]) and which frames are speech."""
    import librosa

    wav = resample(np.asarray(samples, np.float32), sample_rate, RATE)
    mfcc = librosa.feature.mfcc(y=wav, sr=RATE, n_mfcc=20, n_fft=512, hop_length=HOP,
                                n_mels=40)
    energy = mfcc[0]
    return mfcc[1:], energy >= np.percentile(energy, 30)


def rendering_distance(samples: np.ndarray, sample_rate: int, expected: np.ndarray,
                       expected_rate: int) -> float | None:
    """Mean DTW-aligned MFCC distance of `samples` to `expected` (None if either clip is
    shorter than a tenth of a second or no aligned frame pair is speech in both)."""
    import librosa

    if len(samples) < sample_rate // 10 or len(expected) < expected_rate // 10:
        return None
    heard, heard_speech = mfcc_frames(samples, sample_rate)
    wanted, wanted_speech = mfcc_frames(expected, expected_rate)
    _, path = librosa.sequence.dtw(X=heard, Y=wanted, metric="euclidean")
    both = heard_speech[path[:, 0]] & wanted_speech[path[:, 1]]
    if not both.any():
        return None
    pairs = path[both]
    return float(np.linalg.norm(heard[:, pairs[:, 0]] - wanted[:, pairs[:, 1]], axis=0).mean())

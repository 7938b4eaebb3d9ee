"""Which engine a new voice is cloned with when the caller leaves it to us ("auto").

Both engines convert a fixed source voice toward the reference, and the conversion's
costliest step is moving the pitch: Piper joe (median F0 90 Hz) raised by PSOLA by the
12 semitones a female voice needs loses words (24 dev sentences, Whisper tiny.en: 7.9 %
untouched, 12.1 % at +12 st), while hibari's heart voice (197 Hz) changes F0 inside its
vocoder. So the source nearest the reference in median pitch (on a log scale, midpoint
133 Hz) is chosen: heart for English references above it, joe otherwise and for every
other language (heart speaks English only).

Dev set (benchmarks/cloning.py --dev: 8 synthetic, 2 Allison targets), each voice on the
engine this rule picks against the built-in engine on all of them: synthetic GE2E 0.680
vs 0.672, human 0.685 vs 0.649; WER 7.4 % vs 10.4 % and 1.9 % vs 15.4 %.
"""

from __future__ import annotations

import numpy as np

from .base import get_engine

AUTO = "auto"
ENGLISH_ONLY = "heart"
DEFAULT = "builtin"


def median_log_f0(samples: np.ndarray, sample_rate: int) -> float | None:
    """The clip's median log-F0 (Praat, voiced frames only); None when barely voiced."""
    from .builtin.conversion import FRAME_MS, praat_f0

    times = np.arange(0.0, len(samples) / sample_rate, FRAME_MS / 1000.0)
    f0 = praat_f0(samples, sample_rate, times)
    voiced = f0[f0 > 0]
    if len(voiced) < 20:
        return None
    return float(np.median(np.log(voiced)))


def choose_engine(samples: np.ndarray, sample_rate: int, language: str) -> str:
    """The engine whose source voice is nearest this reference in pitch (see module doc)."""
    if language != "en":
        return DEFAULT
    reference = median_log_f0(samples, sample_rate)
    if reference is None:
        return DEFAULT  # the chosen engine's own enrollment names the problem
    distances = {name: abs(reference - get_engine(name).source.log_f0_median)
                 for name in (DEFAULT, ENGLISH_ONLY)}
    return min(distances, key=lambda name: (distances[name], name != DEFAULT))

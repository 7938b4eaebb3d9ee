"""Which phoneme each of the heart voice's frames belongs to.

hibari's network predicts a length for every phoneme id (in steps of two 12.5 ms frames)
inside its graph; heart_model.py exposes it as an extra output. The labels follow the
built-in engine's rules (phonemes.py: stress marks take the next symbol, spaces and
punctuation are silence), with misaki's one-letter diphthongs and affricates spelled out
so their phoneme class is found.
"""

from __future__ import annotations

import numpy as np

from ..builtin.phonemes import SILENCE, symbol_labels

FRAMES_PER_STEP = 2
MISAKI_LABELS = {"A": "eɪ", "I": "aɪ", "O": "oʊ", "W": "aʊ", "Y": "ɔɪ", "Q": "əʊ",
                 "ʤ": "dʒ", "ʧ": "tʃ", "T": "ɾ", "ᵊ": "ə"}


def id_labels(symbols: list[str]) -> list[str]:
    """A label per phoneme id: the pad, one per symbol the network knows, the pad."""
    return [SILENCE, *symbol_labels([MISAKI_LABELS.get(s, s) for s in symbols]), SILENCE]


def frame_labels(symbols: list[str], steps: np.ndarray, frames: int) -> np.ndarray | None:
    """Each frame's label from the per-id lengths; None if they do not add up to `frames`."""
    labels = id_labels(symbols)
    if len(labels) != len(steps) or int(np.sum(steps)) * FRAMES_PER_STEP != frames:
        return None
    return np.repeat(np.asarray(labels, dtype=object), np.asarray(steps) * FRAMES_PER_STEP)


def sample_labels(labels: np.ndarray, samples: int, samples_per_frame: float) -> np.ndarray:
    """The label of each of `samples` samples (frame k covers k * samples_per_frame on)."""
    index = np.minimum((np.arange(samples) / samples_per_frame).astype(int), len(labels) - 1)
    return labels[index]

"""Measures: speaker similarity (GE2E and an independent MFCC measure), WER/CER,
real-time factor and peak memory."""

from __future__ import annotations

import re
import resource
import sys
from dataclasses import dataclass

import numpy as np

from .speaker_encoder import ge2e_embedding, mfcc_statistics


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))


def speaker_similarity(a: np.ndarray, rate_a: int, b: np.ndarray, rate_b: int) -> float:
    """GE2E cosine similarity of two clips (same voice ≈ 0.9, different voices ≈ 0.55)."""
    return cosine(ge2e_embedding(a, rate_a), ge2e_embedding(b, rate_b))


@dataclass
class MfccSpeakerSpace:
    """The independent measure: cosine of z-scored MFCC statistics.

    Fit the z-scoring on a pool of clips from many voices (the benchmark uses every
    held-out truth clip); similarity of two clips is then the cosine of their z-scored
    statistics vectors.
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, clips: list[tuple[np.ndarray, int]]) -> MfccSpeakerSpace:
        features = np.stack([mfcc_statistics(samples, rate) for samples, rate in clips])
        return cls(mean=features.mean(axis=0), std=features.std(axis=0) + 1e-9)

    def vector(self, samples: np.ndarray, rate: int) -> np.ndarray:
        return (mfcc_statistics(samples, rate) - self.mean) / self.std

    def similarity(self, a: np.ndarray, rate_a: int, b: np.ndarray, rate_b: int) -> float:
        return cosine(self.vector(a, rate_a), self.vector(b, rate_b))


_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()


def normalize_for_wer(text: str) -> str:
    """Lower case, no punctuation, single digits spelled out, single spaces."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"\b(\d{1,2})\b", lambda m: _spell(int(m.group(1))), text)
    text = re.sub(r"[^\w\s']", " ", text)
    text = re.sub(r"'(?!\w)|(?<!\w)'", " ", text)
    return " ".join(text.split())


def _spell(number: int) -> str:
    return _NUMBER_WORDS[number] if number < len(_NUMBER_WORDS) else str(number)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER after normalisation (jiwer). An empty reference scores 0 only for empty output."""
    import jiwer

    ref, hyp = normalize_for_wer(reference), normalize_for_wer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(ref, hyp if hyp else ""))


def character_error_rate(reference: str, hypothesis: str) -> float:
    import jiwer

    ref, hyp = normalize_for_wer(reference), normalize_for_wer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.cer(ref, hyp))


def real_time_factor(compute_seconds: float, audio_seconds: float) -> float:
    """Seconds of computing per second of audio (below 1 is faster than real time)."""
    return compute_seconds / audio_seconds if audio_seconds > 0 else float("inf")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024

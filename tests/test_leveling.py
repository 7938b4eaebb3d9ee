"""Loudness levelling: every segment reaches the target, true peaks stay under the ceiling."""

from __future__ import annotations

import numpy as np
import pytest

from timbrel.audio import loudness_lufs, normalize_loudness
from timbrel.leveling import CEILING_DBTP, level_loudness, limit_true_peak, true_peak_dbtp

RATE = 22050


def speech_like(seed: int, peakiness: float) -> np.ndarray:
    """A 2 s syllabic tone burst train with occasional sharp peaks (like plosives)."""
    rng = np.random.default_rng(seed)
    t = np.arange(2 * RATE) / RATE
    syllables = 0.5 * (1 + np.sin(2 * np.pi * 4 * t)) ** 2
    voiced = np.sin(2 * np.pi * 140 * t) + 0.5 * np.sin(2 * np.pi * 280 * t + 1)
    signal = 0.05 * syllables * voiced + 0.002 * rng.standard_normal(len(t))
    for start in rng.integers(0, len(t) - 200, 6):
        signal[start:start + 60] += peakiness * np.hanning(60) * rng.choice([-1, 1])
    return signal.astype(np.float32)


@pytest.mark.parametrize("target", [-18.0, -16.0])
def test_peaky_segments_reach_the_target_with_peaks_under_the_ceiling(target):
    levels, capped = [], []
    for seed, peakiness in enumerate([0.0, 0.2, 0.5, 0.9]):
        clip = speech_like(seed, peakiness)
        out = level_loudness(clip, RATE, target)
        levels.append(loudness_lufs(out, RATE))
        capped.append(loudness_lufs(normalize_loudness(clip, RATE, target), RATE))
        assert true_peak_dbtp(out) <= CEILING_DBTP + 0.05
        assert len(out) == len(clip) and out.dtype == np.float32
    assert max(abs(level - target) for level in levels) < 0.15
    assert max(capped) - min(capped) > 2.0  # gain capping leaves the peaky ones quieter


def test_limiter_leaves_quiet_audio_alone_and_is_smooth():
    quiet = speech_like(1, 0.0) * 0.1
    assert np.array_equal(limit_true_peak(quiet, RATE), quiet)
    loud = speech_like(2, 0.9) * 4
    out = limit_true_peak(loud, RATE)
    gain = np.abs(out) / np.maximum(np.abs(loud), 1e-9)
    steady = np.abs(loud) > 0.01
    neighbours = steady[1:] & steady[:-1]  # compare adjacent samples only
    assert np.max(np.abs(np.diff(gain)[neighbours])) < 0.05  # no gain jumps between samples


def test_silence_and_tiny_clips_are_returned_unchanged():
    assert np.array_equal(level_loudness(np.zeros(RATE, np.float32), RATE, -16), np.zeros(RATE))
    click = np.full(100, 0.5, np.float32)
    assert np.array_equal(level_loudness(click, RATE, -16), click)

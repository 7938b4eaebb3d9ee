"""Monotonic alignment search finds the best monotonic path (checked by brute force)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from timbrel.adapt.alignment import maximum_path


def brute_force(log_likelihood: np.ndarray) -> np.ndarray:
    frames, phonemes = log_likelihood.shape
    best, best_path = -np.inf, None
    for cuts in itertools.combinations(range(1, frames), phonemes - 1):
        bounds = (0, *cuts, frames)
        path = np.zeros((frames, phonemes), np.float32)
        for j in range(phonemes):
            path[bounds[j]:bounds[j + 1], j] = 1
        score = float(np.sum(path * log_likelihood))
        if score > best:
            best, best_path = score, path
    return best_path


def test_maximum_path_is_the_best_monotonic_path():
    rng = np.random.default_rng(3)
    for _ in range(60):
        frames = int(rng.integers(2, 9))
        phonemes = int(rng.integers(1, frames + 1))
        scores = rng.standard_normal((frames, phonemes))
        path = maximum_path(scores)
        assert np.array_equal(path, brute_force(scores))
        assert np.all(path.sum(1) == 1) and np.all(path.sum(0) >= 1)


def test_too_few_frames_is_an_error():
    with pytest.raises(ValueError, match="cannot cover"):
        maximum_path(np.zeros((2, 3)))

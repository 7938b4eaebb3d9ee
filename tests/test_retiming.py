"""Uneven re-timing for fast speech: pauses and vowels give up more time than consonants."""

import numpy as np
import pytest

from timbrel.engines.builtin.psola import step_points
from timbrel.engines.builtin.retiming import duration_factors


def labels(*runs):
    return np.concatenate([np.full(n, label, dtype=object) for label, n in runs])


def test_factors_keep_the_total_and_spare_consonants():
    clip = labels(("sil", 4000), ("t", 800), ("æ", 3000), ("s", 1500), ("sil", 2000))
    factors = duration_factors(clip, 0.6, len(clip))
    assert factors.mean() == pytest.approx(0.6)
    silence, stop, vowel, fricative = factors[0], factors[4000], factors[5000], factors[8000]
    assert silence < vowel < stop == fricative < 1.0


def test_labels_are_padded_or_cut_to_the_audio():
    clip = labels(("æ", 1000), ("k", 500))
    assert len(duration_factors(clip, 0.5, 2000)) == 2000
    assert len(duration_factors(clip, 0.5, 1200)) == 1200


def test_no_stretch_is_squeezed_to_nothing():
    clip = labels(("sil", 9000), ("p", 100))
    assert duration_factors(clip, 0.5, len(clip)).min() >= 0.15 * 0.5 / 0.6


def test_step_points_hold_each_value_inside_its_stretch():
    factors = np.concatenate([np.full(1000, 0.4), np.full(1000, 0.8)])
    points = step_points(factors, 1000.0)
    assert points == [(0.002, 0.4), (0.998, 0.4), (1.002, 0.8), (1.998, 0.8)]

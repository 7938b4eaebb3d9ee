"""Spectral subtraction of a steady noise floor (the watermark detector's denoiser)."""

from __future__ import annotations

import numpy as np
import pytest

from timbrel.noise_floor import noise_floor, subtract_noise_floor


def _noisy_tones(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(64 frequencies, 200 frames) of noise power ~1 per bin, with tones of power 1,000
    at every 8th frequency in the middle 150 frames (the first and last 25 are pauses)."""
    noise = rng.exponential(1.0, size=(64, 200))
    tones = np.zeros((64, 200))
    tones[::8, 25:175] = 1000.0
    return noise + tones, tones


def test_floor_is_estimated_from_the_pauses():
    power, _ = _noisy_tones(np.random.default_rng(0))
    floor = noise_floor(power)
    assert floor.shape == (64,)
    # the noise (power ~1, a mean over 20 frames), not the tones (1,000)
    assert np.all((floor > 0.4) & (floor < 1.7)), floor
    assert abs(floor.mean() - 1.0) < 0.25


def test_subtraction_keeps_the_tones_and_flattens_the_valleys():
    power, tones = _noisy_tones(np.random.default_rng(1))
    cleaned = subtract_noise_floor(power, oversubtraction=2.0, residual_floor=0.1)
    assert cleaned.shape == power.shape and cleaned.dtype == power.dtype
    floor = noise_floor(power)[:, None]
    on = tones > 0
    assert np.allclose(cleaned[on], power[on] - 2 * np.broadcast_to(floor, power.shape)[on])
    valleys = cleaned[~on]
    # most noise-only cells fall below 2x the floor and are set to exactly 0.1x the floor
    at_floor = np.isclose(valleys, 0.1 * np.broadcast_to(floor, power.shape)[~on])
    assert at_floor.mean() > 0.8
    assert np.all(cleaned >= 0.1 * floor - 1e-12)
    # the tones now stand far higher above the valleys than they did
    before = np.median(power[on]) / np.median(power[~on])
    after = np.median(cleaned[on]) / np.median(cleaned[~on])
    assert after > 5 * before


def test_clean_spectrum_with_silent_pauses_is_left_nearly_alone():
    rng = np.random.default_rng(2)
    power = np.full((32, 100), 1e-12)
    power[:, 10:90] = rng.uniform(1.0, 100.0, size=(32, 80))
    cleaned = subtract_noise_floor(power)
    assert np.allclose(cleaned[:, 10:90], power[:, 10:90], rtol=1e-9)


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((3, 0)), -np.ones((2, 2)),
                                 np.full((2, 2), np.nan)])
def test_bad_power_is_refused_with_a_clear_message(bad):
    with pytest.raises(ValueError, match="power must"):
        subtract_noise_floor(bad)


def test_bad_settings_are_refused():
    power = np.ones((4, 10))
    with pytest.raises(ValueError, match="quiet_fraction"):
        noise_floor(power, quiet_fraction=0.0)
    with pytest.raises(ValueError, match="residual_floor"):
        subtract_noise_floor(power, residual_floor=0.0)

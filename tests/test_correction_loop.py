"""The closed-loop correction: measured on the source as the other moves leave it."""

import numpy as np

from timbrel.engines.builtin.conversion import (
    FFT_SIZE,
    conversion_params,
    shape_spectrum,
    speaker_profile,
    tilt_curve,
)
from timbrel.engines.builtin.correction_loop import looped_correction

RATE = 22050
FREQS = np.linspace(0.0, RATE / 2.0, FFT_SIZE // 2 + 1)


def _vowel(seconds: float = 2.5) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 130.0 * 2 ** (0.1 * np.sin(2 * np.pi * 1.3 * t))
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    return (0.1 * sum(np.sin(k * phase) / k ** 0.7 for k in range(1, 60))).astype(np.float32)


def test_loop_undoes_what_the_moves_do_to_the_spectrum():
    source = _vowel()
    profile = speaker_profile(source, RATE)
    moves = conversion_params(profile, profile, RATE)  # the voice onto itself
    assert np.abs(moves.correction_db).max() < 1.0
    damage = tilt_curve(-8.0, FREQS)  # the "other moves" lose 8 dB at 4 kHz

    def render(params):
        return shape_spectrum(source, damage + params.correction_db, 0.0,
                              np.random.default_rng(0))

    looped = looped_correction(render, moves, profile, RATE)
    at = lambda hz: looped.correction_db[int(round(hz / FREQS[1]))]  # noqa: E731
    assert 5.5 < at(4000.0) - at(500.0) < 10.0  # put back, within the smoothing
    assert looped.warp_ratio == moves.warp_ratio
    assert looped.log_f0_median == moves.log_f0_median


def test_loop_leaves_the_moves_alone_without_voiced_frames():
    source = _vowel()
    profile = speaker_profile(source, RATE)
    moves = conversion_params(profile, profile, RATE)
    silent = np.zeros_like(source)
    looped = looped_correction(lambda params: silent, moves, profile, RATE)
    assert looped is moves

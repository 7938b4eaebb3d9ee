"""Conversion edge cases with the real engine's parameters."""

import numpy as np
import pytest

from timbrel.engines import get_engine
from timbrel.engines.builtin.conversion import ConversionParams, convert


def test_unvoiced_piece_is_converted_not_crashed(voice):
    engine = get_engine("builtin")
    params = ConversionParams.from_dict(dict(voice.params))
    noise = (0.05 * np.random.default_rng(0).standard_normal(11025)).astype(np.float32)
    out = convert(noise, 22050, engine.source, params, pitch_shift_semitones=3.0,
                  target_samples=13000)
    assert len(out) == 13000 and np.all(np.isfinite(out))


def test_tiny_piece_passes_through(voice):
    engine = get_engine("builtin")
    params = ConversionParams.from_dict(dict(voice.params))
    out = convert(np.zeros(100, np.float32), 22050, engine.source, params)
    assert len(out) == 100


def test_range_factor_is_lowered_only_where_pitch_would_go_below_zero():
    import parselmouth

    from timbrel.engines.builtin.conversion import MIN_PITCH_SHARE, safe_range_factor

    rate = 16000
    t = np.arange(int(1.5 * rate)) / rate
    f0 = 120.0 * 2 ** (np.sin(2 * np.pi * 0.7 * t) * 0.8)  # glides 69-209 Hz
    phase = 2 * np.pi * np.cumsum(f0) / rate
    tone = sum(np.sin(k * phase) / k for k in range(1, 20))
    sound = parselmouth.Sound(tone, sampling_frequency=rate)
    assert safe_range_factor(sound, 1.5, 50.0, 300.0) == 1.5  # small factors pass unchecked
    lowered = safe_range_factor(sound, 4.0, 50.0, 300.0)
    assert 1.0 < lowered < 4.0
    pitch = sound.to_pitch(pitch_floor=50.0, pitch_ceiling=300.0).selected_array["frequency"]
    lowest = pitch[pitch > 0].min() / np.median(pitch[pitch > 0])
    assert 1 + (lowest - 1) * lowered >= MIN_PITCH_SHARE - 1e-9


def test_remembered_pitch_follows_the_samples_not_the_array():
    from timbrel.engines.builtin.conversion import praat_f0

    rate = 16000
    t = np.arange(rate) / rate
    samples = (0.3 * np.sin(2 * np.pi * 120.0 * t)).astype(np.float32)
    times = np.arange(0.1, 0.9, 0.01)
    first = praat_f0(samples, rate, times)
    first[:] = 0.0  # the caller's copy: changing it leaves the remembered track alone
    assert np.median(praat_f0(samples, rate, times)) == pytest.approx(120.0, rel=0.02)
    samples[:] = 0.3 * np.sin(2 * np.pi * 200.0 * t)  # same array, new content
    assert np.median(praat_f0(samples, rate, times)) == pytest.approx(200.0, rel=0.02)


def test_breathiness_turns_harmonics_to_noise_without_taking_their_energy():
    from scipy.signal import welch

    from timbrel.engines.builtin.conversion import FFT_SIZE, shape_spectrum

    rate = 22050
    t = np.arange(2 * rate) / rate
    buzz = sum(np.sin(2 * np.pi * 150.0 * k * t) / k for k in range(1, 60)).astype(np.float32)
    breathy = shape_spectrum(buzz, np.zeros(FFT_SIZE // 2 + 1), 0.35,
                             np.random.default_rng(0))
    freqs, before = welch(buzz, rate, nperseg=2048)
    _, after = welch(breathy, rate, nperseg=2048)
    top = (freqs > 2500) & (freqs < 8000)
    assert abs(10 * np.log10(after[top].sum() / before[top].sum())) < 0.5
    # ... while the harmonics there do turn to noise: the valleys between them fill in
    valleys = top & (np.abs((freqs / 150.0) - np.round(freqs / 150.0)) > 0.35)
    assert after[valleys].sum() > 4 * before[valleys].sum()

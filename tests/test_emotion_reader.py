"""The emotion reader's features and shipped weights, without the engine."""

import numpy as np
import pytest

from conftest import tone_speech
from timbrel.emotion import EMOTIONS
from timbrel.emotion_features import FEATURE_NAMES, clip_features
from timbrel.emotion_reader import EmotionReader, default_reader


def feature(values: np.ndarray, name: str) -> float:
    return float(values[FEATURE_NAMES.index(name)])


def test_features_ignore_the_recording_level():
    clip = tone_speech(4.0)
    loud, quiet = clip_features(clip, 16000), clip_features(0.05 * clip, 16000)
    assert np.allclose(loud, quiet, atol=1e-3)


def test_pitch_spread_is_relative_to_the_clips_own_register():
    low = clip_features(tone_speech(4.0, f0=110.0), 16000)
    high = clip_features(tone_speech(4.0, f0=220.0), 16000)
    octave = feature(high, "f0_median_st") - feature(low, "f0_median_st")
    assert octave == pytest.approx(12, abs=0.3)
    for name in ("f0_range_st", "f0_sd_st", "f0_rise_st", "f0_fall_st"):
        assert feature(high, name) == pytest.approx(feature(low, name), abs=0.25), name


def test_features_refuse_what_cannot_be_read():
    with pytest.raises(ValueError, match="at least 0.5 s"):
        clip_features(np.zeros(4000, np.float32), 16000)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="too little voiced speech"):
        clip_features(0.1 * rng.standard_normal(32000).astype(np.float32), 16000)


def test_shipped_weights_fit_the_features():
    reader = default_reader()
    assert reader.coef.shape == (len(EMOTIONS), len(FEATURE_NAMES))
    probabilities = reader.probabilities(reader.mean)
    assert probabilities.sum() == pytest.approx(1.0) and (probabilities >= 0).all()
    # the training clips' calm centre reads as calm
    assert EMOTIONS[int(np.argmax(reader.probabilities(reader.calm_centre)))] == "calm"


def test_a_baseline_moves_the_clip_to_the_calm_centre():
    reader = default_reader()
    speaker = reader.mean + 2.0 * reader.scale  # a voice far from the training voices
    assert np.allclose(reader.probabilities(speaker, baseline=speaker),
                       reader.probabilities(reader.calm_centre))


def test_weights_for_other_features_are_refused():
    values = default_reader().to_dict()
    values["features"] = values["features"][:-1]
    with pytest.raises(ValueError, match="retrain"):
        EmotionReader.from_dict(values)


def test_the_calm_prior_raises_calm_and_nothing_else_in_order():
    from dataclasses import replace

    reader = default_reader()
    clip = reader.mean + 0.5 * reader.scale
    plain = replace(reader, calm_prior=0.0).probabilities(clip)
    tilted = replace(reader, calm_prior=2.0).probabilities(clip)
    calm = EMOTIONS.index("calm")
    assert tilted[calm] > plain[calm]
    others = [i for i in range(len(EMOTIONS)) if i != calm]
    assert np.argsort(tilted[others]).tolist() == np.argsort(plain[others]).tolist()


def vowel(f0: float) -> np.ndarray:
    """tone_speech through fixed resonances at 500, 1500 and 2500 Hz (a neutral vowel)."""
    from scipy.signal import lfilter

    signal = tone_speech(4.0, f0=f0).astype(np.float64)
    for centre in (500.0, 1500.0, 2500.0):
        radius = np.exp(-np.pi * 100.0 / 16000)
        poles = [1.0, -2 * radius * np.cos(2 * np.pi * centre / 16000), radius**2]
        signal = lfilter([1.0], poles, signal)
    return (0.3 * signal / np.max(np.abs(signal))).astype(np.float32)


def test_formant_relative_pitch_follows_the_f0_not_the_formants():
    low, high = clip_features(vowel(110.0), 16000), clip_features(vowel(220.0), 16000)
    gain = feature(high, "f0_formant_st") - feature(low, "f0_formant_st")
    assert gain == pytest.approx(12.0, abs=3.0)  # the F0 doubled, the resonances stayed

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

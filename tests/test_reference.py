import numpy as np
import pytest

from conftest import ALSA_SHORT, tone_speech
from timbrel.reference import ReferenceError, load_reference, prepare_reference


def test_clean_human_reference(human_reference):
    ref = load_reference(human_reference)
    assert ref.warnings == ()
    assert 9.0 < ref.duration < 11.5
    assert ref.sample_rate == 22050
    assert len(ref.source_hash) == 64


def test_too_short_names_the_length():
    if not ALSA_SHORT.is_file():
        pytest.fail("alsa-utils sounds missing: run scripts/setup.sh")
    with pytest.raises(ReferenceError, match=r"only 1\.\d s of speech.*at least 3 s"):
        load_reference(ALSA_SHORT)


def test_half_second_reference():
    with pytest.raises(ReferenceError, match=r"0\.\d s of speech"):
        prepare_reference(tone_speech(0.5), 16000)


def test_silence_only(write_wav):
    with pytest.raises(ReferenceError, match="silent"):
        load_reference(write_wav("silent.wav", np.zeros(16000 * 5, np.float32)))


def test_noise_floor_without_speech():
    quiet = 1e-4 * np.random.default_rng(0).standard_normal(16000 * 5).astype(np.float32)
    with pytest.raises(ReferenceError, match="silent|no speech"):
        prepare_reference(quiet, 16000)


def test_long_clip_picks_best_stretch():
    # 40 s: speech with a pause every 4 s, then 10 s of near-silence in the middle
    speech = tone_speech(40.0)
    gaps = np.ones_like(speech)
    for start in range(4, 40, 4):
        gaps[start * 16000 : start * 16000 + 4000] = 0.0
    speech = speech * gaps
    ref = prepare_reference(speech, 16000, name="long.wav")
    assert 3.0 <= ref.duration <= 15.5
    assert any("best stretch" in w and "40.0 s" in w for w in ref.warnings)


def test_leading_and_trailing_silence_trimmed():
    clip = np.concatenate([np.zeros(32000), tone_speech(5.0), np.zeros(48000)]).astype(np.float32)
    ref = prepare_reference(clip, 16000)
    assert 4.8 < ref.duration < 5.5
    assert ref.span_seconds[0] > 1.5


def test_clipping_warns():
    clip = np.clip(tone_speech(5.0) * 20, -1, 1)
    ref = prepare_reference(clip, 16000)
    assert any("clipped" in w for w in ref.warnings)


def test_low_level_warns_and_is_normalised():
    ref = prepare_reference(tone_speech(5.0) * 0.005, 16000)
    assert any("low recording level" in w for w in ref.warnings)
    assert np.max(np.abs(ref.samples)) > 0.05


def test_narrowband_warns(human_reference):
    from timbrel.audio import load_audio, resample

    wide, rate = load_audio(human_reference)
    phone = resample(resample(wide, rate, 8000), 8000, 16000)
    ref = prepare_reference(phone, 16000, name="voicemail.wav")
    assert any("narrowband" in w for w in ref.warnings)
    assert ref.bandwidth_hz < 4200


def test_noisy_warns(human_reference):
    from timbrel.audio import load_audio

    clean, _ = load_audio(human_reference)
    noisy = clean + 0.05 * np.random.default_rng(1).standard_normal(len(clean)).astype(np.float32)
    ref = prepare_reference(noisy, 16000)
    assert any("noisy" in w for w in ref.warnings)


def test_loudness_normalised(human_reference):
    from timbrel.audio import loudness_lufs

    ref = load_reference(human_reference)
    assert abs(loudness_lufs(ref.samples, ref.sample_rate) - (-20.0)) < 1.0

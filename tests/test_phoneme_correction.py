"""Phoneme-aware corrections: learned from a reading paired with the reference by DTW."""

import numpy as np
import pytest

from timbrel.engines.builtin import phoneme_correction as pc
from timbrel.engines.builtin.conversion import FFT_SIZE

RATE = 22050
SEGMENT = int(0.25 * RATE)


def reading_and_labels(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Alternating 'a' (a 120 Hz harmonic complex) and 's' (noise above 3 kHz), 4 s."""
    rng = np.random.default_rng(seed)
    t = np.arange(SEGMENT) / RATE
    vowel = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 60))
    pieces, labels = [], []
    for index in range(16):
        if index % 2 == 0:
            pieces.append(0.2 * vowel / np.abs(vowel).max())
            labels.append("a")
        else:
            noise = np.fft.rfft(rng.standard_normal(SEGMENT))
            noise[: int(3000 / RATE * SEGMENT)] = 0
            pieces.append(0.05 * np.fft.irfft(noise, SEGMENT))
            labels.append("s")
    return (np.concatenate(pieces).astype(np.float32),
            np.repeat(np.asarray(labels, dtype=object), SEGMENT))


def boost_vowels(signal: np.ndarray, labels: np.ndarray, db: float) -> np.ndarray:
    """The 'a' stretches with everything above 1.5 kHz raised by `db`."""
    out = signal.copy()
    for start in range(0, len(signal), SEGMENT):
        if labels[start] != "a":
            continue
        spectrum = np.fft.rfft(signal[start:start + SEGMENT])
        freqs = np.fft.rfftfreq(SEGMENT, 1 / RATE)
        spectrum[freqs > 1500] *= 10 ** (db / 20)
        out[start:start + SEGMENT] = np.fft.irfft(spectrum, SEGMENT)
    return out


def band_level(gains: np.ndarray, lo: float, hi: float) -> float:
    freqs = np.linspace(0, RATE / 2, FFT_SIZE // 2 + 1)
    return float(gains[(freqs >= lo) & (freqs <= hi)].mean())


@pytest.mark.parametrize("weighting", [False, True])
def test_each_phoneme_gets_its_own_correction(monkeypatch, weighting):
    monkeypatch.setattr(pc, "MATCH_WEIGHTING", weighting)
    reading, labels = reading_and_labels()
    reference = boost_vowels(reading, labels, 9.0)
    corrections = pc.corrections_from_reading(reading, labels, reference, RATE, 1.0, RATE / 2)
    table = dict(zip(corrections.labels, corrections.gains_db, strict=True))
    vowel_tilt = band_level(table["a"], 2000, 3000) - band_level(table["a"], 300, 1000)
    noise_tilt = band_level(table["s"], 4000, 6000) - band_level(table["s"], 3200, 3800)
    assert 4.0 < vowel_tilt < 11.0  # most of the 9 dB boost, shrunk toward the class
    assert abs(noise_tilt) < 2.0  # the fricative was left alone


def test_unknown_phonemes_fall_back_to_class_then_global():
    reading, labels = reading_and_labels()
    corrections = pc.corrections_from_reading(reading, labels, boost_vowels(reading, labels, 9),
                                              RATE, 1.0, RATE / 2)
    table = dict(zip(corrections.labels, corrections.gains_db, strict=True))
    frames = np.asarray(["a", "e", "z", "sil", "q"], dtype=object)
    gains = corrections.gain_matrix(frames, smooth_frames=1)
    assert np.allclose(gains[:, 0], table["a@1"])  # a one-frame 'a' is its middle state
    assert np.allclose(gains[:, 1], table["#vowel"])  # 'e' unseen: its class
    assert np.allclose(gains[:, 2], table["#fricative"])
    assert np.allclose(gains[:, 3], table[pc.GLOBAL])  # silence: the global match
    assert np.allclose(gains[:, 4], table[pc.GLOBAL])  # no class either


def test_states_split_each_run_by_position():
    labels = np.asarray(["sil", "a", "a", "a", "a", "a", "a", "s", "sil"], dtype=object)
    assert list(pc.with_states(labels, 3)) == [
        "sil", "a@0", "a@0", "a@1", "a@1", "a@2", "a@2", "s@1", "sil"]
    assert list(pc.with_states(labels, 1)) == list(labels)


def test_onset_and_offset_get_their_own_corrections():
    reading, labels = reading_and_labels()
    reference = reading.copy()
    for start in range(0, len(reading), SEGMENT):  # boost only the first third of each 'a'
        if labels[start] == "a":
            third = SEGMENT // 3
            piece = np.fft.rfft(reading[start:start + third])
            freqs = np.fft.rfftfreq(third, 1 / RATE)
            piece[freqs > 1500] *= 10 ** (9 / 20)
            reference[start:start + third] = np.fft.irfft(piece, third)
    corrections = pc.corrections_from_reading(reading, labels, reference, RATE, 1.0, RATE / 2)
    table = dict(zip(corrections.labels, corrections.gains_db, strict=True))
    onset = band_level(table["a@0"], 2000, 3000) - band_level(table["a@0"], 300, 1000)
    offset = band_level(table["a@2"], 2000, 3000) - band_level(table["a@2"], 300, 1000)
    assert onset > offset + 2.0


def test_voices_without_states_still_map_phonemes():
    corrections = pc.PhonemeCorrections(labels=(pc.GLOBAL, "#vowel", "a"),
                                        gains_db=np.arange(3.0)[:, None] * np.ones((3, 4)))
    gains = corrections.gain_matrix(np.asarray(["a", "a", "e"], dtype=object), smooth_frames=1)
    assert list(gains[0]) == [2.0, 2.0, 1.0]


def test_corrections_stay_inside_the_reference_band():
    reading, labels = reading_and_labels()
    reference = boost_vowels(reading, labels, 9.0)
    corrections = pc.corrections_from_reading(reading, labels, reference, RATE, 1.0, 4000.0)
    freqs = np.linspace(0, RATE / 2, FFT_SIZE // 2 + 1)
    assert np.all(corrections.gains_db[:, freqs > 4000] == 0)
    assert np.all(np.abs(corrections.gains_db) <= pc.LIMIT_DB)


def test_poor_matches_weigh_less():
    distance = np.array([1.0, 1.0, 1.0, 2.0, 4.0])
    weights = pc.match_weights(distance)
    assert weights[0] == pytest.approx(1.0)
    assert weights[0] > weights[3] > weights[4]
    assert weights[4] < 0.01


def test_envelope_smoothing_fills_harmonic_gaps():
    reading, _ = reading_and_labels()
    vowel = reading[:SEGMENT]
    plain = pc.log_spectrogram(vowel)[5]
    smooth = pc.log_spectrogram(vowel, RATE, 300.0)[5]
    freqs = np.linspace(0, RATE / 2, FFT_SIZE // 2 + 1)
    band = (freqs > 500) & (freqs < 2000)
    assert np.ptp(smooth[band]) < 0.5 * np.ptp(plain[band])


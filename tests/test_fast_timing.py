"""Uneven compression of Piper's durations for fast speech, and the cut graph it decodes."""

from __future__ import annotations

import numpy as np
import pytest

import timbrel
from timbrel.engines.builtin import engine as builtin_engine
from timbrel.engines.builtin import fast_timing
from timbrel.engines.builtin.fast_timing import (
    SPEECH_CLASS_EXPONENTS,
    class_exponents,
    compressed_frames,
)
from timbrel.engines.builtin.phonemes import SILENCE, id_labels
from timbrel.engines.builtin.piper_model import PiperModel, PiperScales


def test_total_is_exact_and_every_spoken_id_keeps_a_frame():
    rng = np.random.default_rng(0)
    durations = rng.uniform(0.2, 9.0, 60)
    durations[[3, 17]] = 0.0
    exponents = rng.choice(list(SPEECH_CLASS_EXPONENTS.values()), 60)
    natural = int(np.ceil(durations).sum())
    for ratio in (0.95, 0.8, 0.6, 0.5, 0.3):
        frames = compressed_frames(durations, exponents, int(natural * ratio))
        assert frames.sum() == max(int(natural * ratio), 58)
        assert frames[3] == 0 and frames[17] == 0
        assert np.all(np.delete(frames, [3, 17]) >= 1)


def test_default_table_shrinks_pauses_only_and_edges_can_be_kept(monkeypatch):
    labels = [SILENCE, "a", SILENCE, "t", "m", SILENCE]
    assert list(class_exponents(labels)) == [1.0, 0, 1.0, 0, 0, 1.0]
    monkeypatch.setattr(fast_timing, "KEEP_EDGES", True)
    assert list(class_exponents(labels)) == [0, 0, 1.0, 0, 0, 0]


def test_speech_class_table_shrinks_pauses_and_vowels_more_than_stops():
    durations = np.array([12.0, 8.0, 8.0, 8.0])
    labels = [SILENCE, "a", "s", "t"]
    frames = compressed_frames(durations, class_exponents(labels, SPEECH_CLASS_EXPONENTS), 18)
    assert frames.sum() == 18
    pause, vowel, fricative, stop = frames
    assert pause / 12.0 < vowel / 8.0 < fricative / 8.0 <= stop / 8.0


def test_no_compression_asked_keeps_the_rounded_lengths():
    durations = np.array([1.2, 3.0, 0.4])
    assert list(compressed_frames(durations, np.ones(3), 99)) == [2, 3, 1]


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="exponents"):
        compressed_frames(np.ones(3), np.ones(4), 2)


def test_id_labels_follow_pipers_id_layout():
    assert id_labels(["h", "ˈ", "a", " "], 11) == [SILENCE, SILENCE, "h", "h", "a", "a",
                                                  "a", "a", SILENCE, SILENCE, SILENCE]
    with pytest.raises(ValueError, match="phoneme ids"):
        id_labels(["h"], 9)


@pytest.fixture(scope="module")
def model():
    return PiperModel(threads=1)


def test_cut_graph_with_rounded_durations_is_the_whole_graph(model):
    ids = model.phoneme_ids(model.phonemize("The lighthouse keeper counted the steps.")[0])
    for length in (1.0, 0.6):
        scales = PiperScales(length=length)
        expected = model.synthesize_aligned(ids, scales, np.random.default_rng(5))
        got = model.synthesize_timed(ids, scales, np.random.default_rng(5), np.ceil)
        assert np.array_equal(expected[0], got[0]) and np.array_equal(expected[1], got[1])


def test_decoder_lays_out_the_frames_it_is_given(model):
    ids = model.phoneme_ids(model.phonemize("Four hours of steady work.")[0])
    hop = int(model.voice.config.hop_length)

    def half(durations: np.ndarray) -> np.ndarray:
        return compressed_frames(durations, np.ones(len(durations)),
                                 int(np.ceil(durations).sum()) // 2)

    audio, samples_per_id = model.synthesize_timed(ids, PiperScales(),
                                                   np.random.default_rng(1), half)
    assert len(audio) == samples_per_id.sum() and samples_per_id.sum() % hop == 0
    natural, _ = model.synthesize_aligned(ids, PiperScales(), np.random.default_rng(1))
    assert len(audio) == pytest.approx(len(natural) / 2, abs=hop)
    with pytest.raises(ValueError, match="frame counts"):
        model.synthesize_timed(ids, PiperScales(), np.random.default_rng(1),
                               lambda d: np.ones(len(d) + 1))


def test_classes_with_exponent_zero_keep_their_length_when_the_rest_runs_out():
    durations = np.array([6.0, 2.4, 5.0, 1.2, 9.0])
    exponents = np.array([1.0, 0.0, 1.0, 0.0, 1.0])  # pauses shrink, speech does not
    frames = compressed_frames(durations, exponents, 6)
    assert list(frames) == [1, 3, 1, 2, 1]  # as short as the pauses go, speech as it was


@pytest.mark.parametrize("uneven", [False, True])
def test_engine_speed_up_is_exact_and_seeded(voice, monkeypatch, uneven):
    monkeypatch.setattr(builtin_engine, "UNEVEN_SPEEDUP", uneven)
    text = "Four hours of steady work faced us, and then we rested."

    def speak(speed: float, seed: int = 0) -> np.ndarray:
        return timbrel.synthesize_to_array(text, voice, timbrel.SynthesisConfig(
            speed=speed, seed=seed, watermark=False))[0]

    natural, fast = speak(1.0), speak(2.0)
    assert len(fast) / len(natural) == pytest.approx(0.5, abs=0.02)
    assert len(speak(1.25)) / len(natural) == pytest.approx(0.8, abs=0.02)
    assert np.array_equal(fast, speak(2.0))
    assert not np.array_equal(fast[:len(speak(2.0, seed=1))], speak(2.0, seed=1)[:len(fast)])

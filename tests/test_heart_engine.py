"""The heart engine, for real: hibari's heart voice converted inside its vocoder frames."""

import re

import numpy as np
import pytest

import timbrel
from timbrel.engines import EngineError, get_engine
from timbrel.engines.builtin.conversion import ConversionParams, praat_f0
from timbrel.engines.builtin.piper_model import PiperModel, PiperScales
from timbrel.engines.heart.frame_conversion import FREQS, convert_frames, mapped_f0
from timbrel.engines.heart.heart_model import BINS, HeartFrames
from timbrel.metrics import word_error_rate
from timbrel.recognizer import transcribe

TEXT = "Dinner is ready. Please come to the table before it gets cold."


def median_f0(samples: np.ndarray, rate: int) -> float:
    f0 = praat_f0(samples, rate, np.arange(0, len(samples) / rate, 0.01))
    return float(np.median(f0[f0 > 0]))


@pytest.fixture(scope="module")
def male_reference() -> tuple[np.ndarray, int]:
    """Eight seconds of Piper joe (a male voice, median F0 about 90 Hz)."""
    model = PiperModel()
    text = ("The birch canoe slid on the smooth planks. Glue the sheet to the dark blue "
            "background. It is easy to tell the depth of a well.")
    pieces = [model.synthesize_ids(model.phoneme_ids(p), PiperScales(),
                                   np.random.default_rng(0)) for p in model.phonemize(text)]
    return np.concatenate(pieces), model.sample_rate


@pytest.fixture(scope="module")
def heart_voice(male_reference):
    return timbrel.enroll(male_reference, engine="heart",
                          transcript="The birch canoe slid on the smooth planks.")


def flat_frames(frames: int = 40, f0: float = 200.0) -> HeartFrames:
    zeros = np.zeros((BINS, frames), np.float32)
    pitch = np.full(frames, f0, np.float32)
    pitch[:5] = 0.0  # unvoiced
    return HeartFrames(zeros, zeros, zeros - 5.0, zeros - 5.0, zeros, pitch)


def test_f0_mapped_around_the_new_median_unvoiced_kept():
    source = get_engine("heart").source
    f0 = np.array([0.0, np.exp(source.log_f0_median), 2 * np.exp(source.log_f0_median)])
    out = mapped_f0(f0, source, np.log(100.0), spread=0.5)
    assert out[0] == 0.0
    assert out[1] == pytest.approx(100.0, rel=1e-4)
    assert out[2] == pytest.approx(100.0 * 2 ** 0.5, rel=1e-4)  # an octave up becomes half


def test_warp_moves_a_spectral_peak_by_the_ratio():
    frames = flat_frames()
    peak = np.exp(-0.5 * ((FREQS - 1000.0) / 60.0) ** 2)[:, None].astype(np.float32)
    frames = HeartFrames(frames.harmonic_log + peak, frames.harmonic_phase, frames.noise_log,
                         frames.residual_log, frames.residual_phase, frames.f0)
    params = ConversionParams(np.log(150.0), 1.0, 1.2, np.zeros(513, np.float32))
    moved = convert_frames(frames, get_engine("heart").source, params, 22050)
    assert FREQS[np.argmax(moved.harmonic_log[:, 10])] == pytest.approx(1200.0, abs=25.0)
    assert np.all(moved.f0[:5] == 0) and np.allclose(moved.f0[5:], moved.f0[5])


def test_correction_in_db_lands_on_every_magnitude_part():
    params = ConversionParams(np.log(150.0), 1.0, 1.0, np.full(513, 6.0, np.float32))
    frames = flat_frames()
    moved = convert_frames(frames, get_engine("heart").source, params, 22050)
    expected = 6.0 * np.log(10.0) / 20.0
    for before, after in ((frames.harmonic_log, moved.harmonic_log),
                          (frames.noise_log, moved.noise_log),
                          (frames.residual_log, moved.residual_log)):
        assert np.allclose(after - before, expected, atol=1e-5)


def test_reference_to_speech_pitch_moves_toward_a_male_voice(heart_voice, male_reference):
    assert heart_voice.engine == "heart"
    audio, rate = timbrel.synthesize_to_array(TEXT, heart_voice, timbrel.SynthesisConfig(seed=1))
    seconds = len(audio) / rate
    assert 2.0 < seconds < 8.0 and np.sqrt(np.mean(audio ** 2)) > 0.02
    heart_f0 = float(np.exp(get_engine("heart").source.log_f0_median))
    reference_f0 = median_f0(*male_reference)
    out_f0 = median_f0(audio, rate)
    assert abs(out_f0 - reference_f0) < 0.25 * abs(heart_f0 - reference_f0)
    assert word_error_rate(TEXT, transcribe(audio, rate)) <= 0.25


def test_saved_voice_same_seed_same_bytes(heart_voice, tmp_path):
    path = tmp_path / "v.tvoice"
    heart_voice.save(path)
    loaded = timbrel.Voice.load(path)
    config = timbrel.SynthesisConfig(seed=4)
    a, _ = timbrel.synthesize_to_array("Same seed, same sound.", heart_voice, config)
    b, _ = timbrel.synthesize_to_array("Same seed, same sound.", loaded, config)
    c, _ = timbrel.synthesize_to_array("Same seed, same sound.", loaded,
                                       timbrel.SynthesisConfig(seed=5))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_speed_exact_duration_and_pitch_shift(heart_voice):
    one = "Please come to the table before it gets cold."  # one sentence: no pause between
    plain, _ = timbrel.synthesize_to_array(one, heart_voice)
    fast, _ = timbrel.synthesize_to_array(one, heart_voice, timbrel.SynthesisConfig(speed=1.5))
    assert len(fast) / len(plain) == pytest.approx(1 / 1.5, rel=0.03)  # speed means speed
    natural, rate = timbrel.synthesize_to_array(TEXT, heart_voice)
    timed, _ = timbrel.synthesize_to_array(TEXT, heart_voice,
                                           timbrel.SynthesisConfig(duration=5.0))
    assert abs(len(timed) / rate - 5.0) <= max(0.02 * 5.0, 0.05)
    up, _ = timbrel.synthesize_to_array(TEXT, heart_voice,
                                        timbrel.SynthesisConfig(pitch_shift=4.0))
    times = np.arange(0, min(len(up), len(natural)) / rate, 0.01)
    before, after = praat_f0(natural, rate, times), praat_f0(up, rate, times)
    both = (before > 0) & (after > 0)  # same seed, same timing: frames pair up
    moved = float(np.median(12 * np.log2(after[both] / before[both])))
    assert moved == pytest.approx(4.0, abs=0.3)


def test_retimed_frames_keep_their_ends_and_voicing():
    frames = flat_frames(40)
    longer = frames.retimed(61)
    assert longer.frames == 61
    assert np.all(longer.f0[:7] == 0) and np.all(longer.f0[9:] == 200.0)
    assert np.allclose(longer.noise_log, -5.0)


def test_english_only(male_reference):
    with pytest.raises(EngineError, match="English only"):
        timbrel.enroll(male_reference, engine="heart", transcript="你好", language="zh")


def test_frames_are_labelled_with_their_phonemes():
    model = get_engine("heart").model
    phrase = model.phonemize("Dinner is ready.")[0]
    frames = model.frames(phrase)
    assert frames.labels is not None and len(frames.labels) == frames.frames
    runs = [label for i, label in enumerate(frames.labels)
            if i == 0 or label != frames.labels[i - 1]]
    assert runs[0] == "sil" and runs[-1] == "sil"
    assert [r for r in runs if r != "sil"] == ["d", "ɪ", "n", "ə", "ɹ", "ɪ", "z", "ɹ", "ɛ",
                                                "d", "i"]
    slower = model.frames(phrase, 0.7)
    assert slower.labels is not None and slower.frames > frames.frames


def test_each_frame_gets_its_phonemes_correction():
    from timbrel.engines.builtin.phoneme_correction import PhonemeCorrections

    frames = flat_frames()
    labels = np.array(["sil"] * 5 + ["a"] * 20 + ["s"] * 15, dtype=object)
    frames = HeartFrames(*[getattr(frames, name) for name in
                           ("harmonic_log", "harmonic_phase", "noise_log", "residual_log",
                            "residual_phase", "f0")], labels=labels)
    gains = np.stack([np.zeros(513), np.full(513, 6.0), np.full(513, -6.0)]).astype(np.float32)
    corrections = PhonemeCorrections(("#global", "a", "s"), gains)
    params = ConversionParams(np.log(150.0), 1.0, 1.0, np.full(513, 3.0, np.float32))
    moved = convert_frames(frames, get_engine("heart").source, params, 22050,
                           corrections=corrections)
    change_db = (moved.noise_log - frames.noise_log)[300] / (np.log(10.0) / 20.0)
    assert change_db[12] == pytest.approx(6.0, abs=1e-3)  # inside "a", away from its edges
    assert change_db[33] == pytest.approx(-6.0, abs=1e-3)
    assert change_db[1] == pytest.approx(0.0, abs=1e-3)  # silence: the global entry


def test_phoneme_corrections_when_switched_on(male_reference, monkeypatch):
    from timbrel.engines.heart import engine as heart_engine

    assert "phoneme_labels" not in timbrel.enroll(male_reference, engine="heart",
                                                  transcript=TEXT).params  # off: measured
    monkeypatch.setattr(heart_engine, "PHONEME_CORRECTIONS", True)
    voice = timbrel.enroll(male_reference, engine="heart", transcript=TEXT)
    assert {"#global", "#vowel"} <= set(voice.params["phoneme_labels"].split())
    plain = timbrel.enroll(male_reference, engine="heart", transcript="")
    assert "phoneme_labels" not in plain.params
    audio, rate = timbrel.synthesize_to_array("Dinner is ready.", voice,
                                              timbrel.SynthesisConfig(seed=0))
    assert 0.5 < len(audio) / rate < 3.0


def test_warp_choice_prefers_the_share_that_matches_a_warped_reading(monkeypatch):
    """A reference made from heart itself with its spectra stretched by 0.85: the chooser
    must not pick 'no warp', and the distance must fall toward the stretch it was given."""
    from timbrel.engines.heart import engine as heart_engine
    from timbrel.engines.heart.warp_choice import SHARES, chosen_share

    engine = get_engine("heart")
    text = "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue."
    phrases = engine.model.phonemize(text)
    reading = [engine.model.frames(p) for p in phrases]
    plain = np.concatenate([engine.rendered(f, np.random.default_rng(i))
                            for i, f in enumerate(reading)])
    stretched = ConversionParams(engine.source.log_f0_median, 1.0, 0.85,
                                 np.zeros(513, np.float32))
    target = np.concatenate([engine.rendered(convert_frames(f, engine.source, stretched, 22050),
                                             np.random.default_rng(i))
                             for i, f in enumerate(reading)])

    def params_for(share: float) -> ConversionParams:
        return ConversionParams(engine.source.log_f0_median, 1.0, 0.85 ** share,
                                np.zeros(513, np.float32))

    share, distances = chosen_share(
        reading, plain, target, 22050, 11025.0,
        convert=lambda f, p: convert_frames(f, engine.source, p, 22050), params_for=params_for)
    assert set(distances) == set(SHARES)
    assert share >= 0.75 and distances[1.0] < distances[0.0]
    monkeypatch.setattr(heart_engine, "WARP_CHOICE", True)
    voice = timbrel.enroll((target, 22050), engine="heart", transcript=text)
    assert voice.params["warp_share"] in SHARES


def test_a_requested_pitch_shift_fades_the_harmonic_phase():
    from timbrel.engines.heart.frame_conversion import SHIFT_PHASE_OCTAVES

    frames = flat_frames()
    frames = HeartFrames(frames.harmonic_log, frames.harmonic_phase + 0.5, frames.noise_log,
                         frames.residual_log, frames.residual_phase, frames.f0)
    params = ConversionParams(np.log(150.0), 1.0, 1.0, np.zeros(513, np.float32))
    source = get_engine("heart").source
    kept = convert_frames(frames, source, params, 22050)
    assert np.allclose(kept.harmonic_phase, 0.5)  # the voice's own conversion keeps it
    down = convert_frames(frames, source, params, 22050, pitch_semitones=-12.0)
    expected = 0.5 * np.exp(-0.5 * (1.0 / SHIFT_PHASE_OCTAVES) ** 2)
    assert np.allclose(down.harmonic_phase, expected, atol=1e-6)


def test_soft_floor_bends_low_f0_smoothly_and_keeps_it_above_the_floor():
    from timbrel.engines.heart.frame_conversion import F0_FLOOR, F0_KNEE, soft_floor

    hz = np.array([200.0, F0_KNEE, 70.0, 50.0, 30.0, 10.0])
    out = np.exp(soft_floor(np.log(hz)))
    assert out[0] == pytest.approx(200.0) and out[1] == pytest.approx(F0_KNEE)
    assert np.all(out[2:] > F0_FLOOR) and np.all(np.diff(out) < 0)  # order kept
    assert out[2] == pytest.approx(70.0, abs=1.0)  # just under the knee: barely moved


def test_a_pitch_move_keeps_the_voices_spectral_balance(heart_voice, monkeypatch):
    """With the shift compensation, heart's long-term envelope under +5 st stays nearer the
    unshifted one than without it (heart's harmonic part loses highs off its own F0)."""
    from timbrel.engines.builtin.correction_loop import mean_envelope_db
    from timbrel.engines.heart import engine as heart_engine

    def envelope(**settings) -> np.ndarray:
        samples, rate = timbrel.synthesize_to_array(
            TEXT, heart_voice, timbrel.SynthesisConfig(watermark=False, **settings))
        return mean_envelope_db(samples, rate)

    bins = slice(10, 200)  # about 100 Hz to 4.3 kHz
    plain = envelope()[bins]

    def distance(moved: np.ndarray) -> float:
        difference = moved[bins] - plain
        return float(np.std(difference - difference.mean()))

    monkeypatch.setattr(heart_engine, "SHIFT_COMPENSATION", False)
    bare = distance(envelope(pitch_shift=5.0))
    monkeypatch.setattr(heart_engine, "SHIFT_COMPENSATION", True)
    kept = distance(envelope(pitch_shift=5.0))
    assert kept < 0.8 * bare


def test_recogniser_runs_beside_an_engine_that_needs_no_transcript(male_reference):
    import timbrel.engines.heart.engine as heart

    assert get_engine("heart").uses_transcript == (heart.WARP_CHOICE
                                                    or heart.PHONEME_CORRECTIONS)
    heard = timbrel.enroll(male_reference, engine="heart")
    assert {"birch", "smooth", "planks"} <= set(re.findall(r"[a-z]+", heard.transcript.lower()))
    given = timbrel.enroll(male_reference, engine="heart", transcript=heard.transcript)
    assert set(heard.params) == set(given.params)
    for name, value in heard.params.items():
        assert np.array_equal(np.asarray(value), np.asarray(given.params[name])), name

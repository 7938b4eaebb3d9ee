"""Mandarin from the built-in engine: `say --lang zh`, auto-detection, mixed text, exact
duration, determinism, and cloning across languages in both directions."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from conftest import REFERENCE_TRANSCRIPT
from timbrel import SynthesisConfig, enroll, synthesize_to_array
from timbrel.cli import ExitCode, main
from timbrel.engines import get_engine
from timbrel.engines.builtin.reading import read

RATE = 22050
ZH_TEXT = "今天天气很好，我们去公园散步吧。"  # 15 syllables
ZH_REFERENCE_TEXT = "他每天早上都喝一杯热牛奶，然后坐地铁去上班。雨后的天空出现了一道美丽的彩虹。"
EN_TEXT = "The birch canoe slid on the smooth planks."


def median_f0(samples: np.ndarray, rate: int) -> float:
    import parselmouth

    pitch = parselmouth.Sound(samples.astype(np.float64), rate).to_pitch_ac(
        pitch_floor=60.0, pitch_ceiling=500.0)
    values = pitch.selected_array["frequency"]
    return float(np.median(values[values > 0]))


def speak(text: str, voice, **settings) -> np.ndarray:
    config = SynthesisConfig(**settings).resolved()
    return np.concatenate([c.samples for c in get_engine("builtin").synthesize(text, voice,
                                                                              config)])


@pytest.fixture(scope="module")
def engine():
    return get_engine("builtin")


@pytest.fixture(scope="module")
def zh_voice(engine):
    """A Chinese reference: the Baker speaker reading two sentences (about 7 s)."""
    parts = [part for sentence in read(ZH_REFERENCE_TEXT) for part in sentence]
    audio = np.concatenate([engine.mandarin.audio(part.symbols) for part in parts])
    return enroll((audio, RATE), transcript=ZH_REFERENCE_TEXT, language="zh")


def test_say_lang_zh_and_auto_detection(human_reference, voice, tmp_path, capsys):
    out = tmp_path / "zh.wav"
    code = main(["say", "--ref", str(human_reference), "--transcript", REFERENCE_TRANSCRIPT,
                 "--text", ZH_TEXT, "--lang", "zh", "--no-watermark", "-o", str(out)])
    assert code == ExitCode.OK
    said, rate = soundfile.read(str(out), dtype="float32")
    seconds = len(said) / rate
    assert 15 / 7.0 < seconds < 15 / 2.5, f"{seconds:.2f} s for 15 syllables"
    # No language given: detected from the text, and the same reading.
    auto, _ = synthesize_to_array(ZH_TEXT, voice, SynthesisConfig(watermark=False))
    assert len(auto) == len(said)
    assert SynthesisConfig().resolved().language == "auto"


def test_reads_mixed_text_as_one_sentence_per_sentence(voice, engine):
    config = SynthesisConfig().resolved()
    chunks = list(engine.synthesize("我有3个apple，很好吃。Hello there.", voice, config))
    assert len(chunks) == 2
    assert chunks[0].text.startswith("wo2 you3 san1 ge4 ˈæpəl")
    estimate = engine.estimate_seconds("我有3个apple，很好吃。Hello there.", voice, config)
    for chunk, expected in zip(chunks, estimate, strict=True):
        assert len(chunk.samples) / RATE == pytest.approx(expected, rel=0.25)


def test_same_text_and_seed_same_bytes(voice):
    first = speak("我有三个苹果。", voice, seed=3)
    assert np.array_equal(first, speak("我有三个苹果。", voice, seed=3))


def test_exact_duration_in_mandarin(voice, engine):
    config = SynthesisConfig(duration=4.0).resolved()
    chunks = list(engine.synthesize(ZH_TEXT, voice, config, target_seconds=4.0))
    assert sum(len(c.samples) for c in chunks) / RATE == pytest.approx(4.0, abs=0.02)


def test_speed_changes_mandarin_length(voice):
    normal = len(speak(ZH_TEXT, voice))
    assert len(speak(ZH_TEXT, voice, speed=1.5)) / normal == pytest.approx(1 / 1.5, rel=0.1)


@pytest.fixture(scope="module")
def male_voice(engine):
    """A male English reference: Piper joe reading three sentences (about 7 s)."""
    from timbrel.engines.builtin.piper_model import PiperScales

    text = ("The birch canoe slid on the smooth planks. Glue the sheet to the dark blue "
            "background. It's easy to tell the depth of a well.")
    rng = np.random.default_rng(1)
    pieces = []
    for phonemes in engine.model.phonemize(text):
        ids = engine.model.phoneme_ids(phonemes)
        pieces += [engine.model.synthesize_ids(ids, PiperScales(), rng), np.zeros(5000)]
    return enroll((np.concatenate(pieces).astype(np.float32), RATE), transcript=text)


@pytest.mark.parametrize("reference, margin", [("voice", 0.0), ("male_voice", 0.05)])
def test_english_reference_speaks_chinese(reference, margin, engine, request):
    from timbrel.metrics import speaker_similarity

    voice = request.getfixturevalue(reference)
    samples = np.asarray(voice.reference)
    out = speak(ZH_TEXT, voice)
    raw = np.concatenate([engine.mandarin.audio(p.symbols) for s in read(ZH_TEXT) for p in s])
    target = median_f0(samples, voice.reference_rate)
    assert abs(np.log(median_f0(out, RATE) / target)) < np.log(1.12)
    assert abs(np.log(median_f0(raw, RATE) / target)) > np.log(1.2)  # the test means something
    converted = speaker_similarity(out, RATE, samples, voice.reference_rate)
    assert converted > speaker_similarity(raw, RATE, samples, voice.reference_rate) + margin


def test_chinese_reference_speaks_english(zh_voice, engine):
    from timbrel.engines.builtin.piper_model import PiperScales
    from timbrel.metrics import speaker_similarity

    reference = np.asarray(zh_voice.reference)
    out = speak(EN_TEXT, zh_voice)
    phonemes = engine.model.phonemize(EN_TEXT)[0]
    raw = engine.model.synthesize_ids(engine.model.phoneme_ids(phonemes), PiperScales(),
                                      np.random.default_rng(0))
    target = median_f0(reference, zh_voice.reference_rate)
    assert abs(np.log(median_f0(out, RATE) / target)) < np.log(1.12)
    assert abs(np.log(median_f0(raw, RATE) / target)) > np.log(1.5)
    converted = speaker_similarity(out, RATE, reference, zh_voice.reference_rate)
    assert converted > speaker_similarity(raw, RATE, reference, zh_voice.reference_rate)

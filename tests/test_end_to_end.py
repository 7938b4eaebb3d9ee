"""The real engine, no mocks: reference file in, speech file out."""

import numpy as np
import soundfile

import timbrel
from timbrel.audio import load_audio
from timbrel.engines.builtin.conversion import praat_f0
from timbrel.engines.builtin.piper_model import PiperModel, PiperScales

TEXT = "Dinner is ready. Please come to the table before it gets cold."


def median_f0(samples, rate):
    times = np.arange(0, len(samples) / rate, 0.01)
    f0 = praat_f0(samples, rate, times)
    return float(np.median(f0[f0 > 0]))


def test_reference_file_to_output_file(human_reference, tmp_path):
    # transcript written by the recogniser; the built-in engine (Piper joe is the base)
    voice = timbrel.enroll(human_reference, engine="builtin")
    assert len(voice.transcript.split()) >= 5
    out = timbrel.synthesize_to_file(TEXT, voice, tmp_path / "out.wav")
    samples, rate = soundfile.read(str(out), dtype="float32")
    seconds = len(samples) / rate
    assert 2.0 < seconds < 8.0  # 12 words at a natural rate
    assert np.sqrt(np.mean(samples**2)) > 0.02  # not silence

    ref, ref_rate = load_audio(human_reference)
    model = PiperModel()
    ids = model.phoneme_ids(model.phonemize("Please come to the table before it gets cold.")[0])
    base = model.synthesize_ids(ids, PiperScales(), np.random.default_rng(0))
    base_f0, out_f0, ref_f0 = (median_f0(base, 22050), median_f0(samples, rate),
                               median_f0(ref, ref_rate))
    assert abs(out_f0 - ref_f0) < 0.25 * abs(base_f0 - ref_f0)  # moved most of the way


def test_streaming_yields_chunks_per_sentence(voice):
    chunks = list(timbrel.synthesize("One sentence here. And another one there.", voice))
    speech = [c for c in chunks if np.any(c.samples)]
    assert len(speech) == 2 and all(c.sample_rate == 22050 for c in chunks)


def test_same_seed_same_bytes_other_seed_differs(voice):
    a, _ = timbrel.synthesize_to_array(TEXT, voice, timbrel.SynthesisConfig(seed=7))
    b, _ = timbrel.synthesize_to_array(TEXT, voice, timbrel.SynthesisConfig(seed=7))
    c, _ = timbrel.synthesize_to_array(TEXT, voice, timbrel.SynthesisConfig(seed=8))
    assert np.array_equal(a, b)
    assert len(a) != len(c) or not np.array_equal(a, c)


def test_speed_changes_length(voice):
    slow, _ = timbrel.synthesize_to_array(TEXT, voice, timbrel.SynthesisConfig(speed=0.7))
    fast, _ = timbrel.synthesize_to_array(TEXT, voice, timbrel.SynthesisConfig(speed=1.4))
    assert len(slow) > 1.5 * len(fast)


def test_flac_output_carries_provenance_comment(voice, tmp_path):
    out = timbrel.synthesize_to_file("Hello there.", voice, tmp_path / "x.flac")
    with soundfile.SoundFile(str(out)) as handle:
        assert "timbrel" in (handle.comment or "")

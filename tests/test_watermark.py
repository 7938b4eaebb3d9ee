"""The provenance watermark: embedding, detection, render integration, tags and the CLI."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import soundfile

from conftest import REFERENCE_TRANSCRIPT
from timbrel import SynthesisConfig, synthesize_to_array, synthesize_to_file
from timbrel.audio import load_audio
from timbrel.cli import ExitCode, main
from timbrel.controls import ConfigError
from timbrel.provenance import parse_comment, read_provenance
from timbrel.render import watermark_enabled
from timbrel.watermark import (
    THRESHOLD,
    WATERMARK_NAME,
    apply_watermark,
    detect_file,
    detect_watermark,
    watermark_score,
)

TEXT = "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background."


@pytest.fixture(scope="module")
def human(human_reference):
    return load_audio(human_reference)


def test_unmarked_human_speech_is_negative(human):
    samples, rate = human
    result = detect_watermark(samples, rate)
    assert not result.present
    assert result.confidence < 0.2  # 0.10 since the time-smoothed step (was below 0.1)


def test_marked_speech_is_positive_same_length_and_quiet(human):
    samples, rate = human
    marked = apply_watermark(samples, rate)
    assert marked.dtype == np.float32 and marked.shape == samples.shape
    assert np.max(np.abs(marked)) <= 1.0
    snr = 10 * np.log10(np.sum(samples**2) / np.sum((marked - samples) ** 2))
    assert snr > 10, f"mark too loud: {snr:.1f} dB SNR"
    assert detect_watermark(marked, rate).confidence > 0.9


def test_mark_survives_mp3(human, tmp_path):
    samples, rate = human
    path = tmp_path / "marked.mp3"
    soundfile.write(str(path), apply_watermark(samples, rate), rate, format="MP3")
    assert detect_file(path).present


def test_silence_and_tiny_pieces_are_left_alone():
    rate = 22050
    tiny = (0.1 * np.random.default_rng(0).standard_normal(rate // 20)).astype(np.float32)
    assert np.array_equal(apply_watermark(tiny, rate), tiny)
    assert watermark_score(np.zeros(rate, np.float32), rate) == 0.0
    assert watermark_score(tiny, rate) == 0.0


def test_long_audio_is_scored_in_windows(human):
    samples, rate = human
    marked = apply_watermark(samples, rate)
    long_marked = np.tile(marked, 7)  # 75 s: three windows
    assert watermark_score(long_marked, rate) > THRESHOLD
    assert watermark_score(np.tile(samples, 7), rate) < THRESHOLD


@pytest.mark.parametrize("factor", [0.9, 1.1])
def test_speed_search_finds_the_mark_after_a_tape_speed_change(human, factor):
    from scipy.signal import resample_poly

    samples, rate = human
    up, down = (10, 9) if factor < 1 else (10, 11)  # played at `rate`: factor 0.9 / 1.1
    marked = resample_poly(apply_watermark(samples, rate), up, down).astype(np.float32)
    plain = resample_poly(samples, up, down).astype(np.float32)
    assert detect_watermark(marked, rate).present
    assert not detect_watermark(plain, rate).present


def test_noise_floor_subtraction_recovers_the_mark_under_white_noise(human, monkeypatch):
    import timbrel.watermark as wm

    samples, rate = human
    marked = apply_watermark(samples, rate)
    power = float(np.mean(samples.astype(np.float64) ** 2))
    rng = np.random.default_rng(3)
    noises = [rng.standard_normal(len(samples)) * np.sqrt(power / 10 ** 1.2)  # 12 dB SNR
              for _ in range(3)]
    noisy = [(marked + noise).astype(np.float32) for noise in noises]
    plain = [(samples + noise).astype(np.float32) for noise in noises]
    with_subtraction = [watermark_score(clip, rate) for clip in noisy]
    assert all(watermark_score(clip, rate) < 0.5 for clip in plain)
    monkeypatch.setattr(wm, "_denoised", lambda net, magspec: magspec)
    without = [watermark_score(clip, rate) for clip in noisy]
    assert np.mean(with_subtraction) > np.mean(without) + 0.08, (with_subtraction, without)


def test_time_smoothing_averages_power_and_keeps_steady_rows():
    import torch

    import timbrel.watermark as wm

    net = wm._watermarker().perth_net
    subband = net.decoder.subband
    steady = torch.rand(subband + 4, 1).repeat(1, 40) * 0.5 + 0.3
    smoothed = wm._time_smoothed(steady, 5, net)
    assert smoothed.shape == steady.shape
    assert torch.allclose(smoothed, steady, atol=1e-5)
    flicker = steady.clone()
    flicker[:subband, ::2] += 0.05  # every other frame louder: averaging must pull it in
    spread = flicker[:subband, 10:30].std(dim=1).mean()
    assert wm._time_smoothed(flicker, 5, net)[:subband, 10:30].std(dim=1).mean() < spread / 3
    assert torch.equal(wm._time_smoothed(flicker, 5, net)[subband:], flicker[subband:])


def test_time_smoothing_adds_to_the_mark_under_white_noise(human, monkeypatch):
    import timbrel.watermark as wm

    samples, rate = human
    marked = apply_watermark(samples, rate)
    power = float(np.mean(samples.astype(np.float64) ** 2))
    rng = np.random.default_rng(4)
    noisy = [(marked + rng.standard_normal(len(samples)) * np.sqrt(power / 10 ** 1.2))
             .astype(np.float32) for _ in range(3)]  # 12 dB SNR
    with_smoothing = [watermark_score(clip, rate) for clip in noisy]
    monkeypatch.setattr(wm, "_time_smoothed", lambda magspec, width, net: magspec)
    without = [watermark_score(clip, rate) for clip in noisy]
    assert np.mean(with_smoothing) > np.mean(without) + 0.05, (with_smoothing, without)


def test_a_short_beep_is_not_carved_into_a_mark():
    """An unmarked 0.2 s two-tone prompt scored 0.999 once its noise floor was subtracted
    (the benchmark's one false alarm); clips under DENOISE_SECONDS skip that step."""
    from pathlib import Path

    import av

    path = Path("/usr/share/asterisk/sounds/en_US_f_Allison/ascending-2tone.g722")
    if not path.is_file():
        pytest.fail(f"{path} missing: run scripts/setup.sh (asterisk-core-sounds-en-g722)")
    with av.open(str(path), format="g722") as container:
        rate = container.streams.audio[0].rate
        beep = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    beep = beep.astype(np.float32) / (32768.0 if beep.dtype.kind == "i" else 1.0)
    assert watermark_score(beep, rate) < 0.5


def test_speed_search_grid_leaves_no_gap():
    from timbrel.watermark import SPEED_SEARCH

    factors = sorted((1.0, *SPEED_SEARCH))
    assert factors[0] <= 0.86 and factors[-1] >= 1.15
    assert max(b / a for a, b in zip(factors[:-1], factors[1:], strict=True)) <= 1.0201


def test_render_marks_by_default_and_tags_the_file(voice, tmp_path):
    path = synthesize_to_file(TEXT, voice, tmp_path / "out.flac")
    result = detect_file(path)
    assert result.present, result
    assert result.provenance["watermark"] == WATERMARK_NAME
    assert result.provenance["voice"] == voice.id
    assert result.provenance["generator"].startswith("timbrel ")
    assert result.provenance["created"]


def test_no_watermark_is_negative_and_says_so(voice, tmp_path):
    path = synthesize_to_file(TEXT, voice, tmp_path / "plain.wav",
                              SynthesisConfig(watermark=False))
    result = detect_file(path)
    assert not result.present, result
    assert result.provenance["watermark"] == "off"


def test_marked_and_plain_streams_differ_only_slightly(voice):
    marked, rate = synthesize_to_array(TEXT, voice)
    plain, _ = synthesize_to_array(TEXT, voice, SynthesisConfig(watermark=False))
    assert marked.shape == plain.shape
    assert detect_watermark(marked, rate).present
    assert not detect_watermark(plain, rate).present
    snr = 10 * np.log10(np.sum(plain**2) / np.sum((marked - plain) ** 2))
    assert snr > 10


def test_only_an_explicit_false_turns_the_mark_off():
    assert watermark_enabled(None)
    assert watermark_enabled(SynthesisConfig())
    assert watermark_enabled(SynthesisConfig(watermark=True))
    assert not watermark_enabled(SynthesisConfig(watermark=False))
    assert SynthesisConfig().resolved().watermark is True
    with pytest.raises(ConfigError, match="watermark"):
        SynthesisConfig(watermark="no").validate()


def test_comment_tags_parse_and_foreign_tags_are_ignored(tmp_path):
    assert parse_comment("generator=timbrel 0.1.0; voice=ab; watermark=off") == {
        "generator": "timbrel 0.1.0", "voice": "ab", "watermark": "off"}
    assert parse_comment("recorded at home") == {}
    path = tmp_path / "foreign.wav"
    with soundfile.SoundFile(str(path), "w", 16000, 1) as handle:
        handle.comment = "generator=someone else; watermark=off"
        handle.write(np.zeros(1600, np.float32))
    assert read_provenance(path) == {}


def test_cli_detect_reports_each_file(voice, human_reference, tmp_path, capsys):
    marked = synthesize_to_file(TEXT, voice, tmp_path / "marked.wav")
    missing = tmp_path / "missing.wav"
    code = main(["watermark", "detect", "--json", str(marked), str(human_reference),
                 str(missing)])
    assert code == ExitCode.BAD_INPUT
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["present"] for line in lines] == [True, False, None]
    assert lines[0]["confidence"] >= THRESHOLD and lines[1]["confidence"] < THRESHOLD
    assert str(missing) in lines[2]["error"]
    assert main(["watermark", "detect", str(marked)]) == ExitCode.OK
    assert "watermarked (confidence" in capsys.readouterr().out


def test_cli_say_no_watermark(human_reference, tmp_path, capsys):
    out = tmp_path / "plain.wav"
    assert main(["say", "--ref", str(human_reference), "--transcript", REFERENCE_TRANSCRIPT,
                 "--text", "Dinner is ready, come and eat.", "--no-watermark",
                 "-o", str(out)]) == ExitCode.OK
    capsys.readouterr()
    assert main(["watermark", "detect", str(out)]) == ExitCode.OK
    printed = capsys.readouterr().out
    assert "no watermark" in printed and "watermark=off" in printed


def test_perth_loads_without_leaving_stand_ins_behind():
    watermark_score(np.zeros(100, np.float32), 16000)  # ensure the model was loaded
    from timbrel.watermark import _watermarker

    _watermarker()
    stand_in = sys.modules.get("torchaudio")
    assert stand_in is None or getattr(stand_in, "__file__", None), "stand-in leaked"


def test_stand_in_stft_round_trips():
    import torch

    from timbrel.watermark import _stand_in_transforms

    transforms = _stand_in_transforms()
    spec = transforms.Spectrogram(n_fft=2048, win_length=2048, hop_length=320,
                                  window_fn=torch.hann_window)
    inverse = transforms.InverseSpectrogram(n_fft=2048, win_length=2048, hop_length=320,
                                            window_fn=torch.hann_window)
    signal = torch.randn(32000)
    restored = inverse(spec(signal), length=32000)
    assert torch.allclose(restored, signal, atol=1e-4)

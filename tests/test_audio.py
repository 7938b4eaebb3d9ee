import numpy as np
import pytest
import soundfile

from timbrel.audio import (
    AudioFileError,
    AudioWriter,
    load_audio,
    loudness_lufs,
    normalize_loudness,
    resample,
    save_audio,
)


def sine(seconds=1.0, rate=16000, freq=220.0):
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("ext", ["wav", "flac", "ogg", "mp3"])
def test_round_trip_each_format(tmp_path, ext):
    path = save_audio(tmp_path / f"x.{ext}", sine(), 16000)
    samples, rate = load_audio(path)
    assert rate == 16000
    assert abs(len(samples) - 16000) < 2000  # codecs may pad
    assert 0.3 < np.max(np.abs(samples)) < 0.7


def test_stereo_is_mixed_to_mono(tmp_path):
    left, right = sine(freq=200), sine(freq=300)
    soundfile.write(tmp_path / "s.wav", np.stack([left, right], axis=1), 16000)
    samples, _ = load_audio(tmp_path / "s.wav")
    assert samples.ndim == 1
    np.testing.assert_allclose(samples, (left + right) / 2, atol=1e-3)


def test_any_sample_rate_and_resample():
    x = sine(rate=44100)
    y = resample(x, 44100, 22050)
    assert len(y) == 22050


def test_corrupt_and_empty_files_are_named(tmp_path):
    (tmp_path / "bad.wav").write_bytes(b"RIFF not really a wave file" * 10)
    with pytest.raises(AudioFileError, match="bad.wav"):
        load_audio(tmp_path / "bad.wav")
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioFileError, match="empty"):
        load_audio(tmp_path / "empty.wav")
    with pytest.raises(AudioFileError, match="no such file"):
        load_audio(tmp_path / "missing.wav")


def test_unknown_output_format(tmp_path):
    with pytest.raises(AudioFileError, match="xyz"):
        save_audio(tmp_path / "x.xyz", sine(), 16000)


def test_loudness_normalisation():
    x = sine() * 0.1
    y = normalize_loudness(x, 16000, -20.0)
    assert abs(loudness_lufs(y, 16000) - (-20.0)) < 0.5


def test_writer_keeps_partial_audio_on_failure(tmp_path):
    target = tmp_path / "long.wav"
    with pytest.raises(RuntimeError):
        with AudioWriter(target, 16000) as writer:
            writer.write(sine())
            raise RuntimeError("engine died")
    assert not target.exists()
    partial = tmp_path / "long.partial.wav"
    assert soundfile.info(str(partial)).frames == 16000
    assert not list(tmp_path.glob(".*part"))  # no temp files left behind

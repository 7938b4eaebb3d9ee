"""Shared fixtures: real recordings from Debian packages and clips made on the fly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

# 10.8 s, 16 kHz real recording: four Harvard sentences, read alternately by a man and a
# woman (so it is "a real reference", not one clean speaker: see benchmarks/README.md)
HUMAN_FEMALE = Path("/usr/share/codec2/raw/speech_orig_16k.wav")
ALSA_SHORT = Path("/usr/share/sounds/alsa/Front_Center.wav")  # about 1.4 s
REFERENCE_TRANSCRIPT = "A rainbow is a division of white light into many beautiful colours."


def tone_speech(seconds: float, rate: int = 16000, f0: float = 180.0, seed: int = 0
                ) -> np.ndarray:
    """A crude voiced signal with syllable-like bursts (for reference-check tests)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    vibrato = f0 * (1 + 0.05 * np.sin(2 * np.pi * 3 * t))
    phase = 2 * np.pi * np.cumsum(vibrato) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 20))
    envelope = np.clip(np.sin(2 * np.pi * 2.5 * t), 0, None) ** 0.5
    signal = voiced * envelope + 0.003 * rng.standard_normal(len(t))
    return (0.3 * signal / np.max(np.abs(signal))).astype(np.float32)


@pytest.fixture(scope="session")
def human_reference() -> Path:
    if not HUMAN_FEMALE.is_file():
        pytest.fail(f"{HUMAN_FEMALE} missing: run scripts/setup.sh (codec2-examples)")
    return HUMAN_FEMALE


@pytest.fixture(scope="session")
def voice(human_reference):
    import timbrel

    # The built-in engine's features are tested on this voice (`enroll` left to choose
    # would take heart for this clip's median pitch: tests/test_source_choice.py).
    return timbrel.enroll(human_reference, transcript=REFERENCE_TRANSCRIPT,
                          consent="test recording from codec2-examples", engine="builtin")


@pytest.fixture
def write_wav(tmp_path):
    def write(name: str, samples: np.ndarray, rate: int = 16000) -> Path:
        path = tmp_path / name
        soundfile.write(str(path), samples, rate)
        return path

    return write

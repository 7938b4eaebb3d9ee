from collections.abc import Iterator

import numpy as np
import pytest

import timbrel
from timbrel.audio import AudioChunk
from timbrel.engines import (
    Capabilities,
    Engine,
    EngineError,
    available_engines,
    get_engine,
    register_engine,
)


class BeepEngine(Engine):
    """A tiny engine: one beep per word (proves the registry is open)."""

    name = "beep"
    version = "1"
    capabilities = Capabilities(languages=("en",))

    @property
    def sample_rate(self) -> int:
        return 8000

    def enroll(self, reference, *, transcript, language):
        return {"freq": 440.0}

    def synthesize(self, text, voice, config) -> Iterator[AudioChunk]:
        t = np.arange(800) / 8000
        for _ in text.split():
            yield AudioChunk(np.sin(2 * np.pi * voice.params["freq"] * t).astype(np.float32) * 0.3,
                             8000)


def test_registry_is_open(human_reference):
    register_engine("beep", BeepEngine)
    assert {"builtin", "beep"} <= set(available_engines())
    voice = timbrel.enroll(human_reference, transcript="x", engine="beep")
    assert voice.engine == "beep"
    samples, rate = timbrel.synthesize_to_array("three short words", voice)
    assert rate == 8000 and len(samples) >= 3 * 800


def test_unknown_engine():
    with pytest.raises(EngineError, match="unknown engine 'nope'"):
        get_engine("nope")


def test_builtin_capabilities():
    engine = get_engine("builtin")
    assert "en" in engine.capabilities.languages
    assert engine.sample_rate == 22050

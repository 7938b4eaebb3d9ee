"""The built-in engine: Piper joe (VITS, bundled) converted toward the enrolled voice."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ...audio import AudioChunk
from ..base import Capabilities, Engine, EngineError, EngineParams
from .conversion import (
    ConversionParams,
    SpeakerProfile,
    conversion_params,
    convert,
    speaker_profile,
)
from .piper_model import PiperModel, PiperScales
from .source_profile import load_source_profile

if TYPE_CHECKING:
    from ...controls import SynthesisConfig
    from ...reference import Reference
    from ...voice import Voice


class BuiltinEngine(Engine):
    """Offline on any CPU: Piper joe speaks, WORLD-based conversion makes it the voice."""

    name = "builtin"
    version = "0.1.0"
    capabilities = Capabilities(languages=("en",), streaming=True)

    def __init__(self, model: PiperModel | None = None) -> None:
        self.model = model or PiperModel()

    @property
    def sample_rate(self) -> int:
        return self.model.sample_rate

    @cached_property
    def source(self) -> SpeakerProfile:
        return load_source_profile(self.model)

    def warm_up(self) -> None:
        """Load the model, the phonemiser and the source profile now rather than on first use."""
        _ = self.model.session, self.model.voice, self.source

    def enroll(self, reference: Reference, *, transcript: str, language: str) -> EngineParams:
        try:
            target = speaker_profile(reference.samples, reference.sample_rate,
                                     reference.bandwidth_hz)
        except ValueError as error:
            raise EngineError(f"cannot enroll this reference: {error}") from error
        params = conversion_params(self.source, target, self.sample_rate).to_dict()
        params["bandwidth_hz"] = float(reference.bandwidth_hz)
        return params

    def synthesize(self, text: str, voice: Voice, config: SynthesisConfig
                   ) -> Iterator[AudioChunk]:
        if voice.engine != self.name:
            raise EngineError(f"voice was made by engine '{voice.engine}', not '{self.name}'")
        params = ConversionParams.from_dict(dict(voice.params))
        scales = PiperScales(noise=float(config.noise_scale), length=1.0 / float(config.speed),
                             noise_w=float(config.noise_w))
        for index, phonemes in enumerate(self.model.phonemize(text)):
            if not phonemes:
                continue
            phoneme_text = "".join(phonemes)
            key = zlib.crc32(phoneme_text.encode())
            rng = np.random.default_rng([int(config.seed), index, key])
            audio = self.model.synthesize_ids(self.model.phoneme_ids(phonemes), scales, rng)
            converted = convert(audio, self.sample_rate, self.source, params,
                                pitch_shift_semitones=float(config.pitch_shift))
            yield AudioChunk(samples=converted, sample_rate=self.sample_rate, text=phoneme_text)

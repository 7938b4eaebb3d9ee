"""The built-in engine: Piper joe (VITS, bundled) converted toward the enrolled voice."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ...audio import AudioChunk
from ...prosody import prosody_for
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
    version = "0.2.0"
    capabilities = Capabilities(languages=("en",), streaming=True, emotion=True,
                                exact_duration=True)

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

    def _sentences(self, text: str) -> list[list[str]]:
        return [phonemes for phonemes in self.model.phonemize(text) if phonemes]

    def _length_ratio(self, config: SynthesisConfig) -> float:
        """Requested length relative to natural: 1 / (speed x the emotion's rate)."""
        rate = prosody_for(config.emotion, config.emotion_intensity).rate
        return 1.0 / (float(config.speed) * rate)

    def _natural_seconds(self, sentences: list[list[str]]) -> list[float]:
        return [len(self.model.phoneme_ids(p)) * self.source.seconds_per_id for p in sentences]

    def estimate_seconds(self, text: str, voice: Voice, config: SynthesisConfig
                         ) -> list[float]:
        """Expected length of each chunk `synthesize` would yield, before synthesis."""
        ratio = self._length_ratio(config)
        return [seconds * ratio for seconds in self._natural_seconds(self._sentences(text))]

    def synthesize(self, text: str, voice: Voice, config: SynthesisConfig, *,
                   target_seconds: float | None = None) -> Iterator[AudioChunk]:
        if voice.engine != self.name:
            raise EngineError(f"voice was made by engine '{voice.engine}', not '{self.name}'")
        params = ConversionParams.from_dict(dict(voice.params))
        prosody = prosody_for(config.emotion, config.emotion_intensity)
        ratio = self._length_ratio(config)
        sentences = self._sentences(text)
        natural = self._natural_seconds(sentences)
        for index, phonemes in enumerate(sentences):
            target_samples = None
            wanted = ratio
            if target_seconds is not None:
                share = target_seconds * natural[index] / sum(natural)
                wanted = share / natural[index]
                target_samples = int(round(share * self.sample_rate))
            length_scale = self.source.length_scale_for(wanted)
            scales = PiperScales(noise=float(config.noise_scale), length=length_scale,
                                 noise_w=float(config.noise_w))
            phoneme_text = "".join(phonemes)
            key = zlib.crc32(phoneme_text.encode())
            rng = np.random.default_rng([int(config.seed), index, key])
            audio = self.model.synthesize_ids(self.model.phoneme_ids(phonemes), scales, rng)
            converted = convert(audio, self.sample_rate, self.source, params, prosody=prosody,
                                pitch_shift_semitones=float(config.pitch_shift),
                                pitch_variation=float(config.pitch_variation),
                                target_samples=target_samples)
            yield AudioChunk(samples=converted, sample_rate=self.sample_rate, text=phoneme_text)

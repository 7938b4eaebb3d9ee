"""Rendering: text + voice + settings -> a stream of audio chunks, or a file.

Text is cut into segments (sentences, or clauses of long sentences); each is spoken by the
voice's engine with the same seed, brought to the target loudness on its own with a
true-peak limiter (`leveling`: level cannot creep over a long text, and peaky segments are
not left quieter), faded in and out over 10 ms into the pause that follows it (longer
after a sentence than a clause, longest after a paragraph). `synthesize` streams;
`synthesize_to_file` writes as it goes, so a chapter never sits in memory whole.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from .audio import AudioChunk, AudioWriter
from .controls import SynthesisConfig
from .duration import DurationError
from .emotion import resolve_emotion
from .engines import Engine, get_engine
from .leveling import level_loudness
from .prosody import prosody_for
from .render_plan import Piece, fit_pieces, plan_pieces
from .voice import Voice

log = logging.getLogger(__name__)

FADE_SECONDS = 0.01


class TextError(ValueError):
    """The text cannot be spoken (empty, or nothing speakable in it)."""


SegmentRender = Callable[[SynthesisConfig], list[AudioChunk]]
"""Speak one segment with the given settings; returns its finished chunks."""
SegmentCheck = Callable[[Piece, SegmentRender, SynthesisConfig], list[AudioChunk]]
"""A per-segment hook (e.g. `qa.Verifier`): gets the piece, a way to (re)render it and the
settings, and returns the chunks to keep."""


def synthesize(text: str, voice: Voice, config: SynthesisConfig | None = None, *,
               check: SegmentCheck | None = None) -> Iterator[AudioChunk]:
    """Speak `text` in `voice`, yielding audio chunks as soon as each segment is ready.

    Text of any length is cut at sentence and clause boundaries (see `render_plan`);
    memory stays bounded because only one segment's audio is held at a time. `check`, when
    given, sees every segment before it is yielded and may re-render it.
    """
    if not isinstance(text, str) or not text.strip():
        raise TextError("the text is empty: give something to say")
    pieces = plan_pieces(text)
    if not pieces:
        raise TextError("nothing speakable in the text (only punctuation or symbols?)")
    settings = resolve_emotion((config or SynthesisConfig()).resolved(dict(voice.defaults)), voice)
    marked = watermark_enabled(config)
    engine = get_engine(voice.engine)
    prosody = prosody_for(settings.emotion, settings.emotion_intensity)
    pause = settings.sentence_pause * prosody.pause
    if settings.duration is not None:
        pieces, pause = fit_duration(engine, pieces, voice, settings, pause)
    loudness = settings.loudness_lufs + prosody.energy_db
    produced = False
    waiting = 0.0  # pause owed before the next chunk (none before the first or after the last)
    for piece in pieces:
        extra = {} if piece.target_seconds is None else {"target_seconds": piece.target_seconds}

        def render(chosen: SynthesisConfig, piece: Piece = piece, extra: dict = extra
                   ) -> list[AudioChunk]:
            return [finish_chunk(chunk, loudness)
                    for chunk in engine.synthesize(piece.text, voice, chosen, **extra)]

        if check is None:
            chunks: Iterable[AudioChunk] = (
                finish_chunk(chunk, loudness)
                for chunk in engine.synthesize(piece.text, voice, settings, **extra))
        else:
            chunks = check(piece, render, settings)
        for number, chunk in enumerate(chunks):
            gap = pause if number else waiting
            if produced and gap > 0:
                yield silence(gap, chunk.sample_rate)
            produced = True
            yield watermark_chunk(chunk) if marked else chunk
            waiting = 0.0
        waiting = max(waiting, piece.pause_units * pause)
    if not produced:
        raise TextError("nothing speakable in the text (only punctuation or symbols?)")


def fit_duration(engine: Engine, pieces: list[Piece], voice: Voice, settings: SynthesisConfig,
                 pause: float) -> tuple[list[Piece], float]:
    if not engine.capabilities.exact_duration:
        raise DurationError(f"engine '{engine.name}' cannot render an exact duration")
    natural = replace(settings, speed=1.0)
    return fit_pieces(pieces, lambda text: engine.estimate_seconds(text, voice, natural),
                      pause, float(settings.duration))


def silence(seconds: float, sample_rate: int) -> AudioChunk:
    return AudioChunk(samples=np.zeros(int(round(seconds * sample_rate)), np.float32),
                      sample_rate=sample_rate)


def finish_chunk(chunk: AudioChunk, loudness_lufs: float) -> AudioChunk:
    samples = level_loudness(chunk.samples, chunk.sample_rate, loudness_lufs)
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

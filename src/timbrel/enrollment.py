"""Enrollment: a reference clip (and optional transcript) becomes a `Voice`."""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any

import numpy as np

from .engines import get_engine
from .engines.source_choice import AUTO, choose_engine
from .reference import Reference, describe, load_reference, prepare_reference
from .speaker_encoder import ge2e_embedding
from .voice import Voice

log = logging.getLogger(__name__)

ReferenceInput = str | os.PathLike[str] | Reference | tuple[np.ndarray, int]


def enroll(
    reference: ReferenceInput,
    *,
    transcript: str | None = None,
    language: str = "en",
    consent: str = "",
    engine: str = AUTO,
    defaults: dict[str, Any] | None = None,
    lexicon: list[dict[str, Any]] | None = None,
) -> Voice:
    """Make a voice from a 3-30 s clip: a path, a cleaned `Reference` or `(samples, rate)`.

    Without a transcript, the bundled recogniser writes one (English). `engine="auto"`
    picks the engine whose source voice is nearest the reference in pitch
    (engines/source_choice.py); the voice records the one used.
    """
    clean = as_reference(reference)
    # The recogniser and the speaker embedding (both release the GIL) run beside the
    # engine choice, and beside the engine's own enrollment when it needs no transcript.
    with ThreadPoolExecutor(max_workers=2) as pool:
        heard = (pool.submit(auto_transcript, clean, language) if transcript is None
                 else None)
        embedding = pool.submit(ge2e_embedding, clean.samples, clean.sample_rate)
        if engine == AUTO:
            engine = choose_engine(clean.samples, clean.sample_rate, language)
            log.info("cloning with the %s engine (nearest source voice in pitch)", engine)
        chosen = get_engine(engine)
        if heard is not None and chosen.uses_transcript:
            transcript = heard.result()
        params = chosen.enroll(clean, transcript=transcript or "", language=language)
        if heard is not None:
            transcript = heard.result()
        embedding_vector = embedding.result()
    return Voice(
        engine=chosen.name,
        engine_version=chosen.version,
        params=MappingProxyType(params),
        embedding=embedding_vector,
        reference=clean.samples,
        reference_rate=clean.sample_rate,
        transcript=(transcript or "").strip(),
        language=language,
        source_hash=clean.source_hash,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        consent=consent.strip(),
        reference_info=MappingProxyType(describe(clean)),
        defaults=MappingProxyType(dict(defaults or {})),
        lexicon=tuple(lexicon or ()),
    )


def as_reference(reference: ReferenceInput) -> Reference:
    if isinstance(reference, Reference):
        return reference
    if isinstance(reference, tuple):
        samples, rate = reference
        return prepare_reference(np.asarray(samples, np.float32), int(rate))
    return load_reference(reference)


def auto_transcript(reference: Reference, language: str) -> str:
    if language != "en":
        log.warning("no transcript given and the bundled recogniser reads English only; "
                    "the voice is stored without a transcript")
        return ""
    from .recognizer import transcribe_clip

    return transcribe_clip(reference.samples, reference.sample_rate)


def on_engine(voice: Voice, engine: str) -> Voice:
    """The same voice (its cleaned reference, transcript, lexicon, defaults) enrolled on
    another engine; returned unchanged if it already is on it."""
    if voice.engine == engine:
        return voice
    chosen = get_engine(engine)
    info = dict(voice.reference_info)
    clean = Reference(
        samples=voice.reference, sample_rate=voice.reference_rate,
        source_hash=voice.source_hash,
        original_seconds=float(info.get("original_seconds", voice.reference_seconds)),
        bandwidth_hz=float(info.get("bandwidth_hz", voice.reference_rate / 2)),
        span_seconds=tuple(info.get("span_seconds", (0.0, voice.reference_seconds))),
        warnings=tuple(info.get("warnings", ())))
    params = chosen.enroll(clean, transcript=voice.transcript, language=voice.language)
    return voice.with_changes(engine=chosen.name, engine_version=chosen.version,
                              params=MappingProxyType(params))

"""How long text is cut and timed for rendering: segments, pauses by boundary, exact duration.

Text of any length is cut by `text.segment.segment_text` into pieces of at most
`MAX_SEGMENT_CHARS`; each piece is followed by a pause that grows with its boundary
(word < clause < sentence < paragraph). The first piece of a long text is cut shorter at a
clause when it can be, so the first audio is ready sooner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .duration import DurationError, duration_ratio
from .text.segment import Segment, segment_text

MAX_SEGMENT_CHARS = 300
FIRST_SEGMENT_CHARS = 80
PAUSE_UNITS = {"word": 0.1, "clause": 0.5, "sentence": 1.0, "paragraph": 2.0}
"""Pause after a segment, in units of the sentence pause, by the boundary that ends it."""


@dataclass(frozen=True)
class Piece:
    """One segment to speak: its text, the pause that follows it and its target length."""

    index: int
    text: str
    boundary: str
    pause_units: float  # 0 after the last piece
    target_seconds: float | None = None


def plan_pieces(text: str) -> list[Piece]:
    """The speakable segments of `text`, in order, with pause units after each."""
    segments = [s for s in segment_text(text, MAX_SEGMENT_CHARS) if _speakable(s.text)]
    if segments and len(segments[0].text) > FIRST_SEGMENT_CHARS:
        segments[:1] = _shorter_first(segments[0])
    pieces = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        pieces.append(Piece(index=index, text=segment.text.strip(), boundary=segment.boundary,
                            pause_units=0.0 if last else PAUSE_UNITS[segment.boundary]))
    return pieces


def _speakable(text: str) -> bool:
    return any(character.isalnum() for character in text)


def _shorter_first(first: Segment) -> list[Segment]:
    """Cut the first segment at clause boundaries (never mid-clause) for a quick start."""
    parts = segment_text(first.text, FIRST_SEGMENT_CHARS)
    if len(parts) < 2 or any(p.boundary == "word" for p in parts[:-1]):
        return [first]
    last = parts[-1]
    parts[-1] = Segment(last.text, first.boundary, first.separator)
    return [p for p in parts if _speakable(p.text)]


def fit_pieces(pieces: list[Piece], estimate: Callable[[str], list[float]], pause: float,
               target: float) -> tuple[list[Piece], float]:
    """Scale speech and pauses by one ratio so the whole utterance lasts `target` seconds.

    `estimate(text)` gives the natural length of each chunk the engine yields for a piece
    (chunks inside a piece are separated by one sentence pause). Returns the pieces with
    their target lengths and the scaled sentence pause.
    """
    estimates = [estimate(piece.text) for piece in pieces]
    speech = sum(sum(chunks) for chunks in estimates)
    units = sum(piece.pause_units for piece in pieces)
    units += sum(max(len(chunks) - 1, 0) for chunks in estimates)
    if speech <= 0:
        raise DurationError("nothing to time: the text produced no speech")
    ratio = duration_ratio(target, speech + pause * units)
    timed = [Piece(index=p.index, text=p.text, boundary=p.boundary, pause_units=p.pause_units,
                   target_seconds=ratio * sum(chunks))
             for p, chunks in zip(pieces, estimates, strict=True)]
    return timed, ratio * pause

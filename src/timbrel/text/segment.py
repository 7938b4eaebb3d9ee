"""Split long text into sentences and clauses at natural boundaries, with a maximum length.

Every character of the input ends up in exactly one place: ``leading`` (whitespace before
the first segment), a segment's ``text`` or its ``separator`` (the whitespace after it), so
``join_segments(segment_text(t)) == t``. Each segment records the kind of boundary that
ends it, for the renderer to choose a pause: "word" (a forced split inside a clause),
"clause", "sentence" or "paragraph" (also used for the end of the text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Boundary = Literal["word", "clause", "sentence", "paragraph"]
_RANK = {"word": 0, "clause": 1, "sentence": 2, "paragraph": 3}

_CLOSERS = "\"'”’）)]」』》〉】"
_SENTENCE_END = re.compile(rf"(?:[。！？!?…]+|\.(?:\.\.)?)[{re.escape(_CLOSERS)}]*")
_CLAUSE_END = re.compile(rf"(?:[，,、；;：:]|——|—)[{re.escape(_CLOSERS)}]*")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Mt|vs|etc|e\.g|i\.e|No|Vol|Fig|Inc|Ltd|Co|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|a\.m|p\.m|U\.S)|\b[A-Z])$",
    re.IGNORECASE,
)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Segment:
    """One piece to synthesise; ``separator`` is the whitespace that followed it."""

    text: str
    boundary: Boundary
    separator: str = ""
    leading: str = ""  # whitespace before the text (only ever on the first segment)


def join_segments(segments: list[Segment]) -> str:
    """The exact input text back from its segments."""
    return "".join(s.leading + s.text + s.separator for s in segments)


def segment_text(text: str, max_chars: int = 200) -> list[Segment]:
    """Segments of at most ``max_chars`` characters each (not counting whitespace around)."""
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    leading = text[: len(text) - len(text.lstrip())]
    if len(leading) == len(text):
        return [Segment("", "paragraph", separator=text)] if text else []
    segments: list[Segment] = []
    for piece, boundary, separator in _sentences(text, len(leading)):
        segments.extend(_fit(piece, boundary, separator, max_chars))
    first = segments[0]
    segments[0] = Segment(first.text, first.boundary, first.separator, leading)
    return segments


def _sentences(text: str, start: int) -> list[tuple[str, Boundary, str]]:
    """(text, boundary, following whitespace) for each sentence of ``text[start:]``."""
    out: list[tuple[str, Boundary, str]] = []
    position = start
    cursor = start
    while cursor < len(text):
        end, kind = _next_break(text, cursor)
        space = _WHITESPACE.match(text, end)
        space_end = space.end() if space else end
        separator = text[end:space_end]
        if end < len(text) and kind is None and not separator:
            cursor = end + 1 if end == cursor else end
            continue
        if "\n" in separator:
            kind = "paragraph" if separator.count("\n") >= 2 else _max(kind, "sentence")
        if end >= len(text):
            kind = "paragraph"
        if kind in ("sentence", "paragraph"):
            out.append((text[position:end], kind, separator))
            position = space_end
        cursor = max(space_end, cursor + 1)
    if position < len(text):
        out.append((text[position:], "paragraph", ""))
    return out


def _next_break(text: str, cursor: int) -> tuple[int, Boundary | None]:
    """The next sentence end or newline at/after ``cursor``: (end index, kind or None)."""
    while cursor < len(text):
        if text[cursor] == "\n":
            return cursor, None
        match = _SENTENCE_END.match(text, cursor)
        if match:
            end = match.end()
            if match.group().startswith(".") and not _is_full_stop(text, cursor, end):
                cursor = end
                continue
            return end, "sentence"
        cursor += 1
    return len(text), None


def _is_full_stop(text: str, dot: int, end: int) -> bool:
    """A "." ends a sentence only before whitespace/end and not after an abbreviation."""
    if end < len(text) and not text[end].isspace():
        return False
    if text[dot : dot + 3] == "...":
        return True
    return not _ABBREVIATION.search(text[max(0, dot - 8) : dot])


def _max(a: Boundary | None, b: Boundary) -> Boundary:
    return b if a is None or _RANK[b] > _RANK[a] else a


def _fit(piece: str, boundary: Boundary, separator: str, limit: int) -> list[Segment]:
    """A sentence as one segment, or split into clauses (then words, then characters),
    packed greedily into segments of at most ``limit`` characters."""
    if len(piece) <= limit:
        return [Segment(piece, boundary, separator)]
    atoms: list[tuple[str, str, Boundary]] = []
    for text, space, kind in _split_keep(piece, _clause_cuts(piece), "clause"):
        if len(text) <= limit:
            atoms.append((text, space, kind))
            continue
        words = _split_keep(text, _space_cuts(text), "word")
        words[-1] = (words[-1][0], space, kind)
        for word, word_space, word_kind in words:
            if len(word) <= limit:
                atoms.append((word, word_space, word_kind))
                continue
            chunks = [word[i : i + limit] for i in range(0, len(word), limit)]
            atoms.extend((chunk, "", "word") for chunk in chunks[:-1])
            atoms.append((chunks[-1], word_space, word_kind))
    atoms[-1] = (atoms[-1][0], separator, boundary)
    out: list[Segment] = []
    body, last_space, last_kind = "", "", "word"
    for text, space, kind in atoms:
        if body and len(body) + len(last_space) + len(text) > limit:
            out.append(Segment(body, last_kind, last_space))
            body = text
        else:
            body = body + last_space + text if body else text
        last_space, last_kind = space, kind
    out.append(Segment(body, last_kind, last_space))
    return out


def _clause_cuts(piece: str) -> list[int]:
    return [m.end() for m in _CLAUSE_END.finditer(piece) if m.end() < len(piece)]


def _space_cuts(piece: str) -> list[int]:
    return [m.start() for m in _WHITESPACE.finditer(piece) if 0 < m.start()]


def _split_keep(piece: str, cuts: list[int], kind: Boundary) -> list[tuple[str, str, Boundary]]:
    """Split at ``cuts``; whitespace after a cut becomes that part's separator."""
    parts: list[tuple[str, str, Boundary]] = []
    start = 0
    for cut in cuts:
        if cut <= start:
            continue
        space = _WHITESPACE.match(piece, cut)
        space_end = space.end() if space else cut
        if space_end >= len(piece):
            break
        parts.append((piece[start:cut], piece[cut:space_end], kind))
        start = space_end
    parts.append((piece[start:], "", kind))
    return [p for p in parts if p[0]] or [(piece, "", kind)]

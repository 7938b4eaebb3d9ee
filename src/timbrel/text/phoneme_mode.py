"""Inline phonemes that bypass G2P: ``{yin2 hang2}`` pinyin and ``[[h ə ˈl oʊ]]`` IPA.

``parse_inline`` splits ordinary text into plain-text spans and phoneme spans;
``parse_phoneme_input`` reads a whole input as phonemes (phoneme mode). Syntax errors
raise PhonemeSyntaxError with the 0-based character position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from timbrel.text.pinyin import PinyinError, to_tone_number

SpanKind = Literal["text", "pinyin", "ipa"]
_PINYIN_TOKEN = re.compile(r"[^\s，。！？、；：,.!?;:…—\"“”‘’()（）]+")


class PhonemeSyntaxError(ValueError):
    """Malformed inline phonemes; ``position`` is the offending character's index."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at character {position}")
        self.position = position


@dataclass(frozen=True)
class Span:
    """A piece of the input: plain text, pinyin syllables, or an IPA string."""

    kind: SpanKind
    text: str  # the raw text of the span as written (without braces for phonemes)
    start: int
    phonemes: tuple[str, ...] = ()  # pinyin syllables, or a single IPA string


def parse_inline(text: str) -> list[Span]:
    """Split ``text`` into text / pinyin / IPA spans, in order."""
    spans: list[Span] = []
    plain_start = 0
    i = 0
    while i < len(text):
        if text.startswith("[[", i):
            close = text.find("]]", i + 2)
            if close == -1:
                raise PhonemeSyntaxError("unclosed '[[' (expected ']]')", i)
            body = text[i + 2 : close]
            if "[[" in body:
                raise PhonemeSyntaxError("nested '[['", i + 2 + body.index("[["))
            if not body.strip():
                raise PhonemeSyntaxError("empty '[[ ]]'", i)
            _flush(spans, text, plain_start, i)
            spans.append(Span("ipa", body, i + 2, (_ipa(body),)))
            i = plain_start = close + 2
        elif text[i] == "{":
            close = text.find("}", i + 1)
            if close == -1:
                raise PhonemeSyntaxError("unclosed '{' (expected '}')", i)
            body = text[i + 1 : close]
            if "{" in body:
                raise PhonemeSyntaxError("nested '{'", i + 1 + body.index("{"))
            _flush(spans, text, plain_start, i)
            spans.append(Span("pinyin", body, i + 1, parse_pinyin(body, offset=i + 1)))
            i = plain_start = close + 1
        elif text[i] == "}":
            raise PhonemeSyntaxError("'}' without '{'", i)
        elif text.startswith("]]", i):
            raise PhonemeSyntaxError("']]' without '[['", i)
        else:
            i += 1
    _flush(spans, text, plain_start, len(text))
    return spans


def parse_pinyin(body: str, offset: int = 0) -> tuple[str, ...]:
    """``yin2 hang2`` / ``yín háng`` -> ("yin2", "hang2"); positions are reported + offset."""
    syllables = []
    for match in _PINYIN_TOKEN.finditer(body):
        token = match.group()
        try:
            syllables.append(to_tone_number(token))
        except PinyinError as error:
            raise PhonemeSyntaxError(str(error), offset + match.start()) from None
    if not syllables:
        raise PhonemeSyntaxError("empty '{ }'", max(0, offset - 1))
    return tuple(syllables)


def parse_phoneme_input(text: str, lang: str = "auto") -> list[Span]:
    """Whole-input phoneme mode: the input is pinyin (zh), IPA (en), or either (auto).

    Inline ``{...}`` and ``[[...]]`` are still honoured; plain text around them is read as
    pinyin when ``lang`` is "zh" (or "auto" and every token is a pinyin syllable), else as IPA.
    """
    spans = []
    for span in parse_inline(text):
        if span.kind != "text" or not span.text.strip():
            spans.append(span)
            continue
        as_pinyin = lang == "zh" or (lang == "auto" and _all_pinyin(span.text))
        if as_pinyin:
            spans.append(Span("pinyin", span.text, span.start,
                              parse_pinyin(span.text, offset=span.start)))
        else:
            spans.append(Span("ipa", span.text, span.start, (_ipa(span.text),)))
    return spans


def _all_pinyin(text: str) -> bool:
    try:
        parse_pinyin(text)
    except PhonemeSyntaxError:
        return False
    return True


def _ipa(body: str) -> str:
    """IPA as written. Spaces between single phonemes join them (``h ə ˈl oʊ`` -> ``həˈloʊ``);
    a double space or ``|`` separates words; tokens longer than a phoneme are words."""
    words = [w for w in re.split(r"\s{2,}|\s*\|\s*", body.strip()) if w]
    out = []
    for word in words:
        tokens = word.split()
        phoneme_like = len(tokens) > 1 and all(len(t) <= 3 for t in tokens)
        out.append("".join(tokens) if phoneme_like else " ".join(tokens))
    return " ".join(out)


def _flush(spans: list[Span], text: str, start: int, end: int) -> None:
    if end > start:
        spans.append(Span("text", text[start:end], start))

"""Split mixed Mandarin/English text into language runs; detect the dominant language."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
_EN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)*")


@dataclass(frozen=True)
class Run:
    """A maximal piece of text in one language; ``start`` is its offset in the input."""

    text: str
    lang: str
    start: int


def script_of(char: str) -> str | None:
    """"zh" for Chinese characters and full-width punctuation, "en" for Latin letters."""
    if _HAN.match(char) or _CJK_PUNCT.match(char):
        return "zh"
    if _LATIN.match(char):
        return "en"
    return None


def split_runs(text: str, default: str = "en") -> list[Run]:
    """Language runs covering ``text`` exactly, in order.

    Digits, spaces and ASCII punctuation belong to the run before them (or the one after,
    at the start), so "我有3个apple" -> ["我有3个", "apple"]. Text with no letters at all
    is one run in ``default``.
    """
    runs: list[Run] = []
    current_lang: str | None = None
    start = 0
    for index, char in enumerate(text):
        lang = script_of(char)
        if lang is None or lang == current_lang:
            continue
        if current_lang is None:
            current_lang = lang
            continue
        cut = _cut_point(text, start, index, lang)
        runs.append(Run(text[start:cut], current_lang, start))
        start, current_lang = cut, lang
    if start < len(text) or not runs:
        runs.append(Run(text[start:], current_lang or default, start))
    return [run for run in runs if run.text] or [Run(text, default, 0)]


def _cut_point(text: str, start: int, index: int, new_lang: str) -> int:
    """Where a run ends: neutral characters stay with the previous run, except that the
    whitespace and opening quotes/brackets just before a new English word go with it."""
    cut = index
    if new_lang == "en":
        while cut > start and text[cut - 1] in "\"'“‘(［[":
            cut -= 1
    return cut


def detect_language(text: str) -> str:
    """The dominant language ("zh" or "en") by spoken syllables (a Chinese character is one
    syllable, an English word counts as 1.5); "en" when there is neither."""
    han = len(_HAN.findall(text))
    words = len(_EN_WORD.findall(text))
    return "zh" if han and han >= 1.5 * words else "en"

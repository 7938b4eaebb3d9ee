"""Mandarin characters -> tone-numbered pinyin with polyphone disambiguation.

Pipeline: jieba word segmentation -> pypinyin phrase dictionary (longest phrase inside
each word) -> context rules for common polyphones (polyphone_rules.py). Tone sandhi is a
separate step (sandhi.py). Output syllables use tone numbers, 5 for the neutral tone, and
``v`` for ü (``lv4``).
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache

from timbrel.text.polyphone_rules import DEFAULTS, RULES

log = logging.getLogger(__name__)

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WINDOW = 12
_CITATION = {"一": "yi1", "不": "bu4"}
_SANDHI_SPELLINGS = ("yi2", "yi4", "bu2")
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Syllable:
    """One Chinese character and its reading; ``source`` says what decided it."""

    char: str
    pinyin: str
    source: str  # "phrase" | "rule" | "char" | "lexicon" | "inline"
    index: int = 0  # position of the character in the text given to to_pinyin
    word: int = 0  # ordinal of the segmenter's word the character belongs to


@dataclass(frozen=True)
class _CompiledRule:
    readings: tuple[str, ...]
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    any_scope: bool


@lru_cache(maxsize=1)
def _tokenizer():
    with warnings.catch_warnings():  # jieba 0.42 imports the deprecated pkg_resources
        warnings.simplefilter("ignore", UserWarning)
        import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO
    with _LOCK:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    return tokenizer


@lru_cache(maxsize=1)
def _phrases() -> tuple[dict[str, list[list[str]]], int]:
    from pypinyin.constants import PHRASES_DICT

    return PHRASES_DICT, min(8, max(len(k) for k in PHRASES_DICT))


@lru_cache(maxsize=1)
def _rules() -> dict[str, list[_CompiledRule]]:
    compiled: dict[str, list[_CompiledRule]] = {}
    for char, rules in RULES.items():
        compiled[char] = [
            _CompiledRule(
                readings=tuple(reading.split()),
                before=re.compile(f"(?:{before})$") if before else None,
                after=re.compile(f"^(?:{after})") if after else None,
                any_scope=scope == "any",
            )
            for reading, before, after, scope in rules
        ]
    return compiled


def load() -> None:
    """Load the word segmenter and dictionaries now (otherwise on first use)."""
    _tokenizer()
    _phrases()
    _rules()
    char_pinyin("中")


@lru_cache(maxsize=8192)
def char_pinyin(char: str) -> str:
    """Dictionary default reading of one character (``DEFAULTS`` first), or ""."""
    if char in DEFAULTS:
        return DEFAULTS[char]
    from pypinyin.constants import PINYIN_DICT
    from pypinyin.contrib.tone_convert import to_tone3

    readings = PINYIN_DICT.get(ord(char))
    if not readings:
        return ""
    return to_tone3(readings.split(",")[0], v_to_u=False, neutral_tone_with_five=True)


@lru_cache(maxsize=65536)
def _phrase_pinyin(phrase: str) -> tuple[str, ...]:
    from pypinyin.contrib.tone_convert import to_tone3

    phrases, _ = _phrases()
    return tuple(
        to_tone3(item[0], v_to_u=False, neutral_tone_with_five=True) for item in phrases[phrase]
    )


def _split_word(word: str) -> list[tuple[str, bool]]:
    """A jieba word -> (piece, is_dictionary_phrase), longest phrases first."""
    phrases, longest = _phrases()
    if len(word) > 1 and word in phrases:
        return [(word, True)]
    pieces: list[tuple[str, bool]] = []
    start = 0
    while start < len(word):
        for size in range(min(longest, len(word) - start), 1, -1):
            piece = word[start : start + size]
            if piece in phrases:
                pieces.append((piece, True))
                start += size
                break
        else:
            pieces.append((word[start], False))
            start += 1
    return pieces


def segment_words(text: str) -> list[str]:
    """jieba words of ``text`` (accurate mode, HMM for unknown words)."""
    return _tokenizer().lcut(text, HMM=True)


def to_pinyin(text: str, *, rules: bool = True) -> list[Syllable]:
    """Every Chinese character of ``text`` with its reading, in order.

    Characters other than Chinese characters are skipped (they are not in the output).
    With ``rules=False`` only the dictionaries decide (useful for comparisons).
    """
    readings: list[str | None] = [None] * len(text)
    decided_by_phrase = [False] * len(text)
    word_of = [0] * len(text)
    position = 0
    for ordinal, word in enumerate(segment_words(text)):
        word_of[position : position + len(word)] = [ordinal] * len(word)
        for piece, is_phrase in _split_word(word):
            if is_phrase:
                for offset, syllable in enumerate(_phrase_pinyin(piece)):
                    readings[position + offset] = syllable
                    decided_by_phrase[position + offset] = True
            elif HAN.match(piece):
                readings[position] = char_pinyin(piece) or None
            position += len(piece)
    sources = ["phrase" if flag else "char" for flag in decided_by_phrase]
    for index, char in enumerate(text):
        # the phrase dictionary spells some 一/不 words with their sandhi tones (一个 yi2):
        # keep citation tones here, sandhi.py applies them as a separate step
        if char in _CITATION and readings[index] in _SANDHI_SPELLINGS:
            readings[index] = _CITATION[char]
    if rules:
        _apply_rules(text, readings, decided_by_phrase, sources)
    return [
        Syllable(char, reading, source, index, word_of[index])
        for index, (char, reading, source) in enumerate(zip(text, readings, sources, strict=True))
        if reading is not None and HAN.match(char)
    ]


def _apply_rules(
    text: str, readings: list[str | None], by_phrase: list[bool], sources: list[str]
) -> None:
    compiled = _rules()
    index = 0
    while index < len(text):
        rules = compiled.get(text[index])
        step = 1
        if rules and readings[index] is not None:
            before = text[max(0, index - _WINDOW) : index]
            after = text[index + 1 : index + 1 + _WINDOW]
            for rule in rules:
                if by_phrase[index] and not rule.any_scope:
                    continue
                if rule.before is not None and not rule.before.search(before):
                    continue
                if rule.after is not None and not rule.after.match(after):
                    continue
                for offset, syllable in enumerate(rule.readings):
                    if index + offset < len(text) and readings[index + offset] is not None:
                        readings[index + offset] = syllable
                        sources[index + offset] = "rule"
                step = len(rule.readings)
                break
        index += step

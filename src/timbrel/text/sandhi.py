"""Mandarin tone sandhi (变调) on tone-numbered pinyin: 一, 不 and third-tone.

A separate, switchable step after G2P: dictionary readings stay in the citation tones,
this turns them into the tones actually spoken. Syllables fixed by the user (lexicon,
inline pinyin) are never changed.
"""

from __future__ import annotations

from dataclasses import replace

from timbrel.text.g2p_zh import Syllable

_FIXED = ("lexicon", "inline")
_NUMERALS = set("零〇一二两三四五六七八九十百千万亿")
_KEEP_YI_AFTER = set("第初周星礼") | _NUMERALS
_KEEP_YI_BEFORE = set("月号日") | _NUMERALS


def apply_tone_sandhi(syllables: list[Syllable]) -> list[Syllable]:
    """The syllables with 一/不 and third-tone sandhi applied."""
    out = list(syllables)
    _yi_bu(out)
    _third_tone(out)
    return out


def _tone(pinyin: str) -> str:
    return pinyin[-1] if pinyin and pinyin[-1].isdigit() else ""


def _adjacent(a: Syllable, b: Syllable) -> bool:
    return b.index == a.index + 1


def _set(items: list[Syllable], i: int, tone: str) -> None:
    item = items[i]
    if item.source in _FIXED or not item.pinyin:
        return
    items[i] = replace(item, pinyin=item.pinyin[:-1] + tone)


def _yi_bu(items: list[Syllable]) -> None:
    for i, item in enumerate(items):
        if item.char not in "一不" or i + 1 >= len(items) or not _adjacent(item, items[i + 1]):
            continue
        following = items[i + 1]
        next_tone = _tone(following.pinyin)
        if item.char == "不" and item.pinyin == "bu4" and next_tone == "4":
            _set(items, i, "2")
        elif item.char == "一" and item.pinyin == "yi1":
            previous = items[i - 1] if i > 0 and _adjacent(items[i - 1], item) else None
            if previous is not None and previous.char in _KEEP_YI_AFTER:
                continue
            if following.char in _KEEP_YI_BEFORE:
                continue
            if next_tone == "4":
                _set(items, i, "2")
            elif next_tone in ("1", "2", "3"):
                _set(items, i, "4")


def _third_tone(items: list[Syllable]) -> None:
    """Within a word (and into a following one-character word), 3 3 -> 2 3."""
    i = 0
    while i < len(items):
        j = i
        while (
            j + 1 < len(items)
            and _adjacent(items[j], items[j + 1])
            and _tone(items[j].pinyin) == "3"
            and _tone(items[j + 1].pinyin) == "3"
            and _joins(items, j)
        ):
            j += 1
        for k in range(i, j):
            _set(items, k, "2")
        i = j + 1


def _joins(items: list[Syllable], j: int) -> bool:
    a, b = items[j], items[j + 1]
    if a.word == b.word:
        return True
    # a one-character word binds to its neighbour (我想, 很好, 给你)
    word_a = [s for s in items if s.word == a.word]
    word_b = [s for s in items if s.word == b.word]
    return len(word_a) == 1 or len(word_b) == 1

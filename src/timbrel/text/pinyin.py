"""Pinyin syllables: validation and conversion to tone numbers (neutral = 5, ü as v)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONE_NUMBER = re.compile(r"^([a-z]+)([0-5])?$")
_GLM_TOKEN = re.compile(r"<\|([A-Za-z:]+[0-5]?)\|>")
# Finals written without their zero initial (GLM-TTS style tokens) -> spelled syllables.
_ZERO_INITIAL = (
    ("iong", "yong"), ("iang", "yang"), ("iao", "yao"), ("ian", "yan"), ("ing", "ying"),
    ("ie", "ye"), ("iu", "you"), ("ia", "ya"), ("in", "yin"), ("i", "yi"),
    ("uang", "wang"), ("ueng", "weng"), ("uai", "wai"), ("uan", "wan"), ("uen", "wen"),
    ("uo", "wo"), ("ua", "wa"), ("ui", "wei"), ("un", "wen"), ("u", "wu"),
    ("van", "yuan"), ("ve", "yue"), ("vn", "yun"), ("v", "yu"),
)


class PinyinError(ValueError):
    """A string that is not a Mandarin syllable."""


@lru_cache(maxsize=1)
def valid_syllables() -> frozenset[str]:
    """Every toneless syllable pypinyin knows (``lv``, ``zhuang``, ``er`` ...)."""
    from pypinyin.constants import PINYIN_DICT
    from pypinyin.contrib.tone_convert import to_normal

    found: set[str] = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            found.add(to_normal(reading, v_to_u=False))
    found.discard("")
    return frozenset(s for s in found if s.isascii() and s.isalpha())


def to_tone_number(syllable: str) -> str:
    """``háng`` / ``hang2`` / ``lü4`` / ``lu:4`` / ``le`` -> ``hang2`` / ``lv4`` / ``le5``.

    Raises PinyinError for anything that is not a known Mandarin syllable.
    """
    text = unicodedata.normalize("NFC", syllable.strip()).lower()
    if not text:
        raise PinyinError("empty pinyin syllable")
    text = text.replace("u:", "v").replace("ü", "v") if not _has_tone_mark(text) else text
    if _has_tone_mark(text):
        from pypinyin.contrib.tone_convert import to_tone3

        text = to_tone3(text, v_to_u=False, neutral_tone_with_five=True)
    match = _TONE_NUMBER.match(text)
    if not match:
        raise PinyinError(f"not a pinyin syllable: {syllable!r}")
    base, tone = match.group(1), match.group(2)
    tone = "5" if tone in (None, "0") else tone
    if base not in valid_syllables():
        raise PinyinError(f"unknown pinyin syllable: {syllable!r}")
    return base + tone


def is_syllable(syllable: str) -> bool:
    """True when ``syllable`` reads as one Mandarin syllable."""
    try:
        to_tone_number(syllable)
    except PinyinError:
        return False
    return True


def from_glm_tokens(tokens: str) -> list[str]:
    """GLM-TTS phone tokens ``<|X|><|IAN2|>`` -> ``["xian2"]`` (one syllable per final)."""
    parts = _GLM_TOKEN.findall(tokens)
    if not parts or _GLM_TOKEN.sub("", tokens).strip():
        raise PinyinError(f"not GLM-TTS phone tokens: {tokens!r}")
    syllables: list[str] = []
    initial = ""
    for part in parts:
        part = part.lower().replace("u:", "v")
        if part[-1].isdigit():
            syllables.append(_join(initial, part[:-1], part[-1]))
            initial = ""
        else:
            initial += part
    if initial:
        raise PinyinError(f"GLM-TTS tokens end without a final: {tokens!r}")
    return syllables


def _join(initial: str, final: str, tone: str) -> str:
    candidates = [initial + final]
    if initial in ("j", "q", "x", "y") and final.startswith("v"):
        candidates.append(initial + "u" + final[1:])
    if not initial:
        candidates += [spelled + final[len(bare):]
                       for bare, spelled in _ZERO_INITIAL if final.startswith(bare)]
    for candidate in candidates:
        if candidate in valid_syllables():
            return to_tone_number(candidate + tone)
    raise PinyinError(f"unknown pinyin syllable: {initial + final + tone!r}")


def _has_tone_mark(text: str) -> bool:
    return any(ch in "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ" for ch in text)

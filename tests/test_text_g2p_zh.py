"""Mandarin G2P: tone-numbered pinyin, polyphones, tone sandhi."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timbrel.text.g2p_zh import HAN, to_pinyin
from timbrel.text.pinyin import PinyinError, from_glm_tokens, to_tone_number
from timbrel.text.sandhi import apply_tone_sandhi

DEV_SET = Path(__file__).parents[1] / "benchmarks" / "data" / "polyphones_zh_dev.jsonl"


def readings(text: str) -> list[str]:
    return [s.pinyin for s in to_pinyin(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("银行", ["yin2", "hang2"]),
        ("行走", ["xing2", "zou3"]),
        ("重要", ["zhong4", "yao4"]),
        ("重新", ["chong2", "xin1"]),
        ("他的头发很长", ["ta1", "de5", "tou2", "fa4", "hen3", "chang2"]),
        ("他是班长", ["ta1", "shi4", "ban1", "zhang3"]),
        ("绿色的女孩", ["lv4", "se4", "de5", "nv3", "hai2"]),
        ("我吃完了", ["wo3", "chi1", "wan2", "le5"]),
    ],
)
def test_readings(text: str, expected: list[str]) -> None:
    assert readings(text) == expected


def test_non_chinese_characters_are_skipped_with_positions_kept() -> None:
    syllables = to_pinyin("A行，B")
    assert [(s.char, s.index) for s in syllables] == [("行", 1)]


def test_dev_set_accuracy() -> None:
    items = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    correct = 0
    for item in items:
        syllables = to_pinyin(item["sentence"])
        position = sum(1 for ch in item["sentence"][: item["index"]] if HAN.match(ch))
        correct += syllables[position].pinyin == item["pinyin"]
    assert correct / len(items) >= 0.97


def test_tone_sandhi_is_separate_and_switchable() -> None:
    plain = to_pinyin("你好，一个不对的一天")
    assert [s.pinyin for s in plain] == [
        "ni3", "hao3", "yi1", "ge4", "bu4", "dui4", "de5", "yi1", "tian1"]
    spoken = apply_tone_sandhi(plain)
    assert [s.pinyin for s in spoken] == [
        "ni2", "hao3", "yi2", "ge4", "bu2", "dui4", "de5", "yi4", "tian1"]
    assert [s.pinyin for s in apply_tone_sandhi(to_pinyin("第一，十一月"))] == [
        "di4", "yi1", "shi2", "yi1", "yue4"]


def test_pinyin_syllables() -> None:
    assert to_tone_number("háng") == "hang2"
    assert to_tone_number("lǜ") == "lv4"
    assert to_tone_number("lu:4") == "lv4"
    assert to_tone_number("le") == "le5"
    assert from_glm_tokens("<|X|><|IAN2|>") == ["xian2"]
    with pytest.raises(PinyinError):
        to_tone_number("xyz2")

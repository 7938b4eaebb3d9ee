"""User lexicon: contexts, longest match, GLM-TTS lines, errors by line, serialisation."""

from __future__ import annotations

import json

import pytest

from timbrel.text.frontend import english_phonemes, phonemes
from timbrel.text.lexicon import Lexicon, LexiconError

JSONL = "\n".join([
    json.dumps({"word": "行", "context": "银行", "phoneme": "xíng"}, ensure_ascii=False),
    json.dumps({"word": "重庆", "phoneme": "chong2 qing4"}, ensure_ascii=False),
    json.dumps({"弦": "<|X|><|IAN2|>"}, ensure_ascii=False),
    json.dumps({"word": "tomato", "phoneme": "təmˈɑːtoʊ"}),
    json.dumps({"word": "data", "phoneme": "D AE1 T AH0"}),
])


def zh_readings(text: str, lexicon: Lexicon) -> list[str]:
    return [u["phonemes"] for u in phonemes(text, "zh", lexicon, tone_sandhi=False)]


def test_context_rule_applies_only_inside_context() -> None:
    lexicon = Lexicon.from_jsonl_text(JSONL)
    assert zh_readings("银行", lexicon) == ["yin2", "xing2"]
    assert zh_readings("行业", lexicon) == ["hang2", "ye4"]  # outside the context: G2P
    assert zh_readings("一行字", lexicon)[1] == "hang2"


def test_everywhere_rules_and_glm_style() -> None:
    lexicon = Lexicon.from_jsonl_text(JSONL)
    assert zh_readings("去重庆", lexicon) == ["qu4", "chong2", "qing4"]
    assert zh_readings("弦乐", lexicon) == ["xian2", "yue4"]


def test_longest_match_first() -> None:
    lexicon = Lexicon.from_records([
        {"word": "长", "phoneme": "zhang3"},
        {"word": "长", "context": "长江", "phoneme": "chang2"},
    ])
    assert zh_readings("长江很长", lexicon) == ["chang2", "jiang1", "hen3", "zhang3"]


def test_english_entries_reach_piper_phonemes() -> None:
    lexicon = Lexicon.from_jsonl_text(JSONL)
    units = phonemes("I like Tomato data", "en", lexicon)
    assert units[2] == {"text": "Tomato", "phonemes": "təmˈɑːtoʊ"}
    assert units[3] == {"text": "data", "phonemes": "dˈætə"}
    flat = "".join(english_phonemes("I like tomato.", lexicon)[0])
    assert "təmˈɑːtoʊ" in flat


def test_bad_line_names_line_number() -> None:
    bad = JSONL + "\n{not json}\n"
    with pytest.raises(LexiconError, match=r":6: invalid JSON"):
        Lexicon.from_jsonl_text(bad)
    with pytest.raises(LexiconError, match=r":1: .*2 character\(s\) but 1 syllable"):
        Lexicon.from_jsonl_text('{"word": "银行", "phoneme": "hang2"}')
    with pytest.raises(LexiconError, match=r":1: unknown pinyin syllable"):
        Lexicon.from_jsonl_text('{"word": "行", "phoneme": "hanq2"}')
    with pytest.raises(LexiconError, match=r":2: context"):
        Lexicon.from_jsonl_text('\n{"word": "行", "context": "银河", "phoneme": "hang2"}')


def test_serialisable_round_trip(tmp_path) -> None:
    lexicon = Lexicon.from_jsonl_text(JSONL)
    records = lexicon.to_records()
    assert json.loads(json.dumps(records)) == records
    assert Lexicon.from_records(records) == lexicon
    path = tmp_path / "lexicon.jsonl"
    path.write_text(lexicon.to_jsonl(), encoding="utf-8")
    assert Lexicon.from_jsonl(path) == lexicon
    merged = lexicon.merged(Lexicon.from_records([{"word": "重庆", "phoneme": "zhong4 qing4"}]))
    assert zh_readings("重庆", merged) == ["zhong4", "qing4"]

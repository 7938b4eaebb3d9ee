"""Inline pinyin / IPA and whole-input phoneme mode."""

from __future__ import annotations

import pytest

from timbrel.text.frontend import english_phonemes, to_units
from timbrel.text.phoneme_mode import PhonemeSyntaxError, parse_inline, parse_phoneme_input


def test_inline_spans() -> None:
    spans = parse_inline("他在{yin2 hang2}工作, say [[h ə ˈl oʊ]] now")
    assert [(s.kind, s.phonemes) for s in spans] == [
        ("text", ()), ("pinyin", ("yin2", "hang2")), ("text", ()), ("ipa", ("həˈloʊ",)),
        ("text", ())]


def test_inline_pinyin_bypasses_g2p() -> None:
    units = to_units("他在{yin2 háng}工作")
    assert [(u.phonemes, u.source) for u in units[2:4]] == [("yin2", "inline"), ("hang2", "inline")]


def test_inline_ipa_reaches_piper_phonemes() -> None:
    sentences = english_phonemes("Say [[h ə ˈl oʊ]] now.")
    assert "".join(sentences[0]).startswith("sˈeɪ həˈloʊ n")


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("abc {yin2", 4, "unclosed '{'"),
        ("abc {yin2 hangg2}", 10, "not a pinyin syllable|unknown pinyin"),
        ("x [[h ə", 2, "unclosed '\\[\\['"),
        ("a } b", 2, "without"),
        ("{}", 0, "empty"),
    ],
)
def test_errors_name_the_position(text: str, position: int, message: str) -> None:
    with pytest.raises(PhonemeSyntaxError, match=message) as caught:
        parse_inline(text)
    assert caught.value.position == position
    assert f"character {position}" in str(caught.value)


def test_whole_input_phoneme_mode() -> None:
    spans = parse_phoneme_input("ni3 hao3, shi4 jie4")
    assert spans[0].phonemes == ("ni3", "hao3", "shi4", "jie4")
    units = to_units("həˈloʊ wˈɜːld", lang="en", phoneme_mode=True)
    assert [u.phonemes for u in units] == ["həˈloʊ", "wˈɜːld"]
    assert "".join(english_phonemes("həˈloʊ", phoneme_mode=True)[0]) == "həˈloʊ"
    with pytest.raises(PhonemeSyntaxError):
        parse_phoneme_input("ni3 xx9", "zh")

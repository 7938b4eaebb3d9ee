"""Language runs and dominant-language detection."""

from __future__ import annotations

from timbrel.text.language import detect_language, split_runs


def test_mixed_runs_cover_input() -> None:
    text = "我有3个apple，你喜欢 Python 吗？"
    runs = split_runs(text)
    assert "".join(r.text for r in runs) == text
    assert [(r.text, r.lang) for r in runs] == [
        ("我有3个", "zh"), ("apple", "en"), ("，你喜欢 ", "zh"), ("Python ", "en"), ("吗？", "zh")]
    assert all(text[r.start : r.start + len(r.text)] == r.text for r in runs)


def test_neutral_text_uses_default() -> None:
    assert [(r.text, r.lang) for r in split_runs("123, 456", default="zh")] == [("123, 456", "zh")]


def test_detect_language() -> None:
    assert detect_language("今天天气很好") == "zh"
    assert detect_language("The weather is nice today") == "en"
    assert detect_language("我用 Python 写代码") == "zh"
    assert detect_language("I love 中国 very much indeed") == "en"
    assert detect_language("12345") == "en"

"""Segmentation: nothing dropped or duplicated, every segment within the limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from timbrel.text.segment import join_segments, segment_text

PIECES = st.sampled_from(
    ["Hello", "world", "Dr.", "e.g.", "3.5", "...", "!", "?", ".", ",", ";", ":", "—", " ",
     "  ", "\n", "\n\n", "今天", "天气", "很好", "。", "，", "！", "？", "、", "；", "“", "”",
     "\"", ")", "(", "a", "supercalifragilistic", "\t", "…", "x" * 30, "字" * 25]
)
TEXTS = st.lists(PIECES, max_size=60).map("".join) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, limit=st.integers(min_value=1, max_value=80))
def test_segments_reproduce_input_and_respect_limit(text: str, limit: int) -> None:
    segments = segment_text(text, limit)
    assert join_segments(segments) == text
    for segment in segments:
        assert len(segment.text) <= limit
        assert segment.separator.strip() == ""
        assert segment.leading.strip() == ""
        assert segment.boundary in ("word", "clause", "sentence", "paragraph")
    assert all(s.leading == "" for s in segments[1:])


def test_sentences_and_paragraphs() -> None:
    text = "Dr. Smith arrived. He sat down!\n\n今天天气很好。我们走吧"
    segments = segment_text(text, 100)
    assert [s.text for s in segments] == [
        "Dr. Smith arrived.", "He sat down!", "今天天气很好。", "我们走吧"]
    assert [s.boundary for s in segments] == ["sentence", "paragraph", "sentence", "paragraph"]
    assert segments[1].separator == "\n\n"


def test_long_sentence_splits_at_clauses() -> None:
    text = "今天天气很好，我们去公园散步，然后去吃饭，最后回家休息。"
    segments = segment_text(text, 15)
    assert [s.text for s in segments] == [
        "今天天气很好，我们去公园散步，", "然后去吃饭，最后回家休息。"]
    assert [s.boundary for s in segments] == ["clause", "paragraph"]


def test_long_clause_splits_at_words() -> None:
    text = "one two three four five six seven eight nine ten"
    segments = segment_text(text, 14)
    assert all(len(s.text) <= 14 for s in segments)
    assert segments[0].text == "one two three" and segments[0].boundary == "word"
    assert join_segments(segments) == text


def test_empty_and_whitespace() -> None:
    assert segment_text("") == []
    assert join_segments(segment_text("  \n ")) == "  \n "

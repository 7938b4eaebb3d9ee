"""The bundled recogniser: the short-clip path used at enrollment."""

import pytest

from timbrel.audio import load_audio
from timbrel.recognizer import RecognizerError, looks_repetitive, transcribe, transcribe_clip


def test_repetition_is_detected():
    sentence = "Welcome to the mail system. First, I will guide you through the setup. "
    assert looks_repetitive(sentence * 5)
    assert not looks_repetitive(sentence)
    assert not looks_repetitive("yes")


def test_clip_path_reads_what_the_full_window_reads(human_reference):
    samples, rate = load_audio(human_reference)
    full, short = transcribe(samples, rate), transcribe_clip(samples, rate)
    words = set(full.lower().split())
    assert len(short.split()) >= 10
    assert len(words & set(short.lower().split())) >= 0.8 * len(words)


def test_clip_path_reads_english_only(human_reference):
    samples, rate = load_audio(human_reference)
    with pytest.raises(RecognizerError, match="English only"):
        transcribe_clip(samples, rate, language="zh")

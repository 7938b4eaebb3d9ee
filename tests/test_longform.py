"""Long text: segmentation and pauses, streaming, constant loudness, bounded memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import timbrel
from timbrel.audio import AudioChunk, loudness_lufs
from timbrel.controls import DEFAULTS
from timbrel.drift import drift_summary, measure_stream, trend
from timbrel.engines import Capabilities, Engine, register_engine
from timbrel.render_plan import FIRST_SEGMENT_CHARS, MAX_SEGMENT_CHARS, PAUSE_UNITS, plan_pieces

RATE = 16000


class ToneEngine(Engine):
    """A fast stand-in: one tone per sentence, 40 ms per character, level varying."""

    name = "tone-longform"
    version = "0"
    capabilities = Capabilities(languages=("en",), exact_duration=False)

    def __init__(self) -> None:
        self.calls = 0

    @property
    def sample_rate(self) -> int:
        return RATE

    def enroll(self, reference, *, transcript, language):
        return {}

    def synthesize(self, text, voice, config):
        self.calls += 1
        t = np.arange(int(0.04 * len(text) * RATE)) / RATE
        level = 0.05 + 0.4 * (self.calls % 5) / 5  # the engine's own level wanders
        yield AudioChunk((level * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE, text)


@pytest.fixture
def tone(voice):
    engine = ToneEngine()
    register_engine(ToneEngine.name, lambda: engine)
    return engine, voice.with_changes(engine=ToneEngine.name)


PLAIN = timbrel.SynthesisConfig(watermark=False)


def chapter(paragraphs: int) -> str:
    sentence = ("The lamp burned low, and the keeper, tired from the climb, wrote a line in "
                "his log before the storm came in from the sea. ")
    return "\n\n".join(sentence * 4 for _ in range(paragraphs))


def test_pieces_respect_the_limits_and_rank_pauses():
    pieces = plan_pieces(chapter(3) + " And one more sentence, with a clause, at the end.")
    assert all(len(p.text) <= MAX_SEGMENT_CHARS for p in pieces)
    assert len(pieces[0].text) <= FIRST_SEGMENT_CHARS  # a quick first segment
    assert pieces[-1].pause_units == 0
    kinds = {p.boundary for p in pieces[:-1]}
    assert {"clause", "sentence", "paragraph"} <= kinds
    assert PAUSE_UNITS["clause"] < PAUSE_UNITS["sentence"] < PAUSE_UNITS["paragraph"]


def test_first_sentence_is_not_cut_mid_clause():
    text = "A" + " very" * 30 + " long opening sentence without any commas at all. Then more."
    assert plan_pieces(text)[0].text.endswith("at all.")


def test_pauses_grow_with_the_boundary(tone):
    _, voice = tone
    text = ("The lamp burned low and the keeper was tired from the climb up the stairs, so he "
            "wrote a line. Seven eight nine.\n\nTen eleven twelve.")
    chunks = list(timbrel.synthesize(text, voice, timbrel.SynthesisConfig(
        watermark=False, sentence_pause=0.4)))
    gaps = [c.duration for c in chunks if not c.text]
    assert gaps == pytest.approx([0.2, 0.4, 0.8], abs=1 / RATE)


def test_loudness_is_constant_although_the_engine_wanders(tone):
    _, voice = tone
    chunks = list(timbrel.synthesize(chapter(2), voice, PLAIN))
    levels = [loudness_lufs(c.samples, c.sample_rate) for c in chunks if c.text]
    assert len(levels) > 5
    assert max(levels) - min(levels) < 0.5
    assert np.mean(levels) == pytest.approx(DEFAULTS["loudness_lufs"], abs=0.5)


def test_streams_first_segment_before_the_rest(tone):
    engine, voice = tone
    stream = timbrel.synthesize(chapter(5), voice, PLAIN)
    first = next(stream)
    assert first.text and engine.calls == 1
    assert sum(1 for _ in stream) > 20


def test_hundred_thousand_characters_in_bounded_memory(tone):
    _, voice = tone
    text = chapter(210)
    assert len(text) >= 100_000
    tracemalloc.start()
    seconds = 0.0
    for chunk in timbrel.synthesize(text, voice, PLAIN):
        seconds += chunk.duration
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds > 3600  # over an hour of audio
    assert peak < 60e6, f"peak traced memory {peak / 1e6:.0f} MB"


def test_exact_duration_over_paragraphs_and_clauses(voice):
    text = "First, a short clause. Then a sentence.\n\nA new paragraph ends it."
    samples, rate = timbrel.synthesize_to_array(
        text, voice, timbrel.SynthesisConfig(duration=7.0, watermark=False))
    assert abs(len(samples) / rate - 7.0) <= 0.07


def test_long_text_is_deterministic(voice):
    text = "The tide came in. " * 3 + "\n\nAnd, at last, it went out again."
    config = timbrel.SynthesisConfig(seed=5, watermark=False)
    a, _ = timbrel.synthesize_to_array(text, voice, config)
    b, _ = timbrel.synthesize_to_array(text, voice, config)
    assert np.array_equal(a, b)


def test_trend_gives_slope_per_ten_minutes_and_spread():
    times = [0.0, 300.0, 600.0, 900.0]
    result = trend(times, [0.80, 0.81, None, 0.83])
    assert result["n"] == 3
    assert result["slope_per_10min"] == pytest.approx(0.02, abs=1e-9)
    assert result["std"] == pytest.approx(np.std([0.80, 0.81, 0.83]))


def test_drift_is_measured_per_segment(tone):
    _, voice = tone
    measures = measure_stream(timbrel.synthesize(chapter(1), voice, PLAIN), voice)
    summary = drift_summary(measures)
    assert summary["segments"] == len(measures) > 3
    assert summary["loudness_lufs"]["std"] < 0.3
    assert all(m.similarity is not None for m in measures if m.seconds >= 1.0)

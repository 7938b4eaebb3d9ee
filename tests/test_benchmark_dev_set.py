"""The cloning benchmark's dev (tuning) set shares nothing with the reported set."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import targets  # noqa: E402


def test_dev_sentences_are_not_reported_sentences():
    reported = set(targets.REFERENCE_SENTENCES) | set(targets.HELD_OUT_TEXTS)
    dev = set(targets.DEV_REFERENCE_SENTENCES) | set(targets.DEV_HELD_OUT_TEXTS)
    assert not reported & dev


def test_dev_voices_are_not_reported_voices():
    reported = {(v.tool, v.voice) for v in targets.SYNTHETIC_VOICES}
    dev = {(v.tool, v.voice) for v in targets.DEV_SYNTHETIC_VOICES}
    assert not reported & dev
    names = {v.name for v in targets.SYNTHETIC_VOICES} | {s.name for s in targets.CODEC2_SPEAKERS}
    assert not names & {v.name for v in targets.DEV_SYNTHETIC_VOICES}


def test_dev_allison_prompts_are_not_reported_prompts():
    reported = (set(targets.ALLISON_REFERENCE) | set(targets.ALLISON_HELD_OUT)
                | {targets.ALLISON_TEN_SECONDS})
    for _, reference, held_out in targets.DEV_ALLISON:
        assert not reported & (set(reference) | set(held_out))
        assert not set(reference) & set(held_out)


def test_watermark_dev_texts_are_not_reported_texts():
    import watermark_tuning

    assert not set(watermark_tuning.DEV_TEXTS) & set(watermark_tuning.bench.HARVARD)

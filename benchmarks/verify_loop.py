"""The verify loop's fault detection and false alarms, on a development set and a held-out set.

The thresholds in `timbrel.qa.Thresholds` were set on the *development* set only (each
midway between the worst clean segment and the most clean-looking fault). The *held-out*
set shares neither texts nor voices with it, so its figures are the ones to quote:

- development: the codec2 reference voice on 60 template sentences ("The baker sold a
  letter on Sunday."), another speaker = codec2 "kristoff" (male); plus three pairs of dev
  voices that sound alike (codec2 kristoff / cq_ref, codec2 g3plx / vk5qi, espeak-ng f2 /
  f5: none of them is a held-out voice), 16 template sentences and 4 short phrases each;
- held-out: three other voices (Asterisk Allison; codec2 ve9qrp radio male; the codec2
  reference voice on *new* texts), 40 segments each from the long-form chapter's sentences,
  their clauses (short segments) and Harvard sentences; another speaker = one of the other
  held-out voices.

Every clean segment is scored once; each is also replaced by four faults: another text in
the same voice, noise, the same text in another speaker's voice, the first half only. Every
clip is compared with a second rendering of its segment's text in the segment's own voice
(another seed, `qa.expected_settings`), as the engine's `--verify` path does: the
DTW-aligned MFCC distance between the two (`rendering_distance`, limit 24.0) is what tells
another speaker saying the same words from the voice itself (GE2E consistency alone caught
65/120 held-out other-speaker faults). Measured (2026-12-02, shared CPU, about an hour per
set): dev 479/480 faults, 1/120 false alarms (a phoneme-error one); held-out 478/480
(other speaker 120/120, half missing 118/120), 1/120 false alarms (phoneme-error).
The dev run's margins (printed, and stored under "margins") show where each limit sits:
rendering distance worst clean 22.5, closest other speaker 27.3.

    .venv/bin/python benchmarks/verify_loop.py [--set dev|held-out|both] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import numpy as np

import timbrel
from timbrel.audio import AudioChunk, load_audio
from timbrel.qa import Thresholds, Verifier, anchor_embedding, expected_settings
from timbrel.text.segment import segment_text

HERE = Path(__file__).resolve().parent
REFERENCE = "/usr/share/codec2/raw/speech_orig_16k.wav"
TRANSCRIPT = "A rainbow is a division of white light into many beautiful colours."
CODEC2_RAW = "/usr/share/codec2/raw"  # 8 kHz 16-bit raw recordings
KRISTOFF = f"{CODEC2_RAW}/kristoff.raw"  # a male voice
# Dev voice pairs (voice, its "other speaker"): pairs that sound alike, none held out.
DEV_PAIRS = (("kristoff", "cq_ref"), ("g3plx", "vk5qi"), ("dev-espeak-f2", "dev-espeak-f5"))
FAULTS = ("other text", "noise", "other speaker", "half missing")
SUBJECTS = ["The old man", "A tired nurse", "The baker", "My neighbour", "The young pilot",
            "A quiet student", "The captain", "Her brother", "The gardener", "A stranger"]
VERBS = ["opened", "painted", "carried", "found", "cleaned", "sold", "lost", "fixed",
         "watched", "closed"]
OBJECTS = ["the blue door", "a heavy box", "the garden gate", "an old map", "the kitchen window",
           "a broken clock", "the red bicycle", "a letter", "the front steps", "a wooden chair"]
WHEN = ["this morning", "last night", "before lunch", "on Sunday", "after the rain"]


def template_sentences(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(WHEN)}." for _ in range(count)]


def held_out_texts() -> list[str]:
    """Chapter sentences, their clauses (short segments) and Harvard sentences, shuffled."""
    from longform import SENTENCES
    from targets import HELD_OUT_TEXTS, REFERENCE_SENTENCES

    clauses = [s.text.strip() for sentence in SENTENCES
               for s in segment_text(sentence, 40) if s.boundary == "clause"]
    texts = list(dict.fromkeys(list(SENTENCES) + clauses + list(HELD_OUT_TEXTS)
                               + list(REFERENCE_SENTENCES)))
    random.Random(5).shuffle(texts)
    return texts


def short_phrases(count: int, seed: int) -> list[str]:
    """Segments well under 1.5 s ("after the rain"), from the templates' parts."""
    rng = random.Random(seed)
    return [rng.choice(rng.choice((SUBJECTS, OBJECTS, WHEN))) for _ in range(count)]


def kristoff_voice() -> timbrel.Voice:
    return dev_voice("kristoff")


def dev_voice(name: str) -> timbrel.Voice:
    """A dev voice: a codec2 example recording, or a dev espeak-ng voice (benchmarks/targets)."""
    if name.startswith("dev-"):
        from targets import (
            DEV_HELD_OUT_TEXTS,
            DEV_REFERENCE_SENTENCES,
            DEV_SYNTHETIC_VOICES,
            synthetic_target,
        )

        spec = next(v for v in DEV_SYNTHETIC_VOICES if v.name == name)
        target = synthetic_target(spec, DEV_HELD_OUT_TEXTS[:1], DEV_REFERENCE_SENTENCES)
        return timbrel.enroll((target.reference, target.reference_rate),
                              transcript=target.reference_text, engine="builtin")
    raw = np.fromfile(f"{CODEC2_RAW}/{name}.raw", dtype="<i2").astype(np.float32) / 32768
    return timbrel.enroll((raw, 8000), engine="builtin")


def codec2_voice() -> timbrel.Voice:
    return timbrel.enroll(load_audio(REFERENCE), transcript=TRANSCRIPT, engine="builtin")


def evaluate(voice: timbrel.Voice, other: timbrel.Voice, texts: list[str], name: str,
             thresholds: Thresholds, rng: np.random.Generator) -> list[dict]:
    """Score every clean segment and its four faults; one row per scored clip."""
    config = timbrel.SynthesisConfig(seed=0, watermark=False)
    verifier = Verifier(voice, thresholds)
    anchor = anchor_embedding(voice, config.resolved(dict(voice.defaults)))
    clean = [timbrel.synthesize_to_array(text, voice, config) for text in texts]
    second = [timbrel.synthesize_to_array(text, voice, expected_settings(config, 0))
              for text in texts]
    rows = []

    def score(kind: str, index: int, samples: np.ndarray, rate: int) -> None:
        text = texts[index]
        attempt = verifier.score(text, [AudioChunk(samples.astype(np.float32), rate)],
                                 anchor=anchor, expected=[AudioChunk(*second[index])])
        rows.append({"voice": name, "kind": kind, "text": text,
                     "seconds": round(len(samples) / rate, 3), "flagged": not attempt.passed,
                     **{k: v for k, v in asdict(attempt).items()
                        if k not in ("seed", "adjusted", "passed")}})

    for index, (samples, rate) in enumerate(clean):
        score("clean", index, samples, rate)
        score("other text", index, *clean[(index + 1) % len(clean)])
        score("noise", index, 0.1 * rng.standard_normal(len(samples)), rate)
        score("other speaker", index, *timbrel.synthesize_to_array(texts[index], other, config))
        score("half missing", index, samples[: len(samples) // 2], rate)
    return rows


def fraction(flags: Iterable[bool]) -> str:
    values = list(flags)
    return f"{sum(values)}/{len(values)}"


def summarise(rows: list[dict]) -> dict:
    clean = [r for r in rows if r["kind"] == "clean"]
    faults = [r for r in rows if r["kind"] != "clean"]
    per_kind = defaultdict(lambda: [0, 0])
    for row in faults:
        per_kind[row["kind"]][0] += row["flagged"]
        per_kind[row["kind"]][1] += 1
    short = [r for r in clean if r["seconds"] < 1.5]
    return {
        "clean_segments": len(clean), "false_alarms": sum(r["flagged"] for r in clean),
        "false_alarm_rate": sum(r["flagged"] for r in clean) / max(1, len(clean)),
        "faults": len(faults), "caught": sum(r["flagged"] for r in faults),
        "detection_rate": sum(r["flagged"] for r in faults) / max(1, len(faults)),
        "caught_per_kind": {k: f"{v[0]}/{v[1]}" for k, v in per_kind.items()},
        "other_speaker_per_voice": {voice: fraction(r["flagged"] for r in faults
                                                    if r["voice"] == voice
                                                    and r["kind"] == "other speaker")
                                    for voice in sorted({r["voice"] for r in rows})},
        "false_alarms_per_voice": {
            voice: sum(r["flagged"] for r in clean if r["voice"] == voice)
            for voice in sorted({r["voice"] for r in rows})},
        "short_clean_segments": len(short),
        "short_false_alarms": sum(r["flagged"] for r in short),
        "voices": sorted({r["voice"] for r in rows}),
    }


def dev_rows(thresholds: Thresholds) -> list[dict]:
    rows = evaluate(codec2_voice(), kristoff_voice(), template_sentences(60, seed=11),
                    "codec2 reference", thresholds, np.random.default_rng(0))
    for number, (name, other) in enumerate(DEV_PAIRS):
        texts = (template_sentences(16, seed=20 + number)
                 + short_phrases(4, seed=30 + number))
        rows += evaluate(dev_voice(name), dev_voice(other), texts, name, thresholds,
                         np.random.default_rng(10 + number))
    return rows


SCORES = {"per": "low", "consistency": "high", "rendering_distance": "low"}


def margins(rows: list[dict]) -> dict:
    """Per score: the worst clean value and the most clean-looking value of each fault
    (where the thresholds go: midway between the two)."""
    result = {}
    for score, good in SCORES.items():
        worst = max if good == "low" else min
        best = min if good == "low" else max
        clean = [r[score] for r in rows if r["kind"] == "clean" and r[score] is not None]
        entry = {"worst clean": worst(clean) if clean else None}
        for kind in FAULTS:
            values = [r[score] for r in rows if r["kind"] == kind and r[score] is not None]
            entry[kind] = best(values) if values else None
        result[score] = entry
    return result


def held_out_rows(thresholds: Thresholds, per_voice: int = 40) -> list[dict]:
    from targets import build_targets

    humans = {t.name: t for t in build_targets(kinds=("human",), quick=True)}
    voices = {"allison": timbrel.enroll((humans["allison"].reference,
                                         humans["allison"].reference_rate), engine="builtin"),
              "codec2-ve9qrp": timbrel.enroll((humans["codec2-ve9qrp"].reference,
                                               humans["codec2-ve9qrp"].reference_rate),
                                              engine="builtin"),
              "codec2 reference": codec2_voice()}
    imposters = {"allison": "codec2-ve9qrp", "codec2-ve9qrp": "allison",
                 "codec2 reference": "codec2-ve9qrp"}
    texts = held_out_texts()
    rng = np.random.default_rng(1)
    rows: list[dict] = []
    for number, (name, voice) in enumerate(voices.items()):
        start = (number * per_voice) % len(texts)
        chosen = (texts[start:] + texts[:start])[:per_voice]
        rows += evaluate(voice, voices[imposters[name]], chosen, name, thresholds, rng)
    return rows


def print_summary(label: str, figures: dict) -> None:
    print(f"{label}: {figures['clean_segments']} clean segments "
          f"({', '.join(figures['voices'])}), {figures['faults']} injected faults")
    for kind, caught in figures["caught_per_kind"].items():
        print(f"  {kind:14s} caught {caught}")
    for voice, caught in figures["other_speaker_per_voice"].items():
        print(f"    other speaker for {voice}: caught {caught}; false alarms "
              f"{figures['false_alarms_per_voice'][voice]}")
    print(f"  detection {figures['caught']}/{figures['faults']} = "
          f"{figures['detection_rate']:.1%} (target >= 95%); false alarms "
          f"{figures['false_alarms']}/{figures['clean_segments']} = "
          f"{figures['false_alarm_rate']:.1%} (target <= 5%); of them on segments under "
          f"1.5 s: {figures['short_false_alarms']}/{figures['short_clean_segments']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--per-voice", type=int, default=40,
                        help="held-out segments per voice (3 voices)")
    parser.add_argument("--json", default=str(HERE / "results" / "verify_loop.json"))
    args = parser.parse_args()
    thresholds = Thresholds()
    results: dict = {"thresholds": asdict(thresholds)}
    if args.set in ("dev", "both"):
        rows = dev_rows(thresholds)
        results["dev"] = {"summary": summarise(rows), "margins": margins(rows), "rows": rows}
        print_summary("development set (thresholds set here)", results["dev"]["summary"])
        for score, entry in results["dev"]["margins"].items():
            print(f"  {score:18s} " + ", ".join(
                f"{k} {'-' if v is None else round(v, 3)}" for k, v in entry.items()))
    if args.set in ("held-out", "both"):
        rows = held_out_rows(thresholds, args.per_voice)
        results["held_out"] = {"summary": summarise(rows), "rows": rows}
        print_summary("held-out set (texts and voices unseen)", results["held_out"]["summary"])
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()

"""Batch throughput (1 vs 2 local workers on 200 short jobs) and the verify loop's fault
detection rate on injected faults vs false alarms on clean segments.

    .venv/bin/python benchmarks/batch.py [--jobs 200] [--segments 40]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

import timbrel
from timbrel.audio import AudioChunk
from timbrel.batch_runner import BatchOptions, run_batch
from timbrel.library import VoiceLibrary
from timbrel.qa import Thresholds, Verifier, anchor_embedding

REFERENCE = "/usr/share/codec2/raw/speech_orig_16k.wav"
OTHER_SPEAKER = "/usr/share/codec2/raw/kristoff.raw"  # 8 kHz 16-bit raw, a male voice
TRANSCRIPT = "A rainbow is a division of white light into many beautiful colours."
SUBJECTS = ["The old man", "A tired nurse", "The baker", "My neighbour", "The young pilot",
            "A quiet student", "The captain", "Her brother", "The gardener", "A stranger"]
VERBS = ["opened", "painted", "carried", "found", "cleaned", "sold", "lost", "fixed",
         "watched", "closed"]
OBJECTS = ["the blue door", "a heavy box", "the garden gate", "an old map", "the kitchen window",
           "a broken clock", "the red bicycle", "a letter", "the front steps", "a wooden chair"]
WHEN = ["this morning", "last night", "before lunch", "on Sunday", "after the rain"]


def sentences(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(WHEN)}." for _ in range(count)]


def throughput(voice: timbrel.Voice, jobs: int, folder: Path) -> dict[str, float]:
    library = folder / "library"
    VoiceLibrary(library).add("narrator", voice, overwrite=True)
    manifest = folder / "jobs.jsonl"
    manifest.write_text("".join(
        json.dumps({"voice": "narrator", "input_text": text, "output_name": f"job_{i:03d}",
                    "seed": i}) + "\n" for i, text in enumerate(sentences(jobs))))
    figures = {}
    for workers in (1, 2):
        started = time.perf_counter()
        summary = run_batch(manifest, BatchOptions(out_dir=folder / f"out{workers}",
                                                   workers=workers, library=str(library)))
        elapsed = time.perf_counter() - started
        assert summary.done == jobs, summary.failures
        figures[f"jobs_per_min_{workers}"] = 60 * jobs / elapsed
        figures[f"elapsed_{workers}"] = elapsed
        figures[f"audio_s_{workers}"] = summary.audio_seconds
    same = all((folder / "out1" / f"job_{i:03d}.wav").read_bytes()
               == (folder / "out2" / f"job_{i:03d}.wav").read_bytes() for i in range(jobs))
    figures["speedup"] = figures["jobs_per_min_2"] / figures["jobs_per_min_1"]
    figures["identical_bytes"] = same
    return figures


def faults(voice: timbrel.Voice, segments: int, folder: Path) -> dict[str, object]:
    raw = np.fromfile(OTHER_SPEAKER, dtype="<i2").astype(np.float32) / 32768
    soundfile.write(str(folder / "other.wav"), raw, 8000)
    other = timbrel.enroll(folder / "other.wav")
    config = timbrel.SynthesisConfig(seed=0)
    settings = config.resolved(dict(voice.defaults))
    verifier = Verifier(voice, Thresholds())
    anchor = anchor_embedding(voice, settings)
    texts = sentences(segments, seed=11)
    clean = [timbrel.synthesize_to_array(t, voice, config) for t in texts]

    def flagged(text: str, samples: np.ndarray, rate: int) -> bool:
        return not verifier.score(text, [AudioChunk(samples.astype(np.float32), rate)],
                                  anchor=anchor).passed

    false_alarms = sum(flagged(t, s, r) for t, (s, r) in zip(texts, clean, strict=True))
    kinds = {"other text": 0, "noise": 0, "other speaker": 0, "half missing": 0}
    rng = np.random.default_rng(0)
    per_kind = max(1, segments // len(kinds))
    for i in range(per_kind):
        text = texts[i]
        samples, rate = clean[i]
        kinds["other text"] += flagged(text, *clean[(i + 1) % segments])
        kinds["noise"] += flagged(text, 0.1 * rng.standard_normal(len(samples)), rate)
        kinds["other speaker"] += flagged(text, *timbrel.synthesize_to_array(text, other,
                                                                              config))
        kinds["half missing"] += flagged(text, samples[: len(samples) // 2], rate)
    caught = sum(kinds.values())
    return {"clean_segments": segments, "false_alarms": false_alarms,
            "false_alarm_rate": false_alarms / segments, "faults_per_kind": per_kind,
            "caught_per_kind": kinds, "detection_rate": caught / (per_kind * len(kinds))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--segments", type=int, default=40)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    voice = timbrel.enroll(REFERENCE, transcript=TRANSCRIPT)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_throughput:
            t = throughput(voice, args.jobs, folder)
            print(f"{args.jobs} short jobs ({t['audio_s_1']:.0f} s of audio)")
            print(f"{'workers':>8s} {'elapsed s':>10s} {'jobs/min':>10s}")
            for workers in (1, 2):
                print(f"{workers:8d} {t[f'elapsed_{workers}']:10.1f} "
                      f"{t[f'jobs_per_min_{workers}']:10.1f}")
            print(f"speed-up with 2 workers: {t['speedup']:.2f}x (target >= 1.7x); "
                  f"identical bytes: {t['identical_bytes']}")
        f = faults(voice, args.segments, folder)
    print(f"verify loop: {f['clean_segments']} clean segments, {f['faults_per_kind']} faults "
          "of each kind")
    for kind, caught in f["caught_per_kind"].items():
        print(f"  {kind:14s} caught {caught}/{f['faults_per_kind']}")
    print(f"detection rate {f['detection_rate']:.1%} (target >= 95%); false alarms "
          f"{f['false_alarms']}/{f['clean_segments']} = {f['false_alarm_rate']:.1%} "
          "(target <= 5%)")


if __name__ == "__main__":
    main()

"""Expressive controls, measured: emotion presets, timbre kept, emotion from clip and text,
exact duration, speed, pitch shift.

    .venv/bin/python benchmarks/controls.py            # full run (~6 min on 2 cores)
    .venv/bin/python benchmarks/controls.py --quick    # smaller sets

Prints markdown tables and writes benchmarks/results/controls.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import timbrel
from targets import HELD_OUT_TEXTS  # benchmarks/ is on sys.path when run as a script
from timbrel.duration import DurationError
from timbrel.emotion import EMOTIONS, dominant, emotion_from_clip, emotion_from_text
from timbrel.metrics import speaker_similarity, word_error_rate
from timbrel.prosody import EMOTION_PROSODY
from timbrel.prosody_features import ProsodicFeatures, measure, pitch_change_st
from timbrel.recognizer import transcribe

HERE = Path(__file__).resolve().parent
ALL_SECTIONS = ("emotion", "duration", "speed", "floor", "pitch")
TRAIN_SENTENCES = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "Four hours of steady work faced us.",
    "A large size in stockings is hard to sell.",
)
HELD_OUT_SENTENCES = HELD_OUT_TEXTS[:6]  # the cloning benchmark's held-out sentences
DESCRIPTIONS = ("angrily", "in a whisper", "with great joy", "sadly, almost crying",
                "nervously", "愤怒地质问", "悲伤地说", "开心地笑着说", "惊讶地", "like a robot")
# Published direction of each feature relative to calm (Murray & Arnott 1993; Banse &
# Scherer 1996; Juslin & Laukka 2003): +1 up, -1 down, 0 not claimed.
EXPECTED = {
    name: {
        "f0_median_st": int(np.sign(p.pitch_semitones)),
        "f0_range_st": int(np.sign(round(np.log(p.pitch_range), 3))),
        "energy_db": int(np.sign(p.energy_db)),
        "tilt_db": -int(np.sign(p.tilt_db)),
        "duration": -int(np.sign(round(np.log(p.rate), 3))),
    }
    for name, p in EMOTION_PROSODY.items() if name != "calm"
}
GROUPS = {"happy": "high+", "surprised": "high+", "angry": "high-", "afraid": "fear",
          "sad": "low", "melancholic": "low", "disgusted": "disgust", "calm": "calm"}


def voices(quick: bool, engine: str = "builtin") -> dict[str, timbrel.Voice]:
    made = {"human-f (codec2)": timbrel.enroll("/usr/share/codec2/raw/speech_orig_16k.wav",
                                               transcript="", engine=engine)}
    if not quick:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "awb.wav"
            subprocess.run(["flite", "-voice", "awb", "-t",
                            "When the sunlight strikes raindrops in the air, they act as a "
                            "prism and form a rainbow. The rainbow is a division of white "
                            "light into many beautiful colors.", "-o", str(path)], check=True)
            made["synthetic-m (flite awb)"] = timbrel.enroll(path, transcript="",
                                                             engine=engine)
    return made


def render(text: str, voice: timbrel.Voice, **settings) -> tuple[np.ndarray, int]:
    return timbrel.synthesize_to_array(text, voice,
                                       timbrel.SynthesisConfig(watermark=False, **settings))


def feature_row(samples: np.ndarray, rate: int) -> dict[str, float]:
    values = dict(zip(ProsodicFeatures.names(), measure(samples, rate).as_array(), strict=True))
    values["duration"] = len(samples) / rate
    return values


def emotion_section(all_voices, sentences_train, sentences_test, report) -> None:
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.metrics import confusion_matrix

    rows = []  # (voice, sentence, split, emotion, features, similarity)
    for voice_name, voice in all_voices.items():
        for split, sentences in (("train", sentences_train), ("test", sentences_test)):
            for sentence in sentences:
                for emotion in EMOTIONS:
                    samples, rate = render(sentence, voice, emotion=emotion)
                    similarity = speaker_similarity(samples, rate, voice.reference,
                                                    voice.reference_rate)
                    rows.append((voice_name, sentence, split, emotion,
                                 feature_row(samples, rate), similarity))
    names = [*ProsodicFeatures.names(), "duration"]

    print("\n## Emotion presets: mean change relative to calm (same voice, same sentence)\n")
    print("| emotion | " + " | ".join(names) + " | direction as published | "
          "GE2E sim (calm → preset) |")
    print("|---" * (len(names) + 3) + "|")
    calm = {(r[0], r[1]): r for r in rows if r[3] == "calm"}
    report["presets"] = {}
    for emotion in EMOTIONS[:-1]:
        mine = [r for r in rows if r[3] == emotion]
        deltas = {n: float(np.mean([r[4][n] - calm[(r[0], r[1])][4][n] for r in mine]))
                  for n in names}
        checks = {n: int(np.sign(deltas[n])) == s for n, s in EXPECTED[emotion].items() if s}
        sim_calm = float(np.mean([calm[(r[0], r[1])][5] for r in mine]))
        sim_emo = float(np.mean([r[5] for r in mine]))
        report["presets"][emotion] = {"mean_change": deltas, "direction_ok": checks,
                                      "similarity_calm": sim_calm, "similarity": sim_emo,
                                      "similarity_drop": sim_calm - sim_emo}
        print(f"| {emotion} | " + " | ".join(f"{deltas[n]:+.2f}" for n in names)
              + f" | {sum(checks.values())}/{len(checks)} | {sim_calm:.3f} → {sim_emo:.3f} "
              f"({sim_emo - sim_calm:+.3f}) |")

    # features relative to the speaker's own calm mean, so the classifier learns emotion
    # rather than voice identity; trained on one sentence set, tested on held-out ones
    def relative(r):
        voice_calm = [c for c in rows if c[0] == r[0] and c[3] == "calm" and c[2] == "train"]
        return np.array([r[4][n] - np.mean([c[4][n] for c in voice_calm]) for n in names])

    train = [r for r in rows if r[2] == "train"]
    test = [r for r in rows if r[2] == "test"]
    model = LinearDiscriminantAnalysis().fit(np.stack([relative(r) for r in train]),
                                             [r[3] for r in train])
    predicted = model.predict(np.stack([relative(r) for r in test]))
    truth = [r[3] for r in test]
    accuracy = float(np.mean(predicted == np.array(truth)))
    grouped = float(np.mean([GROUPS[p] == GROUPS[t] for p, t in zip(predicted, truth,
                                                                      strict=True)]))
    matrix = confusion_matrix(truth, predicted, labels=list(EMOTIONS))
    report["classifier"] = {"accuracy_8": accuracy, "chance_8": 1 / 8,
                            "accuracy_groups": grouped, "groups": GROUPS,
                            "confusion": matrix.tolist(), "labels": list(EMOTIONS),
                            "train_sentences": len(sentences_train),
                            "test_sentences": len(sentences_test)}
    print(f"\n## Emotion classifier (LDA on prosodic features, held-out sentences)\n\n"
          f"8-way accuracy {accuracy:.1%} (chance 12.5 %); "
          f"{len(set(GROUPS.values()))} groups {grouped:.1%}\n")
    print_confusion(matrix.tolist(), "true \\ predicted")

    print("\n## Emotion read from a clip (clip = preset rendering at intensity 1.5)\n")
    print("| clip rendered as | vector read | dominant | group matches |")
    print("|---|---|---|---|")
    report["from_clip"] = {}
    voice = next(iter(all_voices.values()))
    matches = 0
    for emotion in EMOTIONS:
        samples, rate = render(sentences_test[0] + " " + sentences_test[1], voice,
                               emotion=emotion, emotion_intensity=1.5)
        vector = emotion_from_clip(samples, rate)
        ok = GROUPS[dominant(vector)] == GROUPS[emotion]
        matches += ok
        report["from_clip"][emotion] = {"vector": vector, "dominant": dominant(vector),
                                        "group_ok": ok}
        print(f"| {emotion} | {list(vector)} | {dominant(vector)} | {'yes' if ok else 'no'} |")
    print(f"\n{matches}/{len(EMOTIONS)} clips read in the right group")

    print("\n## Emotion from a description\n")
    print("| description | vector | dominant |")
    print("|---|---|---|")
    report["from_text"] = {}
    for description in DESCRIPTIONS:
        vector, understood = emotion_from_text(description)
        report["from_text"][description] = {"vector": vector, "understood": understood}
        label = dominant(vector) if understood else "calm (not understood, warned)"
        print(f"| {description} | {list(vector)} | {label} |")


def duration_section(voice, count, report) -> None:
    rng = np.random.default_rng(0)
    words = " ".join(TRAIN_SENTENCES + HELD_OUT_SENTENCES).replace(".", "").split()
    errors, tolerance_ok, infeasible = [], 0, 0
    for _ in range(count):
        length = int(rng.integers(4, 25))
        start = int(rng.integers(0, len(words) - length))
        text = " ".join(words[start:start + length]).capitalize() + "."
        natural, rate = render(text, voice)
        target = float(len(natural) / rate * rng.uniform(0.55, 1.8))
        try:
            samples, rate = render(text, voice, duration=target, seed=int(rng.integers(1000)))
        except DurationError:
            infeasible += 1
            continue
        error = len(samples) / rate - target
        errors.append(error)
        tolerance_ok += abs(error) <= max(0.02 * target, 0.05)
    report["duration"] = {"pairs": count, "within_tolerance": tolerance_ok,
                          "refused_as_infeasible": infeasible,
                          "max_abs_error_s": float(np.max(np.abs(errors))),
                          "mean_abs_error_s": float(np.mean(np.abs(errors)))}
    print(f"\n## Exact duration\n\n{tolerance_ok}/{count} random (text, target) pairs within "
          f"max(2 %, 50 ms); {infeasible} refused as infeasible; max |error| "
          f"{np.max(np.abs(errors)) * 1000:.1f} ms, mean {np.mean(np.abs(errors)) * 1000:.2f} ms")


SPEEDS = (1.0, 0.5, 0.75, 1.25, 2.0)


def print_confusion(matrix: list[list[int]], corner: str) -> None:
    """A markdown confusion table, rows true and columns read, in EMOTIONS order."""
    print(f"| {corner} | " + " | ".join(e[:5] for e in EMOTIONS) + " |")
    print("|---" * (len(EMOTIONS) + 1) + "|")
    for emotion, line in zip(EMOTIONS, matrix, strict=True):
        print(f"| {emotion} | " + " | ".join(str(v) for v in line) + " |")


def speed_section(voice, sentences, report, speeds=SPEEDS) -> None:
    print("\n## Speed and intelligibility (Whisper tiny.en WER over held-out sentences)\n")
    print("| speed | length vs 1.0 | WER % |")
    print("|---|---|---|")
    report["speed"] = {}
    base_length = None
    for speed in speeds:
        total, wers = 0.0, []
        for sentence in sentences:
            samples, rate = render(sentence, voice, speed=speed)
            total += len(samples) / rate
            wers.append(word_error_rate(sentence, transcribe(samples, rate)))
        base_length = base_length or total
        report["speed"][str(speed)] = {"length_ratio": total / base_length,
                                       "wer": float(np.mean(wers))}
        print(f"| {speed} | {total / base_length:.2f} | {100 * np.mean(wers):.1f} |")


def recogniser_floor(sentences, report) -> None:
    """Whisper tiny.en on speech that is fast by itself: espeak-ng at its normal 175 and at
    twice that rate, to tell the recogniser's own limit from our time scaling's."""
    import soundfile

    print("\n## Recogniser floor: espeak-ng read at 175 and 350 words per minute\n")
    print("| espeak-ng rate (wpm) | WER % |")
    print("|---|---|")
    report["recogniser_floor"] = {}
    for wpm in (175, 350):
        wers = []
        for sentence in sentences:
            with tempfile.NamedTemporaryFile(suffix=".wav") as out:
                subprocess.run(["espeak-ng", "-s", str(wpm), "-w", out.name, sentence],
                               check=True)
                samples, rate = soundfile.read(out.name, dtype="float32")
            wers.append(word_error_rate(sentence, transcribe(samples, rate)))
        report["recogniser_floor"][f"espeak-ng {wpm} wpm"] = float(np.mean(wers))
        print(f"| {wpm} | {100 * np.mean(wers):.1f} |")


def pitch_section(all_voices, sentences, report) -> None:
    print("\n## Pitch shift (median F0 change, semitones; every voice x sentence)\n")
    print("Paired: median over 10 ms frames voiced in both renderings of the F0 ratio "
          "(the shift itself). Per-clip medians: the difference of the two clips' own "
          "median F0 (Praat 60-600 Hz), which moves with the tracker's voicing and octave "
          "decisions.\n")
    print("| requested | paired: mean | paired: worst error | per-clip medians: mean | "
          "per-clip medians: worst error |")
    print("|---|---|---|---|---|")
    report["pitch"] = {}
    plain = {(v, t): render(t, voice) for v, voice in all_voices.items() for t in sentences}
    for shift in (-12.0, -7.0, -3.0, 2.0, 5.0, 12.0):
        paired, per_clip = [], []
        for (voice_name, text), (calm, rate) in plain.items():
            moved, _ = render(text, all_voices[voice_name], pitch_shift=shift)
            paired.append(pitch_change_st(calm, moved, rate))
            per_clip.append(measure(moved, rate).f0_median_st - measure(calm, rate).f0_median_st)
        paired_error = np.array(paired) - shift
        clip_error = np.array(per_clip) - shift
        report["pitch"][str(shift)] = {
            "paired_mean": float(np.mean(paired)),
            "paired_worst_error": float(paired_error[np.argmax(np.abs(paired_error))]),
            "per_clip_mean": float(np.mean(per_clip)),
            "per_clip_worst_error": float(clip_error[np.argmax(np.abs(clip_error))]),
            "renderings": len(paired)}
        row = report["pitch"][str(shift)]
        print(f"| {shift:+.0f} | {row['paired_mean']:+.2f} | {row['paired_worst_error']:+.2f} | "
              f"{row['per_clip_mean']:+.2f} | {row['per_clip_worst_error']:+.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", default=str(HERE / "results" / "controls.json"))
    parser.add_argument("--speeds", default=",".join(map(str, SPEEDS)),
                        help="speeds for the speed section, 1.0 first (lengths are relative "
                             "to the first)")
    parser.add_argument("--engine", default="builtin", choices=("builtin", "heart", "auto"),
                        help="the engine the voices are enrolled with (auto: the default "
                             "path, each voice on the engine nearest it in pitch)")
    parser.add_argument("--only", default=",".join(ALL_SECTIONS),
                        help="comma-separated sections to run (default: all)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sections = set(args.only.split(","))
    unknown = sections - set(ALL_SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(ALL_SECTIONS)}")
    all_voices = voices(args.quick, args.engine) if sections - {"floor"} else {}
    train = TRAIN_SENTENCES[:4] if args.quick else TRAIN_SENTENCES
    test = HELD_OUT_SENTENCES[:3] if args.quick else HELD_OUT_SENTENCES
    report: dict = {"command": " ".join(["benchmarks/controls.py", *sys.argv[1:]]),
                    "engine": args.engine, "voices": list(all_voices),
                    "voice_engines": {name: v.engine for name, v in all_voices.items()}}
    first = next(iter(all_voices.values()), None)
    if "emotion" in sections:
        emotion_section(all_voices, train, test, report)
    if "duration" in sections:
        duration_section(first, 12 if args.quick else 50, report)
    if "speed" in sections:
        speed_section(first, test, report, tuple(float(v) for v in args.speeds.split(",")))
    if "floor" in sections:
        recogniser_floor(test, report)
    if "pitch" in sections:
        pitch_section(all_voices, test, report)
    report["seconds"] = time.perf_counter() - started
    report["sections_run"] = sorted(sections)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    if Path(args.json).exists() and sections != set(ALL_SECTIONS):
        # a partial run updates its sections and keeps the others' earlier figures
        earlier = json.loads(Path(args.json).read_text())
        earlier.update(report)
        report = earlier
    Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\n(total {report['seconds']:.0f} s; JSON in {args.json})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Emotion read from a clip with no same-speaker baseline: train the reader on the dev
clips, test it on held-out voices and texts (`emotion_clips.py` describes both sets).

    .venv/bin/python benchmarks/emotion_reader.py --train   # fit, write the package's weights
    .venv/bin/python benchmarks/emotion_reader.py           # test the shipped weights

Training checks the split (`emotion_clips.check_split`), adds telephone-band copies of a
third of the dev renderings, picks the regularisation and the calm prior by
leave-one-speaker-out cross-validation on the dev set only (score: groups right on the
held-out dev voices + half the share of held-out dev neutral speech read calm), then fits
on all of it and writes src/timbrel/data/emotion_reader.json. Testing goes
through the public `timbrel.emotion.emotion_from_clip` and prints the held-out confusion
matrix, 6-group accuracy per voice, the controls benchmark's 8-clip check, how much real
neutral speech reads calm, and the description path. JSON in benchmarks/results/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from controls import print_confusion
from emotion_clips import (
    CACHE,
    HELD_OUT_VOICES,
    Clip,
    check_split,
    dev_clips,
    held_out_clips,
    speakers,
    with_telephone_copies,
)
from timbrel import emotion_features
from timbrel.emotion import EMOTIONS, dominant, emotion_from_clip, emotion_from_text
from timbrel.emotion_features import FEATURE_NAMES, clip_features
from timbrel.emotion_reader import MODEL_PATH, EmotionReader

HERE = Path(__file__).resolve().parent
GROUPS = {"happy": "high+", "surprised": "high+", "angry": "high-", "afraid": "fear",
          "sad": "low", "melancholic": "low", "disgusted": "disgust", "calm": "calm"}
DESCRIPTIONS = {"angrily": "angry", "in a whisper": "calm", "with great joy": "happy",
                "sadly, almost crying": "sad", "nervously": "afraid", "愤怒地质问": "angry",
                "悲伤地说": "sad", "开心地笑着说": "happy", "惊讶地": "surprised",
                "like a robot": "calm"}
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
PRIOR_GRID = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


def features_of(clip: Clip) -> np.ndarray:
    """`clip_features`, cached by the clip's audio and the feature code."""
    code = Path(emotion_features.__file__).read_bytes()
    key = hashlib.sha1(code + np.ascontiguousarray(clip.samples, np.float32).tobytes()
                       + str(clip.rate).encode()).hexdigest()[:16]
    path = CACHE / "features" / f"{key}.npy"
    if path.exists():
        return np.load(path)
    values = clip_features(clip.samples, clip.rate)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, values)
    return values


def fit(x: np.ndarray, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    return scaler, model.fit(scaler.transform(x), y)


def full_logits(model, x: np.ndarray) -> np.ndarray:
    """Decision values with one column per emotion (-1e3 for one missing from training)."""
    values = np.full((len(x), len(EMOTIONS)), -1e3)
    values[:, model.classes_] = model.decision_function(x)
    return values


def train(report: dict) -> EmotionReader:
    """Leave-one-speaker-out cross-validation over C and the calm prior, then a fit on
    all dev clips. A fold holds out every clip sharing a speaker with the held-out voice
    (a two-speaker voice's speakers, espeak variants of one voice)."""
    check_split()
    clips = with_telephone_copies(list(dev_clips()))
    x = np.stack([features_of(c) for c in clips])
    y = np.array([EMOTIONS.index(c.emotion) for c in clips])
    voices = np.array([c.voice for c in clips])
    human = np.array([c.source == "human" for c in clips])
    calm = EMOTIONS.index("calm")
    same_group = np.array([[GROUPS[EMOTIONS[p]] == GROUPS[EMOTIONS[t]] for p in range(8)]
                           for t in range(8)])
    print(f"dev: {len(clips)} clips ({int(human.sum())} real neutral speech), "
          f"{len(set(voices))} voices")
    cv = {}
    for c in C_GRID:
        logits = np.zeros((len(y), len(EMOTIONS)))
        for voice in sorted(set(voices)):
            held = voices == voice
            keep = np.array([not speakers(v) & speakers(voice) for v in voices])
            scaler, model = fit(x[keep], y[keep], c)
            logits[held] = full_logits(model, scaler.transform(x[held]))
        for prior in PRIOR_GRID:
            shifted = logits.copy()
            shifted[:, calm] += prior
            predicted = shifted.argmax(axis=1)
            engine = ~human
            cv[(c, prior)] = {
                "engine_accuracy_8": float(np.mean(predicted[engine] == y[engine])),
                "engine_accuracy_groups": float(np.mean(
                    same_group[y[engine], predicted[engine]])),
                "human_read_calm": float(np.mean(predicted[human] == calm))}
        best_here = max(PRIOR_GRID, key=lambda prior: cv_score(cv[(c, prior)]))
        print(f"C={c:g}: best calm prior {best_here:g}: " + ", ".join(
            f"{k} {v:.1%}" for k, v in cv[(c, best_here)].items()))
    best_c, best_prior = max(cv, key=lambda key: cv_score(cv[key]))
    scaler, model = fit(x, y, best_c)
    coef = np.zeros((len(EMOTIONS), x.shape[1]))
    intercept = np.full(len(EMOTIONS), -1e3)
    for row, label in enumerate(model.classes_):
        coef[label], intercept[label] = model.coef_[row], model.intercept_[row]
    notes = {"trained_by": "benchmarks/emotion_reader.py --train", "C": best_c,
             "calm_prior": best_prior, "dev_clips": len(clips),
             "dev_human_clips": int(human.sum()), "dev_voices": sorted(set(voices)),
             "leave_one_speaker_out": cv[(best_c, best_prior)]}
    reader = EmotionReader(features=FEATURE_NAMES, mean=scaler.mean_, scale=scaler.scale_,
                           coef=coef, intercept=intercept,
                           calm_centre=x[y == calm].mean(axis=0), notes=notes,
                           calm_prior=best_prior)
    reader.save()
    report["training"] = {**notes, "cross_validation": {f"C={k[0]:g} prior={k[1]:g}": v
                                                         for k, v in cv.items()}}
    print(f"chose C={best_c:g}, calm prior {best_prior:g}; weights written to {MODEL_PATH}")
    return reader


def cv_score(scores: dict) -> float:
    """What training maximises: groups right on held-out dev voices, plus half the share
    of held-out real neutral speech read calm (neutral human speech should read calm)."""
    return scores["engine_accuracy_groups"] + 0.5 * scores["human_read_calm"]


def confusion_table(truth: list[str], predicted: list[str]) -> list[list[int]]:
    matrix = [[0] * len(EMOTIONS) for _ in EMOTIONS]
    for t, p in zip(truth, predicted, strict=True):
        matrix[EMOTIONS.index(t)][EMOTIONS.index(p)] += 1
    return matrix


def evaluate(report: dict) -> None:
    rows = []
    for clip in held_out_clips():
        vector = emotion_from_clip(clip.samples, clip.rate)
        rows.append((clip, vector, dominant(vector)))
    engine = [r for r in rows if r[0].source == "engine" and not r[0].note]
    truth, predicted = [r[0].emotion for r in engine], [r[2] for r in engine]
    accuracy = float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)]))
    grouped = float(np.mean([GROUPS[t] == GROUPS[p] for t, p in zip(truth, predicted,
                                                                   strict=True)]))
    matrix = confusion_table(truth, predicted)
    print(f"\n## Held-out renderings: {len(engine)} clips ({len(HELD_OUT_VOICES)} voices x "
          f"6 sentences x 8 presets, intensity 1)\n\n8-way {accuracy:.1%} (chance 12.5 %), "
          f"6 groups {grouped:.1%} (chance by majority 25 %)\n")
    print_confusion(matrix, "true \\ read")
    per_voice = {}
    print("\n| voice | 8-way | groups |\n|---|---|---|")
    for voice in HELD_OUT_VOICES:
        mine = [r for r in engine if r[0].voice == voice]
        per_voice[voice] = {
            "accuracy_8": float(np.mean([r[0].emotion == r[2] for r in mine])),
            "accuracy_groups": float(np.mean([GROUPS[r[0].emotion] == GROUPS[r[2]]
                                              for r in mine]))}
        print(f"| {voice} | {per_voice[voice]['accuracy_8']:.0%} | "
              f"{per_voice[voice]['accuracy_groups']:.0%} |")

    # the same clips read against the speaker's own calm speech of another sentence
    calm_of = {(r[0].voice, r[0].text): r[0] for r in engine if r[0].emotion == "calm"}
    texts = sorted({r[0].text for r in engine})
    with_baseline = []
    for clip, _, _ in engine:
        other = calm_of[(clip.voice, texts[(texts.index(clip.text) + 1) % len(texts)])]
        vector = emotion_from_clip(clip.samples, clip.rate, baseline=(other.samples, other.rate))
        with_baseline.append(dominant(vector))
    baseline_8 = float(np.mean([t == p for t, p in zip(truth, with_baseline, strict=True)]))
    baseline_groups = float(np.mean([GROUPS[t] == GROUPS[p]
                                     for t, p in zip(truth, with_baseline, strict=True)]))
    print(f"\nWith the speaker's calm rendering of another sentence as baseline: 8-way "
          f"{baseline_8:.1%}, 6 groups {baseline_groups:.1%}")

    check = [r for r in rows if r[0].note == "controls check"]
    print("\n## The controls benchmark's clip check (codec2 two-speaker voice, held-out "
          "sentences 1+2, intensity 1.5)\n")
    print("| clip rendered as | vector read | dominant | group matches |\n|---|---|---|---|")
    check_ok = 0
    for clip, vector, top in check:
        ok = GROUPS[top] == GROUPS[clip.emotion]
        check_ok += ok
        print(f"| {clip.emotion} | {list(vector)} | {top} | {'yes' if ok else 'no'} |")
    print(f"\n{check_ok}/{len(check)} clips read in the right group")

    human = [r for r in rows if r[0].source == "human"]
    calm_share = float(np.mean([r[2] == "calm" for r in human]))
    human_reads = {}
    for r in human:
        human_reads[r[2]] = human_reads.get(r[2], 0) + 1
    print(f"\n## Real neutral speech by unseen speakers: {len(human)} clips, "
          f"{calm_share:.0%} read calm; read as {human_reads}")

    print("\n## Emotion from a description\n\n| description | dominant | expected |\n"
          "|---|---|---|")
    described = {}
    for text, expected in DESCRIPTIONS.items():
        vector, understood = emotion_from_text(text)
        described[text] = {"vector": vector, "understood": understood,
                           "dominant": dominant(vector), "ok": dominant(vector) == expected}
        print(f"| {text} | {dominant(vector)}{'' if understood else ' (not understood)'} | "
              f"{expected} |")
    print(f"\n{sum(d['ok'] for d in described.values())}/{len(described)} as expected")
    report["held_out"] = {
        "clips": len(engine), "accuracy_8": accuracy, "accuracy_groups": grouped,
        "labels": list(EMOTIONS), "confusion": matrix, "per_voice": per_voice,
        "groups": GROUPS,
        "with_same_speaker_baseline": {"accuracy_8": baseline_8,
                                       "accuracy_groups": baseline_groups,
                                       "confusion": confusion_table(truth, with_baseline)},
        "controls_check": {clip.emotion: {"vector": list(vector), "dominant": top,
                                          "group_ok": GROUPS[top] == GROUPS[clip.emotion]}
                           for clip, vector, top in check},
        "controls_check_right": check_ok,
        "human_neutral": {"clips": len(human), "read_calm": calm_share, "reads": human_reads},
        "descriptions": described}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="fit and write the weights first")
    parser.add_argument("--json", default=str(HERE / "results" / "emotion_reader.json"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    report: dict = {"command": " ".join(["benchmarks/emotion_reader.py", *sys.argv[1:]])}
    if args.train:
        train(report)
        from timbrel.emotion_reader import default_reader

        default_reader.cache_clear()
    evaluate(report)
    report["seconds"] = time.perf_counter() - started
    Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\n(total {report['seconds']:.0f} s; JSON in {args.json})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

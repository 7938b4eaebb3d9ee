"""Frame selection from minutes of the speaker: does more of her audio make kNN conversion work?

The research note measured frame kNN over a 7 s reference (60 % of the GE2E gap, WER 40 %:
too few frames to cover the phonemes). This reruns it with minutes of Allison: heart's
zero-shot rendering of each sentence, resampled to 16 kHz and analysed with WORLD
(harvest, CheapTrick, D4C); every frame's envelope replaced by the mean of its k nearest
Allison frames (same voicing; 24 mel-cepstral coefficients, each speaker normalised to
zero mean and unit spread), the frame's own level kept, optionally blended with its own
envelope, smoothed over 3 frames, resynthesised with the frame's own F0 and aperiodicity.

Development set only (the dev-allison-a target and speed_dev's sentences); the pool never
holds a prompt of the reported or the dev targets.

    .venv/bin/python benchmarks/frame_selection.py --seconds 600
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from adaptation import PointMeasures, allison_training_prompts  # noqa: E402
from cloning import centroid, cosine, mean  # noqa: E402
from speed_dev import DEV_SENTENCES  # noqa: E402
from targets import (  # noqa: E402
    ALLISON_DIR,
    CACHE,
    DEV_ALLISON,
    build_dev_targets,
    decode_g722,
    to_rate,
    trim_silence,
)

RATE = 16000
FRAME_MS = 5.0
VARIANTS = (("WORLD resynthesis only", 4, 0.0), ("kNN k=4", 4, 1.0), ("kNN k=8", 8, 1.0),
            ("kNN k=16", 16, 1.0), ("kNN k=8, 70 % blend", 8, 0.7))


def mel_matrix() -> np.ndarray:
    import librosa

    return librosa.filters.mel(sr=RATE, n_fft=1024, n_mels=40, fmin=60, fmax=7800)


def analyse(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import pyworld

    x = samples.astype(np.float64)
    f0, times = pyworld.harvest(x, RATE, f0_floor=70, f0_ceil=500, frame_period=FRAME_MS)
    return f0, pyworld.cheaptrick(x, f0, times, RATE), pyworld.d4c(x, f0, times, RATE)


def cepstra(envelope: np.ndarray, mel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mel-cepstral coefficients 1..24 and c0 (level) of each frame."""
    import scipy.fft

    c = scipy.fft.dct(np.log(envelope @ mel.T + 1e-10), type=2, norm="ortho", axis=1)
    return c[:, 1:25], c[:, 0]


def pool(seconds: float, mel: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
    """Features, log envelopes and voicing of `seconds` of Allison's training prompts
    (silent frames left out), cached."""
    cache = CACHE / f"frame-selection-pool-{int(seconds)}.npz"
    if cache.is_file():
        stored = np.load(cache)
        return {k: stored[k] for k in ("features", "log_envelopes", "voiced")}, float(
            stored["seconds"])
    exclude = {p for _, ref, held in DEV_ALLISON for p in (*ref, *held)}
    parts: dict[str, list[np.ndarray]] = {"features": [], "log_envelopes": [], "voiced": []}
    total = 0.0
    for name in (n for n in allison_training_prompts() if n not in exclude):
        if total >= seconds:
            break
        samples, rate = decode_g722(ALLISON_DIR / f"{name}.g722")
        samples = to_rate(trim_silence(samples, rate), rate, RATE)
        total += len(samples) / RATE
        f0, envelope, _ = analyse(samples)
        features, level = cepstra(envelope, mel)
        keep = level > np.percentile(level, 15)
        parts["features"].append(features[keep])
        parts["log_envelopes"].append(np.log(envelope[keep]).astype(np.float32))
        parts["voiced"].append(f0[keep] > 0)
    found = {k: np.concatenate(v) for k, v in parts.items()}
    np.savez(cache, seconds=total, **found)
    return found, total


def selected(samples: np.ndarray, frames: dict[str, np.ndarray], mel: np.ndarray, k: int,
             blend: float) -> np.ndarray:
    """`samples` (16 kHz) with every frame's envelope taken from its k nearest pool frames."""
    import pyworld

    f0, envelope, aperiodicity = analyse(samples)
    query, _ = cepstra(envelope, mel)
    query = (query - query.mean(0)) / query.std(0)
    known = frames["features"]
    known = (known - known.mean(0)) / known.std(0)
    own = np.log(envelope)
    new = own.copy()
    level = np.log(envelope @ mel.T + 1e-10).sum(1)
    for voiced in (True, False):
        rows = np.flatnonzero((f0 > 0) == voiced)
        candidates = np.flatnonzero(frames["voiced"] == voiced)
        for start in range(0, len(rows), 512):
            chunk = rows[start:start + 512]
            distance = ((query[chunk, None, :] - known[None, candidates, :]) ** 2).sum(-1)
            nearest = candidates[np.argpartition(distance, k, axis=1)[:, :k]]
            borrowed = frames["log_envelopes"][nearest].mean(1).astype(np.float64)
            gain = (level[chunk] - np.log(np.exp(borrowed) @ mel.T + 1e-10).sum(1)) / mel.shape[0]
            new[chunk] = blend * (borrowed + gain[:, None]) + (1 - blend) * own[chunk]
    kernel = np.ones(3) / 3
    new = np.apply_along_axis(lambda column: np.convolve(column, kernel, mode="same"), 0, new)
    return pyworld.synthesize(f0, np.ascontiguousarray(np.exp(new)), aperiodicity, RATE,
                              FRAME_MS).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    import timbrel

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="pool of her speech (s)")
    parser.add_argument("--sentences", type=int, default=8)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    target, other = (next(t for t in build_dev_targets(("human",)) if t.name == name)
                     for name in ("dev-allison-a", "dev-allison-b"))
    measures = PointMeasures([(c, t.truth_rate) for t in (target, other) for c in t.truth])
    truth_ge2e = [measures.ge2e(c, target.truth_rate) for c in target.truth]
    truth_mfcc = [measures.mfcc(c, target.truth_rate) for c in target.truth]
    ceiling = mean(cosine(truth_ge2e[j], centroid(truth_ge2e, j))
                   for j in range(len(truth_ge2e)))
    mel = mel_matrix()
    frames, seconds = pool(args.seconds, mel)
    voice = timbrel.enroll((target.reference, target.reference_rate), engine="heart")
    rows: dict[str, list[tuple[float, float, float]]] = {"heart zero-shot": []}
    for text in DEV_SENTENCES[: args.sentences]:
        samples, rate = timbrel.synthesize_to_array(
            text, voice, timbrel.SynthesisConfig(seed=0, watermark=False))
        resampled = to_rate(samples, rate, RATE)
        outputs = {"heart zero-shot": resampled}
        outputs.update({label: selected(resampled, frames, mel, k, blend)
                        for label, k, blend in VARIANTS})
        for label, audio in outputs.items():
            wer, _ = measures.wer(text, audio, RATE)
            rows.setdefault(label, []).append(
                (cosine(measures.ge2e(audio, RATE), centroid(truth_ge2e)),
                 cosine(measures.mfcc(audio, RATE), centroid(truth_mfcc)), wer))
    table = {label: {"ge2e": mean(r[0] for r in v), "mfcc": mean(r[1] for r in v),
                     "wer": mean(r[2] for r in v)} for label, v in rows.items()}
    print(f"dev-allison-a, pool {seconds:.0f} s of Allison, {args.sentences} dev sentences, "
          f"GE2E ceiling {ceiling:.3f}\n")
    print("| voice | GE2E | MFCC similarity | WER |\n|---|---|---|---|")
    for label, r in table.items():
        print(f"| {label} | {r['ge2e']:.3f} | {r['mfcc']:.3f} | {100 * r['wer']:.1f} % |")
    if args.json:
        Path(args.json).write_text(json.dumps({"pool_seconds": seconds, "ceiling": ceiling,
                                               "rows": table}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

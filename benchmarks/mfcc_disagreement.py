"""Why the MFCC measure and GE2E disagree on fine-tuned voices: the MFCC similarity to the
held-out Allison truth, split into its two halves (per-coefficient means: timbre and
channel; per-coefficient standard deviations: how much the spectrum moves, i.e. delivery),
with each source's median F0.

Sources scored: real Allison prompts the benchmark never holds out (the measure's own
same-speaker level), the base voice and any stored adapted voices (adaptation.py keeps
them), each reading the held-out sentences.

    PYTHONPATH=src python benchmarks/mfcc_disagreement.py \
        benchmarks/results/cache/adapted/<point>/<steps>.tvoice ...
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from adaptation import (  # noqa: E402
    ALLISON_DIR,
    Scoring,
    allison_training_prompts,
    converted,
    decode_g722,
    training_clips,
    trim_silence,
)

COEFFICIENTS = 19  # mfcc_statistics: means of MFCC 1..19, then their standard deviations


def halves(vector: np.ndarray, centroid: np.ndarray) -> dict[str, float]:
    """Cosine over all dimensions, over the means only and over the deviations only."""
    from timbrel.metrics import cosine

    return {"all": cosine(vector, centroid),
            "means": cosine(vector[:COEFFICIENTS], centroid[:COEFFICIENTS]),
            "deviations": cosine(vector[COEFFICIENTS:], centroid[COEFFICIENTS:])}


def main(argv: list[str] | None = None) -> int:
    import timbrel
    from timbrel.voice import Voice

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("voices", nargs="*", type=Path, help="stored adapted voices")
    parser.add_argument("--seconds", type=float, default=600.0,
                        help="the training speech the voices had (for the conversion)")
    parser.add_argument("--conversion", default="none")
    parser.add_argument("--texts", type=int, default=10)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    scoring = Scoring("allison", args.texts)
    centroid = np.mean(scoring.truth_mfcc, axis=0)
    sources: dict[str, list[tuple[np.ndarray, int]]] = {}
    real = []
    # past the first prompts, which make up the zero-shot reference
    for name in allison_training_prompts()[len(scoring.texts): 2 * len(scoring.texts)]:
        samples, rate = decode_g722(ALLISON_DIR / f"{name}.g722")
        real.append((trim_silence(samples, rate), rate))
    sources["Allison, real prompts (not held out)"] = real
    sources["base (joe)"] = [(scoring.base_voice.synthesize(t), scoring.base_voice.rate)
                             for t in scoring.texts]
    clips = training_clips("allison", args.seconds)[0] if args.voices else []
    for path in args.voices:
        voice = converted(Voice.load(path), clips, args.conversion)
        sources["/".join(path.parts[-2:])] = [
            timbrel.synthesize_to_array(t, voice, timbrel.SynthesisConfig(seed=0))
            for t in scoring.texts]
    print("| source | MFCC similarity | means half | deviations half | mean frame-to-frame "
          "MFCC change | median F0 |\n|---|---|---|---|---|---|")
    for label, items in sources.items():
        rows = [halves(scoring.mfcc(s, r), centroid) for s, r in items]
        motion = [movement(s, r) for s, r in items]
        print(f"| {label} | {np.mean([r['all'] for r in rows]):.3f} "
              f"| {np.mean([r['means'] for r in rows]):.3f} "
              f"| {np.mean([r['deviations'] for r in rows]):.3f} | {np.mean(motion):.2f} "
              f"| {median_f0(items):.0f} Hz |")
    return 0


def median_f0(items: list[tuple[np.ndarray, int]]) -> float:
    from timbrel.prosody_features import f0_track

    tracks = np.concatenate([f0_track(samples, rate) for samples, rate in items])
    return float(np.median(tracks[tracks > 0]))


def movement(samples: np.ndarray, rate: int) -> float:
    """Mean absolute change of the measure's MFCC 1..19 between neighbouring loud frames."""
    from timbrel.speaker_encoder import loud_mfcc_frames

    return float(np.mean(np.abs(np.diff(loud_mfcc_frames(samples, rate), axis=1))))


if __name__ == "__main__":
    sys.exit(main())

"""Fine-tuning the joe voice on growing amounts of a speaker's audio, scored on held-out speech.

Points: 5 s (the voice's own reference, --quick mode), 30 s, 2 min, 10 min of Allison
(Asterisk prompts, G.722 16 kHz, transcribed by the bundled Whisper), plus one synthetic
target. Training never sees the held-out Allison prompts of benchmarks/targets.py nor the
held-out sentences; scoring uses the same measures as benchmarks/cloning.py (GE2E, the
independent MFCC speaker space, WER) against the held-out truth clips.

    PYTHONPATH=src python benchmarks/adaptation.py point --target allison --seconds 600 \
        --parts all --budget-seconds 900 --conversions none,pitch,full
    PYTHONPATH=src python benchmarks/adaptation.py collect   # table, JSON, docs/adaptation.png
    PYTHONPATH=src python benchmarks/adaptation.py rescore \
        benchmarks/results/cache/adapted/<point>/<steps>.tvoice --noise-scales 0.667,0.4

Each `point` writes benchmarks/results/adaptation/<target>-<seconds>-<parts>.json (with
-lr, -gan and -seed suffixes when set); points are independent processes, so several can
run side by side. `collect` plots them against the amount of speech (repeated runs: mean
and range) and, for runs scored during training (--checkpoints), against training time.
Every point keeps its adapted voices (at each checkpoint and the end) in the cache, and
`rescore` scores them again, e.g. at other synthesis noise scales. Figures: the README's
fine-tuning section and adaptation.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from targets import (  # noqa: E402
    ALLISON_DIR,
    ALLISON_HELD_OUT,
    ALLISON_REFERENCE,
    CACHE,
    HELD_OUT_TEXTS,
    REFERENCE_SENTENCES,
    SYNTHETIC_VOICES,
    allison_target,
    decode_g722,
    speak,
    synthetic_target,
    trim_silence,
)

RESULTS = HERE / "results"
TRANSCRIPTS = CACHE / "allison-transcripts.json"


def allison_training_prompts() -> list[str]:
    """Every Allison prompt except the held-out truth prompts, the reference ones first,
    the rest in a fixed shuffled order (so 30 s, 2 min, 10 min are nested subsets)."""
    names = sorted(p.stem for p in ALLISON_DIR.glob("*.g722"))
    rest = [n for n in names if n not in ALLISON_HELD_OUT and n not in ALLISON_REFERENCE]
    order = np.random.default_rng(0).permutation(len(rest))
    return list(ALLISON_REFERENCE) + [rest[i] for i in order]


def allison_transcripts(names: list[str]) -> dict[str, str]:
    """Whisper transcripts of the prompts, cached (the recogniser is deterministic)."""
    from timbrel.recognizer import transcribe

    known = json.loads(TRANSCRIPTS.read_text()) if TRANSCRIPTS.is_file() else {}
    for name in names:
        if name not in known:
            samples, rate = decode_g722(ALLISON_DIR / f"{name}.g722")
            known[name] = transcribe(trim_silence(samples, rate), rate)
    TRANSCRIPTS.parent.mkdir(parents=True, exist_ok=True)
    TRANSCRIPTS.write_text(json.dumps(known, indent=1, sort_keys=True))
    return known


def allison_clips(seconds: float) -> tuple[list[tuple[np.ndarray, int]], list[str]]:
    """Prompts (trimmed) adding up to about `seconds` of speech, and their transcripts."""
    names = allison_training_prompts()
    clips, chosen, total = [], [], 0.0
    for name in names:
        if total >= seconds:
            break
        samples, rate = decode_g722(ALLISON_DIR / f"{name}.g722")
        samples = trim_silence(samples, rate)
        clips.append((samples, rate))
        chosen.append(name)
        total += len(samples) / rate
    texts = allison_transcripts(chosen)
    return clips, [texts[n] for n in chosen]




def synthetic_clips(name: str, seconds: float) -> tuple[list[tuple[np.ndarray, int]], list[str]]:
    """The synthetic voice reading training sentences (never a held-out one)."""
    from timbrel.adapt.posterior import WARMUP_TEXTS

    voice = next(v for v in SYNTHETIC_VOICES if v.name == name)
    sentences = [t for t in (*REFERENCE_SENTENCES, *WARMUP_TEXTS) if t not in HELD_OUT_TEXTS]
    clips, texts, total = [], [], 0.0
    for text in sentences:
        if total >= seconds:
            break
        samples, rate = speak(voice, text)
        clips.append((samples, rate))
        texts.append(text)
        total += len(samples) / rate
    return clips, texts


class PointMeasures:
    """cloning.py's measures, the MFCC space fitted on a pool of truth clips."""

    def __init__(self, truth_pool) -> None:
        from cloning import BaseVoice, Measures
        from timbrel.engines import get_engine
        from timbrel.metrics import MfccSpeakerSpace

        measures = Measures(MfccSpeakerSpace.fit(truth_pool))
        self.ge2e, self.mfcc, self.wer = measures.ge2e, measures.mfcc, measures.wer
        self.base = BaseVoice(get_engine("builtin"))


class Scoring:
    """What every voice of one target is scored against: the held-out truth clips, their
    same-voice ceiling and the untouched base voice, with the MFCC space fitted on both
    targets' truth clips."""

    def __init__(self, target_name: str, texts: int) -> None:
        from cloning import centroid, cosine, mean

        self.target = build_target(target_name)
        other = build_target("flite-slt" if target_name == "allison" else "allison")
        measures = PointMeasures([(c, t.truth_rate) for t in (self.target, other)
                                  for c in t.truth])
        self.ge2e, self.mfcc, self.wer = measures.ge2e, measures.mfcc, measures.wer
        self.base_voice = measures.base
        self.texts = HELD_OUT_TEXTS[:texts]
        rate = self.target.truth_rate
        self.truth_ge2e = [self.ge2e(c, rate) for c in self.target.truth]
        self.truth_mfcc = [self.mfcc(c, rate) for c in self.target.truth]
        self.ceiling = {
            name: mean(cosine(truth[j], centroid(truth, j)) for j in range(len(truth)))
            for name, truth in (("ge2e", self.truth_ge2e), ("mfcc", self.truth_mfcc))}
        self.base = self.score(None)

    def score(self, voice, noise_scale: float | None = None, seed: int = 0) -> dict:
        """Mean GE2E / MFCC similarity to the truth centroid and WER over the held-out
        texts (`voice` None: the untouched base voice). A synthetic target's truth clip i
        says text i, so it is left out of the centroid when scoring text i, as in
        cloning.py."""
        import timbrel
        from cloning import centroid, cosine, mean

        rows = []
        for index, text in enumerate(self.texts):
            leave = index if self.target.kind == "synthetic" else None
            if voice is None:
                samples, rate = self.base_voice.synthesize(text), self.base_voice.rate
            else:
                samples, rate = timbrel.synthesize_to_array(
                    text, voice, timbrel.SynthesisConfig(seed=seed, noise_scale=noise_scale))
            wer, heard = self.wer(text, samples, rate)
            rows.append({"text": text,
                         "ge2e": cosine(self.ge2e(samples, rate),
                                        centroid(self.truth_ge2e, leave)),
                         "mfcc": cosine(self.mfcc(samples, rate),
                                        centroid(self.truth_mfcc, leave)),
                         "wer": wer, "heard": heard})
        return {"ge2e": mean(r["ge2e"] for r in rows), "mfcc": mean(r["mfcc"] for r in rows),
                "wer": mean(r["wer"] for r in rows), "sentences": rows}

    def with_gaps(self, result: dict) -> dict:
        from cloning import gap_closure

        return {**result, **{f"{name}_gap": gap_closure(self.base[name], result[name],
                                                        self.ceiling[name])
                             for name in ("ge2e", "mfcc")}}


def training_clips(target: str, seconds: float
                   ) -> tuple[list[tuple[np.ndarray, int]], list[str]]:
    if target == "allison":
        return allison_clips(seconds)
    return synthetic_clips(target, seconds)


def converted(adapted, clips, mode: str):
    """The adapted voice with conversion `mode` toward the training clips ("pitch": as
    adapted)."""
    if mode == "pitch":
        return adapted
    from timbrel.adapt.delta import from_params
    from timbrel.adapt.voice_adaptation import target_conversion

    params = dict(adapted.params)
    params.update(target_conversion(adapted, clips, from_params(params), mode))
    return adapted.with_changes(params=params)


def build_target(name: str):
    if name == "allison":
        return allison_target(max_truth=6)
    return synthetic_target(next(v for v in SYNTHETIC_VOICES if v.name == name),
                            HELD_OUT_TEXTS)


def run_point(args) -> dict:
    """Train on `args.seconds` of one target and score base, zero-shot and adapted voices."""
    import timbrel
    from cloning import mean
    from timbrel.adapt.discriminator import AdversarialConfig
    from timbrel.adapt.finetune import FinetuneConfig, step_cap
    from timbrel.adapt.voice_adaptation import adapt_voice

    scoring = Scoring(args.target, args.texts)
    target = scoring.target
    zero_shot_voice = timbrel.enroll((target.reference, target.reference_rate),
                                     transcript=target.reference_text, engine="builtin")
    zero_shot = scoring.score(zero_shot_voice)
    clips, transcripts = training_clips(args.target, args.seconds)
    adversarial = (None if args.adversarial_warmup is None else AdversarialConfig(
        warmup_steps=args.adversarial_warmup, segments=args.adversarial_segments,
        width=args.adversarial_width))
    config = FinetuneConfig(steps=step_cap(args.steps, args.budget_seconds, 400),
                            seconds_budget=args.budget_seconds,
                            parts=args.parts, learning_rate=args.learning_rate,
                            threads=args.threads, adversarial=adversarial,
                            prior_segments=args.prior_segments,
                            flow_learning_rate_scale=args.flow_lr_scale,
                            relative_steps=args.relative_steps, stft_weight=args.stft_weight,
                            **({} if args.seed is None else {"seed": args.seed}),
                            **({} if args.mel_weight is None else {"mel_weight": args.mel_weight}))
    modes = args.conversions.split(",")

    def score_modes(adapted) -> dict:
        return {mode: scoring.with_gaps(scoring.score(converted(adapted, clips, mode)))
                for mode in modes}

    checkpoints = []
    voices = VOICE_DIR / point_stem(args)

    def keep(voice, steps: int) -> None:
        """Store the adapted voice, so it can be rescored (`rescore`) without retraining."""
        voices.mkdir(parents=True, exist_ok=True)
        voice.save(voices / f"{steps}.tvoice")

    def snapshot(voice, record) -> None:
        keep(voice, record.steps)
        started = time.perf_counter()
        scored = score_modes(voice)
        checkpoints.append({"steps": record.steps, "train_wall_seconds": record.seconds,
                            "train_cpu_seconds": record.cpu_seconds,
                            "mel_l1_last50": mean(record.mel_loss[-50:]),
                            "discriminator_loss_last50": mean(
                                record.discriminator_loss[-50:] or [float("nan")]),
                            "adapted": scored})
        print(f"checkpoint {record.steps} steps, {record.seconds:.0f} s: " + ", ".join(
            f"{m} GE2E gap {100 * r['ge2e_gap']:.0f} % MFCC gap {100 * r['mfcc_gap']:.0f} % "
            f"WER {100 * r['wer']:.1f} %" for m, r in scored.items())
            + f" (scored in {time.perf_counter() - started:.0f} s)", flush=True)

    def keep_posterior(state: dict, steps: int) -> None:
        """The posterior encoder beside each voice, for adaptation_paths.py."""
        import torch

        voices.mkdir(parents=True, exist_ok=True)
        torch.save(state, voices / f"{steps}.posterior.pt")

    adapted, report = adapt_voice(zero_shot_voice, clips, transcripts, config, "pitch",
                                  snapshot=snapshot, snapshot_seconds=args.checkpoints,
                                  keep_posterior=keep_posterior)
    keep(adapted, report.training.steps)
    results = score_modes(adapted)

    return {
        "target": args.target, "kind": target.kind, "data_seconds": report.audio_seconds,
        "requested_seconds": args.seconds, "pieces": report.items, "parts": args.parts,
        "learning_rate": args.learning_rate,
        "prior_segments": args.prior_segments, "flow_lr_scale": args.flow_lr_scale,
        "mel_weight": config.mel_weight, "relative_steps": config.relative_steps,
        "stft_weight": config.stft_weight,
        "steps": report.training.steps, "train_wall_seconds": report.training.seconds,
        "train_cpu_seconds": report.training.cpu_seconds,
        "prepare_wall_seconds": report.training.prepare_seconds,
        "prepare_cpu_seconds": report.training.prepare_cpu_seconds,
        "mel_l1_first10": mean(report.training.mel_loss[:10]),
        "mel_l1_last10": mean(report.training.mel_loss[-10:]),
        "delta_megabytes": report.delta_bytes / 1e6, "texts": list(scoring.texts),
        "ceiling": scoring.ceiling, "base": scoring.base,
        "zero_shot": scoring.with_gaps(zero_shot), "adapted": results,
        "checkpoints": checkpoints, "threads": args.threads, "seed": config.seed,
        "adversarial": None if adversarial is None else {
            "warmup_steps": adversarial.warmup_steps, "segments": adversarial.segments,
            "width": adversarial.width,
            "discriminator_loss_last50": mean(report.training.discriminator_loss[-50:]),
            "generator_gan_loss_last50": mean(
                report.training.generator_gan_loss[-50:] or [float("nan")])},
        "load_average_start": os.getloadavg(),
    }


POINT_DIR = RESULTS / "adaptation"
VOICE_DIR = CACHE / "adapted"  # each point's adapted voices, by training steps


def point_stem(args) -> str:
    """A point's file name: target, speech, parts, and the settings that differ."""
    suffix = f"-lr{args.learning_rate:g}"  # points without it were trained at 2e-4
    if args.adversarial_warmup is not None:
        suffix += "-gan" + ("" if args.adversarial_width == 1.0 else f"{args.adversarial_width:g}")
    if args.adversarial_warmup is not None and args.adversarial_segments != 1:
        suffix += f"-judge{args.adversarial_segments}"
    if args.mel_weight is not None:
        suffix += f"-mel{args.mel_weight:g}"
    if args.relative_steps:
        suffix += "-relsteps"
    if args.stft_weight:
        suffix += f"-stft{args.stft_weight:g}"
    if args.prior_segments:
        suffix += f"-prior{args.prior_segments}"
    if args.flow_lr_scale != 1.0:
        suffix += f"-flowlr{args.flow_lr_scale:g}"
    if args.seed is not None:
        suffix += f"-seed{args.seed}"
    return f"{args.target}-{int(args.seconds)}-{args.parts}{suffix}"


def rescore(args) -> int:
    """Score stored adapted voices again: each at each noise scale and delta scale (the
    fine-tuning's weight change times it), one conversion mode."""
    from timbrel.adapt.delta import scaled_params
    from timbrel.voice import Voice

    scoring = Scoring(args.target, args.texts)
    # "pitch" voices are scored as stored; the other modes convert toward the training clips
    clips = [] if args.conversion == "pitch" else training_clips(args.target, args.seconds)[0]
    rows = []
    modules = args.delta_modules.split(",") if args.delta_modules else None
    for path, factor in ((p, f) for p in args.voices for f in args.delta_scales):
        stored = Voice.load(path)
        params = scaled_params(stored.params, factor, modules)
        voice = converted(stored.with_changes(params=params), clips, args.conversion)
        for noise in args.noise_scales:
            result = scoring.with_gaps(scoring.score(voice, noise_scale=noise))
            rows.append({"voice": str(path), "conversion": args.conversion,
                         "noise_scale": noise, "delta_scale": factor,
                         "delta_modules": args.delta_modules, **result})
            print(f"{path} x{factor:g} noise {noise:g}: GE2E gap "
                  f"{100 * result['ge2e_gap']:.0f} %, MFCC gap {100 * result['mfcc_gap']:.0f} "
                  f"%, WER {100 * result['wer']:.1f} %",
                  flush=True)
    out = Path(args.out or RESULTS / "adaptation_rescored.json")
    out.write_text(json.dumps({"base": scoring.base, "ceiling": scoring.ceiling,
                               "rows": rows}, indent=1))
    print("| voice | delta scale | noise scale | GE2E gap | MFCC gap | WER |\n"
          "|---|---|---|---|---|---|")
    print(f"| base (joe) | 0 | - | 0 % | 0 % | {100 * scoring.base['wer']:.1f} % |")
    for r in rows:
        name = "/".join(Path(r["voice"]).parts[-2:])
        print(f"| {name} | {r['delta_scale']:g} | {r['noise_scale']:g} "
              f"| {100 * r['ge2e_gap']:.0f} % "
              f"| {100 * r['mfcc_gap']:.0f} % | {100 * r['wer']:.1f} % |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    actions = parser.add_subparsers(dest="action", required=True)
    point = actions.add_parser("point", help="train and score one data amount")
    point.add_argument("--target", default="allison", help="allison or a synthetic voice name")
    point.add_argument("--seconds", type=float, default=30.0, help="training speech (s)")
    point.add_argument("--steps", type=int, default=None,
                       help="training steps (default: 400, or no cap under --budget-seconds)")
    point.add_argument("--budget-seconds", type=float, default=None,
                       help="wall-clock training budget (s)")
    point.add_argument("--parts", default="all")
    point.add_argument("--learning-rate", type=float, default=5e-5)
    point.add_argument("--texts", type=int, default=10)  # the curve's first ten
    point.add_argument("--conversions", default="pitch,none,full")
    point.add_argument("--out", default=None)
    point.add_argument("--threads", type=int, default=2, help="torch threads for training")
    point.add_argument("--checkpoints", type=lambda v: [float(x) for x in v.split(",")],
                       default=[], help="training seconds at which to score the model too")
    point.add_argument("--seed", type=int, default=None,
                       help="training seed (default: the fine-tuning default)")
    point.add_argument("--adversarial-warmup", type=int, default=None,
                       help="train a discriminator alongside; its losses reach the "
                            "generator after this many steps (default: no discriminator)")
    point.add_argument("--adversarial-segments", type=int, default=1,
                       help="decoded slices per step the discriminator judges")
    point.add_argument("--adversarial-width", type=float, default=1.0,
                       help="discriminator channel multiplier (1: piper's; 0.5, 0.25, 0.125)")
    point.add_argument("--prior-segments", type=int, default=0,
                       help="slices of the inference (prior) path decoded and scored per step")
    point.add_argument("--mel-weight", type=float, default=None,
                       help="mel L1's weight in the generator loss (default: piper's 45)")
    point.add_argument("--relative-steps", action="store_true",
                       help="scale each tensor's learning rate by its RMS")
    point.add_argument("--stft-weight", type=float, default=0.0,
                       help="weight of a multi-resolution STFT loss on the decoded slices")
    point.add_argument("--flow-lr-scale", type=float, default=1.0,
                       help="the flow's learning rate as a multiple of --learning-rate")
    again = actions.add_parser("rescore", help="score stored adapted voices again "
                               f"({VOICE_DIR.relative_to(HERE.parent)}/<point>/<steps>.tvoice)")
    again.add_argument("voices", nargs="+", type=Path)
    again.add_argument("--target", default="allison")
    again.add_argument("--seconds", type=float, default=600.0,
                       help="the training speech the voices had (for the conversion)")
    again.add_argument("--conversion", default="none")
    again.add_argument("--noise-scales", type=lambda v: [float(x) for x in v.split(",")],
                       default=[0.667], help="synthesis noise scales to score each voice at")
    again.add_argument("--delta-scales", type=lambda v: [float(x) for x in v.split(",")],
                       default=[1.0], help="multiples of each voice's weight delta to score")
    again.add_argument("--delta-modules", default=None,
                       help="keep only these modules' part of the delta (e.g. dec or flow)")
    again.add_argument("--texts", type=int, default=10)
    again.add_argument("--out", default=None)
    actions.add_parser("collect", help="table, adaptation.json and docs/adaptation.png")
    actions.add_parser("transcribe", help="cache Whisper transcripts of the Allison prompts")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.action == "transcribe":
        print(len(allison_transcripts(allison_training_prompts())), "transcripts cached")
        return 0
    if args.action == "collect":
        return collect()
    if args.action == "rescore":
        return rescore(args)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run_point(args)
    result["point_wall_seconds"] = time.perf_counter() - started
    result["point_cpu_seconds"] = time.process_time() - cpu_started
    out = Path(args.out or POINT_DIR / f"{point_stem(args)}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(render([result]))
    return 0


def fmt(value, spec=".3f", scale=1.0) -> str:
    return "-" if value is None or not np.isfinite(value) else format(value * scale, spec)


def render(points: list[dict]) -> str:
    lines = ["| target | speech | parts | steps | train wall / CPU | voice | GE2E | GE2E gap "
             "| MFCC gap | WER |", "|---|---|---|---|---|---|---|---|---|---|"]
    for p in points:
        head = (f"| {p['target']} | {p['data_seconds']:.0f} s "
                f"| {training_label(p)} lr {p.get('learning_rate', 2e-4):g} | {p['steps']} "
                f"| {p['train_wall_seconds']:.0f} s / {p['train_cpu_seconds']:.0f} s"
                + (f" (+ prep {p['prepare_wall_seconds']:.0f} s / {p['prepare_cpu_seconds']:.0f} s)"
                   if "prepare_wall_seconds" in p else ""))
        rows = [("base (joe)", {**p["base"], "ge2e_gap": 0.0, "mfcc_gap": 0.0}),
                ("zero-shot", p["zero_shot"])]
        rows += [(f"adapted, {mode}", r) for mode, r in p["adapted"].items()]
        for label, r in rows:
            lines.append(f"{head} | {label} | {fmt(r['ge2e'])} "
                         f"| {fmt(r['ge2e_gap'], '.0f', 100)} % "
                         f"| {fmt(r['mfcc_gap'], '.0f', 100)} % | {fmt(r['wer'], '.1f', 100)} % |")
    return "\n".join(lines)


def training_label(point: dict) -> str:
    """The trained parts, marked when a discriminator trained alongside (and how wide, on how
    many slices), prior-path slices were scored, the flow trained faster or mel L1 weighed
    other than piper's 45."""
    gan = point.get("adversarial")
    width = (gan or {}).get("width", 1.0)
    judged = (gan or {}).get("segments", 1)
    return (point["parts"] + (" + GAN" if gan else "")
            + (f" (discriminator width {width:g})" if width != 1.0 else "")
            + (f" judging {judged} slices" if judged != 1 else "")
            + (f", mel weight {point['mel_weight']:g}"
               if point.get("mel_weight", 45.0) != 45.0 else "")
            + (", relative steps" if point.get("relative_steps") else "")
            + (f", STFT loss x{point['stft_weight']:g}" if point.get("stft_weight") else "")
            + (" + prior path" if point.get("prior_segments") else "")
            + (f", flow lr x{point['flow_lr_scale']:g}"
               if point.get("flow_lr_scale", 1.0) != 1.0 else ""))


def collect() -> int:
    points = [json.loads(p.read_text()) for p in sorted(POINT_DIR.glob("*.json"))]
    if not points:
        print(f"no points in {POINT_DIR}: run `adaptation.py point` first")
        return 1
    points.sort(key=lambda p: (p["target"], training_label(p), p["data_seconds"]))
    table = render(points)
    print(table)
    (RESULTS / "adaptation.json").write_text(json.dumps({"points": points}, indent=1))
    plot(points, HERE.parent / "docs" / "adaptation.png")
    return 0


MEASURES = (("ge2e_gap", "GE2E gap closure"), ("mfcc_gap", "MFCC gap closure"), ("wer", "WER"))


def learning_rate(point: dict) -> float:
    return point.get("learning_rate", 2e-4)


def run_label(point: dict) -> str:
    seed = f", seed {point['seed']}" if point.get("seed") is not None else ""
    return (f"{point['target']}: {training_label(point)}, lr {learning_rate(point):g}{seed}")


def plot(points: list[dict], path: Path) -> None:
    """Top: gap closure vs training speech for the default conversion mode, with zero-shot
    (repeated runs of one setting at one amount: their mean, bars from lowest to highest).
    Bottom: the same measures vs training time, for the runs scored during training."""
    import matplotlib

    from timbrel.adapt.voice_adaptation import DEFAULT_CONVERSION as mode

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 3, figsize=(15, 8.6))
    for (key, title), axis in zip(MEASURES, axes[0], strict=True):
        plot_against_speech(axis, points, key, mode)
        axis.set_title(title + " (held-out sentences)")
    timed = [p for p in points if p.get("checkpoints") and mode in p["adapted"]]
    for (key, title), axis in zip(MEASURES, axes[1], strict=True):
        plot_against_training_time(axis, timed, key, mode)
        axis.set_title(title + " during training")
    for row in axes:
        for axis, (key, _) in zip(row, MEASURES, strict=True):
            if key == "wer":
                base = next(p["base"]["wer"] for p in points)
                axis.axhline(100 * base, color="red", lw=0.5, ls=":", label="base voice (joe)")
                axis.set_ylabel("%")
            else:
                axis.axhline(85, color="red", lw=0.5, ls=":", label="goal (85 %)")
                axis.set_ylabel("% of the gap to the same-voice ceiling")
            axis.grid(alpha=0.3)
        row[0].legend(fontsize=6)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def plot_against_speech(axis, points: list[dict], key: str, mode: str) -> None:
    for (target, parts, lr) in sorted({(p["target"], training_label(p), learning_rate(p))
                                       for p in points}):
        series = [p for p in points if p["target"] == target and training_label(p) == parts
                  and learning_rate(p) == lr and mode in p["adapted"]]
        amounts = sorted({p["data_seconds"] for p in series})
        values = [[100 * p["adapted"][mode][key] for p in series if p["data_seconds"] == a]
                  for a in amounts]
        means = [float(np.mean(v)) for v in values]
        runs = max(len(v) for v in values) if values else 0
        axis.errorbar([a / 60 for a in amounts], means, fmt="o-", capsize=3,
                      yerr=[[m - min(v) for m, v in zip(means, values, strict=True)],
                            [max(v) - m for m, v in zip(means, values, strict=True)]],
                      label=f"{target}: fine-tuned ({parts}, lr {lr:g}, conversion {mode})"
                            + (f", up to {runs} runs" if runs > 1 else ""))
    for target in sorted({p["target"] for p in points}):
        zero = next(p["zero_shot"][key] for p in points if p["target"] == target)
        axis.axhline(100 * zero, ls="--", lw=0.8, color="black" if target == "allison"
                     else "grey", label=f"{target}: zero-shot conversion")
    axis.set_xscale("log")
    axis.set_xlabel("training speech (minutes)")


def plot_against_training_time(axis, points: list[dict], key: str, mode: str) -> None:
    for p in sorted(points, key=run_label):
        stages = [*p["checkpoints"], {"train_wall_seconds": p["train_wall_seconds"],
                                      "adapted": p["adapted"]}]
        axis.plot([s["train_wall_seconds"] / 60 for s in stages],
                  [100 * s["adapted"][mode][key] for s in stages], "o-",
                  label=f"{run_label(p)}, {p['data_seconds'] / 60:.0f} min of speech")
    axis.set_xlabel("training time (minutes of wall clock)")

if __name__ == "__main__":
    sys.exit(main())

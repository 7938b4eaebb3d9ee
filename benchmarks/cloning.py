"""Cloning benchmark: how close does timbrel's built-in engine get to voices it never heard?

For every target voice (benchmarks/targets.py: synthetic voices and real human recordings)
it enrolls the 5-8 s reference, speaks held-out sentences with the untouched base voice
(Piper joe) and with the cloned voice, and measures:

- GE2E similarity to the target's held-out truth audio, for base and converted output,
  the same-voice ceiling, and gap closure = (converted - base) / (ceiling - base);
- the same with the independent measure (z-scored MFCC statistics, fitted on the pool of
  every target's truth clips);
- WER of base and converted output against the text (Whisper tiny.en);
- real-time factor of end-to-end synthesis (models loaded and warmed up first);
- enrollment time (this reference; a 10 s reference with and without recognising the
  transcript) and the time to load a saved voice.

    .venv/bin/python benchmarks/cloning.py              # full run (a few minutes on 2 cores)
    .venv/bin/python benchmarks/cloning.py --quick      # smaller run
    .venv/bin/python benchmarks/cloning.py --targets human --save-audio
    .venv/bin/python benchmarks/cloning.py --dev        # the tuning set (never reported)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import time
import warnings
import zlib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import targets as target_module  # noqa: E402

RESULTS = HERE / "results"
SEED = 0


# ----------------------------------------------------------------------------- helpers

def unit(vector: np.ndarray) -> np.ndarray:
    return vector / (np.linalg.norm(vector) + 1e-12)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(unit(a), unit(b)))


def centroid(vectors: list[np.ndarray], leave_out: int | None = None) -> np.ndarray:
    chosen = [v for i, v in enumerate(vectors) if i != leave_out]
    return np.mean(np.stack(chosen), axis=0)


def mean(values) -> float:
    values = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.mean(values)) if values else float("nan")


def gap_closure(base: float, converted: float, ceiling: float) -> float:
    span = ceiling - base
    # A ceiling at or below the base voice means the truth clips do not agree on a voice:
    # no meaningful gap.
    return float((converted - base) / span) if span > 0.02 else float("nan")


class BaseVoice:
    """The untouched Piper joe voice, run exactly as the engine runs it before conversion."""

    def __init__(self, engine) -> None:
        from timbrel.engines.builtin.piper_model import PiperScales

        self.model = engine.model
        self.rate = self.model.sample_rate
        self.scales = PiperScales()

    def synthesize(self, text: str) -> np.ndarray:
        from timbrel.audio import AudioChunk
        from timbrel.controls import DEFAULTS
        from timbrel.render import finish_chunk, silence

        pieces = []
        for index, phonemes in enumerate(self.model.phonemize(text)):
            if not phonemes:
                continue
            key = zlib.crc32("".join(phonemes).encode())
            rng = np.random.default_rng([SEED, index, key])
            audio = self.model.synthesize_ids(self.model.phoneme_ids(phonemes), self.scales, rng)
            if pieces:
                pieces.append(silence(DEFAULTS["sentence_pause"], self.rate).samples)
            chunk = finish_chunk(AudioChunk(audio, self.rate), DEFAULTS["loudness_lufs"])
            pieces.append(chunk.samples)
        return np.concatenate(pieces)


class HeartBase:
    """The untouched hibari heart voice, run exactly as the heart engine runs it before
    conversion (same phrases, noise seeds, resampling and loudness)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.rate = engine.sample_rate

    def synthesize(self, text: str) -> np.ndarray:
        from timbrel.audio import AudioChunk
        from timbrel.controls import DEFAULTS
        from timbrel.engines.heart.engine import phrase_rng
        from timbrel.render import finish_chunk, silence

        pieces = []
        for index, phrase in enumerate(self.engine.model.phonemize(text)):
            audio = self.engine.rendered(self.engine.model.frames(phrase),
                                         phrase_rng(SEED, index, phrase))
            if pieces:
                pieces.append(silence(DEFAULTS["sentence_pause"], self.rate).samples)
            pieces.append(finish_chunk(AudioChunk(audio, self.rate),
                                       DEFAULTS["loudness_lufs"]).samples)
        return np.concatenate(pieces)


class Measures:
    """Embeddings and transcripts, each computed once per clip."""

    def __init__(self, space) -> None:
        from timbrel.speaker_encoder import ge2e_embedding

        self.ge2e_embedding = ge2e_embedding
        self.space = space

    def ge2e(self, samples: np.ndarray, rate: int) -> np.ndarray:
        return self.ge2e_embedding(samples, rate)

    def mfcc(self, samples: np.ndarray, rate: int) -> np.ndarray:
        return self.space.vector(samples, rate)

    @staticmethod
    def wer(text: str, samples: np.ndarray, rate: int) -> tuple[float, str]:
        from timbrel.metrics import word_error_rate
        from timbrel.recognizer import transcribe

        heard = transcribe(samples, rate)
        return word_error_rate(text, heard), heard


def band_limited(samples: np.ndarray, rate: int, band_rate: int) -> np.ndarray:
    """Output as the target's channel would carry it (for 8 kHz targets: telephone band)."""
    from timbrel.audio import resample

    return resample(samples, rate, band_rate)


# ----------------------------------------------------------------------------- one target

def run_target(target, texts, base_outputs, measures, save_audio_dir, log,
               engine_name: str = "builtin") -> dict:
    import timbrel
    from timbrel.metrics import character_error_rate

    config = timbrel.SynthesisConfig(seed=SEED)
    started, cpu_started = time.perf_counter(), time.process_time()
    voice = timbrel.enroll((target.reference, target.reference_rate), engine=engine_name)
    enroll_seconds = time.perf_counter() - started
    enroll_cpu_seconds = time.process_time() - cpu_started
    # The base is the untouched source voice of the engine the voice was made with; with
    # --engine auto, Piper joe is scored as well (the one fixed base every engine is against).
    own_base = base_outputs[voice.engine]
    joe_base = base_outputs.get("builtin") if voice.engine != "builtin" else None

    # Truth: GE2E and MFCC vectors of every held-out clip. Synthetic truth clip i says
    # text i, so its own clip is left out when scoring output i (leave-one-out); human
    # truth says other words, so the centroid of all truth clips is used.
    synthetic = target.kind == "synthetic"
    truth_ge2e = [measures.ge2e(c, target.truth_rate) for c in target.truth]
    truth_mfcc = [measures.mfcc(c, target.truth_rate) for c in target.truth]

    def reference_index(i: int) -> int | None:
        return i if synthetic else None

    ceiling_ge2e = mean(cosine(truth_ge2e[j], centroid(truth_ge2e, j))
                        for j in range(len(truth_ge2e))) if len(truth_ge2e) > 1 else float("nan")
    ceiling_mfcc = mean(cosine(truth_mfcc[j], centroid(truth_mfcc, j))
                        for j in range(len(truth_mfcc))) if len(truth_mfcc) > 1 else float("nan")

    rows = []
    compute, cpu_compute, audio_seconds = 0.0, 0.0, 0.0
    for i, text in enumerate(texts):
        started, cpu_started = time.perf_counter(), time.process_time()
        converted, rate = timbrel.synthesize_to_array(text, voice, config)
        elapsed = time.perf_counter() - started
        cpu_elapsed = time.process_time() - cpu_started
        compute += elapsed
        cpu_compute += cpu_elapsed
        audio_seconds += len(converted) / rate
        base = own_base[text]
        leave = reference_index(i)
        ge2e_centroid = centroid(truth_ge2e, leave)
        mfcc_centroid = centroid(truth_mfcc, leave)
        conv_wer, heard = measures.wer(text, converted, rate)
        row = {
            "text": text,
            "seconds": round(len(converted) / rate, 3),
            "synthesis_seconds": round(elapsed, 4),
            "synthesis_cpu_seconds": round(cpu_elapsed, 4),
            "ge2e_base": cosine(base["ge2e"], ge2e_centroid),
            "ge2e_converted": cosine(measures.ge2e(converted, rate), ge2e_centroid),
            "mfcc_base": cosine(base["mfcc"], mfcc_centroid),
            "mfcc_converted": cosine(measures.mfcc(converted, rate), mfcc_centroid),
            "wer_base": base["wer"],
            "wer_converted": conv_wer,
            "cer_base": base["cer"],
            "cer_converted": character_error_rate(text, heard),
            "heard_converted": heard,
        }
        if joe_base is not None:
            row["ge2e_base_joe"] = cosine(joe_base[text]["ge2e"], ge2e_centroid)
            row["mfcc_base_joe"] = cosine(joe_base[text]["mfcc"], mfcc_centroid)
            row["wer_base_joe"] = joe_base[text]["wer"]
        if target.narrowband:
            row["ge2e_base_band"] = cosine(
                measures.ge2e(band_limited(base["samples"], base["rate"], target.truth_rate),
                              target.truth_rate), ge2e_centroid)
            row["ge2e_converted_band"] = cosine(
                measures.ge2e(band_limited(converted, rate, target.truth_rate),
                              target.truth_rate), ge2e_centroid)
        rows.append(row)
        if save_audio_dir is not None and i < 2:
            from timbrel.audio import save_audio

            folder = save_audio_dir / target.name
            save_audio(folder / f"converted{i}.wav", converted, rate)
            if i == 0:
                save_audio(folder / "reference.wav", target.reference, target.reference_rate)
                save_audio(folder / "truth0.wav", target.truth[0], target.truth_rate)

    truth_wer = []
    if synthetic:  # how well the recogniser reads the target voice itself
        truth_wer = [measures.wer(text, clip, target.truth_rate)[0]
                     for text, clip in zip(texts, target.truth, strict=True)]

    truth_heard = []
    if not synthetic:  # what the human truth clips say, by the recogniser (for the record)
        from timbrel.recognizer import transcribe

        truth_heard = [transcribe(clip, target.truth_rate) for clip in target.truth]

    result = {
        **target.summary(),
        "engine_used": voice.engine,
        "truth_heard": truth_heard,
        "auto_transcript": voice.transcript,
        "reference_warnings": list(voice.reference_info.get("warnings", [])),
        "enroll_seconds": enroll_seconds,
        "enroll_cpu_seconds": enroll_cpu_seconds,
        "params": {k: v for k, v in voice.params.items() if not hasattr(v, "shape")},
        "ge2e_base": mean(r["ge2e_base"] for r in rows),
        "ge2e_converted": mean(r["ge2e_converted"] for r in rows),
        "ge2e_ceiling": ceiling_ge2e,
        "mfcc_base": mean(r["mfcc_base"] for r in rows),
        "mfcc_converted": mean(r["mfcc_converted"] for r in rows),
        "mfcc_ceiling": ceiling_mfcc,
        "wer_base": mean(r["wer_base"] for r in rows),
        "wer_converted": mean(r["wer_converted"] for r in rows),
        "cer_base": mean(r["cer_base"] for r in rows),
        "cer_converted": mean(r["cer_converted"] for r in rows),
        "wer_truth": mean(truth_wer) if truth_wer else None,
        "rtf": compute / audio_seconds,
        "rtf_cpu": cpu_compute / audio_seconds,
        "sentences": rows,
    }
    result["ge2e_gap"] = gap_closure(result["ge2e_base"], result["ge2e_converted"],
                                     result["ge2e_ceiling"])
    result["mfcc_gap"] = gap_closure(result["mfcc_base"], result["mfcc_converted"],
                                     result["mfcc_ceiling"])
    for key in ("ge2e", "mfcc", "wer"):  # against Piper joe (the same numbers if joe was used)
        result[f"{key}_base_joe"] = (mean(r[f"{key}_base_joe"] for r in rows)
                                     if joe_base is not None else result[f"{key}_base"])
    for key in ("ge2e", "mfcc"):
        result[f"{key}_gap_vs_joe"] = gap_closure(result[f"{key}_base_joe"],
                                                  result[f"{key}_converted"],
                                                  result[f"{key}_ceiling"])
    if target.narrowband:
        result["ge2e_base_band"] = mean(r["ge2e_base_band"] for r in rows)
        result["ge2e_converted_band"] = mean(r["ge2e_converted_band"] for r in rows)
        result["ge2e_gap_band"] = gap_closure(result["ge2e_base_band"],
                                              result["ge2e_converted_band"], ceiling_ge2e)
    log(f"  {target.name} ({voice.engine}): GE2E {result['ge2e_base']:.3f} -> "
        f"{result['ge2e_converted']:.3f} "
        f"(ceiling {ceiling_ge2e:.3f}), MFCC gap {100 * result['mfcc_gap']:.0f} %, "
        f"WER {100 * result['wer_converted']:.1f} %, CER {100 * result['cer_converted']:.1f} %, "
        f"RTF {result['rtf']:.3f}, enroll {enroll_seconds:.2f} s")
    return result


def average(results: list[dict]) -> dict:
    """Means over targets; the gap of the means (as in the feasibility study) and the mean
    of per-target gaps."""
    keys = ("ge2e_base", "ge2e_converted", "ge2e_ceiling", "mfcc_base", "mfcc_converted",
            "mfcc_ceiling", "wer_base", "wer_converted", "cer_base", "cer_converted", "rtf",
            "rtf_cpu", "enroll_seconds",
            "reference_seconds", "ge2e_gap", "mfcc_gap")
    out = {key: mean(r[key] for r in results) for key in keys}
    out["targets"] = len(results)
    out["ge2e_gap_of_means"] = gap_closure(out["ge2e_base"], out["ge2e_converted"],
                                           out["ge2e_ceiling"])
    out["mfcc_gap_of_means"] = gap_closure(out["mfcc_base"], out["mfcc_converted"],
                                           out["mfcc_ceiling"])
    out["mean_of_target_ge2e_gaps"] = out.pop("ge2e_gap")
    out["mean_of_target_mfcc_gaps"] = out.pop("mfcc_gap")
    truth = [r["wer_truth"] for r in results if r.get("wer_truth") is not None]
    out["wer_truth"] = mean(truth) if truth else None
    out["engines_used"] = {name: sum(r["engine_used"] == name for r in results)
                           for name in sorted({r["engine_used"] for r in results})}
    for key in ("ge2e", "mfcc"):
        out[f"{key}_base_joe"] = mean(r[f"{key}_base_joe"] for r in results)
        out[f"{key}_gap_vs_joe_of_means"] = gap_closure(
            out[f"{key}_base_joe"], out[f"{key}_converted"], out[f"{key}_ceiling"])
        out[f"mean_of_target_{key}_gaps_vs_joe"] = mean(r[f"{key}_gap_vs_joe"]
                                                        for r in results)
    out["wer_base_joe"] = mean(r["wer_base_joe"] for r in results)
    band = [r for r in results if "ge2e_gap_band" in r]
    if band:
        out["ge2e_gap_band_narrowband_targets"] = mean(r["ge2e_gap_band"] for r in band)
    return out


# ----------------------------------------------------------------------------- timings

def timing_checks(voice_reference, measures_unused, log, engine_name: str = "builtin") -> dict:
    """Enrollment of a 10 s reference (with / without transcript) and loading a saved voice."""
    import timbrel
    from timbrel.voice import Voice

    samples, rate = voice_reference
    runs_auto, runs_given, cpu_auto, cpu_given, transcript = [], [], [], [], None
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        voice = timbrel.enroll((samples, rate), engine=engine_name)
        runs_auto.append(time.perf_counter() - started)
        cpu_auto.append(time.process_time() - cpu_started)
        transcript = voice.transcript
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        voice = timbrel.enroll((samples, rate), transcript=transcript, engine=engine_name)
        runs_given.append(time.perf_counter() - started)
        cpu_given.append(time.process_time() - cpu_started)

    path = target_module.CACHE / "voices" / f"ten-seconds-{engine_name}.tvoice"
    voice.save(path)
    loads = []
    for _ in range(10):
        started = time.perf_counter()
        loaded = Voice.load(path)
        loads.append(time.perf_counter() - started)
    config = timbrel.SynthesisConfig(seed=SEED)
    text = "A saved voice must speak exactly as it did when it was made."
    fresh, _ = timbrel.synthesize_to_array(text, voice, config)
    again, _ = timbrel.synthesize_to_array(text, loaded, config)
    result = {
        "ten_second_reference_seconds": len(samples) / rate,
        "enroll_10s_auto_transcript_seconds": statistics.median(runs_auto),
        "enroll_10s_given_transcript_seconds": statistics.median(runs_given),
        "enroll_10s_auto_transcript_cpu_seconds": statistics.median(cpu_auto),
        "enroll_10s_given_transcript_cpu_seconds": statistics.median(cpu_given),
        "enroll_10s_runs_auto": runs_auto,
        "enroll_10s_runs_given": runs_given,
        "auto_transcript_10s": transcript,
        "voice_file_bytes": path.stat().st_size,
        "voice_load_seconds": statistics.median(loads),
        "voice_load_runs": loads,
        "loaded_voice_bit_identical": bool(np.array_equal(fresh, again)),
    }
    log(f"  10 s reference: enroll {result['enroll_10s_auto_transcript_seconds']:.2f} s with "
        f"automatic transcript, {result['enroll_10s_given_transcript_seconds']:.2f} s with a "
        f"given one; Voice.load {1000 * result['voice_load_seconds']:.1f} ms")
    return result


# ----------------------------------------------------------------------------- output

def fmt(value, spec=".3f", scale=1.0) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return format(value * scale, spec)


TABLE_HEADER = (
    "| target | ref s | GE2E base | GE2E conv | ceiling | gap | MFCC base | MFCC conv "
    "| MFCC gap | WER base | WER conv | RTF wall | RTF cpu | enroll s |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def table_row(name: str, r: dict, gap_key: str = "ge2e_gap", mfcc_gap_key: str = "mfcc_gap"
              ) -> str:
    return (f"| {name} | {fmt(r['reference_seconds'], '.1f')} | {fmt(r['ge2e_base'])} "
            f"| {fmt(r['ge2e_converted'])} | {fmt(r['ge2e_ceiling'])} "
            f"| {fmt(r[gap_key], '.0f', 100)} % | {fmt(r['mfcc_base'])} "
            f"| {fmt(r['mfcc_converted'])} | {fmt(r[mfcc_gap_key], '.0f', 100)} % "
            f"| {fmt(r['wer_base'], '.1f', 100)} % | {fmt(r['wer_converted'], '.1f', 100)} % "
            f"| {fmt(r['rtf'], '.3f')} | {fmt(r['rtf_cpu'], '.3f')} "
            f"| {fmt(r['enroll_seconds'], '.2f')} |")


def render_tables(report: dict) -> str:
    mixed = len({r["engine_used"] for r in report["targets"]}) > 1
    lines = [TABLE_HEADER]
    for kind in ("synthetic", "human"):
        for r in report["targets"]:
            if r["kind"] == kind:
                label = f"{r['sex']}, {r['engine_used']}" if mixed else r["sex"]
                lines.append(table_row(f"{r['name']} ({label})", r))
        if kind in report["averages"]:
            lines.append(table_row(f"**average {kind}**", report["averages"][kind],
                                   "ge2e_gap_of_means", "mfcc_gap_of_means"))
    out = ["\n".join(lines), ""]
    if mixed:
        out += ["Each voice against its own engine's untouched source above; against Piper "
                "joe (the built-in engine's base) here:", "",
                "| set | GE2E joe | GE2E conv | gap vs joe | MFCC gap vs joe | WER joe "
                "| WER conv |\n|---|---|---|---|---|---|---|"]
        for kind, a in report["averages"].items():
            out.append(f"| {kind} ({', '.join(f'{n} {c}' for n, c in a['engines_used'].items())})"
                       f" | {fmt(a['ge2e_base_joe'])} | {fmt(a['ge2e_converted'])} "
                       f"| {fmt(a['ge2e_gap_vs_joe_of_means'], '.0f', 100)} % "
                       f"| {fmt(a['mfcc_gap_vs_joe_of_means'], '.0f', 100)} % "
                       f"| {fmt(a['wer_base_joe'], '.1f', 100)} % "
                       f"| {fmt(a['wer_converted'], '.1f', 100)} % |")
        out.append("")
    narrow = [r for r in report["targets"] if "ge2e_gap_band" in r]
    if narrow:
        out.append("Telephone-band targets, output band-limited to the target's 8 kHz "
                   "sampling before scoring (GE2E):")
        out.append("")
        out.append("| target | base | conv | ceiling | gap |\n|---|---|---|---|---|")
        for r in narrow:
            out.append(f"| {r['name']} | {fmt(r['ge2e_base_band'])} "
                       f"| {fmt(r['ge2e_converted_band'])} | {fmt(r['ge2e_ceiling'])} "
                       f"| {fmt(r['ge2e_gap_band'], '.0f', 100)} % |")
        out.append("")
    t = report["timings"]
    rtf = (f"End-to-end RTF (all targets, warmed up): {t['rtf_end_to_end']:.3f} wall-clock, "
           f"{t['rtf_cpu_end_to_end']:.3f} in process CPU time; the base voice alone: "
           f"{t['rtf_base_piper']:.3f} wall, {t['rtf_cpu_base_piper']:.3f} CPU. ")
    enroll = ""
    if "enroll_10s_auto_transcript_seconds" in t:
        enroll = (
            f"Enrolling a {t['ten_second_reference_seconds']:.1f} s reference: "
            f"{t['enroll_10s_auto_transcript_seconds']:.2f} s wall "
            f"({t['enroll_10s_auto_transcript_cpu_seconds']:.2f} s CPU) with automatic "
            f"transcription, {t['enroll_10s_given_transcript_seconds']:.2f} s wall "
            f"({t['enroll_10s_given_transcript_cpu_seconds']:.2f} s CPU) with a given "
            f"transcript. Loading a saved voice (Voice.load, "
            f"{t['voice_file_bytes'] // 1024} KB): {1000 * t['voice_load_seconds']:.1f} ms; "
            f"loaded voice bit-identical: {t['loaded_voice_bit_identical']}. ")
    out.append(
        rtf + enroll + f"Peak RSS {t['peak_rss_mb']:.0f} MB; "
        f"wall time {t['wall_seconds']:.0f} s; 1-min load average "
        f"{t['load_average_start'][0]:.1f} at start, {t['load_average_end'][0]:.1f} at end "
        f"({os.cpu_count()} CPUs, shared).")
    return "\n".join(out)


# ----------------------------------------------------------------------------- main

def source_state() -> dict:
    """Which code was measured: the tree changes under the benchmark, so record it."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True,
                                  text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {"commit": git("rev-parse", "HEAD"),
            "modified_files": git("status", "--porcelain", "--untracked-files=no",
                                  "--", "src").splitlines()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer targets (4 synthetic, 2 human) and 3 held-out sentences")
    parser.add_argument("--dev", action="store_true",
                        help="the tuning set instead: voices, clips and sentences disjoint "
                             "from the reported set (targets.build_dev_targets)")
    parser.add_argument("--only", default="",
                        help="comma-separated target names: run just these")
    parser.add_argument("--no-timings", action="store_true",
                        help="skip the 10 s enrollment and voice-loading timings")
    parser.add_argument("--json", default=None,
                        help="where to write the full results (default "
                             "results/cloning.json, with --dev results/cloning_dev.json)")
    parser.add_argument("--targets", default="synthetic,human",
                        help="comma-separated kinds: synthetic, human (default %(default)s)")
    parser.add_argument("--engine", default="builtin", choices=("builtin", "heart", "auto"),
                        help="the engine to clone with; its own untouched voice is the base "
                             "(builtin: Piper joe, heart: hibari heart; auto: each voice on "
                             "the engine enrollment picks, against that engine's base and "
                             "against joe)")
    parser.add_argument("--save-audio", action="store_true",
                        help="write example wavs to benchmarks/results/audio/")
    args = parser.parse_args(argv)
    if args.json is None:
        args.json = str(RESULTS / ("cloning_dev.json" if args.dev else "cloning.json"))
    kinds = tuple(k.strip() for k in args.targets.split(",") if k.strip())
    unknown = set(kinds) - {"synthetic", "human"}
    if unknown:
        parser.error(f"unknown target kind(s): {', '.join(sorted(unknown))}")

    wall = time.perf_counter()
    source = source_state()  # the code this process loads now (the tree may change meanwhile)
    load_start = os.getloadavg()
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.ERROR)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    import torch

    torch.set_num_threads(1)
    import timbrel
    from timbrel.engines import get_engine
    from timbrel.metrics import (
        MfccSpeakerSpace,
        character_error_rate,
        peak_rss_mb,
        real_time_factor,
    )
    from timbrel.recognizer import transcribe

    log("building targets ...")
    if args.dev:
        targets = target_module.build_dev_targets(kinds=kinds)
        texts = target_module.DEV_HELD_OUT_TEXTS
    else:
        targets = target_module.build_targets(kinds=kinds, quick=args.quick)
        texts = target_module.HELD_OUT_TEXTS[:3] if args.quick else target_module.HELD_OUT_TEXTS
    pool = targets  # the MFCC measure is fitted on every target's truth, --only or not
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        missing = wanted - {t.name for t in targets}
        if missing:
            parser.error(f"no such target(s): {', '.join(sorted(missing))}")
        targets = [t for t in targets if t.name in wanted]
    log(f"  {len(targets)} targets, {len(texts)} held-out sentences each")

    log("loading and warming up models ...")
    for name in (["builtin", "heart"] if args.engine == "auto" else [args.engine]):
        get_engine(name).warm_up()
        warm = targets[0]
        warm_voice = timbrel.enroll((warm.reference, warm.reference_rate),
                                    transcript=warm.reference_text or "warm up", engine=name)
        timbrel.synthesize_to_array("Warming up the engine.", warm_voice,
                                    timbrel.SynthesisConfig(seed=SEED))
    transcribe(warm.reference, warm.reference_rate)

    space = MfccSpeakerSpace.fit([(clip, t.truth_rate) for t in pool for clip in t.truth])
    measures = Measures(space)

    engine_names = ["builtin", "heart"] if args.engine == "auto" else [args.engine]
    base_outputs: dict[str, dict] = {}
    base_compute, base_cpu, base_audio = 0.0, 0.0, 0.0
    for name in engine_names:
        log(f"untouched base voice ({'hibari heart' if name == 'heart' else 'Piper joe'}) ...")
        base_voice = HeartBase(get_engine(name)) if name == "heart" else BaseVoice(
            get_engine(name))
        base_voice.synthesize("Warming up.")
        outputs = base_outputs.setdefault(name, {})
        for text in texts:
            started, cpu_started = time.perf_counter(), time.process_time()
            samples = base_voice.synthesize(text)
            if name == engine_names[0]:
                base_compute += time.perf_counter() - started
                base_cpu += time.process_time() - cpu_started
                base_audio += len(samples) / base_voice.rate
            wer, heard = measures.wer(text, samples, base_voice.rate)
            outputs[text] = {"cer": character_error_rate(text, heard),
                             "samples": samples, "rate": base_voice.rate,
                             "ge2e": measures.ge2e(samples, base_voice.rate),
                             "mfcc": measures.mfcc(samples, base_voice.rate),
                             "wer": wer, "heard": heard}
    save_dir = RESULTS / "audio" if args.save_audio else None
    if save_dir is not None:
        from timbrel.audio import save_audio

        save_dir.mkdir(parents=True, exist_ok=True)
        (save_dir / ".gitignore").write_text("*\n")
        for name, outputs in base_outputs.items():
            for i, text in enumerate(texts[:2]):
                save_audio(save_dir / f"base-{name}{i}.wav", outputs[text]["samples"],
                           outputs[text]["rate"])

    log("targets ...")
    results = [run_target(t, texts, base_outputs, measures, save_dir, log, args.engine)
               for t in targets]

    log("timings ...")
    timings = {} if args.no_timings else timing_checks(target_module.allison_ten_seconds(),
                                                         measures, log, args.engine)
    total_compute = sum(s["synthesis_seconds"] for r in results for s in r["sentences"])
    total_cpu = sum(s["synthesis_cpu_seconds"] for r in results for s in r["sentences"])
    total_audio = sum(s["seconds"] for r in results for s in r["sentences"])
    timings["rtf_end_to_end"] = real_time_factor(total_compute, total_audio)
    timings["rtf_cpu_end_to_end"] = real_time_factor(total_cpu, total_audio)
    timings["rtf_base_piper"] = real_time_factor(base_compute, base_audio)
    timings["rtf_cpu_base_piper"] = real_time_factor(base_cpu, base_audio)
    timings["peak_rss_mb"] = peak_rss_mb()
    timings["wall_seconds"] = time.perf_counter() - wall
    timings["load_average_start"] = list(load_start)
    timings["load_average_end"] = list(os.getloadavg())

    averages = {}
    for kind in ("synthetic", "human"):
        chosen = [r for r in results if r["kind"] == kind]
        if chosen:
            averages[kind] = average(chosen)
    report = {
        "command": " ".join(["benchmarks/cloning.py", *(argv if argv is not None
                                                       else sys.argv[1:])]),
        "quick": args.quick,
        "dev": args.dev,
        "seed": SEED,
        "timbrel_version": timbrel.__version__,
        "engine": args.engine if args.engine == "auto" else
        f"{get_engine(args.engine).name} {get_engine(args.engine).version}",
        "engine_versions": {name: get_engine(name).version for name in base_outputs},
        "source": source,
        "synthesis_config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in
                             timbrel.SynthesisConfig(seed=SEED).resolved().to_dict().items()},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "held_out_texts": list(texts),
        "reference_sentences": list(target_module.DEV_REFERENCE_SENTENCES if args.dev
                                    else target_module.REFERENCE_SENTENCES),
        "base_voice": {name: {text: {"wer": o["wer"], "heard": o["heard"]}
                              for text, o in outputs.items()}
                       for name, outputs in base_outputs.items()},
        "skipped_targets": target_module.skipped(),
        "averages": averages,
        "timings": timings,
        "targets": results,
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, default=float))
    print(render_tables(report))
    skipped = "; ".join(f"{k}: {v}" for k, v in report["skipped_targets"].items())
    print(f"\nSkipped: {skipped}.")
    print(f"\nFull results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

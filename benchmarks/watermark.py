"""Benchmark the provenance watermark (issue 8): robustness, false alarms and cost.

    .venv/bin/python benchmarks/watermark.py            # the full run (>= 100 clips a row)
    .venv/bin/python benchmarks/watermark.py --quick    # a smoke run, a few minutes

1. Detection rate after each attack, on two carriers: timbrel's own output (three cloned
   voices x 40 two-sentence Harvard texts, marked in the streaming path exactly as
   `synthesize` does) and human speech (the longest Allison prompts, marked whole). The
   same attacks run on the unmarked twins, so each row also shows whether an attack
   can create a false mark.
2. False alarms on >= 1,000 unmarked clips: all 568 Allison prompts, flite, espeak-ng and
   festival voices, and timbrel's own output made with `watermark=False`.
3. What the mark costs: speaker similarity to the voice's reference (GE2E and the MFCC
   measure of `timbrel.metrics`), with paired standard errors, word error
   rate of the bundled recogniser, and real-time factor, marked vs unmarked.

Synthesised clips are cached under benchmarks/results/cache/; results are written to
benchmarks/results/watermark.json and .md.
"""

from __future__ import annotations

import argparse
import glob
import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile

log = logging.getLogger("benchmarks.watermark")

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ALLISON = "/usr/share/asterisk/sounds/en_US_f_Allison"
HUMAN_REF = Path("/usr/share/codec2/raw/speech_orig_16k.wav")
HUMAN_REF_TEXT = "A rainbow is a division of white light into many beautiful colours."
MALE_RAW = Path("/usr/share/codec2/raw/hts1.raw")  # 6 s, 8 kHz signed 16-bit

HARVARD = [
    "The birch canoe slid on the smooth planks.", "Glue the sheet to the dark blue background.",
    "It's easy to tell the depth of a well.", "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.", "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.", "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.", "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.", "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.",
    "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.", "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.", "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.", "The girl at the booth sold fifty bonds.",
    "The small pup gnawed a hole in the sock.", "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.", "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.", "Two blue fish swam in the tank.",
    "Her purse was full of useless trash.", "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.", "Read verse out loud for pleasure.",
    "Hoist the load to your left shoulder.", "Take the winding path to reach the lake.",
    "Note closely the size of the gas tank.", "Wipe the grease off his dirty face.",
    "Mend the coat before you go out.", "The wrist was badly strained and hung limp.",
    "The stray cat gave birth to kittens.", "The young girl gave no clear response.",
    "The meal was cooked before the bell rang.", "What joy there is in living.",
]

Clip = tuple[np.ndarray, int]
LOOSE = 0.5
SECTIONS = ("robustness", "false_alarms", "cost")
"""PerTh's own cut-off, reported beside ours to show the false-alarm/robustness trade."""


# ---------------------------------------------------------------- audio helpers

def read_allison(path: str) -> Clip:
    import av

    frames = []
    with av.open(path, format="g722") as container:
        resampler = av.AudioResampler(format="flt", layout="mono")
        rate = container.streams.audio[0].rate
        for frame in container.decode(audio=0):
            frames.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
        frames.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    return np.concatenate(frames).astype(np.float32), int(rate)


def allison_paths() -> list[str]:
    paths = sorted(glob.glob(f"{ALLISON}/**/*.g722", recursive=True))
    if not paths:
        sys.exit(f"error: no Allison prompts under {ALLISON} (apt-get install "
                 "asterisk-prompt-en-us-g722 or similar)")
    return paths


def save_clip(path: Path, clip: Clip) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), clip[0], clip[1], subtype="FLOAT")


def load_clip(path: Path) -> Clip:
    samples, rate = soundfile.read(str(path), dtype="float32")
    return samples, int(rate)


# ---------------------------------------------------------------- attacks

def codec_round_trip(clip: Clip, codec: str, container: str, bit_rate: int,
                     codec_rate: int) -> Clip:
    """Encode with FFmpeg's encoder (via PyAV) at `bit_rate`, decode back to the clip's rate."""
    import av

    samples, rate = clip
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=codec_rate, layout="mono")
        stream.bit_rate = bit_rate
        frame = av.AudioFrame.from_ndarray(samples[None, :].astype(np.float32), format="flt",
                                           layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    buffer.seek(0)
    pieces = []
    with av.open(buffer) as source:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        for decoded in source.decode(audio=0):
            pieces.extend(o.to_ndarray().reshape(-1) for o in resampler.resample(decoded))
        pieces.extend(o.to_ndarray().reshape(-1) for o in resampler.resample(None))
    return np.concatenate(pieces).astype(np.float32), rate


def resample_through(clip: Clip, middle: int) -> Clip:
    from timbrel.audio import resample

    samples, rate = clip
    return resample(resample(samples, rate, middle), middle, rate), rate


def white_noise(clip: Clip, snr_db: float, rng: np.random.Generator) -> Clip:
    samples, rate = clip
    power = float(np.mean(samples.astype(np.float64) ** 2))
    noise = rng.standard_normal(len(samples)) * np.sqrt(power / 10 ** (snr_db / 10))
    return (samples + noise).astype(np.float32), rate


def excerpt(clip: Clip, seconds: float, rng: np.random.Generator) -> Clip:
    samples, rate = clip
    length = int(seconds * rate)
    if len(samples) <= length:
        return samples, rate
    start = int(rng.integers(0, len(samples) - length))
    return samples[start:start + length], rate


def tempo(clip: Clip, factor: float) -> Clip:
    """Faster/slower with the pitch kept (phase vocoder), as a player's speed control."""
    import librosa

    samples, rate = clip
    return librosa.effects.time_stretch(samples, rate=factor).astype(np.float32), rate


def tape_speed(clip: Clip, factor: float) -> Clip:
    """Faster/slower with the pitch following (resampled, played at the old rate)."""
    from fractions import Fraction

    from scipy.signal import resample_poly

    samples, rate = clip
    ratio = Fraction(factor).limit_denominator(100)
    return resample_poly(samples, ratio.denominator, ratio.numerator).astype(np.float32), rate


def attacks(seed: int) -> dict[str, Callable[[Clip], Clip]]:
    rng = np.random.default_rng(seed)
    return {
        "none": lambda c: c,
        "mp3 128 kbit/s": lambda c: codec_round_trip(c, "libmp3lame", "mp3", 128_000, c[1]),
        "opus 32 kbit/s": lambda c: codec_round_trip(c, "libopus", "ogg", 32_000, 48_000),
        "resample 16 kHz and back": lambda c: resample_through(c, 16_000),
        "white noise 20 dB SNR": lambda c: white_noise(c, 20.0, rng),
        "random 3 s excerpt": lambda c: excerpt(c, 3.0, rng),
        "speed 0.9x (tempo, pitch kept)": lambda c: tempo(c, 0.9),
        "speed 1.1x (tempo, pitch kept)": lambda c: tempo(c, 1.1),
        "speed 0.9x (tape, pitch follows)": lambda c: tape_speed(c, 0.9),
        "speed 1.1x (tape, pitch follows)": lambda c: tape_speed(c, 1.1),
    }


# ---------------------------------------------------------------- the clips

def timbrel_voices(count: int) -> list[tuple[str, object]]:
    import timbrel

    voices = [("codec2-female", timbrel.enroll(HUMAN_REF, transcript=HUMAN_REF_TEXT,
                                               engine="builtin"))]
    if count > 1:
        male = np.fromfile(MALE_RAW, dtype="<i2").astype(np.float32) / 32768.0
        voices.append(("codec2-male", timbrel.enroll((male[: 8000 * 12], 8000), engine="builtin")))
    if count > 2:
        longest = sorted(allison_paths(), key=lambda p: -Path(p).stat().st_size)[:5]
        pieces = [read_allison(p) for p in longest]
        gap = np.zeros(pieces[0][1] // 4, np.float32)
        joined = np.concatenate([x for s, _ in pieces for x in (s, gap)])
        voices.append(("allison", timbrel.enroll((joined[: pieces[0][1] * 14],
                                                  pieces[0][1]), engine="builtin")))
    return voices


def timbrel_clips(cache: Path, voices: int, texts: int) -> list[dict]:
    """Plain and marked twins from the real render path, with synthesis and marking times.

    Each text is synthesised once with `watermark=False` and cached with its chunk
    lengths; the marked twin is made on every run (so a change to the mark is always
    what is measured) by passing the same chunks through `render.watermark_chunk`,
    which is exactly what `synthesize` does to each chunk when the mark is on (pauses
    between chunks stay unmarked). So the twins differ by the mark alone, and its cost
    in time is measured directly.
    """
    import timbrel

    index_path = cache / "timbrel" / f"index_{voices}x{texts}_plain.json"
    if index_path.is_file():
        entries = json.loads(index_path.read_text())
    else:
        entries = []
        for name, voice in timbrel_voices(voices):
            for number in range(texts):
                text = f"{HARVARD[number]} {HARVARD[(number + 1) % len(HARVARD)]}"
                entry = {"voice": name, "text": text}
                started = time.perf_counter()
                chunks = list(timbrel.synthesize(text, voice,
                                                 timbrel.SynthesisConfig(watermark=False)))
                entry["plain_seconds"] = time.perf_counter() - started
                rate = chunks[0].sample_rate
                path = cache / "timbrel" / f"{name}_{number:03d}_plain.wav"
                save_clip(path, (np.concatenate([c.samples for c in chunks]), rate))
                entry["plain"] = str(path)
                entry["chunk_lengths"] = [len(c.samples) for c in chunks]
                entry["audio_seconds"] = sum(len(c.samples) for c in chunks) / rate
                ref_path = cache / "timbrel" / f"{name}_reference.wav"
                if not ref_path.is_file():
                    save_clip(ref_path, (np.asarray(voice.reference), voice.reference_rate))
                entry["reference"] = str(ref_path)
                entries.append(entry)
                log.info("timbrel clip %s %d: %.1f s", name, number, entry["audio_seconds"])
        index_path.write_text(json.dumps(entries, indent=1))
    for entry in entries:
        mark_twin(entry, cache / "timbrel" / "marked")
    return entries


def mark_twin(entry: dict, folder: Path) -> None:
    """Mark a cached plain clip chunk by chunk as `synthesize` does; time it."""
    from timbrel.audio import AudioChunk
    from timbrel.render import watermark_chunk

    samples, rate = load_clip(Path(entry["plain"]))
    bounds = np.cumsum([0, *entry["chunk_lengths"]])
    chunks = [AudioChunk(samples=samples[a:b], sample_rate=rate, text="")
              for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    started = time.perf_counter()
    marked = [watermark_chunk(chunk) if np.any(chunk.samples) else chunk
              for chunk in chunks]  # the pauses (all zeros) are not marked
    entry["mark_seconds"] = time.perf_counter() - started
    path = folder / Path(entry["plain"]).name.replace("_plain", "_marked")
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.wav")
    save_clip(partial, (np.concatenate([c.samples for c in marked]), rate))
    partial.replace(path)  # whole files only, even with several runs at once (--only)
    entry["marked"] = str(path)


def other_tts_clips(cache: Path, per_voice: int) -> list[tuple[str, Path]]:
    """Unmarked speech from the system's flite, espeak-ng and festival voices."""
    commands: dict[str, Callable[[str, Path], list[str]]] = {}
    for voice in ("kal", "kal16", "awb", "rms", "slt"):
        commands[f"flite-{voice}"] = lambda t, o, v=voice: ["flite", "-voice", v, "-t", t,
                                                            "-o", str(o)]
    for voice in ("en-us", "en-gb", "en-gb-x-rp", "en-029", "en-us+f3"):
        commands[f"espeak-{voice}"] = lambda t, o, v=voice: ["espeak-ng", "-v", v,
                                                             "-w", str(o), t]
    for voice in ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"):
        commands[f"festival-{voice}"] = lambda t, o, v=voice: [
            "text2wave", "-eval", f"(voice_{v})", "-o", str(o)]
    clips = []
    for name, command in commands.items():
        count = per_voice // 3 if name.startswith("festival") else per_voice
        for number in range(count):
            text = HARVARD[number % len(HARVARD)]
            path = cache / "tts" / f"{name}_{number:03d}.wav"
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                argv = command(text, path)
                stdin = text if name.startswith("festival") else None
                done = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                                      timeout=120)
                if done.returncode or not path.is_file():
                    log.warning("%s failed (%s); skipped", name, done.stderr.strip()[:200])
                    break
            clips.append((name, path))
    return clips


# ---------------------------------------------------------------- measurements

def robustness(carriers: dict[str, list[tuple[Clip, Clip]]], seed: int,
               plain_every: int, only: tuple[str, ...] = ()) -> list[dict]:
    """Per attack and carrier: detection rate on marked clips, false marks on plain twins.

    Unmarked clips are the slow ones to score (every one runs the detector's speed
    search), so false marks are counted on every `plain_every`-th twin; the false-alarm
    section below is the full count."""
    from timbrel.watermark import THRESHOLD, watermark_score

    rows = []
    for attack_name in attacks(seed):
        if only and not attack_name.startswith(only):
            continue
        row: dict = {"attack": attack_name}
        for carrier, pairs in carriers.items():
            attack = attacks(seed)[attack_name]  # fresh, seeded randomness per carrier
            marked = [watermark_score(*attack(m)) for _, m in pairs]
            plain = [watermark_score(*attack(p)) for p, _ in pairs[::plain_every]]
            row[carrier] = {
                "clips": len(pairs), "plain_clips": len(plain),
                "detected": int(sum(s >= THRESHOLD for s in marked)),
                "rate": float(np.mean([s >= THRESHOLD for s in marked])),
                "min_score": float(np.min(marked)),
                "mean_score": float(np.mean(marked)),
                "false_marks": int(sum(s >= THRESHOLD for s in plain)),
                "detected_at_0.5": int(sum(s >= LOOSE for s in marked)),
                "false_marks_at_0.5": int(sum(s >= LOOSE for s in plain)),
                "max_plain_score": float(np.max(plain)),
            }
        rows.append(row)
        log.info("%s", json.dumps(row))
    return rows


def false_alarms(sets: dict[str, list[Clip]]) -> dict:
    from timbrel.watermark import THRESHOLD, watermark_score

    per_set, everything = {}, []
    for name, clips in sets.items():
        scores = [watermark_score(*clip) for clip in clips]
        everything.extend(scores)
        per_set[name] = {"clips": len(scores), "alarms": int(sum(s >= THRESHOLD for s in scores)),
                         "alarms_at_0.5": int(sum(s >= LOOSE for s in scores)),
                         "max_score": float(np.max(scores)) if scores else 0.0}
    scores = np.asarray(everything)
    return {"clips": len(scores), "alarms": int(np.sum(scores >= THRESHOLD)),
            "rate": float(np.mean(scores >= THRESHOLD)), "max_score": float(scores.max()),
            "alarms_at_0.5": int(np.sum(scores >= LOOSE)),
            "p99_9_score": float(np.percentile(scores, 99.9)), "by_source": per_set}


def cost(entries: list[dict], limit: int, mfcc_pool: list[Clip]) -> dict:
    """Similarity (GE2E and the MFCC measure), WER and RTF of marked vs plain twins.

    Each cost is the mean of the per-clip differences (plain minus marked for similarity,
    marked minus plain for WER) with its paired standard error. The MFCC measure's
    z-scoring is fitted on `mfcc_pool` (unmarked speech of many voices)."""
    from timbrel.metrics import MfccSpeakerSpace, speaker_similarity, word_error_rate
    from timbrel.recognizer import transcribe
    from timbrel.watermark import apply_watermark

    space = MfccSpeakerSpace.fit(mfcc_pool)
    sims: dict[str, list[float]] = {"plain": [], "marked": []}
    mfccs: dict[str, list[float]] = {"plain": [], "marked": []}
    wers: dict[str, list[float]] = {"plain": [], "marked": []}
    for entry in entries[:limit]:
        reference = load_clip(Path(entry["reference"]))
        for kind in ("plain", "marked"):
            clip = load_clip(Path(entry[kind]))
            sims[kind].append(speaker_similarity(*clip, *reference))
            mfccs[kind].append(space.similarity(*clip, *reference))
            wers[kind].append(word_error_rate(entry["text"], transcribe(*clip)))
    apply_watermark(*load_clip(Path(entries[0]["plain"])))  # warm up
    mark_seconds = mark_cpu = audio_seconds = 0.0
    for entry in entries[:limit]:
        clip = load_clip(Path(entry["plain"]))
        started, cpu = time.perf_counter(), time.process_time()
        apply_watermark(*clip)
        mark_seconds += time.perf_counter() - started
        mark_cpu += time.process_time() - cpu
        audio_seconds += len(clip[0]) / clip[1]
    total_audio = sum(e["audio_seconds"] for e in entries)
    rtf_plain = sum(e["plain_seconds"] for e in entries) / total_audio
    rtf_marked = rtf_plain + sum(e["mark_seconds"] for e in entries) / total_audio
    ge2e = paired_cost(sims["plain"], sims["marked"])
    mfcc = paired_cost(mfccs["plain"], mfccs["marked"])
    wer = paired_cost(wers["marked"], wers["plain"])
    return {
        "clips": len(sims["plain"]),
        "similarity_plain": float(np.mean(sims["plain"])),
        "similarity_marked": float(np.mean(sims["marked"])),
        "similarity_cost": ge2e[0], "similarity_cost_se": ge2e[1],
        "mfcc_similarity_plain": float(np.mean(mfccs["plain"])),
        "mfcc_similarity_marked": float(np.mean(mfccs["marked"])),
        "mfcc_similarity_cost": mfcc[0], "mfcc_similarity_cost_se": mfcc[1],
        "wer_plain": float(np.mean(wers["plain"])),
        "wer_marked": float(np.mean(wers["marked"])),
        "wer_cost_points": 100 * wer[0], "wer_cost_points_se": 100 * wer[1],
        "per_clip": {"ge2e": sims, "mfcc": mfccs, "wer": wers},
        "voices": [entry["voice"] for entry in entries[:limit]],
        "rtf_watermark_only": mark_seconds / audio_seconds,
        "cpu_seconds_per_audio_second": mark_cpu / audio_seconds,
        "rtf_synthesis_plain": rtf_plain,
        "rtf_synthesis_marked": rtf_marked,
        "rtf_cost": rtf_marked - rtf_plain,
    }


def paired_cost(before: list[float], after: list[float]) -> tuple[float, float]:
    """Mean of before - after over paired clips, and its standard error."""
    differences = np.asarray(before, dtype=np.float64) - np.asarray(after, dtype=np.float64)
    spread = float(differences.std(ddof=1)) if len(differences) > 1 else float("nan")
    return float(differences.mean()), spread / np.sqrt(len(differences))


# ---------------------------------------------------------------- report

def markdown(result: dict) -> str:
    """The report; sections left out of the run (`--only`) are left out of it."""
    lines = robustness_table(result) if "robustness" in result else []
    if "false_alarms" in result:
        lines += false_alarm_table(result)
    if "cost" in result:
        lines += cost_table(result["cost"])
    return "\n".join(lines)


def robustness_table(result: dict) -> list[str]:
    carriers = list(result["carriers"])
    lines = ["| attack | " + " | ".join(f"{c}: detected (min score) | at 0.5 | {c}: false marks"
                                         for c in carriers) + " |",
             "|---|" + "---|---|---|" * len(carriers)]
    for row in result["robustness"]:
        cells = []
        for carrier in carriers:
            cell = row[carrier]
            cells.append(f"{cell['detected']}/{cell['clips']} = {100 * cell['rate']:.1f} % "
                         f"({cell['min_score']:.2f})")
            cells.append(f"{cell['detected_at_0.5']}/{cell['clips']}")
            cells.append(f"{cell['false_marks']}/{cell['plain_clips']} "
                         f"({cell['false_marks_at_0.5']} at 0.5)")
        lines.append(f"| {row['attack']} | " + " | ".join(cells) + " |")
    return lines + [""]


def false_alarm_table(result: dict) -> list[str]:
    fa = result["false_alarms"]
    lines = [f"False alarms: {fa['alarms']}/{fa['clips']} = {100 * fa['rate']:.2f} % "
              f"(highest score {fa['max_score']:.3f}, 99.9th percentile "
              f"{fa['p99_9_score']:.3f}; threshold {result['threshold']}); "
              f"at 0.5: {fa['alarms_at_0.5']}/{fa['clips']}", "",
              "| unmarked source | clips | alarms | alarms at 0.5 | highest score |",
              "|---|---|---|---|---|"]
    for name, cell in fa["by_source"].items():
        lines.append(f"| {name} | {cell['clips']} | {cell['alarms']} | "
                     f"{cell['alarms_at_0.5']} | {cell['max_score']:.3f} |")
    return lines + [""]


def cost_table(c: dict) -> list[str]:
    lines = [f"Cost over {c['clips']} timbrel clips (marked vs unmarked twins; "
              "± one paired standard error):", "",
              "| measure | unmarked | marked | cost |", "|---|---|---|---|",
              f"| speaker similarity to reference (GE2E) | {c['similarity_plain']:.4f} | "
              f"{c['similarity_marked']:.4f} | {c['similarity_cost']:+.4f} "
              f"± {c['similarity_cost_se']:.4f} |",
              f"| speaker similarity to reference (MFCC measure) | "
              f"{c['mfcc_similarity_plain']:.4f} | {c['mfcc_similarity_marked']:.4f} | "
              f"{c['mfcc_similarity_cost']:+.4f} ± {c['mfcc_similarity_cost_se']:.4f} |",
              f"| WER, bundled recogniser | {100 * c['wer_plain']:.2f} % | "
              f"{100 * c['wer_marked']:.2f} % | {c['wer_cost_points']:+.2f} "
              f"± {c['wer_cost_points_se']:.2f} points |",
              f"| real-time factor of synthesis | {c['rtf_synthesis_plain']:.3f} | "
              f"{c['rtf_synthesis_marked']:.3f} | {c['rtf_cost']:+.3f} |",
              f"| real-time factor of the mark alone (wall) | | | "
              f"{c['rtf_watermark_only']:.4f} |",
              f"| CPU seconds of the mark per audio second (all threads) | | | "
              f"{c['cpu_seconds_per_audio_second']:.4f} |", "",
              "| voice | clips | GE2E cost | MFCC cost | WER cost (points) |",
              "|---|---|---|---|---|"]
    voices = np.asarray(c["voices"])
    for voice in dict.fromkeys(c["voices"]):
        chosen = voices == voice
        cells = []
        for measure, sign, scale in (("ge2e", 1, 1), ("mfcc", 1, 1), ("wer", -1, 100)):
            plain = np.asarray(c["per_clip"][measure]["plain"])[chosen]
            marked = np.asarray(c["per_clip"][measure]["marked"])[chosen]
            mean, error = paired_cost(*((plain, marked) if sign > 0 else (marked, plain)))
            cells.append(f"{scale * mean:+.4f} ± {scale * error:.4f}")
        lines.append(f"| {voice} | {int(chosen.sum())} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few clips: a smoke run")
    parser.add_argument("--cache", type=Path, default=RESULTS / "cache")
    parser.add_argument("--out", type=Path, default=RESULTS / "watermark")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS),
                        help="run just these sections (written to <out>_<section>...)")
    parser.add_argument("--attacks", nargs="+", default=[], metavar="PREFIX",
                        help="robustness: only the attacks whose names start so")
    parser.add_argument("--cost-clips", type=int, default=0,
                        help="cost: the first this many timbrel clips (default: all, "
                        "120 = 3 voices x 40; the first 60 are only 2 voices)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    args.cache.mkdir(parents=True, exist_ok=True)
    (args.cache / ".gitignore").write_text("*\n")
    voices, texts = (2, 6) if args.quick else (3, 40)
    per_tts_voice = 6 if args.quick else 40
    allison_rows = 12 if args.quick else 120
    started = time.perf_counter()

    from timbrel.watermark import THRESHOLD, apply_watermark

    entries = timbrel_clips(args.cache, voices, texts)
    allison = [read_allison(path) for path in allison_paths()]
    longest = sorted(allison, key=lambda clip: -len(clip[0]))[:allison_rows]
    carriers = {
        "timbrel output": [(load_clip(Path(e["plain"])), load_clip(Path(e["marked"])))
                           for e in entries],
        "human (Allison)": [(clip, (apply_watermark(*clip), clip[1])) for clip in longest],
    }
    result: dict = {"threshold": THRESHOLD, "quick": args.quick, "carriers": list(carriers)}
    if "robustness" in args.only:
        result["robustness"] = robustness(carriers, args.seed,
                                          plain_every=1 if args.quick else 3,
                                          only=tuple(args.attacks))
    if "false_alarms" in args.only:
        others: dict[str, list[Clip]] = {"Allison prompts (human)":
                                         allison[: 60 if args.quick else None]}
        for name, path in other_tts_clips(args.cache, per_tts_voice):
            others.setdefault(name.split("-")[0], []).append(load_clip(path))
        others["timbrel --no-watermark"] = [pair[0] for pair in carriers["timbrel output"]]
        result["false_alarms"] = false_alarms(others)
    if "cost" in args.only:
        pool = [pair[0] for pair in carriers["timbrel output"]] + allison[::4] + [
            load_clip(Path(entry["reference"])) for entry in entries[::texts]]
        result["cost"] = cost(entries, args.cost_clips or len(entries), pool)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    suffix = "_quick" if args.quick else ""
    if set(args.only) != set(SECTIONS):
        suffix += "_" + "_".join(section for section in SECTIONS if section in args.only)
    if args.attacks:
        suffix += "_" + "_".join(prefix.replace(" ", "-") for prefix in args.attacks)
    Path(f"{args.out}{suffix}.json").write_text(json.dumps(result, indent=1))
    table = markdown(result)
    Path(f"{args.out}{suffix}.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

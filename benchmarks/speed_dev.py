"""Dev-set check for fast speech: Whisper tiny.en WER of the builtin engine's speed-ups under
different timing strategies. Never uses controls.py's held-out sentences.

    .venv/bin/python benchmarks/speed_dev.py --speeds 2.0 --variants current,uneven-0.68

Three dev voices (flite slt, flite rms, the Allison prompts) x 24 Harvard sentences, none
of controls.py's (13 are also cloning.py held-out sentences, 5 its dev sentences). The
recogniser's fallback sampling is seeded per clip, so a variant's figure depends only on
its audio. Clips are decoded by `transcribe_clip` (the encoder on the clip plus 3 s:
several times cheaper) unless --full-window. Prints a table and writes
benchmarks/results/speed_dev.json (merged with earlier runs).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

import timbrel
from targets import ALLISON_DIR, ALLISON_REFERENCE, decode_g722
from timbrel.engines.builtin import engine as builtin_engine
from timbrel.engines.builtin import fast_timing
from timbrel.metrics import word_error_rate
from timbrel.recognizer import transcribe, transcribe_clip

HERE = Path(__file__).resolve().parent
DEV_SENTENCES = (
    "The frosty air passed through the coat.",
    "The crooked maze failed to fool the mouse.",
    "Adding fast leads to wrong sums.",
    "The show was a flop from the very start.",
    "A saw is a tool used for making boards.",
    "The wagon moved on well oiled wheels.",
    "March the soldiers past the next hill.",
    "A cup of sugar makes sweet fudge.",
    "Place a rosebush near the porch steps.",
    "Both lost their lives in the raging storm.",
    "We talked of the side show in the circus.",
    "Use a pencil to write the first draft.",
    "He ran half way to the hardware store.",
    "The clock struck to mark the third period.",
    "A small creek cut across the field.",
    "Cars and busses stalled in snow drifts.",
    "The set of china hit the floor with a crash.",
    "This is a grand season for hikes on the road.",
    "The dune rose from the edge of the water.",
    "Those words were the cue for the actor to leave.",
    "A yacht slid around the point into the bay.",
    "The two met while playing on the sand.",
    "The ink stain dried on the finished page.",
    "The walled town was seized without a fight.",
)
RAINBOW = ("When the sunlight strikes raindrops in the air, they act as a prism and form a "
           "rainbow. The rainbow is a division of white light into many beautiful colors.")
FULL_WINDOW = False  # transcribe_clip (encoder on the clip only) unless --full-window
SPEECH = fast_timing.SPEECH_CLASS_EXPONENTS
PAUSES = dict(fast_timing.EXPONENTS)  # the engine's table: pauses only
EVEN = dict.fromkeys(SPEECH, 1.0)
STRONG = {"sil": 2.5, "#vowel": 1.3, "#approximant": 1.0, "#nasal": 0.8, "#fricative": 0.5,
          "#stop": 0.4, "#other": 1.0}
# name -> (uneven speed-up, fastest ratio Piper's own timing makes, class exponents
# [, other synthesis settings, keep the edges' silence])
VARIANTS = {
    "length-scale-0.68": (False, 0.68, None),  # the default: length scale, PSOLA below 0.68
    "psola-only": (False, 1.0, None),
    "uneven-0.68": (True, 0.68, SPEECH),  # speech classes shrink in frames too
    "uneven-0.8": (True, 0.8, SPEECH),
    "uneven-0.6": (True, 0.6, SPEECH),
    "uneven-full": (True, 0.0, SPEECH),
    "uneven-strong-full": (True, 0.0, STRONG),
    "even-frames-full": (True, 0.0, EVEN),
    "even-frames-0.68": (True, 0.68, EVEN),
    "pauses-only": (True, 0.0, PAUSES, {}, False),  # the edges' silence too
    "inner-pauses": (True, 0.0, PAUSES, {}, True),  # pauses between words only
    "pauses-only-low-noise": (True, 0.0, PAUSES, {"noise_scale": 0.4, "noise_w": 0.4}),
}


def dev_voices(codec2: bool = False) -> dict[str, timbrel.Voice]:
    if codec2:  # the voice controls.py's speed section uses, on the dev sentences
        return {"codec2 two-speaker": timbrel.enroll(
            "/usr/share/codec2/raw/speech_orig_16k.wav", transcript="", engine="builtin")}
    made = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("slt", "rms"):
            path = Path(tmp) / f"{name}.wav"
            subprocess.run(["flite", "-voice", name, "-t", RAINBOW, "-o", str(path)],
                           check=True)
            made[f"flite-{name}"] = timbrel.enroll(path, transcript="", engine="builtin")
    pieces = [decode_g722(ALLISON_DIR / f"{name}.g722") for name in ALLISON_REFERENCE]
    made["allison"] = timbrel.enroll((np.concatenate([p[0] for p in pieces]), pieces[0][1]),
                                     transcript="", engine="builtin")
    return made


def run_variant(name: str, speed: float, voices: dict[str, timbrel.Voice]) -> dict:
    import ctranslate2

    uneven, fastest, exponents, *extra = VARIANTS[name]
    settings = extra[0] if extra else {}
    keep_edges = extra[1] if len(extra) > 1 else False
    defaults = (builtin_engine.UNEVEN_SPEEDUP, builtin_engine.FASTEST_TIMED_RATIO,
                builtin_engine.FASTEST_PIPER_RATIO, dict(fast_timing.EXPONENTS),
                fast_timing.KEEP_EDGES)
    fast_timing.KEEP_EDGES = keep_edges
    builtin_engine.UNEVEN_SPEEDUP = uneven
    if uneven:
        builtin_engine.FASTEST_TIMED_RATIO = fastest
    else:
        builtin_engine.FASTEST_PIPER_RATIO = fastest
    fast_timing.EXPONENTS.clear()
    fast_timing.EXPONENTS.update(exponents or defaults[3])
    try:
        wers, per_voice = [], {}
        for voice_name, voice in voices.items():
            mine = []
            for text in DEV_SENTENCES:
                samples, rate = timbrel.synthesize_to_array(
                    text, voice, timbrel.SynthesisConfig(watermark=False, speed=speed, **settings))
                ctranslate2.set_random_seed(0)
                heard = (transcribe if FULL_WINDOW else transcribe_clip)(samples, rate)
                mine.append(word_error_rate(text, heard))
            per_voice[voice_name] = float(np.mean(mine))
            wers += mine
    finally:
        (builtin_engine.UNEVEN_SPEEDUP, builtin_engine.FASTEST_TIMED_RATIO,
         builtin_engine.FASTEST_PIPER_RATIO) = defaults[:3]
        fast_timing.EXPONENTS.clear()
        fast_timing.EXPONENTS.update(defaults[3])
        fast_timing.KEEP_EDGES = defaults[4]
    return {"wer": float(np.mean(wers)), "per_voice": per_voice, "clips": len(wers)}


def human_floor(count: int) -> dict:
    """Whisper tiny.en on real speech made 2x faster by PSOLA alone (Praat "Lengthen
    (overlap-add)", as the engine re-times): WER against its own transcript of the clip
    at 1x, over the longest Allison prompts. How much 2x costs this recogniser even on
    human speech."""
    import ctranslate2
    import parselmouth
    from parselmouth.praat import call

    clips = []
    for path in sorted(ALLISON_DIR.glob("*.g722")):
        samples, rate = decode_g722(path)
        clips.append((len(samples) / rate, path.stem, samples, rate))
    clips = sorted(clips, key=lambda c: -c[0])[:count]
    rows = {}
    for factor in (1.0, 0.5):
        wers = []
        for _, _name, samples, rate in clips:
            ctranslate2.set_random_seed(0)
            reference = transcribe(samples, rate)
            sound = parselmouth.Sound(samples.astype(np.float64), sampling_frequency=rate)
            faster = call(sound, "Lengthen (overlap-add)", 60, 400, factor)
            ctranslate2.set_random_seed(0)
            heard = transcribe(np.asarray(faster.values[0], np.float32), rate)
            wers.append(word_error_rate(reference, heard) if reference.strip() else 0.0)
        rows[str(1.0 / factor)] = float(np.mean(wers))
        print(f"| human (Allison, {len(clips)} prompts) re-timed | {1.0 / factor} | "
              f"{100 * np.mean(wers):.1f} |", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeds", default="2.0")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--full-window", action="store_true",
                        help="decode over Whisper's 30 s window as controls.py does (slower)")
    parser.add_argument("--human-floor", type=int, default=0, metavar="N",
                        help="only measure 2x PSOLA on the N longest real Allison prompts")
    parser.add_argument("--codec2-voice", action="store_true",
                        help="controls.py's voice (two-speaker codec2 clip) instead of the "
                             "three dev voices")
    args = parser.parse_args()
    out = HERE / "results" / "speed_dev.json"
    results = json.loads(out.read_text()) if out.is_file() else {}
    results.setdefault("runs", {})
    if args.human_floor:
        print("| clips | speed | WER % vs own 1x transcript |\n|---|---|---|")
        results["runs"]["human floor"] = human_floor(args.human_floor)
        out.write_text(json.dumps(results, indent=2))
        return
    global FULL_WINDOW
    FULL_WINDOW = args.full_window
    voices = dev_voices(args.codec2_voice)
    print("| speed | variant | WER % | per voice |\n|---|---|---|---|")
    for speed in (float(s) for s in args.speeds.split(",")):
        for name in args.variants.split(","):
            row = run_variant(name, speed, voices)
            key = f"{speed} {name}{' full-window' if FULL_WINDOW else ''}"
            results["runs"][key + (" codec2-voice" if args.codec2_voice else "")] = row
            voices_text = ", ".join(f"{v} {100 * w:.1f}" for v, w in row["per_voice"].items())
            print(f"| {speed} | {name} | {100 * row['wer']:.1f} | {voices_text} |", flush=True)
            out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

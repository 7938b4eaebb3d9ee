"""Long-form rendering: a >= 20,000-character chapter in one call.

Measures peak RSS, real-time factor (long vs short text), time to first audio, and drift
per segment (speaker similarity to the reference and to the voice as the engine speaks it,
loudness, speaking rate) as slope per 10 minutes and spread.

    .venv/bin/python benchmarks/longform.py [--chars 20000] [--json out.json]
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
from timbrel.drift import trend
from timbrel.leveling import true_peak_dbtp
from timbrel.metrics import cosine, peak_rss_mb
from timbrel.qa import anchor_embedding
from timbrel.speaker_encoder import ge2e_embedding

REFERENCE = "/usr/share/codec2/raw/speech_orig_16k.wav"
TRANSCRIPT = "A rainbow is a division of white light into many beautiful colours."
SENTENCES = [
    "The lighthouse stood at the end of a narrow spit of land, white against the grey sea.",
    "Every evening the keeper climbed the hundred and twelve steps to light the lamp.",
    "He counted them aloud, as his father had done, and his father before him.",
    "In winter the wind came straight from the north, and the windows rattled in their frames.",
    "Ships passed far out on the water, their lights moving slowly from east to west.",
    "Sometimes a fishing boat came close enough for him to hear the men calling to each other.",
    "He kept a log of every ship, every storm, and every change in the colour of the sky.",
    "The village lay two miles inland, behind a ridge of dunes and twisted pines.",
    "Once a week he walked there for bread, salt, lamp oil and the newspapers.",
    "The baker's daughter always asked him whether he was lonely out on the point.",
    "He always told her that a man with a lamp to keep is never quite alone.",
    "It was not entirely true, but it was true enough for a Tuesday morning.",
    "On the long nights he read by the light of a small candle, careful not to waste it.",
    "His favourite books were about travellers who crossed deserts and frozen rivers.",
    "He had never been further than the market town, forty miles along the coast road.",
    "In spring the gulls returned and built untidy nests on the rocks below the tower.",
    "Their cries woke him at dawn, long before the sun cleared the edge of the water.",
    "He did not mind, because the mornings were the best part of the day.",
    "The sea was often calm then, and the light on it was soft and silver.",
    "One autumn a storm lasted for three days and three nights without a pause.",
    "The waves broke over the lower rocks and threw spray as high as the gallery.",
    "He kept the lamp burning the whole time, sleeping only in short, uneasy turns.",
    "On the third night he saw a light where no light should have been.",
    "A small boat was drifting towards the reef, its sail torn and its mast bent.",
    "He rang the bell, again and again, until his arms ached and his ears were ringing.",
    "At last the boat turned, slowly, and found the channel between the rocks.",
    "In the morning two young men knocked at his door, soaked and shivering.",
    "He gave them tea, dry blankets, and the last of the bread from the village.",
    "They stayed until the weather cleared, and told him stories of distant harbours.",
    "When they left, they promised to write, and to his surprise, they did.",
]


def chapter(chars: int, seed: int = 7) -> str:
    """Paragraphs of four to seven sentences drawn in a fixed shuffled order."""
    rng = random.Random(seed)
    paragraphs: list[str] = ["Chapter One. The Keeper of the Light."]
    total = len(paragraphs[0])
    while total < chars:
        count = rng.randint(4, 7)
        paragraph = " ".join(rng.sample(SENTENCES, count))
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def timed_stream(text: str, voice: timbrel.Voice, config: timbrel.SynthesisConfig):
    """Yield (chunk, seconds spent producing it): measurement time stays out of the RTF."""
    stream = timbrel.synthesize(text, voice, config)
    while True:
        started = time.perf_counter()
        try:
            chunk = next(stream)
        except StopIteration:
            return
        yield chunk, time.perf_counter() - started


def short_rtf(voice: timbrel.Voice, config: timbrel.SynthesisConfig) -> float:
    compute = audio = 0.0
    for sentence in SENTENCES[:8]:
        for chunk, spent in timed_stream(sentence, voice, config):
            compute += spent
            audio += chunk.duration
    return compute / audio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=20000)
    parser.add_argument("--loudness", type=float, default=None,
                        help="target loudness in LUFS (default: the voice's, -23)")
    parser.add_argument("--json", help="write all figures and per-segment rows here")
    parser.add_argument("--engine", default="auto", choices=("auto", "builtin", "heart"),
                        help="the engine the voice is enrolled with (auto: the default "
                             "path, heart for this reference)")
    args = parser.parse_args()

    voice = timbrel.enroll(REFERENCE, transcript=TRANSCRIPT, engine=args.engine)
    print(f"voice on the {voice.engine} engine")
    config = timbrel.SynthesisConfig(seed=1, loudness_lufs=args.loudness)
    target_lufs = config.resolved(dict(voice.defaults)).loudness_lufs
    list(timbrel.synthesize("Warm up.", voice, config))  # engine, watermark model loaded
    anchor = anchor_embedding(voice, config.resolved(dict(voice.defaults)))
    rtf_short = short_rtf(voice, config)

    text = chapter(args.chars)
    reference = np.asarray(voice.embedding)
    rows = []
    clock = compute = 0.0
    first_audio = None
    started = time.perf_counter()
    window: list[np.ndarray] = []
    window_start, windows = 0.0, []
    peak_dbtp = float("-inf")
    folder = tempfile.TemporaryDirectory()
    chapter_file = Path(folder.name) / "chapter.wav"
    writer = None
    for chunk, spent in timed_stream(text, voice, config):
        if writer is None:
            writer = soundfile.SoundFile(str(chapter_file), "w", samplerate=chunk.sample_rate,
                                         channels=1, subtype="FLOAT")
        writer.write(chunk.samples)
        compute += spent
        if first_audio is None:
            first_audio = time.perf_counter() - started
        if chunk.text:
            embedding = ge2e_embedding(chunk.samples, chunk.sample_rate) \
                if chunk.duration >= 1.0 else None
            rows.append({
                "start": clock, "seconds": chunk.duration,
                "similarity": None if embedding is None else cosine(embedding, reference),
                "consistency": None if embedding is None else cosine(embedding, anchor),
                "loudness": timbrel.audio.loudness_lufs(chunk.samples, chunk.sample_rate),
                "rate": len(chunk.text) / chunk.duration,
            })
            peak_dbtp = max(peak_dbtp, true_peak_dbtp(chunk.samples))
            window.append(chunk.samples)
        clock += chunk.duration
        if clock - window_start >= 30.0 and window:
            embedding = ge2e_embedding(np.concatenate(window), chunk.sample_rate)
            windows.append((window_start + (clock - window_start) / 2,
                            cosine(embedding, reference), cosine(embedding, anchor)))
            window, window_start = [], clock
    rtf_long = compute / clock
    peak_rss = peak_rss_mb()  # before the whole chapter is read back to measure it
    writer.close()
    whole, rate = soundfile.read(str(chapter_file), dtype="float32")
    chapter_lufs = timbrel.audio.loudness_lufs(whole, rate)
    del whole
    folder.cleanup()
    middles = [r["start"] + r["seconds"] / 2 for r in rows]
    figures = {
        "characters": len(text), "segments": len(rows), "audio_minutes": clock / 60,
        "peak_rss_mb": peak_rss, "target_lufs": target_lufs,
        "chapter_integrated_lufs": chapter_lufs, "max_true_peak_dbtp": peak_dbtp,
        "rtf_short": rtf_short, "rtf_long": rtf_long,
        "rtf_long_vs_short": rtf_long / rtf_short, "time_to_first_audio_s": first_audio,
        "similarity_to_reference": trend(middles, [r["similarity"] for r in rows]),
        "similarity_to_voice_as_spoken": trend(middles, [r["consistency"] for r in rows]),
        "loudness_lufs": trend(middles, [r["loudness"] for r in rows]),
        "rate_phonemes_per_s": trend(middles, [r["rate"] for r in rows]),
        "similarity_to_reference_30s": trend([w[0] for w in windows], [w[1] for w in windows]),
        "similarity_to_voice_30s": trend([w[0] for w in windows], [w[2] for w in windows]),
    }
    print(f"chapter: {figures['characters']} characters, {figures['segments']} segments, "
          f"{figures['audio_minutes']:.1f} min of audio")
    print(f"{'measure':34s} {'value':>10s}  target")
    print(f"{'peak RSS (MB)':34s} {figures['peak_rss_mb']:10.0f}  <= 1536")
    print(f"{'RTF short text':34s} {rtf_short:10.3f}")
    print(f"{'RTF 20k-character chapter':34s} {rtf_long:10.3f}")
    print(f"{'RTF long / short':34s} {rtf_long / rtf_short:10.3f}  <= 1.10")
    print(f"{'time to first audio (s, warm)':34s} {first_audio:10.3f}  <= 1.0")
    print(f"{'chapter integrated loudness (LUFS)':34s} {chapter_lufs:10.2f}  {target_lufs:.0f}")
    print(f"{'highest true peak (dBTP)':34s} {peak_dbtp:10.2f}  <= -1 (+ watermark)")
    print(f"{'drift (per segment)':34s} {'mean':>10s} {'std':>8s} {'slope/10min':>12s}")
    for name in ("similarity_to_reference", "similarity_to_voice_as_spoken", "loudness_lufs",
                 "rate_phonemes_per_s", "similarity_to_reference_30s",
                 "similarity_to_voice_30s"):
        t = figures[name]
        print(f"  {name:32s} {t['mean']:10.3f} {t['std']:8.3f} {t['slope_per_10min']:12.4f}"
              f"  (n={t['n']})")
    print("targets: similarity slope within +-0.01 per 10 min, std <= 0.03; loudness per "
          "segment at the target with a small spread")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"engine": voice.engine, "figures": figures, "segments": rows}, handle,
                      indent=1)


if __name__ == "__main__":
    main()

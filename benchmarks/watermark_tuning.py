"""How the watermark's settings were chosen (issue 8), on a dev set the benchmark never reports.

    .venv/bin/python benchmarks/watermark_tuning.py           # ~30 min on a busy 2-core box
    .venv/bin/python benchmarks/watermark_tuning.py --quick   # a smoke run

Dev set, disjoint from `benchmarks/watermark.py`'s carriers: the Allison prompts ranked
121-160 by length (the benchmark marks the 120 longest), 24 timbrel clips of Harvard
sentences the benchmark does not use (two voices), and as unmarked speech every other
Allison prompt (these are also among the benchmark's 568 unmarked prompts: the
false-alarm figure there covers all of them, held-out half included).

1. Strength curve: the PerTh residual (marked minus original log-magnitude) scaled by a
   strength; speaker-similarity cost vs detection after the main attacks.
2. Frame selection: detection after 20 dB SNR white noise and the highest unmarked score,
   for the fraction of loudest frames the decoder averages over.
3. Speed search: detection after tape-style 0.9x/1.1x and false alarms, with and without.
4. Noise-floor subtraction: detection after 20 dB SNR white noise (two noise draws per
   carrier) and the highest unmarked score (clean and with noise added), for the
   decoder alone, and the decoder or its score after subtraction (the higher), per
   (oversubtraction, residual floor) setting.
5. Time smoothing (`--only smoothing`): the same white-noise detection and unmarked
   scores when the subtraction is also tried on the power averaged over 3, 5, 7 frames.
6. Where the cost lives (`--only bands`): the mark's residual zeroed in one frequency
   band at a time; GE2E and MFCC cost on the dev timbrel clips and detection after
   none / white noise / opus (decoder and noise-floor step, no speed search).

Writes benchmarks/results/watermark_tuning.json and .md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import watermark as bench  # noqa: E402 - the benchmark's attacks and clip readers

DEV_TEXTS = [
    "The pipe began to rust while new.", "Add the sum to the product of these three.",
    "Thieves who rob friends deserve jail.", "The ripe taste of cheese improves with age.",
    "Act on these orders with great speed.", "The hog crawled under the high fence.",
    "Move the vat over the hot fire.", "The bark of the pine tree was shiny and dark.",
    "Leaves turn brown and yellow in the fall.", "The pennant waved when the wind blew.",
    "Split the log with a quick, sharp blow.", "Burn peat after the logs give out.",
    "He ordered peach pie with ice cream.", "Weave the carpet on the right hand side.",
    "Hemp is a weed found in parts of the tropics.", "A lame back kept his score low.",
    "We find joy in the simplest things.", "Type out three lists of orders.",
    "The fur of cats goes by many names.", "They felt gay when the ship arrived in port.",
    "Tack the strip of carpet to the worn floor.", "Next Tuesday we must vote.",
    "Pour the stew from the pot into the plate.", "Each penny shone like new.",
]
STRENGTHS = (1.0, 0.9, 0.8, 0.7, 0.6)
LOUD_FRACTIONS = (1.0, 0.5, 0.3, 0.2)
SUBTRACTIONS = ((2.0, 0.1), (2.0, 0.5), (1.5, 0.3), (3.0, 0.1), (2.0, 0.03))
"""(oversubtraction, residual floor) pairs tried; the shipped one is noise_floor's default."""


def dev_timbrel(cache: Path, per_voice: int) -> list[dict]:
    import timbrel

    index = cache / "dev" / f"index_{per_voice}.json"
    if index.is_file():
        return json.loads(index.read_text())
    entries = []
    for name, voice in bench.timbrel_voices(2):
        ref = cache / "dev" / f"{name}_reference.wav"
        bench.save_clip(ref, (np.asarray(voice.reference), voice.reference_rate))
        for number in range(per_voice):
            text = f"{DEV_TEXTS[2 * number]} {DEV_TEXTS[2 * number + 1]}"
            clip = timbrel.synthesize_to_array(text, voice,
                                               timbrel.SynthesisConfig(watermark=False))
            path = cache / "dev" / f"{name}_{number:02d}.wav"
            bench.save_clip(path, clip)
            entries.append({"text": text, "plain": str(path), "reference": str(ref)})
    index.write_text(json.dumps(entries, indent=1))
    return entries


def mark_with_strength(samples: np.ndarray, rate: int, strength: float) -> np.ndarray:
    """`apply_watermark` with PerTh's log-magnitude residual scaled by `strength`."""
    import librosa
    import torch

    from timbrel.watermark import _torch_settings, _watermarker

    net = _watermarker().perth_net
    with _torch_settings():
        signal = librosa.resample(samples, orig_sr=rate, target_sr=net.hp.sample_rate)
        magspec, phase = net.ap.signal_to_magphase(torch.from_numpy(signal))
        marked, _mask = net.encoder(magspec[None])
        magspec = magspec + strength * (marked[0] - magspec)
        out = net.ap.magphase_to_signal(magspec, phase).numpy()
    out = librosa.resample(out, orig_sr=net.hp.sample_rate, target_sr=rate)
    out = np.pad(out, (0, max(0, len(samples) - len(out))))[: len(samples)]
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def rate(scores: list[float], threshold: float) -> float:
    return float(np.mean(np.asarray(scores) >= threshold))


def strength_curve(timbrel_clips: list[dict], carriers: list[bench.Clip], seed: int) -> list:
    from timbrel.metrics import speaker_similarity
    from timbrel.watermark import THRESHOLD, watermark_score

    chosen = ("none", "opus 32 kbit/s", "white noise 20 dB SNR", "random 3 s excerpt",
              "speed 0.9x (tape, pitch follows)")
    timbrel_audio = [(bench.load_clip(Path(e["plain"])), bench.load_clip(Path(e["reference"])))
                     for e in timbrel_clips]
    plain_sim = np.mean([speaker_similarity(*clip, *ref) for clip, ref in timbrel_audio])
    rows = []
    for strength in STRENGTHS:
        sims = [speaker_similarity(mark_with_strength(*clip, strength), clip[1], *ref)
                for clip, ref in timbrel_audio]
        marked = [(mark_with_strength(*clip, strength), clip[1])
                  for clip in carriers + [c for c, _ in timbrel_audio]]
        row = {"strength": strength, "similarity_cost": float(plain_sim - np.mean(sims)),
               "clips": len(marked)}
        attack_set = bench.attacks(seed)
        for name in chosen:
            row[name] = rate([watermark_score(*attack_set[name](m)) for m in marked], THRESHOLD)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def frame_selection(carriers: list[bench.Clip], unmarked: list[bench.Clip], seed: int) -> list:
    import timbrel.watermark as wm

    rng = np.random.default_rng(seed)
    noisy = [bench.white_noise((wm.apply_watermark(*c), c[1]), 20.0, rng) for c in carriers]
    rows = []
    saved = wm.LOUD_FRACTION, wm.SPEED_SEARCH_SECONDS
    try:
        wm.SPEED_SEARCH_SECONDS = float("inf")  # the decoder alone
        for fraction in LOUD_FRACTIONS:
            wm.LOUD_FRACTION = fraction
            marked = [wm.watermark_score(*c) for c in noisy]
            plain = [wm.watermark_score(*c) for c in unmarked]
            row = {"loud_fraction": fraction, "max_unmarked": float(np.max(plain)),
                   **{f"noise_detected_at_{t}": rate(marked, t) for t in (0.85, 0.75, 0.7)}}
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        wm.LOUD_FRACTION, wm.SPEED_SEARCH_SECONDS = saved
    return rows


def speed_search(carriers: list[bench.Clip], unmarked: list[bench.Clip]) -> list:
    import timbrel.watermark as wm

    tape = [bench.tape_speed((wm.apply_watermark(*c), c[1]), f)
            for c in carriers for f in (0.9, 1.1)]
    rows = []
    saved = wm.SPEED_SEARCH_SECONDS
    try:
        for label, seconds in (("off", float("inf")), ("on", saved)):
            wm.SPEED_SEARCH_SECONDS = seconds
            started = time.process_time()
            plain = [wm.watermark_score(*c) for c in unmarked]
            cpu = (time.process_time() - started) / sum(len(s) / r for s, r in unmarked)
            marked = [wm.watermark_score(*c) for c in tape]
            rows.append({"search": label, "tape_detected": rate(marked, wm.THRESHOLD),
                         "false_alarms": int(np.sum(np.asarray(plain) >= wm.THRESHOLD)),
                         "unmarked": len(plain), "max_unmarked": float(np.max(plain)),
                         "cpu_seconds_per_unmarked_audio_second": cpu})
            print(json.dumps(rows[-1]), flush=True)
    finally:
        wm.SPEED_SEARCH_SECONDS = saved
    return rows


def noise_subtraction(carriers: list[bench.Clip], unmarked: list[bench.Clip],
                      seed: int) -> list:
    """Decoder alone vs decoder-or-subtracted over the loudest frames (no speed search)."""
    import torch

    import timbrel.watermark as wm
    from timbrel.noise_floor import subtract_noise_floor

    rng = np.random.default_rng(seed)
    marked = [(wm.apply_watermark(*c), c[1]) for c in carriers]
    sets = {"noisy": [bench.white_noise(c, 20.0, rng) for c in marked for _ in range(2)],
            "unmarked": unmarked,
            "unmarked_noisy": [bench.white_noise(c, 20.0, rng) for c in carriers]}
    net = wm._watermarker().perth_net
    subband = net.decoder.subband
    floor_db = 20 * np.log10(net.hp.stft_magnitude_min)
    span_db = 15.0 - floor_db

    def spectrum(clip: bench.Clip):
        import librosa

        samples = librosa.resample(clip[0], orig_sr=clip[1], target_sr=net.hp.sample_rate,
                                   res_type="polyphase")
        return net.ap.signal_to_magphase(torch.from_numpy(samples))[0]

    def decoded(magspec) -> float:
        return wm._decode(net, magspec, wm._loud_frames(net, magspec))

    def subtracted(magspec, oversubtraction: float, residual_floor: float):
        power = 10 ** ((magspec[:subband].numpy().astype(np.float64) * span_db + floor_db) / 10)
        cleaned = subtract_noise_floor(power, oversubtraction, residual_floor)
        out = magspec.clone()
        out[:subband] = torch.from_numpy(((10 * np.log10(cleaned) - floor_db) / span_db)
                                         .astype(np.float32))
        return out

    rows = []
    with wm._torch_settings():
        spectra = {name: [spectrum(c) for c in clips] for name, clips in sets.items()}
        plain = {name: np.array([decoded(m) for m in specs]) for name, specs in spectra.items()}
        settings: list[tuple[float, float] | None] = [None, *SUBTRACTIONS]
        for setting in settings:
            scores = plain if setting is None else {
                name: np.maximum(plain[name], [decoded(subtracted(m, *setting)) for m in specs])
                for name, specs in spectra.items()}
            row = {"subtraction": "off" if setting is None else f"{setting[0]}x, floor "
                   f"{setting[1]}", "noisy_clips": len(scores["noisy"]),
                   "noise_detected": rate(list(scores["noisy"]), wm.THRESHOLD),
                   "unmarked": len(scores["unmarked"]),
                   "false_alarms": int(np.sum(scores["unmarked"] >= wm.THRESHOLD)),
                   "max_unmarked": float(scores["unmarked"].max()),
                   "max_unmarked_noisy": float(scores["unmarked_noisy"].max())}
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def _fast_score(clip: bench.Clip, smooth_frames: int = 0) -> float:
    """The detector without its speed search: the loud-frame decoder, the noise-floor
    step, and (with `smooth_frames`) that step on the time-smoothed power; the highest."""
    import librosa
    import torch

    import timbrel.watermark as wm

    net = wm._watermarker().perth_net
    samples = librosa.resample(clip[0], orig_sr=clip[1], target_sr=net.hp.sample_rate,
                               res_type="polyphase")
    with wm._torch_settings():
        magspec = net.ap.signal_to_magphase(torch.from_numpy(np.ascontiguousarray(
            samples, dtype=np.float32)))[0]
        candidates = [magspec, wm._denoised(net, magspec)]
        if smooth_frames:
            candidates.append(wm._denoised(net, wm._time_smoothed(magspec, smooth_frames,
                                                                  net)))
        return max(wm._decode(net, m, wm._loud_frames(net, m)) for m in candidates)


def time_smoothing(carriers: list[bench.Clip], unmarked: list[bench.Clip],
                   seed: int) -> list:
    import timbrel.watermark as wm

    rng = np.random.default_rng(seed)
    noisy = [bench.white_noise((wm.apply_watermark(*c), c[1]), 20.0, rng) for c in carriers]
    unmarked_noisy = [bench.white_noise(c, 20.0, rng) for c in carriers]
    rows = []
    for frames in (0, 3, 5, 7):
        marked = [_fast_score(c, frames) for c in noisy]
        plain = [_fast_score(c, frames) for c in unmarked]
        plain_noisy = [_fast_score(c, frames) for c in unmarked_noisy]
        rows.append({"smooth_frames": frames, "noise_detected": rate(marked, wm.THRESHOLD),
                     "noisy_clips": len(noisy), "unmarked": len(plain),
                     "false_alarms": int(np.sum(np.asarray(plain) >= wm.THRESHOLD)),
                     "max_unmarked": float(np.max(plain)),
                     "max_unmarked_noisy": float(np.max(plain_noisy))})
        print(json.dumps(rows[-1]), flush=True)
    return rows


BANDS = ((0, 16), (16, 32), (32, 64), (64, 96), (96, 128))
"""PerTh STFT rows (15.6 Hz each): 0-250, 250-500, 500-1000, 1000-1500, 1500-2000 Hz."""


def cost_bands(timbrel_clips: list[dict], mfcc_pool: list[bench.Clip], seed: int) -> list:
    import librosa
    import torch

    import timbrel.watermark as wm
    from timbrel.metrics import MfccSpeakerSpace, speaker_similarity

    net = wm._watermarker().perth_net
    space = MfccSpeakerSpace.fit(mfcc_pool)
    pairs = [(bench.load_clip(Path(e["plain"])), bench.load_clip(Path(e["reference"])))
             for e in timbrel_clips]

    def marked_without(clip: bench.Clip, band: tuple[int, int] | None) -> bench.Clip:
        samples, clip_rate = clip
        with wm._torch_settings():
            signal = librosa.resample(samples, orig_sr=clip_rate, target_sr=net.hp.sample_rate)
            magspec, phase = net.ap.signal_to_magphase(torch.from_numpy(signal))
            residual = net.encoder(magspec[None])[0][0] - magspec
            if band is not None:
                residual[band[0]:band[1]] = 0
            out = net.ap.magphase_to_signal(magspec + residual, phase).numpy()
        out = librosa.resample(out, orig_sr=net.hp.sample_rate, target_sr=clip_rate)
        out = np.pad(out, (0, max(0, len(samples) - len(out))))[: len(samples)]
        return np.clip(out, -1.0, 1.0).astype(np.float32), clip_rate

    plain_ge2e = np.array([speaker_similarity(*c, *ref) for c, ref in pairs])
    plain_mfcc = np.array([space.similarity(*c, *ref) for c, ref in pairs])
    rows = []
    for band in (None, *BANDS):
        marked = [marked_without(c, band) for c, _ in pairs]
        refs = [ref for _, ref in pairs]
        ge2e = plain_ge2e - [speaker_similarity(*m, *r) for m, r in zip(marked, refs, strict=True)]
        mfcc = plain_mfcc - [space.similarity(*m, *r) for m, r in zip(marked, refs, strict=True)]
        row = {"unmarked_rows": "none" if band is None else f"{band[0]}-{band[1]}",
               "ge2e_cost": float(ge2e.mean()),
               "ge2e_cost_se": float(ge2e.std(ddof=1) / np.sqrt(len(ge2e))),
               "mfcc_cost": float(mfcc.mean()),
               "mfcc_cost_se": float(mfcc.std(ddof=1) / np.sqrt(len(mfcc)))}
        attack_set = bench.attacks(seed)
        for name in ("none", "white noise 20 dB SNR", "opus 32 kbit/s"):
            row[name] = rate([_fast_score(attack_set[name](m)) for m in marked], 0.85)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def markdown(result: dict) -> str:
    names = [k for k in result["strength"][0] if k not in ("strength", "similarity_cost",
                                                            "clips")]
    lines = ["Strength curve (dev set; the shipped mark is strength 1.0): detection rate "
             "after each attack", "",
             "| strength | similarity cost | " + " | ".join(names) + " |",
             "|---|---|" + "---|" * len(names)]
    for row in result["strength"]:
        lines.append(f"| {row['strength']} | {row['similarity_cost']:+.4f} | "
                     + " | ".join(f"{100 * row[n]:.0f} %" for n in names) + " |")
    lines += ["", "Frame selection (dev set, decoder alone): white noise 20 dB SNR", "",
              "| loudest frames used | detected at 0.85 | at 0.75 | at 0.7 | "
              "highest unmarked score |", "|---|---|---|---|---|"]
    for row in result["frames"]:
        lines.append(f"| {100 * row['loud_fraction']:.0f} % | "
                     f"{100 * row['noise_detected_at_0.85']:.0f} % | "
                     f"{100 * row['noise_detected_at_0.75']:.0f} % | "
                     f"{100 * row['noise_detected_at_0.7']:.0f} % | "
                     f"{row['max_unmarked']:.3f} |")
    lines += ["", "Speed search (dev set): tape-style 0.9x and 1.1x", "",
              "| search | detected | false alarms | highest unmarked | CPU s per unmarked s |",
              "|---|---|---|---|---|"]
    for row in result["speed"]:
        lines.append(f"| {row['search']} | {100 * row['tape_detected']:.1f} % | "
                     f"{row['false_alarms']}/{row['unmarked']} | {row['max_unmarked']:.3f} | "
                     f"{row['cpu_seconds_per_unmarked_audio_second']:.3f} |")
    lines += ["", "Noise-floor subtraction (dev set, decoder over the loudest frames, no speed "
              "search): white noise 20 dB SNR", "",
              "| subtraction | detected | false alarms (clean) | highest unmarked | "
              "highest unmarked + noise |", "|---|---|---|---|---|"]
    for row in result["noise"]:
        lines.append(f"| {row['subtraction']} | {100 * row['noise_detected']:.1f} % of "
                     f"{row['noisy_clips']} | {row['false_alarms']}/{row['unmarked']} | "
                     f"{row['max_unmarked']:.3f} | {row['max_unmarked_noisy']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cache", type=Path, default=bench.RESULTS / "cache")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--only", choices=("noise", "smoothing", "bands"),
                        help="run just this section")
    args = parser.parse_args(argv)
    clips = [bench.read_allison(p) for p in bench.allison_paths()]
    order = sorted(range(len(clips)), key=lambda i: -len(clips[i][0]))
    carriers = [clips[i] for i in order[120:130 if args.quick else 160]]
    unmarked = clips[::8 if args.quick else 2]
    timbrel_clips = dev_timbrel(args.cache, 3 if args.quick else 12)
    timbrel_plain = [bench.load_clip(Path(e["plain"])) for e in timbrel_clips]
    suffix = "_quick" if args.quick else ""
    if args.only in ("smoothing", "bands"):
        rows = (time_smoothing(carriers + timbrel_plain, unmarked[::2] + timbrel_plain,
                               args.seed) if args.only == "smoothing" else
                cost_bands(timbrel_clips, timbrel_plain + carriers + unmarked[::10], args.seed))
        Path(f"{bench.RESULTS}/watermark_tuning_{args.only}{suffix}.json").write_text(
            json.dumps(rows, indent=1))
        return 0
    if args.only == "noise":
        rows = noise_subtraction(carriers + timbrel_plain, unmarked[::2] + timbrel_plain,
                                 args.seed)
        Path(f"{bench.RESULTS}/watermark_tuning_noise{suffix}.json").write_text(
            json.dumps(rows, indent=1))
        return 0
    result = {"dev_carriers": len(carriers) + len(timbrel_plain), "dev_unmarked": len(unmarked),
              "strength": strength_curve(timbrel_clips, carriers, args.seed),
              "frames": frame_selection(carriers + timbrel_plain, unmarked, args.seed),
              "speed": speed_search(carriers + timbrel_plain, unmarked),
              "noise": noise_subtraction(carriers + timbrel_plain, unmarked[::2] + timbrel_plain,
                                         args.seed)}
    out = bench.RESULTS / f"watermark_tuning{suffix}"
    Path(f"{out}.json").write_text(json.dumps(result, indent=1))
    table = markdown(result)
    Path(f"{out}.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

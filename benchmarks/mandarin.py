"""Mandarin in the built-in engine: speed, timing plausibility, and cloning across languages.

    .venv/bin/python benchmarks/mandarin.py            # writes benchmarks/results/mandarin.json
    .venv/bin/python benchmarks/mandarin.py --quick    # 2 English targets, 3 sentences

Measures (seed 0, deterministic except timings):
- real-time factor of the Mandarin model alone (FastSpeech2 + MB-MelGAN on LiteRT, 24 kHz)
  and of the whole engine (front end + model + resampling + conversion), after warm-up;
- syllables per second of the Baker voice's natural reading;
- English reference -> Mandarin speech: median F0 of the output against the reference's and
  the raw Baker voice's, GE2E similarity of output and raw Baker to held-out clips of the
  target (compared with the same voice speaking English);
- Mandarin reference (the Baker voice itself) -> English speech: F0 and similarity of the
  converted output against raw Piper joe.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SENTENCES = (
    "今天天气很好，我们去公园散步吧。",
    "中国有五千多年的历史。",
    "请把窗户打开，让新鲜空气进来。",
    "小朋友们在草地上快乐地玩耍。",
    "他说明天要去银行办理业务。",
    "这个城市的交通非常方便，地铁可以到达每个角落。",
)
EN_SENTENCES = ("The birch canoe slid on the smooth planks.",
                "Glue the sheet to the dark blue background.")
RATE = 22050


def median_f0(samples: np.ndarray, rate: int) -> float:
    import parselmouth

    pitch = parselmouth.Sound(samples.astype(np.float64), rate).to_pitch_ac(
        pitch_floor=60.0, pitch_ceiling=500.0)
    values = pitch.selected_array["frequency"]
    return float(np.median(values[values > 0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", default=str(HERE / "results" / "mandarin.json"))
    args = parser.parse_args(argv)

    import timbrel
    from timbrel import SynthesisConfig
    from timbrel.engines import get_engine
    from timbrel.engines.builtin.baker_symbols import to_ids
    from timbrel.engines.builtin.piper_model import PiperScales
    from timbrel.engines.builtin.reading import read
    from timbrel.metrics import speaker_similarity

    sentences = SENTENCES[:3] if args.quick else SENTENCES
    engine = get_engine("builtin")
    config = SynthesisConfig().resolved()
    started = time.perf_counter()
    engine.mandarin.model.load()
    load_seconds = time.perf_counter() - started
    _ = engine.mandarin.source, engine.source

    # Model alone, and timing plausibility.
    model_time = audio_seconds = 0.0
    syllables = 0
    raw: dict[str, np.ndarray] = {}
    for text in sentences:
        parts = [part for sentence in read(text) for part in sentence]
        ids = [to_ids(part.symbols) for part in parts]
        engine.mandarin.model.synthesize_ids(ids[0])  # warm this length up
        begin = time.perf_counter()
        audio = np.concatenate([engine.mandarin.model.synthesize_ids(i) for i in ids])
        model_time += time.perf_counter() - begin
        audio_seconds += len(audio) / engine.mandarin.model.sample_rate
        syllables += sum(1 for p in parts for s in p.symbols if s != ",")
        raw[text] = np.concatenate([engine.mandarin.audio(p.symbols) for p in parts])
    speech_seconds = sum(len(a) for a in raw.values()) / RATE

    from targets import SYNTHETIC_VOICES, allison_target, synthetic_target

    wanted = ("flite-rms", "festival-kal") if args.quick else (
        "flite-rms", "festival-kal", "flite-slt")
    targets = [allison_target(3)] + [synthetic_target(v, ("The sky was a clear deep blue.",
                                                         "Rice is often served in round bowls."))
                                     for v in SYNTHETIC_VOICES if v.name in wanted]
    rows = []
    engine_time = engine_audio = 0.0
    for target in targets:
        voice = timbrel.enroll((target.reference, target.reference_rate),
                               transcript=target.reference_text or "", language="en",
                               engine="builtin")
        engine.mandarin.params_for(voice)  # measured once per voice; not part of the RTF
        zh_out, en_out = [], []
        for text in sentences:
            begin = time.perf_counter()
            out = np.concatenate([c.samples for c in engine.synthesize(text, voice, config)])
            engine_time += time.perf_counter() - begin
            engine_audio += len(out) / RATE
            zh_out.append(out)
        for text in EN_SENTENCES:
            en_out.append(np.concatenate([c.samples for c in engine.synthesize(text, voice,
                                                                               config)]))

        def similarity(clips: list[np.ndarray], target=target) -> float:
            return float(np.mean([speaker_similarity(c, RATE, t, target.truth_rate)
                                  for c in clips for t in target.truth]))

        rows.append({
            "target": target.name, "sex": target.sex,
            "reference_f0": round(median_f0(target.reference, target.reference_rate), 1),
            "mandarin_f0": round(median_f0(np.concatenate(zh_out), RATE), 1),
            "raw_baker_f0": round(median_f0(np.concatenate(list(raw.values())), RATE), 1),
            "similarity_mandarin": round(similarity(zh_out), 3),
            "similarity_raw_baker": round(similarity(list(raw.values())), 3),
            "similarity_english_same_voice": round(similarity(en_out), 3),
        })
        print(rows[-1], flush=True)

    # A Mandarin reference (the Baker voice) speaks English.
    reference = np.concatenate(list(raw.values())[:2])
    zh_voice = timbrel.enroll((reference, RATE), transcript="".join(sentences[:2]),
                              language="zh", engine="builtin")
    rng = np.random.default_rng(0)
    joe = np.concatenate([engine.model.synthesize_ids(engine.model.phoneme_ids(p),
                                                      PiperScales(), rng)
                          for text in EN_SENTENCES for p in engine.model.phonemize(text)])
    spoken = np.concatenate([c.samples for text in EN_SENTENCES
                             for c in engine.synthesize(text, zh_voice, config)])
    held_out = list(raw.values())[2:]
    reverse = {
        "reference_f0": round(median_f0(reference, RATE), 1),
        "english_f0": round(median_f0(spoken, RATE), 1),
        "raw_joe_f0": round(median_f0(joe, RATE), 1),
        "similarity_english": round(float(np.mean(
            [speaker_similarity(spoken, RATE, h, RATE) for h in held_out])), 3),
        "similarity_raw_joe": round(float(np.mean(
            [speaker_similarity(joe, RATE, h, RATE) for h in held_out])), 3),
    }
    result = {
        "model_load_seconds": round(load_seconds, 2),
        "model_rtf": round(model_time / audio_seconds, 3),
        "engine_rtf": round(engine_time / engine_audio, 3),
        "syllables_per_second": round(syllables / speech_seconds, 2),
        "sentences": len(sentences),
        "english_reference_speaks_mandarin": rows,
        "mandarin_reference_speaks_english": reverse,
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

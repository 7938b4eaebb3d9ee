"""How well the recogniser reads Allison herself: WER against the Asterisk prompt texts for
her real recordings, joe reading the same texts, and fine-tuned voices reading them.

The fine-tuning goal bounds WER by joe's + 3 points; this measures whether a perfect clone
of her would meet it. Prompts: the Asterisk transcripts shipped with the sounds
(`/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz`), for the prompts
adaptation.py's first `--seconds` of training speech does not use, with at least
`--min-words` words and no bracketed sound descriptions. The recogniser and WER are
cloning.py's (Whisper tiny.en, seeded; jiwer after normalisation).

    PYTHONPATH=src python benchmarks/reading_floor.py --prompts 60 \
        benchmarks/results/cache/adapted/<point>/<steps>.tvoice ...
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from adaptation import (  # noqa: E402
    ALLISON_DIR,
    RESULTS,
    allison_clips,
    allison_training_prompts,
    decode_g722,
    trim_silence,
)

PROMPT_TEXTS = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")


def prompt_texts(path: Path = PROMPT_TEXTS) -> dict[str, str]:
    """Prompt name → the text Asterisk says it speaks ("name: text" lines, ';' comments)."""
    texts = {}
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            name, colon, text = line.partition(":")
            if colon and not line.startswith(";") and name.strip():
                texts[name.strip()] = text.strip()
    return texts


def unused_prompts(seconds: float, count: int, min_words: int) -> list[tuple[str, str]]:
    """(name, text) for the first `count` training-order prompts past the first `seconds`
    of training speech, whose text is speech of at least `min_words` words."""
    texts = prompt_texts()
    used = len(allison_clips(seconds)[0])
    chosen = []
    for name in allison_training_prompts()[used:]:
        text = texts.get(name, "")
        if "[" in text or len(text.split()) < min_words:
            continue
        chosen.append((name, text))
        if len(chosen) == count:
            break
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("voices", nargs="*", type=Path)
    parser.add_argument("--prompts", type=int, default=60)
    parser.add_argument("--min-words", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=600.0,
                        help="the training speech whose prompts are left out")
    parser.add_argument("--out", type=Path, default=RESULTS / "reading_floor.json")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    import timbrel
    from cloning import BaseVoice, Measures
    from timbrel.engines import get_engine
    from timbrel.voice import Voice

    prompts = unused_prompts(args.seconds, args.prompts, args.min_words)
    base = BaseVoice(get_engine("builtin"))
    sources = [("Allison, real recordings", None), ("joe (base)", None)]
    sources += [("/".join(p.parts[-2:]), Voice.load(p)) for p in args.voices]
    rows = []
    for label, voice in sources:
        scored = []
        for name, text in prompts:
            if label.startswith("Allison"):
                samples, rate = decode_g722(ALLISON_DIR / f"{name}.g722")
                samples = trim_silence(samples, rate)
            elif voice is None:
                samples, rate = base.synthesize(text), base.rate
            else:
                samples, rate = timbrel.synthesize_to_array(
                    text, voice, timbrel.SynthesisConfig(seed=0))
            wer, heard = Measures.wer(text, samples, rate)
            scored.append({"prompt": name, "text": text, "heard": heard, "wer": wer})
        rows.append({"source": label, "wer": float(np.mean([s["wer"] for s in scored])),
                     "median": float(np.median([s["wer"] for s in scored])),
                     "prompts": scored})
        print(f"{label}: WER {100 * rows[-1]['wer']:.1f} %", flush=True)
    args.out.write_text(json.dumps(rows, indent=1))
    words = sum(len(text.split()) for _, text in prompts)
    print(f"\n{len(prompts)} unseen Allison prompts ({words} words), WER against the Asterisk "
          "texts\n\n| source | WER mean | median |\n|---|---|---|")
    for row in rows:
        print(f"| {row['source']} | {100 * row['wer']:.1f} % | {100 * row['median']:.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

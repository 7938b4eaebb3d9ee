"""Mandarin polyphone accuracy: plain pypinyin vs timbrel's G2P, on a hand-written test set.

Each item is {sentence, index, char, pinyin}: the reading of the polyphonic character at
``index`` as a dictionary gives it, written by hand (not produced by either G2P).

- test    (polyphones_zh.jsonl, 216 items / 87 characters): written before the rules;
          the rules were tuned on dev only, and test was scored once.
- dev     (polyphones_zh_dev.jsonl, 189 items): the set the rules were developed on.
- holdout (polyphones_zh_holdout.jsonl, 120 items / 70 characters): written after the rules
          were frozen, never used to change them (the fairest estimate).

    PYTHONPATH=src python benchmarks/polyphones.py [--set test|dev|holdout] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).parent / "data"
SETS = {
    "test": DATA / "polyphones_zh.jsonl",
    "dev": DATA / "polyphones_zh_dev.jsonl",
    "holdout": DATA / "polyphones_zh_holdout.jsonl",
}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def plain_pypinyin(sentence: str, index: int) -> str:
    """pypinyin on its own (its built-in phrase segmentation), as most projects use it."""
    from pypinyin import Style, pinyin

    readings = pinyin(sentence, style=Style.TONE3, neutral_tone_with_five=True, errors="default")
    position = 0
    for (reading,), char in zip(readings, _chunks(sentence), strict=True):
        if position == index:
            return reading
        position += len(char)
    raise IndexError(index)


def _chunks(sentence: str) -> list[str]:
    # pypinyin returns one item per Chinese character and one per run of other characters
    from timbrel.text.g2p_zh import HAN

    out: list[str] = []
    for char in sentence:
        if HAN.match(char) or not out or HAN.match(out[-1][-1]):
            out.append(char)
        else:
            out[-1] += char
    return out


def ours(sentence: str, index: int) -> str:
    from timbrel.text.g2p_zh import HAN, to_pinyin

    position = sum(1 for ch in sentence[:index] if HAN.match(ch))
    return to_pinyin(sentence)[position].pinyin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="test")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    from timbrel.text.g2p_zh import load as load_g2p

    load_g2p()
    items = load(SETS[args.set])
    systems = {"pypinyin": plain_pypinyin, "timbrel": ours}
    results: dict[str, dict] = {}
    for name, system in systems.items():
        start = time.perf_counter()
        errors = []
        for item in items:
            got = system(item["sentence"], item["index"])
            if got != item["pinyin"]:
                errors.append({**item, "got": got})
        seconds = time.perf_counter() - start
        results[name] = {
            "correct": len(items) - len(errors),
            "total": len(items),
            "accuracy": round(1 - len(errors) / len(items), 4),
            "ms_per_sentence": round(1000 * seconds / len(items), 3),
            "errors": errors,
        }
    chars = Counter(item["char"] for item in items)
    print(f"set: {args.set} ({len(items)} sentences, {len(chars)} polyphonic characters)")
    print(f"{'system':<10} {'correct':>8} {'total':>6} {'accuracy':>9} {'ms/sent':>8}")
    for name, result in results.items():
        print(f"{name:<10} {result['correct']:>8} {result['total']:>6} "
              f"{100 * result['accuracy']:>8.1f}% {result['ms_per_sentence']:>8.3f}")
    if args.show_errors:
        for name, result in results.items():
            for error in result["errors"]:
                print(f"  {name}: {error['sentence']} [{error['char']}] "
                      f"want {error['pinyin']} got {error['got']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {"set": args.set, "sentences": len(items), "characters": len(chars),
                   "systems": results}
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

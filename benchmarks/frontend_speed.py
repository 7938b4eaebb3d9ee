"""Text front end speed: milliseconds per sentence after loading, English and Mandarin.

    PYTHONPATH=src python benchmarks/frontend_speed.py [--rounds 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

SENTENCES = {
    "en": [
        "The quick brown fox jumps over the lazy dog.",
        "Doctor Smith paid $3.50 for a coffee on January 5, 2024.",
        "She sells sea shells by the sea shore, every single day.",
        "At 7:30 pm the temperature dropped to -5°C, about 23 degrees Fahrenheit.",
        "Henry VIII had six wives, and 3 of them were named Catherine.",
    ],
    "zh": [
        "今天天气很好，我们一起去公园散步吧。",
        "他的头发很长，他是我们的班长。",
        "这件事很重要，请你重新写一遍。",
        "2024年3月5日，气温-3℃，比分3:2。",
        "我在银行工作了十年，行业变化很快。",
    ],
    "mixed": [
        "我用 Python 写了一个 demo，效果很好。",
        "明天的 meeting 改到下午3点。",
    ],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from timbrel.text.frontend import load, to_units

    start = time.perf_counter()
    load()
    load_seconds = time.perf_counter() - start
    results = {"load_seconds": round(load_seconds, 3)}
    total_time, total_count = 0.0, 0
    for group, sentences in SENTENCES.items():
        for sentence in sentences:  # first call warms caches that depend on the text
            to_units(sentence)
        start = time.perf_counter()
        for _ in range(args.rounds):
            for sentence in sentences:
                to_units(sentence)
        elapsed = time.perf_counter() - start
        count = args.rounds * len(sentences)
        total_time += elapsed
        total_count += count
        results[f"{group}_ms_per_sentence"] = round(1000 * elapsed / count, 3)
    results["all_ms_per_sentence"] = round(1000 * total_time / total_count, 3)
    for key, value in results.items():
        print(f"{key:<24} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

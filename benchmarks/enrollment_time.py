"""Enrollment time of a 10 s reference after the models are loaded, and loading a saved voice.

The issue's bar: enrolling a 10 s reference in ≤ 1.0 s, loading a saved voice in ≤ 50 ms.
The clip is the benchmark's 10.0 s Allison stretch (`targets.allison_ten_seconds`). Two
warm-up enrollments load every model (Piper, the recogniser, GE2E, Praat); then each
variant is timed `--runs` times and the median reported (wall and CPU seconds):

- given transcript: the user passed `--transcript`;
- automatic: the bundled recogniser writes the transcript first.

Run it on an otherwise idle machine (the figure is wall-clock time on 2 cores):

    .venv/bin/python benchmarks/enrollment_time.py [--runs 7] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import targets  # noqa: E402
import timbrel  # noqa: E402
from timbrel.voice import Voice  # noqa: E402


def timed(call, runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", default=str(HERE / "results" / "enrollment_time.json"))
    parser.add_argument("--engine", default="auto", choices=("auto", "builtin", "heart"),
                        help="auto (the default path) also times choosing the engine")
    args = parser.parse_args()

    samples, rate = targets.allison_ten_seconds()
    engine = args.engine
    transcript = timbrel.enroll((samples, rate), engine=engine).transcript  # warm-up 1
    voice = timbrel.enroll((samples, rate), transcript=transcript, engine=engine)  # warm-up 2
    given = timed(lambda: timbrel.enroll((samples, rate), transcript=transcript,
                                         engine=engine), args.runs)
    automatic = timed(lambda: timbrel.enroll((samples, rate), engine=engine), args.runs)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ten-seconds.tvoice"
        voice.save(path)
        Voice.load(path)
        loads, _ = timed(lambda: Voice.load(path), args.runs)

    rows = [("enroll 10 s, transcript given", given, 1.0),
            ("enroll 10 s, automatic transcript", automatic, 1.0),
            ("load a saved voice", (loads, loads), 0.05)]
    print(f"reference {len(samples) / rate:.1f} s, engine {args.engine} -> {voice.engine}; "
          f"transcript: {transcript!r}")
    print(f"{'step':36s} {'median s':>9s} {'min':>7s} {'max':>7s} {'CPU s':>7s}  goal")
    result = {"reference_seconds": len(samples) / rate, "runs": args.runs,
              "engine": args.engine, "engine_used": voice.engine}
    for name, (walls, cpus), goal in rows:
        median = statistics.median(walls)
        print(f"{name:36s} {median:9.3f} {min(walls):7.3f} {max(walls):7.3f} "
              f"{statistics.median(cpus):7.3f}  ≤ {goal:g} {'ok' if median <= goal else 'MISSED'}")
        result[name] = {"wall_seconds": walls, "cpu_seconds": cpus, "median": median,
                        "goal": goal}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Batch throughput: 1 vs 2 local workers on 200 short jobs, each run as the real command
(`python -m timbrel batch ... --workers W --threads T`) in a fresh process, so model loading
counts for every configuration; then the verify loop's figures on its held-out set
(`benchmarks/verify_loop.py`, whose development set set the thresholds).

What "one worker" means: one process with one engine and a fixed number of inference
threads (ONNX intra-op and BLAS; the watermark runs torch on one thread in every case).
The scale-out comparison gives each worker the same share of the machine, one core:
1 worker x 1 thread against 2 workers x 1 thread. A single process using every core
(1 worker x 2 threads) is reported too: on a 2-core machine it is what 2 workers must beat
to be worth their start-up.

    .venv/bin/python benchmarks/batch.py [--jobs 200] [--skip-verify]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import timbrel
from timbrel.library import VoiceLibrary
from verify_loop import REFERENCE, TRANSCRIPT
from verify_loop import template_sentences as sentences

HERE = Path(__file__).resolve().parent
CONFIGS = ((1, 1), (1, 2), (2, 1))
"""(workers, threads per worker) to run."""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(manifest: Path, out: Path, library: Path, workers: int, threads: int
                ) -> tuple[float, float]:
    """Wall and CPU seconds of one `timbrel batch` run in a fresh process."""
    command = [sys.executable, "-m", "timbrel", "batch", str(manifest), "--out", str(out),
               "--workers", str(workers), "--threads", str(threads), "--library",
               str(library), "--no-progress"]
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return elapsed, children_cpu() - cpu


def throughput(voice: timbrel.Voice, jobs: int, folder: Path) -> dict:
    library = folder / "library"
    VoiceLibrary(library).add("narrator", voice, overwrite=True)
    manifest = folder / "jobs.jsonl"
    lines = [json.dumps({"voice": "narrator", "input_text": text, "output_name": f"job_{i:03d}.wav",
                         "seed": i}) for i, text in enumerate(sentences(jobs))]
    manifest.write_text("\n".join(lines) + "\n")
    primer = folder / "primer.jsonl"  # fills the graph cache and the OS file cache once
    primer.write_text("\n".join(lines[:2]) + "\n")
    run_command(primer, folder / "primer", library, 1, 1)
    rows = []
    for workers, threads in CONFIGS:
        out = folder / f"out_{workers}x{threads}"
        elapsed, cpu = run_command(manifest, out, library, workers, threads)
        records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
        assert len(records) == jobs and all(r["status"] == "ok" for r in records), out
        rows.append({"workers": workers, "threads": threads, "elapsed_s": elapsed,
                     "cpu_s": cpu, "jobs_per_min": 60 * jobs / elapsed,
                     "audio_s": sum(r["audio_seconds"] for r in records)})
    outs = [folder / f"out_{w}x{t}" for w, t in CONFIGS]
    same = all(len({(o / f"job_{i:03d}.wav").read_bytes() for o in outs}) == 1
               for i in range(jobs))
    by = {(r["workers"], r["threads"]): r for r in rows}
    return {"jobs": jobs, "rows": rows, "identical_bytes": same,
            "speedup_2x1_vs_1x1": by[2, 1]["jobs_per_min"] / by[1, 1]["jobs_per_min"],
            "speedup_2x1_vs_1x2": by[2, 1]["jobs_per_min"] / by[1, 2]["jobs_per_min"],
            "cpus": os.cpu_count(), "load_average_before": os.getloadavg()}


def verify_figures() -> dict:
    from timbrel.qa import Thresholds
    from verify_loop import held_out_rows, print_summary, summarise

    figures = summarise(held_out_rows(Thresholds()))
    print_summary("verify loop, held-out set (thresholds from verify_loop.py's dev set)",
                  figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--json", default=str(HERE / "results" / "batch.json"))
    args = parser.parse_args()
    results: dict = {}
    if not args.skip_throughput:
        voice = timbrel.enroll(REFERENCE, transcript=TRANSCRIPT, engine="builtin")
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            t = throughput(voice, args.jobs, Path(tmp))
        results["throughput"] = t
        print(f"{args.jobs} short jobs ({t['rows'][0]['audio_s']:.0f} s of audio), each run "
              f"a fresh `timbrel batch` process; {t['cpus']} CPUs, load average {load:.1f} "
              "at the start (timings are only comparable on an otherwise idle machine)")
        print(f"{'workers':>8s} {'threads':>8s} {'elapsed s':>10s} {'CPU s':>8s} "
              f"{'jobs/min':>9s}")
        for row in t["rows"]:
            print(f"{row['workers']:8d} {row['threads']:8d} {row['elapsed_s']:10.1f} "
                  f"{row['cpu_s']:8.1f} {row['jobs_per_min']:9.1f}")
        print("threads = inference threads per worker (ONNX intra-op, BLAS)")
        print(f"speed-up, 2 workers x 1 thread vs 1 worker x 1 thread (same cores per worker): "
              f"{t['speedup_2x1_vs_1x1']:.2f}x (target >= 1.7x)")
        print(f"speed-up, 2 workers x 1 thread vs 1 worker x 2 threads (one process, every "
              f"core): {t['speedup_2x1_vs_1x2']:.2f}x")
        print(f"identical bytes in every configuration: {t['identical_bytes']}")
    if not args.skip_verify:
        results["verify_held_out"] = verify_figures()
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

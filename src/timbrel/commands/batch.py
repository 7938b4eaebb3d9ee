"""`timbrel batch`: speak every line of a JSONL manifest into an output folder, resumably."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import add_library_flag

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch", help="speak the jobs of a JSONL manifest",
        description="Speak every line of a JSONL manifest (GLM-TTS fields prompt_text, "
                    "prompt_audio, input_text, output_name; or voice, emotion, speed, "
                    "duration, lexicon, seed, format ...). Rerun the same command to resume.")
    parser.add_argument("manifest", metavar="JOBS.jsonl", help="one JSON job per line")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--dry-run", action="store_true",
                        help="check every line and report problems; synthesise nothing")
    parser.add_argument("--verify", action="store_true",
                        help="transcribe each segment, score the speaker, regenerate failures")
    parser.add_argument("--retries", type=int, default=2,
                        help="regenerations per failing segment with --verify (default 2)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes (or Ray actors), one engine each (default 1)")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="inference threads per worker (default: the cores shared "
                             "equally between the workers)")
    parser.add_argument("--ray", action="store_true", help="run the jobs on Ray")
    parser.add_argument("--ray-address", metavar="ADDR",
                        help="Ray cluster to join (implies --ray; default: a local instance)")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="no progress bar")
    add_library_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..batch import load_manifest
    from ..batch_runner import BatchOptions, run_batch
    from ..library import VoiceLibrary

    if args.workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.threads is not None and args.threads < 1:
        print("error: --threads must be 1 or more", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.dry_run:
        names = {entry.name for entry in VoiceLibrary(args.library).list()}
        jobs, errors = load_manifest(args.manifest, Path(args.out), voices=names)
        for error in errors:
            print(error, file=sys.stderr)
        print(f"{len(jobs)} job(s) ready, {len(errors)} bad line(s)")
        return EXIT_BAD_INPUT if errors else EXIT_OK
    options = BatchOptions(out_dir=Path(args.out), workers=args.workers,
                           threads=args.threads, verify=args.verify,
                           thresholds={"retries": args.retries},
                           ray=args.ray or bool(args.ray_address),
                           ray_address=args.ray_address, library=args.library,
                           progress=args.progress)
    summary = run_batch(args.manifest, options)
    print(f"{summary.done} done, {summary.skipped} already done, {summary.failed} failed "
          f"of {summary.total}; {summary.audio_seconds:.1f} s of audio in "
          f"{summary.elapsed:.1f} s; results in {Path(args.out) / 'results.jsonl'}")
    for failure in summary.failures:
        print(f"failed: {failure}", file=sys.stderr)
    return EXIT_FAILED if summary.failed else EXIT_OK

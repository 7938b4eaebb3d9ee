"""`timbrel watermark detect FILE...`: is our provenance mark in these files?

Exit code 0 when every file was read (marked or not), 3 when a file could not be read.
"""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("watermark", help="check files for timbrel's watermark")
    actions = parser.add_subparsers(dest="watermark_command", metavar="ACTION", required=True)
    from ..watermark import THRESHOLD

    detect = actions.add_parser(
        "detect", help="say, per file, whether timbrel's watermark is present",
        description="Score each file for the PerTh watermark timbrel embeds in its output "
                    f"(confidence 0..1; marked at {THRESHOLD} and above) and show its "
                    "provenance tags.")
    detect.add_argument("files", nargs="+", metavar="FILE")
    detect.add_argument("--json", action="store_true", help="one JSON object per line")
    detect.set_defaults(func=run_detect)


def run_detect(args: argparse.Namespace) -> int:
    from ..watermark import detect_file

    worst = 0
    for path in args.files:
        try:
            report = {"error": None, **detect_file(path).to_dict()}
        except ValueError as error:  # unreadable audio: named, and the others still run
            report = {"file": path, "present": None, "confidence": None, "error": str(error)}
            worst = 3
        if args.json:
            print(json.dumps(report, ensure_ascii=False))
        else:
            print(describe(report))
    return worst


def describe(report: dict) -> str:
    if report["error"]:
        return f"{report['file']}: error: {report['error']}"
    verdict = "watermarked" if report["present"] else "no watermark"
    line = f"{report['file']}: {verdict} (confidence {report['confidence']:.2f})"
    tags = report.get("provenance") or {}
    if tags:
        line += (f"; tags: {tags.get('generator', '?')}, voice {tags.get('voice', '?')}, "
                 f"{tags.get('created', '?')}, watermark={tags.get('watermark', '?')}")
    return line

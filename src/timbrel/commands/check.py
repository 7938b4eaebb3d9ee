"""`timbrel check AUDIO`: run the reference checks and report, without enrolling."""

from __future__ import annotations

import argparse
import json

from ..reference import describe, load_reference


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="check a reference clip without enrolling it")
    parser.add_argument("audio", nargs="+")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    worst = 0
    for path in args.audio:
        try:
            report = {"file": path, "usable": True, **describe(load_reference(path))}
        except ValueError as error:
            report = {"file": path, "usable": False, "error": str(error)}
            worst = 3
        if args.json:
            print(json.dumps(report, ensure_ascii=False))
        elif report["usable"]:
            print(f"{path}: usable, {report['seconds']} s, bandwidth "
                  f"{report['bandwidth_hz']} Hz")
            for warning in report["warnings"]:
                print(f"  warning: {warning}")
        else:
            print(f"{path}: NOT usable: {report['error']}")
    return worst

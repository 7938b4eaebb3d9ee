"""The `timbrel` command line: `main(argv=None)` with subcommands and named exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from enum import IntEnum

from . import __version__

COMMAND_MODULES = ("say", "voice", "check", "text", "watermark", "serve", "batch")


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    BAD_INPUT = 3
    NOT_FOUND = 4
    INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timbrel",
        description="Offline zero-shot voice-cloning text-to-speech.",
    )
    parser.add_argument("--version", action="version", version=f"timbrel {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug messages")
    parser.add_argument("-q", "--quiet", action="store_true", help="only show errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        # command modules import their heavy dependencies lazily, inside the handlers
        importlib.import_module(f".commands.{name}", __package__).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", force=True)
    if not getattr(args, "func", None):
        parser.print_help()
        return ExitCode.USAGE
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except (ValueError, OSError) as error:
        # Every user-facing error type (reference, config, text, voice file, library,
        # audio file) is a ValueError with a message naming the problem.
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.NOT_FOUND if isinstance(error, FileNotFoundError) else ExitCode.BAD_INPUT

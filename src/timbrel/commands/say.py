"""`timbrel say`: speak text in a voice, into a file."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..engines import available_engines, get_engine
from ..engines.source_choice import AUTO
from ..enrollment import enroll
from ..render import synthesize_to_file
from .common import add_library_flag, add_synthesis_flags, library, synthesis_config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("say", help="speak text in a voice",
                                   description="Speak text in a cloned voice, offline.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--ref", metavar="AUDIO", help="reference clip of the voice (3-30 s)")
    source.add_argument("--voice", metavar="NAME", help="a voice saved with `timbrel voice add`")
    text = parser.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the text to speak")
    text.add_argument("--text-file", metavar="FILE", help="read the text from a file ('-': stdin)")
    parser.add_argument("--transcript", help="what the reference clip says (else recognised)")
    parser.add_argument("--engine", default=AUTO, choices=[AUTO, *available_engines()],
                        help="engine to clone a --ref with (default %(default)s)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="output audio file (.wav, .flac, .ogg, .mp3)")
    add_synthesis_flags(parser)
    add_library_flag(parser)
    parser.set_defaults(func=run)


def read_text(args: argparse.Namespace) -> str:
    if args.text is not None:
        return args.text
    if args.text_file == "-":
        return sys.stdin.read()
    return Path(args.text_file).read_text(encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    config = synthesis_config(args)
    text = read_text(args)
    if args.voice:
        voice = library(args).get(args.voice)
    else:
        voice = enroll(args.ref, transcript=args.transcript, engine=args.engine)
    engine = get_engine(voice.engine)
    getattr(engine, "warm_up", lambda: None)()  # time the speech, not the model loading
    started = time.perf_counter()
    path = synthesize_to_file(text, voice, args.output, config)
    import soundfile

    seconds = soundfile.info(str(path)).duration
    elapsed = time.perf_counter() - started
    print(f"wrote {path} ({seconds:.2f} s of audio in {elapsed:.2f} s, "
          f"real-time factor {elapsed / max(seconds, 1e-9):.2f})")
    return 0

"""``timbrel text normalize|phonemes``: the text front end on the command line."""

from __future__ import annotations

import argparse
import json
import sys

# the same numbers as timbrel.cli.ExitCode
EXIT_OK = 0
EXIT_BAD_INPUT = 3
EXIT_NOT_FOUND = 4


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``text`` command group to a ``subparsers`` object."""
    text = subparsers.add_parser("text", help="text front end: normalisation and phonemes")
    commands = text.add_subparsers(dest="text_command", metavar="COMMAND", required=True)

    normalize = commands.add_parser("normalize", help="print the spoken form of TEXT")
    normalize.add_argument("--lang", choices=("en", "zh"), required=True)
    normalize.add_argument("text", metavar="TEXT")
    normalize.set_defaults(func=normalize_command)

    phonemes = commands.add_parser("phonemes", help="print TEXT's phonemes as a JSON list")
    phonemes.add_argument("--lang", choices=("en", "zh", "auto"), default="auto")
    phonemes.add_argument("--json", action="store_true",
                          help="JSON output (the default; kept for explicitness)")
    phonemes.add_argument("--lexicon", metavar="FILE", help="pronunciation lexicon (JSONL)")
    phonemes.add_argument("--phoneme-mode", action="store_true",
                          help="read the whole input as pinyin / IPA")
    phonemes.add_argument("--no-sandhi", action="store_true",
                          help="Mandarin: keep dictionary tones (no 一/不/third-tone sandhi)")
    phonemes.add_argument("text", metavar="TEXT")
    phonemes.set_defaults(func=phonemes_command)


def normalize_command(args: argparse.Namespace) -> int:
    from timbrel.text.normalize import normalize

    spoken = normalize(args.text, args.lang)
    print(" ".join(spoken.split()))
    return EXIT_OK


def phonemes_command(args: argparse.Namespace) -> int:
    from timbrel.text.frontend import phonemes
    from timbrel.text.lexicon import Lexicon, LexiconError
    from timbrel.text.phoneme_mode import PhonemeSyntaxError

    try:
        lexicon = Lexicon.from_jsonl(args.lexicon) if args.lexicon else None
        result = phonemes(args.text, args.lang, lexicon, phoneme_mode=args.phoneme_mode,
                          tone_sandhi=not args.no_sandhi)
    except FileNotFoundError as error:
        print(f"error: lexicon not found: {error.filename}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except (LexiconError, PhonemeSyntaxError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK

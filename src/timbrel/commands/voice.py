"""`timbrel voice add|list|show|remove`: the named voice library."""

from __future__ import annotations

import argparse
import json
import logging

from ..enrollment import enroll
from .common import add_library_flag, library

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("voice", help="manage saved voices")
    actions = parser.add_subparsers(dest="voice_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="enroll a reference clip as a named voice")
    add.add_argument("name")
    add.add_argument("audio", help="reference clip (3-30 s; longer clips are cut)")
    add.add_argument("--transcript", help="what the clip says (else the recogniser writes it)")
    add.add_argument("--language", default="en", choices=("en", "zh"))
    add.add_argument("--lexicon", metavar="FILE",
                     help="pronunciation lexicon (JSONL) stored with the voice")
    add.add_argument("--consent", default="", help="who agreed to this voice being cloned, how")
    add.add_argument("--force", action="store_true", help="replace a voice of the same name")
    add.set_defaults(func=run_add)

    listing = actions.add_parser("list", help="list saved voices")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help="show one voice's details")
    show.add_argument("name")
    show.set_defaults(func=run_show)

    remove = actions.add_parser("remove", help="delete a saved voice")
    remove.add_argument("name")
    remove.set_defaults(func=run_remove)

    for sub in (add, listing, show, remove):
        add_library_flag(sub)


def run_add(args: argparse.Namespace) -> int:
    voices = library(args)
    voices.check_name(args.name)
    if args.name in voices and not args.force:
        print(f"error: a voice named '{args.name}' already exists (use --force)")
        return 3
    if not args.consent.strip():
        log.warning("no consent note given: record who agreed to this voice being cloned "
                    "with --consent \"...\"")
    lexicon = None
    if args.lexicon:
        from ..text.lexicon import Lexicon

        lexicon = Lexicon.from_jsonl(args.lexicon).to_records()
    voice = enroll(args.audio, transcript=args.transcript, language=args.language,
                   consent=args.consent, lexicon=lexicon)
    path = voices.add(args.name, voice, overwrite=args.force)
    print(f"added voice '{args.name}' ({voice.reference_seconds:.1f} s reference) -> {path}")
    print(f"transcript: {voice.transcript or '(none)'}")
    for warning in voice.reference_info.get("warnings", []):
        print(f"warning: {warning}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    entries = library(args).list()
    if args.json:
        print(json.dumps([entry.__dict__ for entry in entries], ensure_ascii=False, indent=1))
        return 0
    if not entries:
        print("no voices yet: add one with `timbrel voice add NAME AUDIO`")
        return 0
    for entry in entries:
        state = f"  CORRUPT: {entry.problem}" if entry.problem else ""
        print(f"{entry.name:20s} {entry.language:3s} {entry.reference_seconds:5.1f} s  "
              f"{entry.created}  {entry.consent or '(no consent note)'}{state}")
    return 1 if any(not entry.ok for entry in entries) else 0


def run_show(args: argparse.Namespace) -> int:
    voice = library(args).get(args.name)
    print(json.dumps({"name": args.name, **voice.summary()}, ensure_ascii=False, indent=1))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    library(args).remove(args.name)
    print(f"removed voice '{args.name}'")
    return 0

"""`timbrel voice add|list|show|remove|adapt`: the named voice library."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from ..adapt.trainable_parts import PARTS
from ..engines import available_engines
from ..engines.source_choice import AUTO
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
    add.add_argument("--engine", default=AUTO, choices=[AUTO, *available_engines()],
                     help="auto (default): the engine whose source voice is nearest the "
                          "reference in pitch; builtin: Piper joe + conversion (English, "
                          "Mandarin); heart: hibari's heart voice converted in its vocoder's "
                          "frames (English)")
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

    adapt = actions.add_parser(
        "adapt", help="fine-tune the built-in neural voice on more of this speaker's audio")
    adapt.add_argument("name")
    adapt.add_argument("audio", nargs="*",
                       help="recordings of the same speaker (cut and transcribed automatically)")
    adapt.add_argument("--quick", action="store_true",
                       help="train on the voice's own reference clip only (minutes of CPU)")
    adapt.add_argument("--steps", type=int, default=None,
                       help="training steps (default 300, or 150 with --quick; no cap "
                            "under --minutes-budget alone)")
    adapt.add_argument("--minutes-budget", type=float, default=None,
                       help="train for this many minutes (stopping earlier if --steps is "
                            "given and reached first)")
    adapt.add_argument("--parts", default="dec-prior",
                       choices=tuple(PARTS),
                       help="what trains: the decoder on prior latents (dec-prior) or on posterior "
                            "latents (dec), flow and decoder, posterior encoder and flow with "
                            "the decoder frozen (latent), all three (all; all+dp adds the "
                            "duration predictor), or everything synthesis runs, the text "
                            "encoder too (full)")
    adapt.add_argument("--conversion", default="none", choices=("none", "pitch", "full"),
                       help="signal-processing conversion kept on top of the adapted voice")
    adapt.add_argument("--warmup-steps", type=int, default=None,
                       help="posterior-encoder warm-up steps on joe's own speech (default "
                            "120; computed once and cached)")
    adapt.add_argument("--adversarial", action="store_true",
                       help="train a discriminator alongside (GAN and feature-matching "
                            "losses, as VITS trains); it learns alone for the first 200 "
                            "steps")
    adapt.add_argument("--discriminator-width", type=float, default=1.0,
                       choices=(1.0, 0.5, 0.25, 0.125),
                       help="the discriminator's channels as a fraction of piper's (measured "
                            "on 2 cores: a step takes 1.69 s at 1, 0.68 s at 0.25, 0.58 s "
                            "without one)")
    adapt.add_argument("--learning-rate", type=float, default=None,
                       help="generator learning rate (default 5e-5; the benchmark's longest "
                            "runs used 1e-4 with --parts all)")
    adapt.set_defaults(func=run_adapt)

    for sub in (add, listing, show, remove, adapt):
        add_library_flag(sub)


def run_add(args: argparse.Namespace) -> int:
    voices = library(args)
    voices.check_name(args.name)
    if args.name in voices and not args.force:
        print(f"error: a voice named '{args.name}' already exists (use --force)", file=sys.stderr)
        return 3
    if not args.consent.strip():
        log.warning("no consent note given: record who agreed to this voice being cloned "
                    "with --consent \"...\"")
    lexicon = None
    if args.lexicon:
        from ..text.lexicon import Lexicon

        lexicon = Lexicon.from_jsonl(args.lexicon).to_records()
    voice = enroll(args.audio, transcript=args.transcript, language=args.language,
                   consent=args.consent, lexicon=lexicon, engine=args.engine)
    path = voices.add(args.name, voice, overwrite=args.force)
    print(f"added voice '{args.name}' ({voice.reference_seconds:.1f} s reference) -> {path}")
    print(f"transcript: {voice.transcript or '(none)'}")
    chosen = " (nearest source voice in pitch)" if args.engine == AUTO else ""
    print(f"engine: {voice.engine}{chosen}")
    for warning in voice.reference_info.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
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


def run_adapt(args: argparse.Namespace) -> int:
    from ..adapt.discriminator import AdversarialConfig
    from ..adapt.finetune import FinetuneConfig, step_cap
    from ..adapt.voice_adaptation import adapt_voice
    from ..audio import load_audio

    voices = library(args)
    voice = voices.get(args.name)
    if not args.audio and not args.quick:
        print("error: give recordings of the speaker to adapt on, or --quick to use the "
              "voice's own reference clip", file=sys.stderr)
        return 3
    if args.steps is not None and args.steps < 1:
        print("error: --steps must be at least 1", file=sys.stderr)
        return 3
    if args.minutes_budget is not None and args.minutes_budget <= 0:
        print("error: --minutes-budget must be positive", file=sys.stderr)
        return 3
    clips, transcripts = [], []
    if args.quick:
        clips.append((voice.reference, voice.reference_rate))
        transcripts.append(voice.transcript or None)
    for path in args.audio:
        try:
            clips.append(load_audio(path))
        except (OSError, ValueError) as error:
            print(f"error: cannot read {path}: {error}", file=sys.stderr)
            return 3
        transcripts.append(None)
    budget = args.minutes_budget * 60 if args.minutes_budget else None
    steps = step_cap(args.steps, budget, 150 if args.quick and not args.audio else 300)
    try:
        config = FinetuneConfig(
            steps=steps, seconds_budget=budget, parts=args.parts,
            **({} if args.learning_rate is None else {"learning_rate": args.learning_rate}),
            adversarial=(AdversarialConfig(width=args.discriminator_width)
                         if args.adversarial else None))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3

    def progress(record) -> None:
        if record.steps % 25 == 0:
            log.info("step %d: mel L1 %.3f (%.0f s)", record.steps, record.mel_loss[-1],
                     record.seconds)

    try:
        adapted, report = adapt_voice(voice, clips, transcripts, config, args.conversion,
                                      progress, warmup_steps=args.warmup_steps)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    path = voices.add(args.name, adapted, overwrite=True)
    if adapted.engine != voice.engine:
        print(f"note: fine-tuning trains the built-in engine's voice, so '{args.name}' moved "
              f"from the {voice.engine} engine to {adapted.engine}")
    mel = report.training.mel_loss
    print(f"adapted voice '{args.name}' on {report.items} pieces "
          f"({report.audio_seconds:.1f} s of speech): {report.training.steps} steps in "
          f"{report.training.seconds:.0f} s, mel L1 {mel[0]:.3f} -> "
          f"{sum(mel[-10:]) / len(mel[-10:]):.3f}; delta {report.delta_tensors} tensors, "
          f"{report.delta_bytes / 1e6:.1f} MB -> {path}")
    return 0

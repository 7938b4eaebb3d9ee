"""Flags and helpers shared by several commands (defined once)."""

from __future__ import annotations

import argparse

from ..controls import SynthesisConfig
from ..library import VoiceLibrary


def add_library_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--library", metavar="DIR", default=None,
                        help="voice library folder (default: $TIMBREL_HOME or "
                             "~/.local/share/timbrel)")


def add_synthesis_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("synthesis settings")
    group.add_argument("--speed", type=float, help="speaking rate, 0.5-2.0 (1 = natural)")
    group.add_argument("--pitch", type=float, dest="pitch_shift",
                       help="pitch shift in semitones, -12..12")
    group.add_argument("--seed", type=int, help="random seed (same seed = same audio)")
    group.add_argument("--pause", type=float, dest="sentence_pause",
                       help="pause between sentences, seconds")
    group.add_argument("--loudness", type=float, dest="loudness_lufs",
                       help="target loudness in LUFS (default -18)")
    group.add_argument("--no-watermark", dest="watermark", action="store_false",
                       help="do not embed the provenance watermark (the file's tags say so)")


def synthesis_config(args: argparse.Namespace) -> SynthesisConfig:
    return SynthesisConfig(
        seed=args.seed, speed=args.speed, pitch_shift=args.pitch_shift,
        sentence_pause=args.sentence_pause, loudness_lufs=args.loudness_lufs,
        watermark=False if getattr(args, "watermark", True) is False else None,
    ).validate()


def library(args: argparse.Namespace) -> VoiceLibrary:
    return VoiceLibrary(args.library)

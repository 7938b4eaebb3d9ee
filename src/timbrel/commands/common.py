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
    group.add_argument("--duration", type=float,
                       help="exact length of the whole output in seconds (overrides --speed)")
    group.add_argument("--pitch", type=float, dest="pitch_shift",
                       help="pitch shift in semitones, -12..12")
    group.add_argument("--pitch-variation", type=float,
                       help="pitch liveliness, 0 (monotone) .. 1 (natural) .. 2 (lively)")
    emotion = group.add_mutually_exclusive_group()
    emotion.add_argument("--emotion", type=emotion_argument,
                         help="a preset (happy angry sad afraid disgusted melancholic surprised "
                              "calm, or 高兴 愤怒 悲伤 …) or 8 comma-separated values 0-1")
    emotion.add_argument("--emotion-text", metavar="DESCRIPTION",
                         help='describe the emotion: "angrily", "in a whisper", "悲伤地说"')
    emotion.add_argument("--emotion-ref", metavar="AUDIO", dest="emotion_reference",
                         help="take the emotion from this clip (the timbre stays the voice's)")
    group.add_argument("--intensity", type=float, dest="emotion_intensity",
                       help="emotion intensity 0-2 (1 = natural, above 1 exaggerated)")
    group.add_argument("--seed", type=int, help="random seed (same seed = same audio)")
    group.add_argument("--pause", type=float, dest="sentence_pause",
                       help="pause between sentences, seconds")
    group.add_argument("--loudness", type=float, dest="loudness_lufs",
                       help="target loudness in LUFS (default -23, EBU R 128; podcasts often -16)")
    group.add_argument("--lang", dest="language", choices=("en", "zh", "auto"),
                       help="language of the text (default auto: Chinese characters are read "
                            "as Mandarin, Latin words as English)")
    group.add_argument("--lexicon", metavar="FILE",
                       help="pronunciation lexicon (JSONL), added to the voice's own")
    group.add_argument("--phoneme-mode", action="store_true", default=None,
                       help="read the whole text as phonemes: pinyin (ni3 hao3) and/or IPA")
    group.add_argument("--no-watermark", dest="watermark", action="store_false",
                       help="do not embed the provenance watermark (the file's tags say so)")


def emotion_argument(value: str) -> str | tuple[float, ...]:
    """A preset name, or 8 comma-separated numbers."""
    if "," not in value:
        return value
    try:
        return tuple(float(part) for part in value.split(","))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"bad emotion vector {value!r}: {error}") from error


def synthesis_config(args: argparse.Namespace) -> SynthesisConfig:
    return SynthesisConfig(
        seed=args.seed, speed=args.speed, pitch_shift=args.pitch_shift,
        duration=args.duration, pitch_variation=args.pitch_variation,
        emotion=args.emotion, emotion_text=args.emotion_text,
        emotion_reference=args.emotion_reference, emotion_intensity=args.emotion_intensity,
        sentence_pause=args.sentence_pause, loudness_lufs=args.loudness_lufs,
        language=getattr(args, "language", None), lexicon=getattr(args, "lexicon", None),
        phoneme_mode=getattr(args, "phoneme_mode", None),
        watermark=False if getattr(args, "watermark", True) is False else None,
    ).validate()


def library(args: argparse.Namespace) -> VoiceLibrary:
    return VoiceLibrary(args.library)

"""What `SynthesisConfig` offers, read from the dataclass itself.

The speech request model and the `/v1/controls` description are both built from
`SynthesisConfig`'s fields at app creation, so a control added there shows up in the
API, its schema and the studio's form without touching the server.
"""

from __future__ import annotations

import types
import typing
from dataclasses import MISSING, fields
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from .. import controls
from ..controls import SynthesisConfig

RESPONSE_FORMATS = ("wav", "mp3", "opus", "flac", "pcm")

# Labels and help for the fields we know; unknown (new) fields fall back to their name.
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "seed": ("Seed", "random seed: the same seed, text and voice give the same audio"),
    "speed": ("Speed", "speaking rate (1 = natural)"),
    "pitch_shift": ("Pitch", "pitch shift in semitones"),
    "noise_scale": ("Variation", "sampling noise: expressiveness of the delivery"),
    "noise_w": ("Rhythm variation", "sampling noise of phoneme durations"),
    "sentence_pause": ("Pause", "pause between sentences, seconds"),
    "loudness_lufs": ("Loudness", "target loudness, LUFS"),
    "language": ("Language", "language of the text"),
    "emotion": ("Emotion", "emotion: 8 weights [happy, angry, sad, afraid, disgusted, "
                "melancholic, surprised, calm], a preset name or a description"),
    "duration": ("Duration", "exact length of the speech in seconds (overrides speed)"),
    "lexicon": ("Lexicon", "pronunciation overrides for this call: a list of entries "
                "{word, phoneme, optional context}"),
    "emotion_intensity": ("Emotion intensity", "0 = flat, 1 = natural, above 1 exaggerated"),
    "emotion_text": ("Emotion description",
                     "the emotion in words, English or Chinese: 'angrily', 'in a whisper'"),
    "phoneme_mode": ("Phoneme mode", "read the whole text as phonemes (pinyin and/or IPA) "
                     "instead of spelling it out"),
    "pitch_variation": ("Pitch variation", "intonation range (1 = natural, 0 = monotone)"),
}
# Fields whose Python type also allows a server file path: over HTTP, only the inline form.
TYPE_OVERRIDES: dict[str, Any] = {"lexicon": list[dict[str, str]]}
EXAMPLES: dict[str, Any] = {
    "lexicon": [{"word": "tomato", "phoneme": "t ə m ˈɑː t oʊ"},
                {"word": "行", "context": "银行", "phoneme": "hang2"}],
}
# Fields a client must not set over HTTP, and why (shown by /v1/controls).
EXCLUDED: dict[str, str] = {
    "emotion_reference": "a file path on the server; not accepted over HTTP",
    "watermark": "served audio is always watermarked (provenance)",
}
CHOICES: dict[str, tuple[str, ...]] = {"language": ("en", "zh", "auto")}
STEPS: dict[str, float] = {"speed": 0.05, "pitch_variation": 0.05, "emotion_intensity": 0.05,
                           "duration": 0.1, "pitch_shift": 0.5, "sentence_pause": 0.05,
                           "loudness_lufs": 0.5, "noise_scale": 0.01, "noise_w": 0.01}
PLANNED = ("emotion", "duration", "lexicon")
EMOTION_LABELS = ("happy", "angry", "sad", "afraid", "disgusted", "melancholic",
                  "surprised", "calm")


def config_hints() -> dict[str, Any]:
    """SynthesisConfig's field types as served (file-path alternatives removed)."""
    try:
        hints = typing.get_type_hints(SynthesisConfig)
    except Exception:  # noqa: BLE001 - an unresolvable hint: describe it as JSON
        hints = {item.name: Any for item in fields(SynthesisConfig)}
    return hints | {name: hint for name, hint in TYPE_OVERRIDES.items() if name in hints}


def _without_none(hint: Any) -> list[Any]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [arg for arg in typing.get_args(hint) if arg is not type(None)]
    return [hint]


def json_type(hint: Any) -> dict[str, Any]:
    """A small JSON-schema-like description of a type hint, for the studio's form."""
    options = _without_none(hint)
    if len(options) > 1:
        return {"type": "union", "options": [json_type(option) for option in options]}
    hint = options[0]
    origin = typing.get_origin(hint)
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is str:
        return {"type": "string"}
    if origin is Literal:
        return {"type": "string", "choices": list(typing.get_args(hint))}
    if origin in (list, tuple) or hint in (list, tuple):
        args = [arg for arg in typing.get_args(hint) if arg is not Ellipsis]
        item = json_type(args[0]) if args else {"type": "json"}
        return {"type": "array", "items": item}
    if origin is dict or hint is dict:
        return {"type": "object"}
    return {"type": "json"}


def served_fields() -> list:
    """SynthesisConfig's fields that HTTP clients may set."""
    return [item for item in fields(SynthesisConfig) if item.name not in EXCLUDED]


def describe_controls() -> dict[str, Any]:
    """`/v1/controls`: every SynthesisConfig field with type, default, range and help."""
    hints = config_hints()
    described = []
    for item in served_fields():
        label, help_text = DESCRIPTIONS.get(item.name, (item.name.replace("_", " ").title(),
                                                        item.name.replace("_", " ")))
        entry: dict[str, Any] = {
            "name": item.name, "label": label, "description": help_text,
            **json_type(hints.get(item.name, Any)),
            "default": controls.DEFAULTS.get(item.name),
        }
        if item.default is not MISSING and item.default is not None:
            entry["default"] = item.default
        if item.name in controls.RANGES:
            entry["minimum"], entry["maximum"] = controls.RANGES[item.name]
        if item.name in STEPS:
            entry["step"] = STEPS[item.name]
        if item.name in CHOICES and "choices" not in entry:
            entry["choices"] = list(CHOICES[item.name])
        if item.name in EXAMPLES:
            entry["example"] = EXAMPLES[item.name]
        if item.name == "emotion":
            entry["labels"] = list(getattr(controls, "EMOTION_NAMES", EMOTION_LABELS))
        described.append(entry)
    names = {entry["name"] for entry in described}
    return {
        "excluded": [{"name": name, "reason": reason} for name, reason in EXCLUDED.items()
                     if name in {item.name for item in fields(SynthesisConfig)}],
        "fields": described,
        "planned": [{"name": name, "label": DESCRIPTIONS[name][0],
                     "description": DESCRIPTIONS[name][1], "supported": name in names}
                    for name in PLANNED],
        "response_formats": list(RESPONSE_FORMATS),
    }


class SpeechRequestBase(BaseModel):
    """OpenAI's `POST /v1/audio/speech` body; timbrel's controls are added as extra fields."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    model: str = Field(min_length=1, max_length=128, examples=["timbrel"],
                       description="any name is accepted (e.g. 'timbrel', 'tts-1'); "
                                   "the voice decides the engine")
    voice: str = Field(min_length=1, max_length=64, examples=["alloy"],
                       description="the name of a voice in the library (see /v1/voices); "
                                   "name voices like OpenAI's to keep client code unchanged")
    response_format: Literal["wav", "mp3", "opus", "flac", "pcm"] = Field(
        default="mp3", description="pcm is 16-bit little-endian mono at 24 kHz")
    instructions: str | None = Field(
        default=None, max_length=4096,
        description="accepted for compatibility with OpenAI; not used yet")
    stream_format: Literal["audio"] | None = Field(
        default=None, description="only 'audio' (chunked audio bytes) is supported")


def speech_request_model(max_text_chars: int) -> type[BaseModel]:
    """The request model: OpenAI's fields plus one optional field per SynthesisConfig field."""
    hints = config_hints()
    extra: dict[str, Any] = {
        "input": (str, Field(min_length=1, max_length=max_text_chars,
                             examples=["Dinner is ready. Please come to the table."],
                             description=f"the text to speak, at most {max_text_chars} "
                                         "characters")),
    }
    for item in served_fields():
        hint = hints.get(item.name, Any)
        constraints: dict[str, Any] = {}
        if item.name in controls.RANGES:
            constraints["ge"], constraints["le"] = controls.RANGES[item.name]
        if item.name == "seed":
            constraints["ge"] = 0
        if item.name in TYPE_OVERRIDES:
            constraints["max_length"] = 2000
        if item.name in CHOICES:
            hint = Literal[CHOICES[item.name]] | None  # type: ignore[valid-type]
        description = DESCRIPTIONS.get(item.name, ("", item.name.replace("_", " ")))[1]
        extra[item.name] = (hint | None if hint is not Any else Any,
                            Field(default=None, description=description, **constraints))
    try:
        return create_model("SpeechRequest", __base__=SpeechRequestBase, **extra)
    except Exception:  # noqa: BLE001 - a new field pydantic cannot model: accept it as JSON
        loose = {name: (Any, spec[1]) if name != "input" else spec
                 for name, spec in extra.items()}
        return create_model("SpeechRequest", __base__=SpeechRequestBase, **loose)

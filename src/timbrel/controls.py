"""Per-call synthesis settings: one keyword-only dataclass, `None` meaning "the default".

A field left `None` falls back to the voice's stored defaults, then to `DEFAULTS`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any


class ConfigError(ValueError):
    """A setting is out of range or of the wrong type; the message names the field."""


DEFAULTS: dict[str, Any] = {
    "seed": 0,
    "speed": 1.0,
    "pitch_shift": 0.0,
    "noise_scale": 0.667,
    "noise_w": 0.8,
    "sentence_pause": 0.35,
    "loudness_lufs": -23.0,
    "language": "auto",
    "watermark": True,
    "emotion": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
    "emotion_intensity": 1.0,
    "pitch_variation": 1.0,
}

EMOTION_SOURCES = ("emotion", "emotion_text", "emotion_reference")

RANGES: dict[str, tuple[float, float]] = {
    "speed": (0.5, 2.0),
    "pitch_shift": (-12.0, 12.0),
    "noise_scale": (0.0, 1.5),
    "noise_w": (0.0, 1.5),
    "sentence_pause": (0.0, 5.0),
    "loudness_lufs": (-40.0, -6.0),
    "emotion_intensity": (0.0, 2.0),
    "pitch_variation": (0.0, 2.0),
    "duration": (0.2, 36000.0),
}


@dataclass(frozen=True, kw_only=True)
class SynthesisConfig:
    """How to speak: emotion, speed or exact duration, pitch, pauses, loudness, seed.

    Emotion comes from one of: `emotion` (an 8-vector in IndexTTS2's order happy, angry,
    sad, afraid, disgusted, melancholic, surprised, calm — or a preset name such as
    "happy" / "高兴"), `emotion_text` (a description: "angrily", "悲伤地说"), or
    `emotion_reference` (a clip whose emotion is copied; the timbre stays the voice's).
    `emotion_intensity` scales it (0-2; 1 natural, above 1 exaggerated). `duration`
    asks for an exact length of the whole utterance in seconds (overrides `speed`).
    """

    seed: int | None = None
    speed: float | None = None
    duration: float | None = None
    emotion: tuple[float, ...] | str | None = None
    emotion_intensity: float | None = None
    emotion_text: str | None = None
    emotion_reference: str | None = None
    pitch_shift: float | None = None
    pitch_variation: float | None = None
    noise_scale: float | None = None
    noise_w: float | None = None
    sentence_pause: float | None = None
    loudness_lufs: float | None = None
    language: str | None = None
    lexicon: tuple[dict[str, str], ...] | str | None = None
    """Pronunciation overrides for this call: entry dicts (``{"word": "行", "context":
    "银行", "phoneme": "hang2"}``) or a JSONL file path; added to the voice's own lexicon,
    and winning where both have the same word and context."""
    phoneme_mode: bool | None = None
    """Read the whole text as phonemes (pinyin and/or IPA) instead of running G2P."""
    watermark: bool | None = None
    """Embed the provenance watermark (default on); only an explicit False turns it off."""

    def validate(self) -> SynthesisConfig:
        """Raise `ConfigError` naming the first bad field; return self when all are fine."""
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"{name} must be a number, got {value!r}")
            if not low <= float(value) <= high:
                raise ConfigError(f"{name}={value} is outside {low:g}..{high:g}")
        if self.seed is not None and (not isinstance(self.seed, int) or self.seed < 0):
            raise ConfigError(f"seed must be a non-negative integer, got {self.seed!r}")
        if self.emotion is not None:
            from .emotion import emotion_vector

            try:
                object.__setattr__(self, "emotion", emotion_vector(self.emotion))
            except (TypeError, ValueError) as error:
                raise ConfigError(f"emotion: {error}") from error
        given = [name for name in EMOTION_SOURCES if getattr(self, name) is not None]
        if len(given) > 1:
            raise ConfigError(f"give only one emotion source, not {' and '.join(given)}")
        if self.language is not None and self.language not in ("en", "zh", "auto"):
            raise ConfigError(f"language must be 'en', 'zh' or 'auto', got {self.language!r}")
        if self.lexicon is not None:
            object.__setattr__(self, "lexicon", _lexicon_records(self.lexicon))
        if self.phoneme_mode is not None and not isinstance(self.phoneme_mode, bool):
            raise ConfigError(f"phoneme_mode must be true or false, got {self.phoneme_mode!r}")
        if self.watermark is not None and not isinstance(self.watermark, bool):
            raise ConfigError(f"watermark must be true or false, got {self.watermark!r}")
        return self

    def resolved(self, voice_defaults: dict[str, Any] | None = None) -> SynthesisConfig:
        """Every field filled: this call's value, else the voice's default, else ours."""
        values: dict[str, Any] = {}
        defaults = dict(voice_defaults or {})
        sources = [name for name in EMOTION_SOURCES if getattr(self, name) is not None]
        if not sources:  # no emotion in this call: the voice's emotion source, else calm
            for name in EMOTION_SOURCES:
                values[name] = defaults.get(name)
            if all(value is None for value in values.values()):
                values["emotion"] = DEFAULTS["emotion"]
        for item in fields(self):
            if item.name in EMOTION_SOURCES:
                values.setdefault(item.name, getattr(self, item.name))
                continue
            value = getattr(self, item.name)
            if value is None:
                value = defaults.get(item.name)
            if value is None:
                value = DEFAULTS.get(item.name)
            values[item.name] = value
        return replace(self, **values).validate()

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SynthesisConfig:
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        return cls(**values).validate()


def _lexicon_records(value: Any) -> tuple[dict[str, str], ...]:
    """A lexicon given as entry dicts or a JSONL path, checked and normalised to records."""
    import os

    from .text.lexicon import Lexicon, LexiconError

    try:
        if isinstance(value, str | os.PathLike):
            lexicon = Lexicon.from_jsonl(value)
        elif isinstance(value, list | tuple):
            lexicon = Lexicon.from_records(value)
        else:
            raise ConfigError(f"lexicon must be a JSONL file path or a list of entries, "
                              f"got {type(value).__name__}")
    except LexiconError as error:
        raise ConfigError(f"lexicon: {error}") from error
    except OSError as error:
        raise ConfigError(f"lexicon: cannot read {value}: {error.strerror or error}") from error
    return tuple(lexicon.to_records())

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
    "loudness_lufs": -18.0,
    "language": "en",
}

RANGES: dict[str, tuple[float, float]] = {
    "speed": (0.5, 2.0),
    "pitch_shift": (-12.0, 12.0),
    "noise_scale": (0.0, 1.5),
    "noise_w": (0.0, 1.5),
    "sentence_pause": (0.0, 5.0),
    "loudness_lufs": (-40.0, -6.0),
}


@dataclass(frozen=True, kw_only=True)
class SynthesisConfig:
    """How to speak: speed, pitch, sampling noise, pauses, loudness, seed, language."""

    seed: int | None = None
    speed: float | None = None
    pitch_shift: float | None = None
    noise_scale: float | None = None
    noise_w: float | None = None
    sentence_pause: float | None = None
    loudness_lufs: float | None = None
    language: str | None = None

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
        if self.language is not None and self.language not in ("en", "zh", "auto"):
            raise ConfigError(f"language must be 'en', 'zh' or 'auto', got {self.language!r}")
        return self

    def resolved(self, voice_defaults: dict[str, Any] | None = None) -> SynthesisConfig:
        """Every field filled: this call's value, else the voice's default, else ours."""
        values = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None and voice_defaults:
                value = voice_defaults.get(item.name)
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

"""A trained linear classifier that reads the emotion of a clip from `emotion_features`.

Multinomial logistic regression over standardised clip features; the weights ship in
`data/emotion_reader.json`, trained by `benchmarks/emotion_reader.py --train` on the
built-in engine's presets spoken by many dev voices (random intensity, pitch range and
level, some voices enrolled from two speakers at once) plus real neutral recordings labelled
calm, and tested there on other voices and texts. A calm prior (a constant added to calm's
logit, chosen by cross-validation on the dev set) makes a clip that fits no emotion well
read calm, as neutral human speech should. Only NumPy is needed to apply it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .emotion_features import FEATURE_NAMES, clip_features
from .prosody import EMOTIONS

MODEL_PATH = Path(__file__).resolve().parent / "data" / "emotion_reader.json"


@dataclass(frozen=True)
class EmotionReader:
    features: tuple[str, ...]
    mean: np.ndarray  # per feature, of the training clips
    scale: np.ndarray  # per feature standard deviation of the training clips
    coef: np.ndarray  # (emotions, features), on standardised features
    intercept: np.ndarray  # (emotions,)
    calm_centre: np.ndarray  # mean raw features of the calm training clips
    notes: dict  # how it was trained and what it scored
    calm_prior: float = 0.0  # added to calm's logit: a clip that fits nothing well reads calm

    def probabilities(self, features: np.ndarray, baseline: np.ndarray | None = None
                      ) -> np.ndarray:
        """P(emotion) in `EMOTIONS` order. With `baseline` (features of the same
        speaker's neutral speech), the clip is first moved by (calm centre - baseline)."""
        features = np.asarray(features, float)
        if baseline is not None:
            features = features - np.asarray(baseline, float) + self.calm_centre
        logits = self.coef @ ((features - self.mean) / self.scale) + self.intercept
        logits[EMOTIONS.index("calm")] += self.calm_prior
        logits -= logits.max()
        weights = np.exp(logits)
        return weights / weights.sum()

    def to_dict(self) -> dict:
        return {"features": list(self.features), "emotions": list(EMOTIONS),
                "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept.tolist(),
                "calm_centre": self.calm_centre.tolist(), "calm_prior": self.calm_prior,
                "notes": self.notes}

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n")

    @classmethod
    def from_dict(cls, values: dict) -> EmotionReader:
        if tuple(values["features"]) != FEATURE_NAMES or tuple(values["emotions"]) != EMOTIONS:
            raise ValueError("the emotion reader's weights were trained on other features or "
                             "emotions; retrain with benchmarks/emotion_reader.py --train")
        array = {key: np.asarray(values[key], float)
                 for key in ("mean", "scale", "coef", "intercept", "calm_centre")}
        return cls(features=FEATURE_NAMES, notes=values.get("notes", {}),
                   calm_prior=float(values.get("calm_prior", 0.0)), **array)


@cache
def default_reader() -> EmotionReader:
    return EmotionReader.from_dict(json.loads(MODEL_PATH.read_text()))


def read_emotion(samples: np.ndarray, sample_rate: int,
                 baseline: tuple[np.ndarray, int] | None = None) -> np.ndarray:
    """P(emotion) of a clip, in `EMOTIONS` order; `baseline` = (samples, rate) of neutral
    speech by the same speaker, when there is any."""
    reader = default_reader()
    base = clip_features(*baseline) if baseline is not None else None
    return reader.probabilities(clip_features(samples, sample_rate), base)

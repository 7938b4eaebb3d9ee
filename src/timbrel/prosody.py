"""Emotion rendered as prosody and voice quality, grounded in published acoustic correlates.

Each emotion is a set of changes relative to calm, neutral reading: pitch level and
range, speaking rate, pauses, energy, spectral tilt and breathiness. Directions and rough
sizes follow:

- I. R. Murray and J. L. Arnott (1993), "Toward the simulation of emotion in synthetic
  speech: a review of the literature on human vocal emotion", JASA 93(2):1097-1108,
  Table I (anger: higher and wider pitch, faster, louder, tense; happiness: much higher,
  wider pitch, louder; sadness: lower, narrower pitch, slower, softer; fear: much higher
  pitch, wider range, much faster; disgust: much lower pitch, much slower, softer).
- R. Banse and K. R. Scherer (1996), "Acoustic profiles in vocal emotion expression",
  J. Pers. Soc. Psychol. 70(3):614-636 (hot anger and elation: high F0 and energy with
  more high-frequency energy, i.e. flatter spectral tilt; sadness: low F0, low energy,
  steep tilt).
- P. N. Juslin and P. Laukka (2003), "Communication of emotions in vocal expression and
  music performance: different channels, same code?", Psychol. Bull. 129(5):770-814,
  Table 7 (sadness: slow rate, low intensity, low F0 variability, more pauses; fear:
  fast rate, high F0; happiness/anger: fast, loud, high F0 variability).
- K. R. Scherer (2003), "Vocal communication of emotion: a review of research paradigms",
  Speech Communication 40:227-256 (surprise: raised F0 with wide, rising excursions;
  melancholic low mood as a milder sadness: lowered F0, reduced range and energy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

EMOTIONS = ("happy", "angry", "sad", "afraid", "disgusted", "melancholic", "surprised", "calm")


@dataclass(frozen=True)
class Prosody:
    """Changes to apply relative to calm reading (the identity is `Prosody()`)."""

    pitch_semitones: float = 0.0  # F0 level
    pitch_range: float = 1.0  # multiplies the spread of log-F0
    rate: float = 1.0  # speaking rate multiplier (>1 faster)
    pause: float = 1.0  # multiplies pause lengths
    energy_db: float = 0.0  # loudness offset
    tilt_db: float = 0.0  # high-frequency (above 1 kHz) emphasis at 4 kHz, dB (prosody_for
    # adds the effort lift that goes with the pitch)
    breathiness: float = 0.0  # 0..1, mixes aperiodic energy into voiced sounds


# Deviations from calm at intensity 1 (see the module docstring for the sources).
EMOTION_PROSODY: dict[str, Prosody] = {
    "happy": Prosody(pitch_semitones=2.5, pitch_range=1.4, rate=1.08, pause=0.9,
                     energy_db=3.0, tilt_db=2.0),
    "angry": Prosody(pitch_semitones=1.5, pitch_range=1.35, rate=1.12, pause=0.8,
                     energy_db=6.0, tilt_db=4.0),
    "sad": Prosody(pitch_semitones=-2.0, pitch_range=0.6, rate=0.82, pause=1.4,
                   energy_db=-4.0, tilt_db=-5.0, breathiness=0.3),
    "afraid": Prosody(pitch_semitones=3.5, pitch_range=1.15, rate=1.18, pause=0.85,
                      energy_db=0.0, tilt_db=0.5, breathiness=0.35),
    "disgusted": Prosody(pitch_semitones=-2.0, pitch_range=1.1, rate=0.84, pause=1.15,
                         energy_db=-1.0, tilt_db=-1.0, breathiness=0.1),
    "melancholic": Prosody(pitch_semitones=-1.2, pitch_range=0.72, rate=0.9, pause=1.25,
                           energy_db=-2.5, tilt_db=-3.0, breathiness=0.15),
    "surprised": Prosody(pitch_semitones=4.0, pitch_range=1.6, rate=1.0, pause=1.0,
                         energy_db=2.0, tilt_db=1.0),
    "calm": Prosody(),
}

_MULTIPLICATIVE = {"pitch_range", "rate", "pause"}
# An emotion that raises the pitch also lifts the high frequencies by this much per
# semitone (and one that lowers it takes them down), on top of its own tilt. Speakers do
# this: raised vocal effort brings a higher F0 and a flatter spectrum together
# (H. Traunmüller and A. Eriksson (2000), "Acoustic effects of variation in vocal effort by
# men, women, and children", JASA 107(6):3438-3451). Both engines need it: moving the
# pitch alone steepens their heard spectrum (level 50-1000 Hz over 1-4 kHz) by about
# 0.5-0.7 dB a semitone, so afraid (+3.5 st, lift 0.5 dB) came out steeper than calm.
# Dev voices (Allison on heart, flite rms on the built-in engine) and dev sentences, heard
# tilt change afraid / surprised: +2.8, +1.6 / +1.6, +1.0 dB without it, +0.6, -1.5 /
# -1.1, -2.6 dB with it; GE2E to the voice unchanged there (reported voices: largest drop
# 0.018 -> 0.029, benchmarks/controls.py).
EFFORT_TILT_DB_PER_SEMITONE = 1.5


def prosody_for(vector: Sequence[float], intensity: float = 1.0) -> Prosody:
    """Blend the emotions' prosody by the vector's weights, scaled by `intensity` (0-2).

    Weights are the vector's values; when they sum to less than 1 the rest is calm, when
    more they are normalised. Multiplicative settings blend in the log domain.
    """
    weights = np.clip(np.asarray(vector, dtype=float), 0.0, None)
    if weights.shape != (len(EMOTIONS),):
        raise ValueError(f"an emotion vector has {len(EMOTIONS)} values: {', '.join(EMOTIONS)}")
    total = weights.sum()
    if total > 1.0:
        weights = weights / total
    values = {}
    for item in fields(Prosody):
        column = np.array([getattr(EMOTION_PROSODY[name], item.name) for name in EMOTIONS])
        if item.name in _MULTIPLICATIVE:
            values[item.name] = float(np.exp(intensity * np.dot(weights, np.log(column))))
        else:
            values[item.name] = float(intensity * np.dot(weights, column))
    values["breathiness"] = float(np.clip(values["breathiness"], 0.0, 1.0))
    values["tilt_db"] += EFFORT_TILT_DB_PER_SEMITONE * values["pitch_semitones"]
    return Prosody(**values)

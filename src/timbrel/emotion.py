"""Emotion as an 8-value vector in IndexTTS2's order, from presets, text or a clip.

Order: happy, angry, sad, afraid, disgusted, melancholic, surprised, calm; each 0-1.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np

from .prosody import EMOTIONS

log = logging.getLogger(__name__)

CALM = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)

# Preset names in English and Chinese (the IndexTTS2 UI labels and common synonyms).
PRESET_NAMES: dict[str, str] = {
    "happy": "happy", "joyful": "happy", "cheerful": "happy", "高兴": "happy", "喜": "happy",
    "开心": "happy", "快乐": "happy",
    "angry": "angry", "furious": "angry", "愤怒": "angry", "怒": "angry", "生气": "angry",
    "sad": "sad", "悲伤": "sad", "哀": "sad", "难过": "sad", "伤心": "sad",
    "afraid": "afraid", "scared": "afraid", "fearful": "afraid", "害怕": "afraid",
    "惧": "afraid", "恐惧": "afraid",
    "disgusted": "disgusted", "厌恶": "disgusted", "恶心": "disgusted",
    "melancholic": "melancholic", "low": "melancholic", "depressed": "melancholic",
    "低落": "melancholic", "忧郁": "melancholic",
    "surprised": "surprised", "惊喜": "surprised", "惊讶": "surprised", "吃惊": "surprised",
    "calm": "calm", "neutral": "calm", "平静": "calm", "冷静": "calm",
}

# Cue words for text descriptions: (pattern, emotion, weight).
_DESCRIPTION_CUES: tuple[tuple[str, str, float], ...] = (
    (r"happ|joy|cheer|delight|excit|glad|elat|laugh"
     r"|高兴|开心|快乐|兴奋|欢快|愉快|喜悦|笑", "happy", 1.0),
    (r"ang|furious|rage|mad\b|irrit|annoy|shout|yell|scold"
     r"|愤怒|生气|怒|质问|吼|骂|恼火", "angry", 1.0),
    (r"sad|sorrow|grief|griev|cry|tear|mourn|悲伤|难过|伤心|哭|哀|悲痛", "sad", 1.0),
    (r"afraid|fear|scared|terrif|nervous|anxious|panic"
     r"|害怕|恐惧|紧张|惊恐|担心|颤抖", "afraid", 1.0),
    (r"disgust|gross|revuls|contempt|厌恶|恶心|嫌弃|鄙视", "disgusted", 1.0),
    (r"melanchol|gloom|depress|down\b|low spirit|weary|tired"
     r"|低落|忧郁|沮丧|失落|疲惫", "melancholic", 1.0),
    (r"surpris|amaz|astonish|shock|wow|惊讶|惊喜|吃惊|震惊|意外", "surprised", 1.0),
    (r"calm|neutral|plain|relax|gentle|平静|冷静|温柔|淡定", "calm", 1.0),
    (r"whisper|quiet|soft|hush|轻声|低声|耳语|小声", "calm", 1.0),
    (r"whisper|quiet|soft|hush|轻声|低声|耳语|小声", "melancholic", 0.6),
)
_INTENSIFIERS = r"very|extremely|really|furiously|deeply|非常|十分|特别|极其|很"


def emotion_vector(value: Sequence[float] | str) -> tuple[float, ...]:
    """A validated 8-vector from a sequence of numbers or a preset name (en/zh)."""
    if isinstance(value, str):
        name = PRESET_NAMES.get(value.strip().lower())
        if name is None:
            raise ValueError(
                f"unknown emotion preset {value!r}; presets: {', '.join(EMOTIONS)} "
                "(or 高兴 愤怒 悲伤 害怕 厌恶 低落 惊喜 平静)"
            )
        return tuple(1.0 if emotion == name else 0.0 for emotion in EMOTIONS)
    values = tuple(float(v) for v in value)
    if len(values) != len(EMOTIONS):
        raise ValueError(
            f"an emotion vector has {len(EMOTIONS)} values ({', '.join(EMOTIONS)}), "
            f"got {len(values)}"
        )
    if any(not 0.0 <= v <= 1.0 for v in values):
        raise ValueError(f"emotion values must each be within 0..1, got {list(values)}")
    if sum(values) == 0.0:
        return CALM
    return values


def emotion_from_text(description: str) -> tuple[tuple[float, ...], bool]:
    """Map a description ("angrily", "in a whisper", "愤怒地质问") to a vector.

    Returns (vector, understood). An unrecognised description gives calm and a warning.
    """
    text = description.strip().lower()
    scores = np.zeros(len(EMOTIONS))
    for pattern, name, weight in _DESCRIPTION_CUES:
        hits = len(re.findall(pattern, text))
        if hits:
            scores[EMOTIONS.index(name)] += weight * min(hits, 2)
    if not scores.any():
        log.warning("emotion description %r not understood; speaking calmly", description)
        return CALM, False
    scores = scores / scores.max()
    level = 1.0 if re.search(_INTENSIFIERS, text) else 0.8
    vector = tuple(float(round(level * s, 3)) for s in scores)
    return vector, True


def dominant(vector: Sequence[float]) -> str:
    return EMOTIONS[int(np.argmax(vector))]


def emotion_from_clip(samples: np.ndarray, sample_rate: int,
                      baseline: tuple[np.ndarray, int] | None = None) -> tuple[float, ...]:
    """Read the emotion of a clip: the trained reader's probabilities (`emotion_reader`),
    rounded, in `EMOTIONS` order; they sum to 1, so a clip between emotions gives a blend.

    The reader needs no knowledge of the speaker: its features are relative to the clip
    itself (F0 spread in semitones around the clip's own median, loudness dynamics around
    its own level, timing). `baseline` = (samples, rate) of neutral speech by the *same*
    speaker, when there is any, shifts the clip's features by that speaker's offset from
    the training clips' calm centre first.
    """
    from .emotion_reader import read_emotion

    if baseline is not None and not (isinstance(baseline, tuple) and len(baseline) == 2):
        raise TypeError("baseline must be (samples, sample_rate) of neutral speech by the "
                        "same speaker")
    probabilities = read_emotion(samples, sample_rate, baseline)
    return tuple(float(round(p, 3)) for p in probabilities)


def resolve_emotion(config, voice=None):  # -> SynthesisConfig with `emotion` as a vector
    """Turn `emotion_text` / `emotion_reference` into the `emotion` vector.

    The clip is read on its own: it is usually another speaker than the voice (the emotion
    of clip B, the timbre of voice A), so the voice's reference is no baseline for it.
    `voice` is accepted for callers that pass it."""
    from dataclasses import replace

    if config.emotion_text is not None:
        vector, _ = emotion_from_text(config.emotion_text)
        return replace(config, emotion=vector)
    if config.emotion_reference is not None:
        from .audio import load_audio

        samples, rate = load_audio(config.emotion_reference)
        return replace(config, emotion=emotion_from_clip(samples, rate))
    return config

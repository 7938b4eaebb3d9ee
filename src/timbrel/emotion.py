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


# Neutral speech, measured with `prosody_features.measure`: the midpoint of two neutral
# populations — 32 clips of real read speech (27 Asterisk Allison prompts, 5 codec2-examples
# speakers) and 12 calm renderings by the built-in engine (3 voices x 4 sentences) —
# with the spread of the human clips. A neutral clip from either sits about one spread
# from the midpoint, well short of the ~3 spreads that read as fully emotional.
NEUTRAL_NORMS = {
    "f0_range_st": (7.7, 2.8),
    "rate": (3.7, 0.6),
    "pause_ratio": (0.055, 0.05),
    "tilt_db": (17.6, 3.2),
    "hnr_db": (14.4, 2.3),
}


def _expected_deviation(name: str) -> np.ndarray:
    """How each emotion's prosody should move the clip features, in norm units."""
    from .prosody import EMOTION_PROSODY

    p = EMOTION_PROSODY[name]
    norms = NEUTRAL_NORMS
    return np.array([
        norms["f0_range_st"][0] * (p.pitch_range - 1.0) / norms["f0_range_st"][1],
        norms["rate"][0] * (p.rate - 1.0) / norms["rate"][1],
        norms["pause_ratio"][0] * (p.pause - 1.0) / norms["pause_ratio"][1],
        -p.tilt_db / norms["tilt_db"][1],
        -8.0 * p.breathiness / norms["hnr_db"][1],
    ])


def emotion_from_clip(samples: np.ndarray, sample_rate: int, baseline=None
                      ) -> tuple[float, ...]:
    """Read the emotion of a clip from its prosody (pitch range, rate, pauses, tilt, HNR).

    The clip's features are compared with neutral read speech; the deviation is matched
    against each emotion's expected deviation (cosine), and the matches become weights.
    Small deviations read as calm. Pitch level and loudness are ignored: they depend on
    the speaker and the recording, not only on the emotion.

    `baseline` (the `ProsodicFeatures` of neutral speech by the same speaker) replaces the
    population norms as the reference point. Without it a speaker whose neutral speech is
    livelier than the norms reads as aroused: the measured limitation of this method.
    """
    from .prosody_features import measure

    features = measure(samples, sample_rate)
    observed = np.array([
        (getattr(features, key) - (getattr(baseline, key) if baseline is not None else mean))
        / spread for key, (mean, spread) in NEUTRAL_NORMS.items()
    ])
    strength = float(np.linalg.norm(observed))
    scores = np.zeros(len(EMOTIONS))
    for index, name in enumerate(EMOTIONS):
        if name == "calm":
            continue
        expected = _expected_deviation(name)
        scores[index] = max(0.0, float(observed @ expected) /
                            (np.linalg.norm(expected) * strength + 1e-9))
    arousal = min(1.0, strength / 3.0)  # ~3 norm units away from neutral = fully emotional
    scores = scores**3  # sharpen: the best-matching emotions dominate
    if scores.sum() > 0:
        scores = arousal * scores / scores.max()
    scores[EMOTIONS.index("calm")] = 1.0 - arousal
    return tuple(float(round(s, 3)) for s in scores)


def resolve_emotion(config, voice=None):  # -> SynthesisConfig with `emotion` as a vector
    """Turn `emotion_text` / `emotion_reference` into the `emotion` vector. A clip is read
    against the voice's own (neutral) reference recording when a voice is given."""
    from dataclasses import replace

    if config.emotion_text is not None:
        vector, _ = emotion_from_text(config.emotion_text)
        return replace(config, emotion=vector)
    if config.emotion_reference is not None:
        from .audio import load_audio
        from .prosody_features import measure

        samples, rate = load_audio(config.emotion_reference)
        baseline = measure(voice.reference, voice.reference_rate) if voice is not None else None
        return replace(config, emotion=emotion_from_clip(samples, rate, baseline))
    return config

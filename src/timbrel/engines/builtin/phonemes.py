"""Phoneme labels for Piper output: which phoneme each stretch of samples belongs to."""

from __future__ import annotations

import numpy as np

SILENCE = "sil"
STRESS_MARKS = frozenset("ˈˌ")
LENGTH_MARKS = frozenset("ːˑ")
CLASSES = {
    "#vowel": frozenset("aeiouæɑɒɔəɚɛɜɝɪʊʌᵻɐɵɨyøœɘ"),
    "#nasal": frozenset("mnŋɲ"),
    "#approximant": frozenset("lɹrwjɾɫ"),
    "#fricative": frozenset("fvθðszʃʒhçx"),
    "#stop": frozenset("pbtdkɡgʔ"),
}


def phoneme_class(label: str) -> str:
    """The class of a phoneme label (multi-character symbols by their first character)."""
    for name, members in CLASSES.items():
        if label[:1] in members:
            return name
    return "#other"


def symbol_labels(phonemes: list[str]) -> list[str]:
    """One label per phoneme symbol: stress marks take the next symbol's label, length
    marks the previous one's; spaces and punctuation are silence."""
    labels = []
    for index, symbol in enumerate(phonemes):
        if symbol in STRESS_MARKS:
            following = next((p for p in phonemes[index + 1:] if p not in STRESS_MARKS), " ")
            symbol = following
        elif symbol in LENGTH_MARKS and labels:
            labels.append(labels[-1])
            continue
        labels.append(symbol if phoneme_class(symbol) != "#other" else SILENCE)
    return labels


def sample_labels(phonemes: list[str], samples_per_id: np.ndarray) -> np.ndarray:
    """The phoneme label of every sample.

    Piper's ids are BOS, PAD, then (phoneme, PAD) per phoneme, then EOS; each phoneme owns
    its own id and the PAD after it.
    """
    per_id = id_labels(phonemes, len(samples_per_id))
    return np.repeat(np.asarray(per_id, dtype=object), samples_per_id)


def id_labels(phonemes: list[str], ids: int) -> list[str]:
    """The label of each of Piper's `ids` phoneme ids for these phonemes: BOS and PAD are
    silence, then each phoneme labels its own id and the PAD after it, then EOS."""
    per_id = [SILENCE, SILENCE]
    for label in symbol_labels(phonemes):
        per_id += [label, label]
    per_id.append(SILENCE)
    if len(per_id) != ids:
        raise ValueError(f"{ids} durations for {len(per_id)} phoneme ids")
    return per_id


def frame_labels(sample_label: np.ndarray, hop: int, frames: int) -> np.ndarray:
    """The label at the centre of each STFT frame (frame k centred on sample k * hop)."""
    centres = np.clip(np.arange(frames) * hop, 0, max(len(sample_label) - 1, 0))
    if len(sample_label) == 0:
        return np.full(frames, SILENCE, dtype=object)
    return sample_label[centres]

"""A speaker's recordings as training items: cut into sentence-sized pieces, transcribed,
phonemised with piper's own front end, resampled to the voice's 22.05 kHz."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..audio import resample
from .vits_model import HOP, SAMPLE_RATE

MAX_PIECE_SECONDS = 10.0
MIN_PIECE_SECONDS = 1.0
TARGET_RMS = 0.08  # about joe's own speech level, so log-mel targets sit where his do


@dataclass(frozen=True)
class TrainingItem:
    """One utterance: what it says (phoneme ids) and how the speaker said it."""

    text: str
    ids: tuple[int, ...]
    audio: np.ndarray  # float32 at SAMPLE_RATE, a whole number of hops long

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE


def frame_energy_db(samples: np.ndarray, rate: int, hop_seconds: float = 0.02) -> np.ndarray:
    hop = max(1, int(rate * hop_seconds))
    count = len(samples) // hop
    frames = samples[: count * hop].reshape(count, hop)
    return 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-10)


def trim(samples: np.ndarray, rate: int, floor_db: float = 40.0, pad: float = 0.08) -> np.ndarray:
    """Cut leading and trailing silence (quieter than peak frame energy - floor_db)."""
    energy = frame_energy_db(samples, rate)
    loud = np.flatnonzero(energy > energy.max() - floor_db) if len(energy) else []
    if len(loud) == 0:
        return samples[:0]
    hop = int(rate * 0.02)
    start = max(0, loud[0] * hop - int(pad * rate))
    end = min(len(samples), (loud[-1] + 1) * hop + int(pad * rate))
    return samples[start:end]


def pieces(samples: np.ndarray, rate: int) -> list[np.ndarray]:
    """A recording cut at its quietest moments into pieces of at most MAX_PIECE_SECONDS."""
    samples = trim(np.asarray(samples, np.float32), rate)
    limit = int(MAX_PIECE_SECONDS * rate)
    out = []
    while len(samples) > limit:
        hop = int(rate * 0.02)
        energy = frame_energy_db(samples[:limit], rate)
        search = energy[len(energy) // 2:]  # cut in the second half of the window
        cut = (len(energy) // 2 + int(np.argmin(search))) * hop
        out.append(samples[:cut])
        samples = samples[cut:]
    out.append(samples)
    return [trim(p, rate) for p in out if len(p) >= MIN_PIECE_SECONDS * rate]


def prepare_audio(samples: np.ndarray, rate: int) -> np.ndarray:
    audio = resample(np.asarray(samples, np.float32), rate, SAMPLE_RATE)
    audio = audio[: len(audio) // HOP * HOP]
    rms = float(np.sqrt(np.mean(audio ** 2)))
    if rms < 1e-4:
        raise ValueError("a training piece is silent")
    return np.clip(audio * (TARGET_RMS / rms), -1.0, 1.0).astype(np.float32)


def build_items(clips: Sequence[tuple[np.ndarray, int]],
                phonemize: Callable[[str], list[list[str]]],
                phoneme_ids: Callable[[list[str]], list[int]],
                transcripts: Sequence[str | None] | None = None,
                transcribe: Callable[[np.ndarray, int], str] | None = None,
                ) -> list[TrainingItem]:
    """Training items from clips; a clip without a transcript is cut and transcribed."""
    if transcribe is None:
        from ..recognizer import transcribe
    transcripts = list(transcripts) if transcripts is not None else [None] * len(clips)
    if len(transcripts) != len(clips):
        raise ValueError(f"{len(clips)} clips but {len(transcripts)} transcripts")
    items = []
    for (samples, rate), text in zip(clips, transcripts, strict=True):
        cut = [trim(np.asarray(samples, np.float32), rate)] if text else pieces(samples, rate)
        for piece in cut:
            if len(piece) < MIN_PIECE_SECONDS * rate:
                continue
            said = text or transcribe(piece, rate)
            phonemes = [p for sentence in phonemize(said) for p in [*sentence, " "]][:-1]
            if not said.strip() or not phonemes:
                continue
            ids = tuple(phoneme_ids(phonemes))
            audio = prepare_audio(piece, rate)
            if len(audio) // HOP < len(ids):
                continue  # too fast to align (usually a wrong transcript)
            items.append(TrainingItem(text=said, ids=ids, audio=audio))
    if not items:
        raise ValueError("no usable speech in the adaptation audio (need clips of at least "
                         f"{MIN_PIECE_SECONDS:.0f} s with words the recogniser can read)")
    return items

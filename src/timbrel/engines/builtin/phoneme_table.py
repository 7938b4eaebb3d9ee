"""The source voice's phoneme table: how Piper joe sounds, phoneme by phoneme.

Measured once from Piper reading a fixed set of sentences (its own durations label every
frame exactly) and cached on disk: for each phoneme label the mean log spectrum and mean
MFCCs of its frames, and for each phoneme symbol its mean length in frames.

At enrollment a *template* of joe saying the reference's transcript is laid out from this
table (each phoneme's mean frames for its mean length) instead of having Piper read the
transcript aloud; DTW pairs the reference's frames with it as it would with a real
reading, at a small fraction of the cost (see phoneme_correction.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass

import numpy as np

from .phoneme_correction import HOP, log_spectrogram, normalised, raw_mfcc
from .phonemes import SILENCE, frame_labels, phoneme_class, sample_labels, symbol_labels
from .piper_model import PiperModel, PiperScales
from .profile_cache import cache_dir
from .source_profile import PROFILE_SENTENCES

log = logging.getLogger(__name__)

TABLE_VERSION = 1
START, END = "^", "$"  # Piper's BOS (with the pad after it) and EOS ids
# Beyond the profile sentences: rarer English sounds (ʒ ɔɪ θ ð ŋ tʃ dʒ …) in their own words.
# (Twelve more everyday sentences changed nothing on the dev set: 35 % / 38 % gap.)
EXTRA_SENTENCES = (
    "The usual treasure was measured in beige and azure boxes.",
    "Joyce enjoyed the noisy toys and the choice of coins.",
    "Thirty thin thieves thought they'd gather with their mothers.",
    "Singing and ringing, the young king was hanging the wings.",
    "Which church will judge the large cheap cheese?",
    "Who would push the woman's foot through the good book?",
    "Yes, the huge view of the yellow yard was unique.",
    "Our cow found a loud mouse about the house, then flew away.",
)


@dataclass(frozen=True)
class PhonemeTable:
    labels: tuple[str, ...]
    log_spectra_db: np.ndarray  # [labels, bins] mean log power of each label's frames
    mfcc: np.ndarray  # [labels, 19] mean MFCCs of each label's frames
    symbols: tuple[str, ...]
    frames: np.ndarray  # [symbols] mean STFT frames per occurrence of each symbol

    def template(self, sentences: list[list[str]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The source voice 'saying' these phonemes: log spectra [frames, bins], phoneme
        labels [frames] and normalised MFCCs [19, frames], each phoneme for its mean length.
        (Piper's own predicted lengths instead measured no better on the dev set.)"""
        rows = {label: index for index, label in enumerate(self.labels)}
        lengths = dict(zip(self.symbols, self.frames.tolist(), strict=True))
        default_length = float(np.median(self.frames))
        frame_rows: list[int] = []
        frame_labels_: list[str] = []
        position = 0.0
        for phonemes in sentences:
            if not phonemes:
                continue
            units = [(START, SILENCE)] + list(zip(phonemes, symbol_labels(phonemes),
                                                  strict=True)) + [(END, SILENCE)]
            for symbol, label in units:
                end = position + lengths.get(symbol, default_length)
                count = int(round(end)) - int(round(position))
                position = end
                row = self._row(label, rows)
                frame_rows += [row] * count
                frame_labels_ += [label] * count
        if not frame_rows:
            raise ValueError("the transcript has nothing to read")
        index = np.asarray(frame_rows)
        return (self.log_spectra_db[index], np.asarray(frame_labels_, dtype=object),
                normalised(self.mfcc[index].T))

    def _row(self, label: str, rows: dict[str, int]) -> int:
        if label in rows:
            return rows[label]
        return rows.get(phoneme_class(label), rows[SILENCE])


def symbol_frames(frames_per_id: np.ndarray) -> np.ndarray:
    """Piper's per-id lengths (BOS, PAD, (phoneme, PAD)..., EOS) as START, phonemes, END."""
    frames = np.asarray(frames_per_id, dtype=float).reshape(-1)
    pairs = frames[2:-1].reshape(-1, 2).sum(axis=1)
    return np.concatenate([[frames[0] + frames[1]], pairs, [frames[-1]]])


def read_aligned(model: PiperModel, text: str) -> tuple[np.ndarray, np.ndarray, list]:
    """Piper reads `text`: its audio, each sample's phoneme label, and per sentence the
    phoneme symbols with the samples each id lasted."""
    pieces, labels, spans = [], [], []
    for index, phonemes in enumerate(model.phonemize(text)):
        if not phonemes:
            continue
        audio, widths = model.synthesize_aligned(
            model.phoneme_ids(phonemes), PiperScales(), np.random.default_rng([0, index]))
        pieces.append(audio)
        labels.append(sample_labels(phonemes, widths))
        spans.append((phonemes, widths))
    if not pieces:
        raise ValueError("the transcript has nothing to read")
    return np.concatenate(pieces), np.concatenate(labels), spans


def measure_phoneme_table(model: PiperModel) -> PhonemeTable:
    spectra: dict[str, list[np.ndarray]] = {}
    mfccs: dict[str, list[np.ndarray]] = {}
    lengths: dict[str, list[float]] = {}
    for sentence in PROFILE_SENTENCES + EXTRA_SENTENCES:
        audio, sample_label, spans = read_aligned(model, sentence)
        log_power = log_spectrogram(audio, model.sample_rate)
        mfcc = raw_mfcc(audio, model.sample_rate).T
        count = min(len(log_power), len(mfcc))
        labels = frame_labels(sample_label, HOP, count)
        for label in set(labels):
            chosen = labels == label
            spectra.setdefault(label, []).append(log_power[:count][chosen])
            mfccs.setdefault(label, []).append(mfcc[:count][chosen])
            if label != SILENCE:  # class means: the fallback for phonemes never read
                group = phoneme_class(label)
                spectra.setdefault(group, []).append(log_power[:count][chosen])
                mfccs.setdefault(group, []).append(mfcc[:count][chosen])
        for phonemes, widths in spans:
            frames = symbol_frames(np.asarray(widths, dtype=float) / HOP)
            for symbol, length in zip([START, *phonemes, END], frames, strict=True):
                lengths.setdefault(symbol, []).append(length)
    names = tuple(sorted(spectra))
    symbols = tuple(sorted(lengths))
    return PhonemeTable(
        labels=names,
        log_spectra_db=np.stack([np.concatenate(spectra[n]).mean(axis=0) for n in names]),
        mfcc=np.stack([np.concatenate(mfccs[n]).mean(axis=0) for n in names]),
        symbols=symbols,
        frames=np.asarray([np.mean(lengths[s]) for s in symbols]),
    )


def load_phoneme_table(model: PiperModel) -> PhonemeTable:
    """The cached table for this model file, measured (a few seconds) when missing."""
    digest = hashlib.sha256(model.model_path.read_bytes()[:1_000_000]).hexdigest()[:12]
    path = cache_dir() / f"phoneme-table-v{TABLE_VERSION}-{digest}.npz"
    try:
        with np.load(path) as data:
            return PhonemeTable(tuple(data["labels"].tolist()), data["log_spectra_db"],
                                data["mfcc"], tuple(data["symbols"].tolist()), data["frames"])
    except FileNotFoundError:
        pass
    except (OSError, KeyError, ValueError) as error:
        log.warning("ignoring unreadable phoneme table %s (%s)", path, error)
    table = measure_phoneme_table(model)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, labels=np.asarray(table.labels), log_spectra_db=table.log_spectra_db,
                 mfcc=table.mfcc, symbols=np.asarray(table.symbols), frames=table.frames)
        os.replace(tmp, path)
    except OSError as error:
        log.warning("could not cache the phoneme table in %s (%s)", path, error)
    return table

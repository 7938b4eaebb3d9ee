"""Phoneme-aware spectral correction: each phoneme gets its own correction toward the voice.

Enrollment: joe "says" the reference's transcript — a template laid out from his phoneme
table (phoneme_table.py; or, slower, Piper really reading it); dynamic time warping on MFCCs
pairs every reference frame with a frame of that template, whose phoneme is known. For
each phoneme, the correction is the mean difference between the reference's log spectrum
and the (formant-warped) Piper spectrum over the paired frames;
each phoneme also gets onset, middle and offset corrections (its transitions differ from
its centre); states with few frames are pulled toward their phoneme, phonemes toward their
class (vowel, nasal, fricative …) and classes toward the global correction; all are
smoothed over 1/16 octave and kept inside the reference's bandwidth. Synthesis: every output
frame gets the correction of its phoneme state (or phoneme, class, global), smoothed across
frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import conversion
from .conversion import FFT_SIZE, in_band, smooth_log_frequency, warp_axis
from .phonemes import SILENCE, frame_labels, phoneme_class

HOP = FFT_SIZE // 4
SHRINK_FRAMES = 20.0  # a phoneme with this many frames gets half its own correction
# (dev set, first 7 targets: 40 gave WER 10.2 vs 10.6 %, GE2E 0.667 vs 0.672 — within the
# WER noise, not taken)
LIMIT_DB = 15.0
# Each phoneme's correction is smoothed over a sixteenth of an octave. Dev set
# (cloning.py --dev; GE2E / MFCC gap, synthetic then human): 1/4 octave 35/19 % and 39/6 %,
# 1/8 38/26 % and 42/31 %, 1/16 38/32 % and 42/43 %, 1/32 39/34 % and 42/46 %, WER flat
# (9.4-9.9 %): averaged over many frames of one phoneme the harmonics wash out anyway, and
# finer detail keeps the speaker's formant shapes.
CORRECTION_OCTAVES = 1 / 16
# (Tried: a width never below 0.33 or 0.5 of the reference's median F0, against copying
# harmonic ripple into corrections from few frames. On the first five dev targets it lowered
# GE2E on every one (mean 0.674 and 0.663 vs 0.685) and not WER (11.7 / 11.1 vs 11.1 %).)
ACTIVE_DB = 35.0
GLOBAL = "#global"
# Tried on the dev set (benchmarks/cloning.py --dev), kept off: smoothing the power
# spectra over 300 Hz before the log lowered similarity on both measures and raised WER;
# weighting paired frames by their DTW match quality changed nothing measurable.
ENVELOPE_HZ = 0.0  # > 0: power spectra smoothed over this width (fills harmonic valleys)
MATCH_WEIGHTING = False  # weight paired frames by how well DTW matched them
# Each phoneme split into this many states by position (onset, middle, offset): a state's
# correction is shrunk toward its phoneme's, the phoneme's toward its class's. Dev set
# (cloning.py --dev, 24 sentences; GE2E / MFCC gap, synthetic then human): 1 state
# 39.9/29.2 % and 43.1/42.3 %, 3 states 40.6/30.1 % and 43.5/42.8 %, WER equal (10.8 %).
PHONEME_STATES = 3
# (Tried: own corrections for vowels, nasals and approximants only, the others keeping
# their class's. Dev set, first 7 targets: WER 10.8 vs 10.6 % with all classes, GE2E equal.)
STATE_MARK = "@"


@dataclass(frozen=True)
class PhonemeCorrections:
    labels: tuple[str, ...]
    gains_db: np.ndarray  # [len(labels), FFT_SIZE // 2 + 1]

    def to_params(self) -> dict[str, object]:
        return {"phoneme_labels": " ".join(self.labels),
                "phoneme_correction_db": self.gains_db.astype(np.float32)}

    @classmethod
    def from_params(cls, params) -> PhonemeCorrections | None:
        if "phoneme_labels" not in params:
            return None
        return cls(tuple(str(params["phoneme_labels"]).split(" ")),
                   np.asarray(params["phoneme_correction_db"], dtype=np.float32))

    def gain_matrix(self, labels: np.ndarray, smooth_frames: int = 5) -> np.ndarray:
        """[bins, frames] gains for per-frame phoneme labels (fallback: phoneme state's
        phoneme, class, global)."""
        index = {label: number for number, label in enumerate(self.labels)}
        states = max((int(label.split(STATE_MARK)[1]) + 1 for label in self.labels
                      if STATE_MARK in label), default=1)
        stated = with_states(labels, states)
        rows = []
        for state, label in zip(stated, labels, strict=True):
            row = index.get(state, index.get(label))
            if row is None:
                row = index.get(phoneme_class(label) if label != SILENCE else GLOBAL,
                                index[GLOBAL])
            rows.append(row)
        gains = self.gains_db[np.asarray(rows, dtype=int)].T.astype(np.float64)
        if smooth_frames > 1 and gains.shape[1] > 1:
            kernel = np.hanning(smooth_frames + 2)[1:-1]
            kernel /= kernel.sum()
            padded = np.pad(gains, ((0, 0), (smooth_frames // 2, smooth_frames // 2)),
                            mode="edge")
            gains = np.apply_along_axis(lambda r: np.convolve(r, kernel, mode="valid"), 1,
                                        padded)
        return gains


def with_states(labels: np.ndarray, states: int) -> np.ndarray:
    """Per-frame labels with each run of a phoneme split by position into `states` parts
    ("a@0" onset … "a@2" offset); silence is left as it is."""
    out = np.array(labels, dtype=object)
    if states <= 1 or len(out) == 0:
        return out
    starts = np.flatnonzero(np.r_[True, out[1:] != out[:-1]])
    ends = np.r_[starts[1:], len(out)]
    for start, end in zip(starts, ends, strict=True):
        if out[start] == SILENCE:
            continue
        position = (np.arange(end - start) + 0.5) / (end - start)
        out[start:end] = [f"{out[start]}{STATE_MARK}{int(p * states)}" for p in position]
    return out


def log_spectrogram(samples: np.ndarray, sample_rate: int | None = None,
                    envelope_hz: float = 0.0) -> np.ndarray:
    """[frames, bins] log power (dB) on the conversion's STFT grid; with `envelope_hz`,
    the power is first averaged over that width (wider above, a quarter octave), so the
    log follows the spectral envelope rather than the harmonics and the gaps between."""
    from scipy.signal import stft

    _, _, spectrum = stft(samples, nperseg=FFT_SIZE, noverlap=FFT_SIZE - HOP)
    power = np.abs(spectrum) ** 2
    if envelope_hz > 0 and sample_rate:
        power = _envelope_smoother(power.shape[0], sample_rate, envelope_hz) @ power
    return (10.0 * np.log10(power + 1e-10)).T


@lru_cache(maxsize=4)
def _envelope_smoother(bins: int, sample_rate: int, width_hz: float) -> np.ndarray:
    """Rows: triangular weights over max(width_hz, a quarter octave) around each bin."""
    freqs = np.linspace(0.0, sample_rate / 2.0, bins)
    width = np.maximum(width_hz, freqs * (2 ** 0.125 - 2 ** -0.125))
    weights = np.clip(1.0 - np.abs(freqs[None, :] - freqs[:, None]) / width[:, None], 0, None)
    return weights / weights.sum(axis=1, keepdims=True)


def raw_mfcc(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """[19, frames] MFCCs 1..19 on the conversion's STFT grid (no normalisation)."""
    import librosa

    return librosa.feature.mfcc(y=samples.astype(np.float32), sr=sample_rate, n_mfcc=20,
                                n_fft=FFT_SIZE, hop_length=HOP, n_mels=40, center=True)[1:]


def normalised(mfcc: np.ndarray) -> np.ndarray:
    """Each coefficient to zero mean and unit spread over the utterance."""
    return (mfcc - mfcc.mean(axis=1, keepdims=True)) / (mfcc.std(axis=1, keepdims=True) + 1e-6)


def mfcc_frames(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    return normalised(raw_mfcc(samples, sample_rate))


def align_frames(reading: np.ndarray, reference: np.ndarray, sample_rate: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For each reference frame, the index of the paired frame of the reading (DTW) and
    the MFCC distance of the pair."""
    return align_features(mfcc_frames(reading, sample_rate), mfcc_frames(reference, sample_rate))


def align_features(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """DTW of [coefficients, frames] features: for each frame of `y`, its frame of `x` and
    the distance of the pair."""
    import librosa

    _, path = librosa.sequence.dtw(X=x, Y=y, metric="euclidean")
    paired = np.zeros(y.shape[1], dtype=int)
    for reading_frame, reference_frame in path[::-1]:
        paired[reference_frame] = reading_frame
    distance = np.linalg.norm(x[:, paired] - y, axis=0)
    return paired, distance


def match_weights(distance: np.ndarray) -> np.ndarray:
    """1 for a pair as close as the median pair, falling off for worse matches."""
    scale = float(np.median(distance)) or 1.0
    return np.exp(-0.5 * np.maximum(distance / scale - 1.0, 0.0) ** 2 / 0.25)


def corrections_from_reading(reading: np.ndarray, reading_labels: np.ndarray,
                             reference: np.ndarray, sample_rate: int, warp_ratio: float,
                             bandwidth_hz: float) -> PhonemeCorrections:
    """Per-phoneme corrections from Piper's reading of the reference transcript."""
    log_reading = log_spectrogram(reading, sample_rate, ENVELOPE_HZ)
    labels = frame_labels(reading_labels, HOP, len(log_reading))
    return corrections_from_frames(log_reading, labels, mfcc_frames(reading, sample_rate),
                                   reference, sample_rate, warp_ratio, bandwidth_hz)


def corrections_from_frames(log_reading: np.ndarray, reading_labels: np.ndarray,
                            reading_mfcc: np.ndarray, reference: np.ndarray, sample_rate: int,
                            warp_ratio: float, bandwidth_hz: float) -> PhonemeCorrections:
    """Per-phoneme corrections from frames of the source voice saying the transcript:
    their log spectra [frames, bins], phoneme labels and normalised MFCCs [19, frames]
    (a real reading, or a template built from the source's phoneme table)."""
    log_reference = log_spectrogram(reference, sample_rate, ENVELOPE_HZ)
    bins = log_reading.shape[1]
    freqs = np.linspace(0.0, sample_rate / 2.0, bins)
    warped = warp_axis(log_reading, warp_ratio, freqs)
    paired, distance = align_features(reading_mfcc, mfcc_frames(reference, sample_rate))
    frames = min(len(paired), len(log_reference))
    paired = np.clip(paired[:frames], 0, len(warped) - 1)
    weight = match_weights(distance[:frames]) if MATCH_WEIGHTING else np.ones(frames)
    labels = reading_labels[paired]
    stated = with_states(reading_labels, PHONEME_STATES)[paired]
    level_ref = log_reference[:frames].max(axis=1)
    level_read = warped[paired].max(axis=1)
    active = ((level_ref > level_ref.max() - ACTIVE_DB)
              & (level_read > level_read.max() - ACTIVE_DB) & (labels != SILENCE))
    differences = log_reference[:frames] - warped[paired]
    band = (freqs >= 100.0) & (freqs <= min(5000.0, bandwidth_hz))

    def mean_of(mask: np.ndarray) -> tuple[np.ndarray, float]:
        count = float(weight[mask].sum())
        if count <= 0:
            return np.zeros(bins), 0.0
        return (weight[mask] @ differences[mask]) / count, count

    global_gain, global_count = mean_of(active)
    if global_count == 0:
        raise ValueError("no speech frames could be paired with the transcript reading")
    offset = global_gain[band].mean()
    table: dict[str, np.ndarray] = {GLOBAL: global_gain}
    classes = np.array([phoneme_class(label) for label in labels])
    for name in sorted(set(classes[active])):
        own, count = mean_of(active & (classes == name))
        table[name] = (count * own + SHRINK_FRAMES * global_gain) / (count + SHRINK_FRAMES)
    for label in sorted(set(labels[active])):
        own, count = mean_of(active & (labels == label))
        parent = table[phoneme_class(label)]
        table[label] = (count * own + SHRINK_FRAMES * parent) / (count + SHRINK_FRAMES)
    if PHONEME_STATES > 1:
        for label in sorted(set(stated[active])):
            own, count = mean_of(active & (stated == label))
            parent = table[label.split(STATE_MARK)[0]]
            table[label] = (count * own + SHRINK_FRAMES * parent) / (count + SHRINK_FRAMES)
    edge = 0.92 * bandwidth_hz
    fade = np.clip((edge - freqs) / 400.0, 0.0, 1.0) * np.clip((freqs - 60.0) / 60.0, 0.0, 1.0)
    # Smoothed over the reference's band only: the empty band above must not leak in.
    mask = in_band(freqs, edge) if conversion.IN_BAND_SMOOTHING else None
    names = tuple(table)
    stacked = np.stack([table[n] for n in names]) - offset
    smoothed = smooth_log_frequency(stacked, freqs, CORRECTION_OCTAVES, mask=mask)
    gains = np.clip(smoothed * fade, -LIMIT_DB, LIMIT_DB)
    return PhonemeCorrections(labels=names, gains_db=gains.astype(np.float32))

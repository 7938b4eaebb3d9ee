"""How much of the formant-ratio warp a voice gets, chosen at enrollment on the transcript.

The formant ratio is measured from long-term averages (Praat formants of each speaker's
voiced frames), and heart's own formants track high, so the full ratio overshoots for some
voices (dev Allison lost similarity to it) and not for others. With the transcript, heart
reads the same words as the reference; dynamic time warping pairs the two readings frame
by frame, and for each candidate share of the warp the converted frames' spectral envelope
is compared with the reference's: the mel-cepstral distance (coefficients 1-12, level
dropped) over the paired speech frames, the classic voice-conversion objective and neither
of the benchmark's two speaker measures. The share with the smallest distance is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from ..builtin.conversion import ConversionParams
from ..builtin.phoneme_correction import HOP as STFT_HOP
from ..builtin.phoneme_correction import align_frames, log_spectrogram
from .heart_model import HOP, SAMPLE_RATE, VOICED_HZ, HeartFrames

SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
BANDS = 24
COEFFICIENTS = slice(1, 13)
ACTIVE_DB = 35.0


@lru_cache(maxsize=8)
def mel_filters(bins: int, rate: int, top_hz: float) -> np.ndarray:
    """[BANDS, bins] triangular filters, mel-spaced from 100 Hz to `top_hz`, each averaging
    (rows sum to one) so a harmonic spectrum and an envelope of the same shape agree."""
    def mel(hz: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    freqs = np.linspace(0.0, rate / 2.0, bins)
    edges_mel = np.linspace(mel(np.array(100.0)), mel(np.array(top_hz)), BANDS + 2)
    edges = 700.0 * (10.0 ** (edges_mel / 2595.0) - 1.0)
    filters = np.zeros((BANDS, bins))
    for band in range(BANDS):
        low, centre, high = edges[band:band + 3]
        rising = (freqs - low) / (centre - low)
        falling = (high - freqs) / (high - centre)
        filters[band] = np.clip(np.minimum(rising, falling), 0.0, None)
    return filters / np.maximum(filters.sum(axis=1, keepdims=True), 1e-12)


def cepstra(power: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """[frames, bins] power to [frames, 12] mel-cepstra (DCT-II of log band power, c0 off)."""
    from scipy.fft import dct

    bands = np.log(np.maximum(power @ filters.T, 1e-12))
    return dct(bands, type=2, norm="ortho", axis=1)[:, COEFFICIENTS]


def envelope_power(frames: HeartFrames) -> np.ndarray:
    """[frames, BINS] power of what the frames will sound like, harmonics as their envelope."""
    voiced = (frames.f0 > VOICED_HZ)[None, :]
    harmonic = np.exp(2.0 * frames.harmonic_log.astype(np.float64)) * voiced
    noise = np.exp(2.0 * frames.noise_log.astype(np.float64))
    residual = np.exp(2.0 * frames.residual_log.astype(np.float64))
    return (harmonic + noise + residual).T


def chosen_share(reading: Sequence[HeartFrames], reading_audio: np.ndarray,
                 reference: np.ndarray, rate: int, bandwidth_hz: float,
                 convert: Callable[[HeartFrames, ConversionParams], HeartFrames],
                 params_for: Callable[[float], ConversionParams]) -> tuple[float, dict]:
    """The warp share whose converted reading is nearest the reference (and every
    candidate's distance). `reading` is heart's frames for the transcript, `reading_audio`
    the same rendered untouched at `rate`; `params_for(share)` gives the conversion."""
    paired, _ = align_frames(reading_audio, reference, rate)
    log_reference = log_spectrogram(reference, rate)
    count = min(len(paired), len(log_reference))
    level = log_reference[:count].max(axis=1)
    active = level > level.max() - ACTIVE_DB
    top = min(8000.0, 0.92 * bandwidth_hz)
    reference_cepstra = cepstra(10.0 ** (log_reference[:count] / 10.0),
                                mel_filters(log_reference.shape[1], rate, top))[active]
    seconds = paired[:count][active] * STFT_HOP / rate
    heart_frame = np.round(seconds * SAMPLE_RATE / HOP).astype(int)
    distances = {}
    for share in SHARES:
        params = params_for(share)
        power = np.concatenate([envelope_power(convert(f, params)) for f in reading])
        index = np.clip(heart_frame, 0, len(power) - 1)
        converted = cepstra(power[index], mel_filters(power.shape[1], SAMPLE_RATE, top))
        distances[share] = float(np.mean(np.linalg.norm(converted - reference_cepstra,
                                                        axis=1)))
    return min(distances, key=distances.get), distances

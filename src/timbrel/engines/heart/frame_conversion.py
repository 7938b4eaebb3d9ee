"""Conversion toward a voice inside the heart voice's frames, before any audio exists.

The same transform the PSOLA path applies to finished audio (conversion.py: log-F0 median
and spread, formant-ratio warp, long-term spectrum correction), applied where each part
lives: F0 is replaced frame by frame; the harmonic, noise and residual spectra are
stretched along frequency by the warp ratio; the correction (and an emotion's spectral
tilt) is added to their log magnitudes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..builtin.conversion import ConversionParams, SpeakerProfile, tilt_curve, warp_axis
from ..builtin.phoneme_correction import PhonemeCorrections
from .heart_model import BINS, SAMPLE_RATE, VOICED_HZ, HeartFrames

FREQS = np.linspace(0.0, SAMPLE_RATE / 2.0, BINS)
LOG_PER_DB = np.log(10.0) / 20.0
F0_LIMITS = (45.0, 900.0)
# The network's harmonic phase keeps a trace of heart's own pitch: with F0 moved to a low
# voice, Praat tracks a tenth of the frames an octave up (flite awb, 6 sentences: 84 % of
# frames within a semitone of the F0 set, 93 % with the phase zeroed). Tried on the dev set
# against the phase as predicted (GE2E synthetic / human 0.677 / 0.685, WER 2.4 / 1.9 %):
# zeroed 0.680 / 0.675, WER 2.8 / 2.3 %; faded out over half an octave of pitch move
# 0.681 / 0.685, WER 3.4 / 1.9 %. Not taken for the conversion itself (and on the default
# path heart only serves voices within about half an octave of its own pitch).
# A pitch shift the caller asks for is another matter: there the phase fades out with the
# shift (Gaussian, SHIFT_PHASE_OCTAVES wide). benchmarks/controls.py --engine heart, 12
# renderings per shift, worst paired error: phase as predicted +12.31 st at -12 (mean
# -10.03), +0.79 at -3; faded with the shift +12.27 at -12 (mean -10.90: one sentence of
# the two-speaker codec2 voice, whose spread of 2 reaches the 45 Hz floor), +0.32 at -3,
# others <= 0.13; faded with
# the whole move (conversion included) 0.22 at -12, 0.13 at -3, but see the WER above.
SHIFT_PHASE_OCTAVES = 0.5
# Below F0_KNEE Hz the mapped F0 bends smoothly toward F0_FLOOR Hz instead of running into
# it (log-F0 depth below the knee squashed by tanh): the two-speaker codec2 voice (spread 2)
# shifted -12 st kept 11-13 % of its frames under 60 Hz. controls.py --engine auto, -12 st:
# worst paired error 0.30 -> 0.29 st (the earlier 12 st miss did not reproduce without it).
F0_KNEE = 75.0
F0_FLOOR = 55.0
SOFT_FLOOR = True


def on_frame_bins(values_db: np.ndarray, rate: int) -> np.ndarray:
    """A [bins] curve over 0 .. rate/2 (conversion's grid) on the frames' 0 .. 12 kHz bins;
    above rate/2 the curve stays at its last value."""
    grid = np.linspace(0.0, rate / 2.0, len(values_db))
    return np.interp(FREQS, grid, values_db)


@lru_cache(maxsize=4)
def frame_bins_matrix(bins: int, rate: int) -> np.ndarray:
    """[BINS, bins] linear interpolation from conversion's grid (0 .. rate/2) to the frames'
    bins, holding the last value above rate/2 (`on_frame_bins` for many curves at once)."""
    return np.stack([on_frame_bins(column, rate) for column in np.eye(bins)], axis=1)


def mapped_f0(f0: np.ndarray, source: SpeakerProfile, median_log: float, spread: float
              ) -> np.ndarray:
    """Voiced frames' F0 moved to the new median, deviations (in log F0) scaled by spread."""
    out = np.zeros_like(f0)
    voiced = f0 > VOICED_HZ
    log_f0 = median_log + (np.log(f0[voiced]) - source.log_f0_median) * spread
    if SOFT_FLOOR:
        log_f0 = soft_floor(log_f0)
    out[voiced] = np.clip(np.exp(log_f0), *F0_LIMITS)
    return out


def soft_floor(log_f0: np.ndarray) -> np.ndarray:
    """Log-F0 values below the knee pushed up so none falls under the floor: the depth
    below the knee, d, becomes L tanh(d / L) with L the knee-to-floor distance (slope 1 at
    the knee, so values above it and just under it are untouched)."""
    knee, room = np.log(F0_KNEE), np.log(F0_KNEE / F0_FLOOR)
    depth = np.maximum(knee - log_f0, 0.0)
    return np.where(depth > 0, knee - room * np.tanh(depth / room), log_f0)


def convert_frames(frames: HeartFrames, source: SpeakerProfile, params: ConversionParams,
                   params_rate: int, *, pitch_semitones: float = 0.0, pitch_range: float = 1.0,
                   tilt_db: float = 0.0, corrections: PhonemeCorrections | None = None
                   ) -> HeartFrames:
    """The frames of the source voice, moved toward the voice `params` describes.

    `params_rate` is the sample rate the params' correction curve was measured at;
    `pitch_semitones` and `pitch_range` add a shift and scale the spread (controls,
    emotion); `tilt_db` tilts the spectrum above 1 kHz (emotion). With `corrections` and
    labelled frames, each frame gets its phoneme's correction instead of the global one."""
    median = params.log_f0_median + pitch_semitones * np.log(2.0) / 12.0
    f0 = mapped_f0(frames.f0, source, median, params.log_f0_spread * pitch_range)

    def warped(part: np.ndarray) -> np.ndarray:
        return warp_axis(part.T, params.warp_ratio, FREQS).T

    if corrections is not None and frames.labels is not None:
        per_frame = corrections.gain_matrix(frames.labels)  # [conversion bins, frames]
        gain_db = frame_bins_matrix(per_frame.shape[0], params_rate) @ per_frame
        gain_db = gain_db + tilt_curve(tilt_db, FREQS)[:, None]
    else:
        gain_db = on_frame_bins(params.correction_db.astype(np.float64), params_rate)
        gain_db = gain_db + tilt_curve(tilt_db, FREQS)
    fade = np.float32(np.exp(-0.5 * (pitch_semitones / 12.0 / SHIFT_PHASE_OCTAVES) ** 2))
    moved = HeartFrames(
        harmonic_log=warped(frames.harmonic_log),
        harmonic_phase=warped(frames.harmonic_phase) * fade,
        noise_log=warped(frames.noise_log),
        residual_log=warped(frames.residual_log),
        residual_phase=warped(frames.residual_phase),
        f0=f0.astype(np.float32),
        labels=frames.labels,
    )
    return moved.with_gain((gain_db * LOG_PER_DB).astype(np.float32))

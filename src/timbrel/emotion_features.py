"""Features of a clip for reading its emotion without knowing the speaker.

Each feature is measured relative to the clip itself, so a speaker's register and
recording level matter as little as possible: F0 spread and movement in semitones around
the clip's own median, loudness dynamics in dB around the clip's own level, timing as
rates and shares. Two absolute values stay: the median F0 (its register) and the spectral
tilt, so a classifier can judge tilt against a register-dependent norm (higher voices are
brighter). The median F0 is also given against the clip's own formant scale (geometric
mean of F1-F3): a speaker's formants follow the size of the vocal tract and barely move
with emotion, while the F0 of aroused speech rises (Juslin and Laukka 2003) — so the F0 a
clip has *for its formants* says something about arousal without a baseline. Spectral
measures stop at 4 kHz, so telephone-band clips read like wideband ones.
"""

from __future__ import annotations

import numpy as np

FEATURE_NAMES = (
    "f0_median_st",  # register: median F0, semitones re 100 Hz
    "f0_range_st",  # 10th-90th percentile spread around the clip's own F0, semitones
    "f0_sd_st",  # standard deviation of F0, semitones
    "f0_rise_st",  # 95th percentile minus median, semitones (upward excursions)
    "f0_fall_st",  # median minus 5th percentile, semitones
    "f0_velocity_st",  # median |F0 change| between voiced 10 ms frames, semitones per 10 ms
    "rate",  # syllable nuclei (peaks of the 300-2500 Hz level) per second of speaking
    "voiced_run_s",  # mean length of voiced stretches, seconds
    "voiced_share",  # share of speaking time that is voiced
    "pause_ratio",  # share of the clip in pauses of 150 ms or more
    "pause_mean_s",  # mean length of those pauses, seconds
    "energy_sd_db",  # spread of the frame level over speaking frames, dB
    "energy_peak_db",  # 95th percentile minus median frame level, dB
    "tilt_db",  # voiced frames: level 50-1000 Hz minus 1-4 kHz, dB
    "centroid_norm",  # voiced frames: spectral centroid below 4 kHz over the median F0
    "hnr_db",  # harmonics-to-noise ratio of voiced frames (autocorrelation peak), dB
    "f0_formant_st",  # median F0 over the median formant scale (geomean F1-F3), semitones
    "f0_velocity_rel",  # f0_velocity_st over f0_sd_st: pitch movement for its spread
    "harmonicity_db",  # Praat cross-correlation harmonicity, median of voiced frames, dB
)

PITCH_RANGE_HZ = (50.0, 700.0)
FRAME_S = 0.01
PAUSE_MIN_FRAMES = 15


def clip_features(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """The `FEATURE_NAMES` values of one clip, in that order."""
    import parselmouth

    samples = np.asarray(samples, np.float64)
    if samples.ndim != 1 or len(samples) < sample_rate // 2:
        raise ValueError("an emotion reference must be mono speech of at least 0.5 s")
    sound = parselmouth.Sound(samples, sampling_frequency=sample_rate)
    pitch = _pitch(sound)
    f0 = pitch.selected_array["frequency"]
    voiced = f0 > 0
    semitones = 12.0 * np.log2(f0[voiced] / 100.0)
    median = float(np.median(semitones))
    relative = semitones - median
    track = np.where(voiced, 12.0 * np.log2(np.maximum(f0, 1.0) / 100.0), np.nan)
    steps = np.abs(np.diff(track))
    steps = steps[np.isfinite(steps) & (steps < 3.0)]  # octave jumps are tracker errors

    hop = int(FRAME_S * sample_rate)
    count = len(samples) // hop
    frames = samples[: count * hop].reshape(count, hop)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    speaking = level > level.max() - 35.0
    pauses = [n for n in _runs(~speaking) if n >= PAUSE_MIN_FRAMES]
    speaking_frames = max(count - sum(pauses), 10)
    spoken = level[speaking]

    times = pitch.xs()
    index = np.clip((times / FRAME_S).astype(int), 0, count - 1)
    voiced_frames = np.unique(index[voiced])
    voiced_runs = _runs(voiced)
    tilt, centroid = _spectral_shape(samples, sample_rate, voiced_frames, hop)
    strength = np.clip(pitch.selected_array["strength"][voiced], 1e-3, 1 - 1e-3)
    hnr = 10 * np.log10(strength / (1 - strength))  # from the autocorrelation peak
    median_hz = 100.0 * 2 ** (median / 12.0)
    return np.array([
        median,
        np.percentile(relative, 90) - np.percentile(relative, 10),
        np.std(relative),
        np.percentile(relative, 95),
        -np.percentile(relative, 5),
        np.median(steps) if len(steps) else 0.0,
        _syllable_count(samples, sample_rate) / (speaking_frames * FRAME_S),
        FRAME_S * np.mean(voiced_runs),
        min(1.0, voiced.sum() / speaking_frames),
        sum(pauses) / count,
        FRAME_S * np.mean(pauses) if pauses else 0.0,
        np.std(spoken),
        np.percentile(spoken, 95) - np.median(spoken),
        tilt,
        centroid / median_hz,
        np.mean(hnr),
        12.0 * np.log2(median_hz / _formant_scale(sound, times[voiced])),
        (np.median(steps) if len(steps) else 0.0) / max(float(np.std(relative)), 0.1),
        _harmonicity(sound, times[voiced]),
    ], dtype=float)


def _formant_scale(sound, times: np.ndarray) -> float:
    """Median over voiced frames of the geometric mean of F1-F3 (Burg, up to 3.9 kHz so a
    telephone-band clip is measured like a wideband one), Hz."""
    formant = sound.to_formant_burg(time_step=FRAME_S, max_number_of_formants=4,
                                    maximum_formant=3900.0)
    values = np.array([[formant.get_value_at_time(n, t) for n in (1, 2, 3)] for t in times])
    values = values[np.all(np.isfinite(values) & (values > 0), axis=1)]
    if len(values) < 5:
        return 1000.0
    return float(np.median(np.exp(np.mean(np.log(values), axis=1))))


def _harmonicity(sound, times: np.ndarray) -> float:
    """Median Praat harmonicity (cross-correlation) at the voiced frames, dB."""
    harmonicity = sound.to_harmonicity_cc(time_step=FRAME_S, minimum_pitch=60.0)
    values = np.array([harmonicity.get_value(t) for t in times], float)
    values = values[np.isfinite(values) & (values > -100)]
    return float(np.median(values)) if len(values) else 0.0


def _pitch(sound):
    """Praat pitch in two passes (De Looze and Hirst 2008): a wide first pass finds the
    speaker's register, the second tracks within 0.75 x its 25th and 1.5 x its 75th
    percentile, which keeps octave errors out of the spread and movement figures."""
    first = sound.to_pitch_ac(time_step=FRAME_S, pitch_floor=PITCH_RANGE_HZ[0],
                              pitch_ceiling=PITCH_RANGE_HZ[1])
    f0 = first.selected_array["frequency"]
    if (f0 > 0).sum() < 10:
        raise ValueError("the emotion reference has too little voiced speech to read")
    q25, q75 = np.percentile(f0[f0 > 0], [25, 75])
    floor = max(PITCH_RANGE_HZ[0], 0.75 * q25)
    ceiling = min(PITCH_RANGE_HZ[1], max(1.5 * q75, floor * 2.0))
    second = sound.to_pitch_ac(time_step=FRAME_S, pitch_floor=floor, pitch_ceiling=ceiling)
    if (second.selected_array["frequency"] > 0).sum() < 10:
        raise ValueError("the emotion reference has too little voiced speech to read")
    return second


def _syllable_count(samples: np.ndarray, sample_rate: int) -> int:
    """Peaks of the 300-2500 Hz band level (10 ms frames, 70 ms smoothing) standing 3 dB
    above their surroundings, at least 80 ms apart and within 25 dB of the loudest: on the
    dev clips 0.98 peaks per dictionary syllable, spread 8 % (vowels carry that band)."""
    from scipy.signal import butter, find_peaks, sosfiltfilt

    sos = butter(4, [300.0, 2500.0], btype="band", fs=sample_rate, output="sos")
    band = sosfiltfilt(sos, samples)
    hop = int(FRAME_S * sample_rate)
    count = len(band) // hop
    level = 10 * np.log10(np.mean(band[: count * hop].reshape(count, hop) ** 2, axis=1)
                          + 1e-12)
    kernel = np.hanning(7)
    level = np.convolve(level, kernel / kernel.sum(), mode="same")
    peaks, _ = find_peaks(level, prominence=3.0, distance=8, height=level.max() - 25.0)
    return len(peaks)


def _spectral_shape(samples: np.ndarray, sample_rate: int, frames: np.ndarray, hop: int
                    ) -> tuple[float, float]:
    """Tilt (dB) and centroid below 4 kHz (Hz) of the mean power spectrum of voiced frames."""
    size = 4 * hop
    window = np.hanning(size)
    starts = np.clip(frames * hop - (size - hop) // 2, 0, max(len(samples) - size, 0))
    segments = np.stack([samples[s:s + size] for s in starts if s + size <= len(samples)])
    power = np.mean(np.abs(np.fft.rfft(segments * window, axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(size, 1.0 / sample_rate)
    low = power[(freqs >= 50) & (freqs < 1000)].mean()
    high = power[(freqs >= 1000) & (freqs < 4000)].mean()
    band = (freqs >= 50) & (freqs < 4000)
    centroid = float(np.sum(freqs[band] * power[band]) / max(np.sum(power[band]), 1e-20))
    return float(10 * np.log10(low / max(high, 1e-20))), centroid


def _runs(mask: np.ndarray) -> list[int]:
    """Lengths of the runs of True in `mask`."""
    padded = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(int)))
    return list(edges[1::2] - edges[::2])

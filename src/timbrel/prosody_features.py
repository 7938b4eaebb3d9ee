"""Prosodic features of a clip: what emotion presets move and what the benchmarks measure."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class ProsodicFeatures:
    f0_median_st: float  # median F0, semitones re 100 Hz
    f0_range_st: float  # 10th-90th percentile spread of F0, semitones
    rate: float  # syllable nuclei (intensity peaks in voiced speech) per second of speaking
    pause_ratio: float  # share of the clip that is pause (>= 150 ms)
    energy_db: float  # RMS level of voiced frames, dBFS
    tilt_db: float  # level 0-1 kHz minus level 1-4 kHz (larger = steeper, softer voice)
    hnr_db: float  # harmonics-to-noise ratio of voiced frames (lower = breathier)

    def as_array(self) -> np.ndarray:
        return np.array(list(asdict(self).values()), dtype=float)

    @staticmethod
    def names() -> tuple[str, ...]:
        return ("f0_median_st", "f0_range_st", "rate", "pause_ratio", "energy_db", "tilt_db",
                "hnr_db")


def measure(samples: np.ndarray, sample_rate: int) -> ProsodicFeatures:
    import parselmouth

    sound = parselmouth.Sound(np.asarray(samples, np.float64), sampling_frequency=sample_rate)
    pitch = sound.to_pitch_ac(time_step=0.01, pitch_floor=60.0, pitch_ceiling=600.0)
    f0 = pitch.selected_array["frequency"]
    voiced = f0 > 0
    semitones = 12.0 * np.log2(f0[voiced] / 100.0) if voiced.any() else np.zeros(1)

    frame = int(0.01 * sample_rate)
    count = len(samples) // frame
    energy = 10 * np.log10(
        np.mean(np.asarray(samples[: count * frame], np.float64).reshape(count, frame) ** 2,
                axis=1) + 1e-12)
    speaking = energy > energy.max() - 35.0
    pause_frames = _long_runs(~speaking, 15)
    speaking_time = max(0.01 * (count - pause_frames), 0.1)
    nuclei = syllable_nuclei(sound, pitch)

    times = pitch.xs()
    index = np.clip((times * sample_rate / frame).astype(int), 0, count - 1)
    voiced_energy = energy[index[voiced]] if voiced.any() else energy
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1.0 / sample_rate)
    low = spectrum[(freqs >= 50) & (freqs < 1000)].mean()
    high = spectrum[(freqs >= 1000) & (freqs < 4000)].mean()
    harmonicity = sound.to_harmonicity_cc(time_step=0.01, minimum_pitch=60.0).values[0]
    hnr = harmonicity[harmonicity > -100]
    return ProsodicFeatures(
        f0_median_st=float(np.median(semitones)),
        f0_range_st=float(np.percentile(semitones, 90) - np.percentile(semitones, 10)),
        rate=nuclei / speaking_time,
        pause_ratio=0.01 * pause_frames / (0.01 * count),
        energy_db=float(10 * np.log10(np.mean(10 ** (voiced_energy / 10)))),
        tilt_db=float(10 * np.log10(low / max(high, 1e-20))),
        hnr_db=float(np.mean(hnr)) if len(hnr) else 0.0,
    )


# Wide enough for an octave below a low male voice and above a high female one.
F0_TRACK_RANGE_HZ = (40.0, 800.0)


def f0_track(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Praat autocorrelation F0 every 10 ms over `F0_TRACK_RANGE_HZ` (0 where unvoiced)."""
    import parselmouth

    sound = parselmouth.Sound(np.asarray(samples, np.float64), sampling_frequency=sample_rate)
    floor, ceiling = F0_TRACK_RANGE_HZ
    pitch = sound.to_pitch_ac(time_step=0.01, pitch_floor=floor, pitch_ceiling=ceiling)
    return pitch.selected_array["frequency"]


def pitch_change_st(before: np.ndarray, after: np.ndarray, sample_rate: int) -> float:
    """Median F0 change in semitones from `before` to `after`, two renderings of the same
    speech on the same time line (e.g. without and with a pitch shift): the median over
    10 ms frames voiced in both of the frame's F0 ratio.

    Pairing frames keeps the tracker's voicing and octave decisions out of the figure: on a
    voice with a two-octave F0 range, comparing the two clips' own medians moves by up to
    2 semitones with those decisions alone (measured in benchmarks/controls.py).
    """
    a, b = f0_track(before, sample_rate), f0_track(after, sample_rate)
    count = min(len(a), len(b))
    a, b = a[:count], b[:count]
    both = (a > 0) & (b > 0)
    if both.sum() < 10:
        raise ValueError("too few frames voiced in both clips to compare their pitch")
    return float(np.median(12.0 * np.log2(b[both] / a[both])))


def syllable_nuclei(sound, pitch) -> int:
    """Count intensity peaks that stand 2 dB above their surroundings in voiced speech
    (after de Jong and Wempe 2009, "Praat script to detect syllable nuclei")."""
    from scipy.signal import find_peaks

    intensity = sound.to_intensity(minimum_pitch=100.0, time_step=0.01)
    values = intensity.values[0]
    times = intensity.xs()
    peaks, _ = find_peaks(values, prominence=2.0, height=values.max() - 25.0)
    count = 0
    for index in peaks:
        frequency = pitch.get_value_at_time(times[index])
        if frequency is not None and np.isfinite(frequency) and frequency > 0:
            count += 1
    return count


def _runs(mask: np.ndarray) -> list[int]:
    lengths, current = [], 0
    for value in mask:
        if value:
            current += 1
        elif current:
            lengths.append(current)
            current = 0
    if current:
        lengths.append(current)
    return lengths


def _long_runs(mask: np.ndarray, minimum: int) -> int:
    return sum(length for length in _runs(mask) if length >= minimum)

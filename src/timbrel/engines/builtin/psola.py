"""Praat's "Change gender" PSOLA pass with a time-varying duration factor.

Praat's command takes one duration factor for the whole sound; uneven re-timing
(retiming.py) needs a factor per stretch. This redoes the command's steps
(Sound_and_Pitch_changeGender) with a Manipulation: the samples are reinterpreted at
`warp` times their rate (every frequency, formants and pitch, times `warp`; the length
divided by it); the pitch tier is moved to the new median and its range scaled around it
as Praat does (linearly in Hz); a duration tier undoes the length change and applies the
per-stretch factors; overlap-add resynthesis renders it, and it is resampled back.
"""

from __future__ import annotations

import numpy as np

# The reinterpreted rate is rounded to this step so that resampling back is a short
# polyphase filter (the formant ratio moves by at most 0.1 %).
RATE_STEP_HZ = 25


def change_voice(samples: np.ndarray, sample_rate: int, *, pitch_floor: float,
                 pitch_ceiling: float, warp: float, median_hz: float, spread: float,
                 timing: np.ndarray) -> np.ndarray:
    """PSOLA: formants times `warp`, pitch to median `median_hz` with its range times
    `spread` (`median_hz` 0 keeps the pitch), each input sample's duration times its
    `timing` factor. Praat draws random periods in voiceless stretches: seed it first."""
    import parselmouth
    from parselmouth.praat import call

    from ...audio import resample

    warped_rate = int(round(sample_rate * warp / RATE_STEP_HZ)) * RATE_STEP_HZ
    warp = warped_rate / sample_rate
    x = np.asarray(samples, np.float64)
    sound = parselmouth.Sound(x - x.mean(), sampling_frequency=warped_rate)
    manipulation = call(sound, "To Manipulation", 0.01, pitch_floor * warp,
                        pitch_ceiling * warp)
    tier = call(manipulation, "Extract pitch tier")
    count = int(call(tier, "Get number of points"))
    if count:
        values = np.array([call(tier, "Get value at index", i) for i in range(1, count + 1)])
        median = float(np.median(values))
        if median_hz <= 0:  # keep the pitch: undo the reinterpretation's shift only
            median_hz, spread = median / warp, 1.0
        median_hz, factor = float(median_hz), float(median_hz / median)
        call(tier, "Formula",
             f"max(0, {median_hz!r} + (self * {factor!r} - {median_hz!r}) * {float(spread)!r})")
        call([manipulation, tier], "Replace pitch tier")
    durations = call("Create DurationTier", "timing", sound.xmin, sound.xmax)
    for time, value in step_points(np.asarray(timing, float), warped_rate):
        call(durations, "Add point", time, warp * value)
    call([manipulation, durations], "Replace duration tier")
    changed = call(manipulation, "Get resynthesis (overlap-add)")
    return resample(np.asarray(changed.values[0], np.float32), warped_rate, sample_rate)


def step_points(factors: np.ndarray, rate: float, ramp_s: float = 0.002
                ) -> list[tuple[float, float]]:
    """DurationTier points (time, factor) for a per-sample step function: Praat
    interpolates linearly between points, so each step gets a point `ramp_s` inside
    either end."""
    changes = np.flatnonzero(np.diff(factors)) + 1
    starts = np.concatenate([[0], changes])
    ends = np.concatenate([changes, [len(factors)]])
    points = []
    for start, end in zip(starts, ends, strict=True):
        value = float(factors[start])
        first, last = start / rate, end / rate
        if last - first > 2 * ramp_s:
            points += [(first + ramp_s, value), (last - ramp_s, value)]
        else:
            points.append(((first + last) / 2, value))
    return points

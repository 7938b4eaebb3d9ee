"""The long-term spectrum correction measured on the source voice as it comes out of the
other moves (pitch, warp), rather than on the source as it is.

conversion_params compares the target's mean envelope with the source's own, warped. But
moving the pitch changes the source's spectral balance too: heart's harmonic part loses
high frequencies whenever its F0 leaves its own (band level 0-1 kHz over 1-4 kHz, three
sentences: 7.3 dB as is, 11.8 dB with F0 x1.22, 10.2 dB with x0.8). So the engine renders
a few of its profile sentences through the conversion without correction, measures their
mean envelope (CheapTrick over voiced frames, as for the profiles) and takes the
correction from that; further passes render with the correction found and correct what is
left.

A pitch move asked for at synthesis (a shift, an emotion's pitch and range) does the same
again, so `shift_compensation_db` measures the envelope the voice's sentences lose or gain
by that move and hands it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from .conversion import (
    FFT_SIZE,
    ConversionParams,
    SpeakerProfile,
    correction_curve,
    shaped_correction,
    voiced_envelopes,
)

# Envelopes every 15 ms, not the profiles' 5 ms: a third of the analysis cost at
# enrollment; on the codec2 reference the correction moved by 0.11 dB on average (0.50 dB
# at most). The reported cloning run (results/cloning_auto.json) was made at 5 ms.
FRAME_MS = 15.0


def looped_correction(render: Callable[[ConversionParams], np.ndarray],
                      moves: ConversionParams, target: SpeakerProfile, sample_rate: int,
                      correction_octaves: float | None = None, passes: int = 1
                      ) -> ConversionParams:
    """`moves` with its correction taken from `render(params)` (the source's sentences
    converted with `params`, at `sample_rate`); unchanged if that has no voiced frames."""
    correction = np.zeros_like(moves.correction_db)
    for _ in range(passes):
        heard_db = mean_envelope_db(render(replace(moves, correction_db=correction)),
                                    sample_rate)
        if heard_db is None:
            return moves
        correction = correction_curve(target, heard_db - correction, sample_rate,
                                      correction_octaves)
    return replace(moves, correction_db=correction)


def shift_compensation_db(as_enrolled: np.ndarray, moved: np.ndarray, sample_rate: int,
                          bandwidth_hz: float, correction_octaves: float | None = None
                          ) -> np.ndarray:
    """What to add to a voice's correction so that `moved` (its sentences with a pitch
    move) keeps the mean envelope of `as_enrolled` (the same without it); zero if either
    has no voiced frames."""
    before, after = (mean_envelope_db(audio, sample_rate) for audio in (as_enrolled, moved))
    if before is None or after is None:
        return np.zeros(FFT_SIZE // 2 + 1, np.float32)
    return shaped_correction(before - after, bandwidth_hz, sample_rate, correction_octaves)


def mean_envelope_db(audio: np.ndarray, sample_rate: int) -> np.ndarray | None:
    """Mean CheapTrick envelope (dB) over the voiced frames (every FRAME_MS), None without
    any."""
    _, envelopes = voiced_envelopes(audio, sample_rate, FRAME_MS)
    if len(envelopes) == 0:
        return None
    return 10.0 * np.log10(envelopes + 1e-16).mean(axis=0)

"""Faster speech laid out phoneme by phoneme: Piper's own durations compressed unevenly.

Fast natural speech is not slow speech played faster: pauses shrink far more than speech,
and within speech vowels more than consonants (Covell, Withgott & Slaney 2001, "MACH1:
nonuniform time-scale modification of speech", ICASSP; Gay 1981, "Mechanisms in the
control of speech rate", Phonetica 38). Piper's length scale shrinks every phoneme id by
the same factor and rounds each up to whole frames.

`compressed_frames` takes the duration predictor's own per-id lengths (frames, before
rounding) and shrinks each by a common factor raised to its class's exponent (a larger
exponent compresses harder, 0 not at all), the factor searched so the utterance lands on
the requested number of frames. Piper's ids last 1-3 frames of 11.6 ms, so a speech id
compressed in frames is soon cut to a single frame; `EXPONENTS` lets only pauses shrink.

Measured (`benchmarks/speed_dev.py`, 3 voices x 24 dev sentences, WER at 2.0x / 1.25x):
pauses first, PSOLA for the rest, 29.4 / 16.2 %; the same keeping the silence before and
after the speech, 35.3 / 16.7 %; speech classes too, MACH1-style (`SPEECH_CLASS_EXPONENTS`),
42.2 % at 2.0x; PSOLA alone 29.9 / 12.1 %. Not better than PSOLA alone, so the engine
leaves this off (`engine.UNEVEN_SPEEDUP`); it stays for that benchmark.
"""

from __future__ import annotations

import numpy as np

from .phonemes import SILENCE, phoneme_class

# How hard each class is compressed: new length = length x factor ** exponent (absent: 0).
EXPONENTS: dict[str, float] = {SILENCE: 1.0}
KEEP_EDGES = False  # True: leading and trailing silence keep their length
# The MACH1-style table measured above (speech classes too), for benchmarks/speed_dev.py.
SPEECH_CLASS_EXPONENTS: dict[str, float] = {
    SILENCE: 1.6, "#vowel": 1.15, "#approximant": 1.0, "#nasal": 0.9, "#fricative": 0.7,
    "#stop": 0.6, "#other": 1.0,
}


def class_exponents(id_labels: list[str] | np.ndarray,
                    exponents: dict[str, float] | None = None) -> np.ndarray:
    """The compression exponent of every phoneme id from its label (see `EXPONENTS`);
    with KEEP_EDGES the silence before the first and after the last phoneme is kept."""
    table = EXPONENTS if exponents is None else exponents
    values = np.asarray([table.get(SILENCE if label == SILENCE else phoneme_class(label),
                                   0.0) for label in id_labels], dtype=float)
    if KEEP_EDGES:
        speech = np.flatnonzero(np.asarray(id_labels, dtype=object) != SILENCE)
        if len(speech):
            values[:speech[0]] = 0.0
            values[speech[-1] + 1:] = 0.0
    return values


def compressed_frames(durations: np.ndarray, exponents: np.ndarray, total: int) -> np.ndarray:
    """Whole frames per id summing to `total`, each id shrunk by factor ** its exponent.

    `durations` are the predictor's unrounded lengths (frames); ids of length zero stay
    zero, every other id keeps at least one frame. `total` must not exceed the rounded-up
    natural length; it is raised to the number of non-empty ids if lower. When the
    classes allowed to shrink (exponent > 0) cannot reach it, the result is the shortest
    they reach (longer than `total`): the caller re-times the rest.
    """
    durations = np.asarray(durations, dtype=float)
    exponents = np.asarray(exponents, dtype=float)
    if durations.shape != exponents.shape:
        raise ValueError(f"{len(durations)} durations for {len(exponents)} exponents")
    spoken = durations > 0
    natural = int(np.ceil(durations).sum())
    total = max(int(total), int(spoken.sum()))
    if total >= natural:
        return np.ceil(durations).astype(np.int64)

    def lengths(factor: float) -> np.ndarray:
        return np.where(spoken, np.maximum(durations * factor ** exponents, 1.0), 0.0)

    low, high = 1e-6, 1.0  # sum(lengths) rises with the factor
    for _ in range(60):
        middle = 0.5 * (low + high)
        if lengths(middle).sum() > total:
            high = middle
        else:
            low = middle
    wanted = lengths(low)
    if wanted.sum() > total:  # the classes that may shrink are all down to one frame
        return np.ceil(wanted).astype(np.int64)
    frames = np.where(spoken, np.maximum(np.floor(wanted), 1.0), 0.0).astype(np.int64)
    short = total - int(frames.sum())
    if short > 0:  # the largest remainders get the frames still missing
        order = np.argsort(-(wanted - np.floor(wanted)), kind="stable")
        frames[order[:short]] += 1
    return frames

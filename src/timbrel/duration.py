"""Exact-duration planning: fit a whole utterance (speech and pauses) to a target length.

The engine's own length control does most of the work (phoneme durations via the length
scale, and pause lengths scale with it); the engine then re-times each sentence exactly.
"""

from __future__ import annotations

RATIO_LIMITS = (0.5, 2.0)  # the same range as the speed control


class DurationError(ValueError):
    """The requested duration cannot be reached; the message gives the feasible range."""


def duration_ratio(target: float, natural: float) -> float:
    """The one ratio that scales speech and pauses of natural length `natural` to `target`
    seconds; `DurationError` (naming the feasible range) when it is outside the limits."""
    if natural <= 0:
        raise DurationError("nothing to time: the text produced no speech")
    ratio = target / natural
    low, high = RATIO_LIMITS
    if not low <= ratio <= high:
        raise DurationError(
            f"a duration of {target:.2f} s is not reachable for this text: its natural "
            f"length is about {natural:.2f} s; the feasible range is "
            f"{natural * low:.2f}-{natural * high:.2f} s"
        )
    return ratio

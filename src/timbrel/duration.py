"""Exact-duration planning: fit a whole utterance (speech and pauses) to a target length.

The engine's own length control does most of the work (phoneme durations via the length
scale, and pause lengths scale with it); the engine then re-times each sentence exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

RATIO_LIMITS = (0.5, 2.0)  # the same range as the speed control


class DurationError(ValueError):
    """The requested duration cannot be reached; the message gives the feasible range."""


@dataclass(frozen=True)
class DurationPlan:
    paragraph_seconds: list[float]  # speech per paragraph (pauses excluded)
    pause_seconds: float  # pause between sentences (paragraphs get twice this)


def plan_duration(target: float, estimates: list[list[float]], pause: float) -> DurationPlan:
    """Scale speech and pauses by one ratio so the total is `target` seconds."""
    speech = sum(sum(paragraph) for paragraph in estimates)
    pause_units = sum(max(len(p) - 1, 0) for p in estimates) + 2 * (len(estimates) - 1)
    natural = speech + pause * pause_units
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
    return DurationPlan(paragraph_seconds=[ratio * sum(p) for p in estimates],
                        pause_seconds=ratio * pause)

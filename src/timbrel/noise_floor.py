"""Spectral subtraction of a steady noise floor (used by the watermark detector).

Steady noise (hiss, white noise added on purpose) fills the valleys between a voice's
harmonics. The noise floor is estimated per frequency from the quietest frames (pauses,
breaths, the gaps between words), where the noise is nearly all there is; subtracting a
multiple of it from every frame leaves the harmonics, and whatever falls below is set to a
fixed fraction of the floor, so the valleys are flat and the same in every frame instead of
noise-shaped.

    cleaned = subtract_noise_floor(power)   # power: (frequencies, frames), linear
"""

from __future__ import annotations

import numpy as np

QUIET_FRACTION = 0.1
"""The noise floor is the mean power of this fraction of frames, the quietest ones."""
OVERSUBTRACTION = 2.0
"""How many times the floor is taken off every frame (the floor is a mean: noise peaks
reach above it, so taking it off once leaves noise islands)."""
RESIDUAL_FLOOR = 0.1
"""What is left where subtraction went below zero: this fraction of the floor."""


def noise_floor(power: np.ndarray, quiet_fraction: float = QUIET_FRACTION) -> np.ndarray:
    """Per-frequency mean power over the quietest frames of a (frequencies, frames) array."""
    power = _checked(power)
    if not 0.0 < quiet_fraction <= 1.0:
        raise ValueError(f"quiet_fraction must be in (0, 1], got {quiet_fraction}")
    count = max(1, int(quiet_fraction * power.shape[1]))
    quietest = np.argsort(power.sum(axis=0), kind="stable")[:count]
    return power[:, quietest].mean(axis=1)


def subtract_noise_floor(power: np.ndarray, oversubtraction: float = OVERSUBTRACTION,
                         residual_floor: float = RESIDUAL_FLOOR,
                         quiet_fraction: float = QUIET_FRACTION) -> np.ndarray:
    """`power` less `oversubtraction` times its noise floor, never below
    `residual_floor` times the floor; same shape and dtype."""
    power = _checked(power)
    if oversubtraction < 0 or residual_floor <= 0:
        raise ValueError("oversubtraction must be >= 0 and residual_floor > 0, got "
                         f"{oversubtraction} and {residual_floor}")
    floor = noise_floor(power, quiet_fraction)[:, None]
    cleaned = np.maximum(power - oversubtraction * floor, residual_floor * floor)
    return cleaned.astype(power.dtype, copy=False)


def _checked(power: np.ndarray) -> np.ndarray:
    power = np.asarray(power)
    if power.ndim != 2 or power.shape[1] == 0:
        raise ValueError(f"power must be a (frequencies, frames) array, got shape {power.shape}")
    if not np.all(np.isfinite(power)) or np.any(power < 0):
        raise ValueError("power must be finite and non-negative")
    return power

"""Conversion edge cases with the real engine's parameters."""

import numpy as np

from timbrel.engines import get_engine
from timbrel.engines.builtin.conversion import ConversionParams, convert


def test_unvoiced_piece_is_converted_not_crashed(voice):
    engine = get_engine("builtin")
    params = ConversionParams.from_dict(dict(voice.params))
    noise = (0.05 * np.random.default_rng(0).standard_normal(11025)).astype(np.float32)
    out = convert(noise, 22050, engine.source, params, pitch_shift_semitones=3.0,
                  target_samples=13000)
    assert len(out) == 13000 and np.all(np.isfinite(out))


def test_tiny_piece_passes_through(voice):
    engine = get_engine("builtin")
    params = ConversionParams.from_dict(dict(voice.params))
    out = convert(np.zeros(100, np.float32), 22050, engine.source, params)
    assert len(out) == 100

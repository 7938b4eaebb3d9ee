"""Linear and mel spectrograms exactly as piper's VITS training computes them."""

from __future__ import annotations

from .vits_model import FILTER_LENGTH, HOP, SAMPLE_RATE

MEL_CHANNELS = 80


def linear_spectrogram(audio):
    """[batch, samples] float tensor -> [batch, 513, samples // 256] magnitudes."""
    from piper.train.vits.mel_processing import spectrogram_torch

    return spectrogram_torch(audio, FILTER_LENGTH, SAMPLE_RATE, HOP, FILTER_LENGTH,
                             center=False)


def mel_spectrogram(audio):
    """[batch, samples] float tensor -> [batch, 80, samples // 256] log-mel."""
    from piper.train.vits.mel_processing import mel_spectrogram_torch

    return mel_spectrogram_torch(audio, FILTER_LENGTH, MEL_CHANNELS, SAMPLE_RATE, HOP,
                                 FILTER_LENGTH, 0.0, None, center=False)

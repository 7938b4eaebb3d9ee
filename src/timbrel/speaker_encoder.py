"""Two independent ways to describe who is speaking.

- GE2E (resemblyzer's bundled LSTM, 256-d): the primary speaker embedding.
- MFCC statistics (mean and spread of 19 cepstra over voiced frames): a simple,
  unrelated measure, so nobody tunes the voice to a single encoder.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from .audio import resample

ENCODER_RATE = 16000
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _ge2e():
    import warnings

    import torch

    # Without this, the encoder slows down call after call on 2 cores (0.5 s -> 8 s).
    torch.set_num_threads(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from resemblyzer import VoiceEncoder

        return VoiceEncoder(device="cpu", verbose=False)


def ge2e_embedding(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """L2-normalised 256-d GE2E embedding of a mono clip."""
    from resemblyzer import preprocess_wav

    wav = resample(np.asarray(samples, np.float32), sample_rate, ENCODER_RATE)
    wav = preprocess_wav(wav, source_sr=ENCODER_RATE)
    if len(wav) < ENCODER_RATE // 4:  # VAD kept almost nothing: embed the raw clip
        wav = resample(np.asarray(samples, np.float32), sample_rate, ENCODER_RATE)
    with _LOCK:
        embedding = _ge2e().embed_utterance(wav)
    return np.asarray(embedding, dtype=np.float32)


def loud_mfcc_frames(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """MFCC 1..19 [19, frames] of the loudest 70 % of 10-ms frames, at 16 kHz."""
    import librosa

    wav = resample(np.asarray(samples, np.float32), sample_rate, ENCODER_RATE)
    mfcc = librosa.feature.mfcc(y=wav, sr=ENCODER_RATE, n_mfcc=20, n_fft=512,
                                hop_length=160, n_mels=40, fmax=ENCODER_RATE / 2)
    energy = mfcc[0]
    return mfcc[1:, energy >= np.percentile(energy, 30)]


def mfcc_statistics(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mean and standard deviation of MFCC 1..19 over the loudest 70 % of frames."""
    frames = loud_mfcc_frames(samples, sample_rate)
    return np.concatenate([frames.mean(axis=1), frames.std(axis=1)]).astype(np.float64)

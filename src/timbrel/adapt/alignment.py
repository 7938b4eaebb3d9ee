"""Monotonic alignment search (VITS) in NumPy.

piper's `monotonic_align` imports a Cython extension that the wheel does not ship; this is
the same dynamic programme, vectorised over phonemes, one Python step per frame.
"""

from __future__ import annotations

import numpy as np


def maximum_path(log_likelihood: np.ndarray) -> np.ndarray:
    """The monotonic, surjective frame->phoneme path of greatest total log-likelihood.

    `log_likelihood` is [frames, phonemes] (frames >= phonemes); returns a 0/1 matrix of
    the same shape with exactly one 1 per frame, every phoneme used, in order.
    """
    frames, phonemes = log_likelihood.shape
    if frames < phonemes:
        raise ValueError(f"{frames} frames cannot cover {phonemes} phonemes")
    value = np.full((frames, phonemes), -np.inf)
    value[0, 0] = log_likelihood[0, 0]
    for t in range(1, frames):
        stay = value[t - 1]
        advance = np.concatenate(([-np.inf], value[t - 1, :-1]))
        value[t] = np.maximum(stay, advance) + log_likelihood[t]
    path = np.zeros((frames, phonemes), np.float32)
    index = phonemes - 1
    for t in range(frames - 1, -1, -1):
        path[t, index] = 1.0
        if t and index and (index == t or value[t - 1, index - 1] > value[t - 1, index]):
            index -= 1
    return path


def prior_log_likelihood(z_p, m_p, logs_p):
    """[frames, phonemes] log N(z_p[:, t] | m_p[:, j], exp(logs_p[:, j])) summed over channels.

    Tensors are [channels, frames] / [channels, phonemes] (one utterance, no batch).
    """
    import math

    import torch

    with torch.no_grad():
        s_p_sq_r = torch.exp(-2 * logs_p)
        term1 = torch.sum(-0.5 * math.log(2 * math.pi) - logs_p, 0, keepdim=True)
        term2 = torch.matmul(-0.5 * (z_p ** 2).T, s_p_sq_r)
        term3 = torch.matmul(z_p.T, m_p * s_p_sq_r)
        term4 = torch.sum(-0.5 * (m_p ** 2) * s_p_sq_r, 0, keepdim=True)
        return (term1 + term2 + term3 + term4).double().numpy()

"""The PyTorch joe model speaking phoneme ids with given noise, step for step as the ONNX graph.

`PiperModel` feeds the seeded ONNX graph two noise banks (`noise_duration`, `noise_latent`)
and the graph slices from them what it needs; this does the same, so the PyTorch and ONNX
models can be compared sample for sample and an adapted model can be checked against its
export.
"""

from __future__ import annotations

import numpy as np


def durations(model, x, x_mask, noise_duration, noise_w: float, length: float):
    """Frames per phoneme id (ceil of the stochastic duration predictor's reverse pass)."""
    import torch

    dp = model.dp
    h = dp.proj(dp.convs(dp.pre(torch.detach(x)), x_mask)) * x_mask
    flows = list(reversed(dp.flows))
    flows = flows[:-2] + [flows[-1]]  # the ONNX export drops the same unused flow
    z = noise_duration[:, :, : x.size(2)] * noise_w
    for flow in flows:
        z = flow(z, x_mask, g=h, reverse=True)
    logw = z[:, :1]
    return torch.ceil(torch.exp(logw) * x_mask * length)


def expand_prior(m_p, logs_p, x_mask, w_ceil):
    """Phoneme-rate prior means and log-scales repeated to frame rate by `w_ceil`."""
    import torch
    from piper.train.vits import commons

    y_lengths = torch.clamp_min(torch.sum(w_ceil, [1, 2]), 1).long()
    y_mask = torch.unsqueeze(commons.sequence_mask(y_lengths, y_lengths.max()), 1).type_as(x_mask)
    attn_mask = torch.unsqueeze(x_mask, 2) * torch.unsqueeze(y_mask, -1)
    attn = commons.generate_path(w_ceil, attn_mask).squeeze(1)
    m = torch.matmul(attn, m_p.transpose(1, 2)).transpose(1, 2)
    logs = torch.matmul(attn, logs_p.transpose(1, 2)).transpose(1, 2)
    return m, logs, y_mask


def synthesize(model, ids: list[int], noise: float, length: float, noise_w: float,
               noise_duration: np.ndarray, noise_latent: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Audio (float32) and frames per id, with the same noise the seeded ONNX graph takes."""
    audio, w_ceil, _ = synthesize_latent(model, ids, noise, length, noise_w, noise_duration,
                                         noise_latent)
    return audio, w_ceil


def synthesize_latent(model, ids: list[int], noise: float, length: float, noise_w: float,
                      noise_duration: np.ndarray, noise_latent: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As `synthesize`, plus the latent z [192, frames] the decoder turned into the audio."""
    import torch

    with torch.no_grad():
        x = torch.as_tensor([ids], dtype=torch.long)
        x, m_p, logs_p, x_mask = model.enc_p(x, torch.as_tensor([len(ids)]))
        w_ceil = durations(model, x, x_mask, torch.from_numpy(noise_duration), noise_w, length)
        m, logs, y_mask = expand_prior(m_p, logs_p, x_mask, w_ceil)
        eps = torch.from_numpy(noise_latent)[:, :, : m.size(2)]
        z = model.flow(m + eps * torch.exp(logs) * noise, y_mask, reverse=True)
        audio = model.dec(z * y_mask)
    return audio.reshape(-1).numpy(), w_ceil.reshape(-1).numpy(), (z * y_mask)[0].numpy()

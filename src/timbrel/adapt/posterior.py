"""Warm-up of the posterior encoder `enc_q` on joe's own speech, before any speaker data.

The ONNX file has no `enc_q` (inference never runs it). Joe's generator makes unlimited
pairs of (audio, the latent z it was decoded from), so `enc_q` learns to read z back from
the linear spectrogram of joe's audio: the fine-tuning then starts from an encoder whose
latents the joe decoder already understands. The result depends only on the bundled
voice and the seed, so it is computed once and cached.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..engines.builtin.profile_cache import cache_dir
from ..engines.builtin.source_profile import PROFILE_SENTENCES
from .vits_model import SEED

log = logging.getLogger(__name__)

WARMUP_VERSION = 1
WARMUP_STEPS = 120
# Phonetically varied sentences (Harvard lists) joe reads for the warm-up.
WARMUP_TEXTS = PROFILE_SENTENCES[:10] + (  # the source profile's first ten, then more
    "The ship was torn apart on the sharp reef.",
    "Sickness kept him home the third week.",
    "The wide road shimmered in the hot sun.",
    "Help the woman get back to her feet.",
    "A pot of tea helps to pass the evening.",
    "What joy there is in living!",
    "Do you know when the next train leaves?",
    "Please call me back as soon as you can, thank you.",
    "Zebras and yaks jumped over the quiet fox.",
    "Measure the treasure, then choose the usual vision.",
)


@dataclass(frozen=True)
class WarmupExample:
    spec: object  # torch [1, 513, frames]
    z: object  # torch [1, 192, frames]


def latent_session(model_path: Path):
    """The seeded joe graph with one more output: the latent z the decoder reads."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper

    from ..engines.builtin.piper_model import seeded_graph_bytes

    graph_model = onnx.load_from_string(seeded_graph_bytes(model_path))
    decoder_input = next(n.input[0] for n in graph_model.graph.node
                         if n.name == "/dec/conv_pre/Conv")
    graph_model.graph.output.append(
        helper.make_tensor_value_info(decoder_input, TensorProto.FLOAT, None))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(graph_model.SerializeToString(), sess_options=options,
                                        providers=["CPUExecutionProvider"])


def joe_examples(model_path: Path, phonemize, phoneme_ids, count: int = len(WARMUP_TEXTS)
                 ) -> list[WarmupExample]:
    """Joe reading the warm-up texts with seeded noise: (spectrogram, latent) pairs."""
    import torch

    from .spectra import linear_spectrogram

    session = latent_session(model_path)
    examples = []
    for number, text in enumerate(WARMUP_TEXTS[:count]):
        rng = np.random.default_rng([SEED, number])
        ids = phoneme_ids([p for s in phonemize(text) for p in [*s, " "]][:-1])
        inputs = {
            "input": np.asarray([ids], np.int64),
            "input_lengths": np.asarray([len(ids)], np.int64),
            "scales": np.asarray([0.667, 1.0, 0.8], np.float32),
            "noise_duration": rng.standard_normal((1, 2, len(ids))).astype(np.float32),
            "noise_latent": rng.standard_normal((1, 192, len(ids) * 40 + 64)).astype(np.float32),
        }
        audio, _, z = session.run(None, inputs)
        spec = linear_spectrogram(torch.from_numpy(audio.reshape(1, -1)))
        frames = min(spec.size(2), z.shape[2])
        examples.append(WarmupExample(spec=spec[:, :, :frames],
                                      z=torch.from_numpy(z[:, :, :frames].copy())))
    return examples


def posterior_nll(model, example: WarmupExample):
    """Gaussian negative log-likelihood of joe's z under enc_q's posterior, per element."""
    import torch

    lengths = torch.as_tensor([example.spec.size(2)])
    _, m_q, logs_q, _ = model.enc_q(example.spec, lengths)
    return torch.mean(logs_q + 0.5 * ((example.z - m_q) * torch.exp(-logs_q)) ** 2)


def warm_up_posterior(model, model_path: Path, phonemize, phoneme_ids, steps: int = WARMUP_STEPS,
                      learning_rate: float = 1e-3) -> list[float]:
    """Train `model.enc_q` in place; returns the loss every 50 steps."""
    import torch

    torch.manual_seed(SEED)
    examples = joe_examples(model_path, phonemize, phoneme_ids, min(steps, len(WARMUP_TEXTS)))
    optimiser = torch.optim.AdamW(model.enc_q.parameters(), learning_rate)
    order = np.random.default_rng(SEED)
    losses, started = [], time.perf_counter()
    for step in range(steps):
        loss = posterior_nll(model, examples[int(order.integers(len(examples)))])
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.enc_q.parameters(), 5.0)
        optimiser.step()
        if step % 50 == 0 or step == steps - 1:
            losses.append(float(loss.detach()))
            log.info("posterior warm-up step %d: nll %.3f (%.0f s)", step, float(loss.detach()),
                     time.perf_counter() - started)
    return losses


def cached_posterior(model, model_path: Path, phonemize, phoneme_ids,
                     steps: int = WARMUP_STEPS) -> Path:
    """Load the warmed-up enc_q into `model` from the cache, training it first if needed."""
    import torch

    digest = hashlib.sha256(Path(model_path).read_bytes()).hexdigest()[:12]
    path = cache_dir() / f"adapt-posterior-v{WARMUP_VERSION}-{digest}-{steps}.pt"
    if path.is_file():
        model.enc_q.load_state_dict(torch.load(path, weights_only=True))
        return path
    warm_up_posterior(model, model_path, phonemize, phoneme_ids, steps)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    torch.save(model.enc_q.state_dict(), partial)
    partial.replace(path)
    return path

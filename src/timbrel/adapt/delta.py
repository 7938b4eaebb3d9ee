"""An adapted model as a weight delta: only the tensors fine-tuning changed that synthesis
uses (text encoder, flow, decoder, duration predictor), stored as fp16 differences in a
voice's params.

Voice params hold the delta as arrays named ``adapt.<tensor name>``; the rest of the
adaptation's record is scalars under ``adapt_*``. A voice saved and loaded keeps the fp16
arrays bit for bit, so it synthesises identically.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

PREFIX = "adapt."
INFERENCE_MODULES = ("enc_p", "flow", "dec", "dp")
# the duration predictor's posterior flows and the flow its exported reverse pass skips
TRAINING_ONLY = ("dp.post_", "dp.flows.1.")


def weight_delta(base: Mapping[str, object], tuned: Mapping[str, object]
                 ) -> dict[str, np.ndarray]:
    """fp16 `tuned - base` for each inference tensor that changed."""
    delta = {}
    for name, value in tuned.items():
        if name.split(".")[0] not in INFERENCE_MODULES or name.startswith(TRAINING_ONLY):
            continue
        difference = value.detach().float().numpy() - base[name].detach().float().numpy()
        if np.any(difference != 0):
            delta[name] = difference.astype(np.float16)
    return delta


def to_params(delta: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {f"{PREFIX}{name}": np.asarray(array, np.float16) for name, array in delta.items()}


def from_params(params: Mapping[str, object]) -> dict[str, np.ndarray]:
    """The delta stored in a voice's params ({} for a voice never adapted)."""
    return {key.removeprefix(PREFIX): np.asarray(value) for key, value in params.items()
            if key.startswith(PREFIX) and isinstance(value, np.ndarray)}


def scaled_params(params: Mapping[str, object], factor: float,
                  modules: Collection[str] | None = None) -> dict[str, object]:
    """`params` with the stored delta times `factor`: a point on the straight line between
    joe (0) and the fine-tuned model (1) in weight space; with `modules` (names such as
    "dec" or "dec.resblocks"), only their part of the delta is kept, the rest of the model
    is joe's; the other params unchanged."""
    if not factor >= 0:
        raise ValueError(f"the delta scale must be >= 0 (got {factor})")
    unknown = {m for m in modules or () if m.split(".")[0] not in INFERENCE_MODULES}
    if unknown:
        raise ValueError(f"unknown modules {sorted(unknown)} (choose within {INFERENCE_MODULES})")
    out = {}
    for key, value in params.items():
        name = key.removeprefix(PREFIX)
        if not (key.startswith(PREFIX) and isinstance(value, np.ndarray)):
            out[key] = value
        elif modules is None or any(name == m or name.startswith(f"{m}.") for m in modules):
            out[key] = (np.asarray(value, np.float32) * factor).astype(np.float16)
    return out


def apply_delta(model, delta: Mapping[str, np.ndarray]) -> None:
    """Add the (fp16) delta to a freshly loaded joe model, in place."""
    import torch

    state = model.state_dict()
    for name, array in delta.items():
        if name not in state:
            raise ValueError(f"the voice's adaptation names an unknown tensor {name}")
        state[name] = state[name] + torch.from_numpy(array.astype(np.float32))
    model.load_state_dict(state)

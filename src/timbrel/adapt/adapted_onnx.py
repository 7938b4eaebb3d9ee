"""The bundled ONNX graph with a voice's weight delta added to its initialisers.

Synthesis of an adapted voice runs exactly the graph the base voice runs (the same seeded
noise inputs, the same alignment output): only weights change.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .vits_model import onnx_sources


def adapted_graph(model_path: Path, delta: Mapping[str, np.ndarray]):
    """An `onnx.ModelProto`: the base graph with `delta` added to the tensors it names."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(model_path))
    sources = onnx_sources(model.graph)
    by_name = {t.name: t for t in model.graph.initializer}
    for name, change in delta.items():
        if name not in sources:
            raise ValueError(f"{name} is not a tensor of the bundled graph")
        source, stored = sources[name]
        tensor = by_name[source]
        base = numpy_helper.to_array(tensor).astype(np.float32)
        change = np.asarray(change, np.float32)
        if stored == "neg_log_exp":
            value = np.exp(-(-np.log(base) + change))
        else:
            value = base + change
        tensor.CopyFrom(numpy_helper.from_array(value.astype(np.float32), source))
    return model

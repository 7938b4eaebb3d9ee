"""The seeded Piper graph, rewritten once and kept on disk, so a new process starts quickly.

`engines.builtin.piper_model.seeded_graph_bytes` parses the 60 MB ONNX voice with the
`onnx` package and rewrites its random nodes; importing `onnx` and rewriting cost each new
process (every batch worker) about a second of CPU. The rewritten bytes depend only on the
model file and on the rewriting code, so they are cached under the user's cache folder
keyed by a hash of both; a changed model or changed rewrite gets a new entry.

`PiperModel.session` builds its session from this cache (a fine-tuned voice's graph, with
its own weights, is rewritten fresh).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
from pathlib import Path

from .engines.builtin import piper_model
from .engines.builtin.profile_cache import cache_dir

log = logging.getLogger(__name__)


def graph_key(model_path: Path) -> str:
    """Hash of the model file and of the code that rewrites it (without importing onnx)."""
    digest = hashlib.sha256()
    with open(model_path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    for module in (piper_model.__name__, "piper.patch_voice_with_alignment"):
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.origin:
            digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()[:24]


def seeded_graph(model_path: str | os.PathLike[str]) -> bytes:
    """`seeded_graph_bytes(model_path)`, from the disk cache when it is there."""
    model_path = Path(model_path)
    try:
        folder = cache_dir()
        path = folder / f"piper-seeded-{model_path.stem}-{graph_key(model_path)}.onnx"
        if path.is_file():
            return path.read_bytes()
    except OSError as error:
        log.debug("graph cache unreadable (%s); rewriting the graph", error)
        return piper_model.seeded_graph_bytes(model_path)
    data = piper_model.seeded_graph_bytes(model_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as error:  # a read-only home still works, just without the saving
        log.debug("could not cache the seeded graph in %s: %s", folder, error)
    return data


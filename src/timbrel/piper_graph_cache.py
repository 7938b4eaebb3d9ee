"""The seeded Piper graph, rewritten once and kept on disk, so a new process starts quickly.

`engines.builtin.piper_model.seeded_graph_bytes` parses the 60 MB ONNX voice with the
`onnx` package and rewrites its random nodes; importing `onnx` and rewriting cost each new
process (every batch worker) about a second of CPU. The rewritten bytes depend only on the
model file and on the rewriting code, so they are cached under the user's cache folder
keyed by a hash of both; a changed model or changed rewrite gets a new entry.

`FastStartPiperModel` is `PiperModel` with two start-up savings: its session is built from
the cached graph, and its `voice` (piper's phonemiser and id map) shares that session
instead of opening a second, unseeded one on the original file. Same audio, bit for bit.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
from functools import cached_property
from pathlib import Path

from .engines.builtin import piper_model
from .engines.builtin.piper_model import PiperModel

log = logging.getLogger(__name__)

CACHE_ENV = "TIMBREL_CACHE_DIR"


def cache_dir() -> Path:
    """$TIMBREL_CACHE_DIR, else $XDG_CACHE_HOME/timbrel, else ~/.cache/timbrel."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "timbrel"


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


class FastStartPiperModel(PiperModel):
    """`PiperModel` that starts faster: cached seeded graph, one session instead of two."""

    @cached_property
    def session(self):
        import onnxruntime

        # The same options as PiperModel.session (tests/test_batch_process.py checks the
        # audio is bit-identical to PiperModel's).
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        return onnxruntime.InferenceSession(seeded_graph(self.model_path),
                                            sess_options=options,
                                            providers=["CPUExecutionProvider"])

    @cached_property
    def voice(self):
        """piper's voice object for its phonemiser and id map, sharing the seeded session
        (piper's own `load` would open a second session on the unseeded file)."""
        import json

        from piper import PiperVoice
        from piper.config import PiperConfig

        with open(self.config_path, encoding="utf-8") as handle:
            config = PiperConfig.from_dict(json.load(handle))
        return PiperVoice(session=self.session, config=config)

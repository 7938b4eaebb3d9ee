"""Provenance watermark: an inaudible mark in every output, and a detector for it.

The mark is Resemble AI's PerTh implicit watermarker (`resemble-perth`, MIT, the one
Chatterbox uses): a small network adds a learned residual to the magnitude spectrum below
2 kHz and a decoder scores a clip 0..1 for its presence. Its weights ship inside the
package, so marking and detecting work offline.

    from timbrel.watermark import apply_watermark, detect_file
    marked = apply_watermark(samples, 22050)
    print(detect_file("out.wav"))   # WatermarkResult(present=True, confidence=1.0, ...)

PerTh imports `torchaudio` only for three STFT wrappers; PyPI's torchaudio wheels are
CUDA builds that fail to load beside a CPU torch, so when torchaudio cannot be imported
the wrappers are provided (with `torch.stft`/`torch.istft`, same parameters) just for
the duration of the import; likewise `pkg_resources`, gone from newer setuptools.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import math
import os
import sys
import threading
import types
import warnings
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

WATERMARK_NAME = "perth-implicit"
THRESHOLD = 0.85
"""A clip whose decoder score reaches this is reported as marked. PerTh's decoder gives
unmarked short human prompts scores up to 0.8 (benchmarks/watermark.py), so its natural
0.5 would raise false alarms on about 2 % of them."""
MIN_SECONDS = 0.1
"""Shorter pieces (a click of audio) are left unmarked: too few frames to carry a mark."""
DETECT_WINDOW_SECONDS = 30.0
"""Long files are scored in windows of this length and the scores averaged."""

_LOCK = threading.Lock()


class WatermarkError(RuntimeError):
    """The watermarker is unavailable or failed; the message says how to fix it."""


@dataclass(frozen=True)
class WatermarkResult:
    """Whether a clip carries the mark, and the decoder's score (0 = none, 1 = certain)."""

    present: bool
    confidence: float
    file: str = ""
    seconds: float = 0.0
    provenance: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def apply_watermark(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """The same audio with the mark embedded: same length, float32, within [-1, 1]."""
    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) < MIN_SECONDS * sample_rate:
        log.debug("%.3f s piece too short to mark; left as is", len(samples) / sample_rate)
        return samples
    model = _watermarker()
    with _LOCK, _quiet(), _torch_settings():
        marked = model.apply_watermark(samples, sample_rate=int(sample_rate))
    marked = np.asarray(marked, dtype=np.float32)
    if len(marked) < len(samples):
        marked = np.pad(marked, (0, len(samples) - len(marked)))
    return np.clip(marked[: len(samples)], -1.0, 1.0)


def watermark_score(samples: np.ndarray, sample_rate: int) -> float:
    """The decoder's score for one clip, 0..1 (long clips: the mean over 30 s windows)."""
    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) < MIN_SECONDS * sample_rate or not np.any(samples):
        return 0.0
    window = int(DETECT_WINDOW_SECONDS * sample_rate)
    pieces = [samples[start:start + window] for start in range(0, len(samples), window)]
    if len(pieces) > 1 and len(pieces[-1]) < window // 3:
        pieces[-2] = np.concatenate(pieces[-2:])
        pieces.pop()
    model = _watermarker()
    scores, weights = [], []
    for piece in pieces:
        with _LOCK, _quiet(), _torch_settings():
            score = model.get_watermark(piece, sample_rate=int(sample_rate), round=False)
        scores.append(float(np.clip(np.mean(score), 0.0, 1.0)))
        weights.append(len(piece))
    return float(np.average(scores, weights=weights))


def detect_watermark(samples: np.ndarray, sample_rate: int) -> WatermarkResult:
    """Check a clip held in memory for the mark."""
    score = watermark_score(samples, sample_rate)
    return WatermarkResult(present=score >= THRESHOLD, confidence=round(score, 4),
                           seconds=round(len(samples) / float(sample_rate), 3))


def detect_file(path: str | os.PathLike[str]) -> WatermarkResult:
    """Check an audio file (any format `load_audio` reads) for the mark and our tags."""
    from .audio import load_audio
    from .provenance import read_provenance

    path = Path(path)
    samples, rate = load_audio(path)
    result = detect_watermark(samples, rate)
    return WatermarkResult(present=result.present, confidence=result.confidence,
                           file=str(path), seconds=result.seconds,
                           provenance=read_provenance(path))


@contextlib.contextmanager
def _torch_settings():
    """No autograd (PerTh otherwise keeps ~3.6 MB of graph per call) and one thread (the
    mark's last bit depends on torch's thread count; the speaker encoder pins it to 1 when
    it loads, so pin it here too: the same bytes whether or not that has happened)."""
    import torch

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    with torch.no_grad():
        yield


@lru_cache(maxsize=1)
def _watermarker() -> Any:
    """PerTh's implicit watermarker with its bundled weights, loaded once per process."""
    try:
        with warnings.catch_warnings(), _stand_ins():
            warnings.simplefilter("ignore")  # pkg_resources deprecation inside perth
            from perth.perth_net.perth_net_implicit.perth_watermarker import (
                PerthImplicitWatermarker,
            )
    except ImportError as error:
        raise WatermarkError(
            f"the watermark needs resemble-perth (pip install resemble-perth): {error}"
        ) from error
    try:
        with _quiet():  # PerTh prints "loaded PerthNet ..." to stdout
            return PerthImplicitWatermarker(device="cpu")
    except Exception as error:  # noqa: BLE001 - a broken install, named for the user
        raise WatermarkError(f"could not load the PerTh watermark weights: {error}") from error


@contextlib.contextmanager
def _quiet():
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _stand_ins():
    """While PerTh is imported, provide what it imports but this machine may lack.

    `torchaudio.transforms` (missing, or a CUDA build that cannot load beside a CPU
    torch) and `pkg_resources.resource_filename` (gone from setuptools 81 on).
    """
    added: dict[str, types.ModuleType] = {}
    try:
        import torchaudio.transforms  # noqa: F401
    except Exception:  # noqa: BLE001 - missing, or a build that cannot load here
        for name in [name for name in sys.modules if name.split(".")[0] == "torchaudio"]:
            del sys.modules[name]
        package = types.ModuleType("torchaudio")
        package.transforms = _stand_in_transforms()
        added.update({"torchaudio": package, "torchaudio.transforms": package.transforms})
    if importlib.util.find_spec("pkg_resources") is None:
        resources = types.ModuleType("pkg_resources")
        resources.resource_filename = _resource_filename
        added["pkg_resources"] = resources
    sys.modules.update(added)
    try:
        yield
    finally:
        for name in added:
            sys.modules.pop(name, None)


def _resource_filename(package: str, name: str) -> str:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"cannot locate package {package}")
    return str(Path(list(spec.submodule_search_locations)[0]) / name)


def _stand_in_transforms() -> types.ModuleType:
    """torchaudio's Spectrogram / InverseSpectrogram / TimeStretch as PerTh builds them."""
    import torch
    from torch import nn

    class Spectrogram(nn.Module):
        def __init__(self, n_fft: int, win_length: int, hop_length: int, window_fn: Any,
                     power: float | None = None, normalized: bool = False) -> None:
            super().__init__()
            if power is not None or normalized:
                raise WatermarkError("stand-in Spectrogram supports power=None only")
            self.n_fft, self.win_length, self.hop_length = n_fft, win_length, hop_length
            self.register_buffer("window", window_fn(win_length))

        def forward(self, signal: torch.Tensor) -> torch.Tensor:
            return torch.stft(signal, self.n_fft, self.hop_length, self.win_length,
                              self.window, center=True, pad_mode="reflect",
                              normalized=False, onesided=True, return_complex=True)

    class InverseSpectrogram(Spectrogram):
        def forward(self, spectrum: torch.Tensor, length: int | None = None) -> torch.Tensor:
            return torch.istft(spectrum, self.n_fft, self.hop_length, self.win_length,
                               self.window, center=True, normalized=False, onesided=True,
                               length=length)

    class TimeStretch(nn.Module):  # only used in PerTh's training; holds a saved buffer
        def __init__(self, n_freq: int, hop_length: int) -> None:
            super().__init__()
            advance = torch.linspace(0, math.pi * hop_length, n_freq)[..., None]
            self.register_buffer("phase_advance", advance)

    module = types.ModuleType("torchaudio.transforms")
    module.Spectrogram = Spectrogram
    module.InverseSpectrogram = InverseSpectrogram
    module.TimeStretch = TimeStretch
    return module

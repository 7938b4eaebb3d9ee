"""Provenance watermark: an inaudible mark in every output, and a detector for it.

The mark is Resemble AI's PerTh implicit watermarker (`resemble-perth`, MIT, the one
Chatterbox uses): a small network adds a learned residual to the magnitude spectrum below
2 kHz and a decoder scores a clip 0..1 for its presence. Its weights ship inside the
package, so marking and detecting work offline. Marking is PerTh's own; detection uses
PerTh's decoder with three additions (chosen on a dev set, `benchmarks/watermark_tuning.py`):
it averages over the loudest frames only (noise in pauses no longer dilutes the mark);
clips that fall short are scored again with their steady noise floor subtracted (added
noise fills the spectral valleys the mark lives in), then once more with the power first
averaged over 50 ms (the mark is steady, noise is not), and then searched for a
tape-style speed change to undo.

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
LOUD_FRACTION = 0.3
"""The decoder's evidence is averaged over this fraction of frames, the loudest below 2 kHz."""
SPEED_SEARCH = tuple(1.02 ** step for step in range(-8, 9) if step)
"""Speed factors the detector tries to undo (0.85x to 1.17x in 2 % steps, 1.0 aside): the
decoder tolerates +-1 % of tape-style speed change, so a 2 % grid leaves no gap."""
SPEED_SEARCH_THRESHOLD = 0.95
"""The best speed-corrected candidate counts only from this score on (it is the best of 16)."""
SMOOTH_FRAMES = 5
"""Before the second noise-floor subtraction the power spectrogram is averaged over this
many frames (50 ms): the mark is the same in every frame, added noise is not."""
DENOISE_SECONDS = 1.0
"""Shorter clips are not scored after noise-floor subtraction: over a few dozen frames the
floor estimate rests on two or three frames, and the subtraction can carve a short sound
into the mark's shape (a 0.2 s two-tone beep, unmarked, scored 0.999)."""
SPEED_SEARCH_SECONDS = 2.0
"""Shorter clips are not searched: over fewer frames some warp of unmarked speech scores
high by chance."""

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
    """The decoder's score for one clip, 0..1 (long clips: the mean over 30 s windows).

    Each window is scored as it is and, when that falls short of the threshold, once more
    after the speed search (`_speed_search_score`), keeping the higher of the two."""
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
            scores.append(_piece_score(model.perth_net, piece, int(sample_rate)))
        weights.append(len(piece))
    return float(np.average(scores, weights=weights))


def _piece_score(net: Any, samples: np.ndarray, sample_rate: int) -> float:
    """The decoder's score over the loudest frames; if that is below threshold, the
    score with the noise floor subtracted (`_denoised`, clips of 1 s or more), then the
    same after averaging over `SMOOTH_FRAMES` frames (`_time_smoothed`), then the score
    after the speed search (2 s or more); the highest of these."""
    import torch

    if sample_rate != net.hp.sample_rate:
        import librosa

        samples = librosa.resample(samples, orig_sr=sample_rate,
                                   target_sr=net.hp.sample_rate, res_type="polyphase")
    magspec, _phase = net.ap.signal_to_magphase(torch.from_numpy(np.ascontiguousarray(
        samples, dtype=np.float32)))
    frames = _loud_frames(net, magspec)
    score = _decode(net, magspec, frames)
    seconds = len(samples) / net.hp.sample_rate
    if score >= THRESHOLD or seconds < DENOISE_SECONDS:
        return score
    denoised = _denoised(net, magspec)
    score = max(score, _decode(net, denoised, _loud_frames(net, denoised)))
    if score >= THRESHOLD:
        return score
    denoised = _denoised(net, _time_smoothed(magspec, SMOOTH_FRAMES, net))
    score = max(score, _decode(net, denoised, _loud_frames(net, denoised)))
    if score >= THRESHOLD or seconds < SPEED_SEARCH_SECONDS:
        return score
    return max(score, _speed_search_score(net, magspec, frames))


def _denoised(net: Any, magspec: Any) -> Any:
    """The spectrogram with its steady noise floor subtracted below 2 kHz
    (`noise_floor.subtract_noise_floor`), on PerTh's normalised log scale.

    Added noise fills the spectral valleys the mark also lives in and the decoder reads
    the flattened spectrum as unmarked; with the floor taken off, the harmonics that
    stand above the noise carry the mark again. The floor is estimated from the clip's
    quietest frames, so on clean speech it is tiny and the spectrum barely changes."""
    from .noise_floor import subtract_noise_floor

    return _with_subband_power(net, magspec, subtract_noise_floor(_subband_power(net, magspec)))


def _time_smoothed(magspec: Any, width: int, net: Any) -> Any:
    """The spectrogram's rows below 2 kHz with their power averaged over `width` frames
    (a centred moving average, edges repeated), on PerTh's normalised log scale.

    Added noise makes each bin's level in each frame a random draw (white noise in one STFT
    bin fluctuates by several dB frame to frame), while the mark is the same in every
    frame: averaging the power over 50 ms steadies the noise before its floor is taken
    off, and speech, which changes more slowly, keeps its harmonics."""
    power = _subband_power(net, magspec)
    padded = np.pad(power, ((0, 0), (width // 2, (width - 1) // 2)), mode="edge")
    averaged = np.lib.stride_tricks.sliding_window_view(padded, width, axis=1).mean(axis=-1)
    return _with_subband_power(net, magspec, averaged)


def _subband_power(net: Any, magspec: Any) -> np.ndarray:
    """Linear power of the spectrogram's rows below 2 kHz (the band carrying the mark),
    from PerTh's normalised log scale (0 = its floor, 1 = 15 dB above full scale)."""
    floor_db, span_db = _perth_scale(net)
    rows = magspec[: net.decoder.subband].numpy().astype(np.float64)
    return 10 ** ((rows * span_db + floor_db) / 10)


def _with_subband_power(net: Any, magspec: Any, power: np.ndarray) -> Any:
    """A copy of the spectrogram with its rows below 2 kHz set from linear `power`."""
    import torch

    floor_db, span_db = _perth_scale(net)
    changed = magspec.clone()
    changed[: net.decoder.subband] = torch.from_numpy(
        ((10 * np.log10(power) - floor_db) / span_db).astype(np.float32))
    return changed


def _perth_scale(net: Any) -> tuple[float, float]:
    floor_db = 20 * math.log10(net.hp.stft_magnitude_min)
    return floor_db, 15.0 - floor_db


def _loud_frames(net: Any, magspec: Any) -> Any:
    """Which frames the decoder listens to: the loudest `LOUD_FRACTION` by energy below
    2 kHz (the band that carries the mark). PerTh's own mask keeps every frame above 5 %
    of the loudest frame's summed log-magnitude, which is nearly all of them: in pauses
    and breaths added noise drowns the mark, and those frames dilute the average."""
    import torch

    floor_db = 20 * math.log10(net.hp.stft_magnitude_min)
    level_db = magspec[:net.decoder.subband] * (15.0 - floor_db) + floor_db  # PerTh's scale
    energy = torch.logsumexp(level_db * (math.log(10) / 10), dim=0)
    return (energy >= torch.quantile(energy, 1.0 - LOUD_FRACTION)).float()


def _decode(net: Any, magspec: Any, frames: Any) -> float:
    """PerTh's decoder (`Decoder.forward`, three time scales combined by their learned
    attention) averaging over `frames` (1 = use) instead of its own mask; 0..1."""
    import torch
    import torch.nn.functional as F  # noqa: N812 - torch's usual name

    decoder = net.decoder
    subband = magspec[None, :decoder.subband]
    length = subband.shape[2]
    marks, attention = [], []
    for layers, scale in ((decoder.slow_layers, 1.25), (decoder.normal_layers, 1.0),
                          (decoder.fast_layers, 0.75)):
        scaled = F.interpolate(subband, size=int(length * scale), mode="linear",
                               align_corners=True)
        out = layers(scaled)
        mask = F.interpolate(frames[None, None], size=out.size(2), mode="nearest")
        attention.append((out[:, :1] * mask).sum(dim=2) / mask.sum(dim=2))
        marks.append((out[:, 1:] * mask).sum(dim=2) / mask.sum(dim=2))
    weights = F.softmax(torch.cat(attention, dim=1), dim=1)
    return float((torch.cat(marks, dim=1) * weights).sum().clip(0.0, 1.0))


def _speed_search_score(net: Any, magspec: Any, frames: Any) -> float:
    """Undo a tape-style speed change (pitch moved with it) before decoding.

    Speeding audio up by a factor f moves every frequency by f; the decoder reads the
    mark from the spectrum's shape below 2 kHz and tolerates only about 1 % of such a
    shift. So the spectrogram's frequency axis is read back at each factor of
    `SPEED_SEARCH` (a 2 % grid), the decoder's mark branch rates each candidate (the
    output of PerTh's `normal_layers`, the branch that carries the mark, averaged over
    the loud frames), and only the best candidate is scored by the full decoder, and
    must reach `SPEED_SEARCH_THRESHOLD`: one extra score per clip, held to a stricter
    bar, so a search over 16 candidates does not multiply the false alarms by 16.
    The time axis needs no correcting: the decoder tolerates tempo changes.
    """
    import torch

    subband = net.decoder.subband
    candidates = torch.stack([_warp_frequencies(magspec, factor, subband)
                              for factor in SPEED_SEARCH])
    evidence = (net.decoder.normal_layers(candidates)[:, 1] * frames).sum(dim=1)
    warped = magspec.clone()
    warped[:subband] = candidates[int(evidence.argmax())]
    score = _decode(net, warped, frames)
    return score if score >= SPEED_SEARCH_THRESHOLD else 0.0


def _warp_frequencies(magspec: Any, factor: float, bins: int) -> Any:
    """The first `bins` rows of the spectrogram as they were before a speed change by
    `factor`: row k is read (linearly interpolated) at row k * factor."""
    import torch

    source = torch.arange(bins, dtype=torch.float32) * factor
    low = source.floor().long().clamp(max=magspec.shape[0] - 2)
    weight = (source - low)[:, None]
    return magspec[low] * (1 - weight) + magspec[low + 1] * weight


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

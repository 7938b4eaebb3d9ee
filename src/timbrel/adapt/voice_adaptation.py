"""`adapt_voice`: fine-tune the joe model on a speaker's audio and store the result in a voice.

The adapted voice keeps everything of the original and gains the fp16 weight delta
(`delta.py`), a record of the training (`adapt_*` scalars) and new conversion parameters:
the signal-processing conversion that runs on top now starts from the adapted model's
voice instead of joe's, and by default only maps pitch (`CONVERSION_MODES`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..voice import Voice
from .dataset import build_items
from .delta import PREFIX, from_params, to_params, weight_delta
from .finetune import FinetuneConfig, FinetuneLog, fine_tune

log = logging.getLogger(__name__)

CONVERSION_MODES = ("none", "pitch", "full")
# Measured (benchmarks/adaptation.py): "none" kept the lowest WER in every comparison;
# "pitch" scored higher GE2E but cost 20-50 WER points.
DEFAULT_CONVERSION = "none"
# A briefly trained model can speak almost monotone; an unbounded target/adapted pitch
# spread then asks PSOLA for absurd contours (measured: ratio 8.1, Praat ran for minutes).
SPREAD_LIMITS = (0.5, 2.0)
PROFILE_TEXTS = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "Rice is often served in round bowls.",
    "Four hours of steady work faced us.",
)
STALE_KEYS = ("phoneme_labels", "phoneme_correction_db")  # measured against joe's voice


@dataclass(frozen=True)
class AdaptReport:
    items: int
    audio_seconds: float
    training: FinetuneLog
    delta_tensors: int
    delta_bytes: int


def adapted_params(piper_delta_model, target_samples: np.ndarray, target_rate: int,
                   bandwidth_hz: float, conversion: str) -> dict[str, object]:
    """Conversion parameters from the adapted model's own voice toward the target."""
    from ..engines.builtin.conversion import conversion_params, speaker_profile
    from ..engines.builtin.piper_model import PiperScales

    pieces = []
    for index, text in enumerate(PROFILE_TEXTS):
        for phonemes in piper_delta_model.phonemize(text):
            pieces.append(piper_delta_model.synthesize_ids(
                piper_delta_model.phoneme_ids(phonemes), PiperScales(),
                np.random.default_rng([0, index])))
    rate = piper_delta_model.sample_rate
    adapted = speaker_profile(np.concatenate(pieces), rate)
    target = speaker_profile(target_samples, target_rate, bandwidth_hz)
    params: dict[str, object] = {"adapt_f0_median": float(adapted.log_f0_median),
                                 "adapt_f0_mad": float(adapted.log_f0_mad),
                                 "adapt_conversion": conversion}
    if conversion == "full":
        params.update(conversion_params(adapted, target, rate).to_dict())
        return params
    bins = len(adapted.mean_envelope_db)
    pitch = conversion == "pitch"
    params.update({
        "log_f0_median": float(target.log_f0_median if pitch else adapted.log_f0_median),
        "log_f0_spread": float(np.clip(target.log_f0_mad / max(adapted.log_f0_mad, 1e-6),
                                       *SPREAD_LIMITS)) if pitch else 1.0,
        "warp_ratio": 1.0,
        "correction_db": np.zeros(bins, np.float32),
    })
    return params


def adapt_voice(voice: Voice, clips: Sequence[tuple[np.ndarray, int]],
                transcripts: Sequence[str | None] | None = None,
                config: FinetuneConfig | None = None, conversion: str = DEFAULT_CONVERSION,
                progress: Callable[[FinetuneLog], None] | None = None,
                warmup_steps: int | None = None,
                snapshot: Callable[[Voice, FinetuneLog], None] | None = None,
                snapshot_seconds: Sequence[float] = (),
                keep_posterior: Callable[[dict, int], None] | None = None,
                ) -> tuple[Voice, AdaptReport]:
    """A copy of `voice` fine-tuned on `clips` (untranscribed clips go to the recogniser).

    `snapshot` receives the voice as it stands once training has run each of
    `snapshot_seconds` (its own time is not counted as training). `keep_posterior`, for
    diagnosis, receives the posterior encoder's state (which the voice does not store,
    synthesis never runs it) and the step count at each snapshot and at the end."""
    import torch

    from ..engines.builtin.piper_model import PiperModel
    from .posterior import WARMUP_STEPS, cached_posterior
    from .vits_model import joe_model, joe_paths

    if voice.engine == "heart":  # fine-tuning trains Piper joe: the voice moves to him
        from ..enrollment import on_engine

        voice = on_engine(voice, "builtin")
    if voice.engine != "builtin" or voice.language != "en":
        raise ValueError("only English voices of the built-in engine can be adapted "
                         f"(this one is {voice.engine}, {voice.language})")
    if conversion not in CONVERSION_MODES:
        raise ValueError(f"conversion must be one of {', '.join(CONVERSION_MODES)}")
    config = config or FinetuneConfig()
    torch.set_num_threads(config.threads)
    piper = PiperModel()
    model, _ = joe_model()
    cached_posterior(model, joe_paths()[0], piper.phonemize, piper.phoneme_ids,
                     warmup_steps or WARMUP_STEPS)
    base = {name: value.clone() for name, value in model.state_dict().items()}
    items = build_items(clips, piper.phonemize, piper.phoneme_ids, transcripts)
    log.info("adapting on %d pieces, %.0f s of speech", len(items),
             sum(item.seconds for item in items))
    speech_seconds = sum(item.seconds for item in items)

    def current(record: FinetuneLog) -> tuple[Voice, dict[str, np.ndarray]]:
        delta = weight_delta(base, model.state_dict())
        params = {key: value for key, value in voice.params.items()
                  if not key.startswith((PREFIX, "adapt_")) and key not in STALE_KEYS}
        params.update(target_conversion(voice, clips, delta, conversion))
        params.update(to_params(delta))
        params.update({"adapt_steps": record.steps, "adapt_parts": config.parts,
                       "adapt_audio_seconds": round(speech_seconds, 2),
                       "adapt_train_seconds": round(record.seconds, 1)})
        return voice.with_changes(params=params), delta

    pending = sorted(snapshot_seconds) if snapshot is not None else []

    def on_step(record: FinetuneLog) -> None:
        if progress is not None:
            progress(record)
        if pending and record.seconds >= pending[0]:
            pending[:] = [due for due in pending if due > record.seconds]
            snapshot(current(record)[0], record)
            if keep_posterior is not None:
                keep_posterior(model.enc_q.state_dict(), record.steps)

    record = fine_tune(model, items, config, on_step)
    if keep_posterior is not None:
        keep_posterior(model.enc_q.state_dict(), record.steps)
    adapted, delta = current(record)
    report = AdaptReport(items=len(items), audio_seconds=speech_seconds,
                         training=record, delta_tensors=len(delta),
                         delta_bytes=sum(a.nbytes for a in delta.values()))
    return adapted, report


def target_conversion(voice: Voice, clips: Sequence[tuple[np.ndarray, int]],
                      delta: dict[str, np.ndarray], conversion: str) -> dict[str, object]:
    """The conversion parameters from the model with `delta` toward the speaker of `clips`
    (their first twenty when they share a rate, else the voice's reference)."""
    from ..engines.builtin.piper_model import PiperModel

    if len({rate for _, rate in clips}) == 1:
        target = np.concatenate([np.asarray(c[0], np.float32) for c in clips][:20])
        target_rate = clips[0][1]
    else:
        target, target_rate = voice.reference, voice.reference_rate
    bandwidth = float(voice.params.get("bandwidth_hz", target_rate / 2))
    return adapted_params(PiperModel(weight_delta=delta), target, target_rate, bandwidth,
                          conversion)


def is_adapted(voice: Voice) -> bool:
    return bool(from_params(voice.params))

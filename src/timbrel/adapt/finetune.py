"""Fine-tuning the joe model on a speaker's training items, with the VITS losses a CPU affords.

Each step takes one utterance: the posterior encoder reads its linear spectrogram into a
latent z; the flow maps z to the prior's space, where monotonic alignment search pairs its
frames with the phonemes of the frozen text encoder and the KL loss pulls the two
together; the decoder turns random 32-frame slices of z back into audio, scored by the
L1 distance of log-mel spectrograms (weight 45, as in VITS); each step decodes
`segments` slices of the same utterance. With `prior_segments` set, each step also decodes
that many slices of what synthesis itself would give the decoder for this text (the text
prior, aligned to the audio, sampled and sent back through the flow) and scores them the
same way, so the gradient reaches the path inference runs, not only the posterior one.
`flow_learning_rate_scale` trains the flow faster than the rest. `progress` runs after
each step and its own time is not counted as training. With `adversarial` set, a
discriminator trains alongside (discriminator.py) and its GAN and feature-matching losses
join the generator's (it judges the prior-path slices too); without it, every step goes
to the generator alone. `parts` says what trains (the text encoder only in "full").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .alignment import maximum_path, prior_log_likelihood
from .dataset import TrainingItem
from .discriminator import AdversarialConfig, AdversarialTraining
from .stft_loss import multi_resolution_stft_loss
from .trainable_parts import PARTS
from .vits_model import HOP, SEED

log = logging.getLogger(__name__)

MEL_WEIGHT = 45.0  # piper's VITS c_mel
SEGMENT_FRAMES = 32
RELATIVE_FLOOR = 0.05  # relative steps: a tensor's RMS counts as at least this share
UNCAPPED_STEPS = 10**7  # under a time budget with no step count asked, the clock stops training


def step_cap(steps: int | None, seconds_budget: float | None, default: int) -> int:
    """How many steps to allow: as asked; else, under a time budget, as many as the budget
    holds (a budget alone must not stop at the default count); else the default."""
    if steps is not None:
        return steps
    return default if seconds_budget is None else UNCAPPED_STEPS


@dataclass(frozen=True)
class FinetuneConfig:
    steps: int = 200
    seconds_budget: float | None = None  # stop at whichever of steps/seconds comes first
    parts: str = "dec-prior"
    learning_rate: float = 5e-5  # measured: 2e-4 lost more intelligibility per step
    segment_frames: int = SEGMENT_FRAMES
    segments: int = 4  # decoder slices per utterance and step (the decoder is the cheap part)
    seed: int = SEED
    threads: int = 2  # torch threads (1 lets two trainings share this 2-core machine)
    adversarial: AdversarialConfig | None = None  # None: mel, KL and duration losses only
    prior_segments: int = 0  # slices of the inference (prior) path decoded per step
    flow_learning_rate_scale: float = 1.0  # the flow's learning rate over the others'
    mel_weight: float = MEL_WEIGHT  # mel L1's weight beside KL, duration and the GAN losses
    relative_steps: bool = False  # each tensor's rate scaled by its RMS (parameter_groups)
    stft_weight: float = 0.0  # multi-resolution STFT loss on the decoded slices (stft_loss.py)

    def __post_init__(self) -> None:
        if self.parts not in PARTS:
            raise ValueError(f"unknown parts '{self.parts}' (choose from {', '.join(PARTS)})")
        if self.adversarial is not None and "dec" not in PARTS[self.parts]:
            raise ValueError(f"adversarial training needs a trainable decoder; parts "
                             f"'{self.parts}' freezes it")
        if self.steps < 1:
            raise ValueError("steps must be at least 1")
        if not self.learning_rate > 0:
            raise ValueError(f"the learning rate must be positive (got {self.learning_rate})")
        if not self.stft_weight >= 0:
            raise ValueError(f"the STFT weight must be >= 0 (got {self.stft_weight})")
        if not self.mel_weight > 0:
            raise ValueError(f"the mel weight must be positive (got {self.mel_weight})")
        if self.prior_segments < 0 or self.flow_learning_rate_scale <= 0:
            raise ValueError("prior_segments must be >= 0, flow_learning_rate_scale > 0")
        if self.prior_segments and not {"flow", "dec"} <= set(PARTS[self.parts]):
            raise ValueError(f"prior-path slices need a trainable flow and decoder; parts "
                             f"'{self.parts}' freezes one")


@dataclass
class FinetuneLog:
    steps: int = 0
    seconds: float = 0.0  # training steps only
    cpu_seconds: float = 0.0
    prepare_seconds: float = 0.0  # spectrograms, text encoder, prior latents (once)
    prepare_cpu_seconds: float = 0.0
    mel_loss: list[float] = field(default_factory=list)
    kl_loss: list[float] = field(default_factory=list)
    discriminator_loss: list[float] = field(default_factory=list)  # adversarial runs only
    generator_gan_loss: list[float] = field(default_factory=list)  # after the warm-up
    prior_mel_loss: list[float] = field(default_factory=list)  # prior_segments runs only


@dataclass(frozen=True)
class PreparedItem:
    """A training item's fixed tensors: what the frozen text encoder and STFT give."""

    spec: object  # [1, 513, frames]
    mel: object  # [1, 80, frames]
    audio: object  # [1, 1, samples]
    ids: object  # [1, phonemes]
    text_hidden: object
    m_p: object
    logs_p: object
    x_mask: object
    prior_latents: tuple = ()  # "dec-prior": z from joe's text prior, aligned to the audio


PRIOR_DRAWS = 2
PRIOR_NOISE = 0.667


def prior_latents(model, spec, m_p, logs_p, rng: np.random.Generator) -> tuple:
    """What synthesis would feed the decoder for this utterance's text, timed like the
    speaker's audio: monotonic alignment of the posterior latents to the text prior gives
    each phoneme its frames, then prior samples go through the reverse flow."""
    import torch

    with torch.no_grad():
        z, _, _, y_mask = model.enc_q(spec, torch.as_tensor([spec.size(2)]))
        z_p = model.flow(z, y_mask)
        attn = torch.from_numpy(maximum_path(prior_log_likelihood(z_p[0], m_p[0], logs_p[0])))
        mean = (attn @ m_p[0].T).T[None]
        scale = torch.exp((attn @ logs_p[0].T).T[None])
        draws = []
        for _ in range(PRIOR_DRAWS):
            eps = torch.from_numpy(rng.standard_normal(mean.shape).astype(np.float32))
            draws.append(model.flow(mean + eps * scale * PRIOR_NOISE, y_mask, reverse=True))
    return tuple(draws)


def prepare(model, item: TrainingItem, parts: str = "all",
            rng: np.random.Generator | None = None) -> PreparedItem:
    import torch

    from .spectra import linear_spectrogram, mel_spectrogram

    audio = torch.from_numpy(item.audio)[None]
    with torch.no_grad():
        spec = linear_spectrogram(audio)
        mel = mel_spectrogram(audio)
        x, m_p, logs_p, x_mask = model.enc_p(torch.as_tensor([item.ids]),
                                             torch.as_tensor([len(item.ids)]))
    latents = (prior_latents(model, spec, m_p, logs_p, rng or np.random.default_rng(SEED))
               if parts == "dec-prior" else ())
    return PreparedItem(spec=spec, mel=mel, audio=audio[:, None],
                        ids=torch.as_tensor([item.ids]), text_hidden=x, m_p=m_p,
                        logs_p=logs_p, x_mask=x_mask, prior_latents=latents)


def trainable_parameters(model, parts: str) -> list:
    modules = PARTS[parts]
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(name.split(".")[0] in modules)
    return [p for p in model.parameters() if p.requires_grad]


def parameter_groups(model, parts: str, learning_rate: float, flow_scale: float,
                     relative: bool = False) -> list[dict]:
    """The trainable parameters as optimiser groups: the flow's at `flow_scale` times the
    learning rate, the rest at it. `relative`: one group per tensor, its rate scaled by the
    tensor's RMS over the RMS of all trainable weights, so every tensor moves by about the
    same share of its own size (Adam moves each weight by about the rate per step whatever
    its scale: at 1e-4, 10k steps changed joe's first upsampling layer, RMS 0.008, by 99 %)."""
    trainable = {id(p) for p in trainable_parameters(model, parts)}
    flow = [p for p in model.flow.parameters() if id(p) in trainable]
    in_flow = {id(p) for p in flow}
    rest = [p for p in model.parameters() if id(p) in trainable and id(p) not in in_flow]
    groups = [{"params": rest, "lr": learning_rate},
              {"params": flow, "lr": learning_rate * flow_scale}]
    groups = [g for g in groups if g["params"]]
    if not relative:
        return groups
    weights = [p.detach() for g in groups for p in g["params"]]
    overall = float(sum(float((w ** 2).sum()) for w in weights)
                    / sum(w.numel() for w in weights)) ** 0.5
    floor = RELATIVE_FLOOR * overall
    return [{"params": [p], "lr": g["lr"] * max(float(p.detach().pow(2).mean()) ** 0.5, floor)
             / overall} for g in groups for p in g["params"]]


class StepLosses(NamedTuple):
    mel: object
    kl: object | None
    duration: object | None
    generated: object  # [segments, 1, samples]: the decoded slices
    real: object  # the same slices of the speaker's audio
    prior_mel: object | None = None  # the inference-path slices' mel L1 (prior_segments)
    prior_generated: object | None = None
    prior_real: object | None = None


def step_losses(model, item: PreparedItem, parts: str, rng: np.random.Generator,
                segment_frames: int = SEGMENT_FRAMES, segments: int = 1,
                prior_segments: int = 0) -> StepLosses:
    """The generator's losses for one utterance, with the audio they were scored on."""
    import torch
    from piper.train.vits.losses import kl_loss

    from .spectra import mel_spectrogram

    frames = item.spec.size(2)
    kl = duration = prior_z = None
    text_hidden, prior_mean, prior_log_scale, x_mask = (
        model.enc_p(item.ids, torch.as_tensor([item.ids.size(1)]))
        if "enc_p" in PARTS[parts] else (item.text_hidden, item.m_p, item.logs_p, item.x_mask))
    if item.prior_latents:
        z = item.prior_latents[int(rng.integers(len(item.prior_latents)))]
    else:
        with torch.set_grad_enabled("enc_q" in PARTS[parts]):
            z, m_q, logs_q, y_mask = model.enc_q(item.spec, torch.as_tensor([frames]))
    if "flow" in PARTS[parts]:
        z_p = model.flow(z, y_mask)
        attn = torch.from_numpy(maximum_path(prior_log_likelihood(
            z_p[0].detach(), prior_mean[0].detach(), prior_log_scale[0].detach())))
        m_p = (attn @ prior_mean[0].T).T[None]  # attn: [frames, phonemes]
        logs_p = (attn @ prior_log_scale[0].T).T[None]
        kl = kl_loss(z_p, logs_q, m_p, logs_p, y_mask)
        if prior_segments:
            eps = torch.from_numpy(rng.standard_normal(m_p.shape).astype(np.float32))
            prior_z = model.flow(m_p + eps * torch.exp(logs_p) * PRIOR_NOISE, y_mask,
                                 reverse=True)
        if "dp" in PARTS[parts]:
            w = attn.sum(0)[None, None]
            duration = torch.sum(model.dp(text_hidden, x_mask, w)) / torch.sum(x_mask)
    segment = min(segment_frames, frames)

    def decoded(latents, count: int) -> tuple:
        """`count` random slices of `latents` decoded: their mel L1, audio and real audio."""
        starts = [int(s) for s in rng.integers(0, frames - segment + 1, size=count)]
        audio = model.dec(torch.cat([latents[:, :, s:s + segment] for s in starts]))
        target_mel = torch.cat([item.mel[:, :, s:s + segment] for s in starts])
        mel = torch.nn.functional.l1_loss(mel_spectrogram(audio.squeeze(1)), target_mel)
        real = torch.cat([item.audio[:, :, s * HOP:(s + segment) * HOP] for s in starts])
        return mel, audio, real

    mel, audio, real = decoded(z, segments)
    if prior_z is None:
        return StepLosses(mel, kl, duration, audio, real)
    return StepLosses(mel, kl, duration, audio, real, *decoded(prior_z, prior_segments))


def fine_tune(model, items: Sequence[TrainingItem], config: FinetuneConfig,
              progress=None) -> FinetuneLog:
    """Train `model` in place on `items`; the frozen parts are left bit-identical."""
    import torch

    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    model.eval()  # no dropout, in the text encoder either (not tried with it)
    record = FinetuneLog()
    started, cpu_started = time.perf_counter(), time.process_time()
    prepared = [prepare(model, item, config.parts, rng) for item in items]
    record.prepare_seconds = time.perf_counter() - started
    record.prepare_cpu_seconds = time.process_time() - cpu_started
    groups = parameter_groups(model, config.parts, config.learning_rate,
                              config.flow_learning_rate_scale, config.relative_steps)
    parameters = [p for group in groups for p in group["params"]]
    optimiser = torch.optim.AdamW(groups, config.learning_rate, betas=(0.8, 0.99), eps=1e-9)
    adversarial = AdversarialTraining(config.adversarial) if config.adversarial else None
    started, cpu_started = time.perf_counter(), time.process_time()
    paused = paused_cpu = 0.0  # time spent in `progress` (e.g. scoring a snapshot)
    order: list[int] = []
    for step in range(config.steps):
        if not order:
            order = list(rng.permutation(len(prepared)))
        losses = step_losses(model, prepared[order.pop()], config.parts, rng,
                             config.segment_frames, config.segments, config.prior_segments)
        mel, kl = losses.mel, losses.kl
        loss = config.mel_weight * mel
        if losses.prior_mel is not None:
            loss = loss + config.mel_weight * losses.prior_mel
            record.prior_mel_loss.append(float(losses.prior_mel.detach()))
        if config.stft_weight:
            loss = loss + config.stft_weight * multi_resolution_stft_loss(losses.generated,
                                                                          losses.real)
        if kl is not None:
            loss = loss + kl
        if losses.duration is not None:
            loss = loss + losses.duration
        if adversarial is not None:
            judged = adversarial.config.segments
            real, generated = losses.real[:judged], losses.generated[:judged]
            if losses.prior_generated is not None:  # the inference path is judged too
                real = torch.cat([real, losses.prior_real])
                generated = torch.cat([generated, losses.prior_generated])
            record.discriminator_loss.append(adversarial.discriminator_step(real, generated))
            if step >= adversarial.config.warmup_steps:
                gan = adversarial.generator_loss(real, generated)
                record.generator_gan_loss.append(float(gan.detach()))
                loss = loss + gan
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 100.0)
        optimiser.step()
        record.steps = step + 1
        record.mel_loss.append(float(mel.detach()))
        record.kl_loss.append(float(kl.detach()) if kl is not None else float("nan"))
        record.seconds = time.perf_counter() - started - paused
        record.cpu_seconds = time.process_time() - cpu_started - paused_cpu
        if progress is not None:
            before, before_cpu = time.perf_counter(), time.process_time()
            progress(record)
            paused += time.perf_counter() - before
            paused_cpu += time.process_time() - before_cpu
        if record.steps % 50 == 0:
            log.info("fine-tuning step %d: mel L1 %.3f (%.0f s)", record.steps,
                     float(np.mean(record.mel_loss[-50:])), record.seconds)
        if config.seconds_budget is not None and record.seconds >= config.seconds_budget:
            break
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return record

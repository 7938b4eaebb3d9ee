"""The adversarial half of VITS training, sized for a CPU.

A HiFi-GAN style discriminator (the waveform-scale one plus period discriminators) is
trained alongside the generator: least-squares GAN losses plus feature matching, as
piper's VITS trains them. The joe ONNX file ships no discriminator weights, so it
starts from scratch; `warmup_steps` lets it learn real from generated audio before its
gradients reach the generator. It scores only the first `segments` decoded slices of
each step, since its convolutions cost more than the decoder itself on this CPU; `width`
below 1 swaps in the same layout with fewer channels (narrow_discriminator.py).
"""

from __future__ import annotations

from dataclasses import dataclass

PERIODS = (2, 3, 5)  # piper trains 2, 3, 5, 7, 11; the larger ones double the cost here
LEARNING_RATE = 2e-4  # piper's VITS default for both networks


@dataclass(frozen=True)
class AdversarialConfig:
    warmup_steps: int = 200  # discriminator-only steps before the generator sees it
    segments: int = 1  # decoded slices per step the discriminator judges
    learning_rate: float = LEARNING_RATE
    width: float = 1.0  # channel multiplier; 1: piper's own discriminator

    def __post_init__(self) -> None:
        from .narrow_discriminator import WIDTHS

        if self.warmup_steps < 0 or self.segments < 1:
            raise ValueError("adversarial warmup_steps must be >= 0 and segments >= 1")
        if self.width not in WIDTHS:
            raise ValueError(f"discriminator width must be one of {WIDTHS}")


def build_discriminator(width: float = 1.0):
    """piper's multi-period discriminator, cut to the waveform and `PERIODS` parts, or at
    `width` < 1 the narrow copy (initialised from torch's global generator, which
    fine_tune seeds)."""
    from piper.train.vits.models import MultiPeriodDiscriminator

    if width != 1.0:
        from .narrow_discriminator import build_narrow_discriminator

        return build_narrow_discriminator(PERIODS, width)

    discriminator = MultiPeriodDiscriminator()
    keep = 1 + len(PERIODS)  # piper's list is [scale, period 2, 3, 5, 7, 11]
    assert [d.period for d in discriminator.discriminators[1:keep]] == list(PERIODS)
    discriminator.discriminators = discriminator.discriminators[:keep]
    return discriminator


class AdversarialTraining:
    """One discriminator and its optimiser; the generator's side comes back as a loss."""

    def __init__(self, config: AdversarialConfig) -> None:
        import torch

        self.config = config
        self.discriminator = build_discriminator(config.width)
        self.optimiser = torch.optim.AdamW(self.discriminator.parameters(),
                                           config.learning_rate, betas=(0.8, 0.99),
                                           eps=1e-9)

    def discriminator_step(self, real, generated) -> float:
        """Teach the discriminator real from generated audio ([batch, 1, samples])."""
        from piper.train.vits.losses import discriminator_loss

        real_scores, fake_scores, _, _ = self.discriminator(real, generated.detach())
        loss, _, _ = discriminator_loss(real_scores, fake_scores)
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()
        return float(loss.detach())

    def generator_loss(self, real, generated):
        """Least-squares adversarial loss plus feature matching, for the generator."""
        from piper.train.vits.losses import feature_loss, generator_loss

        for parameter in self.discriminator.parameters():
            parameter.requires_grad_(False)
        _, fake_scores, real_maps, fake_maps = self.discriminator(real, generated)
        for parameter in self.discriminator.parameters():
            parameter.requires_grad_(True)
        adversarial, _ = generator_loss(fake_scores)
        return adversarial + feature_loss(real_maps, fake_maps)

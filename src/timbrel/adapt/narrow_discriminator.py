"""A narrower copy of the HiFi-GAN discriminator layout, for training on a CPU.

Same layers as piper's multi-period discriminator (a waveform-scale part and one part per
period, strided convolutions, leaky ReLU, every layer's output kept for feature matching),
with every channel count and group count multiplied by `width`. Measured on this 2-core
machine (benchmarks/adaptation_step.py): piper's full-width discriminator took half of
each fine-tuning step; its two widest layers (512 -> 1024 -> 1024 channels) cost most, and
at width 1/4 they cost 1/16.
"""

from __future__ import annotations

PERIOD_CHANNELS = (32, 128, 512, 1024, 1024)  # piper's period part
SCALE_LAYERS = (  # piper's waveform part: (channels out, kernel, stride, groups)
    (16, 15, 1, 1), (64, 41, 4, 4), (256, 41, 4, 16), (1024, 41, 4, 64),
    (1024, 41, 4, 256), (1024, 5, 1, 1))
WIDTHS = (1.0, 0.5, 0.25, 0.125)
LEAK = 0.1


def scaled(count: int, width: float) -> int:
    return max(1, int(count * width))


def build_narrow_discriminator(periods: tuple[int, ...], width: float):
    """A torch module with piper's MultiPeriodDiscriminator interface:
    forward(real, generated) -> (real scores, generated scores, real maps, generated maps)."""
    import torch
    from torch import nn
    from torch.nn.utils.parametrizations import weight_norm

    if width not in WIDTHS:
        raise ValueError(f"discriminator width must be one of {WIDTHS}, not {width}")

    class Part(nn.Module):
        def __init__(self, convs: list, post, period: int | None) -> None:
            super().__init__()
            self.convs = nn.ModuleList(weight_norm(c) for c in convs)
            self.post = weight_norm(post)
            self.period = period

        def forward(self, audio):
            if self.period is not None:  # [batch, 1, samples] -> [batch, 1, rows, period]
                batch, channels, length = audio.shape
                if length % self.period:
                    pad = self.period - length % self.period
                    audio = nn.functional.pad(audio, (0, pad), "reflect")
                    length += pad
                audio = audio.view(batch, channels, length // self.period, self.period)
            maps = []
            for conv in self.convs:
                audio = nn.functional.leaky_relu(conv(audio), LEAK)
                maps.append(audio)
            audio = self.post(audio)
            maps.append(audio)
            return torch.flatten(audio, 1, -1), maps

    def period_part(period: int) -> Part:
        convs, channels = [], 1
        for index, out in enumerate(PERIOD_CHANNELS):
            out = scaled(out, width)
            stride = 3 if index < len(PERIOD_CHANNELS) - 1 else 1
            convs.append(nn.Conv2d(channels, out, (5, 1), (stride, 1), padding=(2, 0)))
            channels = out
        return Part(convs, nn.Conv2d(channels, 1, (3, 1), 1, padding=(1, 0)), period)

    def scale_part() -> Part:
        convs, channels = [], 1
        for out, kernel, stride, groups in SCALE_LAYERS:
            out = scaled(out, width)
            convs.append(nn.Conv1d(channels, out, kernel, stride, groups=scaled(groups, width),
                                   padding=kernel // 2))
            channels = out
        return Part(convs, nn.Conv1d(channels, 1, 3, 1, padding=1), None)

    class NarrowDiscriminator(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.discriminators = nn.ModuleList([scale_part(), *map(period_part, periods)])

        def forward(self, real, generated):
            scores_real, scores_generated, maps_real, maps_generated = [], [], [], []
            for part in self.discriminators:
                score, maps = part(real)
                scores_real.append(score)
                maps_real.append(maps)
                score, maps = part(generated)
                scores_generated.append(score)
                maps_generated.append(maps)
            return scores_real, scores_generated, maps_real, maps_generated

    return NarrowDiscriminator()

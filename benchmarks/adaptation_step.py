"""Seconds per fine-tuning step, and where they go, for the settings adaptation.py compares.

Trains `--steps` steps of each setting on the first minute of the Allison training prompts
(parts "all", lr 1e-4, one torch thread as in the side-by-side runs) from the same start,
and times the discriminator's own update apart from the rest.

    PYTHONPATH=src python benchmarks/adaptation_step.py --steps 20
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SETTINGS = (  # label, discriminator width (None: none), slices it judges, config changes
    ("no discriminator", None, 1, {}),
    ("discriminator width 1 (piper's)", 1.0, 1, {}),
    ("discriminator width 0.5", 0.5, 1, {}),
    ("discriminator width 0.25", 0.25, 1, {}),
    ("width 0.25 + 1 prior-path slice", 0.25, 1, {"prior_segments": 1}),
    ("width 0.25 judging all 4 slices", 0.25, 4, {}),
    ("width 0.25 + multi-resolution STFT loss", 0.25, 1, {"stft_weight": 1.0}),
    ("width 0.25 + relative steps", 0.25, 1, {"relative_steps": True}),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="training speech (s)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING)

    import torch

    from adaptation import allison_clips
    from timbrel.adapt import discriminator
    from timbrel.adapt.dataset import build_items
    from timbrel.adapt.finetune import FinetuneConfig, fine_tune
    from timbrel.adapt.posterior import cached_posterior
    from timbrel.adapt.vits_model import joe_model, joe_paths
    from timbrel.engines.builtin.piper_model import PiperModel

    torch.set_num_threads(1)
    piper = PiperModel()
    clips, texts = allison_clips(args.seconds)
    model, _ = joe_model()
    cached_posterior(model, joe_paths()[0], piper.phonemize, piper.phoneme_ids)
    items = build_items(clips, piper.phonemize, piper.phoneme_ids, texts)
    start = {name: value.clone() for name, value in model.state_dict().items()}

    timed = discriminator.AdversarialTraining.discriminator_step
    spent = [0.0]

    def discriminator_step(self, real, generated) -> float:
        before = time.perf_counter()
        try:
            return timed(self, real, generated)
        finally:
            spent[0] += time.perf_counter() - before

    discriminator.AdversarialTraining.discriminator_step = discriminator_step
    print(f"{len(items)} pieces, {args.steps} steps each, 1 thread\n")
    print("| setting | s / step | discriminator update, s / step | mel L1, last 5 steps |")
    print("|---|---|---|---|")
    for label, width, judged, changes in SETTINGS:
        model.load_state_dict(start)
        spent[0] = 0.0
        adversarial = (None if width is None else discriminator.AdversarialConfig(
            warmup_steps=2, width=width, segments=judged))
        config = FinetuneConfig(steps=args.steps, parts="all", learning_rate=1e-4, threads=1,
                                adversarial=adversarial, **changes)
        record = fine_tune(model, items, config)
        print(f"| {label} | {record.seconds / record.steps:.2f} "
              f"| {spent[0] / record.steps:.2f} "
              f"| {sum(record.mel_loss[-5:]) / 5:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Which modules of the joe model fine-tuning trains, by the name the CLI and benchmark use.

Kept free of heavy imports so the command line can offer the names without loading torch.
"""

from __future__ import annotations

PARTS: dict[str, tuple[str, ...]] = {
    "dec-prior": ("dec",),  # the decoder on the latents joe's prior path gives, aligned
    "dec": ("dec",),
    "flow+dec": ("flow", "dec"),
    # the decoder stays joe's trained vocoder: the posterior encoder learns latents it
    # turns into the speaker's mel, the flow learns to map them to the text prior
    "latent": ("enc_q", "flow"),
    "all": ("enc_q", "flow", "dec"),
    "all+dp": ("enc_q", "flow", "dec", "dp"),
    # everything synthesis runs, the text encoder too (as piper's own fine-tuning does):
    # the text prior may move toward the speaker instead of the flow bridging the gap alone
    # (measured on 10 min of Allison, 2 h: GE2E as "all", WER 45 % against 28 %)
    "full": ("enc_p", "enc_q", "flow", "dec", "dp"),
}

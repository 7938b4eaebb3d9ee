"""Where a fine-tuned voice loses words: unseen Allison prompts through each path of the model.

For each prompt the training never saw (past the first `--seconds` of training speech),
with the bundled Whisper's transcript of the real clip as its text:

- posterior: the decoder on the posterior encoder's latents of her own spectrogram
  (what training's mel loss scores: decoder and posterior encoder alone);
- prior, her timing: the text prior aligned to her audio (monotonic alignment search),
  sampled at noise 0.667, through the reverse flow, decoded (adds the flow and prior);
- prior, own timing: synthesis as the product runs it (adds the duration predictor).

Each is scored by WER against that transcript (the real clip scores 0 by construction),
GE2E similarity to the centroid of the real clips (the real row leaves its own clip out)
and the mean frame-to-frame MFCC change (mfcc_disagreement.py). Rows for the base model
(joe with the warmed-up posterior encoder) and each stored adapted voice, whose posterior
encoder adaptation.py keeps beside it (`<steps>.posterior.pt`).

    PYTHONPATH=src python benchmarks/adaptation_paths.py \
        benchmarks/results/cache/adapted/<point>/<steps>.tvoice ...
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from adaptation import (  # noqa: E402
    ALLISON_DIR,
    allison_clips,
    allison_training_prompts,
    allison_transcripts,
    decode_g722,
    trim_silence,
)
from mfcc_disagreement import movement  # noqa: E402

PATHS = ("posterior", "prior, her timing", "prior, own timing")


def unseen_prompts(seconds: float, count: int) -> list[tuple[np.ndarray, int, str]]:
    """The first `count` training-order prompts after the first `seconds` of training
    speech that training would use (at least MIN_PIECE_SECONDS, words heard), with their
    transcripts."""
    from timbrel.adapt.dataset import MIN_PIECE_SECONDS

    used = len(allison_clips(seconds)[0])
    names = allison_training_prompts()[used:]
    texts = allison_transcripts(names)
    prompts = []
    for name in names:
        samples, rate = decode_g722(ALLISON_DIR / f"{name}.g722")
        samples = trim_silence(samples, rate)
        # 20 % spare: build_items trims silence again and drops pieces under the minimum
        if len(samples) >= MIN_PIECE_SECONDS * rate * 1.2 and texts[name].strip():
            prompts.append((samples, rate, texts[name]))
        if len(prompts) == count:
            break
    return prompts


def model_for(voice_path: Path | None, piper):
    """joe with the warmed-up posterior encoder, or an adapted voice's model and its own
    posterior encoder; with the voice (None for the base). `piper`: the joe PiperModel."""
    import torch

    from timbrel.adapt.delta import apply_delta, from_params
    from timbrel.adapt.posterior import cached_posterior
    from timbrel.adapt.vits_model import joe_model, joe_paths
    from timbrel.voice import Voice

    model, _ = joe_model()
    if voice_path is None:
        cached_posterior(model, joe_paths()[0], piper.phonemize, piper.phoneme_ids)
        return model, None
    voice = Voice.load(voice_path)
    apply_delta(model, from_params(voice.params))
    posterior = voice_path.with_name(f"{voice_path.stem}.posterior.pt")
    if not posterior.is_file():
        raise SystemExit(f"{posterior} is missing: only runs since adaptation.py kept the "
                         "posterior encoder can be diagnosed")
    model.enc_q.load_state_dict(torch.load(posterior, weights_only=True))
    return model, voice


def path_outputs(model, voice, prompts, base_voice, piper
                 ) -> dict[str, list[tuple[np.ndarray, int]]]:
    """Every prompt through each of PATHS."""
    import torch

    import timbrel
    from timbrel.adapt.dataset import build_items
    from timbrel.adapt.finetune import prepare
    from timbrel.adapt.vits_model import SAMPLE_RATE, SEED

    torch.manual_seed(SEED)
    outputs: dict[str, list[tuple[np.ndarray, int]]] = {path: [] for path in PATHS}
    for index, (samples, rate, text) in enumerate(prompts):
        item = build_items([(samples, rate)], piper.phonemize, piper.phoneme_ids, [text])[0]
        prepared = prepare(model, item, "dec-prior", np.random.default_rng([SEED, index]))
        with torch.no_grad():
            z, _, _, _ = model.enc_q(prepared.spec, torch.as_tensor([prepared.spec.size(2)]))
            for path, latent in (("posterior", z), ("prior, her timing",
                                                    prepared.prior_latents[0])):
                outputs[path].append((model.dec(latent).reshape(-1).numpy(), SAMPLE_RATE))
        if voice is None:
            outputs["prior, own timing"].append((base_voice.synthesize(text), base_voice.rate))
        else:
            outputs["prior, own timing"].append(timbrel.synthesize_to_array(
                text, voice, timbrel.SynthesisConfig(seed=index)))
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("voices", nargs="*", type=Path, help="stored adapted voices")
    parser.add_argument("--seconds", type=float, default=600.0,
                        help="the training speech the voices had (prompts past it are unseen)")
    parser.add_argument("--prompts", type=int, default=12)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    from cloning import BaseVoice, Measures, centroid, cosine
    from timbrel.engines import get_engine
    from timbrel.speaker_encoder import ge2e_embedding

    prompts = unseen_prompts(args.seconds, args.prompts)
    real = [ge2e_embedding(s, r) for s, r, _ in prompts]
    base_voice = BaseVoice(get_engine("builtin"))

    def row(label: str, clips: list[tuple[np.ndarray, int]], real_clips: bool = False) -> str:
        heard = [(0.0, text) if real_clips else Measures.wer(text, s, r)
                 for (s, r), (_, _, text) in zip(clips, prompts, strict=True)]
        wer = [w for w, _ in heard]
        ge2e = [cosine(ge2e_embedding(s, r), centroid(real, i if real_clips else None))
                for i, (s, r) in enumerate(clips)]
        motion = [movement(s, r) for s, r in clips]
        worst = int(np.argmax(wer))
        return (f"| {label} | {100 * np.mean(wer):.1f} % | {100 * np.median(wer):.1f} % "
                f"| {np.mean(ge2e):.3f} | {np.mean(motion):.2f} | {heard[worst][1][:60]} |")

    print(f"{len(prompts)} unseen Allison prompts\n")
    print("| model, path | WER (mean) | WER (median) | GE2E similarity to her "
          "| frame-to-frame MFCC change | worst clip heard as |")
    print("|---|---|---|---|---|---|")
    print(row("Allison, real clip", [(s, r) for s, r, _ in prompts], real_clips=True),
          flush=True)
    for voice_path in [None, *args.voices]:
        model, voice = model_for(voice_path, base_voice.model)
        label = "base (joe)" if voice_path is None else "/".join(voice_path.parts[-2:])
        for path, clips in path_outputs(model, voice, prompts, base_voice,
                                        base_voice.model).items():
            print(row(f"{label}, {path}", clips), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

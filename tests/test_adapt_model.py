"""The PyTorch copy of the joe voice reproduces the bundled ONNX graph sample for sample."""

from __future__ import annotations

import numpy as np
import pytest

from timbrel.adapt.inference import synthesize
from timbrel.adapt.vits_model import joe_model
from timbrel.engines.builtin.piper_model import FRAMES_PER_ID, PiperModel, PiperScales


@pytest.fixture(scope="module")
def piper() -> PiperModel:
    return PiperModel()


@pytest.fixture(scope="module")
def torch_joe():
    return joe_model()


def test_every_inference_tensor_comes_from_the_onnx_file(torch_joe):
    _, report = torch_joe
    assert len(report.loaded) == 350
    # only training-time parts start random: the posterior encoder, the duration
    # predictor's posterior flows, and the flow the exported reverse pass never runs
    assert all(name.startswith(("enc_q.", "dp.post_", "dp.flows.1.")) for name in report.missing)


@pytest.mark.parametrize("text,seed,scales", [
    ("The small pup gnawed a hole in the sock.", 0, PiperScales()),
    ("Her purse was full of useless trash!", 7, PiperScales(noise=0.3, length=1.3, noise_w=0.5)),
])
def test_torch_model_matches_onnxruntime(piper, torch_joe, text, seed, scales):
    model, _ = torch_joe
    ids = piper.phoneme_ids(piper.phonemize(text)[0])
    rng = np.random.default_rng(seed)
    noise_duration = rng.standard_normal((1, 2, len(ids))).astype(np.float32)
    frames = int(len(ids) * FRAMES_PER_ID * max(1.0, scales.length)) + 64
    noise_latent = rng.standard_normal((1, 192, frames)).astype(np.float32)
    expected, widths = piper.synthesize_aligned(ids, scales, np.random.default_rng(seed))
    audio, frames_per_id = synthesize(model, ids, scales.noise, scales.length, scales.noise_w,
                                      noise_duration, noise_latent)
    assert np.array_equal(frames_per_id * 256, widths)
    assert audio.shape == expected.shape
    assert np.max(np.abs(audio - expected)) <= 1e-3
    assert np.max(np.abs(expected)) > 0.1  # real speech, not silence matching silence


def test_weight_delta_in_the_onnx_graph_matches_the_torch_model(piper):
    """A delta applied to the ONNX initialisers (what the engine runs) gives what the
    PyTorch model with the same delta gives, including the folded and anonymous tensors."""
    from timbrel.adapt.delta import apply_delta

    model, _ = joe_model()
    state = model.state_dict()
    rng = np.random.default_rng(5)
    names = ["dec.conv_pre.weight", "dec.ups.0.weight", "flow.flows.0.enc.in_layers.1.weight",
             "flow.flows.6.post.bias", "dp.flows.0.logs", "dp.proj.weight",
             "enc_p.emb.weight", "enc_p.encoder.attn_layers.2.conv_k.weight",
             "enc_p.encoder.attn_layers.0.emb_rel_k", "enc_p.proj.bias"]
    delta = {name: (0.05 * rng.standard_normal(tuple(state[name].shape))
                    * float(state[name].abs().mean() + 1e-3)).astype(np.float16)
             for name in names}
    apply_delta(model, delta)
    adapted = PiperModel(weight_delta=delta)
    ids = piper.phoneme_ids(piper.phonemize("Smoky fires lack flame and heat.")[0])
    expected, widths = adapted.synthesize_aligned(ids, PiperScales(), np.random.default_rng(3))
    base, _ = piper.synthesize_aligned(ids, PiperScales(), np.random.default_rng(3))
    rng = np.random.default_rng(3)
    noise_duration = rng.standard_normal((1, 2, len(ids))).astype(np.float32)
    noise_latent = rng.standard_normal((1, 192, len(ids) * FRAMES_PER_ID + 64)).astype(np.float32)
    audio, frames_per_id = synthesize(model, ids, 0.667, 1.0, 0.8, noise_duration, noise_latent)
    assert np.array_equal(frames_per_id * 256, widths)
    assert np.max(np.abs(audio - expected)) <= 1e-3
    length = min(len(base), len(expected))
    assert np.max(np.abs(base[:length] - expected[:length])) > 1e-2  # the delta did something

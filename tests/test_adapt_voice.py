"""Fine-tuning a voice for real on a tiny budget: it changes the voice, and the adapted voice
survives a save/load round trip bit for bit (delta, conversion and synthesis)."""

from __future__ import annotations

import numpy as np
import pytest

import timbrel
from conftest import REFERENCE_TRANSCRIPT
from timbrel.adapt.delta import from_params
from timbrel.adapt.finetune import FinetuneConfig, step_cap
from timbrel.adapt.voice_adaptation import adapt_voice, is_adapted
from timbrel.voice import Voice

TEXT = "The wide road shimmered in the hot sun."


@pytest.fixture(scope="module")
def adapted(voice):
    config = FinetuneConfig(steps=3, parts="dec", learning_rate=3e-4)
    return adapt_voice(voice, [(voice.reference, voice.reference_rate)],
                       [REFERENCE_TRANSCRIPT], config, warmup_steps=2)


def test_adapting_changes_only_the_decoder_and_records_it(voice, adapted):
    new, report = adapted
    assert not is_adapted(voice) and is_adapted(new)
    delta = from_params(new.params)
    assert delta and all(name.startswith("dec.") for name in delta)
    assert all(array.dtype == np.float16 for array in delta.values())
    assert report.training.steps == 3 and new.params["adapt_steps"] == 3
    assert new.params["adapt_parts"] == "dec"
    assert "phoneme_labels" not in new.params  # measured against joe, not the adapted model
    assert new.transcript == voice.transcript and new.id != voice.id


def test_adapted_voice_speaks_differently(voice, adapted):
    config = timbrel.SynthesisConfig(seed=1)
    before, _ = timbrel.synthesize_to_array(TEXT, voice, config)
    after, _ = timbrel.synthesize_to_array(TEXT, adapted[0], config)
    assert np.max(np.abs(after)) > 0.05  # still speech
    length = min(len(before), len(after))
    assert not np.allclose(before[:length], after[:length], atol=1e-3)


def test_saved_adapted_voice_synthesises_identically(adapted, tmp_path):
    voice = adapted[0]
    loaded = Voice.load(voice.save(tmp_path / "adapted.tvoice"))
    assert loaded.id == voice.id
    for name, array in from_params(voice.params).items():
        assert np.array_equal(from_params(loaded.params)[name], array)
    config = timbrel.SynthesisConfig(seed=2)
    first, _ = timbrel.synthesize_to_array(TEXT, voice, config)
    second, _ = timbrel.synthesize_to_array(TEXT, loaded, config)
    assert np.array_equal(first, second)


def test_only_english_builtin_voices_adapt(voice):
    with pytest.raises(ValueError, match="conversion must be one of"):
        adapt_voice(voice, [(voice.reference, voice.reference_rate)], conversion="magic")


def test_latent_training_keeps_the_decoder_and_snapshots_the_voice_on_the_way(voice):
    seen, posteriors = [], []
    config = FinetuneConfig(steps=3, parts="latent", learning_rate=3e-4, threads=1)
    new, report = adapt_voice(voice, [(voice.reference, voice.reference_rate)],
                              [REFERENCE_TRANSCRIPT], config, warmup_steps=2,
                              snapshot=lambda v, record: seen.append((v, record.steps)),
                              snapshot_seconds=[0.0],
                              keep_posterior=lambda state, steps: posteriors.append(
                                  ({k: v.clone() for k, v in state.items()}, steps)))
    delta = from_params(new.params)
    assert delta and all(name.startswith("flow.") for name in delta)
    assert [steps for _, steps in seen] == [1] and is_adapted(seen[0][0])
    assert report.training.steps == 3
    assert [steps for _, steps in posteriors] == [1, 3]  # the snapshot's, then the end's
    (first, _), (last, _) = posteriors
    assert any((first[k] != last[k]).any() for k in first)  # the posterior encoder trained


def test_full_training_moves_the_text_encoder_and_the_adapted_voice_still_speaks(voice):
    config = FinetuneConfig(steps=2, parts="full", learning_rate=3e-4, threads=1)
    new, _ = adapt_voice(voice, [(voice.reference, voice.reference_rate)],
                         [REFERENCE_TRANSCRIPT], config, warmup_steps=2)
    modules = {name.split(".")[0] for name in from_params(new.params)}
    assert modules == {"enc_p", "flow", "dec", "dp"}  # the posterior encoder is not kept
    samples, _ = timbrel.synthesize_to_array(TEXT, new, timbrel.SynthesisConfig(seed=1))
    assert np.max(np.abs(samples)) > 0.05


def test_adversarial_training_trains_a_discriminator_and_feeds_it_after_the_warmup(voice):
    from timbrel.adapt.discriminator import AdversarialConfig

    config = FinetuneConfig(steps=3, parts="dec", learning_rate=3e-4, threads=1,
                            adversarial=AdversarialConfig(warmup_steps=1))
    new, report = adapt_voice(voice, [(voice.reference, voice.reference_rate)],
                              [REFERENCE_TRANSCRIPT], config, warmup_steps=2)
    training = report.training
    assert len(training.discriminator_loss) == 3  # judged every step
    assert len(training.generator_gan_loss) == 2  # reached the generator after step 1
    assert all(np.isfinite(training.discriminator_loss + training.generator_gan_loss))
    delta = from_params(new.params)
    assert delta and all(name.startswith("dec.") for name in delta)  # no discriminator kept


def test_adversarial_training_needs_a_trainable_decoder():
    from timbrel.adapt.discriminator import AdversarialConfig

    with pytest.raises(ValueError, match="freezes it"):
        FinetuneConfig(parts="latent", adversarial=AdversarialConfig())


def test_prior_path_slices_are_scored_and_judged_and_train_the_flow(voice):
    from timbrel.adapt.discriminator import AdversarialConfig

    config = FinetuneConfig(steps=2, parts="flow+dec", learning_rate=3e-4, threads=1,
                            prior_segments=1, adversarial=AdversarialConfig(warmup_steps=0))
    new, report = adapt_voice(voice, [(voice.reference, voice.reference_rate)],
                              [REFERENCE_TRANSCRIPT], config, warmup_steps=2)
    assert len(report.training.prior_mel_loss) == 2
    assert all(np.isfinite(report.training.prior_mel_loss))
    assert {name.split(".")[0] for name in from_params(new.params)} == {"flow", "dec"}


def test_the_flow_gets_its_own_learning_rate():
    from timbrel.adapt.finetune import parameter_groups
    from timbrel.adapt.vits_model import build_model

    model = build_model()
    groups = parameter_groups(model, "all", 1e-4, 4.0)
    assert [g["lr"] for g in groups] == [1e-4, 4e-4]
    flow = {id(p) for p in model.flow.parameters()}
    assert {id(p) for p in groups[1]["params"]} == flow
    assert not flow & {id(p) for p in groups[0]["params"]}
    assert len(parameter_groups(model, "dec", 1e-4, 4.0)) == 1  # no flow: one group


def test_relative_steps_give_each_tensor_a_rate_in_proportion_to_its_size():
    from timbrel.adapt.finetune import parameter_groups
    from timbrel.adapt.vits_model import joe_model

    model, _ = joe_model()
    groups = parameter_groups(model, "all", 1e-4, 2.0, relative=True)
    names = {id(p): name for name, p in model.named_parameters()}
    rate = {names[id(g["params"][0])]: g["lr"] for g in groups}
    assert all(len(g["params"]) == 1 for g in groups)
    assert len(rate) == sum(1 for p in model.parameters() if p.requires_grad)
    state = model.state_dict()

    def rms(name: str) -> float:
        return float(state[name].pow(2).mean()) ** 0.5

    small, large = "dec.ups.0.weight", "dec.resblocks.0.convs.0.weight"
    assert rms(small) < rms(large) / 5
    assert rate[small] / rate[large] == pytest.approx(rms(small) / rms(large), rel=1e-4)
    flow = "flow.flows.0.enc.in_layers.0.weight"  # the flow's rates keep their scale
    assert rate[flow] / rate[large] == pytest.approx(2 * rms(flow) / rms(large), rel=1e-4)


def test_a_time_budget_alone_is_not_cut_short_by_the_default_step_count():
    assert step_cap(None, None, 300) == 300
    assert step_cap(None, 600.0, 300) > 100_000  # ten minutes at any measured speed
    assert step_cap(50, 600.0, 300) == 50  # both given: whichever comes first


def test_prior_path_slices_need_a_trainable_flow_and_decoder():
    with pytest.raises(ValueError, match="freezes one"):
        FinetuneConfig(parts="dec", prior_segments=1)


def test_a_narrow_discriminator_has_piper_s_layout_with_fewer_channels():
    import torch

    from timbrel.adapt.discriminator import PERIODS, AdversarialConfig, build_discriminator

    torch.manual_seed(0)
    full, narrow = build_discriminator(1.0), build_discriminator(0.25)
    real, generated = torch.randn(2, 1, 8192) * 0.1, torch.randn(2, 1, 8192) * 0.1
    for scores_real, scores_fake, maps_real, _ in (full(real, generated),
                                                           narrow(real, generated)):
        assert len(scores_real) == len(scores_fake) == 1 + len(PERIODS)
        assert [len(m) for m in maps_real] == [7, *[6] * len(PERIODS)]
        assert all(s.shape[0] == 2 for s in scores_fake)
    _, _, full_maps, _ = full(real, generated)
    _, _, narrow_maps, _ = narrow(real, generated)
    for full_part, narrow_part in zip(full_maps, narrow_maps, strict=True):
        for a, b in zip(full_part[:-1], narrow_part[:-1], strict=True):
            assert b.shape[1] * 4 == a.shape[1] and b.shape[2:] == a.shape[2:]
    count = [sum(p.numel() for p in d.parameters()) for d in (full, narrow)]
    assert count[1] < count[0] / 12
    with pytest.raises(ValueError, match="width"):
        AdversarialConfig(width=0.3)


def test_mel_and_stft_weights_set_their_losses_against_the_adversarial_ones(voice):
    from timbrel.adapt.discriminator import AdversarialConfig

    with pytest.raises(ValueError, match="mel weight must be positive"):
        FinetuneConfig(mel_weight=0.0)
    with pytest.raises(ValueError, match="STFT weight"):
        FinetuneConfig(stft_weight=-1.0)

    def trained(mel_weight: float, stft_weight: float = 0.0) -> dict:
        config = FinetuneConfig(steps=2, parts="dec", learning_rate=3e-4, threads=1,
                                mel_weight=mel_weight, stft_weight=stft_weight,
                                adversarial=AdversarialConfig(warmup_steps=0, width=0.125))
        new, _ = adapt_voice(voice, [(voice.reference, voice.reference_rate)],
                             [REFERENCE_TRANSCRIPT], config, warmup_steps=2)
        return from_params(new.params)

    piper_s, again, light = trained(45.0), trained(45.0), trained(1.0)
    assert all(np.array_equal(piper_s[k], again[k]) for k in piper_s)  # deterministic
    assert any(not np.array_equal(piper_s[k], light[k]) for k in piper_s)
    with_stft = trained(45.0, stft_weight=5.0)  # the STFT loss reaches the decoder too
    assert any(not np.array_equal(piper_s[k], with_stft[k]) for k in piper_s)


def test_a_scaled_delta_lies_between_joe_and_the_adapted_model(adapted):
    from timbrel.adapt.delta import scaled_params

    params = adapted[0].params
    half, none = scaled_params(params, 0.5), scaled_params(params, 0.0)
    for name, array in from_params(params).items():
        assert np.allclose(from_params(half)[name], array.astype(np.float32) * 0.5, atol=1e-3)
        assert not from_params(none)[name].any()
    assert half["adapt_steps"] == params["adapt_steps"]  # the record is kept
    with pytest.raises(ValueError, match="delta scale"):
        scaled_params(params, -1.0)


def test_a_delta_can_keep_only_some_modules():
    from timbrel.adapt.delta import scaled_params

    params = {"adapt.dec.ups.0.weight": np.ones(3, np.float16),
              "adapt.flow.flows.0.post.bias": np.ones(2, np.float16), "adapt_steps": 3}
    kept = scaled_params(params, 1.0, ["dec"])
    assert set(from_params(kept)) == {"dec.ups.0.weight"} and kept["adapt_steps"] == 3
    assert set(from_params(scaled_params(params, 1.0, ["flow.flows", "dec.ups.1"]))) == {
        "flow.flows.0.post.bias"}
    with pytest.raises(ValueError, match="unknown modules"):
        scaled_params(params, 1.0, ["decoder"])


def test_the_stft_loss_grows_as_a_burst_is_blurred():
    import torch

    from timbrel.adapt.stft_loss import RESOLUTIONS, multi_resolution_stft_loss

    rng = np.random.default_rng(0)
    samples, start = 8192, 4000
    floor = 1e-3 * rng.standard_normal(samples).astype(np.float32)
    burst = rng.standard_normal(44).astype(np.float32) * 0.5  # 2 ms at 22.05 kHz

    def with_burst(spread: int) -> torch.Tensor:  # the same energy over `spread` x 2 ms
        audio = floor.copy()
        audio[start:start + 44 * spread] += np.repeat(burst, spread) / np.sqrt(spread)
        return torch.from_numpy(audio)[None, None]

    real = with_burst(1)
    assert float(multi_resolution_stft_loss(real, real)) == pytest.approx(0.0, abs=1e-6)
    losses = [float(multi_resolution_stft_loss(with_burst(n), real, RESOLUTIONS[:1]))
              for n in (2, 4, 10)]
    assert 0 < losses[0] < losses[1] < losses[2]
    generated = with_burst(10).requires_grad_(True)
    multi_resolution_stft_loss(generated, real).backward()
    assert float(generated.grad.abs().sum()) > 0

"""`timbrel voice adapt` through the CLI runner, with a real (tiny) training run."""

from __future__ import annotations

import json

import pytest

from conftest import REFERENCE_TRANSCRIPT
from timbrel.cli import ExitCode, main


@pytest.fixture
def lib(tmp_path):
    return ["--library", str(tmp_path / "lib")]


def test_quick_adapt_then_speak(human_reference, tmp_path, lib, capsys):
    assert main(["voice", "add", "ann", str(human_reference), "--transcript",
                 REFERENCE_TRANSCRIPT, "--consent", "test", *lib]) == 0
    capsys.readouterr()
    assert main(["voice", "adapt", "ann", "--quick", "--steps", "2", "--parts", "dec-prior",
                 "--warmup-steps", "2", *lib]) == 0
    out = capsys.readouterr().out
    assert "adapted voice 'ann'" in out and "2 steps" in out
    # this clip's median pitch put it on heart; fine-tuning trains joe, so it moved
    assert "moved from the heart engine to builtin" in out
    assert main(["voice", "show", "ann", *lib]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"] == "ann" and shown["engine"].startswith("builtin")
    wav = tmp_path / "adapted.wav"
    assert main(["say", "--voice", "ann", "--text", "Good morning.", "-o", str(wav), *lib]) == 0
    assert wav.stat().st_size > 1000


def test_adapt_needs_audio_or_quick(human_reference, lib, capsys):
    assert main(["voice", "add", "bob", str(human_reference), "--transcript", "x",
                 "--consent", "test", *lib]) == 0
    capsys.readouterr()
    assert main(["voice", "adapt", "bob", *lib]) == ExitCode.BAD_INPUT
    assert "--quick" in capsys.readouterr().err  # errors go to stderr
    assert main(["voice", "adapt", "bob", "--quick", "--steps", "0", *lib]) == ExitCode.BAD_INPUT
    assert main(["voice", "adapt", "nobody", "--quick", *lib]) != 0
    capsys.readouterr()
    assert main(["voice", "adapt", "bob", "--quick", "--parts", "latent", "--adversarial",
                 *lib]) == ExitCode.BAD_INPUT
    assert "adversarial training needs a trainable decoder" in capsys.readouterr().err
    assert main(["voice", "adapt", "bob", "--quick", "--learning-rate", "0",
                 *lib]) == ExitCode.BAD_INPUT
    assert "learning rate must be positive" in capsys.readouterr().err


def test_adapt_with_a_narrow_discriminator_and_own_learning_rate(human_reference, lib, capsys):
    assert main(["voice", "add", "cy", str(human_reference), "--transcript",
                 REFERENCE_TRANSCRIPT, "--consent", "test", *lib]) == 0
    capsys.readouterr()
    assert main(["voice", "adapt", "cy", "--quick", "--steps", "2", "--parts", "dec",
                 "--adversarial", "--discriminator-width", "0.25", "--learning-rate", "1e-4",
                 "--warmup-steps", "2", *lib]) == 0
    assert "adapted voice 'cy'" in capsys.readouterr().out

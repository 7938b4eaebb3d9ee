"""The CLI through `main(argv)`, with a real engine and a temporary library."""

import json
import subprocess
import sys

import pytest
import soundfile

from conftest import ALSA_SHORT, REFERENCE_TRANSCRIPT
from timbrel.cli import ExitCode, main


@pytest.fixture
def lib(tmp_path):
    return ["--library", str(tmp_path / "lib")]


def test_say_from_reference(human_reference, tmp_path, capsys):
    out = tmp_path / "out.wav"
    code = main(["say", "--ref", str(human_reference), "--transcript", REFERENCE_TRANSCRIPT,
                 "--text", "Dinner is ready.", "-o", str(out)])
    assert code == ExitCode.OK
    assert soundfile.info(str(out)).duration > 0.5
    assert "real-time factor" in capsys.readouterr().out


def test_voice_lifecycle(human_reference, tmp_path, lib, capsys):
    assert main(["voice", "add", "mom", str(human_reference), "--transcript",
                 REFERENCE_TRANSCRIPT, "--consent", "recorded with her permission", *lib]) == 0
    assert main(["voice", "list", *lib]) == 0
    assert "mom" in capsys.readouterr().out
    assert main(["voice", "show", "mom", *lib]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["consent"] == "recorded with her permission"
    out = tmp_path / "from_voice.flac"
    assert main(["say", "--voice", "mom", "--text", "Hello again.", "-o", str(out), *lib]) == 0
    assert out.is_file()
    assert main(["voice", "remove", "mom", *lib]) == 0
    assert main(["voice", "show", "mom", *lib]) == ExitCode.BAD_INPUT


def test_add_without_consent_warns(human_reference, lib, capsys):
    assert main(["voice", "add", "anon", str(human_reference), "--transcript", "x", *lib]) == 0
    assert "no consent note" in capsys.readouterr().err


def test_short_reference_is_a_clear_error(tmp_path, capsys):
    code = main(["say", "--ref", str(ALSA_SHORT), "--text", "Hi.", "-o", str(tmp_path / "x.wav")])
    assert code == ExitCode.BAD_INPUT
    assert "at least 3 s" in capsys.readouterr().err


def test_bad_setting_and_unknown_voice(tmp_path, lib, capsys):
    assert main(["say", "--voice", "ghost", "--text", "Hi.", "-o", str(tmp_path / "x.wav"),
                 *lib]) == ExitCode.BAD_INPUT
    assert "no voice named 'ghost'" in capsys.readouterr().err
    assert main(["say", "--voice", "ghost", "--speed", "9", "--text", "Hi.", "-o",
                 str(tmp_path / "x.wav"), *lib]) == ExitCode.BAD_INPUT
    assert "speed=9" in capsys.readouterr().err


def test_check_command(human_reference, capsys):
    assert main(["check", str(human_reference), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["usable"] and report["warnings"] == []
    assert main(["check", str(ALSA_SHORT)]) == ExitCode.BAD_INPUT


def test_no_command_prints_help(capsys):
    assert main([]) == ExitCode.USAGE
    assert "say" in capsys.readouterr().out


def test_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "timbrel", "--version"], capture_output=True,
                            text=True, check=True)
    assert result.stdout.startswith("timbrel ")

"""The text front end reaches the built-in engine's models: normalisation, lexicon (per call,
stored with the voice, from the CLI), inline phonemes and whole-input phoneme mode, language
splitting. Spies record the ids Piper and the Mandarin model are actually given."""

from __future__ import annotations

import json

import pytest

from conftest import REFERENCE_TRANSCRIPT
from timbrel import SynthesisConfig
from timbrel.cli import ExitCode, main
from timbrel.controls import ConfigError
from timbrel.engines import get_engine
from timbrel.engines.builtin.baker_symbols import mapper, to_ids, to_symbols
from timbrel.engines.builtin.mandarin_voice import MandarinVoice
from timbrel.text.phoneme_mode import PhonemeSyntaxError

BANK = {"word": "行", "context": "银行", "phoneme": "xing2"}


class SessionSpy:
    """Stands in for Piper's ONNX session and records the phoneme ids it is run on."""

    def __init__(self, session, seen: list) -> None:
        self.session, self.seen = session, seen

    def run(self, outputs, inputs):
        self.seen.append([int(i) for i in inputs["input"][0]])
        return self.session.run(outputs, inputs)


@pytest.fixture
def spy(monkeypatch):
    """Records Piper's id input and the Mandarin model's symbols (its ids are to_ids of them)."""
    seen: dict[str, list] = {"piper": [], "zh": []}
    piper = get_engine("builtin").model
    monkeypatch.setattr(piper, "session", SessionSpy(piper.session, seen["piper"]))
    zh_call = MandarinVoice.audio

    def mandarin(self, symbols, length_ratio=1.0):
        seen["zh"].append(to_symbols(symbols))
        return zh_call(self, symbols, length_ratio)

    monkeypatch.setattr(MandarinVoice, "audio", mandarin)
    return seen


def run(text: str, voice, **settings) -> list:
    config = SynthesisConfig(**settings).resolved()
    return list(get_engine("builtin").synthesize(text, voice, config))


def piper_ids(phonemes: str) -> list[int]:
    """Piper's ids for these phonemes, without its start and end markers."""
    model = get_engine("builtin").model
    return model.phoneme_ids(list(phonemes))[2:-2]


def contains(ids: list[int], part: list[int]) -> bool:
    return any(ids[i : i + len(part)] == part for i in range(len(ids) - len(part) + 1))


def test_mandarin_lexicon_per_call_reaches_the_model(voice, spy):
    run("他去银行了。", voice)
    run("他去银行了。", voice, lexicon=[BANK])
    plain, overridden = (" ".join(symbols) for symbols in spy["zh"])
    assert "^ in2 #0 h ang2" in plain and "x ing2" not in plain
    assert "^ in2 #0 x ing2" in overridden and "h ang2" not in overridden
    ids = to_ids(["ta1", "qu4", "yin2", "xing2", "le5"])  # what the model is given
    assert ids == [mapper()["symbol_to_id"][s] for s in overridden.split()] + [ids[-1]]


def test_voice_lexicon_applies_and_the_call_wins(voice, spy):
    stored = voice.with_changes(lexicon=({"word": "重庆", "phoneme": "zhong4 qing4"}, BANK))
    run("重庆的银行。", stored)
    run("重庆的银行。", stored, lexicon=[{"word": "重庆", "phoneme": "chong2 qing4"}])
    voice_only, call_wins = (" ".join(s) for s in spy["zh"])
    assert "zh ong4 #0 q ing4" in voice_only and "x ing2" in voice_only
    assert "ch ong2 #0 q ing4" in call_wins and "x ing2" in call_wins


def test_english_lexicon_and_inline_ipa_reach_piper(voice, spy):
    run("I like tomato soup.", voice, lexicon=[{"word": "tomato", "phoneme": "təmˈɑːtoʊ"}])
    run("I say [[h ə ˈl oʊ]] loudly.", voice)
    lexicon_ids, inline_ids = spy["piper"]
    assert contains(lexicon_ids, piper_ids("təmˈɑːtoʊ"))
    assert contains(inline_ids, piper_ids("həˈloʊ"))


def test_normalisation_runs_before_g2p(voice, spy):
    chunks = run("It costs $5.", voice)
    assert "fˈaɪv dˈɑːlɚz" in chunks[0].text
    chunks = run("我有3个苹果。", voice)
    assert chunks[0].text.startswith("wo2 you3 san1 ge4")


def test_inline_pinyin_and_whole_input_phoneme_mode(voice, spy):
    run("{yin2 hang2}很重要。", voice)
    run("ni3 hao3, shi4 jie4.", voice, phoneme_mode=True, language="zh")
    inline, whole = spy["zh"]
    assert inline[1:5] == ["^", "in2", "#0", "h"] and inline[5] == "ang2"
    assert " ".join(whole) == "sil n i3 #0 h ao3 #3 sh iii4 #0 j ie4 sil"
    run("h ə l ˈoʊ", voice, phoneme_mode=True, language="en")
    assert contains(spy["piper"][-1], piper_ids("həlˈoʊ"))


def test_mixed_text_goes_to_both_models(voice, spy):
    run("我喜欢Python编程。", voice)
    assert len(spy["zh"]) == 2 and len(spy["piper"]) == 1
    assert " ".join(spy["zh"][0]) == "sil ^ uo2 #0 x i3 #0 h uan1 sil"  # 我喜: third-tone sandhi
    assert " ".join(spy["zh"][1]) == "sil b ian1 #0 ch eng2 sil"


def test_bad_lexicon_and_bad_phonemes_are_clear_errors(voice, tmp_path):
    with pytest.raises(ConfigError, match="lexicon: item 1"):
        SynthesisConfig(lexicon=[{"word": "银行", "phoneme": "yin2"}]).validate()
    with pytest.raises(ConfigError, match="lexicon: cannot read"):
        SynthesisConfig(lexicon=str(tmp_path / "missing.jsonl")).validate()
    with pytest.raises(PhonemeSyntaxError, match="at character 3"):
        run("好的 {hao3", voice)


def test_cli_lexicon_for_say_and_voice_add(human_reference, tmp_path, spy):
    lexicon = tmp_path / "lexicon.jsonl"
    lexicon.write_text(json.dumps(BANK, ensure_ascii=False) + "\n", encoding="utf-8")
    library = ["--library", str(tmp_path / "lib")]
    assert main(["voice", "add", "bank", str(human_reference), "--transcript",
                 REFERENCE_TRANSCRIPT, "--consent", "test", "--lexicon", str(lexicon),
                 "--engine", "builtin", *library]) == ExitCode.OK
    from timbrel.library import VoiceLibrary

    stored = VoiceLibrary(str(tmp_path / "lib")).get("bank")
    assert stored.lexicon == ({"word": "行", "phoneme": "xing2", "context": "银行"},)
    out = str(tmp_path / "out.wav")
    assert main(["say", "--voice", "bank", "--text", "去银行吧。", "--lang", "zh",
                 "--no-watermark", "-o", out, *library]) == ExitCode.OK
    assert "^ in2 #0 x ing2" in " ".join(spy["zh"][-1])
    other = tmp_path / "other.jsonl"
    other.write_text('{"word": "行", "context": "银行", "phoneme": "hang4"}\n', encoding="utf-8")
    assert main(["say", "--voice", "bank", "--text", "去银行吧。", "--lexicon", str(other),
                 "--no-watermark", "-o", out, *library]) == ExitCode.OK
    assert "^ in2 #0 h ang4" in " ".join(spy["zh"][-1])  # the call's entry wins
    assert main(["say", "--voice", "bank", "--text", "hi", "--lexicon",
                 str(tmp_path / "nope.jsonl"), "-o", out, *library]) == ExitCode.BAD_INPUT

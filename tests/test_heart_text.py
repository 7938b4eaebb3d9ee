"""The heart voice reads the package's inline IPA, phoneme mode and lexicons, and refuses
Chinese by name."""

import numpy as np
import pytest

import timbrel
from timbrel.engines import get_engine
from timbrel.engines.heart.heart_text import HeartTextError, heart_phrases, misaki_from_ipa
from timbrel.enrollment import on_engine
from timbrel.text.lexicon import Lexicon

TOMATO = {"word": "tomato", "phoneme": "təmˈɑːtoʊ"}


@pytest.fixture(scope="module")
def model():
    return get_engine("heart").model


def phrases(model, text: str, lexicon: Lexicon | None = None, phoneme_mode: bool = False):
    return heart_phrases(text, lexicon or Lexicon(), phoneme_mode, model.vocabulary,
                         model.phonemize)


def test_espeak_ipa_in_misaki_letters(model):
    assert misaki_from_ipa("təmˈeɪɾoʊ", model.vocabulary) == "təmˈATO"
    assert misaki_from_ipa("dʒˈʌdʒ tʃˈɜːtʃ", model.vocabulary) == "ʤˈʌʤ ʧˈɜɹʧ"
    assert misaki_from_ipa("fˈɑːðɚ bˈaɪ nˈaʊ bˈɔɪ", model.vocabulary) == "fˈɑðəɹ bˈI nˈW bˈY"
    with pytest.raises(HeartTextError, match="ǂ"):
        misaki_from_ipa("ǂa", model.vocabulary)


def test_a_lexicon_word_gets_its_phonemes_and_the_rest_is_read_as_usual(model):
    plain = phrases(model, "I like tomato soup.")
    fixed = phrases(model, "I like tomato soup.", Lexicon.from_records([TOMATO]))
    assert "təmˈATO" in plain[0] and "təmˈɑtO" in fixed[0]
    assert fixed[0].replace("təmˈɑtO", "təmˈATO") == plain[0]
    arpabet = Lexicon.from_records([{"word": "Nguyen", "phoneme": "N W IH1 N"}])
    assert "nwˈɪn" in phrases(model, "Mr. Nguyen agrees.", arpabet)[0]


def test_inline_ipa_and_phoneme_mode(model):
    assert "həˈlO" in phrases(model, "Say [[h ə ˈl oʊ]] now.")[0]
    assert phrases(model, "həlˈoʊ wˈɜːld. ðə bˈɜːd sˈæŋ!", phoneme_mode=True) == [
        "həlˈO wˈɜɹld.", "ðə bˈɜɹd sˈæŋ!"]


def test_chinese_is_refused_by_name(model):
    with pytest.raises(HeartTextError, match="Chinese text at character 3"):
        phrases(model, "Go 我们走吧")
    with pytest.raises(HeartTextError, match="pinyin"):
        phrases(model, "Go {ni3 hao3}")


@pytest.fixture(scope="module")
def heart_clip() -> tuple[np.ndarray, int]:
    """Eight seconds of the heart voice itself."""
    engine = get_engine("heart")
    rng = np.random.default_rng(0)
    clip = np.concatenate([engine.rendered(engine.model.frames(p), rng) for p in
                           engine.model.phonemize("The birch canoe slid on the smooth "
                                                  "planks. Glue the sheet to the dark blue "
                                                  "background.")])
    return clip, engine.sample_rate


@pytest.fixture(scope="module")
def voice(heart_clip):
    return timbrel.enroll(heart_clip, engine="heart",
                          transcript="The birch canoe slid on the smooth planks.")


def test_the_engine_speaks_a_lexicon_word_differently(voice):
    config = timbrel.SynthesisConfig(seed=0)
    plain, _ = timbrel.synthesize_to_array("A tomato.", voice, config)
    fixed, _ = timbrel.synthesize_to_array(
        "A tomato.", voice, timbrel.SynthesisConfig(seed=0, lexicon=[TOMATO]))
    assert not np.array_equal(plain, fixed)


def test_chinese_text_is_read_by_the_builtin_engine_in_the_same_voice(voice):
    config = timbrel.SynthesisConfig(seed=0)
    audio, rate = timbrel.synthesize_to_array("我们走吧。", voice, config)
    twin = on_engine(voice, "builtin")
    same, _ = timbrel.synthesize_to_array("我们走吧。", twin, config)
    assert np.array_equal(audio, same) and 0.5 < len(audio) / rate < 4.0
    english, _ = timbrel.synthesize_to_array("Let us go.", voice, config)
    assert not np.array_equal(english, timbrel.synthesize_to_array("Let us go.", twin,
                                                                   config)[0])


def test_the_cli_names_a_symbol_the_heart_voice_lacks(heart_clip, tmp_path, capsys):
    import soundfile

    from timbrel.cli import main

    reference = tmp_path / "ref.wav"
    soundfile.write(str(reference), *heart_clip)
    code = main(["say", "--ref", str(reference), "--transcript", "The birch canoe.",
                 "--engine", "heart", "--text", "A bad [[ǂa]] symbol.", "-o",
                 str(tmp_path / "out.wav")])
    assert code == 3 and "no phoneme for 'ǂ'" in capsys.readouterr().err

"""English G2P: identical to piper's own espeak-ng phonemisation."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from timbrel.text.arpabet import arpabet_to_ipa, looks_like_arpabet
from timbrel.text.g2p_en import (
    espeak_data_dir,
    piper_phonemes,
    word_phonemes,
    words_with_phonemes,
)

SENTENCES = [
    "Hello world. How are you today?",
    "The quick brown fox, naturally, jumps over the lazy dog!",
    "Say [[ h ə l ˈoʊ ]] to my little friend.",
    "Raw [[ ˈæ p ə l ]]at the end",
]


def piper_reference(text: str) -> list[list[str]]:
    """Run piper's PiperVoice.phonemize (espeak path) without loading a model."""
    from piper.config import PhonemeType
    from piper.voice import PiperVoice

    fake = SimpleNamespace(
        config=SimpleNamespace(phoneme_type=PhonemeType.ESPEAK, espeak_voice="en-us",
                               vowel_clusters=None),
        espeak_data_dir=espeak_data_dir(),
        use_tashkeel=False,
    )
    return PiperVoice.phonemize(fake, text)


@pytest.mark.parametrize("text", SENTENCES)
def test_same_as_piper(text: str) -> None:
    assert piper_phonemes(text) == piper_reference(text)


def test_words_in_context() -> None:
    pairs = words_with_phonemes("Hello world")
    assert pairs == [("Hello", "həlˈoʊ"), ("world", "wˈɜːld")]
    assert word_phonemes("cat") == "kˈæt"


def test_arpabet() -> None:
    assert looks_like_arpabet("HH AH0 L OW1")
    assert not looks_like_arpabet("həlˈoʊ")
    assert arpabet_to_ipa("HH AH0 L OW1") == "həlˈoʊ"

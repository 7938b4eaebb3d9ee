"""English G2P with the espeak-ng that ships inside piper-tts, exactly as Piper phonemises.

``piper_phonemes`` reproduces ``PiperVoice.phonemize`` for espeak voices (including its
``[[ raw phonemes ]]`` blocks) without loading a voice model, so the engine can map the
result to ids with the voice's phoneme map. ``word_phonemes`` gives per-word IPA.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Set
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_VOICE = "en-us"
_BLOCK = re.compile(r"(\[\[.*?\]\])")
_LOCK = threading.RLock()
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f0-9]+(?:['’][A-Za-z]+)*")
_STATE: dict[str, object] = {}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _phonemizer():
    """piper's EspeakPhonemizer over its bundled espeak-ng data (created once)."""
    with _LOCK:
        if "phonemizer" not in _STATE:
            try:
                from piper.phonemize_espeak import EspeakPhonemizer
            except ImportError as error:  # pragma: no cover - depends on the install
                raise RuntimeError("English G2P needs piper-tts: pip install piper-tts") from error
            _STATE["phonemizer"] = EspeakPhonemizer()
        return _STATE["phonemizer"]


def espeak_data_dir() -> Path:
    """Where piper-tts keeps its bundled espeak-ng data."""
    from piper.phonemize_espeak import ESPEAK_DATA_DIR

    return ESPEAK_DATA_DIR


def load() -> None:
    """Initialise espeak-ng now (otherwise on first use)."""
    _phonemizer()


def espeak_phonemes(
    text: str, voice: str = DEFAULT_VOICE, vowel_clusters: Set[tuple[str, ...]] | None = None
) -> list[list[str]]:
    """Text -> phonemes grouped by sentence, as piper's EspeakPhonemizer returns them."""
    phonemizer = _phonemizer()
    text = _CONTROL.sub(" ", text)  # espeak-ng rejects NUL and reads other controls oddly
    with _LOCK:
        return phonemizer.phonemize(voice, text, vowel_clusters=vowel_clusters)


def piper_phonemes(
    text: str, voice: str = DEFAULT_VOICE, vowel_clusters: Set[tuple[str, ...]] | None = None
) -> list[list[str]]:
    """Exactly ``PiperVoice.phonemize(text)`` for an espeak voice: ``[[ ... ]]`` blocks are
    raw phonemes, everything else goes through espeak-ng. One list per sentence."""
    phonemes: list[list[str]] = []
    parts = _BLOCK.split(text)
    previous_raw = False
    for index, part in enumerate(parts):
        if part.startswith("[["):
            previous_raw = True
            if not phonemes:
                phonemes.append([])
            if index > 0 and parts[index - 1].endswith(" "):
                phonemes[-1].append(" ")
            phonemes[-1].extend(part[2:-2].strip())
            if index < len(parts) - 1 and parts[index + 1].startswith(" "):
                phonemes[-1].append(" ")
            continue
        part_phonemes = espeak_phonemes(part, voice, vowel_clusters)
        if previous_raw and part_phonemes:
            phonemes[-1].extend(part_phonemes[0])
            part_phonemes = part_phonemes[1:]
        phonemes.extend(part_phonemes)
        previous_raw = False
    if phonemes and not phonemes[-1]:
        phonemes.pop()
    return phonemes


@lru_cache(maxsize=16384)
def word_phonemes(word: str, voice: str = DEFAULT_VOICE) -> str:
    """IPA for one word read on its own (stress marks included, punctuation dropped)."""
    sentences = espeak_phonemes(word, voice)
    joined = "".join("".join(s) for s in sentences)
    return unicodedata.normalize("NFC", joined).strip(" ,.;:!?")


def words(text: str) -> list[str]:
    """The words of ``text`` as G2P sees them (letters, digits, apostrophes)."""
    return _WORD.findall(text)


def words_with_phonemes(text: str, voice: str = DEFAULT_VOICE) -> list[tuple[str, str]]:
    """(word, IPA) for each word of ``text``, read in context when espeak's output lines up
    one-to-one with the words, otherwise word by word."""
    found = words(text)
    if not found:
        return []
    flat = "".join("".join(s) + " " for s in espeak_phonemes(text, voice))
    spoken = [w.strip(",.;:!?") for w in unicodedata.normalize("NFC", flat).split()]
    spoken = [w for w in spoken if w]
    if len(spoken) == len(found):
        return list(zip(found, spoken, strict=True))
    return [(word, word_phonemes(word, voice)) for word in found]

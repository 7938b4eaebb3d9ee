"""Phoneme error rate: how far what the recogniser heard *sounds* from the text.

Word and character error rates punish the recogniser's spelling choices as much as real
misreadings: Whisper tiny.en hears "carried a wooden chair" as "Kerry to wouldn't share"
(CER 0.34) although the audio says the right sounds. Both texts are read by espeak-ng (the
G2P the built-in voice itself uses) and compared as phoneme strings, stress and length
marks dropped, so homophones, spellings (neighbour/neighbor) and word splits cost little
while wrong, missing or extra speech still does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DROPPED = re.compile(r"[ˈˌːˑ\s.,;:!?¡¿\-–—'\"()]")


@dataclass(frozen=True)
class PhonemeErrors:
    """Edit distance between two phoneme strings, and the reference's length."""

    edits: int
    length: int

    @property
    def rate(self) -> float:
        if self.length == 0:
            return 0.0 if self.edits == 0 else 1.0
        return self.edits / self.length


def phoneme_string(text: str, voice: str = "en-us") -> str:
    """espeak-ng's IPA for `text`, without stress, length marks, pauses or spaces."""
    from .text.g2p_en import espeak_phonemes

    if not text.strip():
        return ""
    flat = "".join("".join(sentence) for sentence in espeak_phonemes(text, voice))
    return _DROPPED.sub("", unicodedata.normalize("NFC", flat))


def phoneme_errors(expected: str, heard: str, voice: str = "en-us") -> PhonemeErrors:
    """Phoneme edits (substitutions, insertions, deletions) from `expected` to `heard`."""
    from rapidfuzz.distance import Levenshtein

    reference, hypothesis = phoneme_string(expected, voice), phoneme_string(heard, voice)
    return PhonemeErrors(edits=int(Levenshtein.distance(reference, hypothesis)),
                         length=len(reference))

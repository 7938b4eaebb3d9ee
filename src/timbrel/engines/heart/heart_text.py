"""The package's front-end features for the heart voice, which reads with its own G2P.

hibari phonemises text with misaki's lexicons and accepts ``[word](/phonemes/)`` for a
word whose phonemes are given. timbrel's inline ``[[IPA]]``, phoneme mode and the voice's
lexicon give espeak-style IPA (the built-in engine's alphabet), so those spans are
written in misaki's alphabet as such links and everything else is left to hibari.
Chinese (text, pinyin) is refused by name: this voice speaks English only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...text.lexicon import Lexicon
from ...text.phoneme_mode import Span, parse_inline, parse_phoneme_input
from ..base import EngineError

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007]")
# espeak IPA (en-us, as Piper joe reads) to misaki: diphthongs and affricates are single
# letters, the flap is T, length marks go, and r-coloured vowels spell their r.
_SEQUENCES = (
    ("eɪ", "A"), ("aɪ", "I"), ("ɔɪ", "Y"), ("oʊ", "O"), ("əʊ", "O"), ("aʊ", "W"),
    ("dʒ", "ʤ"), ("tʃ", "ʧ"), ("ɝ", "ɜɹ"), ("ɚ", "əɹ"), ("ɾ", "T"), ("r", "ɹ"), ("g", "ɡ"),
)
_DROPPED = "ːˑ̩ʲ̯"
_R_LESS_NURSE = re.compile(r"ɜ(?!ɹ)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class HeartTextError(EngineError, ValueError):
    """Input the heart voice cannot read (bad input, so also a ValueError); the message
    names the part."""


def needs_mandarin(text: str, language: str | None, phoneme_mode: bool) -> bool:
    """Whether `text` holds Chinese the heart voice cannot say: Chinese characters, inline
    pinyin, or a call that asks for Mandarin (then the built-in engine reads it)."""
    if language == "zh" or _HAN.search(text):
        return True
    try:
        spans = parse_phoneme_input(text, "auto") if phoneme_mode else parse_inline(text)
    except ValueError:
        return False  # heart_phrases reports the syntax error
    return any(span.kind == "pinyin" for span in spans)


def misaki_from_ipa(ipa: str, vocabulary: frozenset[str]) -> str:
    """espeak-style IPA in misaki's alphabet; a symbol the voice lacks raises."""
    text = ipa
    for before, after in _SEQUENCES:
        text = text.replace(before, after)
    text = _R_LESS_NURSE.sub("ɜɹ", "".join(c for c in text if c not in _DROPPED))
    text = " ".join(text.split())
    unknown = sorted({c for c in text if c not in vocabulary and not c.isspace()})
    if unknown:
        raise HeartTextError(f"the heart voice has no phoneme for {' '.join(unknown)!r} "
                             f"(in [[{ipa}]])")
    return text


def heart_phrases(text: str, lexicon: Lexicon, phoneme_mode: bool,
                  vocabulary: frozenset[str], phonemize: Callable[[str], list[str]]
                  ) -> list[str]:
    """`text` as one misaki phoneme string per sentence: input that is phonemes throughout
    is converted and cut at sentence ends; anything else goes to hibari's G2P (`phonemize`)
    with inline IPA and lexicon words as phoneme links."""
    try:
        spans = parse_phoneme_input(text, "en") if phoneme_mode else parse_inline(text)
    except ValueError as error:
        raise HeartTextError(str(error)) from error
    if spans and all(span.kind == "ipa" or not span.text.strip() for span in spans):
        phonemes = " ".join(misaki_from_ipa(span.phonemes[0], vocabulary)
                            for span in spans if span.kind == "ipa")
        return [p.strip() for p in _SENTENCE_END.split(phonemes) if p.strip()]
    return phonemize("".join(_span_input(span, lexicon, vocabulary) for span in spans))


def _span_input(span: Span, lexicon: Lexicon, vocabulary: frozenset[str]) -> str:
    if span.kind == "pinyin":
        raise HeartTextError(f"pinyin {{{span.text}}} at character {span.start}: the heart "
                             "voice speaks English only (enroll with --engine builtin)")
    if span.kind == "ipa":
        return _link("phonemes", misaki_from_ipa(span.phonemes[0], vocabulary))
    han = _HAN.search(span.text)
    if han:
        raise HeartTextError(f"Chinese text at character {span.start + han.start()}: the "
                             "heart voice speaks English only (enroll with --engine builtin)")
    pieces, cursor = [], 0
    for override in lexicon.overrides(span.text, "en"):
        pieces.append(span.text[cursor:override.start])
        word = span.text[override.start:override.end]
        pieces.append(_link(word, misaki_from_ipa(override.phonemes, vocabulary)))
        cursor = override.end
    pieces.append(span.text[cursor:])
    return "".join(pieces)


def _link(word: str, phonemes: str) -> str:
    return f"[{word}](/{phonemes}/)"

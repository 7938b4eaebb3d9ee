"""The text front end in one call: text -> units of (text, phonemes, language).

``to_units`` runs inline-phoneme parsing, language splitting, normalisation, the user
lexicon, G2P and (for Mandarin) tone sandhi. ``phonemes`` is the CLI's JSON view of it.
``english_phonemes`` gives, per sentence, the espeak phoneme list Piper would feed its model,
with lexicon and inline-IPA overrides substituted in.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from typing import Literal

from timbrel.text.language import Run, detect_language, split_runs
from timbrel.text.lexicon import Lexicon, Override
from timbrel.text.phoneme_mode import Span, parse_inline, parse_phoneme_input

log = logging.getLogger(__name__)

Source = Literal["g2p", "lexicon", "inline"]
LANGS = ("auto", "en", "zh")


@dataclass(frozen=True)
class TextUnit:
    """A word (English) or character (Mandarin) with its phonemes: espeak IPA for English,
    tone-numbered pinyin for Mandarin; ``source`` says who decided them."""

    text: str
    phonemes: str
    lang: str
    source: Source = "g2p"

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "phonemes": self.phonemes}


def load() -> None:
    """Load every model and dictionary the front end uses, so later calls are fast."""
    from timbrel.text import g2p_en, g2p_zh, normalize_zh

    g2p_en.load()
    g2p_zh.load()
    normalize_zh.load()


def resolve_language(text: str, lang: str) -> str:
    """``lang`` itself, or the dominant language of ``text`` for "auto"."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}: expected one of {', '.join(LANGS)}")
    return detect_language(text) if lang == "auto" else lang


def to_units(
    text: str,
    lang: str = "auto",
    lexicon: Lexicon | None = None,
    phoneme_mode: bool = False,
    *,
    normalize: bool = True,
    tone_sandhi: bool = True,
) -> list[TextUnit]:
    """Units of ``text`` in reading order.

    ``lang`` ("auto", "en", "zh") decides how script-neutral text (digits alone) is read;
    Chinese characters are always read as Mandarin and Latin words as English.
    ``phoneme_mode`` reads the whole input as phonemes (pinyin and/or IPA).
    """
    default = resolve_language(text, lang)
    lexicon = lexicon or Lexicon()
    spans = parse_phoneme_input(text, lang) if phoneme_mode else parse_inline(text)
    units: list[TextUnit] = []
    for span in spans:
        if span.kind == "text":
            for run in split_runs(span.text, default=default):
                units.extend(_run_units(run, lexicon, normalize, tone_sandhi))
        else:
            units.extend(_span_units(span))
    return units


def phonemes(
    text: str, lang: str = "auto", lexicon: Lexicon | None = None, **options: bool
) -> list[dict[str, str]]:
    """``[{"text": ..., "phonemes": ...}, ...]`` in order (one per Chinese character)."""
    return [unit.to_dict() for unit in to_units(text, lang, lexicon, **options)]


def english_phonemes(
    text: str,
    lexicon: Lexicon | None = None,
    *,
    phoneme_mode: bool = False,
    normalize: bool = True,
    voice: str = "en-us",
    vowel_clusters: set[tuple[str, ...]] | None = None,
) -> list[list[str]]:
    """Per sentence, the phonemes ``PiperVoice.phonemize`` would produce for ``text`` after
    normalisation, with lexicon words and inline ``[[IPA]]`` substituted in. Mandarin parts
    (characters, ``{pinyin}``) are left out: route them to a Mandarin engine."""
    from timbrel.text.g2p_en import piper_phonemes
    from timbrel.text.normalize_en import normalize_en

    lexicon = lexicon or Lexicon()
    spans = parse_phoneme_input(text, "en") if phoneme_mode else parse_inline(text)
    pieces: list[str] = []
    for span in spans:
        if span.kind == "ipa":
            pieces.append(_raw_block(span.phonemes[0]))
        elif span.kind == "pinyin":
            log.warning("pinyin %r skipped: English phonemes only", span.text)
        else:
            for run in split_runs(span.text, default="en"):
                if run.lang == "zh":
                    pieces.append(_without_mandarin(run.text))
                    continue
                spoken = normalize_en(run.text) if normalize else run.text
                pieces.append(_with_blocks(spoken, lexicon.overrides(spoken, "en")))
    return piper_phonemes("".join(pieces), voice, vowel_clusters)


_FULL_WIDTH = str.maketrans({"，": ", ", "。": ". ", "！": "! ", "？": "? ", "；": "; ",
                             "：": ": ", "、": ", ", "“": '"', "”": '"', "（": "(", "）": ")"})


def _without_mandarin(text: str) -> str:
    """Chinese characters removed (logged), full-width punctuation made ASCII."""
    from timbrel.text.g2p_zh import HAN

    if HAN.search(text):
        log.warning("Mandarin text %r skipped: English phonemes only", text)
    return HAN.sub(" ", text).translate(_FULL_WIDTH)


def _raw_block(ipa: str) -> str:
    return "[[" + unicodedata.normalize("NFD", ipa) + "]]"


def _with_blocks(text: str, overrides: list[Override]) -> str:
    out, position = [], 0
    for override in overrides:
        out.append(text[position : override.start])
        out.append(_raw_block(override.phonemes))
        position = override.end
    out.append(text[position:])
    return "".join(out)


def _span_units(span: Span) -> list[TextUnit]:
    if span.kind == "pinyin":
        return [TextUnit(s, s, "zh", "inline") for s in span.phonemes]
    return [TextUnit(word, word, "en", "inline") for word in span.phonemes[0].split()]


def _run_units(run: Run, lexicon: Lexicon, normalize: bool, sandhi: bool) -> list[TextUnit]:
    if run.lang == "en":
        from timbrel.text.normalize_en import normalize_en

        spoken = normalize_en(run.text) if normalize else run.text
        return _english_units(spoken, lexicon)
    if normalize:
        from timbrel.text.normalize_zh import normalize_zh

        spoken = normalize_zh(run.text)
    else:
        spoken = run.text
    units: list[TextUnit] = []
    for part in split_runs(spoken, default="zh"):
        if part.lang == "en":
            units.extend(_english_units(part.text, lexicon))
        else:
            units.extend(_mandarin_units(part.text, lexicon, sandhi))
    return units


def _english_units(text: str, lexicon: Lexicon) -> list[TextUnit]:
    from timbrel.text.g2p_en import words_with_phonemes

    units: list[TextUnit] = []
    position = 0
    for override in lexicon.overrides(text, "en") + [None]:
        end = override.start if override else len(text)
        units.extend(TextUnit(w, p, "en") for w, p in words_with_phonemes(text[position:end]))
        if override:
            units.append(
                TextUnit(text[override.start : override.end], override.phonemes, "en", "lexicon")
            )
            position = override.end
    return units


def _mandarin_units(text: str, lexicon: Lexicon, sandhi: bool) -> list[TextUnit]:
    from dataclasses import replace

    from timbrel.text.g2p_zh import to_pinyin
    from timbrel.text.sandhi import apply_tone_sandhi

    syllables = to_pinyin(text)
    fixed: dict[int, str] = {}
    for override in lexicon.overrides(text, "zh"):
        for offset, syllable in enumerate(override.syllables):
            fixed[override.start + offset] = syllable
    if fixed:
        syllables = [
            replace(s, pinyin=fixed[s.index], source="lexicon") if s.index in fixed else s
            for s in syllables
        ]
    if sandhi:
        syllables = apply_tone_sandhi(syllables)
    return [
        TextUnit(s.char, s.pinyin, "zh", "lexicon" if s.source == "lexicon" else "g2p")
        for s in syllables
    ]

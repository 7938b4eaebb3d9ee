"""Text front end: normalisation, segmentation, G2P (English, Mandarin), lexicon, phoneme mode.

Importing this package loads no models; jieba, pypinyin, wetext and espeak-ng load on first
use (or all at once with ``load()``).
"""

from timbrel.text.frontend import TextUnit, english_phonemes, load, phonemes, to_units
from timbrel.text.language import detect_language, split_runs
from timbrel.text.lexicon import Lexicon, LexiconEntry, LexiconError
from timbrel.text.normalize import normalize
from timbrel.text.phoneme_mode import PhonemeSyntaxError
from timbrel.text.segment import Segment, join_segments, segment_text

__all__ = [
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "PhonemeSyntaxError",
    "Segment",
    "TextUnit",
    "detect_language",
    "english_phonemes",
    "join_segments",
    "load",
    "normalize",
    "phonemes",
    "segment_text",
    "split_runs",
    "to_units",
]

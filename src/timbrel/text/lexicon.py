"""User pronunciation lexicon: word -> phonemes, everywhere or only inside a context.

JSONL, one entry per line::

    {"word": "行", "context": "银行", "phoneme": "háng"}   # only inside 银行
    {"word": "重庆", "phoneme": "chong2 qing4"}             # everywhere
    {"弦": "<|X|><|IAN2|>"}                                 # GLM-TTS style
    {"word": "tomato", "phoneme": "təmˈɑːtoʊ"}              # English: IPA or ARPAbet

Chinese readings take tone marks or tone numbers, one syllable per character; they are
stored as tone numbers (``hang2``, ``lv4``). English readings are espeak-style IPA (ARPAbet
``T AH0 M AA1 T OW2`` is converted). Matching is longest span first, and a context entry
changes the word only where the whole context occurs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from timbrel.text.arpabet import arpabet_to_ipa, looks_like_arpabet
from timbrel.text.pinyin import PinyinError, from_glm_tokens, to_tone_number

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PINYIN_SPLIT = re.compile(r"[\s,'’-]+")


class LexiconError(ValueError):
    """A lexicon entry that cannot be used; the message names the line or item."""


@dataclass(frozen=True)
class LexiconEntry:
    """One rule. ``phonemes``: space-separated tone-numbered pinyin (zh) or IPA (en)."""

    word: str
    phonemes: str
    context: str | None = None

    @property
    def lang(self) -> str:
        return "zh" if _HAN.search(self.word) else "en"

    def to_record(self) -> dict[str, str]:
        record = {"word": self.word, "phoneme": self.phonemes}
        if self.context is not None:
            record["context"] = self.context
        return record


@dataclass(frozen=True)
class Override:
    """Phonemes the lexicon fixes for ``text[start:end]`` (the word, never its context)."""

    start: int
    end: int
    phonemes: str
    lang: str

    @property
    def syllables(self) -> list[str]:
        return self.phonemes.split()


@dataclass(frozen=True)
class Lexicon:
    """An immutable, serialisable set of lexicon entries (store it with a voice)."""

    entries: tuple[LexiconEntry, ...] = field(default_factory=tuple)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Lexicon:
        """From dicts as in the JSONL file; errors name the item (1-based)."""
        entries = []
        for number, record in enumerate(records, start=1):
            try:
                entries.append(parse_entry(record))
            except (LexiconError, PinyinError, ValueError) as error:
                raise LexiconError(f"item {number}: {error}") from None
        return cls(tuple(entries))

    @classmethod
    def from_jsonl(cls, source: str | Path) -> Lexicon:
        """Read a JSONL file; a bad line raises LexiconError naming ``path:line``."""
        path = Path(source)
        return cls.from_jsonl_text(path.read_text(encoding="utf-8"), name=str(path))

    @classmethod
    def from_jsonl_text(cls, text: str, name: str = "<lexicon>") -> Lexicon:
        entries = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise LexiconError(f"{name}:{number}: invalid JSON: {error.msg}") from None
            try:
                entries.append(parse_entry(record))
            except (LexiconError, PinyinError, ValueError) as error:
                raise LexiconError(f"{name}:{number}: {error}") from None
        return cls(tuple(entries))

    def to_records(self) -> list[dict[str, str]]:
        return [entry.to_record() for entry in self.entries]

    def to_jsonl(self) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.to_records())

    def merged(self, other: Lexicon | None) -> Lexicon:
        """Entries of both; ``other`` wins where both have the same word and context."""
        if other is None:
            return self
        keys = {(e.word, e.context) for e in other.entries}
        kept = tuple(e for e in self.entries if (e.word, e.context) not in keys)
        return Lexicon(kept + other.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def overrides(self, text: str, lang: str | None = None) -> list[Override]:
        """Non-overlapping overrides in ``text``, longest matched span first."""
        candidates: list[tuple[int, int, int, int, LexiconEntry]] = []
        for order, entry in enumerate(self.entries):
            if lang is not None and entry.lang != lang:
                continue
            pattern = entry.context if entry.context is not None else entry.word
            offset = pattern.find(entry.word)
            for start in _occurrences(text, pattern, english=entry.lang == "en"):
                candidates.append(
                    (start, start + len(pattern), start + offset, order, entry)
                )
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], -c[3]))
        taken: list[tuple[int, int]] = []
        chosen: list[Override] = []
        for span_start, span_end, word_start, _, entry in candidates:
            if any(span_start < end and start < span_end for start, end in taken):
                continue
            taken.append((span_start, span_end))
            chosen.append(
                Override(word_start, word_start + len(entry.word), entry.phonemes, entry.lang)
            )
        return sorted(chosen, key=lambda o: o.start)


def parse_entry(record: Any) -> LexiconEntry:
    """One JSON object -> LexiconEntry (raises LexiconError with the reason)."""
    if not isinstance(record, Mapping):
        raise LexiconError("each line must be a JSON object")
    if "word" in record:
        word, context = record["word"], record.get("context")
        phoneme = record.get("phoneme", record.get("phonemes"))
        unknown = set(record) - {"word", "context", "phoneme", "phonemes", "lang"}
        if unknown:
            raise LexiconError(f"unknown field(s): {', '.join(sorted(unknown))}")
    elif len(record) == 1:
        ((word, phoneme),) = record.items()
        context = None
    else:
        raise LexiconError('expected {"word": ..., "phoneme": ...} or {"<word>": "<phonemes>"}')
    if not isinstance(word, str) or not word.strip():
        raise LexiconError("'word' must be a non-empty string")
    if not isinstance(phoneme, str) or not phoneme.strip():
        raise LexiconError("'phoneme' must be a non-empty string")
    if context is not None and (not isinstance(context, str) or word not in context):
        raise LexiconError(f"context {context!r} must be a string containing {word!r}")
    word = word.strip()
    if _HAN.search(word):
        return LexiconEntry(word, _chinese_phonemes(word, phoneme), context)
    ipa = arpabet_to_ipa(phoneme) if looks_like_arpabet(phoneme) else phoneme.strip()
    return LexiconEntry(word, ipa, context)


def _chinese_phonemes(word: str, phoneme: str) -> str:
    if "<|" in phoneme:
        syllables = from_glm_tokens(phoneme)
    else:
        syllables = [to_tone_number(s) for s in _PINYIN_SPLIT.split(phoneme.strip()) if s]
    chars = len(_HAN.findall(word))
    if len(syllables) != chars or chars != len(word):
        raise LexiconError(
            f"{word!r} has {len(word)} character(s) but {len(syllables)} syllable(s) were given"
        )
    return " ".join(syllables)


def _occurrences(text: str, pattern: str, english: bool) -> Iterable[int]:
    if english:
        regex = re.compile(rf"(?<![\w']){re.escape(pattern)}(?![\w'])", re.IGNORECASE)
        return (m.start() for m in regex.finditer(text))
    found, start = [], text.find(pattern)
    while start != -1:
        found.append(start)
        start = text.find(pattern, start + 1)
    return found

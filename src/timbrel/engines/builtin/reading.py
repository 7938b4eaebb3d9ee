"""How the built-in engine reads text: language parts, each through its own front end.

Text (with inline ``{pinyin}`` / ``[[IPA]]``, or wholly phonemes in phoneme mode) is split
into English and Mandarin stretches. English goes through ``text.frontend.english_phonemes``
(normalisation, lexicon, inline IPA; espeak-ng as Piper expects); Mandarin is normalised,
cut at its punctuation and read with ``text.frontend.to_units`` (lexicon, polyphones, tone
sandhi). The result is a list of sentences; a sentence is one or more `Part`s, each a
unit the engine synthesises with one model call. A sentence ends where the text has
sentence-final punctuation, so "我有3个apple，很好吃。" is one sentence of three parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ...text.frontend import english_phonemes, resolve_language, to_units
from ...text.language import split_runs
from ...text.lexicon import Lexicon
from ...text.phoneme_mode import Span, parse_inline, parse_phoneme_input, parse_pinyin
from .baker_symbols import BREAK

if TYPE_CHECKING:
    from ...controls import SynthesisConfig
    from ...voice import Voice

Lang = Literal["en", "zh"]
MAX_SYLLABLES = 36  # per model call: FastSpeech2 stops at 2048 frames (~120 syllables)
_SENTENCE_END = re.compile(r"[.!?。！？…]+[\"'”’）)\]」』》]*\s*$")
_ZH_PUNCT = re.compile(r"([，,、；;：:。！？!?…—.\s\"'“”‘’（）()《》「」『』【】\[\]]+)")
_CLAUSE_START = re.compile(r"\s*[，,、；;：:—]")
_CLAUSE_END = re.compile(r"[，,、；;：:—]\s*$")
_ZH_SENTENCE = set("。！？!?…")
_ZH_CLAUSE = set("，,、；;：:—")


@dataclass(frozen=True)
class Part:
    """One model call: Piper phonemes (en) or pinyin syllables and ``BREAK``s (zh)."""

    lang: Lang
    symbols: tuple[str, ...]
    pause_before: bool = False  # a clause break (comma ...) separates it from the part before

    @property
    def text(self) -> str:
        return "".join(self.symbols) if self.lang == "en" else " ".join(self.symbols)


Sentence = tuple[Part, ...]


def read(text: str, lang: str = "auto", lexicon: Lexicon | None = None, *,
         phoneme_mode: bool = False, espeak_voice: str = "en-us",
         vowel_clusters: set[tuple[str, ...]] | None = None) -> list[Sentence]:
    """The sentences of `text`, each a tuple of language parts, in reading order."""
    lexicon = lexicon or Lexicon()
    default = resolve_language(text, lang)
    spans = parse_phoneme_input(text, lang) if phoneme_mode else parse_inline(text)
    sentences: list[Sentence] = []
    current: list[Part] = []
    after_clause = False
    for group_lang, items in _groups(_items(spans, default)):
        raw = "".join(span.text for span in items)
        if group_lang == "en":
            markup = "".join(f"[[{s.text}]]" if s.kind == "ipa" else s.text for s in items)
            lists = english_phonemes(markup, lexicon, voice=espeak_voice,
                                     vowel_clusters=vowel_clusters)
            pieces = [[Part("en", tuple(p))] for p in lists if _speakable(p)]
            ends = bool(_SENTENCE_END.search(markup))
        else:
            pieces, ends = _mandarin(items, lexicon)
        if pieces and current and (after_clause or _CLAUSE_START.match(raw)):
            pieces[0][0] = replace(pieces[0][0], pause_before=True)
        after_clause = bool(_CLAUSE_END.search(raw))
        for number, parts in enumerate(pieces):
            current.extend(parts)
            if number < len(pieces) - 1 or ends:
                sentences.append(tuple(current))
                current = []
    if current:
        sentences.append(tuple(current))
    return [sentence for sentence in sentences if sentence]


def lexicon_for(voice: Voice, config: SynthesisConfig) -> Lexicon:
    """The voice's stored lexicon with this call's entries added (and winning)."""
    stored = Lexicon.from_records(voice.lexicon) if voice.lexicon else Lexicon()
    given = getattr(config, "lexicon", None)
    return stored.merged(Lexicon.from_records(given)) if given else stored


def _speakable(phonemes: list[str]) -> bool:
    return any(p.strip() and p not in ",.;:!?\"'-" for p in phonemes)


def _items(spans: list[Span], default: str) -> list[tuple[Lang, Span]]:
    """Spans cut into language runs; Mandarin text runs are normalised here, so that
    anything normalisation spells in Latin letters is read as English."""
    from ...text.normalize_zh import normalize_zh

    items: list[tuple[Lang, Span]] = []
    for span in spans:
        if span.kind == "pinyin":
            items.append(("zh", span))
        elif span.kind == "ipa":
            items.append(("en", span))
        else:
            for run in split_runs(span.text, default=default):
                if run.lang == "zh" and any(ch.isalnum() for ch in run.text):
                    for part in split_runs(normalize_zh(run.text), default="zh"):
                        items.append((_lang(part.lang), Span("text", part.text, span.start)))
                else:
                    items.append((_lang(run.lang), Span("text", run.text, span.start)))
    return items


def _lang(value: str) -> Lang:
    return "zh" if value == "zh" else "en"


def _groups(items: list[tuple[Lang, Span]]) -> list[tuple[Lang, list[Span]]]:
    """Consecutive items of one language; text with nothing to say (spaces, punctuation)
    joins the group before it (or after it, at the start)."""
    groups: list[tuple[Lang, list[Span]]] = []
    pending: list[Span] = []
    for lang, span in items:
        silent = span.kind == "text" and not any(ch.isalnum() for ch in span.text)
        if silent and groups:
            groups[-1][1].append(span)
        elif silent:
            pending.append(span)
        elif groups and groups[-1][0] == lang:
            groups[-1][1].append(span)
        else:
            groups.append((lang, pending + [span]))
            pending = []
    return groups


def _mandarin(items: list[Span], lexicon: Lexicon) -> tuple[list[list[Part]], bool]:
    """Mandarin spans -> sentences of parts (at most MAX_SYLLABLES syllables each), and
    whether the last sentence was closed by punctuation."""
    tokens: list[str] = []
    for span in items:
        for piece in _ZH_PUNCT.split(span.text):
            if not piece:
                continue
            if _ZH_PUNCT.fullmatch(piece):
                tokens.extend(_break_tokens(piece))
            elif span.kind == "pinyin":
                tokens.extend(parse_pinyin(piece))
            else:
                tokens.extend(unit.phonemes for unit in
                              to_units(piece, "zh", lexicon, normalize=False) if unit.lang == "zh")
    sentences: list[list[str]] = [[]]
    for token in tokens:
        if token == ".":
            sentences.append([])
        else:
            sentences[-1].append(token)
    ends = not sentences[-1] or all(t == BREAK for t in sentences[-1])
    return [_parts(s) for s in sentences if any(t != BREAK for t in s)], ends


def _break_tokens(punctuation: str) -> list[str]:
    if any(ch in _ZH_SENTENCE or ch == "." for ch in punctuation):
        return ["."]
    if any(ch in _ZH_CLAUSE for ch in punctuation):
        return [BREAK]
    return []


def _parts(tokens: list[str]) -> list[Part]:
    """A sentence's tokens in model-sized parts, cut at clause breaks where possible."""
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if token != BREAK or (clauses[-1] and clauses[-1][-1] != BREAK):
            clauses[-1].append(token)
        if token == BREAK and clauses[-1]:
            clauses.append([])
    parts: list[list[str]] = []
    current: list[str] = []
    for clause in clauses:
        while _syllables(clause) > MAX_SYLLABLES:  # one overlong clause: cut it hard
            if current:
                parts.append(current)
                current = []
            parts.append(clause[:MAX_SYLLABLES])
            clause = clause[MAX_SYLLABLES:]
        if current and _syllables(current) + _syllables(clause) > MAX_SYLLABLES:
            parts.append(current)
            current = []
        current.extend(clause)
    parts.append(current)
    return [Part("zh", tuple(_trimmed(p)), pause_before=i > 0)
            for i, p in enumerate(q for q in parts if _syllables(q))]


def _syllables(tokens: list[str]) -> int:
    return sum(1 for t in tokens if t != BREAK)


def _trimmed(tokens: list[str]) -> list[str]:
    while tokens and tokens[-1] == BREAK:
        tokens = tokens[:-1]
    return tokens

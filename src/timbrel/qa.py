"""Quality check: every segment is heard back by the recogniser and compared with its text
and its voice; a segment that fails is spoken again (another seed, then steadier settings).

A segment fails when what the recogniser heard is too far in *sound* from the text
(phoneme error rate, so the recogniser's spellings and homophones do not count), when its
voice is too far from the voice as the engine speaks it (GE2E consistency), or when it
sounds too far from a second rendering of the same text in the same voice with another
seed (DTW-aligned MFCC distance, `rendering_distance`: the sharpest check for another
speaker, since both clips say the same words).

    verifier = Verifier(voice)
    audio = list(synthesize(text, voice, config, check=verifier))
    verifier.report()  # every segment's scores and retries, as plain JSON-able data
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from .audio import AudioChunk
from .controls import SynthesisConfig
from .render import SegmentRender
from .render_plan import Piece
from .voice import Voice

log = logging.getLogger(__name__)

MIN_SIMILARITY_SECONDS = 1.0  # shorter segments are too short for a reliable speaker score


@dataclass(frozen=True)
class Thresholds:
    """When a segment passes. Defaults set on a development set of segments and faults
    (benchmarks/verify_loop.py), each midway between the worst clean segment and the most
    clean-looking fault; that script reports them on separate held-out segments and voices.
    """

    max_per: float = 0.31
    """Phoneme error rate of what the recogniser heard against the text (`phoneme_error`;
    CER for text that is not English). Clean segments of the first dev voice reach 0.26
    (the recogniser mishearing the voice), half-missing or wrong audio starts at 0.37;
    with the later dev voice pairs, one short clean phrase of 120 reaches 0.33."""
    min_phoneme_errors: int = 2
    """A segment never fails for fewer phoneme edits than this (a one-word segment with
    one misheard sound is not a fault)."""
    min_consistency: float = 0.67
    """GE2E cosine to the voice as this engine speaks it (see `anchor_embedding`): clean
    segments of the first dev voice score 0.79 or more, another speaker or noise 0.55 or
    less (look-alike dev voice pairs overlap: another speaker up to 0.87, so
    `max_rendering_distance` is the speaker check that separates them)."""
    max_cer: float | None = None
    """Optional extra limits on character / word error rate (always reported; off by
    default: they count the recogniser's spelling choices as errors)."""
    max_wer: float | None = None
    max_rendering_distance: float | None = 24.0
    """Mean DTW-aligned MFCC distance to a fresh rendering of the same text in the same
    voice and settings with another seed (`timbrel.rendering_distance`). Set on dev voices
    only (nine voices cloned from codec2 dev recordings and dev espeak-ng voices, every
    pair, sentences and short phrases): clean segments 13.5-20.1, the same text in another
    cloned voice 27.4 or more; the benchmark's dev set then gave clean up to 22.5, another
    speaker from 27.3. None turns the check (and its extra rendering) off."""
    min_similarity: float = 0.0
    """GE2E cosine to the reference recording (off by default: engines differ in how close
    they get; clean built-in output scores about 0.5-0.65, other voices about 0.45-0.55)."""
    retries: int = 2

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"retries must be 0 or more, got {self.retries}")
        if not 0.0 < self.max_per <= 1.0:
            raise ValueError(f"max_per must be in (0, 1], got {self.max_per}")
        if self.max_rendering_distance is not None and self.max_rendering_distance <= 0:
            raise ValueError("max_rendering_distance must be positive (or None for off), "
                             f"got {self.max_rendering_distance}")


@dataclass
class Attempt:
    seed: int
    adjusted: dict[str, float]
    transcript: str
    wer: float
    cer: float
    per: float
    similarity: float | None
    consistency: float | None
    rendering_distance: float | None
    passed: bool
    reasons: list[str]

    @property
    def badness(self) -> float:
        """For keeping the best of failed attempts: phoneme errors plus how far the voice
        is from typical clean values (consistency 0.9, rendering distance 16)."""
        shortfall = 0.0 if self.consistency is None else max(0.0, 0.9 - self.consistency)
        distance = self.rendering_distance
        excess = 0.0 if distance is None else max(0.0, (distance - 16.0) / 40.0)
        return self.per + shortfall + excess


@dataclass
class SegmentReport:
    index: int
    text: str
    seconds: float = 0.0
    attempts: list[Attempt] = field(default_factory=list)
    chosen: int = 0

    @property
    def flagged(self) -> bool:
        """The first rendering failed the check."""
        return bool(self.attempts) and not self.attempts[0].passed

    @property
    def passed(self) -> bool:
        return bool(self.attempts) and self.attempts[self.chosen].passed

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(flagged=self.flagged, passed=self.passed, retries=len(self.attempts) - 1)
        return data


def retry_settings(settings: SynthesisConfig, index: int, attempt: int
                   ) -> tuple[SynthesisConfig, dict[str, float]]:
    """Settings for the given attempt: the original first, then other seeds; from the
    third attempt on, less sampling noise too (steadier, slightly flatter speech)."""
    if attempt == 0:
        return settings, {}
    seed = zlib.crc32(f"{settings.seed}:{index}:{attempt}".encode())
    adjusted: dict[str, float] = {}
    if attempt >= 2:
        adjusted = {"noise_scale": round(float(settings.noise_scale) * 0.6, 4),
                    "noise_w": round(float(settings.noise_w) * 0.6, 4)}
    return replace(settings, seed=seed, **adjusted), adjusted


def expected_settings(settings: SynthesisConfig, index: int) -> SynthesisConfig:
    """Settings for the second, comparison rendering of segment `index`: the same but for
    a seed no attempt uses."""
    return replace(settings, seed=zlib.crc32(f"{settings.seed}:{index}:expected".encode()))


ANCHOR_TEXT = ("The north wind and the sun were disputing which was the stronger, when a "
               "traveller came along wrapped in a warm cloak.")


def anchor_embedding(voice: Voice, settings: SynthesisConfig) -> np.ndarray:
    """The voice as its engine speaks it with these settings: the GE2E embedding of a fixed
    passage (cached per voice and settings; the seed and target length do not matter)."""
    key = (voice.id, repr(replace(settings, seed=0, duration=None, watermark=False)))
    if key not in _ANCHORS:
        from .engines import get_engine
        from .speaker_encoder import ge2e_embedding

        engine = get_engine(voice.engine)
        chunks = list(engine.synthesize(ANCHOR_TEXT, voice, replace(settings, seed=0,
                                                                     duration=None)))
        samples = np.concatenate([chunk.samples for chunk in chunks])
        if len(_ANCHORS) >= 32:
            _ANCHORS.pop(next(iter(_ANCHORS)))
        _ANCHORS[key] = ge2e_embedding(samples, chunks[0].sample_rate)
    return _ANCHORS[key]


_ANCHORS: dict[tuple[str, str], np.ndarray] = {}


def comparable(text: str, language: str = "en") -> str:
    """Spoken form of a text for error rates (numbers, abbreviations written out)."""
    try:
        from .text.normalize import normalize

        return normalize(text, language)
    except Exception:  # noqa: BLE001 - fall back to the raw text if the front end fails
        log.debug("text normalisation failed for %r; comparing the raw text", text)
        return text


class Verifier:
    """The per-segment hook for `render.synthesize(..., check=Verifier(voice))`."""

    def __init__(self, voice: Voice, thresholds: Thresholds | None = None) -> None:
        self.voice = voice
        self.thresholds = thresholds or Thresholds()
        self.segments: list[SegmentReport] = []

    def __call__(self, piece: Piece, render: SegmentRender, settings: SynthesisConfig
                 ) -> list[AudioChunk]:
        report = SegmentReport(index=piece.index, text=piece.text)
        self.segments.append(report)
        best: list[AudioChunk] = []
        expected = (render(expected_settings(settings, piece.index))
                    if self.thresholds.max_rendering_distance is not None else None)
        for attempt in range(self.thresholds.retries + 1):
            chosen, adjusted = retry_settings(settings, piece.index, attempt)
            chunks = render(chosen)
            anchor = anchor_embedding(self.voice, settings)
            result = self.score(piece.text, chunks, seed=int(chosen.seed), adjusted=adjusted,
                                anchor=anchor, expected=expected)
            report.attempts.append(result)
            if attempt == 0 or result.badness < report.attempts[report.chosen].badness:
                report.chosen, best = attempt, chunks
            if result.passed:
                report.chosen, best = attempt, chunks
                break
            log.info("segment %d failed the check (%s); %s", piece.index,
                     "; ".join(result.reasons),
                     "retrying" if attempt < self.thresholds.retries else "keeping the best")
        report.seconds = sum(chunk.duration for chunk in best)
        return best

    def score(self, text: str, chunks: list[AudioChunk], *, seed: int = 0,
              adjusted: dict[str, float] | None = None, anchor: np.ndarray | None = None,
              expected: list[AudioChunk] | None = None) -> Attempt:
        """Transcribe the segment; compare with its text, the reference, `anchor` and
        `expected` (another rendering of the same text in this voice, see
        `expected_settings`; without it the rendering distance is not judged)."""
        from .metrics import character_error_rate, cosine, word_error_rate
        from .phoneme_error import phoneme_errors
        from .recognizer import transcribe
        from .rendering_distance import rendering_distance

        if chunks:
            samples = np.concatenate([chunk.samples for chunk in chunks])
            rate = chunks[0].sample_rate
        else:
            samples, rate = np.zeros(0, np.float32), 16000
        language = self.voice.language if self.voice.language in ("en", "zh") else "en"
        heard = transcribe(samples, rate) if len(samples) > rate // 10 else ""
        written, said = comparable(text, language), comparable(heard, language)
        wer = word_error_rate(written, said)
        cer = character_error_rate(written, said)
        limits = self.thresholds
        reasons = []
        if language == "en":
            errors = phoneme_errors(written, said)
            per = errors.rate
            if per > limits.max_per and errors.edits >= limits.min_phoneme_errors:
                reasons.append(f"phoneme error rate {per:.2f} > {limits.max_per:.2f}")
        else:
            per = cer
            if per > limits.max_per:
                reasons.append(f"CER {cer:.2f} > {limits.max_per:.2f}")
        embedding = self.embedding(samples, rate)
        similarity = consistency = None
        if embedding is not None:
            similarity = cosine(embedding, np.asarray(self.voice.embedding))
            consistency = None if anchor is None else cosine(embedding, anchor)
        distance = None
        if expected:
            distance = rendering_distance(samples, rate,
                                          np.concatenate([c.samples for c in expected]),
                                          expected[0].sample_rate)
        if limits.max_rendering_distance is not None and distance is not None \
                and distance > limits.max_rendering_distance:
            reasons.append(f"distance to a second rendering {distance:.1f} > "
                           f"{limits.max_rendering_distance:.1f}")
        if limits.max_cer is not None and cer > limits.max_cer:
            reasons.append(f"CER {cer:.2f} > {limits.max_cer:.2f}")
        if limits.max_wer is not None and wer > limits.max_wer:
            reasons.append(f"WER {wer:.2f} > {limits.max_wer:.2f}")
        if similarity is not None and similarity < limits.min_similarity:
            reasons.append(f"speaker similarity {similarity:.2f} < {limits.min_similarity:.2f}")
        if consistency is not None and consistency < limits.min_consistency:
            reasons.append(f"voice consistency {consistency:.2f} < {limits.min_consistency:.2f}")
        return Attempt(seed=seed, adjusted=dict(adjusted or {}), transcript=heard,
                       wer=round(wer, 4), cer=round(cer, 4), per=round(per, 4),
                       similarity=None if similarity is None else round(similarity, 4),
                       consistency=None if consistency is None else round(consistency, 4),
                       rendering_distance=None if distance is None else round(distance, 3),
                       passed=not reasons, reasons=reasons)

    @staticmethod
    def embedding(samples: np.ndarray, rate: int) -> np.ndarray | None:
        """GE2E embedding, or None for clips too short to judge (silence judged as noise)."""
        from .speaker_encoder import ge2e_embedding

        if len(samples) < MIN_SIMILARITY_SECONDS * rate:
            return None
        return ge2e_embedding(samples, rate)

    def report(self) -> dict[str, Any]:
        """Every segment's scores and retries, plus totals."""
        segments = [segment.to_dict() for segment in self.segments]
        return {
            "thresholds": asdict(self.thresholds),
            "segments": segments,
            "flagged": sum(1 for s in self.segments if s.flagged),
            "regenerated": sum(1 for s in self.segments if len(s.attempts) > 1),
            "failed": sum(1 for s in self.segments if not s.passed),
            "passed": all(s.passed for s in self.segments),
        }

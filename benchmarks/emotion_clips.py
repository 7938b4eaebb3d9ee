"""Clips with a known emotion for training and testing the emotion reader
(`timbrel.emotion_reader`): the built-in engine's presets spoken by many voices, plus real
neutral human speech.

Two sets that share no voice and no text:

- **dev** (training): 8 voices (flite slt/rms/kal16, festival kal/slt-hts, espeak-ng f3/m3,
  Asterisk Allison) x 6 texts from `DEV_SENTENCES` x 8 presets, each clip with a random
  intensity (0.8-1.6), pitch variation (0.75-1.5: speakers differ in range), pitch shift
  (+-2 st) and seed; 3 more voices (espeak-ng en-us+f2, en-us+m1, en+f5) x 4 texts
  x 8 presets with pitch variation 0.5-2.0 and shift +-3 st; plus 24 real Allison
  prompts labelled calm. A second round (intensity 0.5-2.0, other texts): the cloning dev
  set's 8 espeak-ng voices x 2 texts, 3 voices enrolled from two dev speakers at once
  x 3 texts (2 for the festival pair: one rendering never finished), and 17 stretches
  of real read speech by codec2 speakers used nowhere else, labelled calm
  (`round2_dev_clips`). `check_split` fails the run if a speaker or a
  sentence is in both sets.
- **held-out** (reported): 5 other voices (the two-speaker codec2 clip the controls
  benchmark uses, flite awb, festival ked, espeak-ng en+f4, codec2 ve9qrp) x the controls
  benchmark's 6 held-out sentences x 8 presets at intensity 1, default pitch; the controls
  benchmark's own 8-clip check (codec2 voice, held-out sentences 1+2, intensity 1.5); and
  real neutral human speech from speakers never trained on (codec2 ve9qrp and vk5qi
  stretches, the four sentences of codec2 speech_orig_16k).

Renderings are cached under benchmarks/results/cache/emotion/<RENDER_VERSION>/ (keyed by
everything the call passes); bump `RENDER_VERSION` after changing the engine, the
conversion or the presets, so stale renderings are never read.

    from emotion_clips import dev_clips, held_out_clips
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import timbrel
from controls import TRAIN_SENTENCES
from targets import (
    ALLISON_DIR,
    ALLISON_HELD_OUT,
    ALLISON_REFERENCE,
    CODEC2_SPEAKERS,
    DEV_HELD_OUT_TEXTS,
    DEV_REFERENCE_SENTENCES,
    DEV_SYNTHETIC_VOICES,
    HELD_OUT_TEXTS,
    SYNTHETIC_VOICES,
    SyntheticVoice,
    allison_target,
    codec2_target,
    decode_g722,
    load_codec2,
    speak,
    synthetic_target,
    trim_silence,
)
from timbrel.prosody import EMOTIONS

HERE = Path(__file__).resolve().parent
# Which engine the cached renderings came from: bump on any change that alters the audio.
RENDER_VERSION = "2026-12-02-corrections-1-16-octave"
CACHE = HERE / "results" / "cache" / "emotion" / RENDER_VERSION

# Harvard sentences, none in targets.HELD_OUT_TEXTS or targets.REFERENCE_SENTENCES.
DEV_SENTENCES = TRAIN_SENTENCES + (  # controls.py's training sentences, then four more
    "It's easy to tell the depth of a well.",
    "Help the woman get back to her feet.",
    "The hogs were fed chopped corn and garbage.",
    "Bail the boat to stop it from sinking.",
)
HELD_OUT_SENTENCES = HELD_OUT_TEXTS[:6]  # as in benchmarks/controls.py
DEV_TEXTS_PER_VOICE = 6  # of 8 drawn (CPU time)
DEV_VOICES = ("flite-slt", "flite-rms", "flite-kal", "festival-kal", "festival-slt-hts",
              "espeak-f3", "espeak-m3", "allison")
# More dev voices, with a wider range of pitch spread: a reference like the two-speaker
# codec2 clip doubles a voice's F0 spread, and the reader must not take that for emotion.
EXTRA_DEV_VOICES = (
    SyntheticVoice("espeak-f2", "f", "espeak-ng", "en-us+f2", "espeak-ng en-us+f2"),
    SyntheticVoice("espeak-m1", "m", "espeak-ng", "en-us+m1", "espeak-ng en-us+m1"),
    SyntheticVoice("espeak-f5", "f", "espeak-ng", "en+f5", "espeak-ng en+f5"),
)
EXTRA_TEXTS_PER_VOICE = 4  # of 6 drawn (CPU time)
EXTRA_PITCH_VARIATION = (0.5, 2.0)
# Second dev round (all disjoint from the held-out voices and texts), intensity 0.5-2.0:
# - the cloning dev set's voices (targets.DEV_SYNTHETIC_VOICES, three of them band-limited);
# - voices enrolled from *two* dev speakers at once (a male and a female synthetic voice
#   saying alternate sentences, no transcript): such a reference gives a voice whose F0
#   spread is about twice a single speaker's, which the reader must not take for emotion;
# - real read speech by speakers used nowhere else (codec2's hts, kristoff, g3plx, ...),
#   labelled calm, so the reader learns what neutral human speech looks like.
ROUND2_TEXTS = DEV_HELD_OUT_TEXTS  # targets' dev texts: in no held-out or reference list
ROUND2_TEXTS_PER_VOICE = 2
PAIRED_DEV_VOICES = (("espeak-m1", "espeak-f2"), ("flite-rms", "flite-slt"),
                     ("festival-kal", "festival-slt-hts"))
ROUND2_INTENSITY = (0.5, 2.0)
# A rendering that never finished (the angry one at intensity 1.77 of this voice's third
# text ran over 10 minutes with no output): that text is left out for this voice.
ROUND2_SKIPPED = {("festival-kal + festival-slt-hts", 2)}
HUMAN_DEV_CLIPS = ("raw/hts.raw", "raw/kristoff.raw", "raw/mmt1.raw", "raw/g3plx.raw",
                   "raw/cq_ref.raw", "raw/big_dog.raw", "raw/cross.raw", "raw/forig.raw",
                   "raw/morig.raw")
HELD_OUT_VOICES = ("codec2-16k (two speakers)", "flite-awb", "festival-ked", "espeak-f4",
                   "codec2-ve9qrp")
CODEC2_16K = "/usr/share/codec2/raw/speech_orig_16k.wav"


@dataclass(frozen=True)
class Clip:
    samples: np.ndarray
    rate: int
    emotion: str
    voice: str
    text: str | None
    source: str  # "engine" (a preset rendering) | "human" (real neutral speech)
    note: str = ""  # e.g. "controls check"


def speakers(voice_name: str) -> frozenset[str]:
    """Who is speaking in a voice's clips: one key per underlying speaker, so flite and
    festival's kal, or espeak-ng's m1 in two accents, count as one speaker."""
    keys = set()
    synthetic = {v.name: v for v in (*SYNTHETIC_VOICES, *EXTRA_DEV_VOICES,
                                     *DEV_SYNTHETIC_VOICES)}
    for name in voice_name.replace(" (recorded)", "").split(" + "):
        voice = synthetic.get(name)
        if voice is None:
            keys.add(name.replace(" (two speakers)", ""))
        elif voice.tool == "espeak-ng":
            keys.add("espeak-" + voice.voice.split("+")[-1])
        else:
            own = voice.voice.removeprefix("voice_").removeprefix("cmu_us_")
            keys.add(own.split("_")[0].removesuffix("16"))
    return frozenset(keys)


def check_split() -> None:
    """Fail unless dev and held-out share no speaker and no sentence, and the controls
    benchmark's 8-clip check (its first voice, its first two held-out sentences) is not in
    the dev set."""
    import controls

    dev = [*DEV_VOICES, *(v.name for v in EXTRA_DEV_VOICES),
           *(v.name for v in DEV_SYNTHETIC_VOICES), *(" + ".join(p) for p in PAIRED_DEV_VOICES),
           *(f"codec2-{Path(p).stem}" for p in HUMAN_DEV_CLIPS)]
    held = [*HELD_OUT_VOICES, *(s.name for s in CODEC2_SPEAKERS), "codec2-16k"]
    dev_speakers = frozenset().union(*map(speakers, dev))
    held_speakers = frozenset().union(*map(speakers, held))
    dev_texts = set(DEV_SENTENCES) | set(ROUND2_TEXTS) | set(DEV_REFERENCE_SENTENCES)
    check_texts = set(controls.HELD_OUT_SENTENCES[:2])
    problems = []
    if dev_speakers & held_speakers:
        problems.append(f"speakers in both sets: {sorted(dev_speakers & held_speakers)}")
    if dev_texts & set(HELD_OUT_SENTENCES):
        problems.append(f"sentences in both sets: {sorted(dev_texts & set(HELD_OUT_SENTENCES))}")
    if check_texts & dev_texts or "codec2-16k" in dev_speakers:
        problems.append("the controls benchmark's clip check is in the dev set")
    if {Path(p).stem for p in HUMAN_DEV_CLIPS} & {"ve9qrp", "ve9qrp_10s", "vk5qi",
                                                  "speech_orig_16k", "all"}:
        problems.append("a held-out recording is among the dev recordings")
    if problems:
        raise SystemExit("emotion clip split is not clean: " + "; ".join(problems))


def _voice(name: str) -> timbrel.Voice:
    if name == "codec2-16k (two speakers)":  # enrolled exactly as benchmarks/controls.py does
        return timbrel.enroll(CODEC2_16K, transcript="", engine="builtin")
    if " + " in name:
        return _paired_voice(*name.split(" + "))
    extra = {voice.name: voice for voice in (*EXTRA_DEV_VOICES, *DEV_SYNTHETIC_VOICES)}
    if name == "allison":
        target = allison_target(1)
    elif name in extra:
        target = synthetic_target(extra[name], ())
    elif name.startswith("codec2-"):
        target = codec2_target(next(s for s in CODEC2_SPEAKERS if s.name == name))
    else:
        target = synthetic_target(next(v for v in SYNTHETIC_VOICES if v.name == name), ())
    return timbrel.enroll((target.reference, target.reference_rate),
                          transcript=target.reference_text, engine="builtin")


def _paired_voice(first: str, second: str) -> timbrel.Voice:
    """A voice enrolled from two speakers saying alternate dev reference sentences."""
    from timbrel.audio import resample

    known = {voice.name: voice for voice in (*SYNTHETIC_VOICES, *EXTRA_DEV_VOICES)}
    pieces, rate = [], None
    for index, sentence in enumerate(DEV_REFERENCE_SENTENCES):
        samples, own_rate = speak(known[(first, second)[index % 2]], sentence)
        rate = rate or own_rate
        if own_rate != rate:
            samples = resample(samples, own_rate, rate)
        if pieces:
            pieces.append(np.zeros(int(0.3 * rate), np.float32))
        pieces.append(np.asarray(samples, np.float32))
    return timbrel.enroll((np.concatenate(pieces), rate), transcript="", engine="builtin")


def _rendered(voice_name: str, voices: dict, text: str, settings: dict) -> tuple[np.ndarray, int]:
    key = hashlib.sha1(json.dumps([voice_name, text, settings], sort_keys=True).encode())
    path = CACHE / f"{key.hexdigest()[:16]}.npz"
    if path.exists():
        stored = np.load(path)
        return stored["samples"], int(stored["rate"])
    if voice_name not in voices:
        voices[voice_name] = _voice(voice_name)
    samples, rate = timbrel.synthesize_to_array(
        text, voices[voice_name], timbrel.SynthesisConfig(watermark=False, **settings))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, samples=samples.astype(np.float32), rate=rate)
    partial.replace(path)
    return samples, rate


def dev_clips() -> Iterator[Clip]:
    rng = np.random.default_rng(2026)
    voices: dict = {}
    for v_index, voice_name in enumerate(DEV_VOICES):
        for k in range(8):
            text = DEV_SENTENCES[(v_index + k) % len(DEV_SENTENCES)]
            if k % 2:  # half the clips are two sentences long
                text += " " + DEV_SENTENCES[(v_index + k + 5) % len(DEV_SENTENCES)]
            for emotion in EMOTIONS:
                settings = {"emotion": emotion,
                            "emotion_intensity": round(float(rng.uniform(0.8, 1.6)), 2),
                            "pitch_variation": round(float(rng.uniform(0.75, 1.5)), 2),
                            "pitch_shift": round(float(rng.uniform(-2.0, 2.0)), 1),
                            "seed": int(rng.integers(1000))}
                if k >= DEV_TEXTS_PER_VOICE:
                    continue  # settings still drawn: the cache keys stay the same
                samples, rate = _rendered(voice_name, voices, text, settings)
                yield Clip(samples, rate, emotion, voice_name, text, "engine")
    rng = np.random.default_rng(2027)
    for v_index, voice_name in enumerate(voice.name for voice in EXTRA_DEV_VOICES):
        for k in range(DEV_TEXTS_PER_VOICE):
            text = DEV_SENTENCES[(v_index + 2 * k) % len(DEV_SENTENCES)]
            if k % 2:
                text += " " + DEV_SENTENCES[(v_index + 2 * k + 7) % len(DEV_SENTENCES)]
            for emotion in EMOTIONS:
                settings = {"emotion": emotion,
                            "emotion_intensity": round(float(rng.uniform(0.8, 1.6)), 2),
                            "pitch_variation": round(float(rng.uniform(
                                *EXTRA_PITCH_VARIATION)), 2),
                            "pitch_shift": round(float(rng.uniform(-3.0, 3.0)), 1),
                            "seed": int(rng.integers(1000))}
                if k >= EXTRA_TEXTS_PER_VOICE:
                    continue
                samples, rate = _rendered(voice_name, voices, text, settings)
                yield Clip(samples, rate, emotion, voice_name, text, "engine")
    for name in _allison_calm_prompts(24):
        samples, rate = decode_g722(ALLISON_DIR / f"{name}.g722")
        yield Clip(trim_silence(samples, rate), rate, "calm", "allison (recorded)", None,
                   "human")
    yield from round2_dev_clips()


def round2_dev_clips() -> Iterator[Clip]:
    """The second dev round (see ROUND2_TEXTS above)."""
    rng = np.random.default_rng(2028)
    voices: dict = {}
    names = [voice.name for voice in DEV_SYNTHETIC_VOICES]
    names += [" + ".join(pair) for pair in PAIRED_DEV_VOICES]
    for v_index, voice_name in enumerate(names):
        paired = " + " in voice_name
        for k in range(ROUND2_TEXTS_PER_VOICE + paired):
            text = ROUND2_TEXTS[(3 * v_index + k) % len(ROUND2_TEXTS)]
            if k % 2:
                text += " " + ROUND2_TEXTS[(3 * v_index + k + 4) % len(ROUND2_TEXTS)]
            for emotion in EMOTIONS:
                settings = {"emotion": emotion,
                            "emotion_intensity": round(float(rng.uniform(*ROUND2_INTENSITY)), 2),
                            "seed": int(rng.integers(1000))}
                if not paired:
                    settings["pitch_variation"] = round(float(rng.uniform(0.6, 1.6)), 2)
                if (voice_name, k) in ROUND2_SKIPPED:
                    continue
                samples, rate = _rendered(voice_name, voices, text, settings)
                yield Clip(samples, rate, emotion, voice_name, text, "engine")
    for relative in HUMAN_DEV_CLIPS:
        samples, rate = load_codec2(relative)
        name = f"codec2-{Path(relative).stem} (recorded)"
        for start, end in _sentences(samples, rate):
            yield Clip(samples[start:end], rate, "calm", name, None, "human")


def held_out_clips() -> Iterator[Clip]:
    voices: dict = {}
    for voice_name in HELD_OUT_VOICES:
        for text in HELD_OUT_SENTENCES:
            for emotion in EMOTIONS:
                samples, rate = _rendered(voice_name, voices, text, {"emotion": emotion})
                yield Clip(samples, rate, emotion, voice_name, text, "engine")
    check_text = HELD_OUT_SENTENCES[0] + " " + HELD_OUT_SENTENCES[1]
    for emotion in EMOTIONS:  # benchmarks/controls.py's "emotion from a clip" check
        samples, rate = _rendered(HELD_OUT_VOICES[0], voices, check_text,
                                  {"emotion": emotion, "emotion_intensity": 1.5})
        yield Clip(samples, rate, emotion, HELD_OUT_VOICES[0], check_text, "engine",
                   "controls check")
    yield from human_neutral_clips()


def with_telephone_copies(clips: list[Clip], every: int = 3) -> list[Clip]:
    """The clips plus a telephone-band copy (8 kHz, 300-3400 Hz) of every `every`-th
    engine clip: most real neutral speech here is telephone-band while the engine's is
    wideband, and the reader must not learn "narrowband means calm"."""
    from scipy.signal import butter, sosfiltfilt

    from timbrel.audio import resample

    sos = butter(4, [300.0, 3400.0], btype="band", fs=8000, output="sos")
    copies = []
    for index, clip in enumerate(c for c in clips if c.source == "engine"):
        if index % every == 0:
            narrow = sosfiltfilt(sos, resample(clip.samples, clip.rate, 8000))
            copies.append(Clip(narrow.astype(np.float32), 8000, clip.emotion, clip.voice,
                               clip.text, clip.source, "telephone copy"))
    return [*clips, *copies]


def human_neutral_clips() -> Iterator[Clip]:
    """Real read speech by speakers never trained on: codec2 radio amateurs (8 kHz) and the
    four sentences of speech_orig_16k (two speakers)."""
    from timbrel.audio import load_audio

    for speaker in CODEC2_SPEAKERS:
        target = codec2_target(speaker)
        for piece in [target.reference, *target.truth]:
            yield Clip(piece, target.truth_rate, "calm", f"{speaker.name} (recorded)", None,
                       "human")
    samples, rate = load_audio(CODEC2_16K)
    for start, end in _sentences(samples, rate):
        yield Clip(samples[start:end], rate, "calm", "codec2-16k (recorded)", None, "human")


def _sentences(samples: np.ndarray, rate: int, gap_seconds: float = 0.3
               ) -> list[tuple[int, int]]:
    """Spans of speech separated by pauses of at least `gap_seconds` (20 ms frames)."""
    hop = int(0.02 * rate)
    frames = len(samples) // hop
    energy = 10 * np.log10(np.mean(samples[: frames * hop].reshape(frames, hop) ** 2, 1)
                           + 1e-12)
    speech = energy > energy.max() - 35
    spans, start, quiet = [], None, 0
    for index, loud in enumerate(speech):
        if loud:
            if start is None:
                start = index
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet * 0.02 >= gap_seconds:
                spans.append((start * hop, (index - quiet + 1) * hop))
                start, quiet = None, 0
    if start is not None:
        spans.append((start * hop, frames * hop))
    return [(a, b) for a, b in spans if (b - a) / rate >= 1.0]


def _allison_calm_prompts(count: int) -> list[str]:
    """The longest Allison prompts not used as the allison voice's reference or truth."""
    excluded = set(ALLISON_REFERENCE) | set(ALLISON_HELD_OUT)
    names = sorted((p.stat().st_size, p.stem) for p in ALLISON_DIR.glob("*.g722")
                   if p.stem not in excluded)
    return [name for _, name in reversed(names[-count:])]


if __name__ == "__main__":  # fill the cache
    import sys
    import time

    started = time.perf_counter()
    for label, clips in (("dev", dev_clips), ("held-out", held_out_clips)):
        n = sum(1 for _ in clips())
        print(f"{label}: {n} clips ({time.perf_counter() - started:.0f} s)", flush=True)
    sys.exit(0)

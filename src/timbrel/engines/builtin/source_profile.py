"""The Piper joe voice's own speaker profile, measured once and cached on disk."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

import numpy as np

from .conversion import SpeakerProfile, speaker_profile
from .piper_model import PiperModel, PiperScales
from .profile_cache import cache_dir, read_profile, write_profile

log = logging.getLogger(__name__)

PROFILE_VERSION = 3
LENGTH_SCALES = (0.35, 0.45, 0.6, 0.8, 1.0, 1.25, 1.6, 2.0, 2.6, 3.2)
PROFILE_SENTENCES = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It's easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "The hogs were fed chopped corn and garbage.",
    "Four hours of steady work faced us.",
    "A large size in stockings is hard to sell.",
    "When the sunlight strikes raindrops in the air, they act as a prism.",
    "Please call Stella and ask her to bring these things with her from the store.",
)


def measure_source_profile(model: PiperModel) -> SpeakerProfile:
    rng = np.random.default_rng(0)
    pieces, ids = [], 0
    for sentence in PROFILE_SENTENCES:
        for phonemes in model.phonemize(sentence):
            phoneme_ids = model.phoneme_ids(phonemes)
            ids += len(phoneme_ids)
            pieces.append(model.synthesize_ids(phoneme_ids, PiperScales(), rng))
    audio = np.concatenate(pieces)
    profile = speaker_profile(audio, model.sample_rate)
    seconds_per_id = len(audio) / model.sample_rate / ids
    return replace(profile, seconds_per_id=seconds_per_id, length_curve=length_curve(model))


def length_curve(model: PiperModel) -> np.ndarray:
    """How Piper's output length responds to its length scale (not linearly: every
    phoneme lasts at least one frame). Row 0: length scales; row 1: length ratio to 1.0."""
    totals = []
    for scale in LENGTH_SCALES:
        samples = 0
        for index, sentence in enumerate(PROFILE_SENTENCES[:6]):
            ids = model.phoneme_ids(model.phonemize(sentence)[0])
            rng = np.random.default_rng([0, index])
            samples += len(model.synthesize_ids(ids, PiperScales(length=scale), rng))
        totals.append(samples)
    totals_array = np.asarray(totals, dtype=float)
    return np.stack([np.asarray(LENGTH_SCALES), totals_array / totals_array[4]])


def load_source_profile(model: PiperModel) -> SpeakerProfile:
    """The cached profile for this model file, measured (about 4 s) when missing."""
    digest = hashlib.sha256(model.model_path.read_bytes()[:1_000_000]).hexdigest()[:12]
    path = cache_dir() / f"source-profile-v{PROFILE_VERSION}-{digest}.npz"
    cached = read_profile(path)
    if cached is not None:
        return cached
    profile = measure_source_profile(model)
    write_profile(path, profile)
    return profile

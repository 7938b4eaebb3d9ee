"""The Mandarin (Baker) voice's speaker profile, measured once and cached on disk.

Conversion needs the source speaker's pitch, formants and long-term spectrum; enrollment
stores parameters for the Piper source only, so Mandarin parameters are derived at
synthesis time from this profile and the voice's reference (`target_profile`).
"""

from __future__ import annotations

import hashlib
import logging

import numpy as np

from .conversion import SpeakerProfile, speaker_profile
from .mandarin_model import MandarinModel
from .profile_cache import cache_dir, read_profile, write_profile
from .source_profile import PROFILE_VERSION as SOURCE_PROFILE_VERSION

log = logging.getLogger(__name__)

PROFILE_VERSION = 1
"""Part of the cache name, with the Piper profile's version: bumping either re-measures."""

# Tone-numbered pinyin (sandhi applied), so the profile does not move when G2P changes.
PROFILE_SENTENCES = (
    "jin1 tian1 tian1 qi4 hen2 hao3 , wo3 men5 qu4 gong1 yuan2 san4 bu4 ba5",
    "ta1 mei3 tian1 zao3 shang5 dou1 he1 yi4 bei1 re4 niu2 nai3",
    "zhe4 ge4 cheng2 shi4 de5 jiao1 tong1 fei1 chang2 fang1 bian4",
    "qing2 ba3 chuang1 hu4 da3 kai1 , rang4 xin1 xian1 kong1 qi4 jin4 lai2",
    "xiao3 peng2 you3 men5 zai4 cao3 di4 shang4 kuai4 le4 de5 wan2 shua3",
    "ta1 shuo1 ming2 tian1 yao4 qu4 yin2 hang2 ban4 li3 ye4 wu4",
    "zhong1 guo2 you3 wu3 qian1 duo1 nian2 de5 li4 shi3",
    "yu3 hou4 de5 tian1 kong1 chu1 xian4 le5 yi2 dao4 mei3 li4 de5 cai3 hong2",
)


def measure_mandarin_profile(model: MandarinModel, sample_rate: int) -> SpeakerProfile:
    """Profile of the Mandarin voice as the engine uses it (resampled to `sample_rate`)."""
    from ...audio import resample
    from .baker_symbols import to_ids

    pieces = [model.synthesize_ids(to_ids(sentence.split())) for sentence in PROFILE_SENTENCES]
    audio = resample(np.concatenate(pieces), model.sample_rate, sample_rate)
    return speaker_profile(audio, sample_rate)


def load_mandarin_profile(model: MandarinModel, sample_rate: int) -> SpeakerProfile:
    """The cached profile for these model files, measured (a few seconds) when missing."""
    digest = hashlib.sha256()
    for name in ("fastspeech2_quan.tflite", "mb_melgan.tflite"):
        with open(model.assets / name, "rb") as handle:
            digest.update(handle.read(1_000_000))
    version = f"{PROFILE_VERSION}.{SOURCE_PROFILE_VERSION}"
    path = cache_dir() / (f"mandarin-profile-v{version}-{sample_rate}-"
                          f"{digest.hexdigest()[:12]}.npz")
    cached = read_profile(path)
    if cached is not None:
        return cached
    profile = measure_mandarin_profile(model, sample_rate)
    write_profile(path, profile)
    return profile

"""Speaker profiles of the built-in source voices, cached on disk between runs."""

from __future__ import annotations

import logging
import os
from dataclasses import fields
from pathlib import Path

import numpy as np

from .conversion import SpeakerProfile

log = logging.getLogger(__name__)


CACHE_ENV = "TIMBREL_CACHE_DIR"


def cache_dir() -> Path:
    """$TIMBREL_CACHE_DIR, else $XDG_CACHE_HOME/timbrel, else ~/.cache/timbrel."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "timbrel"


def read_profile(path: Path) -> SpeakerProfile | None:
    """The cached profile, or None when missing or unreadable (it is then re-measured)."""
    if not path.is_file():
        return None
    try:
        with np.load(path) as data:
            values = {}
            for item in fields(SpeakerProfile):
                if item.name in data:
                    value = data[item.name]
                    values[item.name] = value if value.ndim else float(value)
            return SpeakerProfile(**values)
    except (OSError, KeyError, ValueError, TypeError) as error:
        log.warning("ignoring unreadable profile cache %s (%s)", path, error)
        return None


def write_profile(path: Path, profile: SpeakerProfile) -> None:
    """Cache a profile atomically; a failure only costs re-measuring next time."""
    values = {item.name: getattr(profile, item.name) for item in fields(SpeakerProfile)
              if getattr(profile, item.name) is not None}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **values)
        os.replace(tmp, path)
    except OSError as error:
        log.warning("could not cache the speaker profile in %s (%s)", path, error)

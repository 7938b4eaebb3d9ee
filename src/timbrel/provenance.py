"""Provenance tags written into the files timbrel produces, and read back.

Every output file gets a `comment` tag (wav INFO, flac/ogg Vorbis comment, mp3 ID3)
of `key=value` pairs separated by "; ", e.g.

    generator=timbrel 0.1.0; voice=3f2a9c0d1b7e5a44; created=2025-01-01T12:00:00+00:00;
    watermark=perth-implicit

`watermark=off` says the user turned the mark off for that file. Tags are a courtesy
that any editor can strip; the watermark is what survives re-encoding.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .voice import Voice

log = logging.getLogger(__name__)

GENERATOR = f"timbrel {__version__}"
WATERMARK_OFF = "off"


def file_metadata(voice: Voice, *, watermark: str | None, created: str | None = None
                  ) -> dict[str, str]:
    """Tags for a synthesised file; `watermark` is the mark's name, or None when off."""
    created = created or datetime.now(timezone.utc).isoformat(timespec="seconds")
    fields = {
        "generator": GENERATOR,
        "voice": voice.id,
        "created": created,
        "watermark": watermark or WATERMARK_OFF,
    }
    return {
        "software": GENERATOR,
        "date": created,
        "comment": "; ".join(f"{key}={value}" for key, value in fields.items()),
    }


def parse_comment(comment: str) -> dict[str, str]:
    """The `key=value` pairs of a comment tag (other text is ignored)."""
    pairs = {}
    for part in comment.split(";"):
        key, sep, value = part.partition("=")
        if sep and key.strip():
            pairs[key.strip()] = value.strip()
    return pairs


def read_provenance(path: str | os.PathLike[str]) -> dict[str, str]:
    """Our provenance tags from a file, or {} when it has none (or they were stripped)."""
    tags = _read_tags(Path(path))
    pairs = parse_comment(tags.get("comment", ""))
    return pairs if pairs.get("generator", "").startswith("timbrel") else {}


def _read_tags(path: Path) -> dict[str, str]:
    try:
        import soundfile

        with soundfile.SoundFile(str(path)) as handle:
            tags = handle.copy_metadata()
        if tags.get("comment"):
            return tags
    except Exception as error:  # noqa: BLE001 - not a libsndfile format; try FFmpeg
        log.debug("%s: libsndfile reads no tags (%s)", path, error)
    try:
        import av

        with av.open(str(path)) as container:
            tags = dict(container.metadata)
            for stream in container.streams:
                tags.update(stream.metadata)
        return {key.lower(): value for key, value in tags.items()}
    except Exception as error:  # noqa: BLE001 - tags are optional
        log.debug("%s: no readable tags (%s)", path, error)
        return {}

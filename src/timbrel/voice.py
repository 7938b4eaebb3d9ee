"""The `Voice` value: everything needed to speak in one person's voice, saved as one file.

A voice file is a zip archive holding `voice.json` (format version, engine, transcript,
language, provenance, defaults, lexicon, scalar engine parameters) and `.npy` arrays
(speaker embedding, cleaned reference audio, array engine parameters). Values survive a
save/load round trip exactly, so a loaded voice speaks bit-identically to a fresh one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

FORMAT_VERSION = 1
FILE_SUFFIX = ".tvoice"


class VoiceFileError(ValueError):
    """A voice file is missing, corrupt or from an unsupported format version."""


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Voice:
    """An enrolled voice. Immutable: derive changed copies with `with_changes`."""

    engine: str
    engine_version: str
    params: MappingProxyType
    embedding: np.ndarray
    reference: np.ndarray
    reference_rate: int
    transcript: str
    language: str
    source_hash: str
    created: str
    consent: str = ""
    reference_info: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    defaults: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    lexicon: tuple = ()
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        params = {
            key: _frozen(value) if isinstance(value, np.ndarray) else value
            for key, value in dict(self.params).items()
        }
        object.__setattr__(self, "params", MappingProxyType(params))
        object.__setattr__(self, "embedding", _frozen(np.asarray(self.embedding, np.float32)))
        object.__setattr__(self, "reference", _frozen(np.asarray(self.reference, np.float32)))
        object.__setattr__(self, "reference_info", MappingProxyType(dict(self.reference_info)))
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))
        object.__setattr__(self, "lexicon", tuple(self.lexicon))

    @property
    def id(self) -> str:
        """A short content hash: equal for a voice and its saved-then-loaded copy."""
        digest = hashlib.sha256()
        digest.update(self.engine.encode())
        digest.update(self.source_hash.encode())
        digest.update(self.embedding.tobytes())
        for key in sorted(self.params):
            value = self.params[key]
            digest.update(key.encode())
            is_array = isinstance(value, np.ndarray)
            digest.update(value.tobytes() if is_array else repr(value).encode())
        return digest.hexdigest()[:16]

    @property
    def reference_seconds(self) -> float:
        return len(self.reference) / float(self.reference_rate)

    def with_changes(self, **changes: Any) -> Voice:
        return replace(self, **changes)

    def summary(self) -> dict[str, Any]:
        """JSON-friendly description (no arrays)."""
        return {
            "id": self.id,
            "engine": f"{self.engine} {self.engine_version}",
            "language": self.language,
            "transcript": self.transcript,
            "reference_seconds": round(self.reference_seconds, 2),
            "source_hash": self.source_hash,
            "created": self.created,
            "consent": self.consent,
            "reference_checks": dict(self.reference_info),
            "defaults": dict(self.defaults),
            "lexicon_entries": len(self.lexicon),
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the voice to one file, atomically."""
        path = Path(path)
        arrays = {"embedding": self.embedding, "reference": self.reference}
        scalar_params = {}
        for key, value in self.params.items():
            if isinstance(value, np.ndarray):
                arrays[f"param.{key}"] = value
            else:
                scalar_params[key] = value
        meta = {
            "format_version": self.format_version,
            "kind": "timbrel-voice",
            "engine": self.engine,
            "engine_version": self.engine_version,
            "params": scalar_params,
            "reference_rate": self.reference_rate,
            "transcript": self.transcript,
            "language": self.language,
            "source_hash": self.source_hash,
            "created": self.created,
            "consent": self.consent,
            "reference_info": dict(self.reference_info),
            "defaults": dict(self.defaults),
            "lexicon": list(self.lexicon),
            "arrays": sorted(arrays),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED,
                                 compresslevel=1) as archive:
                archive.writestr("voice.json", json.dumps(meta, indent=1, ensure_ascii=False))
                for name, array in arrays.items():
                    buffer = io.BytesIO()
                    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
                    archive.writestr(f"{name}.npy", buffer.getvalue())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Voice:
        """Read a voice file; `VoiceFileError` names what is wrong with it."""
        path = Path(path)
        if not path.is_file():
            raise VoiceFileError(f"{path}: no such voice file")
        try:
            with zipfile.ZipFile(path) as archive:
                meta = json.loads(archive.read("voice.json"))
                if meta.get("kind") != "timbrel-voice":
                    raise VoiceFileError(f"{path}: not a timbrel voice file")
                version = meta.get("format_version")
                if version != FORMAT_VERSION:
                    raise VoiceFileError(
                        f"{path}: voice format version {version} is not supported "
                        f"(this timbrel reads version {FORMAT_VERSION})"
                    )
                arrays = {
                    name: np.load(io.BytesIO(archive.read(f"{name}.npy")), allow_pickle=False)
                    for name in meta["arrays"]
                }
        except VoiceFileError:
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise VoiceFileError(f"{path}: corrupt voice file ({error})") from error
        params = dict(meta["params"])
        for name, array in arrays.items():
            if name.startswith("param."):
                params[name.removeprefix("param.")] = array
        return cls(
            engine=meta["engine"],
            engine_version=meta["engine_version"],
            params=MappingProxyType(params),
            embedding=arrays["embedding"],
            reference=arrays["reference"],
            reference_rate=int(meta["reference_rate"]),
            transcript=meta["transcript"],
            language=meta["language"],
            source_hash=meta["source_hash"],
            created=meta["created"],
            consent=meta.get("consent", ""),
            reference_info=MappingProxyType(meta.get("reference_info", {})),
            defaults=MappingProxyType(meta.get("defaults", {})),
            lexicon=tuple(meta.get("lexicon", [])),
            format_version=version,
        )

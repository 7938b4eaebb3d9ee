"""The voice library: named voices as files in a folder, indexed in SQLite.

Layout: `<root>/voices/<name>.tvoice` plus `<root>/index.sqlite`. Voice files are
written atomically before the index row is committed; a corrupt or missing file is
reported per voice and never breaks listing the others.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .voice import FILE_SUFFIX, Voice, VoiceFileError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS voices (
    name TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    voice_id TEXT NOT NULL,
    engine TEXT NOT NULL,
    language TEXT NOT NULL,
    created TEXT NOT NULL,
    consent TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    reference_seconds REAL NOT NULL
)
"""


class LibraryError(ValueError):
    """A library operation failed: unknown voice, bad name, name taken."""


@dataclass(frozen=True)
class VoiceEntry:
    """One row of `list()`: the index data plus whether the file is readable."""

    name: str
    voice_id: str
    engine: str
    language: str
    created: str
    consent: str
    reference_seconds: float
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def default_library_path() -> Path:
    if os.environ.get("TIMBREL_HOME"):
        return Path(os.environ["TIMBREL_HOME"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "timbrel"


class VoiceLibrary:
    """Named voices in a folder."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else default_library_path()
        self.voice_dir = self.root / "voices"

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.voice_dir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.root / "index.sqlite", timeout=30)
        try:
            connection.execute(SCHEMA)
            with connection:
                yield connection
        finally:
            connection.close()

    @staticmethod
    def check_name(name: str) -> str:
        if not NAME_PATTERN.match(name or ""):
            raise LibraryError(
                f"bad voice name {name!r}: use 1-64 letters, digits, '_', '-' or '.', "
                "starting with a letter or digit"
            )
        return name

    def path_for(self, name: str) -> Path:
        return self.voice_dir / f"{self.check_name(name)}{FILE_SUFFIX}"

    def add(self, name: str, voice: Voice, *, overwrite: bool = False) -> Path:
        """Store `voice` under `name` (file first, atomically, then the index row)."""
        path = self.path_for(name)
        with self._db() as db:
            exists = db.execute("SELECT 1 FROM voices WHERE name = ?", (name,)).fetchone()
            if exists and not overwrite:
                raise LibraryError(f"a voice named '{name}' already exists (use --force)")
            voice.save(path)
            db.execute(
                "INSERT OR REPLACE INTO voices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, path.name, voice.id, voice.engine, voice.language, voice.created,
                 voice.consent, voice.source_hash, voice.reference_seconds),
            )
        return path

    def get(self, name: str) -> Voice:
        path = self.path_for(name)
        with self._db() as db:
            row = db.execute("SELECT file FROM voices WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = ", ".join(entry.name for entry in self.list()) or "none"
            raise LibraryError(f"no voice named '{name}' (known voices: {known})")
        return Voice.load(self.voice_dir / row[0] if row[0] else path)

    def list(self) -> list[VoiceEntry]:
        """Every indexed voice; unreadable files are reported in `problem`, not raised."""
        with self._db() as db:
            rows = db.execute(
                "SELECT name, file, voice_id, engine, language, created, consent, "
                "reference_seconds FROM voices ORDER BY name"
            ).fetchall()
        entries = []
        for name, file, voice_id, engine, language, created, consent, seconds in rows:
            problem = ""
            try:
                Voice.load(self.voice_dir / file)
            except VoiceFileError as error:
                problem = str(error)
            entries.append(VoiceEntry(name, voice_id, engine, language, created, consent,
                                      float(seconds), problem))
        return entries

    def remove(self, name: str) -> None:
        path = self.path_for(name)
        with self._db() as db:
            deleted = db.execute("DELETE FROM voices WHERE name = ?", (name,)).rowcount
            if not deleted:
                raise LibraryError(f"no voice named '{name}'")
            path.unlink(missing_ok=True)

    def __contains__(self, name: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM voices WHERE name = ?", (name,)).fetchone() is not None

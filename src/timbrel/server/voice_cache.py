"""Recently used voices, kept loaded; a voice file changed or removed on disk is reloaded.

Used only from the engine worker thread (no locking): loading there, rather than in a
pool of threads, also keeps the server's memory from spreading over per-thread arenas.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from ..library import VoiceLibrary
from ..voice import Voice


class VoiceCache:
    def __init__(self, library: VoiceLibrary, size: int = 8) -> None:
        self.library = library
        self.size = size
        self._voices: OrderedDict[str, tuple[tuple[int, int, int], Voice]] = OrderedDict()

    def get(self, name: str) -> Voice:
        path = self.library.path_for(name)  # LibraryError for a bad name
        try:
            info = os.stat(path)
            signature = (info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            signature = None
        cached = self._voices.get(name)
        if signature is not None and cached is not None and cached[0] == signature:
            self._voices.move_to_end(name)
            return cached[1]
        voice = self.library.get(name)  # LibraryError (404) for an unknown voice
        if signature is not None:
            self._voices[name] = (signature, voice)
            while len(self._voices) > self.size:
                self._voices.popitem(last=False)
        return voice

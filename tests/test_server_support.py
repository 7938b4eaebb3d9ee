"""Helpers for the server tests (no tests here): a real uvicorn server on a loopback port.

The server runs in a thread of the test process, so the engine (loaded once per process)
and the session's enrolled `voice` fixture are shared by every server the tests start.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

REFERENCE_WAV = Path("/usr/share/codec2/raw/speech_orig_16k.wav")
TRANSCRIPT = "A rainbow is a division of white light into many beautiful colours."


class LiveServer:
    """`with LiveServer(app) as server:` serves `app` on 127.0.0.1:<free port>."""

    def __init__(self, app, start_timeout: float = 120.0) -> None:
        self.app = app
        self.start_timeout = start_timeout
        self.url = ""

    def __enter__(self) -> LiveServer:
        uvicorn = pytest.importorskip("uvicorn")
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.socket.close()


def library_with_voice(root: Path, voice, name: str = "rainbow"):
    """A fresh voice library holding the session's enrolled voice under `name`."""
    from timbrel import VoiceLibrary

    library = VoiceLibrary(root)
    library.add(name, voice)
    return library

"""What the routes share, kept on `app.state.timbrel` (never in module globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from ..library import VoiceLibrary
from .jobs import EngineQueue
from .limits import ServerLimits
from .voice_cache import VoiceCache


@dataclass
class ServerState:
    library: VoiceLibrary
    limits: ServerLimits
    engines: EngineQueue
    api_key_required: bool
    voices: VoiceCache
    engine_ready: bool = False


def server_state(request: Request) -> ServerState:
    return request.app.state.timbrel


State = Annotated[ServerState, Depends(server_state)]

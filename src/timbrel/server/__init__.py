"""The HTTP server: an OpenAI-compatible speech API, voice management and the web studio.

Build the app with `create_app(...)`; nothing starts until a server (uvicorn) runs it.
Needs the `server` extra: `pip install 'timbrel[server]'`.
"""

from .app import create_app
from .limits import ServerLimits

__all__ = ["ServerLimits", "create_app"]

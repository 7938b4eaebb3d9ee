"""`timbrel serve` (the HTTP API) and `timbrel ui` (the same server, opening the studio)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
import webbrowser

from .common import add_library_flag

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="run the OpenAI-compatible HTTP API (and the web studio)",
        description="Serve POST /v1/audio/speech, /v1/voices and the studio at /studio/.")
    ui = subparsers.add_parser("ui", help="run the server and open the web studio",
                               description="Start the server and open the studio in a browser.")
    for parser in (serve, ui):
        parser.add_argument("--host", default="127.0.0.1",
                            help="address to bind (default 127.0.0.1: this machine only)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--api-key", default=None,
                            help="require 'Authorization: Bearer KEY' (default: "
                                 "$TIMBREL_API_KEY; no key when neither is set)")
        parser.add_argument("--max-text", type=int, default=4000, metavar="CHARS",
                            help="longest text accepted (default 4000)")
        parser.add_argument("--max-upload-mb", type=float, default=20.0, metavar="MB",
                            help="largest upload accepted (default 20)")
        parser.add_argument("--max-queue", type=int, default=32, metavar="JOBS",
                            help="engine jobs allowed to wait before 429 (default 32)")
        add_library_flag(parser)
    serve.set_defaults(func=run_serve, open_browser=False)
    ui.add_argument("--no-browser", dest="open_browser", action="store_false",
                    help="print the studio's address instead of opening a browser")
    ui.set_defaults(func=run_serve, open_browser=True)


def open_when_ready(health_url: str, page_url: str, timeout: float = 180.0) -> None:
    """Open the studio once the server answers /health (the engine loads first)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(health_url, timeout=2):
                webbrowser.open(page_url)
                return
        except OSError:
            time.sleep(0.5)
    log.warning("the server did not answer in %.0f s; open %s yourself", timeout, page_url)


def run_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..server import ServerLimits, create_app
    except ImportError as error:
        print(f"error: the server needs extra packages ({error.name}): "
              "pip install 'timbrel[server]'", file=sys.stderr)
        return 1
    api_key = args.api_key or os.environ.get("TIMBREL_API_KEY") or None
    if args.host not in LOOPBACK and not api_key:
        log.warning("serving on %s without an API key: anyone who can reach this address "
                    "can use and change your voices (set --api-key)", args.host)
    limits = ServerLimits(max_text_chars=args.max_text,
                          max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
                          max_pending_jobs=args.max_queue)
    app = create_app(args.library, api_key=api_key, limits=limits)
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    studio = f"http://{shown_host}:{args.port}/studio/"
    print(f"timbrel: API at http://{shown_host}:{args.port}/v1, studio at {studio}, "
          f"schema at http://{shown_host}:{args.port}/openapi.json")
    if args.open_browser:
        health = f"http://{shown_host}:{args.port}/health"
        threading.Thread(target=open_when_ready, args=(health, studio), daemon=True).start()
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0

"""Request limits for the server, one frozen value passed to `create_app`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class ServerLimits:
    """How much a request may ask for, and how many engine jobs may wait."""

    max_text_chars: int = 4000
    """Longest `input` accepted by `/v1/audio/speech` (OpenAI's own limit is 4096)."""
    max_upload_bytes: int = 20 * 1024 * 1024
    """Largest request body: a reference upload (the clip plus its form fields)."""
    max_reference_seconds: float = 120.0
    """Longest decoded upload; the reference checks then keep its best 3-15 s."""
    max_pending_jobs: int = 32
    """Engine jobs (synthesis, enrollment, checks) waiting or running; more get 429."""
    max_form_fields: int = 12
    """Parts in one multipart form."""

    def __post_init__(self) -> None:
        for name in ("max_text_chars", "max_upload_bytes", "max_pending_jobs", "max_form_fields"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_reference_seconds <= 0:
            raise ValueError("max_reference_seconds must be positive")

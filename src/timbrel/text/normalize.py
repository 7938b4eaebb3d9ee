"""Text normalisation entry point: written forms -> the words a reader would say."""

from __future__ import annotations

from timbrel.text.normalize_en import normalize_en

LANGUAGES = ("en", "zh")


def normalize(text: str, lang: str) -> str:
    """Spoken form of ``text`` in ``lang`` ("en" or "zh")."""
    if lang == "en":
        return normalize_en(text)
    if lang == "zh":
        from timbrel.text.normalize_zh import normalize_zh

        return normalize_zh(text)
    raise ValueError(f"unsupported language {lang!r}: expected one of {', '.join(LANGUAGES)}")

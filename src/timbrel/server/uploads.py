"""Uploads, held in memory only: bounded body reading, multipart parsing, audio sniffing.

Nothing uploaded touches the disk: the body is read into memory (refused past the size
limit), the multipart form is parsed in memory, and the audio is recognised by its
leading bytes and then actually decoded from memory. Only the enrolled voice is ever
written, by the voice library, inside the library folder.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from fastapi import Request

from .errors import ApiError

# Leading bytes of the audio containers we accept -> a short name for messages.
MAGIC = (
    (0, b"RIFF", "wav"), (0, b"fLaC", "flac"), (0, b"OggS", "ogg"), (0, b"ID3", "mp3"),
    (0, b"\x1a\x45\xdf\xa3", "webm"), (4, b"ftyp", "mp4"), (0, b"FORM", "aiff"),
    (0, b"caff", "caf"),
)
MAX_FIELD_CHARS = 10_000


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Form:
    fields: dict[str, str]
    files: dict[str, UploadedFile]


async def read_body(request: Request, limit: int) -> bytes:
    """The whole request body, or 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"the request is {int(declared)} bytes; the limit is {limit} bytes",
                       code="too_large")
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"the request passes the {limit}-byte limit", code="too_large")
        parts.append(chunk)
    return b"".join(parts)


def parse_form(body: bytes, content_type: str, max_parts: int) -> Form:
    """Parse multipart/form-data held in memory; 400 for anything malformed."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, options = parse_options_header(content_type or "")
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise ApiError(415, "send the reference as multipart/form-data (a form with a file)",
                       code="not_multipart")
    parts: list[dict] = []
    header: dict[str, bytearray] = {}

    def begin() -> None:
        if len(parts) >= max_parts:
            raise ApiError(400, f"too many form parts (at most {max_parts})")
        parts.append({"headers": {}, "data": bytearray()})

    def header_field(data: bytes, start: int, end: int) -> None:
        header.setdefault("field", bytearray()).extend(data[start:end])

    def header_value(data: bytes, start: int, end: int) -> None:
        header.setdefault("value", bytearray()).extend(data[start:end])

    def header_end() -> None:
        name = bytes(header.get("field", b"")).decode("latin-1").strip().lower()
        parts[-1]["headers"][name] = bytes(header.get("value", b""))
        header.clear()

    def data(chunk: bytes, start: int, end: int) -> None:
        parts[-1]["data"].extend(chunk[start:end])

    callbacks = {"on_part_begin": begin, "on_header_field": header_field,
                 "on_header_value": header_value, "on_header_end": header_end,
                 "on_part_data": data}
    try:
        parser = MultipartParser(options[b"boundary"], callbacks)  # type: ignore[arg-type]
        parser.write(body)
        parser.finalize()
    except ApiError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser complaint is a bad request
        raise ApiError(400, f"malformed multipart form: {error}", code="bad_form") from error
    return _collect(parts)


def _collect(parts: list[dict]) -> Form:
    from python_multipart.multipart import parse_options_header

    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in parts:
        disposition, options = parse_options_header(
            part["headers"].get("content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if disposition != b"form-data" or not name:
            raise ApiError(400, "a form part has no name (Content-Disposition)", code="bad_form")
        if b"filename" in options:
            filename = options[b"filename"].decode("utf-8", "replace")
            ctype = part["headers"].get("content-type", b"").decode("latin-1")
            files[name] = UploadedFile(filename, ctype, bytes(part["data"]))
            continue
        try:
            value = bytes(part["data"]).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ApiError(400, f"form field '{name}' is not UTF-8 text", param=name) from error
        if len(value) > MAX_FIELD_CHARS:
            raise ApiError(400, f"form field '{name}' is too long", param=name)
        fields[name] = value
    return Form(fields, files)


def sniff_audio(data: bytes) -> str | None:
    """The container the bytes start like, or None; MPEG audio without ID3 by frame sync."""
    for offset, magic, name in MAGIC:
        if data[offset:offset + len(magic)] == magic:
            return name
    if len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "mp3"
    return None


def decode_audio(upload: UploadedFile, max_seconds: float) -> tuple[np.ndarray, int]:
    """Mono float32 samples from an uploaded file, judged by its content, never its name."""
    if not upload.data:
        raise ApiError(400, "the uploaded file is empty", param="file", code="empty_file")
    kind = sniff_audio(upload.data)
    if kind is None:
        raise ApiError(415, "the upload is not a recognised audio file (wav, flac, ogg, mp3, "
                       "webm, m4a, aiff)", param="file", code="not_audio")
    try:
        samples, rate = _decode_soundfile(upload.data, max_seconds)
    except _TooLong:
        raise
    except Exception:  # noqa: BLE001 - libsndfile cannot read it: try FFmpeg
        try:
            samples, rate = _decode_av(upload.data, max_seconds)
        except _TooLong:
            raise
        except Exception as error:  # noqa: BLE001
            raise ApiError(415, f"the upload looks like {kind} but does not decode as audio "
                           f"({error})", param="file", code="not_audio") from error
    if samples.size == 0 or rate <= 0:
        raise ApiError(415, "the upload holds no audio samples", param="file", code="not_audio")
    if not np.all(np.isfinite(samples)):
        raise ApiError(400, "the audio holds NaN or infinite samples", param="file")
    return samples, rate


class _TooLong(ApiError):
    def __init__(self, max_seconds: float) -> None:
        super().__init__(413, f"the clip is longer than {max_seconds:g} s; upload a shorter "
                         "one (5-15 s of speech is ideal)", param="file", code="too_long")


def _decode_soundfile(data: bytes, max_seconds: float) -> tuple[np.ndarray, int]:
    import soundfile

    with soundfile.SoundFile(io.BytesIO(data)) as handle:
        if handle.frames > max_seconds * handle.samplerate:
            raise _TooLong(max_seconds)
        audio = handle.read(dtype="float32", always_2d=True)
        return audio.mean(axis=1).astype(np.float32), int(handle.samplerate)


def _decode_av(data: bytes, max_seconds: float) -> tuple[np.ndarray, int]:
    import av

    frames: list[np.ndarray] = []
    total = 0
    with av.open(io.BytesIO(data), mode="r") as container:
        if not container.streams.audio:
            raise ValueError("no audio stream")
        stream = container.streams.audio[0]
        rate = int(stream.rate or stream.codec_context.sample_rate or 0)
        if rate <= 0:
            raise ValueError("no sample rate")
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                block = out.to_ndarray().reshape(-1)
                total += len(block)
                if total > max_seconds * rate:
                    raise _TooLong(max_seconds)
                frames.append(block)
    if not frames:
        raise ValueError("no audio frames")
    return np.concatenate(frames).astype(np.float32), rate

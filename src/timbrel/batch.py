"""Batch jobs from a JSONL manifest: reading, checking every line, safe output names.

One job per line. GLM-TTS field names are read as they are::

    {"prompt_text": "...", "prompt_audio": "refs/a.wav", "input_text": "...",
     "output_name": "utt_0001"}

plus ours: `voice` (a library name, instead of `prompt_audio`), every `SynthesisConfig`
setting (`seed`, `speed`, `duration`, `emotion`, `emotion_text`, `emotion_reference`, ...),
`lexicon` (a JSONL file or a list of entries) and `format` (wav, flac, ogg, mp3). Paths are
relative to the manifest. `output_name` is a relative name inside the output folder; it
can never point outside it. Running the jobs is `batch_runner.run_batch`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .audio import WRITABLE_FORMATS
from .controls import ConfigError, SynthesisConfig

GLM_FIELDS = ("prompt_text", "prompt_audio", "input_text", "output_name")
SETTING_FIELDS = tuple(item.name for item in fields(SynthesisConfig))
OUR_FIELDS = ("voice", "lexicon", "format")
KNOWN_FIELDS = GLM_FIELDS + OUR_FIELDS + SETTING_FIELDS
DEFAULT_FORMAT = "wav"


class ManifestError(ValueError):
    """One or more manifest lines are unusable; `errors` lists them by line number."""

    def __init__(self, manifest: Path, errors: list[LineError]) -> None:
        self.manifest = manifest
        self.errors = errors
        listed = "\n".join(f"  {error}" for error in errors)
        super().__init__(f"{manifest}: {len(errors)} bad line(s):\n{listed}")


@dataclass(frozen=True)
class LineError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Job:
    """One checked line of a manifest, with paths made absolute."""

    line: int
    output_name: str  # relative to the output folder, with its extension
    input_text: str
    settings: dict[str, Any] = field(default_factory=dict)
    prompt_audio: str | None = None
    prompt_text: str | None = None
    prompt_hash: str | None = None  # sha256 of the reference file
    voice: str | None = None
    lexicon: tuple[dict[str, str], ...] = ()

    @property
    def key(self) -> str:
        """What the job will produce, hashed: a changed line is a different job."""
        data = asdict(self)
        data.pop("line")
        data.pop("prompt_audio")  # the file's content hash stands for it
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(blob.encode()).hexdigest()[:20]

    @property
    def format(self) -> str:
        return Path(self.output_name).suffix.lstrip(".").lower()

    def config(self) -> SynthesisConfig:
        values = dict(self.settings)
        if isinstance(values.get("emotion"), list):
            values["emotion"] = tuple(values["emotion"])
        return SynthesisConfig(**values).validate()


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def output_path(out_dir: Path, name: str) -> Path:
    """`out_dir / name`, refusing anything that would land outside `out_dir`.

    Absolute names, drive letters, `..` parts, backslashes and symbolic links that lead
    out of the folder are all refused with a `ValueError` saying why.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError("output_name must be a non-empty string")
    if "\x00" in name or "\\" in name:
        raise ValueError(f"output_name {name!r} holds a backslash or NUL; use '/' only")
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).drive:
        raise ValueError(f"output_name {name!r} is absolute; give a name inside the output folder")
    parts = PurePosixPath(name).parts
    if ".." in parts:
        raise ValueError(f"output_name {name!r} contains '..'; it must stay inside the output "
                         "folder")
    if PurePosixPath(name).name in ("", ".", "results.jsonl") or parts[0] == ".timbrel-batch":
        raise ValueError(f"output_name {name!r} is reserved or names a folder")
    root = out_dir.resolve()
    target = (out_dir / name).resolve()
    if target != root and root not in target.parents:
        raise ValueError(f"output_name {name!r} leads outside the output folder "
                         f"(through a symbolic link to {target})")
    if (out_dir / name).is_symlink():
        raise ValueError(f"output_name {name!r} is a symbolic link; refusing to write through it")
    return out_dir / name


def with_extension(name: str, fmt: str | None) -> str:
    suffix = PurePosixPath(name).suffix.lstrip(".").lower()
    if suffix in WRITABLE_FORMATS:
        if fmt is not None and fmt != suffix:
            raise ValueError(f"output_name {name!r} ends in .{suffix} but format is {fmt!r}")
        return name
    return f"{name}.{fmt or DEFAULT_FORMAT}"


def load_manifest(manifest: str | os.PathLike[str], out_dir: str | os.PathLike[str], *,
                  voices: set[str] | None = None) -> tuple[list[Job], list[LineError]]:
    """Every job of the manifest and every problem found, by line number.

    `voices` is the set of library voice names (None: do not check `voice` names).
    """
    manifest = Path(manifest)
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(manifest, [LineError(manifest, 0, f"cannot read ({error})")]
                            ) from error
    jobs: list[Job] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            job = parse_line(raw, number, manifest.parent, Path(out_dir), voices)
        except ValueError as error:
            errors.append(LineError(manifest, number, str(error)))
            continue
        folded = job.output_name.lower()
        if folded in seen:
            errors.append(LineError(manifest, number, f"output_name {job.output_name!r} is "
                                    f"already used on line {seen[folded]}"))
            continue
        seen[folded] = number
        jobs.append(job)
    if not jobs and not errors:
        errors.append(LineError(manifest, 0, "the manifest holds no jobs"))
    return jobs, errors


def parse_line(raw: str, number: int, base: Path, out_dir: Path,
               voices: set[str] | None) -> Job:
    """One manifest line as a `Job`; `ValueError` names the first problem."""
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    unknown = sorted(set(record) - set(KNOWN_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(map(repr, unknown))}; known fields: "
                         f"{', '.join(KNOWN_FIELDS)}")
    for name in ("input_text", "output_name"):
        if name not in record:
            raise ValueError(f"missing field {name!r}")
    text = record["input_text"]
    if not isinstance(text, str) or not any(c.isalnum() for c in text):
        raise ValueError("input_text must be a string with something speakable in it")
    fmt = record.get("format")
    if fmt is not None and fmt not in WRITABLE_FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(WRITABLE_FORMATS)}")
    name = record["output_name"]
    if not isinstance(name, str):
        raise ValueError("output_name must be a string")
    name = with_extension(name, fmt)
    output_path(out_dir, name)
    source: dict[str, Any] = source_fields(record, base, voices)
    settings = {key: record[key] for key in SETTING_FIELDS if record.get(key) is not None}
    if "emotion_reference" in settings:
        settings["emotion_reference"] = str(existing_file(settings["emotion_reference"], base,
                                                          "emotion_reference"))
    try:
        job = Job(line=number, output_name=name, input_text=text, settings=settings,
                  lexicon=lexicon_records(record.get("lexicon"), base), **source)
        job.config()
    except ConfigError as error:
        raise ValueError(f"bad setting: {error}") from error
    except TypeError as error:
        raise ValueError(f"bad setting: {error}") from error
    return job


def source_fields(record: dict[str, Any], base: Path, voices: set[str] | None
                  ) -> dict[str, Any]:
    """The voice a job speaks in: a library name, or a reference clip (and transcript)."""
    voice, audio = record.get("voice"), record.get("prompt_audio")
    if (voice is None) == (audio is None):
        raise ValueError("give exactly one of 'prompt_audio' (a reference clip) and 'voice' "
                         "(a voice library name)")
    transcript = record.get("prompt_text")
    if transcript is not None and not isinstance(transcript, str):
        raise ValueError("prompt_text must be a string")
    if voice is not None:
        if not isinstance(voice, str):
            raise ValueError("voice must be a string (a voice library name)")
        if transcript is not None:
            raise ValueError("prompt_text goes with prompt_audio, not with a library voice")
        if voices is not None and voice not in voices:
            known = ", ".join(sorted(voices)) or "none"
            raise ValueError(f"no voice named {voice!r} in the library (known: {known})")
        return {"voice": voice}
    path = existing_file(audio, base, "prompt_audio")
    try:
        import soundfile

        soundfile.info(str(path))
    except Exception as error:  # noqa: BLE001 - FFmpeg may still read it; warn via enroll
        if path.suffix.lower() not in (".mp3", ".m4a", ".aac", ".opus", ".webm"):
            raise ValueError(f"prompt_audio {audio!r} is not a readable audio file ({error})"
                             ) from error
    return {"prompt_audio": str(path), "prompt_text": transcript,
            "prompt_hash": file_sha256(path)}


def existing_file(value: Any, base: Path, name: str) -> Path:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a file path")
    path = Path(value) if Path(value).is_absolute() else base / value
    if not path.is_file():
        raise ValueError(f"{name} {value!r} not found (looked for {path.resolve()})")
    return path.resolve()


def lexicon_records(value: Any, base: Path) -> tuple[dict[str, str], ...]:
    """A lexicon given as a JSONL file path or a list of entries, checked."""
    if value is None:
        return ()
    from .text.lexicon import Lexicon, LexiconError

    try:
        if isinstance(value, str):
            lexicon = Lexicon.from_jsonl(existing_file(value, base, "lexicon"))
        elif isinstance(value, list):
            lexicon = Lexicon.from_records(value)
        else:
            raise ValueError("lexicon must be a JSONL file path or a list of entries")
    except LexiconError as error:
        raise ValueError(f"lexicon: {error}") from error
    return tuple(lexicon.to_records())

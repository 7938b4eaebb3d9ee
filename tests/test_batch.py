"""Batch manifests: checking by line, safe output names, running, resuming."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from timbrel.batch import ManifestError, load_manifest, output_path
from timbrel.batch_runner import BatchOptions, ResultsLog, current_umask, run_batch
from timbrel.cli import main
from timbrel.library import VoiceLibrary

TRANSCRIPT = "A rainbow is a division of white light into many beautiful colours."


def write_jobs(folder: Path, jobs: list[dict | str]) -> Path:
    path = folder / "jobs.jsonl"
    path.write_text("".join((j if isinstance(j, str) else json.dumps(j)) + "\n" for j in jobs),
                    encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path, voice):
    root = tmp_path / "library"
    VoiceLibrary(root).add("narrator", voice)
    return str(root)


@pytest.fixture
def reference(tmp_path, human_reference):
    (tmp_path / "refs").mkdir()
    target = tmp_path / "refs" / "speaker.wav"
    target.write_bytes(human_reference.read_bytes())
    return "refs/speaker.wav"


def test_every_bad_line_is_reported_by_number(tmp_path, reference):
    manifest = write_jobs(tmp_path, [
        {"prompt_audio": reference, "prompt_text": TRANSCRIPT, "input_text": "Fine.",
         "output_name": "ok"},
        "{not json",
        {"prompt_audio": reference, "output_name": "no_text"},
        {"prompt_audio": "refs/missing.wav", "input_text": "Hi.", "output_name": "x"},
        {"prompt_audio": reference, "input_text": "Hi.", "output_name": "y", "volume": 3},
        {"prompt_audio": reference, "input_text": "Hi.", "output_name": "z", "speed": 9},
        {"voice": "nobody", "input_text": "Hi.", "output_name": "v"},
        {"input_text": "Hi.", "output_name": "w"},
        {"prompt_audio": reference, "input_text": "Hi.", "output_name": "ok.wav"},
        "",
        {"prompt_audio": reference, "input_text": "Hi.", "output_name": "u", "format": "aiff"},
        [1, 2],
    ])
    jobs, errors = load_manifest(manifest, tmp_path / "out", voices={"narrator"})
    assert [job.line for job in jobs] == [1]
    found = {error.line: error.message for error in errors}
    assert set(found) == {2, 3, 4, 5, 6, 7, 8, 9, 11, 12}
    assert "not valid JSON" in found[2]
    assert "missing field 'input_text'" in found[3]
    assert "refs/missing.wav" in found[4] and "not found" in found[4]
    assert "unknown field(s) 'volume'" in found[5]
    assert "speed=9" in found[6]
    assert "no voice named 'nobody'" in found[7]
    assert "exactly one of" in found[8]
    assert "already used on line 1" in found[9]
    assert "format 'aiff'" in found[11]
    assert "JSON object" in found[12]
    assert str(errors[0]).startswith(f"{manifest}:2: ")


@pytest.mark.parametrize("name", ["/etc/passwd", "../up", "a/../../up", "C:/x", "a\\..\\b",
                                  "results.jsonl", ".timbrel-batch/v", ""])
def test_output_names_cannot_escape(tmp_path, name):
    with pytest.raises(ValueError):
        output_path(tmp_path, name)


def test_symlinks_out_of_the_folder_are_refused(tmp_path):
    out = tmp_path / "out"
    outside = tmp_path / "elsewhere"
    out.mkdir()
    outside.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    (out / "file.wav").symlink_to(outside / "file.wav")
    with pytest.raises(ValueError, match="outside the output folder"):
        output_path(out, "link/a.wav")
    with pytest.raises(ValueError, match="outside the output folder|symbolic link"):
        output_path(out, "file.wav")
    assert output_path(out, "sub/ok.wav") == out / "sub" / "ok.wav"


def test_dry_run_lists_errors_and_synthesises_nothing(tmp_path, reference, capsys):
    manifest = write_jobs(tmp_path, [
        {"prompt_audio": reference, "input_text": "Fine.", "output_name": "a"},
        {"prompt_audio": reference, "input_text": "Fine.", "output_name": "../b"},
    ])
    code = main(["batch", str(manifest), "--out", str(tmp_path / "out"), "--dry-run",
                 "--library", str(tmp_path / "lib")])
    captured = capsys.readouterr()
    assert code == 3
    assert f"{manifest}:2: output_name '../b.wav' contains '..'" in captured.err
    assert "1 job(s) ready, 1 bad line(s)" in captured.out
    assert not (tmp_path / "out").exists()


def test_run_enrols_each_reference_once_and_resumes(tmp_path, reference, library, monkeypatch):
    import timbrel.enrollment

    calls = []
    real = timbrel.enrollment.enroll
    monkeypatch.setattr(timbrel.enrollment, "enroll",
                        lambda *a, **k: calls.append(a) or real(*a, **k))
    manifest = write_jobs(tmp_path, [
        {"prompt_audio": reference, "prompt_text": TRANSCRIPT, "input_text": "One.",
         "output_name": "one", "seed": 1},
        {"prompt_audio": reference, "prompt_text": TRANSCRIPT, "input_text": "Two, too.",
         "output_name": "nested/two.flac"},
        {"voice": "narrator", "input_text": "Three.", "output_name": "three", "speed": 1.2},
    ])
    out = tmp_path / "out"
    options = BatchOptions(out_dir=out, library=library, progress=False)
    summary = run_batch(manifest, options)
    assert (summary.done, summary.failed, summary.skipped) == (3, 0, 0)
    assert len(calls) == 1
    assert {p.name for p in out.rglob("*") if p.is_file() and ".timbrel-batch" not in str(p)} \
        == {"one.wav", "two.flac", "three.wav", "results.jsonl"}
    first = (out / "one.wav").read_bytes()
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["status"] for r in records] == ["ok"] * 3

    again = run_batch(manifest, options)
    assert (again.done, again.skipped) == (0, 3) and len(calls) == 1

    (out / "one.wav").unlink()  # a lost file is made again, identically
    (out / "three.wav").unlink()
    manifest.write_text(manifest.read_text().replace('"speed": 1.2', '"speed": 1.3'))
    third = run_batch(manifest, options)
    assert (third.done, third.skipped) == (2, 1)
    assert (out / "one.wav").read_bytes() == first


def test_failed_writes_and_records_survive_torn_lines(tmp_path):
    log = ResultsLog(tmp_path / "results.jsonl")
    log.append({"output_name": "a.wav", "status": "ok", "key": "k"})
    with open(log.path, "a") as handle:
        handle.write('{"output_name": "b.wav", "sta')  # killed mid-write
    log.append({"output_name": "c.wav", "status": "ok", "key": "k"})
    assert set(log.finished()) == {"a.wav", "c.wav"}


def test_manifest_error_lists_every_line(tmp_path, library):
    manifest = write_jobs(tmp_path, ["[]", "{}"])
    with pytest.raises(ManifestError) as caught:
        run_batch(manifest, BatchOptions(out_dir=tmp_path / "o", library=library,
                                         progress=False))
    assert len(caught.value.errors) == 2 and ":1:" in str(caught.value)


def test_outputs_are_readable_by_others(tmp_path, library):
    manifest = write_jobs(tmp_path, [{"voice": "narrator", "input_text": "Hi.",
                                      "output_name": "hi"}])
    run_batch(manifest, BatchOptions(out_dir=tmp_path / "o", library=library, progress=False))
    mode = os.stat(tmp_path / "o" / "hi.wav").st_mode & 0o777
    assert mode == 0o666 & ~current_umask()

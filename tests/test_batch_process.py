"""Batch runs across processes: kill -9 and resume, worker pools and Ray give equal bytes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from timbrel.batch_runner import BatchOptions, run_batch
from timbrel.library import VoiceLibrary

LINES = ["The rain stopped at noon.", "A dog barked twice.", "The kettle began to sing.",
         "She closed the book.", "Snow fell on the roofs.", "He found the key at last.",
         "The bus was on time.", "Nobody answered the door."]


@pytest.fixture
def setup(tmp_path, voice):
    library = tmp_path / "library"
    VoiceLibrary(library).add("narrator", voice)
    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text("".join(
        json.dumps({"voice": "narrator", "input_text": text, "output_name": f"line_{i:02d}",
                    "seed": i}) + "\n" for i, text in enumerate(LINES)))
    return manifest, library


def ok_records(out: Path) -> list[dict]:
    path = out / "results.jsonl"
    if not path.is_file():
        return []
    records = []
    for raw in path.read_text().splitlines():
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if record.get("status") == "ok":
            records.append(record)
    return records


def command(manifest: Path, out: Path, library: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "timbrel", "-q", "batch", str(manifest), "--out", str(out),
            "--library", str(library), "--no-progress", *extra]


def test_kill_9_halfway_then_rerun_loses_nothing_and_repeats_nothing(setup, tmp_path):
    manifest, library = setup
    out = tmp_path / "out"
    process = subprocess.Popen(command(manifest, out, library), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while len(ok_records(out)) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()  # SIGKILL: no clean-up of any kind
    process.wait()
    before = {r["output_name"]: r["sha256"] for r in ok_records(out)}
    assert 3 <= len(before) < len(LINES), "the run should be killed part-way"
    mtimes = {name: (out / name).stat().st_mtime_ns for name in before}

    finished = subprocess.run(command(manifest, out, library), capture_output=True, text=True,
                              timeout=300)
    assert finished.returncode == 0, finished.stderr
    records = ok_records(out)
    names = [r["output_name"] for r in records]
    assert sorted(names) == sorted(f"line_{i:02d}.wav" for i in range(len(LINES)))  # no repeats
    for name, digest in before.items():
        assert (out / name).stat().st_mtime_ns == mtimes[name]  # not redone
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert not list(out.glob(".*.part"))  # no half-written files left visible or hidden
    assert f"{len(LINES) - len(before)} done, {len(before)} already done" in finished.stdout


def digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("*.wav"))}


@pytest.mark.slow
def test_two_local_workers_give_the_same_bytes(setup, tmp_path):
    manifest, library = setup
    one = run_batch(manifest, BatchOptions(out_dir=tmp_path / "one", library=str(library),
                                           progress=False))
    two = run_batch(manifest, BatchOptions(out_dir=tmp_path / "two", library=str(library),
                                           workers=2, progress=False))
    assert one.done == two.done == len(LINES)
    assert digests(tmp_path / "one") == digests(tmp_path / "two")


def test_ray_gives_the_same_bytes_as_a_local_run(setup, tmp_path):
    ray = pytest.importorskip("ray")
    manifest, library = setup
    manifest.write_text("".join(manifest.read_text().splitlines(keepends=True)[:3]))
    local = run_batch(manifest, BatchOptions(out_dir=tmp_path / "local", library=str(library),
                                             progress=False))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        remote = run_batch(manifest, BatchOptions(out_dir=tmp_path / "ray", workers=2,
                                                  ray=True, library=str(library),
                                                  progress=False))
    finally:
        ray.shutdown()
    assert local.done == remote.done == 3 and remote.failed == 0
    assert digests(tmp_path / "local") == digests(tmp_path / "ray")

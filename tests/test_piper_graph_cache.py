"""The on-disk seeded-graph cache PiperModel starts from: same graph, same audio."""

from __future__ import annotations

import numpy as np

from timbrel.engines.builtin.piper_model import PiperModel, PiperScales, seeded_graph_bytes
from timbrel.piper_graph_cache import graph_key, seeded_graph


def test_cached_graph_is_the_rewritten_graph_and_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("TIMBREL_CACHE_DIR", str(tmp_path))
    model = PiperModel()
    first = seeded_graph(model.model_path)
    cached = list(tmp_path.glob("piper-seeded-*.onnx"))
    assert len(cached) == 1 and graph_key(model.model_path) in cached[0].name
    assert first == seeded_graph_bytes(model.model_path)
    cached[0].write_bytes(b"marker")  # a second call reads the file, it does not rewrite
    assert seeded_graph(model.model_path) == b"marker"


def test_a_changed_model_file_gets_a_new_key(tmp_path):
    a, b = tmp_path / "a.onnx", tmp_path / "b.onnx"
    a.write_bytes(b"one")
    b.write_bytes(b"two")
    assert graph_key(a) != graph_key(b)


def test_unwritable_cache_still_gives_the_graph(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TIMBREL_CACHE_DIR", str(blocker / "cache"))
    model = PiperModel()
    assert seeded_graph(model.model_path) == seeded_graph_bytes(model.model_path)


def test_model_from_the_cached_graph_speaks_bit_identically(tmp_path, monkeypatch):
    monkeypatch.setenv("TIMBREL_CACHE_DIR", str(tmp_path))
    plain = PiperModel(threads=1)  # rewrites the graph and writes the cache entry
    _ = plain.session
    assert list(tmp_path.glob("piper-seeded-*.onnx"))
    fast = PiperModel(threads=1)  # reads the cache entry
    text = "The lighthouse keeper counted the steps."
    phonemes = plain.phonemize(text)
    assert fast.phonemize(text) == phonemes
    ids = plain.phoneme_ids(phonemes[0])
    assert fast.phoneme_ids(phonemes[0]) == ids
    assert fast.voice.session is fast.session  # one session, not two
    for seed in (0, 7):
        expected = plain.synthesize_aligned(ids, PiperScales(), np.random.default_rng(seed))
        got = fast.synthesize_aligned(ids, PiperScales(), np.random.default_rng(seed))
        assert np.array_equal(expected[0], got[0]) and np.array_equal(expected[1], got[1])
    assert fast.sample_rate == plain.sample_rate

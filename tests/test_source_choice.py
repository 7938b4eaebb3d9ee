"""Which engine `enroll` picks when left to choose, and moving a voice between engines."""

import numpy as np
import pytest

import timbrel
from timbrel.engines import get_engine
from timbrel.engines.builtin.piper_model import PiperModel, PiperScales
from timbrel.engines.source_choice import choose_engine, median_log_f0
from timbrel.enrollment import on_engine

SENTENCES = ("The birch canoe slid on the smooth planks. Glue the sheet to the dark blue "
             "background. It is easy to tell the depth of a well.")


@pytest.fixture(scope="module")
def joe_clip() -> tuple[np.ndarray, int]:
    """Eight seconds of Piper joe: a male voice, median F0 about 90 Hz."""
    model = PiperModel()
    pieces = [model.synthesize_ids(model.phoneme_ids(p), PiperScales(),
                                   np.random.default_rng(0)) for p in model.phonemize(SENTENCES)]
    return np.concatenate(pieces), model.sample_rate


@pytest.fixture(scope="module")
def heart_clip() -> tuple[np.ndarray, int]:
    """The same sentences from the heart voice: female, median F0 about 200 Hz."""
    engine = get_engine("heart")
    rng = np.random.default_rng(0)
    pieces = [engine.rendered(engine.model.frames(p), rng)
              for p in engine.model.phonemize(SENTENCES)]
    return np.concatenate(pieces), engine.sample_rate


def test_the_source_nearest_in_pitch_is_chosen(joe_clip, heart_clip):
    assert np.exp(median_log_f0(*joe_clip)) < 133 < np.exp(median_log_f0(*heart_clip))
    assert choose_engine(*joe_clip, language="en") == "builtin"
    assert choose_engine(*heart_clip, language="en") == "heart"


def test_other_languages_and_unvoiced_clips_go_to_the_builtin_engine(heart_clip):
    assert choose_engine(*heart_clip, language="zh") == "builtin"
    noise = np.random.default_rng(0).standard_normal(16000 * 4).astype(np.float32) * 0.1
    assert median_log_f0(noise, 16000) is None
    assert choose_engine(noise, 16000, language="en") == "builtin"


def test_enroll_defaults_to_the_choice_and_records_it(joe_clip, heart_clip):
    transcript = "The birch canoe slid on the smooth planks."
    assert timbrel.enroll(heart_clip, transcript=transcript).engine == "heart"
    assert timbrel.enroll(joe_clip, transcript=transcript).engine == "builtin"
    assert timbrel.enroll(heart_clip, transcript=transcript, engine="builtin").engine == \
        "builtin"


def test_a_voice_moved_to_another_engine_keeps_its_reference_and_speaks(heart_clip):
    voice = timbrel.enroll(heart_clip, transcript="The birch canoe slid on the smooth planks.",
                           lexicon=[{"word": "tomato", "phoneme": "təmˈɑːtoʊ"}])
    moved = on_engine(voice, "builtin")
    assert (voice.engine, moved.engine) == ("heart", "builtin")
    assert np.array_equal(moved.reference, voice.reference)
    assert (moved.transcript, moved.lexicon) == (voice.transcript, voice.lexicon)
    assert "log_f0_median" in moved.params
    assert on_engine(moved, "builtin") is moved
    audio, rate = timbrel.synthesize_to_array("A tomato.", moved,
                                              timbrel.SynthesisConfig(seed=0))
    assert 0.4 < len(audio) / rate < 3.0

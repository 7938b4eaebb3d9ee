import pytest

from timbrel.controls import ConfigError, SynthesisConfig


def test_defaults_fill_in_and_voice_defaults_win():
    resolved = SynthesisConfig(speed=1.5).resolved({"pitch_shift": 2.0, "speed": 0.8})
    assert resolved.speed == 1.5
    assert resolved.pitch_shift == 2.0
    assert resolved.seed == 0


@pytest.mark.parametrize("field,value", [("speed", 3.0), ("pitch_shift", -13.0),
                                         ("loudness_lufs", 0.0), ("speed", "fast")])
def test_out_of_range_names_the_field(field, value):
    with pytest.raises(ConfigError, match=field):
        SynthesisConfig(**{field: value}).validate()


def test_keyword_only_and_unknown_settings():
    with pytest.raises(TypeError):
        SynthesisConfig(1.0)  # type: ignore[misc]
    with pytest.raises(ConfigError, match="unknown setting"):
        SynthesisConfig.from_dict({"sped": 1.0})
    assert SynthesisConfig.from_dict({"speed": 1.2}).to_dict() == {"speed": 1.2}

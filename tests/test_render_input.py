import pytest

import timbrel
from timbrel.render import TextError


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_text(voice, text):
    with pytest.raises(TextError, match="empty"):
        list(timbrel.synthesize(text, voice))


def test_unspeakable_text(voice):
    with pytest.raises(TextError, match="nothing speakable"):
        list(timbrel.synthesize("...  !!!", voice))

"""The front end as a whole: units, mixed languages, the CLI commands, speed."""

from __future__ import annotations

import argparse
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timbrel.commands.text import register
from timbrel.text import frontend
from timbrel.text.frontend import TextUnit, phonemes, to_units


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="timbrel")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_mandarin_one_object_per_character() -> None:
    result = phonemes("他在银行工作", "zh")
    assert [r["text"] for r in result] == list("他在银行工作")
    assert [r["phonemes"] for r in result][2:4] == ["yin2", "hang2"]


def test_mixed_text_each_part_by_its_front_end() -> None:
    units = to_units("我有3个apple")
    assert [(u.text, u.lang) for u in units] == [
        ("我", "zh"), ("有", "zh"), ("三", "zh"), ("个", "zh"), ("apple", "en")]
    assert units[-1].phonemes == "ˈæpəl"


def test_units_are_frozen() -> None:
    unit = to_units("hi", "en")[0]
    assert isinstance(unit, TextUnit)
    with pytest.raises(AttributeError):
        unit.text = "x"  # type: ignore[misc]


def test_english_normalised_before_g2p() -> None:
    assert [u.text for u in to_units("Dr. Who paid $5.", "en")] == [
        "Doctor", "Who", "paid", "five", "dollars"]


def test_cli_normalize(capsys) -> None:
    code, out, _ = run_cli(["text", "normalize", "--lang", "zh", "今天是2024年3月5日。"], capsys)
    assert code == 0 and out == "今天是二零二四年三月五日。\n"


def test_cli_phonemes_json_and_lexicon(tmp_path, capsys) -> None:
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text('{"word": "行", "context": "银行", "phoneme": "xíng"}\n', encoding="utf-8")
    code, out, _ = run_cli(
        ["text", "phonemes", "--lang", "zh", "--json", "--lexicon", str(lexicon), "银行"], capsys)
    assert code == 0
    assert json.loads(out) == [
        {"text": "银", "phonemes": "yin2"}, {"text": "行", "phonemes": "xing2"}]


def test_cli_errors(tmp_path, capsys) -> None:
    code, _, err = run_cli(["text", "phonemes", "{yin2"], capsys)
    assert code == 3 and "character 0" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"word": "行", "phoneme": "hang2"}\nnope\n', encoding="utf-8")
    code, _, err = run_cli(["text", "phonemes", "--lexicon", str(bad), "行"], capsys)
    assert code == 3 and "bad.jsonl:2" in err
    code, _, err = run_cli(["text", "phonemes", "--lexicon", str(tmp_path / "no.jsonl"), "x"],
                           capsys)
    assert code == 4


def test_speed_after_load() -> None:
    frontend.load()
    sentences = ["今天天气很好，我们一起去公园散步吧。", "The quick brown fox jumps over the dog.",
                 "他的头发很长，他是我们的班长。", "Doctor Smith paid three dollars for coffee."]
    start = time.perf_counter()
    for _ in range(10):
        for sentence in sentences:
            to_units(sentence)
    per_sentence = (time.perf_counter() - start) / 40
    assert per_sentence < 0.005 * 3  # generous on a shared CI machine; benchmark reports it


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("我们行长了得 ab,.!，。3%$-:/重还") + [" "]),
                    max_size=40))
def test_any_text_gives_units_without_crashing(text: str) -> None:
    for unit in to_units(text):
        assert unit.phonemes and unit.lang in ("en", "zh")

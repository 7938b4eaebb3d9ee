"""Mandarin text normalisation: wetext's FST grammars plus rules for what they lack.

wetext (WeTextProcessing's grammars, run with kaldifst) reads numbers, dates, times,
fractions, percentages, scores, ranges and units. Before it we rewrite what it reads
differently from a careful speaker: negative temperatures (零下), yuan amounts with jiao and
fen, phone and ID numbers digit by digit (1 as 幺), and common units (公里, 公斤).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from functools import lru_cache

log = logging.getLogger(__name__)

_DIGITS = "零幺二三四五六七八九"
_LOCK = threading.RLock()
_NEEDS_FST = re.compile(r"[0-9０-９%％‰℃℉°$¥￥€£]|[A-Za-z]")

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def spell_digits(text: str) -> str:
    """"110" -> "幺幺零" (digits one by one, 1 read as 幺 as in phone numbers)."""
    return "".join(_DIGITS[int(ch)] for ch in text if ch.isdigit())


def chinese_number(text: str) -> str:
    """"1234" -> "一千二百三十四", "12.5" -> "十二点五" (cardinal reading)."""
    whole, _, fraction = text.replace(",", "").partition(".")
    words = _integer(int(whole or "0"))
    if fraction:
        words += "点" + "".join("零一二三四五六七八九"[int(d)] for d in fraction)
    return words


def _integer(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number == 0:
        return "零"
    out = ""
    for size, name in ((10**8, "亿"), (10**4, "万")):
        if number >= size:
            head, number = divmod(number, size)
            out += _integer(head) + name
            if 0 < number < size // 10:
                out += "零"
    section = ""
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            section += digits[digit] + name
        elif section and number:
            section += "" if section.endswith("零") else "零"
    out += section
    if out.startswith("一十"):
        out = out[1:]
    return out


def _temperature(match: re.Match[str]) -> str:
    below = "零下" if match.group(1) else ""
    return f"{below}{chinese_number(match.group(2))}摄氏度"


def _yuan(match: re.Match[str]) -> str:
    whole, fraction = match.group(1).replace(",", ""), match.group(2)
    jiao, fen = int(fraction[0]), int(fraction[1]) if len(fraction) > 1 else 0
    out = f"{whole}元" if int(whole) or not (jiao or fen) else ""
    if jiao:
        out += f"{jiao}角"
    elif fen and out:
        out += "零"
    if fen:
        out += f"{fen}分"
    return out


_ID_WORDS = (r"电话|手机|号码|拨打|热线|房间号|房号|门牌号|编号|工号|学号|账号|帐号|尾号|分机|"
             r"验证码|车次|航班号?|QQ|微信号?|报警|急救|火警")
_UNITS = {"km/h": "公里每小时", "km²": "平方公里", "m²": "平方米", "km": "公里", "kg": "公斤",
          "cm": "厘米", "mm": "毫米", "ml": "毫升", "mL": "毫升", "mg": "毫克", "g": "克",
          "m": "米", "L": "升", "t": "吨", "h": "小时", "min": "分钟", "s": "秒",
          "GB": "G", "MB": "兆"}
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))

PRE_RULES: list[Rule] = [
    # temperatures: 零下 rather than 负, and 二 rather than 两 (wetext says 两摄氏度)
    (re.compile(r"(?<![\d.])([-−－]\s?)?(\d+(?:\.\d+)?)\s?(?:℃|°C|°c)"), _temperature),
    (re.compile(r"[-−－]\s?(\d+(?:\.\d+)?)\s?度"), lambda m: f"零下{m.group(1)}度"),
    # ordinals: 第2个 -> 第二个 (wetext reads 2个 as 两个 even after 第)
    (re.compile(r"第\s?(\d+)(?![\d.])"), lambda m: "第" + chinese_number(m.group(1))),
    # landline numbers 010-62345678 and mobiles 13812345678 digit by digit
    (re.compile(r"(?<!\d)(0\d{2,3})[-－ ](\d{7,8})(?!\d)"),
     lambda m: spell_digits(m.group(1)) + spell_digits(m.group(2))),
    (re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)"), lambda m: spell_digits(m.group(1))),
    # numbers that follow a word naming an ID/phone number are read digit by digit
    (re.compile(rf"({_ID_WORDS})(是|为|：|:)?\s?(\d{{3,}})(?![\d.%])"),
     lambda m: m.group(1) + (m.group(2) or "") + spell_digits(m.group(3))),
    # ¥12.50 -> 12元5角 (wetext would say 十二点五零元)
    (re.compile(r"[¥￥]\s?(\d[\d,]*)\.(\d{1,2})(?!\d)"), _yuan),
    (re.compile(rf"(?<=\d)\s?({_UNIT_PATTERN})(?![A-Za-z²])"), lambda m: _UNITS[m.group(1)]),
]


@lru_cache(maxsize=1)
def _fst():
    try:
        from wetext import Normalizer
    except ImportError as error:  # pragma: no cover - depends on the install
        raise RuntimeError("Mandarin normalisation needs wetext: pip install wetext") from error
    with _LOCK:
        return Normalizer(lang="zh", operator="tn")


def load() -> None:
    """Load the FST grammars now (otherwise on first use)."""
    _fst()


def normalize_zh(text: str) -> str:
    """Spoken form of Mandarin ``text`` (numbers etc. written out in Chinese characters)."""
    for pattern, replace in PRE_RULES:
        text = pattern.sub(replace, text)
    if not _NEEDS_FST.search(text):
        return text
    with _LOCK:
        return _fst().normalize(text)

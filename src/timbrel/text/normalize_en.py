"""English text normalisation: numbers, money, dates, times, units, abbreviations -> words.

Rule based (regular expressions over the raw text, most specific first) so the output is
predictable and fast; the readings follow American usage ("one hundred twenty", "three
dollars and fifty cents", "March fifth, twenty twenty four", "minus five degrees Celsius").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from timbrel.text.numbers_en import cardinal, decimal, digits, ordinal, roman_value, year

_MONTHS = ("January February March April May June July August September October November "
           "December").split()
_MONTH_ABBR = {m[:3].lower(): m for m in _MONTHS}
_MONTH_NAMES = "|".join(_MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_NUM = r"\d{1,3}(?:,\d{3})+|\d+"
_DEC = rf"(?:{_NUM})(?:\.\d+)?"

_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("dollar", "dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", None, None),
    "￥": ("yuan", "yuan", None, None),
    "₹": ("rupee", "rupees", None, None),
}
_UNITS = {
    "km/h": ("kilometer per hour", "kilometers per hour"), "kph": ("kilometer per hour",
                                                                   "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"), "m/s": ("meter per second", "meters per second"),
    "km": ("kilometer", "kilometers"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "m": ("meter", "meters"), "mi": ("mile", "miles"),
    "ft": ("foot", "feet"), "kg": ("kilogram", "kilograms"), "mg": ("milligram", "milligrams"),
    "g": ("gram", "grams"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"), "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"), "l": ("liter", "liters"), "L": ("liter", "liters"),
    "GB": ("gigabyte", "gigabytes"), "MB": ("megabyte", "megabytes"),
    "KB": ("kilobyte", "kilobytes"), "TB": ("terabyte", "terabytes"),
    "GHz": ("gigahertz", "gigahertz"), "MHz": ("megahertz", "megahertz"),
    "Hz": ("hertz", "hertz"), "kW": ("kilowatt", "kilowatts"), "W": ("watt", "watts"),
    "kWh": ("kilowatt hour", "kilowatt hours"), "V": ("volt", "volts"),
    "hr": ("hour", "hours"), "hrs": ("hour", "hours"), "min": ("minute", "minutes"),
    "sec": ("second", "seconds"), "ms": ("millisecond", "milliseconds"),
    "°C": ("degree Celsius", "degrees Celsius"), "℃": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℉": ("degree Fahrenheit", "degrees Fahrenheit"), "°": ("degree", "degrees"),
    "m²": ("square meter", "square meters"), "km²": ("square kilometer", "square kilometers"),
}
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_FRACTIONS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
_TITLES = {"Dr": "Doctor", "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Prof": "Professor",
           "St": "Saint", "Mt": "Mount", "Gen": "General", "Capt": "Captain", "Sgt": "Sergeant",
           "Rev": "Reverend", "Gov": "Governor", "Sen": "Senator", "Rep": "Representative",
           "Lt": "Lieutenant", "Col": "Colonel", "Pres": "President", "Ft": "Fort"}
_SUFFIXES = {"St": "Street", "Ave": "Avenue", "Rd": "Road", "Blvd": "Boulevard", "Dr": "Drive",
             "Ln": "Lane", "Jr": "Junior", "Sr": "Senior", "Inc": "Incorporated",
             "Ltd": "Limited", "Co": "Company", "Corp": "Corporation", "Bros": "Brothers"}
_PHRASES = {"e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus",
            "approx.": "approximately", "dept.": "department", "est.": "established",
            "a.m.": "AM", "p.m.": "PM", "No.": "number", "no.": "number", "Fig.": "figure",
            "Vol.": "volume", "Ch.": "chapter", "pp.": "pages", "p.": "page"}
_REGNAL = set(
    "Henry Louis Elizabeth Edward George William Charles James Richard John Pope Benedict "
    "Pius Gregory Leo Paul Alexander Peter Frederick Philip Napoleon Ramesses Catherine Mary "
    "Victoria Anne Nicholas Ivan Constantine Alfonso Ferdinand Gustav Karl Carlos Juan Felipe "
    "Olaf Harald Rama Innocent Clement Urban Boniface Sixtus Stephen David Robert Malcolm Otto "
    "Wilhelm Ludwig Umberto Pedro Manuel Sebastian Francis Henri Hugh Amenhotep Thutmose "
    "Ptolemy Cleopatra Darius Xerxes Antiochus Selim Mehmed Murad Suleiman Haakon Christian "
    "Frederik Sancho Sigismund Casimir Boleslaw Vladimir Vasily Fyodor Leopold Joseph Maximilian "
    "Rudolf Albert Baldwin Raymond Bohemond Tancred Roger Afonso Joao Jaime Martin Sixtus".split()
)
_CARDINAL_BEFORE = set(
    "War Chapter Part Act Book Volume Phase Type Class Section Level Stage Article Title "
    "Schedule Appendix Round Episode Season Generation Mark Apollo Gemini Vatican Rocky "
    "Super Bowl Star Wave Grade Category Division Tier Unit Form Psalm".split()
)

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _count(text: str) -> int | float:
    clean = text.replace(",", "")
    return float(clean) if "." in clean else int(clean)


def _plural(amount: int | float, one: str, many: str) -> str:
    return one if amount == 1 else many


def _money(match: re.Match[str]) -> str:
    symbol, amount, scale = match.group("sym"), match.group("amt"), match.group("scale")
    one, many, sub_one, sub_many = _CURRENCIES[symbol]
    if scale:
        return f"{decimal(amount)} {scale} {many}"
    whole, _, cents = amount.replace(",", "").partition(".")
    if cents and sub_one and len(cents) == 2:
        main = int(whole or "0")
        sub = int(cents)
        parts = []
        if main:
            parts.append(f"{cardinal(main)} {_plural(main, one, many)}")
        if sub:
            parts.append(f"{cardinal(sub)} {_plural(sub, sub_one, sub_many)}")
        return " and ".join(parts) or f"zero {many}"
    value = _count(amount)
    return f"{decimal(amount)} {_plural(value, one, many)}"


def _date_words(month: int, day: int, year_text: str | None) -> str:
    words = f"{_MONTHS[month - 1]} {ordinal(day)}"
    return words + (f", {year(int(year_text))}" if year_text else "")


def _iso_date(match: re.Match[str]) -> str:
    y, m, d = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return match.group()
    return _date_words(m, d, str(y))


def _us_date(match: re.Match[str]) -> str:
    m, d, y = int(match.group(1)), int(match.group(2)), match.group(3)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return match.group()
    return _date_words(m, d, y)


def _month_date(match: re.Match[str]) -> str:
    month = _MONTHS.index(_MONTH_ABBR[match.group("month")[:3].lower()])
    return _date_words(month + 1, int(match.group("day")), match.group("year"))


def _day_month(match: re.Match[str]) -> str:
    month = _MONTHS.index(_MONTH_ABBR[match.group("month")[:3].lower()])
    words = f"the {ordinal(int(match.group('day')))} of {_MONTHS[month]}"
    return words + (f", {year(int(match.group('year')))}" if match.group("year") else "")


def _time(match: re.Match[str]) -> str:
    hour, minute, suffix = int(match.group(1)), int(match.group(2)), match.group(3)
    if hour > 24 or minute > 59:
        return match.group()
    words = cardinal(hour)
    if minute == 0:
        words += "" if suffix else " o'clock"
    elif minute < 10:
        words += " oh " + cardinal(minute)
    else:
        words += " " + cardinal(minute)
    if suffix:
        words += " " + suffix.replace(".", "").upper()
    return words


def _phone(match: re.Match[str]) -> str:
    groups = [g for g in match.groups() if g]
    return ", ".join(digits(g) for g in groups)


def _measure(match: re.Match[str]) -> str:
    sign, amount, unit = match.group("sign"), match.group("amt"), match.group("unit")
    one, many = _UNITS[unit]
    value = _count(amount)
    words = decimal(amount) + " " + _plural(value, one, many)
    return ("minus " if sign else "") + words


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match.group(1)), int(match.group(2))
    if bottom in _FRACTIONS:
        name = _FRACTIONS[bottom][0 if top == 1 else 1]
    else:
        word = ordinal(bottom)
        name = word if top == 1 else word + "s"
    return f"{cardinal(top)} {name}"


def _roman(match: re.Match[str]) -> str:
    name, numeral = match.group(1), match.group(2)
    value = roman_value(numeral)
    if value is None or (numeral == "I" and name not in _REGNAL):
        return match.group()
    if name in _REGNAL:
        return f"{name} the {ordinal(value).title()}"
    return f"{name} {cardinal(value)}"


def _abbreviation(match: re.Match[str]) -> str:
    word, following = match.group(1), match.group(2) or ""
    rest = match.string[match.end() :]
    capital_next = rest[:1].isupper()
    is_title = word in _TITLES and (
        word not in _SUFFIXES or (capital_next and not _after_name(match))
    )
    if is_title:
        return _TITLES[word] + following
    if word in _SUFFIXES:
        ends = not rest or "\n" in following or capital_next
        return _SUFFIXES[word] + ("." if ends else "") + following
    return match.group()


def _after_name(match: re.Match[str]) -> bool:
    """True after a capitalised word that does not start a sentence ("on Main St.")."""
    before = match.string[: match.start()]
    found = re.search(r"(^|.)(\s*)[A-Z][a-z]+\s+$", before, re.DOTALL)
    if not found:
        return False
    opener = found.group(1)
    return opener not in ("", ".", "!", "?", "\n") and not before.rstrip().endswith(".")


def _phrase(match: re.Match[str]) -> str:
    text, following = match.group(1), match.group(2) or ""
    spoken = _PHRASES[text]
    ends = not following or following.startswith("\n")
    return spoken + ("." if ends and text.endswith(".") else "") + following


_DIGIT_YEAR = r"1[1-9]\d\d|20\d\d"
RULES: list[Rule] = [
    (re.compile(r"\b(\d+(?:\.\d+){2,})\b"),
     lambda m: " point ".join(cardinal(int(part)) for part in m.group(1).split("."))),
    (re.compile(r"(?i)\b(call|dial|phone|ring)\s+(\d{3})\b(?![-.]\d)"),
     lambda m: f"{m.group(1)} {digits(m.group(2))}"),
    (re.compile(r"(?<![\w.])(\d+)'\s?(\d+)(?:\"|'')"),
     lambda m: f"{cardinal(int(m.group(1)))} {_plural(int(m.group(1)), 'foot', 'feet')} "
               f"{cardinal(int(m.group(2)))} {_plural(int(m.group(2)), 'inch', 'inches')}"),
    (re.compile(r"(?<![\w.])(e\.g\.|i\.e\.|etc\.|vs\.|approx\.|dept\.|est\.|a\.m\.|p\.m\."
                r"|No\.(?=\s*\d)|no\.(?=\s*\d)|Fig\.|Vol\.|Ch\.|pp\.)(\s*)"), _phrase),
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), _iso_date),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), _us_date),
    (re.compile(rf"\b(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
                rf"(?:,?\s+(?P<year>\d{{4}})\b)?"), _month_date),
    (re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_NAMES})\.?"
                rf"(?:,?\s+(?P<year>\d{{4}})\b)?"), _day_month),
    (re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?!:?\d)\s*(am|pm|a\.m\.|p\.m\.|AM|PM)?"
                r"(?![A-Za-z])"), _time),
    (re.compile(r"(?<![\d:])(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.|AM|PM)(?![A-Za-z])"),
     lambda m: cardinal(int(m.group(1))) + " " + m.group(2).replace(".", "").upper()),
    (re.compile(r"(?<![\w-])\((\d{3})\)\s*(\d{3})[-.\s](\d{4})\b"), _phone),
    (re.compile(r"(?<![\w-])(\d{3})[-.](\d{3})[-.](\d{4})\b"), _phone),
    (re.compile(r"(?<![\w-])(\d{3})-(\d{4})\b(?!-)"), _phone),
    (re.compile(rf"(?P<sym>US\$|[$£€¥￥₹])\s?(?P<amt>{_DEC})"
                r"(?:\s?(?P<scale>thousand|million|billion|trillion)\b)?"), _money),
    (re.compile(rf"(?<![\w.])(?P<sign>-)?(?P<amt>{_DEC})\s?%"),
     lambda m: ("minus " if m.group("sign") else "") + decimal(m.group("amt")) + " percent"),
    (re.compile(rf"(?<![\w.])(?P<sign>-)?(?P<amt>{_DEC})\s?(?P<unit>{_UNIT_PATTERN})"
                r"(?![A-Za-z²])"), _measure),
    (re.compile(rf"\b({_DIGIT_YEAR})\s?(?:-|–|to)\s?({_DIGIT_YEAR})\b"),
     lambda m: f"{year(int(m.group(1)))} to {year(int(m.group(2)))}"),
    (re.compile(r"\b(1[1-9]\d0|20[0-9]0)'?s\b"),
     lambda m: re.sub(r"y$", "ies", year(int(m.group(1)))) if year(int(m.group(1))).endswith("y")
     else year(int(m.group(1))) + "s"),
    (re.compile(rf"(?i)\b(in|since|from|until|till|by|of|during|before|after|around|circa|"
                rf"year|early|late|mid|to|{_MONTH_NAMES})(\.?,?\s+)({_DIGIT_YEAR})\b"
                r"(?![.,]\d|\s?(?:%|[a-z]+s\b))"),
     lambda m: f"{m.group(1)}{m.group(2)}{year(int(m.group(3)))}"),
    (re.compile(r"(?<![\w.])(\d+)(st|nd|rd|th)\b"), lambda m: ordinal(int(m.group(1)))),
    (re.compile(r"(?<![\w./])(\d+)/(\d+)(?![\w/])"), _fraction),
    (re.compile(r"(?<![\w.-])(\d+)\s?[-–]\s?(\d+)(?![\w-]|\.\d)"),
     lambda m: f"{cardinal(int(m.group(1)))} to {cardinal(int(m.group(2)))}"),
    (re.compile(rf"(?<![\w.\d-])-({_DEC})"), lambda m: "minus " + decimal(m.group(1))),
    (re.compile(rf"(?<![\w.])({_DEC})"), lambda m: decimal(m.group(1))),
    (re.compile(r"\b([A-Z][a-z]+)\s+([IVXLCDM]+)\b(?!\.\w)"), _roman),
    (re.compile(r"\b(" + "|".join(sorted(set(_TITLES) | set(_SUFFIXES), key=len, reverse=True))
                + r")\.(\s+|$)"), _abbreviation),
    (re.compile(r"\s*&\s*"), lambda m: " and "),
]


def normalize_en(text: str) -> str:
    """Spoken form of English ``text`` (numbers, money, dates ... written out as words)."""
    for pattern, replace in RULES:
        text = pattern.sub(replace, text)
    return text

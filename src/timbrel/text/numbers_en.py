"""English number words: cardinals, ordinals, years, decimals, digit strings, Roman numerals."""

from __future__ import annotations

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_WORDS = {
    "one": "first", "two": "second", "three": "third", "four": "fourth", "five": "fifth",
    "six": "sixth", "seven": "seventh", "eight": "eighth", "nine": "ninth", "ten": "tenth",
    "eleven": "eleventh", "twelve": "twelfth", "twenty": "twentieth", "thirty": "thirtieth",
    "forty": "fortieth", "fifty": "fiftieth", "sixty": "sixtieth", "seventy": "seventieth",
    "eighty": "eightieth", "ninety": "ninetieth", "hundred": "hundredth",
    "thousand": "thousandth", "million": "millionth", "billion": "billionth",
}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def cardinal(number: int) -> str:
    """1234 -> "one thousand two hundred thirty four" (American, no "and")."""
    if number < 0:
        return "minus " + cardinal(-number)
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (" " + _ONES[ones] if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return _ONES[hundreds] + " hundred" + (" " + cardinal(rest) if rest else "")
    for scale, name in _SCALES:
        if number >= scale:
            head, rest = divmod(number, scale)
            return cardinal(head) + " " + name + (" " + cardinal(rest) if rest else "")
    raise AssertionError("unreachable")


def ordinal(number: int) -> str:
    """21 -> "twenty first", 103 -> "one hundred third"."""
    words = cardinal(number).split()
    last = words[-1]
    words[-1] = _ORDINAL_WORDS.get(last, last + "th")
    return " ".join(words)


def year(number: int) -> str:
    """1990 -> "nineteen ninety", 1905 -> "nineteen oh five", 2000 -> "two thousand",
    2008 -> "two thousand eight", 2024 -> "twenty twenty four"."""
    if not 1000 <= number <= 9999:
        return cardinal(number)
    head, tail = divmod(number, 100)
    if tail == 0:
        return cardinal(number) if head % 10 == 0 else cardinal(head) + " hundred"
    if head % 10 == 0 and tail < 10:
        return cardinal(number)
    if tail < 10:
        return cardinal(head) + " oh " + _ONES[tail]
    return cardinal(head) + " " + cardinal(tail)


def decimal(text: str) -> str:
    """"3.14" -> "three point one four"; "1,234" -> "one thousand two hundred thirty four"."""
    whole, _, fraction = text.replace(",", "").partition(".")
    words = cardinal(int(whole or "0"))
    if fraction:
        words += " point " + digits(fraction)
    return words


def digits(text: str) -> str:
    """"0198" -> "zero one nine eight"."""
    return " ".join(_ONES[int(d)] for d in text if d.isdigit())


def roman_value(numeral: str) -> int | None:
    """"XIV" -> 14; None for a string that is not a well-formed Roman numeral."""
    if not numeral or any(ch not in _ROMAN for ch in numeral):
        return None
    total = 0
    for index, ch in enumerate(numeral):
        value = _ROMAN[ch]
        following = _ROMAN[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total if 0 < total < 4000 and to_roman(total) == numeral else None


def to_roman(number: int) -> str:
    out = []
    for value, symbol in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                          (4, "IV"), (1, "I")):
        while number >= value:
            out.append(symbol)
            number -= value
    return "".join(out)

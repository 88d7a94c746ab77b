"""Numbers as speech recognition writes them, read as digits: kanji (三十万), kana (さんじゅうまん), mixed (3千万, 1,200万)
and English words (twenty-eight thousand, fourteen fifty), so the markers read one form (scoring/normalise.py).
"""

from __future__ import annotations

import re

_KANJI_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_BIG_UNIT = {"万": 10**4, "億": 10**8}
# A number that is not yet plain digits: kanji numerals, a multiplier after a digit (3千万), thousands commas.
# Both branches start with a character class, so the scan skips ahead in C.
_NUMERALS = frozenset("0123456789〇一二三四五六七八九十百千万億,，")
# Where a number that is not yet plain digits shows itself: a kanji numeral before a counter or another numeral, or a
# digit before a multiplier or a thousands comma (3千万, 1,200万). The number around it is then read in Python, so
# each scan is one character class the engine skips through (one pattern of both classes scans 50 % slower).
_NUMBER_TRIGGERS = (
    re.compile(
        r"[〇一二三四五六七八九十百千](?=[0-9〇一二三四五六七八九十百千万億,，円人名台件社羽頭棟店時分秒日月年割枚回個本歳部階週坪%％])"
    ),
    re.compile(r"[0-9](?=[〇一二三四五六七八九十百千,，])"),
)
# What may follow a number made of kanji alone for it to be a count or an amount (五十嵐, 八百屋, 七五三 stay).
_COUNTER = frozenset("円万億人名台件社羽頭棟店時分秒日月年割枚回個本歳部階週坪%％")
_SINGLE_COUNTER = frozenset("円万億人名台件社羽頭棟店時日月割枚回個歳部階週坪")
_KANA_DIGIT = r"(?:いち|いっ|に|さん|よん|ご|ろく|ろっ|なな|はち|はっ|きゅう)"
_KANA_SMALL = rf"(?:{_KANA_DIGIT}?(?:せん|ぜん))?(?:{_KANA_DIGIT}?(?:ひゃく|びゃく|ぴゃく))?(?:{_KANA_DIGIT}?(?:じゅう|じゅっ))?{_KANA_DIGIT}?"
# Spoken numbers count only as an amount (さんじゅうまん, にせんえん): kana digits are also particles (に, ご).
_KANA_RE = re.compile(
    rf"(?=[いにさよごろなはきせひじ]){_KANA_SMALL}(?:まん|おく)(?:{_KANA_SMALL})?(?:えん)?"
    rf"|(?=[いにさよごろなはきせひじ]){_KANA_SMALL}えん"
)
_KANA_TO_KANJI = [
    ("いっ", "一"), ("いち", "一"), ("きゅう", "九"), ("さん", "三"), ("よん", "四"), ("ろっ", "六"), ("ろく", "六"),
    ("なな", "七"), ("はっ", "八"), ("はち", "八"), ("じゅっ", "十"), ("じゅう", "十"), ("ひゃく", "百"),
    ("びゃく", "百"), ("ぴゃく", "百"), ("せん", "千"), ("ぜん", "千"), ("まん", "万"), ("おく", "億"), ("えん", "円"),
    ("に", "二"), ("ご", "五"),
]  # fmt: skip
_EN_SMALL = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
        " seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_EN_SCALE = {"hundred": 100, "thousand": 1000, "grand": 1000, "million": 10**6}
_EN_WORD = "|".join(sorted([*_EN_SMALL, *_EN_TENS, *_EN_SCALE], key=len, reverse=True))
# Numbers said in words (twenty-eight thousand, two hundred forty): what the English markers read as digits.
# An ordinal day said in words (the twenty-eighth) is left whole: its "twenty" is no number of its own.
_EN_NUMBER_RE = re.compile(
    rf"\b(?:{_EN_WORD})(?:(?:[ -]|[ -]and[ -])(?:{_EN_WORD}))*\b"
    r"(?!-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b)",
    re.I,
)


def number_edits(text: str, language: str) -> list[tuple[int, int, str]]:
    """Every number in the text that is not yet plain digits, as (start, end, digits)."""
    edits: list[tuple[int, int, str]] = []
    if language != "ja":
        for m in _EN_NUMBER_RE.finditer(text):
            new = _en_number(m.group(0))
            if new is not None:
                edits.append((m.start(), m.end(), new))
        return edits
    done = 0
    for at in sorted(m.start() for pattern in _NUMBER_TRIGGERS for m in pattern.finditer(text)):
        if at < done:
            continue
        start, end = at, at + 1
        while start > 0 and text[start - 1] in _NUMERALS:
            start -= 1
        while end < len(text) and text[end] in _NUMERALS:
            end += 1
        done = end
        while start < end and text[start] in ",，":
            start += 1
        while end > start and text[end - 1] in ",，":
            end -= 1
        new = _number(text[start:end], text[end : end + 1], clock=_one_oclock(text, start, end))
        if new is not None:
            edits.append((start, end, new))
    if "まん" in text or "えん" in text or "おく" in text:
        for m in _KANA_RE.finditer(text):
            new = _kana_number(m.group(0))
            if new is not None:
                edits.append((m.start(), m.end(), new))
    return edits


def _value(text: str) -> int | None:
    """The value of a Japanese number (三百七十八万, 3千万, 1,200万, 四万八千); None when it is not one."""
    total, section, digits, seen = 0, 0, -1, False
    for ch in text:
        if ch.isdigit() or ch in _KANJI_DIGIT:
            d = int(ch) if ch.isdigit() else _KANJI_DIGIT[ch]
            digits = d if digits < 0 else digits * 10 + d
            seen = True
        elif ch in _SMALL_UNIT:
            section += (1 if digits < 0 else digits) * _SMALL_UNIT[ch]
            digits, seen = -1, True
        elif ch in _BIG_UNIT:
            if digits < 0 and section == 0:
                return None
            total += (section + max(digits, 0)) * _BIG_UNIT[ch]
            section, digits = 0, -1
        elif ch not in ",，":
            return None
    return total + section + max(digits, 0) if seen else None


# 一時 is "for a while" unless said as a time of day (午後一時, 一時半から).
_DAYPART = re.compile(r"(午前|午後|朝|夕方|夜|昼)の?$")


def _one_oclock(text: str, start: int, end: int) -> bool:
    """A lone 一 before 時 said as one o'clock: after a part of the day or before 半 or から."""
    return (
        text[start:end] == "一"
        and text.startswith("時", end)
        and (bool(_DAYPART.search(text, 0, start)) or text.startswith(("時半", "時から", "時〜", "時～"), end))
    )


def _number(text: str, after: str, *, clock: bool = False) -> str | None:
    """Plain digits for a number, keeping 万 as the unit of round amounts (三十万 → 30万, 四万八千 → 48000)."""
    if re.search(r"[,，](?![0-9]{3}(?![0-9]))", text):
        return None
    kanji_only = not any(ch.isdigit() for ch in text)
    # A big unit anywhere (三十三万六千) makes it an amount whatever follows it.
    if kanji_only and not ("万" in text or "億" in text):
        if len(text) == 1 and (text == "一" and not clock or after not in _SINGLE_COUNTER) or after not in _COUNTER:
            return None
    value = _value(text)
    if value is None:
        return None
    return (
        f"{value // 10**4}万" if value >= 10**4 and value % 10**4 == 0 and text.endswith(("万", "億")) else str(value)
    )


def _en_number(text: str) -> str | None:
    """Digits for a number said in English words; a lone small word (one, two) stays a word."""
    words = [w for w in re.split(r"[ -]+", text.lower()) if w != "and"]
    if len(words) == 1 and words[0] in _EN_SMALL and _EN_SMALL[words[0]] < 13 or words[0] in _EN_SCALE:
        return None
    total = current = 0
    for w in words:
        # Said in pairs (fourteen fifty, nineteen ninety): a ten or a teen after one is the next two digits.
        pair = 10 <= current < 100 and (current % 10 == 0 or current < 20)
        if w in _EN_SMALL and pair and _EN_SMALL[w] >= 10:
            current = current * 100 + _EN_SMALL[w]
        elif w in _EN_TENS and pair:
            current = current * 100 + _EN_TENS[w]
        elif w in _EN_SMALL:
            current += _EN_SMALL[w]
        elif w in _EN_TENS:
            current += _EN_TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * _EN_SCALE[w]
            current = 0
    return str(total + current)


def _kana_number(text: str) -> str | None:
    """A spoken amount in kana as digits (さんじゅうまんえん → 30万円)."""
    if not re.search("まん|おく|せん|ぜん|ひゃく|びゃく|ぴゃく|じゅう|じゅっ", text):
        return None
    kanji = text
    for kana, k in _KANA_TO_KANJI:
        kanji = kanji.replace(kana, k)
    tail = "円" if kanji.endswith("円") else ""
    number = _number(kanji.removesuffix("円"), tail or "円")
    return None if number is None else number + tail

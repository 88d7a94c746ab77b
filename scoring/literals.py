"""Literal strings one of which every match of a regex must contain: a cheap test that a text cannot match a marker.

A long call has ~800 sentences and each marker used to be searched in every one of them; most markers are
alternations of words, and a sentence holding none of a marker's words cannot match it. `required_literals` reads
the compiled pattern's own parse tree (so it works for any marker data, not tuned to today's) and answers None
whenever it cannot prove a requirement: then the marker is searched everywhere, as before. `LiteralIndex` finds the
texts holding a literal by checking only the texts that hold its rarest character.
"""

from __future__ import annotations

import _sre
import re
from collections import defaultdict
from collections.abc import Sequence
from re import _constants as _sre_constants  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Any

MAX_LITERALS = 128
MIN_BRANCHES = 8
# A backreference (\\1, (?P=name)) or a conditional ((?(1)…)) ties one alternative to another's group.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_MAX_CLASS = 16
# Inline flags scoped to a group change how its literals match; such groups prove nothing here.
_SCOPED_FLAGS = re.IGNORECASE | re.ASCII | re.LOCALE | re.UNICODE | re.VERBOSE
_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT, _sre_constants.POSSESSIVE_REPEAT}

Literals = frozenset[str]


def required_literals(pattern: re.Pattern[str]) -> Literals | None:
    """Strings one of which occurs verbatim in every text the pattern matches; None when that is not known.

    Under IGNORECASE a literal with a cased character (Excel, IR) matches other spellings too, which a substring test
    would miss: such a marker gets None (testing every text for the folded literals costs as much as searching it
    for the marker: measured on the English calls, whose literals are all cased)."""
    if not isinstance(pattern.pattern, str):
        return None
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError, TypeError, ValueError, OverflowError):
        return None
    found = _sequence(list(tree))
    if not found or "" in found or len(found) > MAX_LITERALS:
        return None
    if pattern.flags & re.IGNORECASE and any(_is_cased(ch) for lit in found for ch in lit):
        return None
    return found


def branches(pattern: re.Pattern[str]) -> tuple[tuple[re.Pattern[str], Literals | None], ...] | None:
    """The pattern's top-level alternatives, each compiled alone with its own required literals; None when it has
    fewer than `MIN_BRANCHES`, refers to a group (a backreference, a conditional), or has the literals of fewer than
    half its alternatives known.

    Python's regex engine tries every alternative at every position of a text; a marker of a hundred words is slow
    on a long sentence that holds one of them. Searching only the alternatives whose words the sentence holds, and
    keeping the leftmost match (the first alternative among those starting there), finds what the whole pattern
    finds (`CallView.find`, scoring/markers.py)."""
    if not isinstance(pattern.pattern, str):
        return None
    if _GROUP_REFERENCE.search(pattern.pattern):
        return None
    parts = _top_level_split(pattern.pattern)
    if parts is None or len(parts) < MIN_BRANCHES:
        return None
    try:
        compiled = [re.compile(part, pattern.flags) for part in parts]
    except re.error:
        return None
    split = tuple((c, required_literals(c)) for c in compiled)
    # With no alternative's literals known (an English marker's words are all cased), every sentence would be searched
    # once per alternative: slower than the whole pattern.
    return split if sum(lits is not None for _, lits in split) * 2 >= len(split) else None


def _top_level_split(source: str) -> list[str] | None:
    """The source split at its top-level `|` (outside groups and character classes); None when unbalanced."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            # A ] right after [ or [^ is a literal member of the class.
            if source[i + 1 : i + 2] == "^":
                i += 1
            if source[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    if depth or in_class:
        return None
    parts.append(source[start:])
    return parts


class LiteralIndex:
    """Which texts hold which characters, built once, so that the texts holding a literal are found by checking only
    the texts that hold its rarest character, not by scanning every text for every literal."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self._by_char: defaultdict[str, list[int]] = defaultdict(list)
        by_char = self._by_char
        for i, text in enumerate(texts):
            for ch in set(text):
                by_char[ch].append(i)
        self._holding: dict[str, list[int]] = {}
        self._containing: dict[Literals, list[int]] = {}

    def containing(self, literals: Literals) -> list[int]:
        """Indices (ascending) of the texts that hold at least one of the literals."""
        if literals not in self._containing:
            if len(literals) == 1:
                (lit,) = literals
                self._containing[literals] = self.holding(lit)
            else:
                found: set[int] = set()
                for lit in literals:
                    found.update(self.holding(lit))
                self._containing[literals] = sorted(found)
        return self._containing[literals]

    def holding(self, literal: str) -> list[int]:
        """Indices (ascending) of the texts that contain the literal."""
        if literal not in self._holding:
            texts, empty = self.texts, list[int]()
            rarest = min((self._by_char.get(ch, empty) for ch in set(literal)), key=len)
            self._holding[literal] = rarest if len(literal) == 1 else [i for i in rarest if literal in texts[i]]
        return self._holding[literal]


def _is_cased(ch: str) -> bool:
    """Whether IGNORECASE matches this character to others (the regex compiler's own test, or Python's)."""
    return bool(_sre.unicode_iscased(ord(ch))) or ch.lower() != ch or ch.upper() != ch


def _sequence(items: list[tuple[Any, Any]]) -> Literals | None:
    """For items every match runs through one after another: the most selective requirement among them."""
    best: Literals | None = None
    run = ""
    for op, av in [*items, (None, None)]:
        if op is _sre_constants.LITERAL:
            run += chr(av)
            continue
        if run:
            best = _better(best, frozenset({run}))
            run = ""
        if op is not None:
            best = _better(best, _item(op, av))
    return best


def _item(op: Any, av: Any) -> Literals | None:
    """What one parsed item requires of the text (None: nothing known)."""
    if op is _sre_constants.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return None if (add_flags | del_flags) & _SCOPED_FLAGS else _sequence(list(sub))
    if op is _sre_constants.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is _sre_constants.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(list(branch))
            if not found:
                return None
            union |= found
        return frozenset(union)
    if op in _REPEATS:
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    if op is _sre_constants.IN:
        return _char_class(av)
    return None


def _char_class(items: list[tuple[Any, Any]]) -> Literals | None:
    """A small class of plain characters ([月火水]) is a set of one-character literals; anything else proves nothing."""
    chars = set()
    for op, av in items:
        if op is not _sre_constants.LITERAL:
            return None
        chars.add(chr(av))
    return frozenset(chars) if 0 < len(chars) <= _MAX_CLASS else None


def _weight(literal: str) -> int:
    """How selective a literal is likely to be: its length, one more when it holds a kanji, katakana, digit or letter
    (a particle such as で or から, or a comma, is in most Japanese sentences; a word such as 費 is not)."""
    return len(literal) + any(ch.isalnum() and not ("\u3041" <= ch <= "\u309f") for ch in literal)


def _better(a: Literals | None, b: Literals | None) -> Literals | None:
    """The more selective of two requirements: the heavier lightest literal, then the fewer literals."""
    if not b or "" in b:
        return a
    if not a:
        return b
    return max(a, b, key=lambda s: (min(map(_weight, s)), -len(s)))

"""The marker prefilter (scoring/literals.py) never hides a match: a text without a required literal cannot match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.lexicon import LEXICON
from scoring.literals import LiteralIndex, _top_level_split, branches, required_literals
from scoring.markers import CallView
from scoring.transcript import TranscriptError, parse_transcript

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "labelled"


def _calls() -> list[CallView]:
    views = []
    for path in sorted(LABELLED.rglob("*")):
        if path.suffix not in {".vtt", ".srt", ".txt", ".json"} or path.name.endswith(("expected.json", "labels.json")):
            continue
        try:
            transcript = parse_transcript(path.read_bytes(), filename=path.name)
        except TranscriptError:
            continue
        views.append(CallView(transcript, transcript.segments[0].speaker))
    return views


CALLS = _calls()


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (re.compile(r"課題|お困り"), {"課題", "お困り"}),
        (re.compile(r"本日(は|の).{0,60}(について|お伺い)", re.I), {"について", "お伺い"}),
        (re.compile(r"(ご)?予算"), {"予算"}),
        (re.compile(r"[月火水]曜日?"), {"曜"}),
        (re.compile(r"[月火水]\d"), {"月", "火", "水"}),
        (re.compile(r"(?<!\d)\d{1,2}月"), {"月"}),
        (re.compile(r"^(?!.*(方針|予算)).*(て|で)しま(った|って)"), {"しま"}),
        (re.compile(r"(?:ab)+c?", re.I), None),  # cased under IGNORECASE: Ab, aB... would be missed
        (re.compile(r"(?:ab)+c?"), {"ab"}),
        (re.compile(r"(?-i:grants?)|fund", re.I), None),
        (re.compile(r"予算|"), None),  # an empty branch matches anywhere
        (re.compile(r"(の|)予算?"), {"予"}),
        (re.compile(r"x*|y"), None),
        (re.compile(r"\d+円"), {"円"}),
        (re.compile(r"[^。]{2}"), None),
        (re.compile(r"(?!)"), None),
        (re.compile(r"(円|金額)\1"), {"円", "金額"}),
        # A particle (で, から) or a comma is in most sentences: a word of kanji is the better requirement.
        (re.compile(r"(費|予算|基金)(で|から)(出|賄)"), {"出", "賄"}),
        (re.compile(r"\d(で|なら)、(お願い|結構)"), {"お願い", "結構"}),
        (re.compile(r"、[^。]{0,4}(費|額)"), {"費", "額"}),
    ],
)
def test_required_literals_of_known_shapes(pattern: re.Pattern[str], expected: set[str] | None) -> None:
    found = required_literals(pattern)
    assert (None if found is None else set(found)) == expected


# The Japanese markers read every call not in English (scoring/lexicon.py), so their sentences are the ones to check.
TEXTS = sorted({s.text for view in CALLS if view.transcript.language != "en" for s in view.sentences})
PREFILTERED = [(name, p, lits) for name, p in LEXICON["ja"].items() if (lits := required_literals(p)) is not None]


def test_the_soundness_check_reads_the_labelled_calls_and_most_markers() -> None:
    assert len(TEXTS) > 10_000 and len(PREFILTERED) > 100


@pytest.mark.parametrize(("name", "pattern", "literals"), PREFILTERED, ids=[n for n, _, _ in PREFILTERED])
def test_every_marker_match_in_the_labelled_calls_holds_a_required_literal(
    name: str, pattern: re.Pattern[str], literals: tuple[str, ...]
) -> None:
    """Soundness on real data: wherever a marker matches a sentence, the sentence holds one of its literals."""
    holds = re.compile("|".join(map(re.escape, literals)))
    unsound = [text for text in TEXTS if not holds.search(text) and pattern.search(text)]
    assert not unsound, (name, unsound[:3])


def test_case_insensitive_english_markers_are_searched_everywhere() -> None:
    assert all(required_literals(p) is None for p in LEXICON["en"].values() if p.flags & re.IGNORECASE)


_ALPHABET = "予算課題のにはでてしま円月日曜、。ab1 "
_PIECES = [
    "予算",
    "課題",
    "(の|は)",
    "(で|て)しま",
    ".{0,3}",
    "\\d+",
    "[月日]",
    "(?:円)?",
    "(?<!の)",
    "(?=し)",
    "a+",
    "^",
]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4), min_size=1, max_size=3),
    texts=st.lists(st.text(alphabet=_ALPHABET, max_size=12), min_size=1, max_size=20),
)
def test_a_text_without_the_literals_never_matches(parts: list[list[str]], texts: list[str]) -> None:
    """Soundness on generated patterns and texts: no match in a text that holds none of the required literals, and
    the index finds exactly the texts holding one."""
    pattern = re.compile("|".join("".join(p) for p in parts))
    literals = required_literals(pattern)
    if literals is None:
        return
    holding = LiteralIndex(texts).containing(literals)
    assert holding == [i for i, t in enumerate(texts) if any(lit in t for lit in literals)]
    for i, text in enumerate(texts):
        if pattern.search(text):
            assert i in holding, (pattern.pattern, text)


def test_find_equals_searching_every_sentence() -> None:
    """CallView.find with the prefilter gives the hits a search of every sentence of the asked side gives."""
    compared = 0
    # At most about 300 calls, spread over every set, so the check stays inside the timeout as blind sets are added.
    for view in CALLS[:: -(-len(CALLS) // 300)]:
        for name, pattern in view.lex.items():
            # Every sentence searched once per pattern (the corpus grows with each blind set); filtered per side below.
            every = [(s, m) for s in view.sentences if (m := pattern.search(s.text))]
            for who in ("any", "rep", "customer"):
                for questions in (None, True, False):
                    want = [
                        (s.order, m.span())
                        for s, m in every
                        if (who == "any" or s.is_rep == (who == "rep"))
                        and (questions is None or s.is_question == questions)
                    ]
                    got = [(h.sentence.order, h.match.span()) for h in view.find(name, who=who, questions=questions)]
                    assert got == want, (name, who, questions)
                    compared += len(want)
    assert compared > 1000


@pytest.mark.parametrize(
    ("source", "parts"),
    [
        ("a|b|c", ["a", "b", "c"]),
        ("(a|b)|c", ["(a|b)", "c"]),
        ("[|]|x", ["[|]", "x"]),
        ("[]|]|x", ["[]|]", "x"]),
        ("[^]|]|x", ["[^]|]", "x"]),
        (r"\||x", [r"\|", "x"]),
        (r"a\(|b", [r"a\(", "b"]),
        ("(?<!の)予算|(?:円|金)", ["(?<!の)予算", "(?:円|金)"]),
        ("(a|b", None),
        ("a)|b", None),
        ("[ab|c", None),
    ],
)
def test_top_level_split(source: str, parts: list[str] | None) -> None:
    assert _top_level_split(source) == parts


def test_a_marker_splits_into_its_alternatives_only_when_it_is_safe() -> None:
    eight = "|".join(f"語{i}" for i in range(8))
    split = branches(re.compile(eight))
    assert split is not None and [p.pattern for p, _ in split] == [f"語{i}" for i in range(8)]
    assert branches(re.compile("|".join(f"語{i}" for i in range(7)))) is None  # too few to gain
    assert branches(re.compile(r"(円|金)\1|" + eight)) is None  # a backreference ties one alternative to a group
    assert branches(re.compile("(?P<x>円)(?P=x)|" + eight)) is None
    assert branches(re.compile("|".join(f"w{i}" for i in range(8)), re.I)) is None  # no literal known anywhere
    assert sum(branches(p) is not None for p in LEXICON["ja"].values()) >= 20  # the long Japanese markers split


_WORDS = [
    "予算",
    "予算が",
    "予",
    "算が",
    "課題",
    "題",
    "円",
    "(?<!の)円",
    "の円",
    "(で|て)しま",
    "^予",
    "\\d+円",
    "月?日",
]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=8, max_size=14),
    texts=st.lists(st.text(alphabet="予算が課題の円でてしま1月日。", max_size=14), min_size=1, max_size=12),
)
def test_searching_the_alternatives_finds_what_the_whole_marker_finds(words: list[str], texts: list[str]) -> None:
    """The leftmost match, and among alternatives starting at the same place the earlier one (予算 before 予算が), as
    one search of the whole pattern gives, on generated markers of overlapping words."""
    pattern = re.compile("|".join(words))
    if branches(pattern) is None:
        return
    body = "\n".join(f"A: {t}" if i % 2 == 0 else f"B: {t}" for i, t in enumerate(texts) if t.strip("。"))
    if not body:
        return
    transcript = parse_transcript(body.encode(), filename="call.ja.txt")
    view = CallView(transcript, "A")
    view.lex = {"m": pattern}
    want = [(s.order, m.span()) for s in view.sentences if (m := pattern.search(s.text))]
    assert [(h.sentence.order, h.match.span()) for h in view.find("m")] == want

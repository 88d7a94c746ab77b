"""The compact checks code: a round trip through the field gives back the scorecard's checks hit and missed; a code
that is absent, malformed or from another rubric version gives nothing rather than wrong checks."""

from __future__ import annotations

from scoring.offline import score_transcript
from scoring.rubric import load_rubric
from scoring.transcript import parse_transcript
from sync.check_code import checks_code, decode
from sync.coaching_fields import checks, coaching_fields
from tests.conftest import FIXTURES


def test_the_code_round_trips_and_refuses_what_it_cannot_read() -> None:
    for name in ("discovery_good.ja.vtt", "weak_call.ja.txt"):
        text = (FIXTURES / "transcripts" / name).read_text(encoding="utf-8")
        card = score_transcript(parse_transcript(text, filename=name), rubric=load_rubric("sales-7-phase", "ja"))
        code, fields = checks_code(card), coaching_fields(card)
        assert code is not None and len(code) <= 255 and code.startswith("sales-7-phase@")
        assert decode(code) == (checks(fields["dealcoach_checks_hit"]), checks(fields["dealcoach_checks_missed"]))
        head, hit, missed = code.split(":")
        assert decode(f"{head}9:{hit}:{missed}") == ((), ()), "another rubric version"
    for bad in (None, "", "sales-7-phase@1", "sales-7-phase@1:zz:0", "no-such-rubric@1:1:0"):
        assert decode(bad) == ((), ())

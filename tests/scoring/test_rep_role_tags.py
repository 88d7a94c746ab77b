"""A dialer's role tags say who the rep is (issue 13, blind18–24: four dialer files whose customer answered the phone
with their company's name were read with the customer as the rep). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.metrics import identify_rep
from scoring.transcript import parse_transcript


def _srt(lines: list[str]) -> bytes:
    cues = [f"{i}\n00:00:{2 * i:02d},000 --> 00:00:{2 * i + 1:02d},500\n{line}\n" for i, line in enumerate(lines, 1)]
    return "\n".join(cues).encode()


@pytest.mark.parametrize(
    ("customer", "agent"),
    [("[Customer]", "[Agent]"), ("CALLEE:", "AGENT:"), ("【お客様】", "【営業】")],
)
def test_the_agent_tag_is_the_rep_even_when_the_customer_answers_with_their_company(customer, agent):
    data = _srt(
        [
            f"{customer} はい、みなと造船の総務、川口でございます。",
            f"{agent} お忙しいところ失礼いたします。私、潮風システムの森と申します。",
            f"{customer} はい、どういったご用件でしょう。",
            f"{agent} 船台の予約を紙で管理されている造船所さま向けに、ご案内をしております。",
        ]
    )
    transcript = parse_transcript(data, filename="call.ja.srt")
    name, method, _ = identify_rep(transcript, None)
    assert name == agent.rstrip(":") and method == "role"


def test_a_caller_tag_is_not_taken_as_the_rep():
    data = _srt(
        [
            "[Caller] Hi, I saw your ad for berth booking software and wanted to ask about pricing.",
            "[Receiver] Thanks for calling Harbourline, this is Sam. Happy to help with that.",
        ]
    )
    name, method, _ = identify_rep(parse_transcript(data, filename="call.en.srt"), None)
    assert method != "role"

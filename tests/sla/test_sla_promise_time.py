"""Issue 13: a promise's task is never due later than the time the promise names (今日の17時 → 17:00, not close of business).

The promises are scored from generated calls by the offline scorer, so the time travels the real path:
transcript → scoring/due.py → the card's JSON → sync/sla/state.py → derive `_promised_due`.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.offline import score_transcript
from scoring.rubric import load_rubric
from scoring.transcript import parse_transcript
from tests.sla.sla_helpers import TOKYO, call, deal, run, state

RUBRIC = load_rubric("sales-7-phase", "ja")
PROMISE_RULES = ("promise_small", "promise_deliverable")
# (words for the day, days after the call), (words for the time, the time they name)
DAYS = [("今日の", 0), ("本日", 0), ("明日の", 1), ("明後日の", 2), ("", 0)]
TIMES = [("17時までに", time(17)), ("15時半までに", time(15, 30)), ("正午までに", time(12)), ("午後3時までに", time(15)),
         ("9時までに", time(9)), ("20時までに", time(20)), ("5時までに", time(17))]
THINGS = ["資料をお送りします。", "お見積りをお送りします。", "議事録を共有いたします。", "記事のURLをお送りします。"]


def _promise_tasks(text: str, ended: datetime) -> list:
    """Score a two-turn call that holds one promise, then plan the deal's SLA tasks from the card's commitments."""
    segments = [{"speaker": "佐藤", "role": "rep", "start": 0.0, "end": 8.0, "text": text},
                {"speaker": "高橋", "role": "customer", "start": 9.0, "end": 11.0, "text": "はい、お願いします。"}]
    transcript = parse_transcript(json.dumps({"language": "ja", "segments": segments}, ensure_ascii=False), filename="c.json")
    card = score_transcript(transcript, rubric=RUBRIC, call_date=ended.date())
    promises = [c.to_dict() for c in card.commitments if c.owner == "rep"]
    assert promises, text
    plan = run(state(ended + timedelta(minutes=5), [deal()], [call(at=ended - timedelta(hours=1), ended=ended,
                                                                   commitments=promises)]))
    return [t for t in plan.create if t.rule in PROMISE_RULES and "interim" not in t.key]


@settings(deadline=None, derandomize=True, database=None, max_examples=30)
@given(day=st.sampled_from(DAYS), at=st.sampled_from(TIMES), thing=st.sampled_from(THINGS),
       ended_hour=st.integers(min_value=8, max_value=16), weekday=st.integers(min_value=0, max_value=6))
def test_no_promise_task_is_due_after_the_time_the_promise_names(
        day: tuple[str, int], at: tuple[str, time], thing: str, ended_hour: int, weekday: int) -> None:
    ended = datetime.combine(date(2026, 11, 16) + timedelta(days=weekday), time(ended_hour), tzinfo=TOKYO)
    named = datetime.combine(ended.date() + timedelta(days=day[1]), at[1], tzinfo=TOKYO)
    tasks = _promise_tasks(f"{day[0]}{at[0]}{thing}", ended)
    assert tasks and all(t.due <= named for t in tasks), [(t.due, named) for t in tasks]


@pytest.mark.parametrize(("text", "due"), [
    ("今日の17時までに資料をお送りします。", datetime(2026, 11, 20, 17, tzinfo=TOKYO)),
    ("契約書を明日の正午までにPDFでお送りします。", datetime(2026, 11, 21, 12, tzinfo=TOKYO)),  # a Saturday: the day named
    ("本日中に資料をお送りします。", datetime(2026, 11, 20, 18, tzinfo=TOKYO)),  # no time: close of business that day
])
def test_the_task_is_due_at_the_named_time_itself(text: str, due: datetime) -> None:
    [task] = _promise_tasks(text, datetime(2026, 11, 20, 11, tzinfo=TOKYO))
    assert task.due == due

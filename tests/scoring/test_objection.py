"""NG 'objection ignored': a customer's concern the rep's next turn neither acknowledges, asks about nor answers."""

from __future__ import annotations

from scoring.offline import score_transcript
from scoring.rubric import Rubric
from scoring.transcript import parse_transcript

IGNORED = """山田: 株式会社ミライクラウドの山田と申します。
佐藤: 正直、導入の手間が心配なんです。
山田: 弊社のツールは画面がきれいで、グラフもたくさん出せます。
"""
ACKNOWLEDGED = """山田: 株式会社ミライクラウドの山田と申します。
佐藤: 正直、導入の手間が心配なんです。
山田: ご心配はもっともです。導入は専任の担当が三週間で伴走します。
"""
ANSWERED_BY_TOPIC = """山田: 株式会社ミライクラウドの山田と申します。
佐藤: 電子カルテとの連携が一番気になっています。
山田: 連携は主要な電子カルテに対応しております。
"""


def _ng(text: str, rubric: Rubric) -> list[str]:
    card = score_transcript(parse_transcript(text, filename="call.txt"), rubric=rubric, rep="山田")
    return [n.id for n in card.ng_behaviors]


def test_ignored_concern_is_flagged_with_the_customers_words(rubric: Rubric) -> None:
    card = score_transcript(parse_transcript(IGNORED, filename="call.txt"), rubric=rubric, rep="山田")
    (ng,) = [n for n in card.ng_behaviors if n.id == "negotiation_closing.objection_ignored"]
    assert ng.evidence in IGNORED and "心配" in ng.evidence


def test_acknowledged_or_answered_concerns_are_not(rubric: Rubric) -> None:
    assert "negotiation_closing.objection_ignored" not in _ng(ACKNOWLEDGED, rubric)
    assert "negotiation_closing.objection_ignored" not in _ng(ANSWERED_BY_TOPIC, rubric)

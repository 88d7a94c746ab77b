"""NG 'objection ignored': a customer's concern the rep's next turn neither acknowledges, asks about nor answers."""

from __future__ import annotations

from scoring.offline import score_transcript
from scoring.rubric import Rubric
from scoring.transcript import parse_transcript

IGNORED_ID = "negotiation_closing.objection_ignored"

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


# The reply names neither the concern's words nor an acknowledgement; what the customer says next decides.
UNTOUCHED_THEN = """山田: 株式会社ミライクラウドの山田と申します。月額は二万八千円です。
佐藤: うーん、正直ちょっと現場が慣れるか心配なんです。
山田: 連絡帳は履歴で残りますし、記録は実地指導の様式でそのまま出せます。
佐藤: {back}
"""
# A price grumble without a figure, answered with new figures in the rep's next segment of the same turn.
PRICE_THEN_FIGURES = """山田: 株式会社ミライクラウドの山田と申します。前回のお見積もりは初期費用百十万円でした。
佐藤: 高いって言うたやつね。
山田: はい。で、今回はセンサーを二項目に絞りました。
山田: そうしますと初期費用が八十二万円、月額が三万二千円になります。
佐藤: 八十二万。
"""


def test_a_reply_the_customer_settles_on_answered_the_concern(rubric: Rubric) -> None:
    assert IGNORED_ID not in _ng(UNTOUCHED_THEN.format(back="ああ、様式そのまま出せるんは、ええな。"), rubric)


def test_a_reply_the_customer_does_not_settle_on_leaves_it_ignored(rubric: Rubric) -> None:
    assert IGNORED_ID in _ng(UNTOUCHED_THEN.format(back="はい。"), rubric)


def test_a_price_grumble_met_with_figures_later_in_the_turn_is_negotiated(rubric: Rubric) -> None:
    assert IGNORED_ID not in _ng(PRICE_THEN_FIGURES, rubric)


# The Japanese "a little…" no, left unfinished, passed over by a pitch.
CHOTTO = """山田: 株式会社ミライクラウドの山田と申します。今月中のお申し込みで月額が二割引きになります。
佐藤: はあ。まあ、値段の話はええんやけど…うーん、今の体制やとちょっとなあ。
山田: スマホからも見られますので、注文の控えもその場で登録できます。
"""
AT_EASE = """山田: 株式会社ミライクラウドの山田と申します。お時間よろしいですか。
佐藤: ええよ、ちょっとだけなら。
山田: スマホからも見られますので、注文の控えもその場で登録できます。
"""


def test_a_little_no_left_unfinished_and_pitched_over_is_ignored(rubric: Rubric) -> None:
    assert IGNORED_ID in _ng(CHOTTO, rubric)
    assert IGNORED_ID not in _ng(AT_EASE, rubric)


def test_no_worries_is_no_worry(en_rubric: Rubric) -> None:
    call = """Sam: Hi, this is Sam from Bright Tickets.
Alex: No worries at all, we can figure that out later.
Sam: Great, so the dashboard shows every subscriber by season.
"""
    card = score_transcript(parse_transcript(call, filename="call.txt"), rubric=en_rubric, rep="Sam")
    assert IGNORED_ID not in [n.id for n in card.ng_behaviors]

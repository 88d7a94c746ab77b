"""Markers for the after-sales rules (scoring/rules_after.py): a trouble with what the customer already uses, the rep
putting it off without a day, and more offered on top. Merged into the lexicon like the conduct markers."""

from __future__ import annotations

import re


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


AFTER: dict[str, dict[str, re.Pattern[str]]] = {
    "ja": {
        # Something the customer uses going wrong, or their report of it going unanswered (画面が固まる, 止まる,
        # 剥がれる, 返事が来ただけで何も, 十日も経っとる, まだ直らない).
        "trouble": _re(
            r"固ま(る|っ|り)|(止ま|落ち)(る|っ|り)(?!ませ)|動か(ない|ん|へん|なく)|不具合|エラー(が|に|で|表示)|壊れ|故障"
            r"|直ら(ない|ん|へん)|直って(ない|へん|ません)|剥がれ|返事が来ただけ|(連絡|返事|回答)(が|も)(ない|来ない|ありません|来てない)"
            r"|(その|それ)(あと|後)(何も|音沙汰)|待たされ|(ずっと|まだ)(待って|そのまま)|日(くらい|ほど)?(も)?経っ(と|て)"
            # Orders lost, bookings doubled, a standing problem with it (届いてないのが二回, 三つ重複して, ずっと困ってることが).
            r"|届いて(ない|なかった|へん)|届かな|重複して|(ずっと|一個|一つ)[^。]{0,4}困って(る|いる|ます)"
        ),
        # The fix put off without a day: passed on, "as soon as we can", checked and called back some time.
        "fix_deferred": _re(
            r"伝えて(おき|おく)|申し伝え|なるべく(早|すぐ)|できるだけ(早|すぐ)|早め(に|の)|確認して[^。]{0,10}(連絡|ご連絡|お知らせ)"
            r"|(サポート|担当|技術)(の方)?(から|より)[^。]{0,10}(連絡|ご連絡)|改めて(ご)?連絡"
        ),
    },
    "en": {
        "trouble": _re(
            r"\b(keeps? (crashing|freezing|dropping)|froze|freez\w+|crash\w*|(doesn'?t|does not|won'?t|stopped) work\w*|broke\w*"
            r"|not fixed|still (waiting|broken|not)|never heard back|no one (got|has got) back|nobody (got|has got) back|bug\b|errors?\b)"
        ),
        "fix_deferred": _re(
            r"\b(pass (it|that|this) on|let (support|the team|them) know|as soon as (possible|we can|i can)|asap|someone will (get|be) back"
            r"|get back to you|look into it|follow up (with|on) (support|the team))\b"
        ),
    },
}

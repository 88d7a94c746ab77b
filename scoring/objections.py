"""Concerns a rep leaves unanswered (said indirectly, brushed off, raised twice) and deal terms the customer disputes.

Seed 000's NG 「顧客の懸念や反論に触れず、答えずに話を先へ進める」 is rarely said as 「心配です」: customers hedge
(「ただ、うちの現場は60代も多いので…」) and, when the reply does not answer, say it again (「やはり…気になりますね」).
A reply that names the topic but waves it away (「皆さん最初はそうおっしゃいますが、すぐ慣れます」) answers nothing.
Seed 003 counts plan, price and timing when they are *present*: a price the customer says it must still check is not.
"""

from __future__ import annotations

import re

from scoring import shapes
from scoring.markers import CallView, Sentence, topics


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# A hedged objection: a turn-opening contrast word, then a constraint or an unfinished clause.
_INDIRECT = {
    "ja": _re(
        r"(ただ|でも|ですが|正直|やはり|やっぱり|とはいえ)[、,]?[^。]{0,50}?((慣れる|使いこなせる|ついてくる|使える|回る|間に合う|続く)(か|かどうか)|となると|ないんです|なくて|ないので|ので…|か…|気にな|心配|不安|厳しい|難しい|しにくい|しづらい)"
        # A doubt left unfinished, with or without a contrast word (載せられるのかどうか…).
        r"|[^。]{2,30}(のか|か)どうか(…|\.\.\.)"
        # The Japanese "a little…" no, left unfinished (今の体制やとちょっと…, ネットで鐘っていうのは、ちょっと…),
        # and whether their people can run it (バイトさんが、こういうの回せるかな).
        r"|(は|と|じゃ|では|やと|だと|っていうのは|のは)[、,]?\s*ちょっと(なあ|ねえ|ねぇ|な|ね)?(…|\.\.\.)*。?$"
        r"|(回せる|使える|使いこなせる|ついていける|慣れる|覚えられる)(かな|かしら|やろか|んかな|だろうか)"
        # Whether their people can use it, said as a doubt (ようせえへんと思うで, ほんまに回るんかいな, 誰がどないして
        # 使い方教えるんや); who they are (年配が多い) is only information until it is.
        r"|(使え|使いこなせ|回せ|覚えられ|ついてこれ|ようせ)(へん|ない|ん)(と思|やろ|でしょう|かな|のでは)|回るんかいな"
        r"|(誰|どなた)が(どう|どないして)[^。]{0,6}(使い方|教え)"
    ),
    # "No worries" is no worry.
    "en": _re(r"\bthough\b|\bnot sure\b|i don'?t know if|(?<!no )worr(y|ied|ies)|hesitant|\bconcern"),
}
# A reason left hanging (別の保険会社さんに入っているので。): an objection, unless it explains the customer's own
# question just before (録画できますか？来られない人もいるので。) or the customer declines anyway (then it is the no's reason).
_HANGING = {"ja": _re(r"(ので|んで|けど|けれど)(…|\.\.\.)*。?$"), "en": _re(r"(?!)")}
# Doubting the need is not an objection to answer but a need still to find (seed 000, ニーズヒアリング).
_NEED_DOUBT = {
    "ja": _re(r"必要(かどうか|性)|困って(い)?る(わけ|ほど)"),
    "en": _re(r"\bneed (it|this)\b|not a priority"),
}
# The customer coming back to it: the first answer did not land.
_REPEAT = {"ja": _re(r"やはり|やっぱり|それでも|どうしても"), "en": _re(r"\bstill\b|\bagain\b|just not sure")}
# Waving it away: reassurance without an answer.
_BRUSH_OFF = {
    "ja": _re(
        r"大丈夫だと思い|大丈夫です(よ)?。[^。]{0,12}(便利|簡単|楽)|すぐ(に)?慣れ|慣れていただ(け|ければ)|工夫次第|問題なく|皆さん(最初|そう)|評判が(いい|良い)|きっと|ご満足いただけ|(誰|どなた|どんな方)でも(すぐ|簡単)|心配(ない|いりません)"
    ),
    "en": _re(
        r"you'?ll love|\bhonestly\b|don'?t worry|no problem|everyone loves|(really|super|very|so) (intuitive|easy|simple)"
        r"|they'?ll (pick it up|get (used to|the hang of) it)"
    ),
}
# Reassurance that answers only if it takes up the concern's own words (「暗号化していますので、ご安心ください」 does).
_SOFT_BRUSH = {
    "ja": _re(r"ご安心ください|大丈夫ですよ|皆さん(お使い|使って)"),
    "en": _re(r"never (really )?an issue|not an issue"),
}
# A term the customer has not accepted: still to be checked, undecided, too high, taken away to think about.
_DISPUTE = {
    "ja": _re(
        r"想定していな|確認が必要|何とも言えな|(話して|相談して|確認して|聞いて|比べて|計算して)(みないと|から(になり|決め))|(わか|分か)らない|(要る|いい|足りる)のか|まだ(決|分か|未定|考え)|説明しにくい|しづらい|高い|見送|持ち帰|検討させ|予算(オーバー|を超え)|(他|ほか)の[^。]{0,12}(と|とも)比べ|(比べ|比較し)てみます"
        # Deferred or countered: taken to someone else, "said to me but…", a lower figure asked for, someone balking.
        r"|相談(です|します|してみ|させ|しない|しなきゃ)|考えさせ|決められな|(って|と)言われ(て|まして)も|渋(って|っ|い|る|ら)|に(なら|下がら|でき)ないか"
        # Said in Kansai and plain speech (金額はまだ何とも言えん, 上と相談やな, 金額だけ詰めさせて).
        r"|何とも言え(ん|へん|ません|ねえ)|相談(や|だ|じゃ|せな|せんと)|(だけ|は)[^。]{0,6}詰め(させ|たい|ましょう)"
        r"|(わか|分か)ら(ん|へん|ねえ)|無理無理|(は|じゃ|では)無理(や|だ|です)?(わ|な|よ)?[。！!]"
    ),
    "en": _re(
        r"not sure|need to check|too (high|much|expensive)|haven'?t decided|hard to justify|over budget"
        r"|think (it )?(over|about it)|talk (it )?(over|to|with)|check with|run (it|this) (by|past)|get back to you"
        r"|(wouldn'?t|won'?t|can'?t|not) (\w+ )?(pick|choose|decide|commit|sign)|could you (do|come down|go lower)"
    ),
}
# The customer's reply hesitating: opening with うーん / はあ / hmm, left unfinished, or only echoing as a question.
_HESITANT = {
    "ja": _re(
        r"^[…\.、\s]*(うーん|ううん|んー|はあ|えっ|えー|ええと|そうですねえ)|…。?$"
        # The term echoed with a sigh (キャンペーンねえ。), not a liking (いいねえ).
        r"|^(?![^。]*(いい|良い|ええ|すごい|素晴らし))[^。、]{1,12}(ねえ|ねぇ|かあ|かぁ)[。…]?$"
    ),
    # "Oh, that's smart" is no hesitation: an "oh" followed by a yes or a compliment.
    "en": _re(
        r"^\W*(hm+|well|uh|um+|oh(?![,!]?\s*(that'?s (smart|great|good|nice|perfect|fine)|great|nice|good|perfect|yes|yeah|sure)))\b"
        r"|\.\.\.$|…$"
    ),
}


def _lang(view: CallView) -> str:
    return "en" if view.transcript.language == "en" else "ja"


def raised(view: CallView) -> list[Sentence]:
    """The customer's statements that voice a concern or a price objection, said outright or hedged, in call order."""
    lang = _lang(view)
    direct = {h.sentence.order for m in ("concern", "price_objection") for h in shapes.hits(view, m, who="customer")}
    direct -= {
        h.sentence.order for m in ("concern", "price_objection") for h in shapes.hits(view, m) if view.negated(h)
    }
    declined = bool(view.find("decline", who="customer"))
    return [
        s
        for s in view.sentences
        if not s.is_rep
        and not s.is_question
        and (
            s.order in direct
            # Saying a term is undecided (日程自体がまだ決まってなくて) hedges nothing: it is no concern by itself.
            or (
                _INDIRECT[lang].search(s.text)
                and not shapes.undecided(view, s.text)
                and not _NOT_A_REASON.search(s.text)
                and not _ABOUT_CURRENT.search(s.text)
                and not _ALONE.search(s.text)
            )
            or ("言われても" in s.text and _ARMS_LENGTH[lang].search(s.text) and _after_statement(view, s))
            or (not declined and _hanging(view, s))
        )
        and not _NEED_DOUBT[lang].search(s.text)
        and not _NOT_SAID.search(s.text)
        and not _ANNOUNCES_QUESTION.search(s.text)
    ]


def _who_decides(view: CallView, text: str) -> bool:
    """Who decides (一人で決められる話でもないんで) is BANT authority, left to `no_decision_maker`, not an objection."""
    return bool(view.matches("authority", text) or view.matches("authority_shape", text) or _ALONE.search(text))


# Who decides, said by the customer of themselves: not mine alone (一人で決められる話でもない), or mine (俺が社長だから).
_ALONE = _re(
    r"(一人|ひとり|独断|一存)で(は)?決め(られ|れ)|(私|俺|僕|わたし|自分)が(社長|代表|オーナー|店長|責任者|決め)"
    r"|\b(decide|sign) (it |this |that )?(alone|on my own)\b|not my call|\bi'?m the (owner|boss|one who decides)\b"
)
# What the rep offers, held at arm's length (タブレットとか言われてもねえ): an objection when it answers a statement,
# not when it deflects the rep's question (予算って言われても… after 「ご予算は？」).
_ARMS_LENGTH = {"ja": _re(r"(?<=って|とか)言われても(ね|な|…|\.\.\.)"), "en": _re(r"(?!)")}


def _after_statement(view: CallView, s: Sentence) -> bool:
    """The customer's turn holding `s` answers a rep's statement, not a question."""
    order = s.order - 1
    while order >= 0 and not view.sentences[order].is_rep:
        order -= 1
    return order >= 0 and not view.sentences[order].is_question


# Hanging clauses that object to nothing: an apology or thanks, who decides (BANT authority), a topic brought up
# (先週から使い始めた…の、あれなんですけど。).
_NOT_A_REASON = _re(
    r"申し訳|すみません|恐れ入|恐縮|ありがと|お世話に|(件|こと|あれ|話|ほう|金額|値段|料金|費用|時期|日程|お支払い)(なん)?(です|だ)けど(…|\.\.\.)*。?$"
    # A request that lowers the bar (ざっくりでいいんですけど…): asking, not objecting.
    r"|(?<=で)(いい|結構|構わない)んです(けど|が)(…|\.\.\.)*。?$"
)
# Announcing a question (Sam had a question on the permits though; 一つ質問があるんですけど): a turn to be asked.
_ANNOUNCES_QUESTION = _re(
    r"\b(had|have|has|got) (a|one|another|some) (quick )?questions?\b|質問が(ある|あり|ひとつ|一つ)"
)
# A hedge about what the customer has now (月3万円払ってて、でも…意味なくて): a complaint about the current solution, a need.
_ABOUT_CURRENT = _re(r"(払って|使って|頼んで|契約して|入れて)(て|る|い)[^。]{0,4}[、,](でも|ただ)")
# An objection said as not said (まだ高いとも言ってないけど): no concern.
_NOT_SAID = _re(r"と(も|は)言って(ない|いない|ません|ねえ)|\bnever said\b")


def _hanging(view: CallView, s: Sentence) -> bool:
    """A reason left hanging that opens the customer's turn unprompted: not the reason for what they have just said
    in the same turn (「…ほしいです。…台帳を見ながらやるので。」), not the answer to the rep's question, not an
    apology and not who decides."""
    reason = _HANGING[_lang(view)].search(s.text)
    if reason is None or reason.start() < 4:
        return False
    if _NOT_A_REASON.search(s.text) or _who_decides(view, s.text):
        return False
    # The reason they want it (あれがもう二度とあってほしくないんで。) is a need, not an objection.
    if view.matches("need", s.text) or view.matches("need_shape", s.text):
        return False
    # What came just before, skipping the customer's own backchannel (「そうですか。うちは…ので。」 still opens the turn).
    order = s.order - 1
    while (
        order >= 0 and not view.sentences[order].is_rep and view.matches("backchannel_only", view.sentences[order].text)
    ):
        order -= 1
    before = view.sentences[order] if order >= 0 else None
    return before is None or (before.is_rep and not before.is_question)


# A reply that opens by pointing back at the concern (そこは…, その点でしたら…) takes it up, however vaguely.
_POINTS_BACK = {
    "ja": _re(
        r"^(はい|ええ|あ)?[、,]?\s*((では|じゃあ)[、,]?)?(そこ|その点|そのあたり|その辺|そちら|それ)(は|も|でしたら|なら)"
    ),
    "en": _re(r"^\W*(yes|sure|right)?[,.]?\s*(that'?s|for that|on that)\b"),
}


# The customer settled by the reply (様式そのまま出せるんは、ええな / 助かる / that makes sense): the concern was met,
# whatever words the rep used. A bare はい is not settled: it is a backchannel.
_SETTLED = {
    "ja": _re(
        r"(ええ|いい|良い|よかっ)(な|ね|です(ね|な))|助か(る|り)|安心(しました|です|した)|納得|それなら|なら(大丈夫|安心|いい|ええ)"
        r"|(それ|これ)で(いい|ええ|お願い|進め|大丈夫)"
    ),
    "en": _re(
        r"\b(makes sense|that helps|that works|fair enough|good to know|that'?s (good|great|fine|reassuring|helpful))\b"
    ),
}


def _rep_turn(view: CallView, first: list[Sentence]) -> list[Sentence]:
    """The whole rep turn from its first segment on (はい（笑）。で、今回… / 初期費用が八十二万円に…)."""
    turn = list(first)
    while turn and (more := view.next_turn(turn[-1], customer=False)) and more[0].seg == turn[-1].seg + 1:
        turn += more
    return turn


def _settled(view: CallView, reply: list[Sentence]) -> bool:
    """The customer's next turn after the reply takes it (and raises nothing again)."""
    back = view.next_turn(reply[-1], customer=True)
    text = "".join(b.text for b in back)
    return bool(back) and bool(_SETTLED[_lang(view)].search(text)) and not _REPEAT[_lang(view)].search(text)


def _answer(view: CallView, concern: Sentence) -> str | None:
    """How the rep's next turn meets the concern: `brushed`, `untouched`, `topic` (named only), `answered`; None if no turn."""
    reply = view.next_turn(concern, customer=False)
    # A backchannel while the customer goes on (はい。) is listening, not the reply: the rep's next turn after the
    # customer's is.
    while reply and view.matches("backchannel_only", "".join(r.text for r in reply)):
        more = view.next_turn(reply[-1], customer=True)
        reply = view.next_turn(more[-1], customer=False) if more else []
    if not reply:
        return None
    reply = _rep_turn(view, reply)
    text = "".join(r.text for r in reply)
    asks = any(r.is_question for r in reply)
    if _BRUSH_OFF[_lang(view)].search(text) and not asks:
        return "brushed"
    taken_up = any(t in text for t in topics(concern.text)) or bool(_POINTS_BACK[_lang(view)].search(text))
    # Reassurance then a question on something else (ご安心ください。…現地調査だけでもいかがでしょうか？) still brushes it off.
    if _SOFT_BRUSH[_lang(view)].search(text) and not taken_up and not view.matches("concern_question", text):
        return "brushed"
    # A money concern met with money (月額18万…厳しい → 12万ですと…; 高いって言うたやつね → 八十二万円に) is being
    # negotiated, not ignored.
    money_concern = shapes.MONEY_SIZED.search(concern.text) or view.matches("price_objection", concern.text)
    if money_concern and shapes.MONEY_SIZED.search(text):
        return "answered"
    if view.matches("acknowledge", text) or asks or _settled(view, reply):
        return "answered"
    return "topic" if taken_up else "untouched"


def ignored(view: CallView, *, any_untouched: bool = False, untouched_shows: bool = True) -> Sentence | None:
    """The first concern left unanswered: brushed off, not taken up, or raised again after a reply that only named it;
    else the customer pushing back on the rep's reply (いや、だから…って / 安心とかじゃなくて). `any_untouched`: every
    concern the reply misses counts (a complaint in after-sales, where anything the customer raises is to be met);
    `untouched_shows=False`: none does by itself, only a brush-off, a second raise or a push-back."""
    repeat = _REPEAT[_lang(view)]
    previous: str | None = None
    for concern in raised(view):
        answer = _answer(view, concern)
        shows = any_untouched or (untouched_shows and _shows_when_untouched(view, concern))
        if answer == "untouched" and not shows:
            continue
        if answer in ("brushed", "untouched") or (previous == "topic" and repeat.search(concern.text)):
            return concern
        previous = answer or previous
    return pushed_back(view)


# A reaction to the rep's discount (いきなり値引きかいな, it's not about the discount): it objects to discounting, which
# is discount_first's evidence, not a price objection left unanswered.
_ABOUT_DISCOUNT = _re(r"値引|割引|\bdiscount")


def _shows_when_untouched(view: CallView, concern: Sentence) -> bool:
    """Whether a reply that misses the concern's words shows it ignored by itself. A hedged objection (ただ…となると…,
    今の体制やとちょっと…) does: it is how the customer objects politely. So does a price objection. A reason left
    hanging (うちは全校で600人ちょっとなんですけど) or a concern word the reply may meet in other words does not: it
    needs a brush-off, a second raise or a push-back (independent writers, blind9-18: 19 of 21 such calls unlabelled)."""
    lang = _lang(view)
    if _INDIRECT[lang].search(concern.text):
        return lang == "ja" or _still_on_it(view, concern)
    price = any(h.sentence.order == concern.order for h in shapes.hits(view, "price_objection", who="customer"))
    return price and not _ABOUT_DISCOUNT.search(concern.text)


# The customer staying on it after the rep's reply ("but", "still", "I'm just worried…"): the reply did not meet it.
_STILL_ON_IT = _re(r"\bbut\b|\bstill\b|\bagain\b|\bnot sure\b|worr(y|ied|ies)|\bconcern|\bthough\b")


def _still_on_it(view: CallView, concern: Sentence) -> bool:
    """English only: "though" and "not sure" are how English speakers talk, not yet an objection the rep must meet.
    One left untouched is ignored when the customer raised a concern in their turn before too, or stays on a worry in
    their next one: on the labelled sets' English calls the wording alone was right 10 times of 31, this 7 of 18
    (docs/scoring.md, "English hedges")."""
    reply = view.next_turn(concern, customer=False)
    back = view.next_turn(reply[-1], customer=True) if reply else []
    if _STILL_ON_IT.search("".join(b.text for b in back)):
        return True
    before = {s.order for s in _customer_turn_before(view, concern)}
    return any(s.order in before for s in raised(view))


def _customer_turn_before(view: CallView, s: Sentence) -> list[Sentence]:
    """The customer's turn before the rep's turn that came before this sentence's segment (none at the call's start)."""
    earlier = view.sentences[: s.order]
    i = len(earlier) - 1
    while i >= 0 and earlier[i].seg == s.seg:
        i -= 1
    while i >= 0 and earlier[i].is_rep:
        i -= 1
    return [x for x in earlier if x.seg == earlier[i].seg] if i >= 0 else []


def pushed_back(view: CallView) -> Sentence | None:
    """A customer's push-back (lexicon `pushback`) right after a rep's statement, not a question: the point before it
    went unanswered."""
    for hit in view.find("pushback", who="customer"):
        s = hit.sentence
        before = view.sentences[s.order - 1] if s.order > 0 else None
        if before is not None and before.is_rep and not before.is_question:
            return s
    return None


# A yes that closes a grumble (高いけど、まあしゃあない、それでええわ; pricey, but fine, we'll take it).
_YES_AFTER = {
    "ja": _re(
        r"(それ|これ|その(金額|値段|価格|内容|プラン|条件))で(いい|良い|ええ|結構|お願い|進め|大丈夫|問題な)|しゃあない|仕方(が)?ない|しょうがない"
        r"|それなら(いける|いけ|大丈夫|問題な|通せ|通る)"
    ),
    "en": _re(r"\b(but|still)\b[^.]{0,20}\b(fine|ok|okay|works|we'?ll take it|go ahead)\b"),
}


def yes_after(view: CallView, text: str) -> bool:
    """The text ends a grumble with a yes: the term stands."""
    return bool(_YES_AFTER[_lang(view)].search(text))


def disputes(view: CallView, text: str) -> bool:
    """The text disputes, defers or counters a term (高い, 社長に相談です, 200万くらいにならないかと), unless a yes closes
    it; words reported in 「…」 (their members' 「高い」って声) are someone else's."""
    said = _REPORTED.sub("", text) if "「" in text else text
    found = _DISPUTE[_lang(view)].search(said)
    return found is not None and not yes_after(view, said[found.end() :])


_REPORTED = re.compile(r"「[^」]*」")


def undecided(view: CallView, text: str) -> bool:
    """The text says the term is not decided yet (まだ決まっていない, not yet)."""
    return shapes.undecided(view, text)


def disputed(view: CallView, s: Sentence) -> bool:
    """A deal term the customer has not accepted: disputed in their own words, or in a reply to the rep's that disputes,
    defers or hesitates (「うーん、10店舗で…ですか」 is no yes) or only asks back."""
    hesitant = _HESITANT[_lang(view)]
    if not s.is_rep:
        return disputes(view, s.text) or bool(hesitant.search(s.text))
    reply = view.next_turn(s, customer=True)
    if not reply:
        return False
    text = "".join(r.text for r in reply)
    return (
        disputes(view, text)
        or bool(hesitant.search(reply[0].text) or hesitant.search(reply[-1].text))
        or all(shapes.asks(r) for r in reply)
    )

"""Seed 003's deal state: 商談 when plan, price and timing are present, 話題 for two of three, ボツ on a decline.

"Present" means on the table for both sides, not only mentioned: a term the customer states (and does not dispute)
counts; a term the rep proposes counts unless the customer's reply hesitates, defers or disputes it (「うーん、…ですか」,
「社長に相談ですね」, 「…って言われても」) or the term is said as undecided by either side (まだ決まっていない, not yet).
A customer's plan word counts only once the rep has put an offer on the table (their own "licence server" is no plan).
"""

from __future__ import annotations

import re
from itertools import takewhile

from scoring import objections, shapes
from scoring.markers import CallView, Sentence
from scoring.shape_markers import JA_NOT_NEEDED

# The customer taking up what the rep proposed; a bare はい / yes is a backchannel, not an acceptance.
_ACCEPT = {
    "ja": re.compile(
        r"結構です|お願いします|お願いしよう|(それ|こちら|その(金額|値段|価格|内容|プラン|条件|時期))で(いい|良い|ええ|結構|進め|お願い|大丈夫|問題)"
        r"|進めてください|いきましょう|でいこう|にします|に決め|出せ(ます|る)|収まり|問題(ありません|ないです)|大丈夫です|ぜひ"
        # Said plainly or in dialect (あれで決めっぺ, それは決まり, んだ。両方。).
        r"|で決め(よう|っぺ|ましょう|た|ます)|(それ|あれ|これ)で(いこう|行こう|いく|行く)|(それ|これ|そこ)は決まり"
        r"|^(んだ|そう|うん|はい|ええ)[、。]?\s*(両方|全部|そっち|それ)"
        # The plan named back as the obvious one (プランは、うちの規模ならスタンダードでしょうね).
        r"|(プラン|コース|構成)[^。]{0,20}でしょうね"
    ),
    "en": re.compile(
        r"sounds (good|right|fair)|works for (us|me)|that'?s fine|let'?s (do|go)|we'?ll (take|go with)|what we'?d want|agreed|deal\b|go ahead|within (our|what we)"
        r"|good to go|we'?re good|that works|\b(is|'s) fine\b|i can live with|\bthat fits\b|\bit fits\b"
    ),
}
# The customer taking up the rep's amount by pointing at it.
_THAT_AMOUNT = {
    "ja": re.compile(
        r"(その|この|あの)(金額|値段|価格|料金|額|お値段)(なら|で)[^。]{0,6}(結構|大丈夫|問題な|お願い|いい|進め|文句(は)?(ない|ありません|なし))"
    ),
    "en": re.compile(
        r"\b(that|this|the) (price|amount|number|rate|fee) (works|is fine|is ok|is okay|sounds (good|fair))", re.I
    ),
}
# A decline that names no rejection word: staying with the current vendor, or "not now".
# A decline under a condition (それを超えるなら見送りです, if it's over that we'll pass) is a limit, not a no.
_CONDITION = re.compile(r"(なら|ならば|場合(は|には)?|ようでしたら|たら)、?[^。]{0,12}$|\b(if|unless)\b", re.I)

# "We're fine", said as a no (悪いけど、うちはいいわ), or the offer turned down this time (今回…は結構です); read only
# in sentences holding いい, ええ or 結構 (the scan of every customer sentence stays short).
_TURNED_DOWN = re.compile(
    r"(悪いけど|悪いけれど|申し訳ないけど|申し訳ないですけど|すみませんけど)[、,]?[^。]{0,10}((いい|ええ)(わ|や|です|かな)|結構)"
    r"|(うち|うちら|私|こっち|こちら)は(もう|今ので|今のままで)?((いい|ええ)(わ|や)|結構です)(?!ね)"
    r"|(今回|今日|今は|今年)[^。]{0,16}は(もう)?結構です(?!ね)"
    # Said in Kansai or plain speech: not now, enough, the one we have does (今はええわ, もうええわ, 今のでええわ).
    r"|^(いや|いやいや|ああ|まあ)?[、,]?(今は|もう|今ので)(ええ|いい)(わ|って)(?!ね)"
)


def _turned_down(view: CallView, text: str) -> re.Match[str] | None:
    """A Japanese no said as "we're fine" or "not this time"."""
    if _lang(view) != "ja" or ("いい" not in text and "ええ" not in text and "結構" not in text):
        return None
    return _TURNED_DOWN.search(text)


# A proposal document still to be written and sent (提案書を作って金曜までにお送りします): no plan on the table yet
# (a named plan to be brought, 段階導入のプランをまとめてお持ちします, is one).
_TO_SEND = {
    "ja": re.compile(
        r"(提案書|ご提案)[^。]{0,12}(作(り|って|成し)|まとめ|用意し|準備し)[^。]{0,16}(お送り|お持ち|お届け|ご提出)(します|いたします|させていただきます)"
        # A plan still to be sent with its quote (プランと見積をお送りします).
        r"|(プラン|構成案)(と|や)(見積|お見積)[^。]{0,10}(お送り|お届け|ご提出|送り)(します|いたします|させていただきます)"
    ),
    "en": re.compile(r"\b(put|write|draw)\w* (together|up)\b[^.]{0,20}\bproposal\b[^.]{0,30}\b(send|get)\b", re.I),
}

# A timing word that is not this deal's timing: a schedule still to be sent (スケジュール案をお送りします), or a "when"
# someone else asked (「いつ仕上がりますか」という電話が来る).
_TIMING_NOT_THIS = {
    "ja": re.compile(
        r"(スケジュール|日程|工程)(案|表)?(を|と|も)[^。]{0,12}(お送り|お持ち|作成|お出し|お作り)|いつ[^。]{0,16}(という|って)(電話|問い合わせ|お問い合わせ|声|質問)"
    ),
    "en": re.compile(r"\b(send|share|put together) (you )?(a |the )?(draft )?(schedule|timeline|plan)\b", re.I),
}

# A reply that turns against what was just said.
_BUT = {"ja": re.compile(r"(ただ|でも|けど|しかし|うーん)"), "en": re.compile(r"(but|however|hmm)\b", re.I)}

# Money talk put off by the customer (値段の話はまだいいよ, let's not talk price yet).
_PUT_OFF = {
    "ja": re.compile(
        r"(値段|金額|価格|料金|費用|お金|予算)(の(話|こと))?は[^。]{0,4}(まだ|あと|後)[^。]{0,4}(いい|結構|で)"
        r"|(値段|金額|価格|料金|費用)(とか|や|も)[^。]{0,10}(は|も)[^。]{0,4}(その後|後|あと)の話"
        # The amount left to someone above (上がどう言うか, 社長が何と言うか…五分五分, 親父さ聞いてみねえと, 金額は
        # 持ち帰らせて, 私からはイエスと言えない): not agreed in this call.
        r"|(上|社長|会長|部長|局長|館長|専務|常務|理事長|親父|オーナー|本部)(が|は|も)?[^。]{0,6}(どう|なんて|何て|何と|なんと)(言う|思う)か"
        r"|五分五分|(聞いて|相談して|確認して)み(ない|ねえ|ん)と|持ち帰らせ|イエスと(は)?言えな|納得するか(は|どうか)"
        # The price handed to someone else to settle (値段は社長と話して、返事する, 親方に上げてみます, 決めるのは社長
        # なので、私からは今ここでは何とも).
        r"|(値段|金額|価格|料金|費用|お金)(のほう|の方|の(最終)?(判断|決裁))?(は|の(こと|話)は)、?[^。]{0,8}"
        r"(社長|親方|親父|父|会長|[一-龥]{0,3}長|支配人|理事会|役員会|組合|市|上|オーナー)"
        r"(と|に|が|の)[^。]{0,8}(話し|相談|上げ|決め|聞|確認|返事)"
        r"|(社長|親方|親父|会長|理事長|理事会|オーナー|館長|院長)に上げてみ"
        r"|決めるのは(社長|親方|親父|父|会長|理事長|理事会|オーナー|館長|院長)[^。]{0,16}(何とも|なんとも)"
        # Or to ask them first (これが乗ってくると、社長に聞かないと; 単価決めるのは社長なんで).
        r"|(社長|親方|親父|会長|理事長|理事会|オーナー|館長|院長)に(聞か|確認し|相談し|相談せ)ないと"
        r"|(単価|値段|金額|価格|料金)(を)?決めるのは(社長|親方|親父|会長|理事長|理事会|オーナー|館長|院長)"
    ),
    "en": re.compile(
        r"\b(not|don't) (want to )?(talk|discuss|get into) (price|pricing|money|cost)s? (yet|now)\b"
        r"|\bnot sure (they|he|she)'?ll go (above|over|for)|\b(has|have|needs?) to go to (our|the) (board|owner|partners)"
        # The price handed to someone else or kept to think over (I can't say yes to the monthly until I hear from the
        # grant officer; I'll want our accountant to look at it; the price, I want to think about).
        r"|\bcan'?t say yes to (the )?(monthly|price|number|cost)|\b(want|need) (our|my) (accountant|bookkeeper|cfo|partner|board)\b"
        r"|\bthe price,? i (want|need) to think\b",
        re.I,
    ),
}
# A time as the condition or the limit of an offer (年内にお申し込みいただければ, 年内限定, if you sign by the end of the month).
_DEADLINE = {
    "ja": re.compile(r"(いただければ|いただけましたら|いただけたら|なら|限定)"),
    "en": re.compile(r"\bif you (sign|order|book|commit|buy)\b|\boffer (ends|expires|is valid)\b|\blimited\b", re.I),
}

# No objection: one said as not said (まだ高いとも言ってない), or a cheaper price welcomed if it comes (安くなるなら).
_SAID_NOT = re.compile(
    r"[^。、]{0,3}と(は|も)?(言って|いって|申して|言い)(い|お)?(ない|ません)|(なる|なった)?(の|ん)?なら"
)


def _lang(view: CallView) -> str:
    return "en" if view.transcript.language == "en" else "ja"


def deal_state(view: CallView, *, timeline_known: bool = False, stage_phase: str | None = None) -> str | None:
    """Seed 003: botsu when the customer declined; shodan when plan, price and timing are all present; wadai for two.

    `timeline_known`: the customer answered a timing question (BANT timeline), which is timing discussed in any words.
    The customer's budget is not the price leg: seed 003 counts 価格, the price of the offer on the table, and a budget
    with a timing but nothing offered is no deal yet (「予算は300万、4月から」 in discovery is no 話題).
    At contract and kick-off the deal is won: seed 003 counts it as 受注, not as 商談 or 話題, so only a cancellation
    (botsu) is a deal state there. In negotiation and closing an offer is on the table: at least 話題 unless
    declined. At first contact, in discovery and after the sale, two terms are 話題 only once the customer has taken
    up something the rep offered (`_TAKE_UP_NEEDED`).
    """
    if declined(view) or (stage_phase == "after_follow" and _offer_refused(view)):
        return "botsu"
    if stage_phase == "contract_implementation":
        return None
    present = (
        _present(view, "price")
        + (((timeline_known and not _timing_left_open(view)) or _present(view, "timing")) and not _when_unknown(view))
        + (_present(view, "plan") or _solution_accepted(view))
    )
    if present == 2 and stage_phase in _TAKE_UP_NEEDED and not _offer_taken(view):
        return None
    if stage_phase == "negotiation_closing" and present < 2:
        # Negotiating is about an offer already made: its plan and price are on the table even when this call's
        # words do not name them (the labels give 話題 or more to 210 of 212 closing calls; the terms read here gave
        # none to 19).
        return "wadai"
    return "shodan" if present == 3 else "wadai" if present == 2 else None


# Phases where two terms talked over are no 話題 until the customer takes up an offer: at first contact and in
# discovery nothing is on the table yet (a price range or a wished-for start is context), and after the sale terms
# talked over a complaint or an upsell pushed are the account served.
_TAKE_UP_NEEDED = ("first_contact", "needs_discovery", "after_follow")


def _offer_taken(view: CallView) -> bool:
    """The customer takes up something the rep offered (「じゃあ、それでお願いします」, 「その金額なら大丈夫」), in
    words beyond a backchannel or a remark."""
    offers = [h.sentence for m in ("plan", "price") for h in shapes.hits(view, m, who="rep")]
    return bool(offers) and _taken_later(view, min(offers, key=lambda s: s.order))


# When to start said to be unknown in words with no time in them (いつ入れるかは分かんないよ, いつから入れるかってのは、
# ちょっとまだ決められない, "that's the part I can't tell you").
_WHEN_UNKNOWN = {
    "ja": re.compile(
        r"いつ[^。]{0,12}か(は|って(の|いうの)?は|が)、?[^。]{0,10}(分か|わか|決め|言え|言われ)(ら)?(ない|んない|へん|られない|ません|ん|ねえ)"
    ),
    "en": re.compile(r"\bthat'?s the part i can'?t (tell you|say)\b|\bcan'?t (tell you|say) when\b", re.I),
}


def _when_unknown(view: CallView) -> bool:
    """The customer says when is unknown (いつ入れるかは分かんないよ): no time proposed by the rep stands as agreed."""
    unknown = _WHEN_UNKNOWN[_lang(view)]
    return any(not s.is_rep and unknown.search(s.text) for s in view.sentences)


def _timing_left_open(view: CallView) -> bool:
    """The customer's last word on timing leaves it open (いつから始めるかが…正直、決めきれてなくて, "I can't give you
    a date"): the timeline they gave earlier is no timing agreed."""
    last = max((h.sentence for h in shapes.hits(view, "timing", who="customer")), key=lambda s: s.order, default=None)
    if last is None:
        return False
    text = _rest_of_turn(view, last)
    return objections.undecided(view, text) or shapes.time_left_open(text) or shapes.maybe(text)


# A no about something else set against this deal (見送りになった案件もあるんですけど、これは別です).
_NOT_THIS = re.compile(
    r"(けど|けれど|が)、?[^。]{0,12}(これ|今回|こちら|この件|御社)は(別|違)|前向き|\b(but|however)\b[^.]{0,20}\b(this|yours)\b[^.]{0,12}\b(different|positive)",
    re.I,
)


# After the sale an offer is a deal of its own: the customer refusing the thing offered (プレミアムは要らないです,
# 研修は要らないです, 顔認証はいいです, 入れ替えなんかせえへん, "We don't need that") turns it down, even while the
# service they have goes on (the writers' convention). Before the sale such a no is about one part of an offer.
_OFFER_REFUSED = {
    "ja": re.compile(
        r"(は|も|なんか|なんて)、?(もう|別に|正直)?、?(" + JA_NOT_NEEDED + r"|いらへん|要らへん)"
        r"|^(いや|いえ|うーん)?[、,]?(要らない|いらない|要りません|いりません)(です|よ|って|わ)?[、。]"
        r"|[^でにがと]は(もう)?(いい|ええ)(です|わ)(?!ね)(。|、|$)|(は|も)なしや|なんか(せえへん|しない|しません|やらへん)"
        r"|(入る|入れる|やる)わけ(ない|ないでしょう|あらへん)"
    ),
    "en": re.compile(
        r"\b(we|i) (really )?(don'?t|do not) need (that|it|this|those)\b"
        # Not a deadline or a hurry refused (I don't need it locked in by Friday).
        r"(?! (many|much|locked|by|until|till|before|yet|today|now|right now|this week)\b)"
        r"|\bnot something (we'?d|we would|i'?d) use\b"
        r"|\bnot interested\b|^(honestly, )?no[.,] (thanks|thank you|we don'?t)"
        # The offer named and refused (We're not taking Pro.; We're not adding the bundle.; I don't want it.).
        r"|\b(we'?re|we are|i'?m|i am) not (taking|adding|buying|renewing) (the |that |this )?\w+[.!]$"
        r"|\b(i|we) (really )?(don'?t|do not) want (it|that|this|those|them)[.!]",
        re.I,
    ),
}


# Paper or talk declined (カタログは要らんけどな, 説明はいいです): no offer turned down.
_PAPERS_DECLINED = re.compile(
    r"(資料|パンフ|カタログ|申込書|書類|説明|見積|案内|チラシ|名刺)[^。、]{0,3}(は|も|なんか)、?(もう)?(要ら|いら|いい|ええ)"
    r"|\b(brochure|catalog(ue)?|paperwork|leaflet)s?\b",
    re.I,
)


# A point let go, not an offer refused (まあ、それはいいです。で、刃を替えれば…; まあ、よそのことはええわ): each of the
# five まあ-led 「…はいいです」 in the labelled calls drops a grievance or a remark.
_LET_GO = re.compile(r"まあ、?[^。、]{0,10}は(もう)?(いい|ええ)(です|わ)")


# Someone else's no reported (その人たちは十四リットル袋なんか要らない…って言うんですよ): their customers' wish told,
# no offer refused.
_THEIRS_REPORTED = re.compile(r"って(言う|言われ|言って)")

# Sentences that say no to something other than an offer of the rep's.
_NO_OFFER_REFUSED = (_PAPERS_DECLINED, _CONDITION, _LET_GO, _THEIRS_REPORTED)


def _offer_refused(view: CallView) -> bool:
    """An after-sales offer refused outright by the customer and not taken up after (`_TAKES_AFTER_NO`)."""
    pattern = _OFFER_REFUSED[_lang(view)]
    took = _TAKES_AFTER_NO[_lang(view)]
    for s in reversed(view.sentences):
        if s.is_rep or s.is_question:
            continue
        if took.search(s.text):
            return False
        if (
            pattern.search(s.text)
            and not any(other.search(s.text) for other in _NO_OFFER_REFUSED)
            and not view.matches("past", s.text)
        ):
            return True
    return False


def declined(view: CallView) -> bool:
    """The customer said no for now or for good, not about a past evaluation nor about another matter, and did not
    take up an offer after their last no (あれは要らない…それでいきましょう: a part turned down, the rest taken)."""
    last = _last_decline(view)
    if last is None:
        return False
    took = _TAKES_AFTER_NO[_lang(view)]
    return not _taken_later(view, last) and not any(
        not t.is_rep and not t.is_question and took.search(t.text) for t in view.sentences[last.order + 1 :]
    )


# A plain yes to go ahead, said after a no: the no was about a part (あれは要らない… それでいきましょう).
_TAKES_AFTER_NO = {
    "ja": re.compile(
        r"(それ|これ|そちら|こちら|その[^。、]{0,4})で(いきましょう|いこう|行こう|お願いします|進めて|決め)|で進めてください"
        r"|(申し込み|契約し)ます"
        # The terms found beyond complaint or sure to pass above (代替機つくんやったら、文句ないわ, これなら通るわ).
        r"|(ったら|なら)、?文句(は)?(ない|ありません|なし)|(これ|それ)(なら|やったら|だったら)[^。]{0,4}通(る|ります|せます)"
        # The new offer's content and price taken in two words (内容はそれで。金額も大丈夫).
        r"|(内容|中身)(は|も)(それ|これ)で[。、]|(金額|値段|価格)(も|は)(それで)?大丈夫"
    ),
    # The offer taken, not a rival's product chosen (We'll go with the PlayDeck add-on).
    "en": re.compile(
        r"\blet'?s (do|go with) (it|that|this)\b|\bwe'?ll (take|go with) (it|that|this|yours|your \w+)\b|\bsign (us|me) up\b",
        re.I,
    ),
}


def _last_decline(view: CallView) -> Sentence | None:
    """The customer's last sentence that says no for now or for good (not a past evaluation, a condition or another
    matter). The sentences are read from the end, so a call is scanned only back to its last no."""
    said = None
    for hit in view.find("decline", who="customer"):
        before = hit.sentence.text[: hit.match.start()]
        after = hit.sentence.text[hit.match.start() :] + _rest_of_turn(view, hit.sentence)[len(hit.sentence.text) :]
        if (
            not view.matches("past", hit.sentence.text)
            and not _CONDITION.search(before)
            and not _NOT_THIS.search(after)
            and (said is None or hit.sentence.order > said.order)
        ):
            said = hit.sentence
    # A no for now (the `not_now` marker), searched like any marker: only in the sentences holding its words.
    not_now = {h.sentence.order: h.match for h in view.find("not_now", who="customer", questions=False)}
    floor = said.order if said is not None else -1
    for s in reversed(view.sentences[floor + 1 :]):
        found = None if s.is_rep or s.is_question else not_now.get(s.order) or _turned_down(view, s.text)
        if found and not _CONDITION.search(s.text[: found.start()]):
            return s
    return said


def _present(view: CallView, marker: str) -> bool:
    """Stated and standing: the customer's last word on the term does not put it off or dispute it."""
    # A "proposal" of a visit or of today's agenda (一度お伺いして見せていただけませんか) is no plan on offer.
    hits = [h.sentence for h in shapes.hits(view, marker) if not (marker == "plan" and _not_an_offer(h.sentence))]
    said = hits + (_price_objections(view) + _price_put_off(view) if marker == "price" else [])
    last = max((s for s in said if not s.is_rep), key=lambda s: s.order, default=None)
    # A term the customer leaves for later (「金額は見積もりを見てから決めます」, "before I commit to a plan") does not
    # stand; a price does once they take up an amount; a thank-you for the promised quote is no yes to a price.
    rest = _rest_on_term(view, last, marker) if last is not None else ""
    if (
        last is not None
        and (
            objections.undecided(view, rest)
            or (marker == "price" and bool(_PUT_OFF[_lang(view)].search(last.text)))
            # A time left to what a test shows or weighed between two (年内にやるか、年明けにするかは、結果見て決めます).
            or (marker == "timing" and shapes.time_left_open(rest))
        )
        and not (marker == "price" and _amount_accepted(view, hits, after=last.order))
    ):
        return False
    # A later yes to the rep's term (「42万なら大丈夫です」) is the customer's last word even without the term's words.
    if (
        last is not None
        and (objections.disputed(view, last) or _objects(view, last))
        and not any(s.order > last.order and s.is_rep and accepted(view, s) for s in hits)
        and not (marker == "price" and _amount_accepted(view, hits, after=last.order))
    ):
        return False
    if marker == "plan" and last is not None and _choice_left_open(view, last.order):
        return False
    # The rep's recap asked as a question (…ということでよろしいでしょうか) and taken up (それでいい) stands too.
    recap_taken = any(s.is_rep and s.is_question and accepted(view, s) for s in hits)
    return (
        any(_stated(view, marker, s) and _agreed(view, marker, s) for s in hits)
        or recap_taken
        or (marker == "price" and _amount_accepted(view, hits))
    )


# Taking an amount as one's own: it passes, fits, was expected, is as recapped (これで稟議上げます, その金額であれば
# 通せる, 八十ならいいんじゃない, そのくらいは見てました, それでよかです, 相違ないです, "I can live with that").
_TAKES = {
    "ja": re.compile(
        r"(それ|これ|その(金額|値段|額|価格|くらい|ぐらい|内容|条件)|この(金額|値段|額|内容|条件)|そこ|\d[\d,.]*(万|千|億)?円?)"
        r"(で|なら|やったら|だったら|であれば)[^。]{0,10}"
        r"(いい|ええ|よか|結構|お願い|進め|大丈夫|問題な|通せ|通る|通り|通っ|いける|いけ|稟議|上げ|出せ|払え|決め|むしろ安|安くな|割安|お得)"
        r"|(くらい|ぐらい|程度)(は|を)?(見て|想定して|考えて)(ました|た|まし|おり)|予算(内|の範囲)|(範囲|枠)(内|に収ま)"
        r"|^(はい|ええ)?[、,]?(相違(ない|ありません|ございません)|間違い(ない|ありません|ございません))"
    ),
    "en": re.compile(
        r"\b(works|can live with|happy with|fine by|within (what|our|the)|we can do|in (our|the) budget|set aside)\b",
        re.I,
    ),
}
# How many sentences back the rep's price may be for the customer's "that" to point at it.
_PRICE_REACH = 6


def price_taken(view: CallView) -> Sentence | None:
    """The customer's own word taking the price the rep named (「336万と月10万。これで稟議上げます」, 「その金額であれば
    稟議は通せる」, 「そのくらいは見てました」 after 「月額80万円です」, "Thirty-nine hundred works"), in a deal not
    declined and with no later objection to the price: the budget confirmed (BANT), even if the customer never said
    what they had set aside. A cheaper rival (他社さんの方が50万安かった) or an echo (月額5万円ですね) takes nothing."""
    if declined(view) or _price_objected_last(view):
        return None
    priced = [
        h.sentence
        for h in shapes.hits(view, "price")
        if h.sentence.is_rep and shapes.MONEY_SIZED.search(h.sentence.text)
    ]
    if not priced:
        return None
    lang = _lang(view)
    taken = None
    for s in view.sentences:
        if s.is_rep or s.is_question or s.order < priced[0].order or not _TAKES[lang].search(s.text):
            continue
        turn = [t for t in view.sentences if t.seg == s.seg and not t.is_question]
        # The rep's price just before (within the last few sentences): what "that" points at.
        recent = range(max(0, turn[0].order - _PRICE_REACH), turn[0].order)
        # A question the rep asked after the customer had spoken since the price (Shall we book Friday the twelfth?)
        # is what the customer answers; one following the price in the rep's own turns (ご確認いただけますか) asks
        # about it.
        named = any(shapes.MONEY_SIZED.search(t.text) or _THAT_AMOUNT[lang].search(t.text) for t in turn) or any(
            p.order in recent and not _asked_since(view, p, turn[0].order) for p in priced
        )
        if not named or _objects(view, s):
            continue
        # An amount paid before or a rival's (前は月3万, 他社さんの方が安かった) is no amount taken; an acceptance reported
        # (その金額であれば通せる、という感じでした) still is.
        if any(
            view.matches("competitor", t.text)
            or (t is not s and view.matches("past", t.text))
            or objections.disputed(view, t)
            for t in turn
        ):
            continue
        taken = s
    return taken


def _asked_since(view: CallView, price: Sentence, before: int) -> bool:
    """The rep asked something after the customer had spoken since the price, before sentence `before`: the
    customer's next yes answers that question (Shall we book Friday?), not the price."""
    spoke = False
    for t in view.sentences[price.order + 1 : before]:
        if not t.is_rep:
            spoke = True
        elif spoke and t.is_question:
            return True
    return False


def _price_objected_last(view: CallView) -> bool:
    """The customer's last word on the price objects to it (180万… 高いなあ。…180はなあ) and no yes to an amount
    follows: a budget said earlier does not put the price on the table."""
    hits = [h.sentence for h in shapes.hits(view, "price")]
    said = [s for s in hits + _price_objections(view) if not s.is_rep]
    last = max(said, key=lambda s: s.order, default=None)
    return (
        last is not None
        # A last word that states the budget itself (still above the 75,000 we have budgeted) is the price side.
        and not (view.matches("budget", last.text) or view.matches("budget_shape", last.text))
        and (_objects(view, last) or objections.disputed(view, last))
        and not _amount_accepted(view, hits, after=last.order)
    )


# An amount said bare, as customers repeat the rep's figure (28000で, 二万一千なら): digits sized by a unit or four long.
_AMOUNT = re.compile(r"\d{4,}|\d[\d,.]*\s*(万|千|億|円)")


def _amount_accepted(view: CallView, hits: list[Sentence], after: int = -1) -> bool:
    """The customer accepts "that amount" the rep named (「それなら、その金額で結構です」, "that price works"), after the
    rep's first price and after `after`."""
    first = next((s.order for s in hits if s.is_rep), None)
    if first is None:
        return False
    lang = _lang(view)
    pattern = _THAT_AMOUNT[lang]
    start = max(first, after) + 1
    # An amount taken in the customer's own words (ほんなら、28000で、ええわ / 21000なら、よかよ) is a yes too.
    return any(
        not s.is_rep
        and not s.is_question
        and (pattern.search(s.text) or (_AMOUNT.search(s.text) and _TAKES[lang].search(s.text)))
        for s in view.sentences[start:]
    )


def _not_an_offer(s: Sentence) -> bool:
    """The rep's plan word proposes a visit, a meeting or the call's agenda, not a plan to buy."""
    return s.is_rep and shapes.not_an_offer(s.text)


def _stated(view: CallView, marker: str, s: Sentence) -> bool:
    """A statement, not only a question or something put off to next time; a vague timing is no timing."""
    if view.matches("next_time", s.text) or (marker != "plan" and s.is_question):
        return False
    if marker == "timing" and (
        _bare_when(view, s.text)
        or view.matches("deflection", s.text)
        or shapes.maybe(s.text)
        or shapes.time_left_open(s.text)
        or shapes.untied_time(view, s)
        or _offer_deadline(view, s)
        or _TIMING_NOT_THIS[_lang(view)].search(s.text)
    ):
        return False
    if marker == "price" and not s.is_rep and view.matches("past", s.text):
        return False
    # The customer's own work that goes through quotes (見積もりの表から手で打ち直してる) is a need, not the deal's price.
    if marker == "price" and not s.is_rep and not _DIGIT.search(s.text) and _own_need(view, s):
        return False
    if objections.undecided(view, _rest_on_term(view, s, marker)):
        return False
    # The customer's budget said before any price of the rep's (予算は月五万円が上限です) is what they can spend, not
    # the offer's price: seed 003's price leg needs an offer.
    if marker == "price" and not s.is_rep and _budget_before_offer(view, s):
        return False
    # A quote still to be made (一月の総代会にお見積りを出せると) names no price yet.
    if marker == "price" and s.is_rep and not _AMOUNT.search(s.text) and _QUOTE_TO_COME[_lang(view)].search(s.text):
        return False
    if marker == "plan" and not s.is_rep and not _offered_before(view, s):
        return False
    if marker == "plan" and s.is_rep and _TO_SEND[_lang(view)].search(s.text):
        return False
    return not objections.disputed(view, s) or (s.is_rep and _taken_later(view, s))


_DIGIT = re.compile(r"\d")


def _bare_when(view: CallView, text: str) -> bool:
    """The sentence's only timing word is an English "when" joining two clauses ("tick it when it's done"): no time."""
    found = [m.group(0).lower() for m in view.lex["timing"].finditer(text)]
    return _lang(view) == "en" and bool(found) and all(f == "when" for f in found)


# A quote still to be made or sent (お見積りをご用意します, I'll send a quote), not one brought (お持ちしました).
_QUOTE_TO_COME = {
    "ja": re.compile(
        r"(見積|お見積)(もり|り)?(書)?(を|は|も)?[^。]{0,10}(出せ|お出し|出し|お送り|送り|お持ち|作成|作り|ご用意|用意|ご提出|提出)(?![^。]{0,5}(ました|した|た。|た$))"
    ),
    "en": re.compile(r"\b(send|prepare|put together|get you|draw up|work up)\b[^.]{0,15}\bquote\b", re.I),
}


def _budget_before_offer(view: CallView, s: Sentence) -> bool:
    """The customer's sentence states a budget and the rep has named no price before it."""
    said_budget = view.matches("budget", s.text) or view.matches("budget_shape", s.text)
    return bool(said_budget) and not any(h.sentence.order < s.order for h in shapes.hits(view, "price", who="rep"))


def _agreed(view: CallView, marker: str, s: Sentence) -> bool:
    """A plan or price the rep only names is mentioned, not agreed: it stands once the customer's reply takes it up
    (more than a backchannel, not turning to a "but") or the customer later takes the offer as a whole (「じゃあ、
    そのプランでお願いします」 after the total); the customer's own words and any timing stand as said."""
    return not s.is_rep or marker == "timing" or _taken_up(view, s) or _taken_later(view, s)


def _taken_later(view: CallView, s: Sentence) -> bool:
    """The customer later takes the rep's offer as a whole (「じゃあ、そのプランでお願いします」) or its amount in their
    own words (ほんなら、二万八千で、ええわ), whatever they said first."""
    lang = _lang(view)
    accept = _ACCEPT[lang]
    if any(
        not t.is_rep and not t.is_question and t.order > s.order and accept.search(t.text)
        for m in ("plan", "price")
        for t in (h.sentence for h in shapes.hits(view, m))
    ):
        return True
    return any(
        not t.is_rep and not t.is_question and _AMOUNT.search(t.text) and _TAKES[lang].search(t.text)
        for t in view.sentences[s.order + 1 :]
    )


_TERMS = ("plan", "price", "timing")


def _rest_on_term(view: CallView, s: Sentence, marker: str) -> str:
    """The rest of the turn while it stays on the term: it stops at a sentence about another term only (プランは
    スタンダードでしょうね。…ただ、いつから入れるかは社長に聞いてから: the doubt is about the timing, not the plan)."""
    turn = list(takewhile(lambda t: t.seg == s.seg, view.sentences[s.order :]))
    # The terms' hits are looked up only when the turn goes on past the sentence (most turns do not).
    other: set[int] = set()
    own: set[int] = set()
    if len(turn) > 1:
        other = {h.sentence.order for m in _TERMS if m != marker for h in shapes.hits(view, m, who="customer")}
        own = {h.sentence.order for h in shapes.hits(view, marker, who="customer")}
    kept = []
    for t in turn:
        if t.order != s.order and t.order in other and t.order not in own:
            break
        # A clause turning to when (…その金額でいいとして、いつから始めるかは考えさせて) leaves this term.
        when = _WHEN_CLAUSE.search(t.text) if marker != "timing" else None
        kept.append(t.text[: when.start()] if when else t.text)
        if when:
            break
    return "".join(kept)


_WHEN_CLAUSE = re.compile(r"、(いつ(から|まで|頃|ごろ|に)?|時期|スケジュール)[^。]{0,12}(は|か|が)|,? but when\b", re.I)


def _own_need(view: CallView, s: Sentence) -> bool:
    """The sentence tells a problem in the customer's own work (listed need words or a need's shape)."""
    return bool(view.matches("need", s.text) or view.matches("need_shape", s.text))


def _rest_of_turn(view: CallView, s: Sentence) -> str:
    """The sentence and what its speaker says after it in the same turn (「…two tiers. I wouldn't pick one yet.」)."""
    return "".join(t.text for t in takewhile(lambda t: t.seg == s.seg, view.sentences[s.order :]))


def _price_objections(view: CallView) -> list[Sentence]:
    """The customer's price objections (正直、高いね): their last word on the price even without an amount."""
    return [
        h.sentence
        for h in view.find("price_objection", who="customer")
        if not view.negated(h)
        and not _SAID_NOT.match(h.sentence.text, h.match.end())
        and not _reported(h.sentence.text, h.match.start())
        # Thought at first and taken back (最初は高い思たけど、話聞いたら、まあ分かったわ): no longer the last word.
        and not _TAKEN_BACK.match(h.sentence.text, h.match.end())
        # An amount found cheaper than what they pay now (まとめて15万なら、むしろ安くなります) is taken, not objected to.
        and not (_AMOUNT.search(h.sentence.text) and _TAKES[_lang(view)].search(h.sentence.text))
    ]


_TAKEN_BACK = re.compile(
    r"[^。]{0,8}(思|おも)(っ|う)?た(けど|けれど|んやけど|んだけど|んですけど|が)[^。]{0,20}"
    r"(分か|わか|納得|腹落ち|ええ|いい|妥当|安い|お得|元が取れ|取れる)"
)


def _reported(text: str, at: int) -> bool:
    """The words at `at` sit inside 「…」: someone else's words reported (their customers' 「高い」って苦情), not the
    customer's own objection."""
    return text.count("「", 0, at) > text.count("」", 0, at)


def _price_put_off(view: CallView) -> list[Sentence]:
    """The customer putting off talk of money (値段の話はまだいいよ): their last word on the price for now."""
    pattern = _PUT_OFF[_lang(view)]
    return [s for s in view.sentences if not s.is_rep and pattern.search(s.text)]


def _offer_deadline(view: CallView, s: Sentence) -> bool:
    """The rep's time is only how long a discount lasts (年内にお申し込みいただければ…三割お引き, 年内限定): no timing."""
    if not s.is_rep:
        return False
    after = view.sentences[s.order + 1] if s.order + 1 < len(view.sentences) else None
    text = s.text + (after.text if after is not None and after.is_rep else "")
    return bool(_DEADLINE[_lang(view)].search(s.text)) and bool(view.matches("discount", text))


def _objects(view: CallView, s: Sentence) -> bool:
    """The customer's turn holding `s` objects to the price (「高いね。60台で月15万円でしょう。」), unless it ends in a
    yes (「高いけど、まあしゃあない、それでええわ」)."""
    turn = [t for t in view.sentences if t.seg == s.seg]
    for i, t in enumerate(turn):
        objection = view.matches("price_objection", t.text)
        if objection or objections.disputes(view, t.text):
            later = (t.text[objection.end() :] if objection else "") + "".join(x.text for x in turn[i + 1 :])
            if not objections.yes_after(view, later):
                return True
    return False


def _offered_before(view: CallView, s: Sentence) -> bool:
    """The rep put a plan or a price on the table before the customer's sentence (this call or a quote sent before)."""
    return any(h.sentence.order < s.order for m in ("plan", "price") for h in shapes.hits(view, m, who="rep"))


# Which of the offers to take, left open (I'm not ready to pick one, どちらにするかはまだ).
_CHOICE = re.compile(r"\b(pick|choose|which)\b|どちら|どっち|どれ|選", re.I)


def _choice_left_open(view: CallView, after: int) -> bool:
    """A later customer sentence leaves the choice between offers undecided."""
    return any(
        not s.is_rep and _CHOICE.search(s.text) and objections.undecided(view, s.text)
        for s in view.sentences[after + 1 :]
    )


def accepted(view: CallView, s: Sentence) -> bool:
    """The customer's next turn takes up what the rep said in `s`."""
    reply = view.next_turn(s, customer=True)
    return bool(reply) and bool(_ACCEPT[_lang(view)].search("".join(r.text for r in reply)))


def _solution_accepted(view: CallView) -> bool:
    """The rep offered the product for a need the customer had stated, and the customer took it up."""
    need = min((h.sentence.order for h in view.find("need", who="customer") if not view.negated(h)), default=None)
    return need is not None and any(
        h.sentence.order > need and not objections.disputed(view, h.sentence) and _taken_up(view, h.sentence)
        for h in view.find("solution", who="rep")
    )


def _taken_up(view: CallView, s: Sentence) -> bool:
    """The customer's reply to the rep's offer is more than a backchannel and does not turn to a "but" (ただ、院長が…)."""
    reply = view.next_turn(s, customer=True)
    text = "".join(r.text for r in reply)
    return (
        bool(reply)
        and not view.matches("backchannel_only", text)
        and not _BUT[_lang(view)].match(text)
        and not objections.undecided(view, text)
    )

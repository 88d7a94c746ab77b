"""BANT and price told by the shape of a sentence, not by listed words: markers that hold on calls never seen.

The lexicon (scoring/lexicon.py) lists words heard in labelled calls; these patterns describe a kind of sentence
instead — a customer's statement about their own work with a cost or a negative predicate (a need), a decision
verb said of oneself or of a body (authority), an amount next to a limit or a source (budget), a time tied to
deciding or starting (timeline), an amount per unit or per month (a price without a price word). `own_statement`
keeps only what the customer asserts about their own operation: no question, no negation, no hypothesis, no
hearsay and nothing said about other companies. The patterns themselves are data, in scoring/shape_markers.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.markers import CallView, Hit, Sentence

_NOT_OWN = {
    # A hypothesis, hearsay, other companies, or a problem already solved.
    "ja": re.compile(
        r"(?<![てで])もし|仮に|万一|万が一|としたら|となると|(場合|ようなら|ようでしたら)(は|には)?、|他社|よそ|(ほか|他)の(会社|店|病院|事務所|医院|学校|施設)"
        r"|皆さん|御社|貴社|と聞|らしい|(る|た)そうです|おかげ|解消|なくなり|減りました|ようになりました|(以前|昔|(?<![\u4e00-\u9fff])前)は"
        r"|十分|問題な|困って(は|も)?(い|お)(ない|ません|りません)|足りて(い|ま)|(わけ|ほど)(では|じゃ)(ない|あり)"
    ),
    "en": re.compile(
        r"\bif\b(?! anything)|\bwould\b|\bcould\b|\bmight\b|suppose|imagine|other (companies|firms|teams|vendors)"
        r"|\bthey say\b|i heard|\bused to\b|\bno longer\b|\bnow we\b|thanks to",
        re.I,
    ),
}
_AMOUNT = re.compile(r"\d[\d,.]*(万|千)?円|\$\s?\d|\d\s*(dollars|usd)\b", re.I)
_NEGATED_BEFORE = re.compile(r"(\b(not|never|no)\b|n't)\W+(\w+\W+){0,1}$", re.I)


_CLAUSE = re.compile(r"…|\.\.\.|けど|けれど|が、|, but |; ")


# A yes said to oneself (月々このくらいなら大丈夫かな): the question mark of speech, not a question to the rep.
_SOFT_YES = re.compile(
    r"(大丈夫|いい|いける|いけ(る|そう)|問題ない|払える|出せる|行ける)(かな|かなあ|かなー)[。！!]?$|(って|という)感じ(かな|かなあ|ですかね)[。！!]?$"
)


# Something both sides know, recalled (…っていうのがあったでしょう): told, not asked.
_REMINDER = re.compile(r"(った|た|だ)(でしょう|でしょ|よね)[。！!]?$")


def asks(s: Sentence) -> bool:
    """A real question, not a yes said to oneself (「このくらいなら大丈夫かな」)."""
    return s.is_question and not _SOFT_YES.search(s.text) and not _REMINDER.search(s.text)


def own_statement(view: CallView, hit: Hit, *, hypothesis: bool = True, denial: bool = True) -> bool:
    """A customer's assertion about their own operation: not a question, not denied (unless `denial` is off: who
    decides is named even when they say no), not (unless allowed) a hypothesis, hearsay or about others — judged in
    the hit's own clause (「興味がないわけじゃないけど…組合長が決める」 names who decides)."""
    s = hit.sentence
    asked = asks(s) and not _SAID_THEN_ASKED.match(s.text, hit.match.end())
    if s.is_rep or asked or (denial and view.negated(hit)) or view.deflected(hit):
        return False
    if not hypothesis:
        return True
    lang = "en" if view.transcript.language.startswith("en") else "ja"
    start = max((m.end() for m in _CLAUSE.finditer(s.text, 0, hit.match.start())), default=0)
    if _NOT_OWN[lang].search(s.text, start):
        return False
    return not (lang == "en" and _NEGATED_BEFORE.search(s.text[: hit.match.start()]))


# A clause that states and gives it as the reason for a request (主人が決めるんで、主人がいるときにしてもらえます？):
# the question is the request, the clause before it still states.
_SAID_THEN_ASKED = re.compile(r"[^。？?、]{0,12}(んで|ので|から|けど|けれど)、")


# Money said in the sentence: what makes 「このくらいなら大丈夫」 a budget and not a workload.
_MONEY = re.compile(r"月々|月額|毎月|年間|年額|予算|金額|費用|料金|値段|円|払|額|\d(万|千|億)")
_POINTING = re.compile(r"この|その|それ|これ|同じ")


def stated(view: CallView, key: str) -> list[Hit]:
    """The customer's own statements whose shape carries this BANT item (a need, not a price objection)."""
    # Questions are searched too: a yes said to oneself (〜大丈夫かな) reads as one; `own_statement` drops real ones.
    hits = view.find(f"{key}_shape", who="customer")
    if key == "need":
        return [h for h in hits if need_said(view, h)]
    # Money is often said under a condition (we could spend…, 〜なら出せます): a hypothesis still states a budget.
    if key == "budget":
        pointed = view.find("budget_pointer_shape", who="customer")
        said = [h for h in pointed if not _POINTING.match(h.match.group(0)) or _MONEY.search(_turn(view, h.sentence))]
        hits = sorted(hits + said, key=lambda h: h.sentence.order)
        # An approval limit (百万以下なら私の決裁) sizes who decides, not what they can spend.
        hits = [h for h in hits if not approval_limit(h.sentence.text)]
    return [h for h in hits if own_statement(view, h, hypothesis=key != "budget", denial=key != "authority")]


def _turn(view: CallView, s: Sentence) -> str:
    """The whole turn a sentence sits in: money said in one sentence is what 「それと同じぐらいなら」 points at in the next."""
    return "".join(t.text for t in view.sentences if t.seg == s.seg)


# A problem told as solved (去年拠点増やして解決済み, that got fixed back in 2019): no standing need.
_SOLVED = re.compile(
    r"解決(済み|済|しました|した|してます|しています)|解消(しました|した|済み|されました)"
    r"|\b(got|was|been|were|is) (fixed|solved|resolved|sorted( out)?)\b|\bused to (have|be)\b",
    re.I,
)


def solved(text: str) -> bool:
    """The problem is told as solved already: no standing need."""
    return bool(_SOLVED.search(text))


def need_said(view: CallView, hit: Hit) -> bool:
    """The customer's own standing problem: an own statement that is not a price objection (説明しにくい金額) nor a
    problem told as solved."""
    return own_statement(view, hit) and not (
        solved(_turn(view, hit.sentence))
        or view.matches("price_objection", hit.sentence.text)
        or view.matches("price_objection_shape", hit.sentence.text)
        or _AMOUNT.search(hit.sentence.text)
    )


_MAYBE = re.compile(
    r"かもしれ|かも(。|$)|(年|年度|期|頃|ごろ|以降|あたり)かな(あ|ぁ)?(、|。|$|と|って)|そのうち(に|ね|です|かな|や|。)|いずれ(は|また)|いつか(?!ら)(は)?|落ち着いたら|どうかな(あ|ぁ)?(。|、|$)|としても[、,]?[^。]{0,15}かな"
    r"|\bmaybe\b|\bmight\b|\bperhaps\b|\bat some point\b",
    re.I,
)
_ADOPTION = re.compile(r"導入|開始|稼働|始め|切り替え|入れ|間に合|使い|契約|start|go live|roll", re.I)


# An English time counts as a timeline only when tied to buying, starting or deciding ("spent until April",
# "the third bag this quarter" and "we found out when…" are no timeline).
_EN_ACT = re.compile(
    r"\b(start|begin|go live|live\b|roll|switch|move|in place|up and running|ready|decid|decision|sign|renew|launch|buy"
    r"|implement|onboard|deploy|have (it|this|something|someone|them)|need (it|this|something|someone)|want|install"
    r"|before|in time|ideally|deadline|opens|in use|by then|at the latest)",
    re.I,
)


# A term said as undecided (日程自体がまだ決まってなくて, 予算の枠がまだ決まっていない, I wouldn't pick one yet).
_UNDECIDED = {
    "ja": re.compile(
        r"まだ[^。]{0,6}(決ま|決め|未定|何とも|お?選び|選ば|選べ)|(選ぶ|決める)のは[^。]{0,8}(後|あと)|決まって(い)?な|決まっておりません|未定|決められな|(で|に)決ま(る|ります)(ので|から|予定)"
        # Said in Kansai and plain speech (全然決めてへん, 決まってない), or as more talks to come (金額だけ詰めさせて).
        r"|(決め|決まっ)て(へん|ない|ねえ)|(だけ|は)(もう少し|もうちょっと|また)?詰め(させ|たい|ましょう)"
        # Not that far yet, or a later matter (まだそこまでは全然, 値段とか時期とかはその後の話).
        r"|まだそこまで|まだ全然|全然まだ|(その後|後|あと|先)の話|決めらん(ねえ|ない)"
        r"|(しだい|次第)(、|で|です|ということ|。|$)|それまでは何とも"
        # Put off to be decided again (来年度のことはまた理事会で決めるので): no time is committed to.
        r"|(また|改めて|あらためて)[^。]{0,12}(決め|考え|検討|判断)"
        # Left until something else comes (見積もりを見てから決めます): not decided on this call.
        r"|(て|で)から[^。]{0,4}(決め|判断|考え|検討)"
        # The term waiting on itself to become clear (時期が見えたら、こちらからご連絡します).
        r"|(時期|日程|タイミング|開始|スケジュール)(が|は)[^。]{0,4}(見えたら|決まったら|わかったら|分かったら|固まったら|はっきりしたら)"
        # Left until the thing is seen or tried (それは物見てからやな, 使ってみてからの話です).
        r"|(見て|見せてもろて|試して|使ってみて|触ってみて)から(や|だ|じゃ|です|ですね|ね|な|の話)"
        # Nothing to say on it now, or to be settled with someone first (今はちょっと何とも言えない, 吉岡と相談して決めます).
        r"|何とも言え(ない|ません|へん|ん)|なんとも言え(ない|ません|へん|ん)|相談(して|させて|しながら)[^。]{0,6}決め"
        # When, put as the open question it still is (いつから始めるかは、製造と相談させてください, いつから入れるかは、
        # …はっきりしてからだね), or not known at all (それが一番読めない, 正直、分からないです).
        r"|いつ[^。]{0,12}か(は|って|も)[、,]|相談させて(ください|ほしい|もらえ)|(て|で)から(だね|やな|や|だ|です)[。、]?$"
        r"|読め(ない|へん|ません)|(正直|まだ)[、,]?(分か|わか)(らない|りません|らへん|らん)"
    ),
    "en": re.compile(
        r"(\bnot\b|n'?t)[^.]{0,25}\byet\b|haven'?t decided|undecided|not decided|to be decided|\btbd\b"
        r"|depends on|will be (decided|set)|no need to (pick|choose|decide)|revisit|reconsider|look at it again"
        r"|\b(decide|settle|judge)\b[^.]{0,25}\b(once|after|when) (we|i)\b"
        r"|\bbefore (i|we) (commit|decide|sign)|\bnot (yet )?convinced\b|\bside by side\b"
        r"|\bnot ready to (pick|choose|decide|commit)|\bgoing back and forth\b|\bon the fence\b|\btorn between\b"
        r"|\bcan'?t (give you|tell you) (a date|when)|\b(nobody|no one) knows (when|how long)|\bcould be \w+( \w+)?, could be\b|\b(see|try) it (first )?before (i|we) (think|talk)",
        re.I,
    ),
}


def undecided(view: CallView, text: str) -> bool:
    """The text says the term is not decided yet: no budget, timeline or deal term stands on it."""
    return bool(_UNDECIDED["en" if view.transcript.language == "en" else "ja"].search(text))


def untied_time(view: CallView, s: Sentence) -> bool:
    """A customer's English sentence with a time but nothing to start, buy or decide: not a timeline."""
    return view.transcript.language == "en" and not s.is_rep and not s.is_question and not _EN_ACT.search(s.text)


_FREEZE = re.compile(
    r"(投資|予算|支出|購入|経費)[^。]{0,12}(止め|凍結|ストップ|見合わせ)|凍結|(spending|budget|purchase|hiring) (freeze|is frozen)"
    r"|\bfrozen\b|\bspent until\b",
    re.I,
)


def maybe(text: str) -> bool:
    """Said as a possibility only (来期に回すかもしれません, we might): no commitment to a time."""
    return bool(_MAYBE.search(text))


# A time that waits on something unknown (カルテが落ち着いてから, 契約がいつ切れるか分かったら, 決めきれてなくて):
# no timeline yet.
_WAITS_ON = re.compile(
    r"落ち着いて(から|たら)|(分か|わか|見え|決ま)ったら|決めきれ(て|ない)|っていうのは(…|\.\.\.)|どうなるか[^。]{0,6}読め"
    # Left until someone else is talked to (いつからっていうのは、副店長と話してからにしたいの).
    r"|(と|に)(話して|相談して|聞いて|確認して|話し合って)から(に|決め|で)"
    # Two times weighed, neither chosen (来年なのか、再来年なのか、なんとも; 来年度の話になるのか、もうちょっと先なのか).
    r"|(のか|んか)[、,][^。]{1,25}(のか|んか)"
    # Or left to what a test shows (時期はテスト次第…結果見て決めます; いつ切り替えるかは、試験の結果を見てから決めたい).
    r"|(結果|様子|状況|試験|反応)を?見て(から)?(決め|判断)|(時期|タイミング|いつ)[^。]{0,6}次第"
    r"|\b(once (things|it) (settle|calm)s?|when we know|can'?t (give you|say) (a date|when))\b",
    re.I,
)


# A proposal of a visit or a meeting, or of how today's meeting runs (一度御社にお伺いして、庫を見せていただけない
# でしょうか; 今日は何かをご提案する場ではなくて; "my plan is to spend most of it understanding…"; "we'd plan around
# it"): the next step or the call's purpose, not the plan on offer.
_NOT_AN_OFFER = re.compile(
    r"提案する場(では|じゃ)|(今日|本日|今回)は[^。]{0,20}(提案|プラン)[^。]{0,8}(では|じゃ)な|見せていただ|お伺|伺っ|お邪魔|ご訪問"
    r"|\b(my|our|the) plan (is|was) to\b|\bplan around\b|\bsite visit\b",
    re.I,
)


# A visit to sign (申込書のご捺印をいただきに伺います) is the deal going through, not only a meeting.
_SIGNING = re.compile(r"契約|申込|申し込|捺印|押印|発注|注文|\b(contract|agreement|order form|sign)", re.I)


def not_an_offer(text: str) -> bool:
    """The rep's "proposal" is a visit, a meeting or the call's agenda, not a plan to buy nor a visit to sign."""
    return bool(_NOT_AN_OFFER.search(text)) and not _SIGNING.search(text)


# When, still open (いつやるかまだ業者と揉めてて, いつになるかは今はまだ): about the time only, not the other terms.
# Or said as not to be told yet (いつからとは、今は言えないです).
_WHEN_OPEN = re.compile(
    r"いつ[^。]{0,10}か(は|が|も)?[^。]{0,3}まだ|いつ(から|まで|頃|ごろ)?(と|って|っていうの|というの)?は?、?(今は|まだ|今)?(言えな|言えま|何とも|なんとも)"
)


def time_left_open(text: str) -> bool:
    """The customer's words leave the time open, waiting on something unknown."""
    return bool(_WAITS_ON.search(text) or _WHEN_OPEN.search(text))


# The time word is the question word itself (いつ頃の話になるの, 何をいつまでにしてくれるん, いつからかは理事長次第), not
# いつも / いつでも; or the time of a purchase already made (夏に検査装置を入れたばっかりで, 春にね、入れ替えたんよ).
_WHEN_WORD = re.compile(r"いつ(?!も|でも)")
_DONE_AFTER = re.compile(r"(替え|かえ)?(た|ちゃった|てしまった)")


def no_time_stated(hit_text: str, after: str) -> bool:
    """A timeline hit (its words, and the sentence's words after them) that states no time the customer wants: over
    every labelled Japanese call (1,796), the question word took 12 false timelines and 2 right ones off, the past
    purchase 3 false and none right (the cards: 15 false timelines and 2 right ones off)."""
    return bool(_WHEN_WORD.search(hit_text) or _DONE_AFTER.match(after))


# Words that name or bound a time, beyond the timeline and date markers (来年度, 春, 年明け, 早めに, 四月まで).
_TIME_WORDS = re.compile(
    r"[0-9０-９一二三四五六七八九十]+(月|日|年|週|か月|ヶ月)|年(内|度|末|明け)|来(年|月|週|期)|今(年|月|週|期)|再来"
    r"|春|夏|秋|冬|すぐ|早(く|め)|急ぎ|まで|から|頃|ごろ|以降|前に|うち"
)


def answers_when(v: CallView, question: Sentence, answer: str) -> bool:
    """The rep asked when the customer wants it, not when to meet (火曜なら, 十一月十二日の午後は), and the answer names
    or bounds a time at all ("それでいい", "いいのがあれば" do not). Over every labelled Japanese call (1,796), the two
    took 16 false timelines and 2 right ones off the cards."""
    if v.meeting_context(question):
        return False
    return bool(v.matches("timeline", answer) or v.matches("date", answer) or _TIME_WORDS.search(answer))


_BUDGET_PROCESS = re.compile(
    r"予算(要求|申請|編成|査定|協議|計上|化|の(要求|申請|締め|時期|編成|方針)|を(決め|組|要求|取)|が(通(?!らな)|[付つ](?!かな|かず))|に乗せ)"
    r"|当初予算"
    # The budget's approval said with no size (スクールの予算は、理事会の承認が要るのよ).
    r"|予算(は|も)、?[^。]{0,10}(承認|決裁|稟議)(が|を|に)"
    r"|\b(budget (cycle|request|process|approval|round|committee|season)|with the budget for next year)\b",
    re.I,
)
# A budget of something else than money (an updated uncertainty budget in metrology, an error or a time budget).
NON_MONEY_BUDGET = re.compile(
    r"\b(uncertainty|error|noise|power|link|time|timing|thermal|weight|mass) budgets?\b", re.I
)
# An amount of money in any unit (四百二十万 → 420万, 82万円, 3,900 dollars, $1.2m): read by the budget, the price
# taken and the objection rules alike.
MONEY_SIZED = re.compile(
    r"\d[\d,.]*\s*(万|千|億|円|k\b|m\b|million|thousand|hundred|dollars|pounds|usd)|[$£€¥]\s?\d", re.I
)


def asked_back(reply: Sequence[Sentence], text: str) -> bool:
    """The customer answers the rep's budget question with a question of their own and no amount (え、予算？, 予算…？,
    まだ何ができるのかも聞いてないんですけど?): the question pushed back, no budget stated. Over every labelled
    Japanese call (1,796): 10 false budgets and 1 right one off the cards."""
    return any(r.is_question for r in reply) and not MONEY_SIZED.search(text)


_APPROVAL_LIMIT = re.compile(
    r"(以下|まで|未満)(なら|は|でしたら)[^。]{0,6}(決裁|決め|判断|ハンコ|(私|僕|わたし|自分)(が|で)見)"
    # Over the limit, someone else signs (五万円を超えるのは私の決裁じゃなくて課長決裁): who decides, not money.
    r"|(超え|以上)[^。]{0,12}(決裁|稟議|上げ(ます|る)|回し(ます|て))|\b(up to|under) [^.]{0,12}\bmy (sign-?off|approval)\b"
    # The signer's own limit (私の決裁は十万まで, 五十万までは私で, 八十万やったらわしの決裁でいける).
    r"|(決裁|権限)(は|が)[^。]{0,8}まで|まで(は)?(私|僕|わし|自分|俺)(で|が|の)|(決裁|ハンコ|判子)で(いける|通る|済む|いけ)"
    # Above an amount, a named signer (anything over two thousand, I sign; over five grand goes to the owners).
    r"|\b(anything|everything|whatever) (over|above)\b[^.]{0,40}\b(I|we|he|she|they)( both| all)? (sign|approve|decide)"
    r"|\b(over|above)\b[^.]{0,30}\bgoes (to|up to|through)\b",
    re.I,
)


def approval_limit(text: str) -> bool:
    """An amount that says who signs (百万以下なら私の決裁): authority, not a budget (the writers' convention)."""
    return bool(_APPROVAL_LIMIT.search(text))


# A time named: a digit, a season, a month or a span (4月, 来年, 春, 月末, 年明け, 以降).
_TIME_NAMED = re.compile(r"\d|年|春|夏|秋|冬|週|月|頃|ごろ|以降|まで|明け|旬|今日|明日")
# The busy season told (一年で一番忙しい時期なの, 一番来場者が多い時期), unless said as the time it ends.
_BUSY_SEASON = re.compile(
    r"(一番|いちばん|最も)[^。]{0,8}(忙し|バタバタ|多い|集中|掘る|手一杯)[^。]{0,4}(時期|とき|時|季節|シーズン)"
)
_BUSY_ENDS = re.compile(r"以降|終わ|明け|過ぎ|落ち着")
# A time ruled out (年内は無理ね, 今期は難しい).
_RULED_OUT = re.compile(r"(年内|今年|今年度|今期|今月|今シーズン)(は|も|中は)[^。]{0,6}(無理|難し|厳し)")


def no_time_wanted(text: str) -> bool:
    """The busy season told or a time ruled out (年内は無理ね): when they cannot take it on, not when they want it."""
    return bool(_RULED_OUT.search(text) or (_BUSY_SEASON.search(text) and not _BUSY_ENDS.search(text)))


def budget_process_only(text: str) -> bool:
    """The budget's process or approval with no size (予算は理事会の承認が要る), or a budget of something else than money
    (an uncertainty budget): no money the customer has or lacks."""
    return not MONEY_SIZED.search(text) and bool(_BUDGET_PROCESS.search(text) or NON_MONEY_BUDGET.search(text))


def off_item(view: CallView, key: str, hit: Hit) -> bool:
    """A budget said undecided, or a timeline hit about something else: undecided, a maybe (来年度はまた検討するかもしれません), the budget cycle
    (10月頃に来年度の予算を組みます), or the rep asking when to call back (6月ごろにお電話してもよろしいでしょうか)."""
    text = hit.sentence.text
    if key == "budget" and not hit.sentence.is_rep and undecided(view, text):
        return True
    # The budget's process without its size (来年度の当初予算で要求したい, 予算を決める理事会, 四月に予算が通って) is
    # timing or authority, not what they can spend (money refused, 予算がつかなかった, is a budget); an approval limit (百万以下なら私の決裁) is authority.
    if key == "budget" and budget_process_only(text):
        return True
    if key == "budget" and approval_limit(text):
        return True
    if key != "timeline":
        return False
    # The word 時期 with no time named opens the topic (で、時期だけど…; 時期はちょっとね) and states none.
    if not hit.sentence.is_rep and hit.match.group(0) == "時期" and not _TIME_NAMED.search(text.replace("時期", "")):
        return True
    if no_time_wanted(text):
        return True
    if maybe(text) or untied_time(view, hit.sentence) or (not hit.sentence.is_rep and undecided(view, text)):
        return True
    # A freeze names a time money stops, not a time to buy (来年度は新規の投資を止める, spending freeze until Q3).
    if _FREEZE.search(text):
        return True
    if view.matches("budget", text) and not _ADOPTION.search(text):
        return True
    return hit.sentence.is_rep and bool(view.matches("meeting", text)) and not view.matches("timing", text)


def hits(view: CallView, marker: str, *, who: str = "any") -> list[Hit]:
    """A lexicon marker's hits and, when there is one, its shape's (plan, price, price objection), in call order."""
    found = view.find(marker, who=who)
    extra = view.find(f"{marker}_shape", who=who) if f"{marker}_shape" in view.lex else []
    return sorted(found + extra, key=lambda h: h.sentence.order) if extra else found


def rep_promise(view: CallView, hit: Hit) -> bool:
    """The rep's dated action that the listed promise verbs missed; not a visit (a meeting is the next step), a
    routine, a plan or a hypothesis."""
    s = hit.sentence
    return (
        s.is_rep
        and not s.is_question
        and not _NOT_PROMISE.search(s.text)
        and not _VISIT.search(s.text)
        and not _SCHEDULE.search(s.text)
        and not view.matches("rep_commitment", s.text)
        and not view.matches("need", s.text)
    )


# A schedule laid out (…で組みます, 八月の第一週にします) is the plan, not a small promise.
_SCHEDULE = re.compile(r"(で|に)(組み|し)ます")
# A visit or a call at a time is the next meeting, not a small promise (来週火曜に伺います).
_VISIT = re.compile(
    r"伺い|お伺|お邪魔|参ります|お電話(します|いたします|差し上げ)|押さえ|お時間を?いただ|\b(see you|visit|come by|call you)\b",
    re.I,
)

_NOT_PROMISE = re.compile(
    r"例年|毎年|毎月|毎週|毎日|いつも|普段|通常|毎回|導入|使い始め|始め|切り替え|入れ替え|稼働|なら|ければ|もし|予定|ません|ましょう|お願い|願い"
    # A condition on the deal (決まったら, 採用されたら) is a hypothesis; one on a thing arriving (届いたら, もろたら) is
    # the order of the work.
    r"|(決まっ|決め|採用さ|契約し|契約さ|導入し|進め|通っ|承認さ|OKが出)たら"
    r"|(担当者|スタッフ|社員|職員|皆さん|各拠点|各店)が"
)
_DATED = re.compile(r"来週|明日|明後日|今週|週明け|月末|までに|その日|当日|後ほど|\d+日|\d+月")


def customer_promise(view: CallView, hit: Hit) -> bool:
    """A customer's dated or first-person action that the listed promise verbs missed; not a routine or a plan."""
    s = hit.sentence
    return (
        not s.is_rep
        and not s.is_question
        and not _NOT_PROMISE.search(s.text)
        and not view.matches("customer_commitment", s.text)
        # A problem told with a time in it (折り返しだけで午前中つぶれます) is a need.
        and not view.matches("need", s.text)
        # Who decides (私が決めます, 本部に上げます) is authority; it is a promise only with a day (3月の頭には決めます).
        and not (
            (view.matches("authority", s.text) or view.matches("authority_shape", s.text)) and not _DATED.search(s.text)
        )
    )


# A time said as a period (九月ごろ, 来月の中旬あたり, 四月に入ったら, early August, in the new year) and a day (十四日,
# 木曜, 明日, the ninth, Tuesday): a next step needs the day (seed 001, 次回のアポを日付で).
_PERIOD = re.compile(
    r"ごろ|頃|あたり|辺り|中旬|下旬|上旬|初め|はじめ|以降|に入ったら|明け|終わったら|落ち着|来月|来年|来週|今月中|月末|(?<!日の)後半|前半"
    # Half a month, months from now, one month or the next, or once something is known (十一月半ば; 三か月後; 一月か
    # 二月; 結果が出ましたら).
    r"|半ば|[かヶカケ]月後|月か[^。]{0,3}月|(出|届|分か|決ま|揃)(いたら|ったら|ましたら|りましたら)"
    r"|\b(new year|early|mid|late|sometime|some time|after the|in (january|february|march|april|may|june|july|august"
    r"|september|october|november|december))\b|\bnext (week|month)\b(?! on)|\b(first|second|third|last) week of\b",
    re.I,
)
_DAY = re.compile(
    r"\d+日|[一二三四五六七八九十]+日|[月火水木金土日]曜|明日|明後日|あさって|今日(?!は|も)|本日(?!は|も)"
    r"|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight|\d+(st|nd|rd|th)|first|second"
    r"|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\w+teenth|twentieth|twenty-\w+|thirtieth)\b"
    r"(?! week)",
    re.I,
)


def period_only(text: str) -> bool:
    """The text places something in a period and names no day in it: no next step is set on it."""
    return bool(_PERIOD.search(text)) and not _DAY.search(text)


# A day something is due by (金曜までに書面でお送りします, I'll email you the options by Thursday): a deadline for a
# document or goods sent, not a meeting; a call back by a time is left alone (the labels go both ways on it).
# A day given as a deadline: by Friday, 金曜までに; a visit is no deadline (could I come by Friday). The next step's
# reading shares it (`scoring/rules_closing.py`).
DEADLINE = re.compile(r"(?<!come )(?<!stop )(?<!drop )(?<!swing )(?<!pop )\bby\s|まで(に|には)", re.I)
_DUE_BY = re.compile(DEADLINE.pattern + r"|中に", re.I)
_SENT = re.compile(
    r"お送り|送り|送る|届け|提出|メール|書面|\b(send|ship|email|e-mail|have it with you|PO|mail|post)\b", re.I
)
_MEETS = re.compile(
    r"伺|訪問|打ち合わせ|打合せ|会議|面談|お会い|ミーティング|来社|お越し|デモ"
    r"|\b(meet|meeting|visit|come by|drop by|demo|walk ?through|session|sit down)\b",
    re.I,
)
_DAY_OR_HOUR = re.compile(_DAY.pattern + r"|\d+時|[一二三四五六七八九十]+時", re.I)


def delivery_deadline_only(text: str) -> bool:
    """Every day the text names is a deadline for sending something: a promise with a due date, no next step."""
    sentences = [x for x in re.split(r"(?<=[。.!?！？])\s*", text) if x]
    due = [x for x in sentences if _DUE_BY.search(x) and _SENT.search(x) and not _MEETS.search(x)]
    return bool(due) and not any(_DAY_OR_HOUR.search(x) for x in sentences if x not in due)

"""Markers for the rules after the sale (scoring/rules_after.py): at kick-off, testing cut short, roles left to the
customer, terms the rep cannot answer; at follow-up, a trouble with what the customer uses, the rep putting it off
without a day, and more offered on top. Merged into the lexicon like the conduct markers."""

from __future__ import annotations

import re


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


AFTER: dict[str, dict[str, re.Pattern[str]]] = {
    "ja": {
        # Something the customer uses going wrong, or their report of it going unanswered (画面が固まる, 止まる,
        # 剥がれる, 返事が来ただけで何も, 十日も経っとる, まだ直らない).
        # The customer saying they already told the rep (8台に減らすって言ってるじゃないですか, 休みにしたって話、
        # したばっかりだよね), and a change in how they work or buy (減らす, 休みにした, やめた, 閉めた, 撤退).
        "told_already": _re(
            r"(って|と)(言って(る|ます)|言った|話(、)?し(た|ました))(じゃない|でしょ|よね|ばっかり|のに)|言いました(よね|けど)"
        ),
        # The customer's answer that the offer does not fit how they work (そんなんいらんねん, 翻訳は娘が…さかいりまへん,
        # 個人のお客さんはもうやってない, 増えないよ。減るんだよ, 手で取ってるから).
        "offer_misfit": _re(
            r"(いら|要ら)(ない|ん|へん|ねえ)|(いり|要り)ま(へん|せん)|不要|(やって|使って|扱って|して)(ない|へん|ません|ねえ|おらん)"
            r"|増え(ない|へん|ん)|減る(んだ|んや|んです|の)|関係(ない|ありません)|(合わ|向か)(ない|へん|ん)|手で(取って|やって)"
        ),
        "usage_change": _re(
            r"減らし|減らす|減っ|減る|やめ(た|まし|る|ます)|閉め|閉店|縮小|撤退|休みにし|止め(た|まし)|手放|廃止|移(っ|し)た"
        ),
        # The customer noting the vendor has not been in touch (半年も連絡ねがったのに, 最後に顔見たの、いつか覚えてる？,
        # 設置してから誰も来てない; a no-show on one day is a trouble, not this).
        "no_contact": _re(
            r"(半年|何か月|何ヶ月|数か月|しばらく|一年|1年|\d+か月)[^。]{0,10}(連絡|顔|音沙汰|来て|来ん|来なかった|電話)[^。]{0,8}(ない|なかった|ねがった|ねえ|へん|なし)"
            r"|最後に(顔|会った|来た|見た)[^。]{0,12}(いつ|覚えて)|(から|以来)[^。]{0,16}(誰も|一度も|いっぺんも)[^。]{0,8}(来|顔|連絡)[^。]{0,10}(ない|なかった|へん|ません|ねえ)"
        ),
        "trouble": _re(
            r"固ま(る|っ|り)|(止ま|落ち)(る|っ|り)(?!ませ)|動か(ない|ん|へん|なく)|不具合|エラー(が|に|で|表示)|壊れ|故障"
            r"|直ら(ない|ん|へん)|直って(ない|へん|ません)|剥がれ|返事が来ただけ|(連絡|返事|回答)(が|も)(ない|来ない|ありません|来てない)"
            r"|(その|それ)(あと|後)(何も|音沙汰)|待たされ|(ずっと|まだ)(待って|そのまま)|日(くらい|ほど)?(も)?経っ(と|て)"
            # Orders lost, bookings doubled, a standing problem with it (届いてないのが二回, 三つ重複して, ずっと困ってることが).
            r"|届いて(ない|なかった|へん)|届かな|重複して|(ずっと|一個|一つ)[^。]{0,4}困って(る|いる|ます)"
        ),
        # Testing waved away or squeezed (テストはなくても大丈夫, 一日二日あれば, 走りながら慣れて), or the customer
        # doubting its length (テスト一週間ですか, テスト期間って取らないんですか).
        "test_skimped": _re(
            r"テスト[^。]{0,20}(なくても|不要|要らない|いらない|省略|(一|1|二|2|半|数)日(あれば|で|ほど)|すぐ本番|ぶっつけ)"
            r"|走りながら(慣れ|覚え)|使いながら覚え"
            # Tried only on the day it goes live (当日の朝に入れ替えて、その場で一部屋ずつ試していきます).
            r"|(当日|本番の日|切り替えの日)[^。]{0,16}その場で[^。]{0,10}(試|テスト|確認)"
        ),
        "test_doubted": _re(
            r"テスト[^。]{0,8}(期間)?[^。]{0,6}(取らない|取らへん|短い|足り(る|ない|ひん)|だけ(ですか|で))|テスト[^。]{0,4}(一|1|二|2|三|3)(日|週間)ですか"
        ),
        # Who does what left to the customer (御社の中で適宜ご担当を, その辺はお任せします).
        "roles_left": _re(
            r"(御社|そちら|貴社)(の中|側|さん)?で(適宜|ご自由に|決めて|ご判断|ご検討)|お任せ(します|いたします)|適宜(ご)?担当"
            # Said loosely (御社の方でいい感じに, 局の方で適宜, そちらで誰か詳しい方が).
            r"|(御社|そちら|貴社|局|皆さん)(の中|側|さん)?(の方|のほう)?で[、,]?(えー|あの|まあ)?[、,]?(適宜|いい感じに|どなたか|誰か)"
            # The customer named by its trade (ホテルさんのほうで、うまくやっていただければ, 店長さんの方で、いい感じに
            # 割り振っていただければ).
            r"|(御社|そちら|貴社|さん)(の方|のほう)?で[、,]?(うまく|よしなに|いい感じに)[^。]{0,6}"
            r"(やっていただければ|進めていただければ|割り振っていただければ|決めていただければ|やってもらえれば|やってください)"
        ),
        # The rep not knowing the deal's own terms (込み、だったかもしれない, 手元に契約書がなくて, どうだったかな).
        "terms_unknown": _re(
            r"(だった|だ)かもしれ(ない|ません)|手元に[^。]{0,6}(ない|なくて|ございません)|どうだったか(な|しら)|(たぶん|多分)[、,]?(別|込み|含ま)"
            # Looked up later or half remembered (ちょっと契約書を確認します, たしか…があった気が, 着手金があったかな,
            # 入ってた、と思います。たぶん).
            r"|(契約書|規約|約款)を?[^。]{0,6}(確認します|確認させ|見てみます|調べ)|たしか[^。]{0,20}(気が|はず)|あった(かな|っけ)"
            r"|(入って|含まれて|付いて)(た|いた)[、,]?\s*と思います[。、]?\s*(たぶん|多分)"
            # Unknown until the contract is read, or remembered both ways (契約書見ないと分からない, 入ってなかったかな).
            r"|(契約書|規約|約款)[^。]{0,4}見(ないと|なきゃ|てみないと)[^。]{0,4}(分から|わから)|(入って|含まれて|付いて)(なかった|た)かな"
        ),
        # The customer leaving for another vendor or not renewing (別の会社さんに切り替えることにした, 更新はしない
        # つもりです, あれもミヤケさんのに替えたよ, 解約の手続きだけ).
        "switching_away": _re(
            r"(別の|他の|ほかの|よそ|地元の)[^。]{0,20}(切り替え|乗り換え|替え|変え|にする|に決め)"
            r"|(さん|社)の(に|へ)(切り|乗り)?(替え|換え)|更新(は|を)?(しない|しません)|解約(の手続き|します|したい|させて)"
            r"|(そっち|そちら|あちら|向こう)に(切り替え|乗り換え|する|決め|しました)"
        ),
        # Leaving said as a thought, a threat, an offer heard, someone else's move or denied, not a decision (替える
        # ことも考えてる, 次も止まったら…変える, 乗り換えませんかって話, 隣は…替えたって聞いた, 変える気はない).
        "switching_not_done": _re(
            r"考え|検討|かも|なら|(また|次|今度)[^。]{0,10}たら|ませんか|話が来|聞いた|聞きました|らしい|って言われ|言われて|気は(ない|ありません)"
        ),
        # The rollout handed to the customer's administrator (そこは北条さんの方で、職人さんたちに展開していただければ,
        # 社内への展開はそちらで進めていただく形で).
        # The users left to get used to it on their own (使いながら慣れていただければ, 慣れれば大丈夫, 慣れの問題,
        # 御社のペースで).
        "left_to_practice": _re(
            r"(使い|触り|動かし)ながら[^。]{0,12}(慣れ|覚え)|慣れれば[^。]{0,6}(大丈夫|すぐ|簡単)|慣れの問題|(御社|そちら)のペースで"
        ),
        "rollout_left": _re(
            r"(さん|様)?の?(方|ほう)で[^。]{0,30}(展開|周知|共有|説明|教え|進め|広め)[^。]{0,6}(いただ|もら|お願い|ください)"
            r"|(社内|現場|皆さん|スタッフ|職人)[^。]{0,10}(展開|周知)[^。]{0,20}(お任せ|お願い)"
            # The rollout put to the customer's side first (通訳者さんへの展開は、事務局さんのほうでお願いする形), or their
            # own person to teach the rest (松尾さんの方から教えていただければ, あとは店長さんから皆さんに教えていただく).
            r"|(展開|周知|教育|研修|トレーニング)(は|も)、?[^。]{0,16}(方|ほう)で[^。]{0,4}(お願い|やって|進めて)"
            r"|(さん|様)(の方|のほう)?(から|が)[^。]{0,24}教えて(いただ|もら)"
        ),
        # The users sent to read a manual or a help page instead of being shown (ヘルプページに手順が…見ていただければ,
        # マニュアルを皆さんに共有していただければ).
        "self_serve_docs": _re(
            r"(マニュアル|ヘルプ(ページ|センター)?|PDF)[^。]{0,40}(見て|ご覧|読んで|共有して|参照)[^。]{0,6}(いただ|もら|ください)"
        ),
        # A step of the rollout (までに, 本稼働, テスト, 研修, スケジュール): with a date, a roadmap's milestone.
        "milestone": _re(
            r"まで|から|目処|めど|予定|スケジュール|週目|フェーズ|段階|ステップ|本稼働|稼働|本番|テスト|研修|説明会"
        ),
        # The customer's request or survey answer said to be passed on already and parked there (開発には伝えてある
        # んですけども, 上げてはいるんですけど…まだ, 共有はしているんですが、まだ具体的な対応予定は): collected, not used.
        "feedback_parked": _re(
            r"(伝えて|上げて|共有して|申し送って|報告して)(は)?(ある|あります|いる|います|おり(ます)?)(んです|のです)?(けど|が|ものの)"
            r"|(開発|技術|製品|本社|担当部署|上)[^。]{0,8}(上げ|伝え|共有)[^。]{0,12}まだ[^。]{0,10}(決まって|出て|予定|回答|返事)"
            # Passed to a department and left there (開発の方に共有してあります, 本部のほうで集計してまして, 社内で話は
            # 出したんですが): said as where it sits, with no change to tell.
            r"|(開発|技術|製品|本社|本部|社内|物流|担当部署|メーカー|工場)(の方|のほう|側)?(に|には|へ|で|でも)(は)?[^。]{0,6}"
            r"(共有|伝え|上げ|報告|話は出|集計|確認中)(し|て|さ|で)?[^。]{0,10}(あります|ありまして|ある(んです|んですけど)|ました"
            r"|ています|てます|てまして|います|まして|おります|したんですが|たんですけど)"
            # Passed on once more (改めて開発のほうに上げておきます): it was passed on before and nothing came of it.
            r"|(改めて|もう一度|もう一回|再度|今度こそ)[^。]{0,10}(開発|技術|製品|本社|本部|社内|担当部署|メーカー|工場|上)(の方|のほう|側)?"
            r"(に|には|へ)[^。]{0,6}(上げ|あげ|伝え|共有|報告|挙げ|回し)"
        ),
        # Feedback turned into a change the rep can tell (三月十日のアップデートで選べるようになります, 修正されました).
        "feedback_acted": _re(
            r"アップデート|リリース|(直り|改善され|反映され|修正され)(ました|ます)|対応済み|(選べる|使える|できる)ように(なり|なった)"
        ),
        # The fix put off without a day: passed on, "as soon as we can", checked and called back some time.
        "fix_deferred": _re(
            r"伝えて(おき|おく)|申し伝え|なるべく(早|すぐ)|できるだけ(早|すぐ)|早め(に|の)|確認して[^。]{0,10}(連絡|ご連絡|お知らせ)"
            r"|(サポート|担当|技術)(の方)?(から|より)[^。]{0,10}(連絡|ご連絡)|改めて(ご)?連絡"
        ),
        # The earliest the fix can come, weeks away (一番早くて、再来週の水曜日になってしまいます): slow even with its day.
        "fix_far": _re(r"(一番早くて|早くても|最短で)[^。]{0,16}(再来週|来月|再来月|\d+週間後|\d+か月後)"),
        # The customer counting the days since they reported it, or saying the answer has not come (2週間前にメールで送った
        # でしょ, 10日前に言ったのに, 一週間経っとるとですよ, まだ返事ないんよ): the trouble has waited on the vendor.
        "waited_on_us": _re(
            r"(\d+|何|一|二|三|数)(日|週間|か月|ヶ月)(前に?|も前)[^。]{0,30}(問い合わせ|連絡|電話|メール|言っ|言う|頼ん|送っ|入れ|お願い|報告|フォーム)"
            r"|(\d+|一|二|三|数)(日|週間|か月|ヶ月)(も)?(経っ|経と|たっ|経ち)"
            r"|まだ[^。]{0,4}(返事|連絡|回答|折り返し)[^。]{0,4}(ない|来てない|きてない|もらって(ない|へん)|いただいて(ない|へん))"
            r"|(返事|連絡|回答)(が|は)?、?まだ"
        ),
    },
    "en": {
        "told_already": _re(r"\b(like i said|i (just |already )?told you|i already said|as i said)\b"),
        "offer_misfit": _re(
            r"\b(not in the \w+ business|don'?t (need|use|do|sell|have) (that|those|it|any|one)|no use for|doesn'?t (apply|fit)|not (relevant|for us))\b"
        ),
        "usage_change": _re(
            r"\b(stopped|closed|closing|cut back|downsiz\w*|fewer|scaled back|no longer|moved (away|to)|switched|shut down|dropped)\b"
            # A size or a business told as changed (we're down to eighteen editors, we haven't got sixty members anymore,
            # it's changed quite a bit, we restructured in May).
            r"|\b(down to|anymore|restructured|lost the lease|(has|have|'s|'ve) changed (a fair bit|quite a bit|a lot))\b"
        ),
        "no_contact": _re(
            r"\b(haven'?t (heard from|seen) (you|your (side|team|end|company|people)|anyone|anybody)|nobody (has )?(visited|came|called|checked in)|no one (has )?(visited|came|called|checked in)"
            r"|(months?|a year) (without|of silence)|no contact since)\b"
        ),
        "trouble": _re(
            r"\b(keeps? (crashing|freezing|dropping)|froze|freez\w+|crash\w*|(doesn'?t|does not|won'?t|stopped) work\w*|broke\w*"
            r"|not fixed|still (waiting|broken|not)|never heard back|no one (got|has got) back|nobody (got|has got) back|bug\b|errors?\b)"
        ),
        "test_skimped": _re(
            r"\b(quick test|(one|two|three|a couple of) days? (of )?test\w*|test\w* (as (we|you) go|on the fly)|skip (the )?test\w*"
            r"|don'?t (really )?need (a |to )?test\w*|learn (it )?as (you|they) go)\b"
        ),
        "test_doubted": _re(r"\b(\w+ days?|a week) (of )?test\w*\?|\btest\w* (for|in) (only )?(\w+ )?days?\?"),
        "roles_left": _re(
            r"\b(up to you|leave (it|that) to you|your call who|whoever you (like|want|think)|whatever works for (your|you))\b"
        ),
        "terms_unknown": _re(
            r"\b(i'?d have to check the (contract|exact wording|terms)|don'?t have the contract|not sure what'?s included|i think it might be)\b"
        ),
        "switching_away": _re(
            r"\b(we|we'?re|we are|we'?ve|we have|we'?ll|we will|i|i'?m|i am|i'?ve|i'?ll)\b[^.]{0,20}"
            r"\b(switch(ed|ing)? (over )?to|going with (another|a different|them)|not (going to )?renew|cancel\w* (the|our|my)"
            r" (contract|subscription)|moving (over )?to)"
        ),
        "switching_not_done": _re(r"\b(thinking|think|might|maybe|considering|if|unless|whether)\b"),
        "left_to_practice": _re(r"\b(they'?ll|you'?ll) (get used to it|pick it up)\b|\bat your own pace\b"),
        "rollout_left": _re(
            r"\b(you|your (admin|team|it))\b[^.]{0,30}\b(roll (it )?out|share it|train (them|everyone|the team)|walk (them|everyone) through)\b"
            r"|\b(?-i:[A-Z][a-z]+) trains (the|your|all|everyone)\b"
        ),
        "self_serve_docs": _re(
            r"\b(manual|help (center|centre|page|docs)|documentation|knowledge base|the pdf)\b[^.]{0,40}\b(read|look|check|share|go through)"
        ),
        "milestone": _re(r"\b(by|from|go-?live|live|launch|milestone|phase|week|test\w*|training|pilot|cut-?over)\b"),
        "feedback_parked": _re(
            r"\bi (did )?(logged|passed|forwarded|sent|put) (it|that|them) (on|in|into|along|to)\b|\b(went|is|sits|sat|got put) in(to)? (our|the) (\w+ )?backlog"
            r"|\bhaven'?t heard back\b|\b(nobody|no one|anyone) (ever )?(came|got|come|get) back to you\b"
            r"|\b(we|i) (did )?log(ged)? (that|the|your|it)\b|\b(was|were|been|got) passed on\b"
            # Passed on once more (I'll pass that on to the product team again).
            r"|\b(pass|send|flag|raise|log|put) (it|that|this|them) (on |along |through |up )?(to [^.]{0,30})?again\b"
        ),
        "feedback_acted": _re(r"\b(update|release|fixed|rolled out|now (lets|shows|supports|has))\b"),
        "fix_deferred": _re(
            r"\b(pass (it|that|this) on|let (support|the team|them) know|as soon as (possible|we can|i can)|asap|someone will (get|be) back"
            r"|get back to you|look into it|follow up (with|on) (support|the team))\b"
        ),
        # A fix left to a queue's usual time (they usually reach out within a few business days).
        "fix_far": _re(
            r"\b(within|in) a (few|couple of) (business |working )?days\b|\bearliest (is|would be) (next|the) (week|month)"
        ),
        "waited_on_us": _re(
            r"\b(\w+|\d+) (days?|weeks?|months?) ago\b[^.]{0,40}\b(ticket|called|emailed|reported|asked|told|sent|logged|filed)\b"
            r"|\b(opened|logged|filed|sent|raised) (a|the|my) (ticket|request|email)\b[^.]{0,30}\b(days?|weeks?|months?) ago\b"
            r"|\bstill (waiting|haven'?t heard)\b|\bhaven'?t heard back\b"
        ),
    },
}

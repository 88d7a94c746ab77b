"""Markers for how the rep handles the customer (scoring/rules_conduct.py): answers, rivals, upsells, schedules.

Each is a kind of utterance, not a phrase list of one call: a concrete question, a reply that reassures without
saying anything, a rival run down, an offer on top, a customer's no or "I'm busy", the rep backing off. Merged into
the lexicon of each language (scoring/lexicon.py).
"""

from __future__ import annotations

import re


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# A volume in thousands or tens of thousands of a countable thing (一万台, 2,000万本, 五千食).
_VOLUME = r"[\d一二三四五六七八九十百千]+(万|千)[^。]{0,3}(台|本|人|個|トン|件|店舗|ヘクタール|頭|羽|枚|食)"


# A measure a price or a time is reckoned by: "it depends on the headcount" answers the question it follows.
_EN_MEASURE = r"(the |your |our )?(number|count|volume|size|length|term|quantity|how many|survey|insurer|seats|users|sites|units|headcount)\b"

CONDUCT: dict[str, dict[str, re.Pattern[str]]] = {
    "ja": {
        # The customer pressing a point that was passed over (いや、保守の話…, 人の話聞いてる？, そういうことちゃうねん).
        "pressed_again": _re(
            r"^[…\s]*(いや|いえ|だから|でも)[、,…]|聞いてる|聞いてん|(の|って)話(…|を|です|なんです)|ちゃう(ねん|んです|ん)|じゃなくて|そういうこと(じゃ|では)"
            r"|^\s*…+\s*。?$"
        ),
        # The customer saying their point is still unanswered (まだ答えてもらってないんだけど, まだ聞いてないんですよ,
        # 最初の話、まだ答えてもらってないよね): raised before and passed over.
        "still_unanswered": _re(
            r"まだ[^。]{0,6}(答え|聞いて|聞けて|返事|回答|お返事)[^。]{0,8}(ない|ません|へん|ねえ)"
            # Said without まだ (さっきの質問に答えてもらってないんだけど, そこ、お答えいただいてないですよ), or the
            # reply called no answer (答えになってない).
            r"|(答え|回答)て?(もらって|もろて|いただいて|いただけて)(ない|ません|へん)|答えになって(ない|ません|へん)"
        ),
        # The customer coming back to a point of theirs from earlier (さっきの話やけど, さっきの当日変更の話なんだけど,
        # さっきの話、流さんといてや), or saying they said it already (さっきも言いましたけど, 先ほども申し上げたんですが).
        "came_back": _re(
            r"さっき(の|も)[^。]{0,14}(話|(?<![条要物])件|言(った|いました|うた|うて|いよった))|先ほど(の|も)[^。]{0,14}(話|(?<![条要物])件|申し上げ)"
            r"|流さんといて"
        ),
        "said_before": _re(r"さっきも言(った|いました|うた|うて|いよった)|先ほども[^。]{0,6}申し上げ"),
        # A concern said as a question (高くない？, ほんまに大丈夫なん？, 止まらんの？, 返品できるん？).
        "worry_question": _re(
            r"(高く|大丈夫|止まら|困ら|できる|入る|使え|漏れ|壊れ)[^。？?]{0,4}(ない|ん|の|なん|かな|かなあ|ますか)[？?]?"
            # A question about something going wrong (データは消えないんですか？, 遅れたりしませんか？).
            r"|(消え|落ち|止ま|壊れ|漏れ|遅れ|故障|失敗|ずれ|なくな|飛ば|トラブ|事故)[^。？?]{0,8}(ない|ません|ん|の|なん|かな)[^。？?]{0,6}[？?]"
        ),
        # The customer hinting the decision is not theirs alone (上がどう言うか, 一人で決められる話でもない, 社長にも相談し
        # ないと): someone else decides, and who has still to be asked.
        "someone_else_decides": _re(
            r"上(が|の人が|の方が)?(どう|なんて|何て|なん)(言う|思う|判断)|(一人|ひとり|独断|一存)で(は)?決め(られ|れ)(ない|へん|ん|る話(でも|じゃ|では))"
            r"|(上|社長|本部|本社|理事会|役員|部長|専務|常務|親会社|会長|オーナー|院長|組合長)(と|に)(も)?(相談|聞い|確認|話さ|話し|上げ|通さ)"
            # Not one's own say (私じゃ何とも, 私が決めることでもないんで, 私一人では, それは私じゃない).
            r"|(私|わたし|僕|自分|うち)(じゃ|では|には)、?(何とも|なんとも|決め|判断)|(私|わたし|僕|自分|俺|おれ|わし|あたし)が決める(こと|話)(でも|では|じゃ)"
            r"|(私|わたし|僕|自分)(一人|ひとり)(では|じゃ|で決め)|それは(私|わたし|僕)じゃ(ない|なく)"
        ),
        # The customer pulling the talk back to business or pointing at the clock (で、今日はなんだっけ, 話、戻してええか,
        # あんまり時間がなくて, この後十一時から会議が): the rep's chat has gone on too long.
        "back_to_business": _re(
            r"今日は(どういった|どういう|何の|なんの|なん(だ|や)っけ|何(だ|や)っけ)|^(それで|で|ほんで|ほな|じゃあ)、?今日(って|は)[^。]{0,4}(…|何|なん|どう)"
            r"|(話|本題)(を|は)?、?戻|時間が(あまり|あんまり|そんなに)?(ない|なくて|あらへん|あれへん)|(あと|残り)[^。]{0,6}分(くらい|ほど)?(しか|で)"
            r"|(\d+|[一二三四五六七八九十]+)分(くらい|ほど)?しか|(ご)?用件は|この後[^。]{0,12}(から|予定|会議|打ち合わせ|来客)"
        ),
        # Small-talk topics (the weather, sport, travel, family, hobbies): read only where the call never comes back to
        # them, so a ski resort's snow or a sumo stable's 相撲 is their business, not chat.
        "small_talk_topic": _re(
            r"天気|暑い|暑く|寒い|寒く|雨(が|で|の日|続き|ばっかり|降)|雪(が|で)|野球|ゴルフ|旅行|週末|連休|桜|紅葉|祭り|ご出身|出身|趣味"
            r"|甲子園|阪神|巨人|カープ|相撲|ラーメン|釣り|温泉|お子さん|娘さん|息子さん|ワイン|お酒|グルメ|サッカー|マラソン|映画|ドラマ"
        ),
        # The customer setting their own small size against what is offered (うち一店舗やで, うちは一コースだけやで,
        # 営業課って私入れて二人なんですよ, 本山とか、何千とか言われても).
        "small_scale": _re(
            r"(うち|こっち|当方)(は|って|、)?[^。]{0,12}(一|1|ひと|二|2|ふた|三|3|数|十|少)[^。]{0,3}"
            r"(店舗|店|コース|拠点|隻|艘|人|名|台|軒|か所|箇所|面|基|棟|施設)(だけ|しか|やで|ですよ|なんです|なんで|やし|だよ|ですけど|ですから)"
            r"|(何千|何百|何万|本部|本山|チェーン|多店舗)[^。]{0,10}(言われても|ちゃうし|じゃない|ではない|ありません|ないです|ないよ|ないし)"
        ),
        # The customer setting the rep right on what they need (ゆくゆくじゃなくて、今PMが欲しいんですよ, ウェブじゃなくて
        # 電話なんですよ): the talk has drifted from what they are after. Not their trade (うちは…じゃなくて) nor money.
        "not_that_but": _re(
            r"^(?!.*(うち|当社|弊社|こっち|こちら)(は|って)、?[^。、]{0,12}(じゃ|では)なくて).*?(じゃ|では)なくて、?[^。]{0,24}"
            r"(なんです|なんですよ|んです|やねん|なんや|なの|やで)"
        ),
        # The customer saying things work well enough (一応回ってはいる, 今は特に困ってない, それは別に問題なかです), and the
        # rep agreeing outright with the customer's own diagnosis (おっしゃる通りだと思います).
        "all_fine": _re(
            r"(一応|なんとか|何とか|まあ|特に)[^。]{0,6}(回って|困って(は)?(ない|へん|ません))|困って(は)?(ない|へん|ません|ねえ)"
            r"|問題(は)?(ない|なか|ありません)"
        ),
        "agrees_outright": _re(r"おっしゃる(通り|とおり)"),
        # The customer asking what the next meeting is for (その時は何を話すの？, 次回は、どういうお話に, 何しに来るの),
        # and the rep's answer that names nothing (いろいろと, とりあえず一度, そのときの状況を見ながら).
        "next_purpose_asked": _re(
            r"(その時|そのとき|次回|次|当日|その日)(は|って|に)?[^。]{0,6}(何を|なにを|何の|どういう|どんな|どういった)|何しに(来|いら)"
        ),
        "vague_agenda": _re(r"いろいろ|色々|とりあえず|状況を見ながら|その(時|とき)に(また)?"),
        # The customer asking what the call is for (ご用件は, 今日はどういった, 何のお電話, それで、今日って…).
        "purpose_asked": _re(
            r"ご?用件(は|だけ|を)|今日は[、…]*(どういった|どういう|何の|なんの|なん(だ|や)っけ|何(だ|や)っけ)"
            r"|(^|、)(それで|で|ほんで|ほな)、?今日(って|は)[^。]{0,4}(…|何|なん|どう|$)|何の(お)?(電話|話)(です|でしょう|だっけ|やろ|\?|？)"
            r"|どういった(お)?(話|こと|ご用)"
        ),
        # The next move handed to the customer (ご検討ください, 何かあればご連絡ください, 分かりましたらご連絡いただければ).
        "ball_passed": _re(
            r"ご検討(いただ|ください|のほど)|何かあれば[^。]{0,10}(ご)?連絡(いただ|ください)|いつでも(ご)?連絡"
            r"|(分か|決ま)りましたら[^。]{0,6}ご連絡いただ"
        ),
        # A question that digs into what the customer just said (それはどのくらい…, 具体的には, なぜ, 例えば).
        "follow_up_question": _re(
            r"それ|その|そちら|というと|と言うと|具体的|例えば|たとえば|もう少し|詳しく|なぜ|どうして|どのくらい|どれくらい|どれぐらい"
            r"|何件|何回|何人|何時間|どういう|どんな|一番"
        ),
        # The rep asking who decides or how it is approved (どなたがお決めに, 決裁の流れは, ご判断は).
        "who_decides_question": _re(r"決裁|お決めに|決められる|ご判断|決定権|承認|稟議|どなたが|誰が|決め手"),
        # A discount word that is no concession of the rep's (issue 13): a campaign everyone gets (キャンペーン, 期間限定),
        # a volume tier (三十台以上の場合はボリュームディスカウント), or the word denied (これは値引きではないんですが,
        # 値引きのご提案はしません).
        "no_concession": _re(
            r"キャンペーン|期間限定|ボリュームディスカウント|(以上|全部|全て|すべて|まとめて)[^。]{0,20}(割引|値引き)"
            r"|(値引き|割引|ディスカウント)[^。]{0,16}(で|じゃ)(は)?(ない|なく|ありません|ございません)"
            r"|(値引き|割引)の?(ご)?(提案|お話)?(は|を)?(し|いたし|でき)ません"
            # Said as no discount in other words, given to every customer, a ticket or member category the product
            # applies, a quantity tier (値引きとは別の話で, どのお客様にもご案内している, 団体割引と市民割引,
            # 三千個以上でしたら七百二十円まで下げられます).
            r"|(値引き|割引)とは別|(値引き|割引)の?(ご提案|お話)?という(わけ|こと)では(ない|ありません|ございません)"
            r"|(どの|全ての|すべての)お客様に(も)?(ご案内|お付け|ご提供)|(団体|市民|学生|会員|シニア|平日|早期)割引|割引を[^。]{0,8}(適用|設定)"
            r"|以上(なら|でしたら|の場合|ですと)[^。]{0,20}(下げ|お安く)"
            # A tier by quantity said as a condition (四十基を超えるようでしたら、数量でお値引き).
            r"|(超える|超えた|超えれば|以上に(なる|なれば))[^。]{0,8}(ようでしたら|なら|場合|ですと|ら)[^。]{0,16}(値引き|割引|下げ|お安く)|数量(で|に応じて|割引)"
            # Said as no discount or as the limit reached (値引きというより…事情, 値引きはもうぎりぎり), a third party's
            # rate (郵便の差し出し割引), something lowered that is no price (空気比を1.25まで下げられます).
            r"|(値引き|割引)というより|(値引き|割引)は(もう)?(ぎりぎり|限界|これ以上)|(郵便|差し出し|差出)の?割引"
            # A discount said to be hard before another proposal (単純に値引き、というのは難しいんですが).
            r"|(値引き|割引)(、|って)?(という|っていう)?の?(は|も)?[^。]{0,4}(難しい|厳しい|できかね|致しかね|いたしかね)"
            # A question about the customer's own markdowns (値引きはどんなふうにされてます？).
            r"|(値引き|割引)は(どんな|どう|どの|いつ)"
            r"|^(?!.*(円|万|千|割|[%％]|価格|料金|費用|単価|金額|値段|お値|コスト|初期|月額|年額))(?=.*下げ)"
        ),
        # The customer asking for a better price (もうちょっとなんとかならん？, 他のとこは一割安かった).
        "price_ask": _re(
            r"なんとかならん|何とかなら(ない|ん)|(に|くらいに|ぐらいに)(なら|下がら)ない(か|かと|ですか)|渋って|(安く|下げ)(なら|でき|られ)|まけ(て|られ|へん)|値引き(して|でき)|(他|ほか|よそ)の?[^。]{0,10}(安かった|安い)"
        ),
        # A question that only seeks agreement (コストは削減したいですよね？, もっと便利になった方がいいですよね？).
        "leading_question": _re(
            r"(したい|しません|減らしたい|削減したい|安くしたい|いい|良い|便利|楽|替えたい|変えたい|使ってみたい)[^。？?]{0,12}"
            r"(ですよね|でしょう|よね|と思います|って感じですかね|って(お)?考えは)"
        ),
        # A question for any problem at all (何かお困りのことってありますか？, 何か課題とかございます？).
        "generic_pain_question": _re(r"何か(お困り|困って|課題|問題|お悩み)[^。？?]{0,10}(あり|ござい)"),
        # A question that wants a fact: how much, how long, which, whether it can.
        "concrete_question": _re(
            r"何|なん(ぼ|で|か|やろ)|どのくらい|どれくらい|どれぐらい|どのぐらい|いくら|いつ|どう(なる|なん|やって)|どこ|どの|どういう|どんな"
            r"|でき(ます|る|ん)[？?か]|対応して(ます|る|いますか)|保証|聞いてる(ん|の)"
            # How it turns out, whether it connects, fits or can be used (接続ってどうなりますか, 使えますか).
            r"|どう(なり|いった|したら|すれば)|(つなが|繋が|使え|入れ|載せ|読め|出せ|連携でき)(ます|る|ません)(か|の)"
        ),
        # Reassurance or a hedge in place of the fact (ある程度は大丈夫です, ご安心ください, ケースバイケース).
        "vague_reply": _re(
            r"ある程度|だいたい|大体|おそらく|たぶん|多分|基本的に(は)?|ご安心|心配(ない|いりません|ありません|ご無用)|柔軟に|なるべく|できる限り"
            r"|出来る限り|極力|頑張ります|ケースバイケース|(時期|状況|場合|使い方|ご利用状況)(に|次第)(も)?よ|状況を見て|十分な(性能|機能)|頑丈"
            r"|悪いように(は)?し|主要な(もの|メーカー)|多くのお客様|皆さん(お使い|使って)|普通に(使|お使)|(大丈夫|問題ない)(か(と|な)|と思)"
            r"|お手頃|だいたいのこと|しっかり(と)?(対応|サポート)"
            # A result promised without its size, a difference not named, the answer put off to later or to paper
            # (かなり改善します, なんとかなる, 質が違うといいますか, 詳しくは資料で, 導入いただく際に詳しくご説明).
            r"|かなり(楽|改善|良く|変わ|減|増|上が|伸び)|なんとかな|何とかな|質が違う|詳しくは(資料|後ほど|後日|導入)|(導入|ご契約)(いただく|の)際に[^。]{0,6}(詳しく|ご説明)"
            r"|(設定|使い方|運用)次第で|(使い方|お使い方|使われ方|現場|条件)次第の(ところ|部分)"
            # The answer handed to someone who knows, with nothing said now (技術的なところなので、詳しい者からまた).
            r"|詳しい(者|もの|人|担当)(から|に|より)[^。]{0,8}(また|改めて|後ほど|後日)"
            # The question pushed past (後ろの方のページでご説明しますので、先に進めさせていただきますね, 詳しくはまた別途),
            # or met with "it can do all sorts" (設定次第で色々できます).
            r"|詳しくは(また)?(別途|改めて|次回)|(後ろ|後)の(方の)?ページで|先に進めさせ|色々(でき|対応でき)"
            r"|ご心配なく|(によって|次第で)(違|異な|変わ)"
            # A non-answer: "all sorts are out now", "keeps a fair while", "not that as such", "someone handles it", "hard
            # to say" (最近は色々出てますので, 結構持ちます, そういうわけでは…, 担当の者がおりますので, いつとは申し上げにくい).
            r"|(色々|いろいろ)(出て|あり|ござい)|結構(持|もち|いけ|長持ち)|そういう(わけ|意味)(では|じゃ)(ない|なく|…|ありません)"
            r"|(担当|専門)の(者|部署)が(おり|い)ますので|提携[^。]{0,8}(業者|会社)[^。]{0,6}(い|おり|あり)ます"
            r"|申し上げにくい|(何とも|なんとも)言えな|そういうケースもあります|基本(は|的な(部分|ところ)は)同じ"
        ),
        # Taking the question away to answer it properly (メーカーに確認して…お送りします).
        "checks_back": _re(r"確認(して|いたし|し(ます|て)|させて)|お調べ|調べて|持ち帰|折り返し"),
        # Running a rival down: breaks, awful support, staff leaving, cheap and nasty, hard to use, shoddy work.
        "disparage": _re(
            r"評判(が)?(悪|よくな|良くな)|すぐ(壊れ|故障)|ひど(い|く)|酷(い|く)|つながらない|繋がらない|辞めて(る|いる|ます)|怪しい|安かろう悪かろう"
            r"|粗悪|使いにくい|使いづらい|古臭い|遅くて|イライラ|手抜き|丸投げ|売りっぱなし|放置|長(く)?ない(ん|と思)|最悪|問題(ばかり|だらけ)"
            r"|トラブル(が多|続き|だらけ)|痛い目|ひどい目|ずさん|いい加減"
            # A weakness passed on as hearsay (回収が遅いという話もよく聞きます, よう止まるって評判, 時間守らんっていう話)
            # or stated flat (もうかなり古いシステムでして, 検索がすごく遅いじゃないですか).
            r"|(遅い|遅く|古い|古か|止まる|落ちる|守ら(ん|ない)|弱い|できない|できへん)[^。]{0,6}(って|という|っていう)?(評判|話|噂)"
            r"|(かなり|すごく|非常に|正直)[^。]{0,8}(古い|遅い)|(古い|遅い)(システム|じゃないですか)"
            # A rival said to be about to go under, down all the time, or unable to come when needed (いつ潰れても
            # おかしくない, よく落ちるって話, 実際は一時間じゃ来れないと思いますよ).
            r"|潰れ(る|て|そう)|倒産|(よく|すぐ|しょっちゅう)(落ちる|止まる)|(来れ|来られ)(ない|へん|ん)と思"
            # Weaknesses listed as what one hears (発行が遅いとか、担当がころころ変わるとか、そういうお話もよく聞く;
            # blind115 cp02).
            r"|(遅い|遅く|古い|高い|悪い|雑|ミス|漏れ|来ない|来てくれない|出ない|変わる|替わる)とか[、,]?[^。]{0,24}"
            r"(そういう|そんな|って)(お)?(話|噂|声)(も|を|は)?(よく)?(聞|耳に)|ころころ変わ"
        ),
        # Someone else's company pointed at (あそこ, ○○さんの, 他社).
        "rival_pointer": _re(
            r"あそこ|あちら(さん|の会社)|その会社|他社|よそ|競合|[一-龥ァ-ヴーA-Za-z○×△□]{1,10}さん(の|は|って|も|ね)|[○×△□]{2}"
        ),
        # The customer naming another vendor they weigh (○○さんのも検討してて, もう一社からも見積もり).
        "rival_mention": _re(
            r"(検討|見積|提案|相談|比較)[^。]{0,10}(して|取って|もら|中)|(も|にも)[^。]{0,12}(検討|相談|見積|提案)|ほう(が|は)[^。]{0,6}安"
            r"|他社|よそ|競合|比較されて"
            # The deal gone to another vendor (お寺ネットさんのほうにお願いすることに, 別のとこに決めさしてもろた).
            r"|さんの?(ほう)?に(お願い|決め)|別の(とこ|ところ|会社|業者)に"
        ),
        # Something more to buy on top (上位プラン, オプション, あと五台追加, 容量を倍に, 製氷機もそろそろ替え時).
        "upsell_offer": _re(
            r"上位プラン|アップグレード|追加(で|して|し(ませ|ておき)|の)|オプション|あわせて|併せて|ついでに|も付け|も入れ|も追加|替え時|買い替え"
            r"|容量を|(台|個|本|名分)追加|倍のプラン|プレミアム|も(導入|いかが)"
        ),
        # More offered against the clock (今月中のお申し込みでしたら、最初の三か月は無料, 今年度中にご発注いただければ):
        # after the sale, the pressure of a push (seed 000 アフターフォロー NG, 押し売り感). A perk with no deadline
        # (今なら初月無料) is not on the clock.
        "upsell_deadline": _re(
            r"(今月中|今月末まで|月末まで|期間限定|今だけ|今年度中|年度内|今週中)[^。]{0,12}(お申し込み|お申込|ご契約|ご発注|でしたら|なら"
            r"|(決め|ご決断|ご判断)(て)?いただ(ければ|くと)"
            # Something handed in by a day (様式を今週中にいただければ, 注文書は月末までにいただければ) is a schedule,
            # pushy only with a price or a perk hanging on it.
            r"|いただ(ければ|くと)[^。]{0,20}(割引|引き|お安く|安く|無料|サービス|特典|キャンペーン|据え置|ポイント))"
        ),
        # The customer's no to something offered (今ので十分, いらんて, 予算ないから, まだ去年入れたばっかり); not a thing
        # chosen (それがいいです, 生のストリングスがいいって).
        "no_thanks": _re(
            r"^(いや|いえ|いいえ)[、,]|(?<!で)十分(や|です|だ)(わ|よ)?[。、]|いらん|要らん|いらない|要らない|必要(ない|ありません)|(?<![でがの])いい(かな|です(?![ねよ])|わ|って)|ええ(って|わ)|結構です(?!ね)|予算(が)?ない|また今度"
            r"|(ばっかり|ばかり)や|使ってへん|使ってない|足りてる"
        ),
        # Pressing an offer again after a no (でも, そうおっしゃらずに, 今なら, 一か月だけでも試して).
        "press_on": _re(
            r"でも|ただ|そうおっしゃらず|ぜひ|だけでも|どう(でしょう|です)|いかが|試して|送って(おき)?|置いて|じゃあ|ほな|入れて|付けて|今なら|今月中"
        ),
        # The rep taking the customer's word (承知しました, 失礼しました, なるほど、それでしたら).
        "backs_off": _re(
            r"承知|失礼しました|そうでしたか|(わ|分)かりました|かしこまりました|了解です|そうでしたね|とんでもない|なるほど|確かに|おっしゃる(通り|とおり)|要は"
        ),
        # The customer has no time then (来週は検査が入ってて無理, 年度末で手一杯, 予約がびっしり, 出張で).
        # A day or an hour put to the customer (その次の火曜日、十八日の午前中でしたら, 夕方の遅い時間とかでも).
        "day_offered": _re(r"[月火水木金土日]曜|明日|明後日|あさって|来週|今週|週明け|午前|午後|朝一|夕方|\d+日|\d+時"),
        "busy": _re(
            r"無理|厳しい|難しい|手一杯|びっしり|忙し|バタバタ|つぶれる|潰れる|出張|手ぇ?離され|立て込|空いて(い)?な|考えてから|以降で|来月にでも"
            r"|締め(で|が)|わからんて|仕込み|(来月|来週|今週|その日|その時間|明日|[月火水木金土日]曜)は(ちょっと|無理|厳しい)"
            r"|[月火水木金土日]曜は[^。]{0,6}(一日|終日)[^。]{0,4}(訪問|外出|出張|会議|不在)"
            # That day out too (木曜も外に出てますし…).
            r"|(日|曜|曜日)も[^。]{0,4}(外に出て|外出して|出かけて|現場に出て|いない|おらん|不在)"
        ),
        # Pressing on (そうおっしゃらずに, 三十分だけ, 入れておきますね, 決まりで, 待ってますんで).
        "insist": _re(
            r"そうおっしゃらずに|そこを(なんとか|何とか)|だけでいい|だけでも|ちょっとだけ|(\d+分|少し)だけ|(入れて|押さえて)おき|決まりで|済ませ"
            r"|構いません|待ってます|でいいので|やっぱり|でも(伺|お邪魔|行き|参り)|からでも"
        ),
        # The customer saying they do not follow (よく分からなくて, 全然ついていけてなくて, ちょっと待ってください,
        # その「めんせき」っていうのは…): a term or a step that went past them.
        "not_following": _re(
            r"(よく|全然|まだ|いまいち|結局)(よく)?(分か|わか)(ら|ん|って(ない|なく|へん))|ついていけ|ついて行け|追いつけ|(理解|頭)が追いつ(いて|か)"
            r"|(っていうのは|というのは|って何|ってなん)(…|\.\.\.)?[？?]?$|ちょっと待って|一回止めて|ちょっと止めて"
        ),
        # An earlier point named again (さっきの割り付けの件, 先ほどの補助金の話): with not_following, still not understood.
        "earlier_point": _re(r"さっきの|先ほどの|さっき(言|おっしゃ)"),
        # The rep moving on from what was asked (で、次に, 次いきますね, それより, 詳しくは後で): with not_following, pressed on.
        "moves_on": _re(
            r"^(はい、?)?(で|それで|では|じゃあ)、?次(に|の|へ|は|、|いき|行き)|次(いき|行き|に進み|に参り)ま|それより"
            r"|(詳しく|細かい(ところ|こと))は[^。]{0,6}(後|あと|資料)|後ほど(ご説明|まとめて)"
        ),
        # The customer lost, doubtful, pressed for time or not interested while the rep talks.
        "reaction": _re(
            r"(って|て)(なん|何)(やった|だった|ですか|や)|ついていけ|(わか|分か)ら(ん|へん|ない)|ちょっと待|急いで|時間(が)?ない|あと\d+分"
            r"|いらん|要らん|無理ちゃう|聞いてん(ねん|ですけど)|でもなあ|高いなあ|きつい|もうええ|^\s*…+\s*。?$|^はあ…"
        ),
        # The timing left open by the customer (いつになるか分からん, 社長次第, 早くて秋、遅いと来年, 決まったら言うわ).
        "timing_open": _re(
            r"(いつ|どう)(になるか|やろ|かな)|(分から|わから|読め)(ない|へん|ん)|まだ(全然|何とも|未定|決まって)|次第|様子見|決まったら|決まり次第"
            r"|早くて[^。]{0,10}遅(い|く)と|今年か来年|覚えてへん|何とも|決めれ(ない|へん|ん)|決められ(ない|へん|ん)"
        ),
        # Signing pressed on a first call: sign up now, on this call (今日このお電話でアカウントだけお作り), or by a
        # deadline (今月中にお申し込みいただければ).
        "sign_now": _re(
            r"(今日|本日|この(お)?電話で|今すぐ|この場で)[^。]{0,12}(お作り|ご登録|登録|お申し込み|お申込み|ご契約)"
            r"(する|すること|いただ|も(でき|可能)|でき|しましょう|しておき)"
        ),
        "sign_by": _re(
            r"(今月中|月末まで|今週中|本日中)に?[^。]{0,4}(お申し込み|お申込み|ご契約|ご決断|ご発注)(いただ|を)"
        ),
        # The effect asked in figures (どのくらい減るのか, 何時間浮く, 元が取れるか, 費用対効果).
        "roi_question": _re(
            r"(どのくらい|どれくらい|どれぐらい|どのぐらい|何割|何時間|何%|いくら)[^。]{0,12}(減|増|短縮|削減|浮|回収|安く|楽に|効果|縮ま)"
            r"|元(が|は)取れ|費用対効果|回収(でき|に|まで)|ROI"
        ),
        # The deck walked through (次のスライド, 十二ページ目, こちらの画面), and the customer unable to read or follow it
        # (字ぃちっちゃくて; not 発注が読まれへん, which is a forecast).
        "slide_mention": _re(r"スライド|ページ|次の画面|こちらの画面"),
        "slides_hard": _re(
            r"(字|文字)[^。]{0,4}(小さ|ちっちゃ|細か)|(スライド|画面|資料|ページ)[^。]{0,8}(多(い|すぎ)|細か|見にく|読め(な|へん|ん)|読まれへん|追いつか)"
        ),
        # Another customer's case cited (〜様では, 導入実績, 事例, ある大手の…).
        "case_cited": _re(
            r"事例|導入実績|(様|さま)(では|でも|で、)|社様|(大手|大規模)の|同じ[^。]{0,8}(業|規模)|他の[^。]{0,8}さん(では|でも)"
        ),
        # A big company's case held up as the result to expect (大手のハウスメーカーさんでも使っていただいて, 北海道の
        # 大規模リゾートさんですと, 全国に百二十店舗の家具チェーン様では): a case from another world than the customer's.
        # Not a case of the same size or trade (同じ規模の和菓子屋さん), nor the rep's own history (もともと大手の…).
        # Or a case whose volume runs to thousands or tens of thousands (岐阜の家具メーカーさん、年間で一万台くらい作って
        # らっしゃるところで…入れていただいて; blind115 cp08, blind117 cr07), unless said to be of the same size.
        "big_case": _re(
            r"^(?!.*(同じ規模|同業|似た規模|中小|小規模|もともと|出身|請け負|規模(は|が)?(ほぼ|だいたい)?同じ|規模の近い|近い規模)).*"
            r"(?:(大手|大規模|大型|全国に[^。]{0,6}店舗)[^。]{0,20}(さん|様|さま|社|チェーン|メーカー|企業)"
            r"[^。]{0,40}(事例|ですと|では|でも|使って|導入|実績|減|下が|削減|増え|楽に)"
            rf"|(事例|さんで|さんでは|さんでも|ところで|ところでは)[^。]{{0,40}}{_VOLUME}"
            rf"|{_VOLUME}[^。]{{0,30}}(ところ|さん|事例)[^。]{{0,20}}(入れて|導入|使って|採用))"
        ),
        # The customer setting their own business against it: another trade (うちは鋳物やけどね, 除雪だから…違う) or
        # another size (うちは百二十名ですけど, 十五人なんで、ちょっと規模が).
        "ours_smaller": _re(
            r"うちは[^。]{0,12}(\d+|一|二|三)[^。]{0,3}(人|名|店舗|店|台|拠点|社員|校)|規模が|うち(くらい|ぐらい)の(規模|大きさ)"
        ),
        # The customer correcting what the rep assumed their business does (いや、うちは樹木葬はやってないです, いや、冬は
        # 採らないですよ, うちは葬儀社ですよ): the rep came without knowing the trade. Not about money or deciding.
        "not_our_trade": _re(
            r"(うち|組合|当社|弊社)(は|では|としては)[^。]{0,24}(やって|持って|扱って|使って|採って)(ない|へん|ません|ねえ)"
            r"|^(いや|いえ)[、,][^。]{0,20}(ない|へん|ません)(です)?よ|(うち|当社)は[^。]{1,10}(です|や|だ)よ[。]?$"
            r"|^(あの、)?(うち|弊社)は、?[^。]{0,14}(じゃなくて|やなくて|ではなくて)"
        ),
        # Not 部署ごとに使い方が違う: how things differ inside the customer's own firm (blind39 qq17).
        "ours_differs": _re(
            r"うちは[^。]{1,14}(やけど|だけど|ですけど|だから|だで|やで|でね|なんで|ですよ)(ね|ねえ)?[。…]*$|(?<!ご)(とは|と)[^。]{0,6}違う"
        ),
        # A "when" that names no time at all, open by itself (いずれはやりたい, そのうち, 落ち着いたら, タイミングを見て, 来年かなあ).
        "timing_vague": _re(
            r"いずれ(は|ね|そのうち)?|そのうち|落ち着い(たら|てから)|タイミングを見て|ゆくゆく(は)?"
            # A year put off with a maybe (来年かなあ, 来期になるかも), as English "maybe next year".
            r"|(来年|来年度|来期|再来年|年明け)(かな|ですかね|になるかも|くらいかな|あたりかな|以降かな)"
        ),
    },
    "en": {
        "pressed_again": _re(
            r"^\W*(no,|but|wait|sorry,|again)\b|\b(i asked|my question|that'?s not what|you didn'?t answer|still (not sure|worried))\b|^\W*(…|hmm?)\W*$"
        ),
        "still_unanswered": _re(
            r"\byou (still )?(didn'?t|haven'?t|never) (really )?answer|\bstill (waiting|no answer) (on|to|for)\b|\bstill haven'?t (heard|had an answer)"
        ),
        "came_back": _re(
            r"\bgoing back to\b|\b(as|like) i said (before|earlier)\b|\bback to (the|my) (\w+ )?(question|point|thing|worry)\b"
            r"|\bi (asked|mentioned) (this|that) (before|earlier)\b"
        ),
        "said_before": _re(
            r"\b(as|like) i said (before|earlier)\b|\bi (asked|mentioned) (this|that) (before|earlier)\b"
        ),
        "worry_question": _re(r"\b(what if|what happens if|won'?t it|isn'?t (that|it) (too|a bit)|are you sure)\b"),
        "someone_else_decides": _re(
            r"there'?s (a|some) (bit of a )?process|\bnot (just )?(my call|up to me)|\brun (it|this) (by|past)"
            r"|\b(check|talk) with (my|the|our) (boss|board|director|partners?|owner|manager)"
            r"|\bgoes through (management|head office|the (board|owners?|head office|committee))\b|\bnot (really )?my decision\b"
        ),
        "small_talk_topic": _re(
            r"\b(weather|rain|snow|game|weekend|vacation|holiday|golf|fishing|football|baseball|hockey|soccer|kids|trip"
            r"|hike|hiking|dog|season tickets?)\b"
        ),
        "back_to_business": _re(
            r"\b(what'?s|what is) (this|it|the call) (about|regarding)|\bhard stop\b|\b(only|just) (have|got) (about )?(\d+|ten|fifteen|twenty|thirty|half an hour)"
            r"|\bi('ve| have)? (got |need )?to (go|leave|run|jump)\b[^.]{0,20}$|\b(get|come|go) back to (business|the point|why you called)"
            r"|\bwhat (did you|do you) want to (talk|discuss)|\bso,? what can (i|we) (do|help)"
        ),
        "small_scale": _re(
            r"\bwe('re| are) (just|only) (a|one|two|three|a small|a single)\b|\bwe (only )?(have|run) (just )?(one|a single|two|three) "
            r"(site|shop|store|location|course|boat|rink|office)s?\b|\b(only|just) (one|a single) (site|shop|store|location|course|boat|office)\b"
        ),
        "not_that_but": _re(r"\b(isn'?t|is not) (really )?the (problem|issue)\b|\bthe real (problem|issue) is\b"),
        "all_fine": _re(
            r"\b(it|things|that) (works?|runs?|goes) (okay|fine|alright|well enough)\b|\bwe(')?re (doing )?(fine|okay|managing)\b"
            r"|\bnot really a problem\b|\bno (real )?problems? (there|with (it|that))\b"
        ),
        "agrees_outright": _re(r"\b(you'?re|you are) (absolutely |exactly |totally )?right\b|\bexactly right\b"),
        "next_purpose_asked": _re(
            r"\bwhat would (that|the|this|we) (call|meeting)?\s?(be|cover|actually cover|go over|do)\b|\bgo over what\b"
            r"|\bwhat('s| is| would be) the (agenda|plan) for (it|that|the call|the meeting)|\bwhat (would|will) we (cover|do|talk about|look at)\b"
        ),
        "vague_agenda": _re(
            r"\bsee where\b|\bchat (about|through)\b|\bgo from there\b|\b(kind|sort) of\b|\bgeneral overview\b|\bwhatever you\b"
            r"|\bkeep the conversation going\b|\bcatch up\b"
        ),
        "purpose_asked": _re(
            r"\bwhat are you (selling|calling about|offering|pitching)|\b(what'?s|what is) (this|it|the call) (about|regarding)"
            r"|\bwhy (are|did) you call|\bwhat (did|do) you want to (talk|discuss)|\bwhat is it you (do|sell|want)"
        ),
        "ball_passed": _re(
            r"let me know when(ever)? you'?re ready|whenever you'?re ready|give us a shout|just let me know|reach out if"
            r"|get in touch when"
        ),
        "follow_up_question": _re(
            r"\bwhy\b|\bhow (much|many|often|long)\b|tell me more|for example|what happened|\bwhat (do|did) you mean\b"
            r"|\bthat\b|\bwhich\b"
        ),
        "who_decides_question": _re(r"\bdecid|\bsign(s|ed)? off|\bapprov|who else|\bdecision"),
        "no_concession": _re(
            r"\bcampaign|\bpromo\w*|\bspecial (rate|offer|deal|price|pricing)|running a special|volume discount"
            r"|\b(or more|bulk)\b[^.]{0,30}discount|\bnot a discount|\bno discount|\bearly.?bird|\b(group|member|student) discount"
            r"|\b(can'?t|cannot|won'?t|not able to) (take|give|do|offer|knock)\b[^.]{0,30}\b(off|discount)"
            # Said as no discount, or as a rate every customer gets (it isn't a discount; I'd rather not discount it;
            # five percent off for everyone on annual billing).
            r"|\bdiscount, it isn'?t|\b(it'?s|that'?s|is) not a discount|\brather not\b[^.]{0,20}\bdiscount"
            r"|\boff for (everyone|every customer|all (our )?customers)\b"
            # A dated rate told as how the calendar works (it's not a pitch for a discount; the early-enrollment rate).
            r"|\bnot (a|an) (pitch|push|offer|play) for (a )?discount|\bearly[- ](enrol?ment|sign-?up|booking|registration)\b"
            # Terms every buyer of a kind gets: a launch rate, a trade margin off retail, an order-size tier (founding-
            # customer pricing; fifty percent off retail, a reseller's margin; on a pallet order you get twelve percent off).
            r"|\b(founding|launch|introductory)[- ](customer |member |partner )?(pricing|price|rate)s?\b"
            r"|\boff (retail|msrp)\b|\b(standard|usual|normal|wholesale|trade|dealer|distributor|reseller)s?\b[^.]{0,30}\boff list\b"
            r"|\b(on|with|for) (an?|any|every|each) [a-z-]+ order\b[^.]{0,30}\b(percent|%) off"
            r"|\b(percent|%) off\b[^.]{0,30}\b(on|for) orders? (over|above|of)\b"
            # A rate for anyone who signs by a date (Anyone who signs before December fifteenth gets fifteen percent
            # off), or a share taken off a time, not a price (thirty-eight percent off forty-five minutes).
            r"|\b(anyone|everyone|any customer|all customers) who (signs?|books?|orders?|commits?|registers?)\b[^.]{0,50}\bgets?\b"
            r"|\b(percent|%) off [\w-]+ (seconds?|minutes?|hours?|days?|weeks?)\b"
        ),
        "price_ask": _re(
            r"\b(any flexibility|wiggle room|can you do better|sharpen (your|the) pencil|come down|best price|a better price)\b"
            r"|\b(wants?|need|needs|asking for|ask for|looking for)\b[^.]{0,12}\b(percent|%) off\b"
        ),
        "leading_question": _re(
            r"\b(would you (like|want) to (save|reduce|cut|improve|spend less)|wouldn'?t you|you'?d (want|like) to (save|reduce|cut|improve)"
            r"|would you be open to (a new|another|switching|changing)|you'?d agree)\b"
        ),
        "generic_pain_question": _re(
            r"\b(do you (guys )?have any|are there any|any) (problems|issues|challenges|pain points)\b"
        ),
        "concrete_question": _re(
            r"\b(how (much|many|long|fast|often|soon)|what'?s|what (is|are|does)|which|when|is there|does it|do you|can it|will it|can you"
            r"|guarantee\w*|sla|number)\b"
            # Yes/no questions about how it works for them (is that through our office ID?, does your engine connect?).
            r"|\b(is (that|it|this) (through|done|included|possible|compatible)|does (your|the|that|this) \w+)\b"
            r"|\b(who (builds|does|pays for|handles) it|what would (that|it) cost|how big)\b|\bor not\?"
        ),
        "vague_reply": _re(
            r"\b(reliable|dependable|reasonable|manageable|don'?t worry|won'?t need to worry|no need to worry|rest assured"
            # It depends, unless on a measure the price or the time is reckoned by (it depends on the count, I'll walk
            # you through it Thursday).
            rf"|\bit depends\b(?! on {_EN_MEASURE})|\bdepends on(?! {_EN_MEASURE})"
            r"|up there|won'?t break the bank|pretty (good|fast|cheap|reasonable)|hardly ever|flexible|we'?ll take care"
            r"|most customers|generally|should be fine|very competitive|pride ourselves|industry.?leading|world.?class)\b"
            r"|\b(it (really )?varies|depends a bit|i'?m (pretty )?confident we'?ll|we'?ll find (something|a way)|i'?m sure we can|make it work)\b"
            r"|\b(a lot, honestly|loads of|all sorts of|could be (a )?small|could be bigger|really depends)\b"
            r"|\b(should be (straightforward|easy|simple|no problem)|sort it( out)?|a lot of flexibility|super flexible)\b"
        ),
        "checks_back": _re(r"\b(check|confirm|find out|look into|get back to you|follow up with)\b"),
        "disparage": _re(
            r"\b(a mess|a joke|junk|garbage|trash|terrible|awful|nightmare|held together|big risk|nobody serious|unreliable|clunky"
            r"|outdated|disaster|sloppy|rip-?off|shady|useless|falls apart|fails in|going under|cowboys)\b"
            r"|\bshowing (its|their) age|\byears behind|\b(pretty|really|very|so) slow\b|\bsimply can'?t\b|horror stories"
            r"|\bout of business\b|\btwo guys in a\b|\blike crazy\b|\bdinosaur\b|\bweak (point|spot)\b|\bfly.by.night\b"
            # A rival's record held against them (they've had two environmental violations this year).
            r"|\bviolations\b"
        ),
        "rival_pointer": _re(r"\b(they|their|them|those guys|that stuff|that lot|competitor\w*)\b|\b[A-Z][a-z]+\?"),
        "rival_mention": _re(
            r"\b(also (talking|speaking|looking)|other (quote|vendor|supplier|provider|bid)|competitor|(talking|speaking) to|compar\w+)\b"
        ),
        "upsell_offer": _re(
            r"\b(upgrad\w+|add-?on|add our|premium|also (add|get|take)|bundle|more (seats|licen[cs]es|units)|too\?|as well\?)\b"
        ),
        "upsell_deadline": _re(
            r"\blaunch price\b|\bthis month'?s? (price|promo|offer)\b|\b(sign|order|commit)\w* (this|by the end of the) (month|week|quarter)\b"
            r"|\bquarter-end\b|\b(spring|summer|autumn|fall|winter|holiday) promo\b|\bfree for the first\b|\bhold (it|that|the price) for\b"
        ),
        "no_thanks": _re(
            r"\b(no,|no thanks|not interested|we'?re (fine|good|ok)|don'?t need|please don'?t|not really|we'?ve got|like i said)\b"
        ),
        "press_on": _re(r"\b(but|though|just|anyway|what if|really worth|i'?ll (just )?send|knock\w*|% off)\b"),
        "backs_off": _re(
            r"\b(no problem|understood|of course|fair enough|no worries|got it|makes sense|fair question|good question|sorry)\b"
        ),
        "day_offered": _re(
            r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|morning|afternoon|noon|next week"
            r"|\d+(:\d\d)? ?(am|pm|a\.m\.|p\.m\.))"
        ),
        "busy": _re(
            r"\b(no good|slammed|can'?t (commit|do)|busy|busiest|mental|swamped|tied up|not this week|in january|after the holidays"
            r"|did say|(tomorrow|today|that day|that time|monday|tuesday|wednesday|thursday|friday)('?s| is) not (good|great|ideal))\b"
            r"|\bi'?ve got\b[^.]{0,30}\b(inspections?|audits?|meetings?|appointments?|visits?|deadlines?)\b"
            # A day or hour turned down in plain words (Tomorrow's not going to happen; tomorrow really doesn't work;
            # I don't work Saturdays; lunch is our rush; out on the truck all week; call me after Labor Day).
            r"|\b(tomorrow|today|tonight|that|it|\w+day|mornings?|afternoons?|evenings?|lunch)('?s| is)? (really |just )?"
            r"(not going to happen|tough|impossible|(doesn'?t|does not|won'?t) work)\b"
            r"|\bi don'?t work (on )?(saturdays|sundays|weekends|mondays|fridays)\b|\bis (our|my) (rush|busiest)\b"
            r"|\bout\b[^.]{0,30}\ball week\b|\bcall me (back )?after\b"
        ),
        "insist": _re(
            r"\b(only takes?|just|lock in|put it in|sending the invite|tops|i'?ll (come|put|send))\b|\bi hear you, but\b"
        ),
        "not_following": _re(
            r"\b(i'?m (not following|lost|confused)|not sure i (follow|understand)|you(')?ve lost me|lost me there|(still )?(don'?t|do not|didn'?t) (quite )?"
            r"(get|follow|understand)( (that|it|this|you|what|how))?\b|hold on|slow down|what does [^.?]{1,30} mean)"
        ),
        "earlier_point": _re(r"\b(earlier|going back to|back to (the|your|what)|you (said|mentioned) before)\b"),
        "moves_on": _re(
            r"\b(moving on|move on|let'?s keep going|next slide|get through the|come back to (that|it|this)( later)?|park that|(let me|i'?ll|let'?s) (just )?(go|jump|skip|move|turn) (on )?to)\b"
        ),
        "reaction": _re(
            r"\b(sorry, what|multi-what|(i'?m|i am|we'?re|getting|got) lost|lost me|confus\w*|not sure|too good to be true|don'?t (get|follow)|wait)\b|^\W*(hm+|…)\W*$"
        ),
        "timing_open": _re(
            r"\b(no idea|up in the air|could be|depends|might be months|not sure when|don'?t know when|haven'?t decided)\b"
        ),
        "sign_now": _re(r"\b(sign (up )?(today|now|on this call)|set (you|your account) up (right )?now)\b"),
        "sign_by": _re(
            r"\bif you sign (before|by) (the end of|friday|this)\b"
            # The seller's deadline pressed ("lock it in by Friday", "the deferral offer ends this month", "only two
            # install slots left", "locking in now while they still can").
            r"|\block(ing)? (it |this )?in (by|now|before|today)\b|\b(offer|deal|deferral|discount|pricing) (ends|expires|goes)\b"
            r"|\bonly (\w+ ){0,3}(slots?|spots?|places?) left\b|\bwhile (you|they) still can\b"
        ),
        "roi_question": _re(
            r"\b(how much (time|money|would|will|could)|payback|\broi\b|how many hours|save us|what'?s the return)\b"
        ),
        "slide_mention": _re(r"\b(slides?|next screen|this screen|page \d+)\b"),
        "slides_hard": _re(
            r"\b(can'?t read|hard to read|small print|(too|so) many slides|lot of slides|font is tiny|too busy)\b"
        ),
        "case_cited": _re(
            r"\b(case study|one of our (customers|clients)|a client of ours|for example,? [A-Z]|customers like)\b"
        ),
        "big_case": _re(
            r"\bone of our (biggest|largest) (customers|clients)\b"
            r"|\ba (national|nationwide|global|multinational|fortune 500|major|big|large) [a-z -]{0,30}"
            r"(chain|distributor|retailer|brand|group|manufacturer|company|network|operator)\b"
            r"|\b(chain|group|network) (with|of) (over |more than )?(\d{2,}|twenty|thirty|forty|fifty|sixty|seventy|eighty"
            r"|ninety|a hundred|hundreds of|\w+ hundred) (locations|stores|sites|shops|branches|outlets)\b"
        ),
        "ours_smaller": _re(
            r"\b(we'?re (only|just) (a|about|\d+)|we only have \d+|we'?re a (small|tiny)|at our size)\b"
            # The size said back (We've got two slitters.; We have one farm.; We're one campus.; we're not six marinas).
            r"|\bwe('?ve| have)( got)? (one|two|three|four|a single|just one|only one|only two) "
            r"(?!(questions?|concerns?|things?|issues?|points?|problems?|options?|minutes?|days?|weeks?|months?|quotes?|ideas?)\b)\w+[.!]"
            r"|\bwe'?re (one|a one-\w+) \w+[.!]|\bwe'?re not (\w+ )?(two|three|four|five|six|ten|twenty|forty|fifty|a hundred|\d+) \w+"
        ),
        "not_our_trade": _re(
            r"\b(we'?re not an? \w+|we don'?t (do|sell|make|run|grow|keep|offer) (any|that|those|it)\b|that'?s not (what|how) we)"
        ),
        "ours_differs": _re(
            r"\b(we'?re not an? \w+|that'?s a (different|whole different) (industry|business|world))\b"
        ),
        "timing_vague": _re(
            r"\b(eventually|at some point|down the road|maybe (sometime )?next year|sometime next year|once things settle)\b"
        ),
    },
}

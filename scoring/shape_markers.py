"""Sentence-shape markers (data): the patterns `scoring/shapes.py` reads BANT, price, promises and deal terms by —
a kind of sentence rather than listed words (a statement about the customer's own work with a cost or a negative
predicate, a decision verb said of oneself or a body, an amount next to a limit, a time tied to deciding or
starting, an amount per unit). Merged into the lexicon like the conduct markers."""

from __future__ import annotations

import re


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_NEVER = re.compile(r"(?!)")
# "Not needed" in its plain, polite and dialect forms.
JA_NOT_NEEDED = r"いらない|要らない|いりません|要りません|いらん|要らん"
_JA_WHEN = (
    r"(\d+月|来月|再来月|来年|年明け|年内|今年度|来年度|再来年度|来期|今期|下期|上期|春|夏|秋|冬|連休|年末|年度末|期末|月末)"
    r"(の)?(頭|初め|はじめ|上旬|中旬|下旬|末|中|頃|ごろ|あたり)?(に|には|までに|中に|を目処に|を目途に)"
)

# "I'll … by Friday", "we'll have the samples shipped out Monday": a first-person action with a day.
_EN_PROMISE = re.compile(
    r"\b(i|we)('ll| will|'m going to| am going to)\b[^.?]{0,60}(\b(by|before|on) (the )?(monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|\d|end of|next|this|tomorrow|tonight)|\b(tomorrow|today|tonight|this week|next week|first thing"
    r"|monday|tuesday|wednesday|thursday|friday)\b)",
    re.IGNORECASE,
)
# An amount in money's units once speech is cleaned (8万, 2万円台, 1000円, 45000), and in English ($6,000, 15 k,
# six thousand → 6000).
# A bare figure of four digits or more reads as yen (予算は5000、それ以上は…), unless a counter or a year follows it
# (3000品目, 2026年: a count or a date, not money).
_JA_COUNTER = r"品目|品|件|個|台|人|名|枚|本|冊|箱|回|社|店|校|棟|戸|通|部|点|種|世帯|頭|羽|匹|袋|年|時間|分|秒|日|キロ|km|kg|トン|t\b|メートル|m\b|坪|平米|㎡|ページ|行|文字|%|％"
_JA_MONEY = rf"\d[\d,.]*(?:万|千|億)円?|\d[\d,.]*円|(?<![\d,.])\d{{4,}}(?![\d,.])(?!\s?(?:{_JA_COUNTER}))"
_EN_MONEY = (
    r"\$\s?\d[\d,.]*\s*(?:k|m)?\b|\b\d[\d,.]*\s*(?:k|grand|thousand|dollars|bucks|usd|yen|pounds|euros|quid)\b|\b\d{4,}\b"
    # An amount in words with its currency (under our ninety-five yen ceiling; blind117 cr16).
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)"
    r"(?:[ -]\w+){0,3}\s+(?:yen|pounds|euros|dollars|quid|bucks|grand)\b"
)
# A dated or first-person action said as one's own (来週の会議までに見せとく, 今日中にLINEするわ, 明日の昼までに
# 図面おこします): a day, then a verb ending in ます or said plainly between people who know each other.
_JA_PROMISE = (
    r"(来週|明日|明後日|あさって|今週|週明け|週末|月末|までに|中に|今日中|本日中|その日|当日|後ほど|夕方|昼|午前中|\d+日|\d+月|[月火水木金土日]曜"
    r"|私から|私が|こちらで|こちらから|こっちで|こっちは)[^。？?]{0,30}"
    r"(?:(し|き|り|ち|び|み|え|け|せ|べ|め|れ|げ|ね|こ)"
    r"(?<!てい)(?<!でい)(?<!あり)(?<!なり)(?<!かかり)(?<!思い)(?<!でき)(?<!わかり)(?<!分かり)(?<!おり)(?<!ござい)"
    r"(?<!要り)(?<!見え)(?<!して)(?<!って)(?<!助かり)(?<!いただき)(?<!てき)(?<!進め)(?<!つぶれ)(?<!潰れ)(?<!され)(?<!られ)(?<!いけ)(?<!行け)ます(わ)?(。|ね|$|、|ので)"
    # Said plainly (金曜までに送るわね, 明日出すよ, 専務にも見せとく, 今日中にLINEするわ, 週末までに感想言うわ).
    r"|(送る|出す|持っていく|持ってく|用意する|連絡する|渡す|返す|書く|まとめる|聞いておく|伝えておく|言う|する|やる|見る|聞く|測る)"
    r"(わ|よ|ね|んで(?!す))|(とく|っとく|ておく)(わ|よ|ね|。|$))"
    # Something done ahead, said plainly without a day (専務にも見せとく。 / 書類は揃えとくわ).
    r"|(見せ|言う|やっ|送っ|聞い|出し|書い|調べ|伝え|話し|揃え|まとめ|用意し)とく(わ|よ|ね|。|$)"
)

SHAPES: dict[str, dict[str, re.Pattern[str]]] = {
    "ja": {
        # A promise offered as a question (資料をお送りしてよろしいでしょうか): a promise once the customer accepts it.
        "promise_offer": _re(
            r"(お送り|送付|ご用意|お持ち|お作り|作成|共有|ご案内)(して|させていただいて|しても)(も)?(よろしい|いい)(でしょうか|ですか)"
            r"|(お送り|ご用意|お作り|お持ち)しましょうか"
        ),
        # A cost or a negative evaluation of the customer's own work: hard to do, not keeping up, time eaten, errors,
        # done by hand or on paper, the same trouble again and again, something the work cannot do without.
        "need_shape": _re(
            r"(にく|づら)(?<=[いきぎしじちにびみりけげせてべめれえ見]..)(い|く)"
            r"|きれ(?<=[いきぎしじちにびみりけげせてべめれえ見]..)(ない|ず|なく|ません)|追いつ(かな|きません|いていな)"
            r"|回ら(ない|なく|ず)|回りません|手が回ら|(時間|手間|工数|人手)を?(取られ|食われ|とられ)|(つぶれ|潰れ)(ます|て|る)"
            r"|かかって(しま|いま|いる)|煩雑|面倒|手間|負担|ミス|漏れ|遅れ(が|て|ます)|ばらつ|バラつ|属人|手書き|アナログ"
            r"|紙(で|の台帳|に書)|紙の[^。、]{1,6}(で|と)(管理|突き合わせ|照合|確認|集計)|かかりきり|付きっきり|(Excel|エクセル|スプレッドシート)で(管理|集計|回)|何度も|毎回|いちいち|そのたびに|その都度"
            r"|揉め|取り合い|丸ごとずれ|(機能|仕組み|手段|方法|システム|窓口)が(なくて|ないので|ないため|ありません)|必須|欠かせ"
            # What goes wrong for the customer's own customers or staff, told without a problem word: kept waiting,
            # bookings on top of each other, work done again by hand, a mistake and the apology, people who leave,
            # losing track.
            r"|待たせ(て|ちゃ|てしま|ること)|何回も|かぶって|かぶっちゃ|張り付き|張りつき|手で(打|直|書|入力|数え|計算|集計|転記|修正)|打ち直"
            r"|間違(え|って)|間違いが|見落と|お詫び|謝りに|謝罪|(帰っ|離れ|諦め)(ちゃ|てしま)|(わから|分から)なくな(る|って|っちゃ|り)"
            # A mishap said as recognised speech writes it (〜ちゃって for 〜てしまって), not a decision or an apology.
            # Found out too late, something lost, never again (気づいたときには…死んでた, 二度とあってほしくない).
            r"|気づいた(とき|時)?(には|ら)|気が付いたら|(死ん|枯れ|腐っ|傷ん)で(た|しま|ちゃ)|ダメになっ|だめになっ|駄目になっ|二度と(あって|起き|起こ|やり)"
            r"|[ちじ]ゃ(?<!決めちゃ)(?<!決まっちゃ)(?<!契約しちゃ)(?<!お願いしちゃ)(?<!遅れちゃ)(?<!遅くなっちゃ)(?<!お待たせしちゃ)"
            r"(った|って|いまし|ってる|う(んです|ので|のが|こと))"
            # Time lost told as its size (半日探した, 取り寄せに3週間かかって), a desk overwhelmed (フロントがパンクや),
            # complaints coming in (売り切れの苦情が…来ます), things broken (先月も2台壊れて).
            r"|(半日|丸一日|一日|\d+(時間|日|週間)|[一二三四五六七八九十]+(時間|日|週間))(も)?(探|かか|つぶれ|潰れ)"
            r"|パンク(や|して|する|状態|しそう|寸前)|苦情が[^。]{0,12}(来|入|あ)|(壊れ|故障し)て(、|しま|ます|もう)"
        ),
        # Who decides: a decision said in the first person, a body's policy, someone's approval obtained, a meeting
        # the matter goes to.
        "authority_shape": _re(
            r"(決め|判断し|決定し|決裁し|結論を出し)ます(?!か)|(私|わたし|自分|僕|俺|おれ|わし|あたし)(が|の|一人)(判断|一存|決め)|(うち|当園|当社|当院|こちら)で決め"
            # One's own say, said of oneself (わしが決めるから, わし一人や、決めるんは, 私に権限あります, 三百万以上は…ハンコが要ります).
            r"|(私|わたし|自分|僕|俺|おれ|わし|あたし)(が|一人)[^。]{0,8}(決め(る|ます|ちゃ|とる|てる)|押(す|し))|決める(の|ん)は"
            r"|権限(が|は|も)?(あり|ある|持って)|(ハンコ|判子|印鑑|決裁|承認)(が|は)(要り|要る|いる|いり|必要)|(ハンコ|判子|印鑑)[^。]{0,8}押"
            # Saying who one is (わしが社長やけど, 私です、代表なんで, 会社は俺と女房だけ), who has the last word
            # (最終的には私, 息子が決めるから, それは院長なので), or a public body's steps (町長査定で決まる).
            r"|(私|わし|俺|僕|自分|あたし)(が|です[、,]?|や[、,]?)(社長|代表|オーナー|店長|院長|責任者|専務|所長|責任者|店主|組合長|館長)"
            # A go-ahead someone must give (オーナーがOK出さないと), the say named (導入の判断は、品質保証の部長), a
            # brother deciding in Kansai (兄貴が決めてんねん).
            r"|(OK|オーケー|ゴーサイン)(を)?出(さ|す|し|して)|(判断|決裁|決定)は、?[^。]{0,12}(部長|課長|社長|院長|先生|理事長|本部|本社|所長|店長|オーナー|会長|専務|常務)"
            r"|(兄|兄貴|姉|弟|妹|女房|嫁さん)が[^。]{0,4}決め(る|て|はる|とる)"
            r"|(会社|店|うち)は(俺|私|わし|僕)と|最終的(に)?は(私|わし|俺|僕|自分|社長|院長|専務|部長|局長|オーナー|父|親父|母|親方|女将|主人)"
            r"|(息子|娘|家内|妻|主人|夫|社長|専務|常務|部長|院長|局長|理事長|オーナー|上司|本部|本社|親|父|母|会長|親方|親父|女将|かみさん|嫁|組合長|館長|住職)(さん)?が[^。]{0,4}(決め(る|ます|て|はる)|見る(んで|から|ので)?[。]?$)"
            r"|(それ|そこ|お金のこと|金額|予算)は[^。]{0,4}(院長|社長|部長|局長|専務|理事長|オーナー|会長)(なので|なんで|やから|だから|です|の判断)"
            # Said plainly or in dialect: who decides (決めんのは社長やし), the boss's seal obtained (社長の印ももらってます),
            # the boss still to see it (社長にも見せなあかん), one's own yes enough (わしがええ言うたらええねん).
            # Who decided or decides together (決めたのはうちの社長, 私と親方で決めるの), an approval already given
            # (館長の決裁も下りてます).
            r"|決め(た|てる|とる)(の|ん)は|(と|二人|夫婦|家族|親子|兄弟)[^。]{0,6}で(決め|判断)(る|ます|てる|とる|ん|た)"
            r"|(決裁|承認|稟議)(が|も|は)?(下り|おり|降り|通っ|通り|出て|取れ)"
            r"|決めん(の|のん)は|(社長|院長|部長|局長|専務|常務|理事長|会長|上司|本部長)の(印|ハンコ|判子|はんこ|決裁|承認|了承|オッケー|OK)(も|を|は)?(もら|いただ|頂|取っ|取れ)"
            r"|(社長|院長|部長|局長|館長|専務|常務|理事長|会長|上司|上|本部長|本社)に(も)?(見せ|通さ|上げ|話さ|相談せ|聞か)(な|ん|ない|なきゃ|なあかん|んと|ないと)"
            # Someone named who must have it explained to them (館長に説明しないといけない; 上 alone names nobody).
            r"|(社長|院長|部長|局長|館長|専務|常務|理事長|会長|本部長|組合長)に(も)?説明(せ|し)(な|ん|ない|なきゃ|なあかん|んと|ないと)"
            r"|(わし|私|俺|僕|あたし)が(ええ|いい|オッケー|OK)(言う|と言う|って言う|言うたら|と言えば|って言えば)"
            r"|(町長|市長|知事|議会|理事長)(の)?(査定|決裁|承認)|(査定|議会|入札)で決ま"
            # The boss to be won over (社長にも説明つくわ, 局長に上げても通らない, 上も納得するかな), who decides named
            # plainly (館長が決めます, うちのことは、うちが決めます, お金出すのは親父), one's own limit (私の決裁).
            r"|(社長|院長|部長|局長|館長|専務|常務|理事長|会長|親父|上司|上|本部長)(に|には|にも)[^。]{0,4}(説明(が)?つ|通し|通ら|通る|上げ(て|ても|てみ))"
            r"|(館長|親父|組合長|事業部長)(さん)?が[^。]{0,4}(決め|判断)|(うち|こちら)が決め|(お金|金)(を)?出すの(は|が)"
            r"|最終的(に)?は(親父|館長|組合長|会長)|上(も|が)納得|(私|わたし)の決裁"
            r"|(本社|本部|親会社|グループ|役員|経営陣|理事会|会社|法人|上)の(方針|決定|指示|一存|判断)(で|により|に従|なので|です)"
            r"|(社長|部長|上|本部|本社|理事長|院長|オーナー|会長|役員|上司|先生|教授|所長)次第"
            # Any head by their title's 長 or the house's say, in four shapes: whose decision it is (うちは社長決裁だから),
            # who the head is (社長は俺だから), who decides in fact (実質は理事長です), and who looks at it instead of
            # the speaker (社長が見るんで、私じゃちょっと). "Not mine alone" names nobody (_anonymous_decider).
            r"|(?:[一-龥]{0,3}長|代表|オーナー|役員|役員会|理事会|本部|本社)(決裁|決定|判断)(だ|です|や|なん|なの|なので|やし|やから)"
            r"|(?:[一-龥]{0,3}長|代表|オーナー)は(俺|私|わし|おれ|おら|僕|あたし)(だ|です|や|なんで|なので)"
            r"|実質(は|的には|的に)[^。]{0,6}(?:[一-龥]{0,3}長|代表|オーナー|理事会|役員会)(です|だ|や|なんで|が)"
            r"|が見る(んで|から|ので)[、,]?(私|わたし|自分|僕|俺|わし)(じゃ|では|には)"
            r"|(了承|了解|許可|OK|オーケー|ハンコ|判子|決裁|承認)を?(もら|取|得|いただ)"
            r"|(会議|役員会|取締役会|理事会|総会|教授会|委員会|運営会議)(に|で)(かけ|掛け|諮|通|上げ|出し|決め)"
            r"|相談して(から)?(決め|判断|お返事)"
            # Who decides, said of a person or body (組合長が決めること, 社長がうんと言わない, 決めるのは理事会).
            r"|長が(決め|決定|判断|うん(と|って)|首を縦|OKを|オーケーを|ゴーサイン|ハンコ)"
            r"|(オーナー|代表|本部|本社|理事会|役員会|委員会)が(決め|決定|判断|うん(と|って)|首を縦|OKを|オーケーを|ゴーサイン|ハンコ)"
            # Who has to agree, said by the act: a seal stamped, the matter already put to them, deciding it oneself.
            r"|(ハンコ|判子|印鑑|判)を?(押|つ)|話を通し|決めるのも"
            r"|(長|社長|オーナー|上司|本部|本社|役員|家内|妻|主人|夫|専務|常務|部長|課長|理事)(と|とも)[^。]{0,10}?(話し|相談し)(て|た|まし)"
            # The boss asked last or agreed with (院長には最後に聞きますけど, 女将と先週決めたんです), who decides whether
            # (首輪つけるかどうかは、農家さんが決めること).
            r"|(院長|社長|専務|常務|部長|会長|理事長|所長|館長|組合長|親父|オーナー|女将)(に|には)、?[^。]{0,6}(聞き|聞か|確認し|確認せ|相談し|相談せ)"
            r"|(女将|社長|専務|常務|部長|会長|理事長|所長|家内|妻|嫁|主人|夫|親父|母|オーナー)と[^。]{0,6}(決め|決定し)(た|ました|ます|る|て)"
            r"|かどうかは、?[^。]{0,16}(が|の)(決める|決めること|決めん|判断する|判断)"
            # A limit the boss has left to the contact (社長には、四万以内なら任せるって言われてて).
            r"|(社長|オーナー|本部|部長|会長|専務|常務|理事長|親父|上)(に|から)(は)?[^。]{0,14}任せ(る|て|た)(って|と)[^。]{0,4}(言われ|言って)"
        ),
        # Money the customer can spend: an amount next to a limit, a budget word next to an amount or a cut.
        "budget_shape": _re(
            r"\d[\d,.]*(?:(万|千|億)?円(くらい|程度|ほど|前後)?(まで|以内|以下|が上限|が限度|が目安|に収め|に抑え)"
            # A ceiling or a capacity (月1万くらいが限度, 200万くらいなら出せる), a figure asked for (200万くらいにならないか).
            r"|(?:(万|千|億)円?|円|(?<=\d{4})(?![\d,.]))(くらい|程度|ほど|前後|弱)?(?:(が|まで)?(限度|限界|上限|精一杯|ギリギリ|いいとこ|関の山|天井)"
            r"|(まで)?(なら|やったら|だったら)[^。]{0,6}(出せ|払え|いけ|何とか|大丈夫|通せ|文句(は)?(ない|なし|ありません)|大差(は)?(ない|ありません)|構わ|説明(が)?(つ|でき))"
            r"|に(なら|下がら|抑えられ|収まら)ない(か|でしょうか)"
            # An amount as a limit with what it allows (400万までは出てる, 2万以内なら問題ない).
            r"|(まで|以内|以下)(は|なら|だったら|であれば)?、?[^。]{0,8}(出せ|出て|出る|出ます|払え|いけ|何とか|なんとか|大丈夫|問題な|通せ|通る|もら|下り)"
            # An amount the customer takes (月4万8千円でお願いします, 30万なら大丈夫です).
            r"|(で|なら)、?[^。？?]{0,6}(お願いし|進めて|結構|大丈夫|問題な|いけ|構いません))"
            # A part of the price accepted (月の38000はいいとして), or the whole said to pass (8万でも…通ると思う).
            r"|(?:万|千|億)?円?(?:は(いいとして|いいんだけど|いいけど|構わない|問題ない|、?ええとして)|でも、?[^。]{0,16}(通る|出せる|払える|いける)))"
            # What it must not pass: what they pay now (今の50万より上がるっていうのは、説明がつかない).
            r"|\d[\d,.]*(万|千|億)?円?より(上が|高くな|増え)[^。]{0,16}(説明が?つかな|通らな|出せな|無理)"
            r"|(予算|枠|上限|財源|原資)[^。]{0,15}\d[\d,.]*(万|千|億)?円"
            r"|(予算|コスト|経費|費用|費)[^。]{0,15}\d+(%|％|割)[^。]{0,6}(削減|カット|減|圧縮|増)"
            r"|予算(内|の範囲|に収ま)|予算(化|取り)|予算を(取|組|確保|申請|計上)"
            # What the customer had in mind, or a ceiling above what they pay (見てたのは年間で三百万ぐらい, 今の九千八百円
            # より上は、よう払わしまへん), or the year's money gone (今年度の予算がもうない).
            r"|(見て|考えて|想定して)(た|ました|いた|おりました)(の|ん)は[^。]{0,12}\d"
            r"|\d[\d,.]*(万|千|億)?円?より(上|高)[^。]{0,12}(払え(ない|ません|へん|ん)|払わ[^。]{0,4}(ん|へん|ない)|出せ(ない|ません|へん|ん)|無理|厳し)"
            r"|予算(が|は)[^。]{0,4}(もう|全然|一円も)[^。]{0,4}(ない|ありません|残って|つか)|予算を?[^。]{0,4}使い切"
            r"|予算(なんて|なんか)(もう)?(ない|ありません|ねえ|あらへん|あれへん)"
            # The money said to be not there (今年度はもう予算がつかない, そんな金ないからさ, 出す金は、正直ないよ,
            # お金払う余裕ない, 設備に金かけないって), or an amount it cannot pay (年に二十万は払ってらんねえ).
            r"|(予算|(?<![料入現税代賃])金|資金)(は|が|も)?、?(もう|正直|全然|あんまり|ほとんど)?、?"
            r"(ない|ありません|ねえ|ねぇ|無い|あらへん|つかない|つかん|つきません|取れない|回せない|かけない|かけられない)(?!と|か[？?]?$)"
            r"|(お金|金)を?[^。]{0,4}(払う|出す|回す|かける)余裕(は|が)?、?(もう|正直)?(ない|ありません|ねえ)"
            r"|\d[\d,.]*(万|千)円?(は|も)(出せ|払え|払って)(ない|ません|らんねえ|らんない|へん|ねえ|ん)"
            # An amount, then pointed at as the ceiling (月五万、そこが天井だね).
            r"|\d[^。]{0,12}(そこ|それ|これ)が(天井|上限|限度|限界|精一杯|ギリギリ)"
            r"|(費|予算|基金|積立金|繰越|内部留保)(で|から)(出|賄|確保|まかな)"
            # A freeze (設備投資を全部止める): what the customer can spend, said without a budget word.
            r"|(投資|予算|支出|購入|経費)[^。]{0,12}(止め|凍結|ストップ|見合わせ)"
            # Any amount with money's unit next to a frame after it: a limit, what is paid now, what can be spent or
            # signed off (月8万払うてる, 180万がまあ枠, 50万までやから, 月1000円、それ以上は…).
            rf"|(?:{_JA_MONEY})[^。？?]{{0,14}}(まで|以内|以下|上限|限度|枠|目安|台に|に抑え|に収め|払(っ|う|え)|出せ|回せ|切れ"
            r"|(それ|これ)(より)?(以上|上)は)"
            # At most so much (初期でせいぜい35万、月は3万いかんくらい), an amount waved through (月の32000は、まあええわ).
            rf"|せいぜい[^。]{{0,8}}\d[\d,.]*(?![\d,.])(?!\s?(?:{_JA_COUNTER}))|(?:{_JA_MONEY})[^。]{{0,4}}(いかん|いかない|行かない|超えない|超えん)(くらい|程度|ぐらい)"
            rf"|(?:{_JA_MONEY})[^。]{{0,4}}は[、,]?(まあ)?(ええ|いい|構わん|大丈夫)(わ|よ|です|。)"
            rf"|(?:{_JA_MONEY})(くらい|ぐらい|程度|まで)(なら|やったら|だったら|であれば)、"
            # The year's frame used up (今年度の修繕の枠はもう使い切ってます): a budget status, like 予算がもうない.
            r"|枠[^。]{0,14}(使い切|残って(ない|ません|へん)|もう(ない|ありません))"
        ),
        # Budgets said in words, read only when the listed words and `budget_shape` find nothing (so the scans that
        # look for any money the customer mentions stay short): a ceiling by pointing at an amount in a sentence about
        # money (月々このくらいなら大丈夫, 今払っている額と同じくらいなら何とかなる; see `_MONEY`), by what the money
        # replaces (外注費くらいなら出せる), or the rep's amount taken in a word (ええ、月48000円で。).
        "budget_pointer_shape": _re(
            r"(この|その|それと?|これと?|同じ)(くらい|ぐらい|位|程度)(の(額|金額|値段|費用))?"
            r"(なら|だったら|であれば|は|まで(なら|は)?)、?[^。]{0,8}(出せ|払え|いけ|何とか|なんとか|大丈夫|問題な|回せ|通せ)"
            # The ceiling quoted from whoever holds the purse (それと同じくらいまでなら、って宮司は言ってました).
            r"|(この|その|それと?|これと?|同じ)(くらい|ぐらい|位|程度)まで(なら|やったら|だったら)、?(って|と)"
            r"|(?:(?:くらい|ぐらい)(?:(?<=[分額費代料]くらい)|(?<=[分額費代料]ぐらい))|程度(?<=[分額費代料]程度))"
            r"(なら|だったら|であれば|は|まで(なら|は)?)、?[^。]{0,8}(出せ|払え|いけ|何とか|なんとか|大丈夫|問題な|回せ|通せ)"
            r"|^(ええ|はい|うん|じゃあ|では)、?[^。]{0,12}\d[\d,.]*(万|千|億)?円?で[。！!]?$"
            # The amount set beside what the customer pays now (月の336000だけど、今…にかかってる分とほぼ同じ).
            r"|\d[^。]{0,30}[分額費代料]と、?(ほぼ|だいたい|大体|ちょうど)?(同じ|変わらない|変わりません)"
            # Or judged cheaper than it (それなら今のFAXの紙代と電話代より安い, 残業代…それよりは安い).
            r"|(それ|これ|\d)[^。]{0,30}(分|額|費|代|料|それ)(より|よりは|よりも)、?(安い|安く|安いです|お得)"
        ),
        # A customer's own action said with a day or as their own part (来週の役員会にかけます, 稟議は私から上げます,
        # その日にお渡しします): a promise in any verb, once routines, states, opinions and adoption plans are left out.
        "customer_promise_shape": _re(_JA_PROMISE),
        # The rep's dated action in words the listed promise verbs miss (単価表の改訂版、あさってまでに送ります).
        "rep_promise_shape": _re(_JA_PROMISE),
        # Deal terms without the listed words: a quote or contract for a stated quantity (社用車10台のお見積り), an
        # amount per unit or per month (1席あたり月2万円, not a loss or a current cost), another vendor said cheaper.
        "plan_shape": _re(
            r"[\d一二三四五六七八九十]+(台|基|名分|席|ライセンス|アカウント|拠点|店舗)[^。]{0,6}(お見積|見積|ご契約|契約|プラン|導入)"
            # A scope at a monthly or yearly amount (溶接の三工程で、月8万円, 20現場まで年額60万円).
            r"|[\d一二三四五六七八九十]+(工程|台|名|席|ライセンス|アカウント|拠点|店舗|現場|ユーザー|人分|部門|教室|校)(で|まで)、?[^。]{0,4}(月|年)(額|々)?[^。]{0,3}\d"
            # A scope for so many units (ハウス三棟分で, 全部で20台): what the offer covers.
            r"|[\d一二三四五六七八九十]+(棟|台|店舗|拠点|部屋|教室)分|全部で[\d一二三四五六七八九十]+(台|棟|店舗|拠点|名)"
        ),
        "price_shape": _re(
            # An amount with its tax or total (税込み132万円), or said as the price (…円でした, …円になります).
            r"(税込み?|税抜き?|総額|合計|込み)[^。]{0,6}\d[\d,.万千]*円|\d[\d,.万千]*円(でした|になります|でございます)|"
            r"\d(?:(?<=[^\d年][月年]\d)|(?<=あたり\d)|(?<=あたり、\d)|(?<=につき\d))[\d,.万千]*円"
            r"(?![^。]{0,10}(損|ロス|かか|浮|減|増|削減|払って|使って|失))"
        ),
        "price_objection_shape": _re(
            r"(他社|よそ|そちら|ほか|今の(会社|業者|ところ))[^。]{0,25}(方が|ほうが)[^。]{0,4}(安|少し(…|\.\.\.))"
        ),
        # A time tied to deciding or answering (3月の頭には決めます); adoption times are in the lexicon already.
        # A customer turn that only keeps the line open (はあ。うーん。): the rep's talk on both sides of it is one run.
        "backchannel_only": _re(
            r"^(はあ|はい|ええ|うーん|うん|なるほど|そうですか|そうなんですね|へえ|ふーん|ああ|あー|ほう)[、。！!…ー〜\s]*$"
        ),
        "timeline_shape": _re(
            _JA_WHEN + r"(は)?、?[^。？?]{0,8}(決め|結論を出|判断し|決定し|お返事し)"
            # A start tied to an event, before it or once it is over (成人式の前までには使えるように, 決算が終わったら
            # 入れ替えたい); an intention, not a past event (前にも…入れたんですが) nor a question put first (値段の前に).
            r"|(前(?<=の前)(まで)?に|までに)(は)?、?[^。]{0,15}(入れ(たい|ます|る)|使える(よう|状態)|使い(たい|始め)|始め(たい|ます|る)"
            r"|導入(したい|します|する)|動かし(たい|ます)|間に合わせ|切り替え(たい|ます)|稼働(させ|し))"
            # An event with its month, and what is to be done by then or right after (決算が九月なんで、それまでに決めて).
            r"|(\d+月|\d+日|決算|年度末|期末|入札|総会|繁忙期|オープン|開業|移転|交付決定)[^。]{0,20}(それまでに|その前に|その後すぐ|そのあとすぐ|に合わせて)"
            r"[^。]{0,15}(決め|導入|入れ|作|使|始め|稼働|発注|契約|切り替え|整え|揃え)"
            r"|(終わ|済ん|明け|過ぎ)(ったら|てから|でから|だら)、?[^。]{0,10}((入れ|使い|始め|切り替え|入れ替え)(たい|ます|る)"
            r"|導入(したい|します|する))"
        ),
        # A decline that names no rejection word: kept with the current vendor, not now, this term closed, not
        # needed (scoring/deal_state.py reads it after the last `decline`).
        "not_now": _re(
            r"(今|現在)の[^。]{0,12}(業者|会社|ベンダー|サービス|取引先)[^。]{0,30}((更新|継続|延長)する|続ける)ことに|今は(お願い|導入|契約)でき(ない|ません)"
            # Kept with what they have, said as "we're fine" (今の業者さんとの契約もあるので、いいかな).
            r"|(今|いま|現在)の[^。]{0,12}(業者|会社|ベンダー|サービス|取引先|システム)[^。]{0,20}(いいかな|いいです|結構です|十分です|間に合って)"
            r"|(今は|今のところ|当面)[^。]{0,12}(考えて(い|お)(ない|ません|りません)|検討して(い|お)(ない|ません|りません))"
            # This term closed: its spending frozen or stopped as a whole, or nothing at all to spend on it.
            r"|(今期|今季|今年度|本年度|今年)は[^。]{0,12}(難し(い|く)|無理)"
            r"|(投資|支出|予算|購入|出費)[^。]{0,6}(一切|全部|全て|すべて|全面)[^。]{0,4}(凍結|ストップ|止め)"
            r"|(予算|投資|支出|購入)の?凍結|(新規|導入|購入|発注)[^。]{0,8}(すべて|全て|全部|一切)[^。]{0,2}(ストップ|凍結|中止)"
            r"|(一円|一銭|1円)も(出|使え|割け)(ない|ません|せない|せません)"
            # No intention to adopt, or no need for the whole offer (not for one part of it: うちは研修はいらない).
            r"|(入れる|導入する|契約する|使う|変える|替える|乗り換える|買う|申し込む)(気|つもり)(は|も)(ない|ありません|ございません)"
            r"|(うち|弊社|当社|私ども)(の[^。、は]{0,6})?は、?([^。、は]{0,14}(で|ので|から|んで)、?)?"
            r"(そういう(の|もの)は|それは|こういう(の|もの)は)?(" + JA_NOT_NEEDED + r"|必要(ない|ありません))"
            # Doing fine as they are (今ので満足してる, 今のやり方で別に困ってない, 今のやり方で回っとる), the match made
            # elsewhere not to be undone (今から覆すのは無理), or no tie this time (今回はね、ご縁がなかった).
            r"|今の(で|ままで|やり方で|やり方でも)[^。]{0,6}(満足|困って(ない|へん|ねえ|おらん|ません)|回っ(とる|てる|ています|ております)|間に合って)"
            r"|(今から|いまさら|今更)[^。]{0,6}覆す(の|こと)は(無理|難しい|でき)|ご縁が(なかった|無かった)"
            # Not this time, not renewed, cancelled (今回はいらねえ, 今回は更新しねえ, 解約の手続きだけ教えて).
            r"|今回は[^。]{0,6}(いら(ない|ねえ|ん)|要ら(ない|ねえ|ん)|いりません|要りません)"
            r"|(契約|来年|来期|次|今回|うち(は|も)|もう)[^。]{0,10}(更新|継続)(は|も)?(しない|しねえ|しません|せえへん|せん)(こと|つもり|です|。|、|$)"
            r"|解約(します|したい|する(こと|つもり)|の手続き)"
            # No plan to take it on (増やす予定はないので).
            r"|(増やす|入れる|導入する|変える|追加する|替える|広げる)予定は?、?(ない|ありません|ございません)"
        ),
    },
    "en": {
        # English lists these terms in the lexicon already (per seat, a month); another vendor said cheaper.
        "budget_pointer_shape": _NEVER,
        "customer_promise_shape": _EN_PROMISE,
        "rep_promise_shape": _EN_PROMISE,
        # A quantity at a rate (Fleet Plus, 40 vans, 22 pounds per van per month): a plan on the table.
        "plan_shape": _re(
            r"\b\d+ (vans|vehicles|trucks|seats|users|licen[cs]es|sites|stores|locations|devices|terminals|units)\b[^.]{0,40}"
            r"\b(a|per) (month|year)\b"
        ),
        "price_shape": _NEVER,
        "price_objection_shape": _re(r"\b(cheaper|less|lower) (than|with|at) (our current|the other|another|their)"),
        "promise_offer": _re(
            r"\b(shall|should|can|may) i (send|share|prepare|put together|email|forward)|want me to (send|share|prepare|put together)"
        ),
        "need_shape": _re(
            r"hard to|difficult to|can'?t keep up|\b(didn'?t|never) (get|got|receive) (an?|the|any) (alert|alarm|notification|warning|call|email)|(fall|falls|fell|falling) behind|behind on|keeps? (missing|losing|forgetting)"
            r"|(slip|slips|slipped|fall|falls|fell) through|los(e|es|ing|t) track|gets? lost|got lost|error.?prone|mistakes?\b|errors?\b|tedious"
            r"|time.?consuming|takes (forever|ages)|eats? (up )?(\w+ ){0,2}(time|hours|days?|week|mornings?|afternoons?|evenings?)|eats? up (most|all|half|a lot) of|on paper|paper forms"
            r"|spreadsheets?\b|\bworse\b|headache|nightmare|\bmess(y)?\b|chaos|wast(e|ed|ing)\b|burden|overwhelm|swamped"
            r"|stretched|can'?t (see|track|tell|find)|no (way|visibility) to|double.?entry|re-?enter|every (single )?time"
            r"|over and over|essential|critical for us"
        ),
        "authority_shape": _re(
            r"\b(i|we)('ll| will)? make the (final )?(call|decision)|\bit'?s (my|our) (call|decision)"
            # Someone's call by title, a committee that votes (tooling's the plant manager's call, majority vote).
            r"|\b(manager|director|owner|boss|board|ceo|cfo|coo|cto|president|head|partners?)'s (call|decision|sign-?off|say)"
            r"|\b(committee|board|council)\b[^.]{0,50}\b(votes?|decides?|approves?)\b|\bmajority vote\b"
            r"|up to (my|our|the) (\w+ )?(boss|manager|director|owner|board|cfo|ceo|partners?|committee|council)"
            r"|(need|needs|get|have to get) (his|her|their|my (boss|manager)'s|the (board|council|committee)'s) "
            r"(ok|okay|approval|sign-?off|blessing|green light)|run (it|this) (by|past)"
            r"|(council|committee|partners|board) (has|have|needs?) to (sign|approve|agree|vote)"
            r"|goes to (my |our |the )?(\w+ )?(owner|boss|manager|director|board|cfo|ceo|partners?|committee|council|commission|trustees)\b"
            # An approval already given, or one's own signature by kind (the board signed off, I sign renewals under ten).
            r"|\b(board|director|owner|boss|cfo|ceo|coo|council|committee|commission|trustees|partners?)\b[^.]{0,12}\b(signed off|approved|gave (us )?the go-?ahead)"
            r"|\bi sign (the )?(renewals?|contracts?|orders?|purchases?|anything|everything|off on|it|that|this)\b"
            # Two who sign or decide together (Jen and I both sign on anything over a year, we decided together), a
            # threshold above which it goes to someone (anything over a thousand, I have to take to the owners).
            r"|\b\w+ and i (both |jointly )?(sign|decide|approve|co-sign|made the (final )?(call|decision)|decided)\b"
            r"|\b(decide|decided|made the decision|sign|signed) (on it )?together\b"
            r"|\banything (over|above|more than|bigger than) [^.]{0,25}\b(needs?|goes to|go to|has to go|i have to (take|bring|run))\b"
            r"|\brun (anything|everything)( like (this|that))? (by|past)\b"
            # Whose signature it needs, whose business it is, who is a part-owner (needs Mark's signature, it's my
            # company, my brother owns half the business, he'd have to be in on it, I made that call).
            r"|\bneeds? (\w+'s|his|her|the \w+'s) (signature|sign-?off|approval)\b|\b(it'?s|it is) my (business|company|shop|firm|outfit)\b"
            r"|\bowns half (of )?the (business|company|shop)\b|\b(have|has) to be in on it\b|\bi (made|make) (that|the) call\b"
            # Said bare or by where it goes (I sign. / has to go to our board / I'd take it to the owners / Margaret decides).
            r"|\bi sign\W*$|\b(has|have) to go to (our|the) (board|owners?|partners)|\btake (it|that|this) to (the|our) (owners?|board|partners)"
            r"|\b(?-i:[A-Z][a-z]+) (decides|signs off)\b"
            r"|(i|we) can'?t (sign|approve|commit to) (anything|this|that)|(owner|boss|director|board|partners?|cfo|ceo)"
            r" (has|have|gets?) the (final )?(say|word|call)"
            r"|\b(partner|co-?owner|wife|husband|boss|owner|brother|sister|father|mother|son|daughter|he|she) and (i|me) (decide|make the call|sign off|approve)"
            r"|\bsigns? (off on )?(anything|everything) (over|above)"
            # One's own call or signature (it'd be my call, I can sign that myself, we both sign), the boss who signed
            # or must be won over (our president signed it, justify this to the owner).
            r"|\b(it'?d|it would) be my call|\bmy call\b|\b(president|ceo|owner|director|boss) signed\b|\b(we both|both of us) sign"
            r"|\bsign (that|it|this) myself|\bsigns everything|\b(go|take (it|this)|justify (it|this)) to the (owner|board|boss|ceo|director)\b"
            # Who it goes to, said of them (He decides anything over the plan; anything new goes to our GM).
            r"|\b(he|she) (decides|approves|signs off on|has the final say on) (anything|everything|it|this|that|all)\b"
            r"|goes to (my|our|the) (gm|general manager|president|head office|headquarters|md|managing director|owners?)\b"
            r"|\btake (this|it|that) to (my|our|the) (\w+ )?(director|boss|manager|gm|president|owner|board|committee|partners?)\b"
            # Holding the budget or the pen (I own this budget, I signed off last year's spend myself), a signature
            # still needed (I'll need the CFO countersignature), where it gets approved (the committee meets in May,
            # that's where it gets approved).
            r"|\b(i|we) own (this|the|that) budget|\b(i|we) signed (it |that |this )?off\b|countersign"
            r"|\b(gets?|got|be|is) (approved|signed off)\b"
        ),
        "budget_shape": _re(
            r"within (what we|our|the) (\w+ )?(planned|budget(ed)?|allocated|set aside)|planned for (this|next) (year|quarter)"
            r"|(up to|no more than|cap(ped)? at|max(imum)? of)\s+(\$\s?\d|\d[\d,.]*\s*(k\b|dollars|usd))"
            r"|\b(we|i) (can|could) (afford|spend|stretch to)\b"
            # The money said to be not there (there's no money for extras, we can't afford another one, money's tight).
            r"|\b(there'?s|there is|we have|we'?ve got) no (money|cash|funds?)\b|\b(we|i) (can'?t|cannot|couldn'?t) afford\b"
            r"|\bmoney'?s (tight|short)\b|\bmoney is (tight|short)\b"
            r"|\b(we|i) (can'?t|cannot|won'?t) (pay|spend|go) (more than|over|above)\b"
            r"|(\$\s?\d[\d,.]*\s*k?|\d[\d,.]*\s*(k|dollars))( (a|per) (month|year))? (is|would be) (our|the|my) (max|limit|ceiling|cap)"
            r"|(spending|budget|purchase|hiring) (freeze|is frozen|on hold)|(line|budget) is spent"
            # Money the customer has for it, with an amount (we have about 40000 a year for tools, the ops line has 30k).
            r"|\b(we have|we've got|we got|there'?s|there is|we set aside|we can spend|line (has|is|of))\b[^.]{0,30}"
            r"(\$\s?\d|\b\d[\d,.]*\s*(k\b|thousand|dollars|grand|(a|per) (year|month)))"
            # Money still left in a line (our capital line has about 40000 left this fiscal year).
            r"|(\$\s?\d[\d,.]*|\b\d{3,}[\d,.]*|\b\d[\d,.]*\s*(k|thousand|grand))\s*(dollars\s*)?left\b"
            # A ceiling said by what the money replaces (we pay roughly that for printing… so we could swing that).
            r"|\b(we|i) (could|can) (swing|cover|manage|handle|stomach|justify) (that|it|this)\b"
            # What the customer had in mind (I was figuring around five hundred a month, tops), or no money at all
            # (won't let me spend a penny).
            r"|\b(figuring|figured|thinking|expecting|had in mind|pencil(l)?ed in)\b[^.]{0,12}\b(around|about|roughly)?\s*(\$\s?\d|\d|(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty) (hundred|thousand|grand))"
            r"|\b(won'?t|can'?t|cannot) (let (me|us) )?spend (a penny|a dime|anything|a cent)"
            # A ceiling kept to (staying under 20000 for the first year, keep it below 5k a month).
            r"|\b(stay(ing)?|keep(ing)? (it|this|that|us|things)) (under|below|within)\s+(\$\s?\d|\d)"
            r"|\bwe('re| are)? (pay|paying|spend|spending) (roughly|about|around|close to|more than) (that|the same)"
            # A limit said as one's own (my limit is about 100 a month), an amount that works (1400 works for us), a
            # price below what the customer pays now (less than we pay the current vendor).
            r"|\b(my|our) (limit|ceiling|cap|max(imum)?) (is|would be)\b[^.]{0,20}\d"
            r"|(\$\s?\d[\d,.]*|(?<!at )(?<!the )\b\d{3,}[\d,.]*|\b\d[\d,.]*\s*(k\b|dollars))( (a|per) (month|year))?"
            r" (works|would work|is fine|is doable)\b"
            r"|\b(less|cheaper) than (what )?(we|i) (pay|spend|are paying)\b"
            # An amount beside a frame word or what is paid for it now (15's our ceiling, we pay … 6000 a month,
            # anything north of 15 k … won't fly); not what would be paid if something happened (if we're paying two
            # hundred pounds every time one's dropped).
            rf"|(?:{_EN_MONEY}|\b\d[\d,.]*(?='s))[^.]{{0,30}}\b(ceiling|cap|limit|max(imum)?|frame|envelope|tops)\b"
            rf"|\b(ceiling|cap|limit|max(imum)?|frame|envelope)\b[^.]{{0,30}}(?:{_EN_MONEY})"
            # A ceiling said as going no higher (I'm not going above that, I wouldn't want to be going much above 45,
            # I'd struggle to justify going much above that, 200 a month, tops) or as what one would go to (I'd spend
            # up to 400, I could go to about 80 a month more).
            r"|(\bnot|n't|\bstruggle to justify|\bhard to justify)\b (\w+ ){0,3}(go|going|spend|spending|pay|paying)"
            r" (much |any )?(above|over|more than|beyond) (that|this|about|around|a \d|\$|\d)"
            r"|\b\d[\d,.]* (a|per) (week|month|year),? tops\b"
            r"|\b(i'?d|we'?d|i could|we could|i can|we can) (go|spend|pay|stretch) (up )?to (about |around )?(\$\s?\d|\d)"
            # The money frozen or gone (our parent company froze all capital spending; this year's capex is gone;
            # all of our capital for this year went into replanting), or put into it a year (we put 10000 a year into
            # upgrades, we spend about 600 a month on film).
            r"|\b(froze|frozen|freez\w*)\b[^.]{0,20}\b(spend|spending|budgets?|capex|capital|purchas\w*)\b"
            r"|\b(capex|capital|budget)\b[^.]{0,20}\b(is|'s) (all )?(gone|spent|used up|exhausted)\b"
            r"|\b(capex|capital)\b[^.]{0,25}\bwent (into|on)\b"
            r"|\b(put|putting|spend|spending|invest|investing)\b (\w+ ){0,2}(\$\s?\d[\d,.]*|\d{4,}|\d[\d,.]* (a|per) (month|year))"
            r"[^.]{0,20}\b(into|on)\b"
            rf"|(?<!\bif )\b(we|i)('re| are)? (pay|paying|spend|spending)\b[^.]{{0,40}}(?:{_EN_MONEY})"
            rf"|\b(north of|over|more than|above|beyond)\s+(?:{_EN_MONEY})[^.]{{0,30}}\b(won'?t|wouldn'?t|can'?t|not going to|no way)\b"
        ),
        "backchannel_only": _re(r"^(uh-?huh|ok(ay)?|right|sure|mm+|hmm+|i see|yes|yeah|got it)[,.!\s]*$"),
        "timeline_shape": _re(
            r"\b(live|running|in place|rolled out|switched over|up)\b[^.]{0,8}\b(by |on |in |from )?(the )?(first|1st|start|end|middle|beginning)?( of)? ?"
            r"(january|february|march|april|may|june|july|august|september|october|november|december)\b"
            r"|\b(decide|decision|answer|sign)\b[^.]{0,20}\b(by|before|in) (the )?(end of )?(next )?(week|month|quarter|"
            r"january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|fall|autumn)"
            # A decision or a start on a day of the month (we'll decide at the budget review on the fourteenth).
            r"|\b(decide|decision|answer|sign|start|go live|launch|kick off|switch)\b[^.]{0,40}\b(on|by|before) the "
            r"(\d{1,2}(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
            r"|\w+teenth|twentieth|twenty-\w+|thirtieth|thirty-first)\b"
        ),
        "not_now": _re(
            r"(renew|stay|stick) with (our|the) (current|existing)|not (right )?now\b.{0,20}(pass|no)"
            r"|\b(froze|frozen|freez\w*|halted|stopped)\b[^.]{0,12}\b(all|every|any)\b[^.]{0,12}\b(spend\w*|purchas\w*|budgets?|investments?)"
            r"|\b(all|every|any)\b[^.]{0,12}\b(spend\w*|purchas\w*|budgets?|investments?)\b[^.]{0,12}\b(frozen|halted|stopped|on hold)"
            r"|\bnot (a|one) (single )?(cent|penny|dime|dollar|pound|yen)\b(?! (over|more|above|beyond))"
            r"|\bno (intention|plans?) (of|to) (buy|switch|sign|adopt|chang|replac)\w*"
            # "No. Thanks. We're good.", "we're set for now" ending the sentence: the offer turned down as not needed
            # ("we're good with it" takes it).
            r"|\bwe(?:'re| are) (all )?(good|set)( for now| here)?\W*$"
            r"|\b(i'?m|we'?re|i am|we are) not renewing\b|\b(won'?t|will not|not going to) renew\b"
            r"|\b(i'?m|we'?re|i am|we are) not looking to (add|buy|change|switch|take on|spend)\b|\bis a (hard )?no\b"
            # The answer named a not now (It's a not now; it's just not now; the call is not now).
            r"|\b(it'?s|it is|that'?s|that is|the (answer|call) is) (just )?(a )?[\"“']?not now\b"
            # Or named so (Let's call it a "not now".).
            r"|\b(call|put) (it|this|that) (down )?(as )?(a )?[\"“']?not now\b",
        ),
    },
}

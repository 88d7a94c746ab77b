"""The phrase markers themselves: named regular expressions per language (Japanese first, lighter English)."""

from __future__ import annotations

import re

from scoring.after_markers import AFTER
from scoring.conduct_markers import CONDUCT
from scoring.shape_markers import SHAPES


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_WEEKDAY = r"[月火水木金土日]曜日?"
_EN_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_EN_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
_EN_ORDINAL = (
    r"(\d{1,2}(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|\w+teenth|twentieth|twenty-\w+|thirtieth|thirty-first)"
)
# A sum in digits or in words (£300, 2.5k, three hundred, two and a half grand).
_EN_AMOUNT = (
    r"[$£€]?(\d[\d,.]*k?|(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety)([ -](and|a|half|hundred|thousand|grand|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety))*)"
)
# A time word not said of last year (去年の夏には入れたんですけど is history, not a timeline).
_JA_NOT_LAST_YEARS = r"(?<!去年の)(?<!昨年の)(?<!前の)"
# A go-live said with a time word and an adoption verb (来月からの切り替え, 4月から使い始め): not a meeting date.
_JA_GO_LIVE = (
    _JA_NOT_LAST_YEARS
    + r"(来週|再来週|来月|再来月|来年|今年|年明け|来期|今期|\d+月|春|夏|秋|冬|上期|下期)(の|から|まで|中|頃|ごろ|に|末)?(の|は|に|には)?"
    r".{0,8}(導入|切り替え|稼働|運用開始|使い始め|入れ|動かし|変え|間に合|何とか|使い(たい|ます)|始め(たい|ます))|本稼働|稼働開始"
)

LEXICON: dict[str, dict[str, re.Pattern[str]]] = {
    "ja": {
        "intro_company": _re(
            r"(株式会社|（株）|\(株\))[^\s、。]{1,20}の[^\s、。]{1,10}(と申します|でございます|です)|[^\s、。]{1,20}(株式会社|（株）|社)の[^\s、。]{1,10}(と申します|でございます|です)"
        ),
        "intro_name": _re(
            r"[^\s、。]{1,10}(と申します|でございます)|^[^\s、。]{1,6}です。|^もしもし、[^\s、。]{1,6}です"
        ),
        "title": _re(r"部長|課長|マネージャー|担当|営業|リーダー|責任者|代表|取締役"),
        "purpose": _re(
            r"本日(は|の).{0,60}(について|お伺い|伺い|ご説明|ご紹介|ご提案|整理|すり合わせ|目的)|本日の(目的|ゴール|アジェンダ)|アジェンダ|今回の(目的|ゴール)"
        ),
        # Why the rep calls or came, said as the seller's errand (今日は…のご案内でお電話しました, …の件でご連絡しました,
        # お電話したのは…): the purpose mentioned, not yet what the meeting is for the customer.
        "call_reason": _re(
            r"(今日|本日|今回)は[^。]{0,40}(件|ご案内|ご紹介|お知らせ|ご相談|お話)で[^。]{0,6}(お電話|ご連絡|お伺い|伺い|参り)"
            r"|(の件|のご案内|のご紹介|のお知らせ|のご相談|について)で[^。]{0,6}(お電話|ご連絡)(しました|いたしました|させていただきました|差し上げました)"
            r"|(お電話|ご連絡)(した|いたした|差し上げた)(のは|理由は)"
        ),
        "goal": _re(r"(本日|今回)の(ゴール|目的)は"),
        "intent": _re(
            r"(ほか|他)に.{0,15}(お話し|お聞き|確認)したい|(ご期待|お聞きになりたい|お話しされたい)こと|本日.{0,10}(ご要望|気になっている)"
        ),
        "research": _re(
            r"(中期経営計画|IR|決算|プレスリリース|ニュース|記事|ホームページ|ウェブサイト|採用ページ).{0,20}(拝見|拝読|読ませて|見ました|確認しました)"
        ),
        "strategy": _re(r"中期経営計画|経営計画|IR資料|成長戦略|ビジョン"),
        "news": _re(r"プレスリリース|ニュース|記事|新製品|提携"),
        "empathy": _re(r"大変ですね|大変でしたね|お察しします|よくわかります|お気持ち|ご苦労|おっしゃる通り"),
        "backchannel": _re(r"^(なるほど|そうなんですね|そうだったんですね|確かに|おっしゃる通り)"),
        "summary": _re(
            r"つまり|要するに|整理すると|まとめると|おさらいすると|ということですね|という(ご)?理解|認識で(合って|相違|よろしい)|相違ない"
        ),
        "deep": _re(r"なぜ|どうして|どのよう|もし"),
        "open_interest": _re(r"どの|どんな|どういった|何|どちら|いかが"),
        "budget": _re(
            # Money not granted (予算がつかなかった) comes first: matched as 予算 alone, the words after it would read as
            # the budget denied.
            r"予算(が|は)?(つか|付か|下り|おり|降り|取れ|とれ)(なかった|ない|ず|ません|なく)|ご?予算|費用感|出どころ|財源|費から出|\d[\d,.]*万?円(以内|以下|まで(なら|は|が|です)|が上限)|上限(が|は)?[^。]{0,8}\d"
            r"|(円|金額|額|費用|お金)[^。]{0,8}(かけられ|出せ)|かけられそう|(費用|お金)は(どこ|どちら)から|(お|)いくら[^。]{0,8}(出せ|お出し|かけ)"
            r"|補助金|助成金|補助事業"
            # How much the customer could spend, asked in any words (いくらくらいまでやったら出せそう, 上限の金額).
            r"|いくら[^。]{0,12}(出せ|お出し|かけ|いけ|払え|まで)|上限(の)?(金額|額)"
            # A sum the customer would go to (月一万円くらいならって思ってた), a spend not to exceed (それを超えない範囲).
            r"|\d[\d,.]*[万千億]?円?(くらい|ぐらい|程度|ほど)?(まで)?なら(って|と)?(思|出|払|いけ|大丈夫|考え)"
            r"|超えない範囲"
        ),
        "authority": _re(
            r"決裁|稟議|意思決定|決定権|(社内|御社|貴社)(では|で)?どのように(決ま|決め)|承認の?(流れ|プロセス)|(役員会|取締役会|経営会議|理事会|総会)(に|で)(かけ|掛け|諮|上げ|通|決ま|承認)|決めるのは|(どなた|誰)が.{0,8}(判断|決め|決裁|承認)|最後は.{0,8}(社長|部長|役員|本部長|取締役|会長|上司|判断|決め|親父|父|母|館長|組合長|理事長|理事会|女将|親方|オーナー|家内|主人|院長|所長|店長)|最終(的に|的な|の)?.{0,10}(決め|判断|決定|承認|ゴーサイン)|(社長|部長|常務|専務|役員|本部長|役員会|取締役会|経営会議|理事会|理事長|院長|本社|本部|オーナー|上層部|上司|上長|マネージャー|店長|工場長|支配人)(の|に|が|から|で).{0,6}(承認(?!印|フロー|ルート|待ち)|判断|了承|許可|決め)|承認が(必要|要り|要る|いる|下り)|(社長|部長|役員|上司|上長|本部|本社|理事会|役員会|局長|院長|理事長|専務|常務|所長|店長|課長)に(上げ|あげ)(ます|て|る)|(私|わたし|自分)(が|で)(決め|判断|決裁)|ご判断は|お決めになる|(判断|決裁|決定)は(私|わたし|僕|俺|わし|自分)(が|で|です|や|だ)"
        ),
        "need": _re(
            r"課題|論点|ネック|お困り|困って|困った|困り(ました|ます)|困りごと|残業|二度手間|手作業|手入力|属人|遅い|遅くて|追いつかな|重視|(比較|検討|判断)の?ポイント|ニーズ|悩み|負担|ボトルネック|非効率|手が回らな|手間が|時間が(かか|足りな)|(連携|自動化|電子化|効率化|削減|短縮|改善|一元化)(したい|させたい|できれば|が必要|が欲しい)|決め手|(が|は|も)(一番)?(気になって|重要|大事|大きかった)|\d+(時間|日|分)(くらい|ほど|程度|近く|以上)?(も|は)?(かか|取られ|つぶれ)|丸(一|二|1|2)?日(かか|つぶれ)|鳴りっぱなし|止まって(しま|い)|(入力|確認|記入|転記)?ミス|抜け漏れ|故障して|足りな(い|くて)|不足して|取りこぼ|しょっちゅう|頻繁に|たびたび"
            r"|クレーム|待たせて|溜まる一方|重複して|二重(に|で)"
            # Something the customer wants put right (渋滞は本当に何とかしたい), trouble said in dialect (困っとる,
            # 困っちょる), work piling up (審査待ちが滞留).
            r"|(何とか|なんとか|どうにか)(したい|せな(あかん|いかん)|しないと|せんと|ならんか|ならないか)|困っ(とる|とう|ちょる|たる)|滞留"
            # A count that does not tally, too long, a want, a fear (数が合わへん, かかりすぎ, 〜のが欲しい, それが怖くて).
            r"|合わ(ない|へん|ん(のです|のや|のよ|です|ですわ)|なく)|(かかり|掛かり)すぎ|(の|もの|機能|仕組み|ツール|システム)が欲しい|(それ|そこ|これ)が(怖|不安|心配)"
            # A need told as a story: something that went wrong (〜てしまって), complaints voiced, a reprimand.
            r"|^(?!.*(すみません|申し訳|失礼|お待たせ|遅くなって|(決め|決まっ|契約し|お願いし)(て|ちゃ)|方針|予算|コスト))"
            r".*(て|で)しま(った|って|いまし|ってい)"
            r"|(不安|不満|苦情)の声|声(が|は|も)(上が|出て)|指導を受け|ひやり|ヒヤリ"
            # Work redone, left lying, slipped through, asked about too often, a rate below where it should be
            # (作り直しや, 放置されてて, 管理が漏れて, 問い合わせがすごい多い, 三割いかん), a repeat to avoid, a loss.
            r"|作り直し|やり直し|打ち直し|取り違え|打ち間違|放置(され|し)て|(管理|確認|チェック|連絡)(が|も)漏れ"
            r"|問い合わせが[^。]{0,6}多|二度と[^。]{0,8}(たくない|嫌|ごめん)|(割|%|パーセント)(いか|行か|届か)(ん|ない|へん)"
            # The problem named as such (問題は冬の夜なんだって, 一番の問題は人手); "no problem" (問題ない) is none.
            r"|(一番の|本当の|うちの|現場の)?問題(は|なの|なん|が(ある|あっ|起き|出))(?!な(い|く|かった))"
            r"|辞退|値上がり"
            # A slip owned up to, customers apologised to, a supply that may not last (やらかして, 頭下げました,
            # いつまで続けられるか).
            r"|やらかし|頭(を)?下げ|謝りに|いつまで(続け|続く|もつ|持つ)|しんどい|参って(る|ます|いる)"
            # Trouble in plain verbs (排水が詰まってんねん, 奥まで臭う, じゃ困るんですよ) and a condition the customer
            # sets (溶解証明書を出すことも条件にしてます).
            r"|詰ま(って|った|る|り)|臭(う|って|いが)|困る(ん|の|ので|から|わ|ね)|条件に(して|しとる|しとう|なって)"
        ),
        "timeline": _re(
            r"時期(?:(?<!の時期)|(?<=(?:導入|開始|稼働|切替|契約|更新)の時期)|(?<=(?:切り替え|入れ替え|利用開始)の時期))|いつ(まで|頃|ごろ|から)|導入(予定|時期|目標|開始)|来期|来春|来年の(春|夏|秋|冬)|来年度|新年度|今期中|年内|年度内|\d+月(から(?!\d+月)|まで|中|頃|ごろ)|"
            # A part of a month as the time wanted (十二月の頭には, 十月頭, 十月に入る前には).
            r"(\d+月|来月|再来月)(の)?(頭|初め|はじめ|上旬|中旬|下旬|半ば|末)(に|には|まで|から|ぐらい|くらい|で[。、]|[。、]|$)|\d+月に入る(前|まで)|"
            # A date to be in time for or a deadline (それに間に合わせたい, 十月末が要求の締め切り).
            r"(に|へ)間に合わせ(たい|ないと|なあかん|なきゃ)|\d+月[^。]{0,12}(締め切り|締切|期限)(です|なんです|や|で[。、]|[。、]|$)|"
            # A month's event by which something is wanted (4月の新学期には…落ち着いていてほしい, 5月の出荷開始までに…
            # 受けられるようになってれば).
            r"\d+月の[^。]{0,10}(には|までに)[^。]{0,32}(ほしい|欲しい|たい|ように(なって|して|なれ))|"
            r"\d+月の[^。]{0,6}(総会|理事会|役員会|取締役会|経営会議)|(に|へ)合わせて(入れ替え|導入|始め|切り替え|使い|変え)|(リース|契約|保守|サポート)(期間)?(が|は)[^。]{0,10}(切れる|満了|終わる|終了)(?!まで)|"
            + _JA_GO_LIVE
            # A time anchor, a target and a want (年末の繁忙期の前には…回るようにしたい, 夏祭りに向けて入れたい); not
            # last year's (去年の夏には入れたんですけど).
            + r"|"
            + _JA_NOT_LAST_YEARS
            + r"(\d+月|来年|今年|再来年|来月|再来月|年明け|年末|年度末|期末|春先|春|夏|秋|冬|連休|お盆|正月|繁忙期|シーズン|新学期|決算)"
            r"[^。]{0,14}(の前に|前には|までに|までには|に向けて|に合わせて|からは|には)[^。]{0,30}"
            r"(たい|ほしい|欲しい|ように|予定|つもり|考えて|始め|動かし|入れ|使い|決め|間に合|ないと困|もらわな)"
        ),
        "deflection": _re(
            r"(決まっ|決め)て(い)?な(い|く)|(決まっ|決め)ていません|未定|(わか|分か)ら(ない|なく(?!な))|特に(ない|ありません|決めて)|まだ.{0,8}(ない|なく|ません)|まだこれから|そこまでは|確認して(みます|から)|考えていな|何とも言えな|様子を見てから|何とも(。|$|申せ)|(それ|そちら|そこ)もまだ|^まだ(です|ですね)?[。…]|そのうち(に|ね|です|かな|。)|ケースバイケース|どうでしょう(ね|か)?[。、]|おいおい|(社内|内部|うち)のこと(なので|なんで|ですので)|(予算|金額|値段)[^。]{0,8}(言われ|聞かれ)ても|(予算|金額)[^。]{0,12}聞いて(ない|ません|へん)"
            # Nothing yet, or none at all, said as a fragment (いや、まだ何も…, 時期も…全然。).
            r"|まだ何も(…|。|、|$)|(も|は)…*、?全然(。|…|$)"
        ),
        "negation": _re(
            r"^[^。、]{0,3}(ない(?!と(いけ|だめ|なら))|ません|なく|へん|ひん|ねえ|ねぇ)|^[^。、]{0,12}(わけ|ほど)(では|じゃ)(ない|ありません)|^[^。、]{0,6}(は|が|も)(特に)?(ない|ありません|ございません)"
        ),
        "competitor": _re(
            r"他社|競合|他の(ツール|サービス|システム|製品)|比較検討|乗り換え|現在.{0,12}(お使い|使って|利用|運用)|今は.{0,15}(で管理|を使って|で運用|で回して)|Excel|エクセル|スプレッドシート|お使いですか"
        ),
        "past_attempt": _re(r"(これまで|以前|過去)に?.{0,25}(試み|検討|取り組|対策)"),
        "past_eval": _re(r"比較検討|検討した|試した|導入を検討"),
        "why_now": _re(r"なぜ今|今回.{0,12}(きっかけ|理由)|きっかけ"),
        "dissatisfaction": _re(r"不満|使いにく|不便|連携できな|手間がかか|わかりにく"),
        "bottleneck": _re(r"時間(ほど|くらい|ぐらい)?が?かか|負担|ボトルネック|一番.{0,8}(大変|困)|手間"),
        "customer_number": _re(r"\d+(\.\d+)?\s*(時間|名|人|件|円|万円|%|％|日|分|割)"),
        "quantified": _re(
            r"\d+(\.\d+)?\s*(%|％|割|時間|万円|円|日|分|人分).{0,25}(削減|短縮|向上|改善|減|増|アップ|ダウン)"
        ),
        "roi": _re(r"(?<![A-Za-z])ROI(?![A-Za-z])|投資対効果|費用対効果|回収|年間.{0,12}円.{0,12}(削減|浮)"),
        "case_study": _re(r"事例|導入実績|[A-ZＡ-Ｚ]社様?(で|では)|同じ.{0,8}業|同業"),
        "matching_case": _re(r"同じ.{0,10}(業|規模)|同業|同規模|規模の"),
        "uses_discovery": _re(r"先ほど.{0,12}(お話|おっしゃ|伺|お聞き)|以前.{0,10}お話|お話しいただいた"),
        "check_in": _re(
            r"ご不明(点|な点)|ご質問(は|など)?.{0,4}(ございますか|ありますか)|ここまで.{0,10}(いかが|よろしい|ご不明)"
        ),
        "concern_question": _re(r"ご懸念|ご不安|気になる点|心配な点|気がかり"),
        "concern": _re(r"懸念|不安|心配|気になって|気になる|ハードル|難しい|厳しい"),
        "acknowledge": _re(
            r"確かに|おっしゃる(通り|とおり)|ごもっとも|ご(心配|不安|懸念)|なるほど|承知|理解|その点|そちら(は|について)|大切|重要|ありがとうございます|ですよね"
        ),
        "meeting": _re(
            r"打ち?合わ?せ|ミーティング|MTG|商談|お時間|ご都合|日程|デモ|ご提案|訪問|伺|お会い|次回|面談|説明会|会議|機会|場を|お電話|確認会|定例|レビュー|キックオフ|読み合わせ|研修|勉強会|お邪魔"
        ),
        "date": _re(
            r"(来週|再来週|今週)の?"
            + _WEEKDAY
            + r"|\d{1,2}月\d{1,2}日(\([月火水木金土日]\)|（[月火水木金土日]）)?|\d{1,2}日の?(\([月火水木金土日]\)|（[月火水木金土日]）)?\d{1,2}時|"
            # A day with its hour a few words on (20日の午後1時, 16日、現場事務所に10時), tomorrow at an hour.
            r"\d{1,2}日(の|、)?[^。\d？?]{0,10}(午前|午後|朝|夕方|夜|昼)の?\d{1,2}時|\d{1,2}日、[^。\d？?]{0,10}\d{1,2}時|"
            r"(明日|明後日|あした|あさって)の?(午前|午後|朝|夕方|夜|昼)?の?\d{1,2}時|"
            # A weekday with its day of the month before it (26日の水曜日): the day is part of the date said back.
            r"(\d{1,2}日(の|、)?)?" + _WEEKDAY
        ),
        "time": _re(r"(午前|午後|朝|夕方|夜|昼)?\d{1,2}時(\d{1,2}分|半)?(から|〜|～)?|\d{1,2}:\d{2}"),
        "affirm": _re(
            r"はい|大丈夫|結構です|問題(ありません|ないです)|承知|かしこまりました|了解|お願いします|空いて|可能です|伺います|押さえ(て|ます)|ぜひ|お待ちして(います|おります)|(わ|分)かりました"
            r"|(ええ|いい|ええで|オッケー)(よ|わ|で|です)|ちょうどええ|それで(いい|ええ|いこう|行こう)"
            # Waiting for the visit, said plainly (じゃあ待ってるよ, 待っとるけん).
            r"|待って(る|ます)(よ|わ|で|から|ね)|待っとる"
            # A recap confirmed or the call asked for (合ってます, 頼むよ, 頼みます).
            r"|合って(ます|る|います)|頼む(よ|わ|ね|で)|頼みます"
        ),
        # No, or not yet: a date left to someone else's schedule or to a later call (現場次第やな。また連絡するわ).
        # Or the day taken away to check and answer later (木曜ですか。技術の者の予定がわからないので、確認して、折り返します).
        "refuse": _re(
            r"難しい|厳しい|都合が(悪|つか)|無理|空いていない|次第|たぶん|多分|また連絡|確認して(から|み)"
            r"|確認して[、,]?[^。]{0,12}(折り返|ご連絡|お返事)"
            # The customer will call when they want to (見て、要るもんあったらこっちから電話するわ): no day taken.
            r"|(こっち|こちら)から(また)?(お?電話|ご?連絡)(する|します|しま|させ)"
        ),
        "participants": _re(r"ご同席|交えて|参加|同行|ご一緒"),
        "preparation": _re(r"資料|準備|ご用意|お見積|見積"),
        "vague_follow_up": _re(
            r"(また|改めて|あらためて|後ほど|追って|後日)、?(改めて|あらためて|[^。、]{0,8}(を|に|も|から)|近いうちに|そのうち|来週|来月|今度|近々)?、?(ご)?(連絡|お電話)(します|いたします|させていただきます|させていただければ|差し上げます)"
            r"|(来週|来月)どこか(で)?[^。]{0,10}(お電話|ご連絡)"
            r"|(来週|来月|近いうち|今度|そのうち)(あたり|ごろ|頃)に?、?[^。]{0,20}(お電話|ご連絡|ご都合を(伺|お聞き))(します|いたします|させていただきます|しても(よろしい|いい)|いますね|います)"
            # A time with no day: when things settle, when it suits, when the quote is ready, "soon" (近いうちにまた伺えたら).
            r"|(タイミング|頃合い)(を)?見て|(落ち着いた|落ち着かれた)(ころ|頃|時|とき)に?(でも)?[^。]{0,6}(お電話|ご連絡|連絡|伺|寄)"
            r"|(でき|出来)(ましたら|たら|次第)[^。]{0,4}(ご)?連絡|近いうちに(また)?[^。]{0,8}(ご挨拶|伺|寄|お邪魔)|また寄らせて"
        ),
        # The customer saying their point was missed (いや、だから…って / 安心とかじゃなくて).
        "pushback": _re(
            r"^(いや|いえ|だから)、?[^。]{0,30}(んですって|だって|とかじゃなく|じゃなくて|そうじゃなく)|^(いや|いえ)、?だから"
        ),
        # The next step left to the customer ("if anything comes up, call us"): vague unless the customer declined.
        "open_invitation": _re(
            r"(ございましたら|ありましたら|あれば)[^。]{0,15}(ご連絡|お電話|お問い合わせ|お声がけ)(ください|下さい)"
        ),
        "rep_commitment": _re(
            r"(お送り|送付|ご送付|お届け)(します|いたします|させていただきます)|ご用意(します|いたします|させていただきます)|準備(します|いたします)|(確認|調べ|調査)(して|の上|のうえ).{0,20}(ご連絡|お返事|ご回答|ご報告|お知らせ)(します|いたします|させていただきます)|共有(します|いたします|させていただきます)|手配(します|いたします)|作成(します|いたします)|お持ちします|(実施|開催|お渡し|ご報告|ご連絡|確認)(します|いたします|させていただきます)|\d{1,2}月(ごろ|頃|中|末|上旬|中旬|下旬)?に、?(また|改めて)?お電話(します|いたします)|(お送り|送付|ご用意|準備|手配|更新|修正|作成)して?おきます|(見積り?|見積書|試算表?|資料|提案書|比較表|構成案)を(お作りし|作り|作り直し)(ます|て、)"
        ),
        "customer_commitment": _re(
            r"(て|で)おきます|確認します|共有します|検討します|(検討|相談|話|確認|共有|比較)してみます|比べてみます|お送りします|送ります|調整します|相談します|声をかけ|(ご)?連絡(します|いたします)|(同席|参加|出席)させます|(検討|相談|確認)させて(ください|いただきます)|持ち帰らせて|お知らせします|(に|と)(話します|伝えます|見せます|聞いてみます)"
        ),
        "due": _re(
            r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}[/-]\d{1,2}[/-]\d{1,2}|\d{1,2}月\d{1,2}日|今日中|本日中|明日中|明日|明朝|明後日|今週中|今週末|来週中|来週|週明け|月末"
            # Today as a day, not today's things (本日の資料, 今日のお話): 今日のうちに, 本日の17時 still are.
            r"|(本日|今日)(?!の(?!うち|夕方|午後|午前|夜|昼|晩|朝|\d|[一二三四五六七八九十]))"
        ),
        "discount": _re(
            r"値引き|割引|ディスカウント|特別価格|(安く|お安く)(します|いたします|できます)|勉強させて|キャンペーン(価格|特価|割引|値引)|キャンペーン.{0,15}\d+[%％](オフ|引|割引)|半額(に|で|と|の|。)|(今なら|キャンペーン|期間限定|今月中?に?お申し?込み)[^。]{0,25}(費用|料|代)(が|は|も)?(無料|タダ|0円|ゼロ)|(費用|料|代)(が|は|も)?(無料|タダ|0円|ゼロ)に(なり|なる|いたし|します)|初月(は|が)?(無料|タダ|0円)|(最初の|初回の?)?\d+(か|ヶ|カ)月(間|分)?(は|が)?(無料|タダ|0円)"
            # Tenths or a percentage taken off (2割お引きいたします, 一割お引きして); each starts with its literal.
            r"|割(?<=[\d一二三四五六七八九]割)お?引(き|い|か)|[%％](?<=\d[%％])お?引(き|い|か)|お引き(し|いた)"
            # An amount taken off (50円引きの350円, 二万円お引きして).
            r"|円(?<=[\d十百千万]円)お?引(き|い|か)"
            # A price cut by the rep's own verb (100万まで下げます, 15パーセント引きます, 工事費タダにします).
            r"|(まで|に)(お)?下げ(ます|られます|させて)|パーセント(引|オフ)|パー(でも|引)|(費|代|料)(を)?(タダ|無料|ゼロ)に(します|しま|でき)"
        ),
        "price_objection": _re(
            r"高い|高額|予算(オーバー|を超え)|厳しい|値引き|安く(?!(なる|なります|なった)(?!か))|割引|(\d+割|\d+[%％])(下が|安く|引い)|下がれば|下げて(いただ|もら)|はみ出"
        ),
        "added_value": _re(
            r"(トレーニング|研修|サポート|設定)[^。]{0,6}(無料|無償)|段階(的に)?導入|トライアル|試用|無料(の)?(トレーニング|研修|サポート)|無償(で|の)?.{0,8}(サポート|研修|トレーニング|設定)|専任(の)?(担当|サポート)|小規模(導入|から)"
        ),
        # The rep's own figures said not to be at hand (数字はちょっと手元にないんですけど、かなり違います).
        "no_figures": _re(r"(数字|データ|数値)(は|が|とか)?[^。]{0,10}手元に(ない|ありません|ございません|なく)"),
        # Figures promised after the call (確認してお送りします): the gap is being closed, not papered over.
        "figures_to_follow": _re(
            r"(確認|調べ|お調べ|照会|問い合わせ)[^。]{0,10}(お送り|ご連絡|お持ち|お出し|ご報告|お伝え)|後ほど|改めて"
        ),
        "vague_benefit": _re(
            r"便利に(なり|なる)(?!のは)|楽に(なり|なる|なった)(?!のは)|効率化(でき|になり)|(短縮|削減|改善)(に)?(も)?つなが|(満足度|効率|率)も?上がります|負担も?軽く|お得(です|なんです|になります|ですよ)|損はさせません|(かなり|ずっと|大きく|ぐっと)(楽に|変わり|良くなり|減り)"
            # Benefits said as outcomes with no measure (見える化が進んで、生産性が上がります, 安全性がぐっと高まります).
            r"|見える化|生産性が(上が|向上)|スムーズに(なり|なる)|ミスも減|最適化(され|でき)|効率化が図れ|(安全性|品質|満足度|評価)(が|も)[^。]{0,4}(高ま|上が|向上)"
            r"|手放せなく|何かと安心"
        ),
        "shallow_question": _re(
            r"に、?(ご)?(興味|関心)(は|が)(おあり|あり|ござい|ない|[？?]|…|$)|(ご)?満足(されて|いただけて|して)(い|おり|いらっしゃい)[^。？?]{0,6}か|(弊社|当社|私ども)の[^。？?]{0,20}?(製品|サービス|商品|プラン)[^。？?]{0,6}(ご)?(興味|関心)(は|が)(おあり|あります|ございます)(でしょう)?か"
            # Interest asked without the に (ネット予約とかってご興味ございますか, 弊社の会員アプリなんですが、ご興味…); an
            # open one (どの機能にご関心が…) is spared by open_interest, an offer (ご興味がおありでしたら) is no question.
            r"|(興味|関心)(は|が)?(おあり|あり|ござい)(ます|ません)?(です|でしょう)?か"
        ),
        "decision_maker_meeting": _re(
            r"(決裁者|決裁権|本部長|部長|社長|役員|経営陣).{0,20}(ご同席|交えて|ご参加|同席)"
        ),
        "post_contract": _re(r"ご契約後|契約後の(流れ|進め方)|導入までの(流れ|ステップ)"),
        "contract_terms": _re(r"支払い?(条件|方法)|契約期間|解約|更新(条件|時)|請求書払い|年間契約"),
        "roadmap": _re(r"キックオフ|初期設定|テスト運用|本(格)?稼働|導入スケジュール|導入までの(流れ|スケジュール)"),
        "training": _re(r"(研修|トレーニング|説明会|勉強会)(を|の|も)?.{0,10}(実施|開催|ご用意|サポート|行い)"),
        "support_contact": _re(r"(問い合わせ|サポート)窓口|専任(の)?担当|カスタマーサクセス"),
        "usage_check": _re(r"ご利用状況|使い勝手|使い心地|運用で.{0,10}(困|問題)|スムーズに進んで"),
        "satisfaction": _re(r"ご満足|満足度|NPS|アンケート"),
        "upsell": _re(r"上位プラン|追加機能|他の部(門|署)でも|オプション"),
        # A bundle offered as one (券売機と精算の3点セット, パッケージ) is a plan.
        "plan": _re(
            r"提案|プラン(?![^。、]{0,3}の[^。、]{1,8}です)|オプション(?!になります|です|もございます|もあります)|[ァ-ヴーA-Za-z0-9]版(で|を|に|は|が|の(ほう|方))|コース(で|を|に|は|が)|構成(で|を|に|は|が|・)|お見積り?の(内容|最終)|契約(書|の流れ|内容)|申込書|注文書|発注書|導入(範囲|内容)"
            r"|[\d一二三四五六七八九]点セット|(の|な)セット(で|を|に|は|が|です)|パッケージ"
            # A first step offered as the plan (五台のパイロットで, 試験導入, スモールスタート), as English counts "pilot".
            r"|パイロット(で|を|に|は|が|の|導入)|試験導入|スモールスタート|トライアル(で|を|に|は|が|プラン)"
        ),
        # Amounts also in kanji numerals (総額で三百七十八万円, 一割お引き), a total included; a loss is no price.
        "price": _re(
            r"見積|値引き|割引|(月額|月々|年額|年間|初期費用|費用|価格|料金|予算|単価|ライセンス|値段)[^。]{0,12}?\d[\d,.万千億]*円"
            r"|(月額|月々|年額|年間|初期費用|費用|価格|料金|単価|値段|総額|合計)[^。]{0,12}?[\d一二三四五六七八九十百千][\d,.一二三四五六七八九十百千万億]*円"
            r"(?![^。]{0,10}(損|ロス|消え|浮|減|増|削減|失))"
            # An amount named as the guideline (月三万円くらいが一つの目安): the price side, once the customer confirms.
            r"|[\d一二三四五六七八九十百千][\d,.一二三四五六七八九十百千万億]*円(くらい|ほど|程度|前後)?(が|を|は|で)?[^。]{0,6}(目安|ご予算|予算感)"
            r"|([\d一二三四五六七八九]+割|\d+[%％])(くらい|ほど|程度)?お?(安|高|引|オフ)|(手数料|料率|報酬|利用料)[^。]{0,12}\d+(割|[%％])"
        ),
        "timing": _re(
            r"(導入|開始|稼働|始める|切り替え|切替|入れ替え|利用開始|契約)の?時期|(?<![のな])時期|(?<![あこそど])いつ(?!でも|も|までも)|開始日|[日月](から)?の?(開始|スタート)|(稼働|開始|導入|切り替え|運用|スタート)日?(は|を|が)[^。]{0,8}(\d+月|来月|再来月|来年|来期|\d+日)|導入(予定|時期|目標|開始)|来期|来年度|新年度|年内|年度内|\d+月(から|まで)|スケジュール|"
            # A start named with its day or month, either way round (公開は…2月の第一土曜に, 4月1日から稼働).
            r"(公開|開始|スタート|稼働|オープン|運用|納品|設置|リリース|施工|着工|工事|取り付け|取付)[^。]{0,16}(\d+月|\d+日|来月|来週|年明け|[月火水木金土日]曜)"
            r"|(\d+月|\d+日|来月|来週|年明け)[^。]{0,10}(公開|開始|スタート|稼働|オープン|納品|設置|施工|着工|工事|リリース|取り付け|取付|開院|開店|開業|開校|開園|開館)"
            # A dated opening the work must be ready for (六月一日に開院なので、それに間に合わせてください).
            r"|(\d+月|\d+日|来月|年明け)[^。]{0,24}間に合(わせ|うように)"
            # A start said bare (来月の頭から。).
            r"|(来週|来月|再来月|年明け|\d+月|\d+日)(の)?(頭|初め|はじめ|中旬|下旬|末)?から[。、]|" + _JA_GO_LIVE
        ),
        "decline": _re(
            r"見送(り|らせ|ります|ることに)|今回は(結構|遠慮|ご縁|やめて?おき|やめとき|パス)|他社(さん)?(の[^。、]{0,15})?に(決め|決ま|決定|しました|お願いする)|他の(会社|サービス|製品|ツール)に(決め|決定)|お断り|導入しない(こと|方向)|検討(を)?中止"
            # Said formally or plainly: put on hold as a decision, not adopted, nothing this time, no plan at all to
            # adopt, the boss's flat no, standardised on something else, kept as it is, already settled elsewhere.
            r"|見合わせ(る|ます|ること|させて|たい)|不採用|採用(しない|は見送|を見送|できない)|今回は(なし|無し|ナシ|ええわ|いいわ|やめ)"
            r"|(導入|契約|購入|申し込み|お願い)(する|の)?(予定|つもり|気)(は|も)?(全く|まったく|全然|一切)?(ない|ありません|ございません|あらへん)"
            r"|(社長|院長|部長|上|会長|理事長|オーナー|本部|本社|親会社)(が|から|は)[^。]{0,6}「?(いらん|いらない|要らない|不要|ダメ|だめ)」?"
            r"|(に統一|に一本化|で統一)(する|される)?こと(に|が)(なり|なっ|決ま)|使えなくな(りました|った)"
            r"|(今の|現状の|いまの)[^。]{0,8}(で|のまま)(行く|いく|続ける|やっていく)(って|こと|ことに|と)"
            r"|もう決ま(ってる|っている|りました|った)(ので|んで|から)、?[^。]{0,6}(結構|いい|大丈夫)"
            r"|(うち|弊社|当社|当院|うちら)(に|には|とは)[^。]{0,6}(合わ(ない|へん|ん|なかった)|向いて(ない|へん|いない))"
            r"|別の(会社|業者|ところ|所|メーカー)(さん)?に(お願い|決め|決ま|頼む|頼み)"
            # A named other supplier chosen (今回は地元の農機屋さん、丸久農機さんのほうにお願いすることにしました), and
            # the offer refused in a word that opens the answer (要りません。, ほな、要らんわ、それは。).
            r"|(さん|屋|(?<![御貴弊当])社)(の)?(ほう|方)?にお願いすること(に|が)(しました|なりました|決ま)"
            r"|^(いや|いえ|ほな|ほんなら|じゃあ|うーん|ああ|もう)?[、,]?(要|い)(りません|らない|らん|らへん|らねえ)(わ|です|って|よ)?([、,]?(それ|そういうの|そんなの)は)?[。!！]?$"
        ),
        "past": _re(r"昨年|去年|以前|前回|過去|当時|その時|この前|この間|\d+(年|か月|ヶ月|カ月)前|一度|かつて"),
        "next_time": _re(r"次回|今度|改めて(?!(整理|確認|まとめ|お聞き|申し上げ|振り返|お礼))"),
        "solution": _re(
            r"(弊社|当社)の[^。、]{0,15}(は|なら|でしたら|であれば|を使うと|をお使いいただくと|では)[^。]{0,60}ます"
        ),
        "recap": _re(
            r"(お伺い|伺っ|伺い|お聞き|お話しいただ|おっしゃっ)[^。]{0,6}(ました|います|た)|前回.{0,12}(お話|伺|お聞き)|というお話(でした|が(あり|ござい)ました|をいただきました)|とのことでした"
        ),
        "cost": _re(r"\d[\d,.]*\s*(時間|件|分|日|万円|円|%|％)"),
        "confirm": _re(
            r"確かに|その通り|おっしゃる通り|そうです|そうなん(です|ですよ|よ|や)(?!ね)|まさに|合っています|間違いありません|はい|^ええ|変わ(って|り)(い|あり)?ません"
        ),
        "free_offer": _re(r"無料|無償|追加(費用|料金)(なし|なく|はかかりません|不要)|費用はかかりません"),
        "policy": _re(r"(の際|場合)(は|に|には)|際には"),
        "result": _re(r"縮まりました|減りました|削減(され|でき)ました|短縮(され|でき)ました|改善しました"),
    },
    "en": {
        "intro_company": _re(
            r"\b(my name is|i'm|i am|this is)\s+[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*)?\s+(from|with|at)\s+[A-Z]"
        ),
        "intro_name": _re(r"\b(my name is|i'm|this is)\s+[A-Z][\w'-]+"),
        "title": _re(r"\b(lead|manager|director|head of|vp|account executive|sales)\b"),
        "purpose": _re(
            r"purpose of (today|this call|our call)|agenda|goal for today|today i'?d like to|today we'?(ll|d like to)"
        ),
        "call_reason": _re(
            r"\b(i'?m|i am) (calling|reaching out) (about|because|to (see|ask|talk|introduce|follow up))|\bthe reason (i'?m calling|i called|for (my|the) call)"
        ),
        "goal": _re(r"goal (for today|of this call) is"),
        "intent": _re(r"anything else you'?d like to (cover|discuss)|what would you like to get out of"),
        "research": _re(r"\b(saw|read|noticed)\b.{0,40}\b(press release|news|announcement|annual report|blog|post)"),
        "strategy": _re(r"strategy|annual report|investor"),
        "news": _re(r"press release|news|announcement"),
        "empathy": _re(r"that sounds (hard|painful|frustrating|tough)|i can imagine|i hear you"),
        "backchannel": _re(r"^(i see|got it|makes sense|right|great|understood)"),
        "summary": _re(
            r"so if i understand|to summari[sz]e|just to confirm|let me recap|in other words|so what i'?m hearing"
        ),
        "deep": _re(r"\bwhy\b|\bhow\b|what if"),
        "open_interest": _re(r"\b(which|what|how)\b"),
        "budget": _re(
            r"\bbudget|set (\w+ )?aside|earmarked|allocated|\bfund(ed|ing|s)\b|(?-i:\bgrants?\b)"
            # Money put by or a ceiling said with its sum (we put about eight grand aside, under thirty quid a month).
            r"|\b(put|set|got|have|kept)\b (\w+ ){0,3}aside\b"
            r"|\b(under|below|less than|no more than|up to|within)\b (about |around )?[$£€]?[\w,.-]+ (quid|pounds|dollars|bucks|grand|euros)\b"
            r"|how much (are|do|can|were|would) (you|they) (\w+ )?(looking to |planning to |able to |want to )?(spend|invest|put in)"
            # A ceiling or an allowance said as a sum a period (under three hundred a month, a kit allowance of about
            # two and a half grand a month).
            r"|\b(under|below|less than|no more than|up to|within|allowance of)\b (about |around )?"
            + _EN_AMOUNT
            + r" (a|per) (week|month|quarter|year)\b"
        ),
        "authority": _re(
            r"\b(owner|founder|board)\b[^.]{0,20}\b(decides?|approves?|signs? off)\b|decision.?maker|final (decision|say|call|sign-?off|approval)|mak(e|es|ing) the (final )?(call|decision)|signs? off|sign-?off|approv(e|al|es)\b|approved by|budget holder|who decides|\b(cfo|ceo|coo|cto|vp|board|director|my boss|procurement|partners|founders?)\b.{0,25}\b(decides?|decided|approves?|signs?)\b|\bis mine up to\b|\babove that,? it'?s\b|go(es)? through (our|the) (board|committee|council)"
            # The decider in the first person (it's my call, my signature on it, we decide stuff together).
            r"|\b(it'?s|it is) (my|our) (call|decision)\b|\bmy signature\b|\bwe decide\b|\bdecide (\w+ ){0,2}together\b"
            # Someone else's call, said plainly (it's Dad's call in the end, more her call than mine, the owner decides,
            # my brother and I make those calls, I'd have to run it past the owners, anything over 500 goes through
            # him, the farm's in both our names).
            r"|\b(it'?s|it is|that'?s|that is|more) (\w+'s|her|his|their) (call|decision)\b|\bi decide\b(?=\s*([.,!;]|$))"
            r"|\b(he|she|dad|mum|mom|the (owners?|boss|board|director|partners?|committee)) decides\b"
            r"|\bmake (those|these|the|all the|such) (calls|decisions)\b"
            r"|\brun (it|this|that) (past|by) (the |my |our )?(owners?|boss|partners?|board|wife|husband|brother|sister|dad"
            r"|father|mum|mom|director|committee|trustees)\b"
            r"|\bgoes through (him|her|them|the (owners?|board|director|committee))\b|\bin (both )?(our|my) names?\b"
        ),
        "need": _re(
            r"challenge|(?<!no )problem|by hand|manual(ly)?\b|take (so|that|too) long|takes (\w+ ){0,3}(most|all|half) of|what matters|\bissues?\b|pain|struggl|need to|we need|bottleneck|takes (a lot|too|about|over|three|two|several|\d+)|hours (a|per|every) (day|week|month)|overtime|frustrat|\bhate\b|hard to|difficult|mistakes|friction|\bslow\b|delays?\b|late (fees|payments)|penalt|rework|back and forth|doesn'?t (work|scale|connect)|made the difference|deciding factor|matters most|most important|must.have|deal.?breaker|double.?book|overbook|clash|ended up|never came back|we lost (\w+ ){0,2}(customers?|bookings?|orders?|clients?|deals?)|complain|went wrong|fell through|spends? (most|all|half|hours|every)|\b(the|our|my) (main )?goal\b|\b(get|getting|bring|bringing|cut|cutting)\b[^.]{0,40}\bdown to\b"
            # Said in the first person or as a worry or a loss (I need my crews' photos to show up, the cold is what
            # worries me, we lost money on the last two jobs, the app is not syncing).
            r"|\bi need\b|\b(what )?worr(ies|ied) me\b|\blost money\b|\bwent over (budget|by)\b"
            r"|\b(isn'?t|is not|aren'?t|are not|not) (working|syncing|showing up|loading|saving)\b"
        ),
        "timeline": _re(
            r"timeline|by when|\bwhen (do|would|will|did) (you|they|we) (need|want|like|plan|expect|hope)|go live|live before|in place|next (quarter|month|fiscal year)|this quarter|\bq[1-4]\b|peak season|(by|before|until|in) (the )?(end of |early |mid-?|late )?((january|february|march|april|may|june|july|august|september|october|november|december)|spring|summer|fall|autumn|winter)|start\w*\b.{0,25}\b(on|in|by) (january|february|march|april|may|june|july|august|september|october|november|december)|(until|after|from) (next )?(january|february|march|april|may|june|july|august|september|october|november|december)|(once|when) (the|that|our) contract (ends|expires|is up)|in time for|before the (\w+ ){0,2}(term|season|rush|launch|crowd|holidays)"
            r"|(first|second|third|last|1st|2nd|3rd) (week|half) of (january|february|march|april|may|june|july|august|september|october|november|december)"
            r"|\b(first|1st|mid|middle|end|start|beginning)(-| of )(january|february|march|april|may|june|july|august|september|october|november|december)\b|\bat the latest\b"
            # A start tied to its month or a shutdown (install during our August shutdown, July seventh go-live, the
            # twenty-third of December).
            r"|\b(install|go(es)?.?live|start|launch|kick.?off|roll.?out|commission|rigging)\w*\b[^.]{0,40}\b(january|february|march|april|may|june|july|august|september|october|november|december)\b"
            r"|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b[^.]{0,20}\b(go.?live|install|start|launch)"
            r"|\bthe (\d{1,2}(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\w+teenth|twentieth|twenty-\w+|thirtieth|thirty-first) of (january|february|march|april|may|june|july|august|september|october|november|december)\b|\bduring (the|our) (\w+ )?(shutdown|closure|break|holidays)\b"
            r"|(contract|lease|subscription|licen[cs]e) (renews|ends|expires|runs out|is up) (on|in|at the end of) "
            r"(january|february|march|april|may|june|july|august|september|october|november|december|\d)"
        ),
        "deflection": _re(
            r"not sure|don'?t know|haven'?t (really )?(decided|planned)|no budget|not yet|no idea|not looking|don'?t have (a|any) (number|figure|budget)|depends on (what|the) (it )?costs?|no (hard |firm |real )?deadline|\bsometime\b|no rush|not (been )?(set|decided|agreed|approved) yet|haven'?t (even )?(set|had|got)"
        ),
        "negation": _re(r"^.{0,3}\b(not|no)\b"),
        "competitor": _re(r"competitor|currently using|other (tools|vendors|solutions)|spreadsheet|using any"),
        "past_attempt": _re(r"(tried|looked at|evaluated).{0,30}(before|last year|previously)|have you tried"),
        "past_eval": _re(r"tried|evaluated|looked at"),
        "why_now": _re(r"why now|what prompted|what triggered"),
        "dissatisfaction": _re(r"too complex|frustrat|don'?t like|hard to use|doesn'?t work"),
        "bottleneck": _re(r"takes (a lot of|too much|\w+) time|bottleneck|slow|manual"),
        "customer_number": _re(r"\d[\d,.]*\s*(%|hours?|days?|analysts?|people|dollars|k\b)"),
        "quantified": _re(
            r"(cut|reduce|save|increase|improve)\w*\b.{0,40}\d+\s*%|\d+\s*%.{0,30}(faster|less|more|reduction|savings)"
        ),
        "roi": _re(r"\bROI\b|payback|return on investment"),
        "case_study": _re(r"case study|customers like you|companies like yours"),
        "matching_case": _re(r"customers like you|similar (size|company)|same industry"),
        "uses_discovery": _re(r"you mentioned|as you said|earlier you said"),
        "check_in": _re(r"any questions|does that make sense|so far"),
        "concern_question": _re(r"concerns?\b.*\?|worries|hesitat"),
        "concern": _re(r"concern|worried|risk|hesitant|grumbl"),
        "acknowledge": _re(
            r"understand|understood|good point|fair|that makes sense|i hear you|you'?re right|great question|concern|worry|thank"
        ),
        "meeting": _re(
            r"meeting|call|demo|session|catch up|sync|appointment|walkthrough|review|check-?in|kick-?off|workshop|visit|presentation|invite"
            r"|\b(talk|speak) again\b|\bring (you|me)\b|\bmeet\b|\bget together\b"
            # A visit in plain words (Could I come by Tuesday? Could our surveyor come and measure up?).
            r"|\b(come|pop|swing|stop|drop) (by|over|round)\b|\bcome out (to|and|on|there)\b"
            r"|\bcome (and|to) (see|measure|look|survey|check|walk)\b|\bmeasure up\b"
        ),
        "date": _re(
            r"\b(next|this)\s+"
            + _EN_DAY
            + r"|\bon\s+"
            + _EN_DAY
            + r"|\b"
            + _EN_MONTH
            + r"\s+\d{1,2}(st|nd|rd|th)?\b|\b"
            + _EN_DAY
            + r"\b|\b(on|for) the \d{1,2}(st|nd|rd|th)\b"
            # Ordinal days in words (the twelfth of December, Thursday the eighteenth, December twelfth; a day said
            # back without its article: Sixth of November, ten).
            + r"|\b(the )?"
            + _EN_ORDINAL
            + r" of "
            + _EN_MONTH
            + r"\b|\b"
            + _EN_DAY
            + r" the "
            + _EN_ORDINAL
            + r"\b|\b"
            + _EN_MONTH
            + r"\s+"
            + _EN_ORDINAL
            + r"\b"
        ),
        "time": _re(
            r"\bat\s+\d{1,2}(:\d{2})?\s*(am|pm)?|\b\d{1,2}(:\d{2})?\s*(am|pm)\b|\b\d{1,2}:\d{2}\b|\bhalf (past )?\d{1,2}\b"
            # Hours in words (two pm, ten a.m., at nine; not "at one point").
            r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)( thirty| fifteen| forty-five)?\s*(am|pm|a\.m\.|p\.m\.|o'?clock)"
            r"|\bat (two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)( thirty| fifteen)?\b(?! (of|point|percent|times?|people))"
            # An hour with its part of the day, or in digits before o'clock (say eight in the morning, 10 o'clock).
            r"|\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(:\d{2}| thirty)?\s*"
            r"(o'?clock|in the (morning|afternoon|evening))\b"
        ),
        "affirm": _re(
            r"\b(yes|works|would work|sounds good|that'?s fine|perfect|see you|sure|it is|lovely|great|done|i'?ll be there)\b"
            # An hour taken and booked (Fine, put it in; pencil me in; lock it in).
            r"|\bfine, (put|pencil|book|lock)\b|\b(put|pencil|book|lock) (it|me|us|that) in\b"
            r"|\b(that|it|two|three|four|ten|eleven|nine|\w+)'?s (okay|ok)\b|\bis (okay|ok)\b"
        ),
        "refuse": _re(
            r"can'?t|cannot|doesn'?t work|not available|tricky|depends on|let you know|get back to you|check (my|our|the) (calendar|diary|schedule)"
        ),
        "participants": _re(r"\bwith (your|our)\b|join|bring"),
        "preparation": _re(r"prepare|materials|quote|proposal|deck"),
        "vague_follow_up": _re(
            r"\bi'?ll be in touch|\bi'?ll reach out|let me know whenever you'?re ready|whenever you'?re ready,? (just )?(let me know|give me a (call|shout|ring))|\bi'?ll (follow up|check in|call) (again )?(sometime|at some point)\b|we can set something up|\bi'?ll follow up with you\b(?! (by|on|at|tomorrow|today|this))|(let'?s|we'?ll|we can|we should) (find|set up|grab) (some )?time|(talk|speak|chat|catch up) again (soon|sometime|next week|later)|\bwe'?ll get back to you|(some|a few) (times|slots|options) (for|to)\b|talk soon|circle back|touch base"
            # Material sent and the rest left open ("I'll send over some info…, and we can go from there").
            r"|\b(we can|we'?ll|let'?s) (go|take it) from there\b"
        ),
        # The customer saying their point was missed ("That's not what I asked", "as I said").
        "pushback": _re(r"^(no,? )?(that'?s not what i (asked|meant|said)|as i (said|mentioned)|like i said)"),
        "open_invitation": _re(
            r"\b(if|should) (anything|you have (any )?questions)\b[^.]{0,30}\b(call|reach|email|contact|let (me|us) know)"
        ),
        "rep_commitment": _re(
            r"\bi('ll| will)\s+((also|then|just|personally|definitely)\s+)?(send|share|prepare|follow up|get back|check|email|put together|set up|book|schedule|confirm|draft|write up|forward|assign|arrange|introduce|loop in)"
        ),
        "customer_commitment": _re(
            r"\bi('ll| will)\s+((also|then|just|definitely)\s+)?(check|talk|ask|loop in|share|review|discuss|send|bring|forward|invite|confirm|get back|set up|book|introduce|run it by|follow up|look into|let you know|pull|prepare|gather|put together|find out|make sure|accept|get you|email you)"
        ),
        "due": _re(
            r"\d{4}-\d{2}-\d{2}|\btoday\b|\btonight\b|\btomorrow\b|this week|next week|end of (day|the week)|by "
            + _EN_DAY
        ),
        "discount": _re(
            r"discount|% off|percent off|special price|(make|do|get|give|let) (it|you|this|that|them) (go )?(a bit |a little )?cheaper|cheaper (for you|rate|deal|price)|half (price|off)|knock\w* (\d+|\w+) (%|percent )?off|(first|\d+|one|two|three|a) (free )?(months?|weeks?) (free|on us|at no (cost|charge))|throw in .{0,20}free"
        ),
        "price_objection": _re(
            r"expensive|too much|over budget|discount|cheaper|lower the price|come down|closer to \d|expecting (something )?(closer|lower)|above what we"
        ),
        "added_value": _re(r"free (training|onboarding)|pilot|trial|phased rollout|dedicated (support|manager)"),
        "no_figures": _re(
            r"\b(don'?t|do not) have (the |any |exact |hard )?(numbers|figures|data|stats)( \w+)? (on hand|in front of me|with me|handy)\b"
        ),
        "figures_to_follow": _re(
            r"\b(check|look (it|them) up|find out)\b[^.]{0,30}\b(send|get back|email|follow up)\b"
        ),
        "vague_benefit": _re(
            r"makes? (your|things) (life )?easier|makes? \w+ (a lot|much|so much) easier|makes? life easier|more efficient|saves? you time|easy to use|really powerful|game.?changer|so much easier|best.in.class"
            r"|(run|runs|work|works|go|goes) (a lot |much |so much )?smoother|makes? (everything|things|it all|life) (\w+ )?(smoother|simpler|better)"
            r"|a lot more (visibility|control|insight)"
            r"|save (you )?(time and money|money and time)|big improvement|feel the difference|peace of mind|streamlin\w+|optimi[sz]e\w*"
        ),
        "shallow_question": _re(
            r"are you (interested in|looking for) (our|a new) (product|service|\w+)\b|(would|are|were) (you|your \w+|the \w+) (\w+ )?(be )?interested in"
            r"|something you'?d be interested in|are you (happy|satisfied) with (your|the|how)"
        ),
        "decision_maker_meeting": _re(
            r"\b(cfo|ceo|vp|director|decision.maker)\b.{0,40}\b(join|meeting|demo|call)|\b(demo|meeting|call)\b.{0,20}\bwith your (cfo|ceo|vp|director)"
        ),
        "post_contract": _re(r"after (you sign|signing)|onboarding process"),
        "contract_terms": _re(r"payment terms|contract (term|length)|cancel|renewal|invoice"),
        "roadmap": _re(r"kick-?off|implementation plan|go-live plan|rollout plan"),
        "training": _re(r"training|workshop|onboarding session"),
        "support_contact": _re(r"support (desk|team|contact)|customer success manager|dedicated (support|manager)"),
        "usage_check": _re(r"how (is|are) .{0,20}(going|working)|usage"),
        "satisfaction": _re(r"satisf|\bNPS\b|survey"),
        "upsell": _re(r"upgrade|add-on|other (teams|departments)"),
        "plan": _re(
            r"\bplan\b(?! for (today|this (call|meeting)|the call))(?<!year's plan)(?<!fiscal plan)(?<!business plan)(?<!budget plan)(?<!you plan)(?<!we plan)(?<!\bi plan)(?<!to plan)(?<!they plan)|proposal|pilot|add-?on|package|\btier\b|\bsuite\b|\b(two|three|both) options\b|\bbundle\b|\bedition\b|roll ?out across|\bseats\b|licen[cs]es\b|\d+ licen[cs]e\b|licen[cs]e (fee|cost|plan)|order form|subscription|the agreement\b"
        ),
        "price": _re(
            r"quote|\d[\d,.]*\s*(dollars|usd|k\b|a (month|year)|per (month|year|seat|user))|\$\s?\d|% off|discount|(price|pricing|cost|budget(ed)?)\b.{0,20}\d"
            # Other currencies and a rate per unit (22 pounds per van per month, £22, €400 a site).
            r"|\b(comes? to|totals?|that'?s)\s+\$?\d{3,}|\b\d{3,}[\d,.]*\s*(installed|all in|in total|total)\b"
            r"|\d[\d,.]*\s*(pounds|quid|euros?|yen|aud|sgd|gbp|eur)\b|[£€¥]\s?\d|\bper (van|vehicle|truck|site|location|store|head|user|seat|licen[cs]e|device|unit)\b[^.]{0,12}\bper (month|year)\b"
        ),
        "timing": _re(
            r"timeline|\bwhen\b|go live|live before|in place|(this|next|the|by|in|of the) quarter|deadline|(until|after|from) (next )?(january|february|march|april|may|june|july|august|september|october|november|december)|(once|when) (the|that|our) contract (ends|expires|is up)|\bq[1-4]\b|by (the )?end of|(start|begin|launch|roll\w* out|kick off|switch)\w*\b.{0,30}\b(on|in|by|from) (january|february|march|april|may|june|july|august|september|october|november|december)|before the (\w+ ){0,2}(term|season|rush|launch|crowd|holidays)"
            r"|(first|second|third|last|1st|2nd|3rd) (week|half) of (january|february|march|april|may|june|july|august|september|october|november|december)"
            r"|\b(first|1st|mid|middle|end|start|beginning)(-| of )(january|february|march|april|may|june|july|august|september|october|november|december)\b|\bat the latest\b"
            # A start tied to its month or a shutdown (install during our August shutdown, July seventh go-live, the
            # twenty-third of December).
            r"|\b(install|go(es)?.?live|start|launch|kick.?off|roll.?out|commission|rigging)\w*\b[^.]{0,40}\b(january|february|march|april|may|june|july|august|september|october|november|december)\b"
            r"|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b[^.]{0,20}\b(go.?live|install|start|launch)"
            r"|\bthe (\d{1,2}(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\w+teenth|twentieth|twenty-\w+|thirtieth|thirty-first) of (january|february|march|april|may|june|july|august|september|october|november|december)\b|\bduring (the|our) (\w+ )?(shutdown|closure|break|holidays)\b"
        ),
        "decline": _re(
            r"no longer interested|not interested|decided to go with|go(ing)? with (another|a different)|chose (another|a different)|signed with|we'?ll pass|not moving forward|not going ahead|not looking to (switch|change|buy|move)"
            r"|\b(have to|going to|will|'ll|gonna|must|decided to) pass\b|\bwent with (another|a different|someone else|the other|an? \w+ (vendor|provider|supplier))"
            r"|\bhard no\b|\bnot this (year|cycle|round|time)\b|\bdecided (not to|against)\b|\bwon'?t be (moving|going) (forward|ahead)"
            r"|\bno longer (pursuing|considering|looking)|\b(we'?re|we are|we'?ll|we will) (be )?stay(ing)? with\b"
            r"|\b(it'?s|it is|this is) not (really )?(for us|right for us)|\bnot for us\b|\bwe'?ll leave it\b|\bwe'?ve decided (not|against)"
            # Every offer refused in a row, or nothing to be added (No Connected, no extra units, no training. We're not
            # adding anything.).
            r"|^no [\w-]+( [\w-]+)?, no [\w-]+|\b(we'?re|we are|i'?m|i am) not (adding|buying|taking|signing up for) (anything|any more|more)\b"
            # The answer named a no (For now, it's a no; it's a no for this year): on 6 of 6 labelled English calls, ボツ.
            r"|\b(it'?s|it is|that'?s|that is) a no\b(?!-)"
            # It will not happen, or a bare "Not now." (So it's not happening this year. Not now.; blind116 cq14).
            r"|\b(it'?s|it is|that'?s|that is|this is) not (going to be |gonna )?happening\b|^not now[.!]?$"
            # Said with a contraction (It just isn't happening now.).
            r"|\b(it|this|that) (just |simply |really )?(isn'?t|is not) happening\b"
            # Not now said with a softener (Honestly, not right now.; Really not now.; Not now, though.), a yes denied
            # (Sorry it's not a yes.), or no money at all for it (we're not spending a dime; not an extra cent).
            r"|^(honestly|really|just|sorry)?,? ?not (right )?now(,? though)?[.!]?$|\b(it'?s|it is|that'?s) not a yes\b"
            r"|\bnot spending (a dime|a cent|an extra cent|anything|any money)\b"
            # A rival named as the choice (we're going with GreenTrap; We will go with Thermolink).
            r"|\b(we'?re|we are|we will|we'?ll) (be )?go(ing)? with (?-i:[A-Z])\w+(?! (plan|tier|option|package|add-on))"
        ),
        "past": _re(r"last year|previously|in the past|before|\bago\b"),
        "next_time": _re(r"next (time|meeting|call)"),
        "solution": _re(
            r"\b(our|the) (product|platform|tool|system|solution|app|module)\b.{0,40}\b(can|will|would|lets you|handles|cuts|reduces|integrates)|with (us|our \w+), you (can|could|would)"
        ),
        "recap": _re(r"you (told us|mentioned|said)|as you said|earlier you|last time you"),
        "cost": _re(r"\d[\d,.]*\s*(hours?|days?|minutes|tickets|calls|errors|%|dollars|k\b)"),
        "confirm": _re(
            r"\b(yes|exactly|right|correct|that'?s it|that matches|true|agreed)\b|^(they|it|we|that|i) (do|does|did|is|are|was|were)\b"
        ),
        "free_offer": _re(
            # A person who is free (he's free, I'm free) is available, not an offer.
            r"\bfree\b(?<!he's free)(?<!she's free)(?<!i'm free)(?<!we're free)(?<!you're free)(?<!they're free)(?<!he is free)(?<!she is free)|no charge|no cost|free of charge|complimentary"
        ),
        "policy": _re(r"\b(in case of|whenever|if (anything|something) (breaks|goes wrong))\b"),
        "result": _re(r"went from|down to|\b(cut|reduced|saved)\b.{0,20}\b(from|by)\b"),
    },
}


for _lang, _shapes in SHAPES.items():
    LEXICON[_lang].update(_shapes)
    LEXICON[_lang].update(CONDUCT[_lang])
    LEXICON[_lang].update(AFTER[_lang])


def lexicon(language: str) -> dict[str, re.Pattern[str]]:
    """Markers for the call's language; anything not English is read with the Japanese set."""
    return LEXICON["en"] if language.startswith("en") else LEXICON["ja"]

"""BANT items no marker names, read from the customer's words by a model learned from the labelled calls
(`rubrics/bant-model.json`).

The rules find a budget, an approval path, a need or a timing when the customer says it in words the lexicon lists
or in a sentence shape it knows; on unseen calls they miss about one item in seven (「月一万くらいのイメージ」, a
decision rule said as a habit). The NG model's per-id text model (`scoring/ng_model.py`), trained on the customer's
words per BANT item by `python -m bench.ng_text_probe --target bant export`, finds most of the rest on held-out sets
(docs/scoring.md, "A learned BANT model"). It only adds items the rules did not find, each with the customer
sentence its model rates highest when it reads that sentence alone, and stays silent on calls shorter than those it
learned from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from scoring import shapes
from scoring.ng_model import NgModel, parse_model
from scoring.scorecard import BANT_KEYS, BantItem

if TYPE_CHECKING:
    from scoring.collector import Collector

MODEL_FILE = "bant-model.json"
CHECK = "needs_discovery.bant.{key}"
AUTHORITY_CONFIRMED = "negotiation_closing.decision_maker.authority_confirmed"


@lru_cache(maxsize=1)
def packaged_model() -> NgModel:
    """The model shipped in `rubrics/`, validated once: its ids are BANT items."""
    text = resources.files("rubrics").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return parse_model(json.loads(text), set(BANT_KEYS), what="a BANT item")


def add_learned(
    c: Collector,
    bant: dict[str, BantItem],
    customer_utterances: Sequence[str],
    tf: Mapping[str, int] | None = None,
    model: NgModel | None = None,
    language: str | None = None,
) -> list[str]:
    """Mark found the items the model reads and the rules did not, each with its evidence sentence and the
    criterion's score, as the rules do for an item stated; returns the items added, in BANT order. `tf`: the
    utterances' n-gram counts, shared with the deal-state model; `language`: the call's, for its threshold (English
    calls read it higher)."""
    model = model or packaged_model()
    shown = set(model.shown(customer_utterances, tf, language))
    missing = [key for key in BANT_KEYS if key in shown and not bant[key].found]
    if not missing:
        return []
    sentences = [s for s in c.view.sentences if not s.is_rep]
    vectors = model.sentence_vectors([s.text for s in sentences])
    added = []
    for key in missing:
        at = model.evidence(key, vectors)
        # A budget needs money on the model's best line, and no approval limit (the model reads money and a signer
        # alike): where that line has no money ("I'll send photos tomorrow."), the model read the call's money
        # elsewhere or nowhere, and the card would show a budget its evidence does not.
        if at is None or (key == "budget" and not _money_line(sentences[at].text)):
            continue
        bant[key] = BantItem(found=True, evidence=sentences[at].quote())
        c.put(CHECK.format(key=key), 2, [sentences[at]])
        if key == "authority":
            # As the rules do: the approval path found in discovery is the decision maker confirmed at closing.
            c.put(AUTHORITY_CONFIRMED, 2, [sentences[at]], primary=False)
        added.append(key)
    return added


def _money_line(text: str) -> bool:
    """A line that speaks of money and is no approval limit (百万以下なら私の決裁 says who signs, not a budget)."""
    return bool(_MONEY.search(shapes.NON_MONEY_BUDGET.sub("", text))) and not shapes.approval_limit(text)


# Money words, amounts and currencies, in both languages.
_MONEY = re.compile(
    r"円|万|千|百|億|予算|枠|費|お金|金額|コスト|値段|価格|(?<!資)料|代金|投資|出せ|払|かけられ|かけれ|高い|高く|安い|安く|補助|助成"
    r"|\d|\b(budget|money|spend|spent|cost|costs|price|pricing|afford|pounds|dollars|euros|quid|grand|cash|pay|paying|"
    r"cheap|expensive|funds?|funding|grants?|hundred|thousand|million|k)\b|[$£€¥]",
    re.I,
)

"""The report's wording (rubrics/report.yaml), validated on load so a missing translation names its key."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from scoring.rubric import rubrics_dir
from scoring.yaml_data import RubricError, YamlReader
from sync.report.monthly import NAMED_ROWS, ROWS
from sync.report.sla_compliance import OUTCOMES

LANGS = ("ja", "en")
KPI_IDS = (
    "thank_you_hours",
    "minutes_reply_rate",
    "touches_per_deal",
    "next_meeting_30d_rate",
    "pilot_rate",
    "activity_input_rate",
)
SECTIONS = ("rows", "named", "kpis", "sla_rules", "outcomes", "text")


@dataclass(frozen=True)
class Labels:
    """All wording in one language; `t` looks up the free-standing texts."""

    lang: str
    rows: dict[str, str]
    named: dict[str, str]
    kpis: dict[str, dict[str, str]]
    sla_rules: dict[str, str]
    outcomes: dict[str, str]
    text: dict[str, str]

    def t(self, key: str, **fields: Any) -> str:
        return self.text[key].format(**fields) if fields else self.text[key]

    def rule(self, rule_id: str) -> str:
        """A rule's name; a rule added to the SLA data without a label shows its id rather than failing."""
        return self.sla_rules.get(rule_id, rule_id)


def _pair(r: YamlReader, value: Any, path: str) -> dict[str, str]:
    d = r.mapping(value, path, set(LANGS))
    return {lang: str(r.get(d, lang, path, str)) for lang in LANGS}


def parse_labels(data: Any, filename: str) -> dict[str, Labels]:
    """Both languages' labels from the parsed YAML; every required key must be there in ja and en."""
    r = YamlReader(filename)
    top = r.mapping(data, "", {"version", *SECTIONS})
    sections: dict[str, dict[str, Any]] = {}
    for name in SECTIONS:
        sections[name] = r.mapping(r.get(top, name, "", dict), name, set(r.get(top, name, "", dict)))
    required = {
        "rows": [row for row, _ in ROWS],
        "named": list(NAMED_ROWS),
        "kpis": list(KPI_IDS),
        "outcomes": list(OUTCOMES),
    }
    for section, keys in required.items():
        for key in keys:
            r.get(sections[section], key, section, dict)
    flat = {
        name: {k: _pair(r, v, f"{name}.{k}") for k, v in sections[name].items()} for name in SECTIONS if name != "kpis"
    }
    kpis = {
        k: {
            part: _pair(
                r,
                r.get(r.mapping(v, f"kpis.{k}", {"name", "rule", "goal"}), part, f"kpis.{k}", dict),
                f"kpis.{k}.{part}",
            )
            for part in ("name", "rule", "goal")
        }
        for k, v in sections["kpis"].items()
    }
    return {
        lang: Labels(
            lang=lang,
            rows={k: v[lang] for k, v in flat["rows"].items()},
            named={k: v[lang] for k, v in flat["named"].items()},
            kpis={k: {part: texts[lang] for part, texts in v.items()} for k, v in kpis.items()},
            sla_rules={k: v[lang] for k, v in flat["sla_rules"].items()},
            outcomes={k: v[lang] for k, v in flat["outcomes"].items()},
            text={k: v[lang] for k, v in flat["text"].items()},
        )
        for lang in LANGS
    }


@cache
def labels(lang: str) -> Labels:
    """The labels for `lang` ('ja' or 'en'; anything else falls back to Japanese, the product's first language)."""
    path = rubrics_dir() / "report.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RubricError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_labels(data, path.name)[lang if lang in LANGS else "ja"]

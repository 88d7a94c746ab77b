"""The worker's parent loads, before its first fork, what a job would otherwise load in every work-horse."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from sync.queue import ALL_QUEUES
from sync.worker import DealCoachWorker

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import fnmatch, json, sys
from scoring import rubric, markers, ng_model, deal_model, bant_model, next_step_model
from scoring.lexicon import LEXICON
from connector.hubspot import api_factory
from sync.sla import rules
from sync.warm import warm_caches
def state():
    return {"holidays": "holidays.countries.japan" in sys.modules,
            "rubrics": rubric._cached_rubric.cache_info().currsize, "sla": rules.default_sla_rules.cache_info().currsize,
            "markers": all(p in markers._REQUIRED for lex in LEXICON.values() for p in lex.values()),
            "hosts": fnmatch._compile_pattern.cache_info().currsize,
            "sdk_version": api_factory.sdk_version.cache_info().currsize,
            "ng_model": ng_model.packaged_model.cache_info().currsize,
            "ng_language_model": ng_model.language_model.cache_info().currsize,
            "deal_model": deal_model.packaged_model.cache_info().currsize,
            "bant_model": bant_model.packaged_model.cache_info().currsize,
            "next_step_model": next_step_model.packaged_model.cache_info().currsize}
before = state()
warm_caches()
print(json.dumps({"before": before, "after": state()}))
"""


def test_warming_loads_the_holiday_calendars_rubrics_and_rules_a_job_needs() -> None:
    """A fresh interpreter, as a worker starts: cold before, warm after (the holiday modules alone are ~80 ms)."""
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["before"] == {"holidays": False, "rubrics": 0, "sla": 0, "markers": False, "hosts": 0, "sdk_version": 0,
                              "ng_model": 0, "ng_language_model": 0, "deal_model": 0, "bant_model": 0,
                              "next_step_model": 0}
    assert seen["after"]["holidays"] and seen["after"]["rubrics"] >= 2 and seen["after"]["sla"] == 1
    assert seen["after"]["markers"] and seen["after"]["hosts"] >= 10 and seen["after"]["sdk_version"] == 1
    models = ("ng_model", "deal_model", "bant_model", "next_step_model")
    assert all(seen["after"][m] == 1 for m in models)
    assert seen["after"]["ng_language_model"] >= 1  # the English word model (and "none" for Japanese calls)


def test_the_worker_warms_before_it_forks(redis_conn: redis.Redis, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="dealcoach.sync.warm")
    DealCoachWorker(list(ALL_QUEUES), connection=redis_conn).work(burst=True)
    assert "sync.worker.warmed" in caplog.text

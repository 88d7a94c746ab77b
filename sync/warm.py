"""Warm the worker's parent process before it forks: RQ's `Worker` runs every job in a new work-horse forked from
the parent, so whatever a job loads or compiles on first use (rubrics, SLA rules, stage maps, the offline scorer's
regular expressions and their required literals, the learned NG model (55 ms of JSON), the download hosts' patterns, the note templates, the holiday calendars: `holidays` imports its ~280 country modules on
first use, 80 ms) dies with the horse and is rebuilt by the next job unless the parent
already holds it. Filled once here, it is inherited by every horse (copy-on-write). That includes the job modules
themselves: `dealcoach worker`'s parent never imports them, so each horse imported `sync.jobs` and the CRM SDKs behind
it (~200 ms of CPU) before its job could start."""

from __future__ import annotations

import importlib
import logging
import time
from importlib import resources

from connector.download_policy import CRM_RECORDING_HOSTS, DownloadPolicy
from connector.hubspot.api_factory import sdk_version
from scoring.bant_model import packaged_model as bant_model
from scoring.deal_model import packaged_model as deal_model
from scoring.markers import prepare_markers
from scoring.next_step_model import packaged_model as next_step_model
from scoring.ng_model import LANGUAGE_MODEL_FILES, language_model, packaged_model
from scoring.render import render_note_html
from scoring.rubric import load_rubric_or_reference, load_stage_map
from scoring.scorer import score_call
from scoring.transcript import parse_transcript
from sync.queue import JOB_BY_KIND
from sync.sla.business_calendar import BusinessCalendar
from sync.sla.rules import default_sla_rules

log = logging.getLogger("dealcoach.sync.warm")

SAMPLE = "discovery_call.ja.vtt"
# Modules of the jobs RQ imports by name in the horse: the webhook kinds' and the cron's (sweeps, digests).
JOB_MODULES = tuple(
    sorted({func.rpartition(".")[0] for _, func in JOB_BY_KIND.values()} | {"sync.sweep", "sync.report.digest"})
)


def warm_caches() -> float:
    """Import the job modules, score and render the packaged sample call in both languages and load the shared
    data; the seconds it took."""
    started = time.perf_counter()
    for module in JOB_MODULES:
        importlib.import_module(module)
    sample = resources.files("rubrics").joinpath("samples", SAMPLE).read_bytes()
    for lang in ("ja", "en"):
        rubric = load_rubric_or_reference("sales-7-phase", lang)
        transcript = parse_transcript(sample, filename=SAMPLE, language=lang)
        card = score_call(transcript, rubric=rubric, mode="offline")
        render_note_html(card, rubric=rubric, lang=lang)
    # Markers the sample call did not reach, and the CRMs' file-host patterns every transcript download matches
    # its URL's host against (fnmatch compiles each on first use: ~14 regular expressions per HubSpot horse).
    prepare_markers()
    packaged_model()  # the sample's offline card loads the learned models; named so that the warm-up does not
    deal_model()  # hang on the sample reaching them
    bant_model()
    next_step_model()
    for language in LANGUAGE_MODEL_FILES:  # the English word model: read on English calls only
        language_model(language)
    sdk_version()  # importlib.metadata reads the installed distribution: the User-Agent of every HubSpot client
    for provider in CRM_RECORDING_HOSTS:
        DownloadPolicy.for_tenant(provider).host_allowed("warm.invalid")
    for provider in ("hubspot", "salesforce"):
        load_stage_map(provider)
    default_sla_rules()
    BusinessCalendar.from_settings({"timezone": "Asia/Tokyo"})
    spent = time.perf_counter() - started
    log.info("sync.worker.warmed seconds=%.3f", spent)
    return spent

"""Build the LLM scorer from configuration: OpenAI or any OpenAI-compatible server (the runtime passes the env)."""

from __future__ import annotations

from collections.abc import Mapping

from scoring.llm.scorer import LlmScorer, ScoreCache

DEFAULT_MODEL = "gpt-4o-mini"


def llm_from_env(env: Mapping[str, str], *, cache: ScoreCache | None = None) -> LlmScorer | None:
    """An LlmScorer from OPENAI_API_KEY / OPENAI_BASE_URL / DEALCOACH_LLM_MODEL, or None when neither key nor URL is set.

    A base URL alone is enough for OpenAI-compatible servers that need no key.
    """
    import openai

    api_key = (env.get("OPENAI_API_KEY") or "").strip()
    base_url = (env.get("OPENAI_BASE_URL") or "").strip()
    if not api_key and not base_url:
        return None
    client = openai.OpenAI(
        api_key=api_key or "unused", base_url=base_url or "https://api.openai.com/v1", timeout=60, max_retries=2
    )
    model = (env.get("DEALCOACH_LLM_MODEL") or "").strip() or DEFAULT_MODEL
    return LlmScorer(client, model=model, cache=cache)

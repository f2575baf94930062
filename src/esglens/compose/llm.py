"""Optional LLM mode: rewrite the extractive overview with any OpenAI-compatible endpoint.

Stage: Overview -> Overview (``mode="llm"``). Each section's extractive sentences are sent,
numbered, with snippets of the pages they cite; the model answers with numbered sentences tagged
with the pages they rely on (``… [p. 7]``). Every generated sentence then goes through
``verify.verify_sentence`` (numbers, names and content words on the cited pages; no broken or
repeated words, no lost subject). Anything unverified falls back to the extractive sentence it
replaces, so the LLM can rephrase but never add a fact.

The endpoint is reached through the ``openai`` client (the ``llm`` extra), imported only in this
mode; the only host contacted is ``endpoint`` (OpenAI, vLLM, Ollama, llama.cpp server). Prompts
stay under ~1,500 tokens for small local models. Raises ConfigError for a bad endpoint, key or
model (or a missing extra), LLMError when the server fails or times out.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import os
import re
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..errors import ConfigError, LLMError
from ..model import Citation, Document, Overview, Section, Sentence
from ..segment import split_sentences
from .verify import _STOP, _WORD, number_values, strip_tags, verify_sentence

__all__ = ["MAX_PROMPT_CHARS", "SYSTEM_PROMPT", "build_prompt", "parse_answer",
           "rewrite_overview", "strip_tags", "verify_sentence"]

log = logging.getLogger(__name__)

MAX_PROMPT_CHARS = 3_600  # <= ~1,450 tokens even for digit-heavy text: n_ctx 2048 minus answer
MAX_SOURCE_PAGES = 4  # pages quoted per request
MAX_DRAFT = 6  # extractive sentences rewritten per request
MAX_ANSWER_TOKENS = 384
TOKENS_PER_SENTENCE = 64  # answer budget per draft sentence; small models otherwise ramble on
STOP = ["SOURCES:", "SECTION:", "\n\n\n"]  # a model echoing the prompt stops there
MAX_QUOTE = 300

SYSTEM_PROMPT = (
    "You edit one section of an ESG report summary. Rewrite each numbered draft sentence in "
    "clear plain English, using only facts from the SOURCES. Keep every number exactly as "
    "written. Answer with the same numbered list, one sentence per line, and end each sentence "
    "with the page it relies on, like [p. 7]."
)

# --------------------------------------------------------------------------- client


class _Client:
    """The ``openai`` client pointed at ``endpoint``, its errors turned into esglens errors."""

    def __init__(self, endpoint: str, api_key: str | None, timeout: float) -> None:
        parts = urllib.parse.urlsplit(endpoint.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"--llm-endpoint {endpoint!r}: use a URL like http://127.0.0.1:8080/v1"
            )
        try:
            import openai
        except ImportError as exc:
            raise ConfigError("--llm needs the openai client: pip install 'esglens[llm]'") from exc
        path = parts.path.rstrip("/").removesuffix("/chat/completions") or "/v1"
        self.base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        self.timeout = timeout
        try:
            local = ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            local = parts.hostname == "localhost"
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self._openai = openai
        self._client = openai.OpenAI(
            base_url=self.base,
            api_key=key or "EMPTY",  # local servers take any key; the client insists on one
            timeout=timeout,
            max_retries=0,
            # a proxy from the environment must never see a local model server's traffic
            http_client=openai.DefaultHttpxClient(trust_env=False) if local else None,
        )

    def _call(self, route: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` (one request to ``base + route``) with the client's errors made ours."""
        openai, url = self._openai, self.base + route
        try:
            return fn()
        except openai.APITimeoutError as exc:
            raise LLMError(f"{url}: no answer within {self.timeout:g} s — raise --llm-timeout "
                           "or use a smaller model") from exc
        except openai.APIConnectionError as exc:
            raise LLMError(f"cannot reach {self.base} — start the server or check --llm-endpoint "
                           f"({exc.__cause__ or exc})") from exc
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ConfigError(f"{url}: the server refused the API key (HTTP {exc.status_code}) — "
                              "pass --llm-api-key or set OPENAI_API_KEY") from exc
        except openai.NotFoundError as exc:
            raise ConfigError(f"{url}: not found (HTTP 404: {_detail(exc)}) — check "
                              "--llm-endpoint (usually ending in /v1) and --llm-model") from exc
        except openai.APIStatusError as exc:
            raise LLMError(f"{url}: HTTP {exc.status_code}: {_detail(exc)}") from exc
        except (openai.OpenAIError, ValueError) as exc:
            raise LLMError(f"{url}: the answer is not a JSON object ({exc})") from exc

    def close(self) -> None:
        self._client.close()

    def first_model(self) -> str:
        """The first model id the server lists (llama.cpp, vLLM and Ollama serve one or few)."""
        models = self._call("/models", lambda: list(self._client.models.list()))
        ids = [getattr(m, "id", None) for m in models]
        if not ids or not ids[0]:
            raise ConfigError(f"{self.base}/models lists no model — pass --llm-model")
        return str(ids[0])

    def complete(self, model: str, system: str, user: str, max_tokens: int) -> str:
        """One deterministic chat completion; the answer text (possibly empty)."""
        answer = self._call("/chat/completions", lambda: self._client.chat.completions.create(
            model=model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            temperature=0,
            seed=0,
            max_tokens=max_tokens,
            stop=STOP,
        ))
        choices = getattr(answer, "choices", None)
        if not isinstance(choices, list):
            raise LLMError(f"{self.base}/chat/completions: the answer is not a JSON object: "
                           f"{str(answer)[:120]!r}")
        if not choices or choices[0].message is None:
            raise LLMError(f"{self.base}/chat/completions: no choices in {str(answer)[:160]}")
        return str(choices[0].message.content or "")


def _detail(exc: Any) -> str:
    """The server's error message, short."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        body = (body.get("error") or {}).get("message") if isinstance(body.get("error"), dict) \
            else body.get("message", body)
    return str(body or getattr(exc, "message", "") or exc)[:300]


# --------------------------------------------------------------------------- prompting


def _clip(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)].rsplit(" ", 1)[0]
    return cut + "…"


def _snippet(page_text: str, quotes: list[str], limit: int) -> str:
    """Up to ``limit`` chars of a page: its cited quotes first, widened by the text around them."""
    text = re.sub(r"\s+", " ", page_text).strip()
    if not quotes:
        return _clip(text, limit)
    share = max(80, limit // len(quotes))
    pieces: list[str] = []
    for quote in quotes:
        quote = re.sub(r"\s+", " ", quote).strip()
        at = text.find(quote) if quote else -1
        if at < 0:
            pieces.append(_clip(quote, share))
            continue
        pad = max(0, (share - len(quote)) // 2)
        start = max(0, at - pad)
        pieces.append(_clip(text[start : at + len(quote) + pad], share))
    return _clip(" … ".join(dict.fromkeys(pieces)), limit)


def build_prompt(header: str, draft: tuple[Sentence, ...], doc: Document) -> str:
    """The user message for one section chunk, at most ``MAX_PROMPT_CHARS`` with the system text."""
    lines = [f"SECTION: {header}", "DRAFT:"]
    for i, sentence in enumerate(draft, 1):
        pages = ", ".join(str(p) for p in dict.fromkeys(c.page for c in sentence.citations))
        lines.append(f"{i}. {_clip(sentence.text, 300)} [p. {pages}]")
    quotes: dict[int, list[str]] = {}
    for sentence in draft:
        for c in sentence.citations:
            quotes.setdefault(c.page, []).append(c.quote)
    known = {pg.number for pg in doc.pages}
    source_pages = [p for p in quotes if p in known][:MAX_SOURCE_PAGES]
    head = "\n".join(lines) + "\nSOURCES:\n"
    tail = "\nANSWER (numbered, each sentence ending with [p. N]):"
    budget = MAX_PROMPT_CHARS - len(SYSTEM_PROMPT) - len(head) - len(tail)
    sources = []
    for page in source_pages:
        share = budget // len(source_pages) - 12
        if share < 60:
            break
        sources.append(f"[p. {page}] {_snippet(doc.page(page).text, quotes[page], share)}")
    return head + "\n".join(sources) + tail


def parse_answer(answer: str, n: int) -> dict[int, str]:
    """Map draft index (1..n) to the model's replacement text; unnumbered prose aligns by order."""
    answer = re.sub(r"\*\*|__|`", "", answer)
    # "x. [p. 7]" -> "x [p. 7]." so the tag stays with the sentence it closes
    answer = re.sub(r"([.!?])[ \t]*(\[[^\]\n]*\](?:[ \t]*\[[^\]\n]*\])*)", r" \2\1", answer)
    numbered: dict[int, str] = {}
    for line in answer.splitlines():
        m = re.match(r"\s*(?:[-*•]\s*)?(\d{1,2})[.)]\s+(\S.*)", line)
        if m and 1 <= int(m.group(1)) <= n and int(m.group(1)) not in numbered:
            numbered[int(m.group(1))] = m.group(2).strip()
    if numbered:
        return numbered
    prose = re.sub(r"^\s*[-*•]\s*", "", answer, flags=re.M)
    return {i: s for i, s in enumerate(split_sentences(prose)[:n], 1)}


def _quote_for(text: str, page: int, section: Section, doc: Document) -> str:
    """The passage on ``page`` that best supports ``text``: an existing quote or a page sentence."""
    existing = [c.quote for s in section.sentences for c in s.citations if c.page == page]
    candidates = [q for q in existing if q] + split_sentences(doc.page(page).text)
    numbers = {v for values, _ in number_values(text) for v in values}
    words = {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP}

    def score(candidate: str) -> tuple[int, int]:
        cand_numbers = {v for values, _ in number_values(candidate) for v in values}
        cand_words = {w.lower() for w in _WORD.findall(candidate)}
        return (3 * len(numbers & cand_numbers) + len(words & cand_words), -len(candidate))

    best = max(candidates, key=score, default="")
    return _clip(best, MAX_QUOTE)


def _is_well_formed(text: str) -> bool:
    """A whole sentence, not a clipped echo of a source snippet ("ated decarbonisation …")."""
    first, words = text[:1], len(text.split())
    clipped = "…" in text or "  " in text or not (first.isupper() or first.isdigit())
    return 4 <= words <= 60 and not clipped


def _rewrite_chunk(
    section: Section, draft: tuple[Sentence, ...], doc: Document, client: _Client, model: str
) -> tuple[list[Sentence], Counter[str]]:
    prompt = build_prompt(section.header, draft, doc)
    budget = min(MAX_ANSWER_TOKENS, TOKENS_PER_SENTENCE * len(draft))
    answer = client.complete(model, SYSTEM_PROMPT, prompt, budget)
    replies = parse_answer(answer, len(draft))
    allowed = {c.page for s in draft for c in s.citations}
    out: list[Sentence] = []
    stats: Counter[str] = Counter()
    for i, original in enumerate(draft, 1):
        reply = replies.get(i)
        if reply is None:
            stats["missing"] += 1
            out.append(original)
            continue
        pieces = [strip_tags(p) for p in split_sentences(reply)]
        grounded = bool(pieces) and all(
            pages and set(pages) <= allowed and _is_well_formed(text)
            and verify_sentence(text, pages, doc)
            for text, pages in pieces
        )
        if not grounded:
            stats["dropped"] += 1
            out.append(original)
            continue
        if " ".join(t for t, _ in pieces).casefold() == strip_tags(original.text)[0].casefold():
            stats["echoed"] += 1
            out.append(original)
            continue
        stats["kept"] += 1
        for text, pages in pieces:
            citations = tuple(Citation(p, _quote_for(text, p, section, doc)) for p in pages)
            out.append(Sentence(text=text, citations=citations))
    return out, stats


def rewrite_overview(
    overview: Overview,
    doc: Document,
    endpoint: str,
    model: str | None = None,
    api_key: str | None = None,
    timeout: float = 60,
) -> Overview:
    """Rephrase ``overview`` with the model at ``endpoint``, keeping only verified sentences.

    ``endpoint`` is an OpenAI-compatible base URL (``http://127.0.0.1:8080/v1``); ``model`` defaults
    to the first the server lists; ``api_key`` to ``$OPENAI_API_KEY``; ``timeout`` is seconds per
    request. Unverified or missing sentences fall back to the extractive ones, so every sentence
    still cites pages with quotes. Returns a new Overview with ``mode="llm"``. Raises ConfigError
    for a bad endpoint, key or model and LLMError when the server is unreachable or fails.
    """
    client = _Client(endpoint, api_key, timeout)
    try:
        return _rewrite(overview, doc, client, model)
    finally:
        client.close()  # its pooled connections: never left for the garbage collector


def _rewrite(overview: Overview, doc: Document, client: _Client, model: str | None) -> Overview:
    model = model or client.first_model()
    sections: list[Section] = []
    total: Counter[str] = Counter()
    for section in overview.sections:
        started = time.monotonic()
        sentences: list[Sentence] = []
        stats: Counter[str] = Counter()
        for start in range(0, len(section.sentences), MAX_DRAFT):
            draft = section.sentences[start : start + MAX_DRAFT]
            if not any(s.citations for s in draft):
                sentences.extend(draft)
                continue
            new, chunk_stats = _rewrite_chunk(section, draft, doc, client, model)
            sentences.extend(new)
            stats.update(chunk_stats)
        total.update(stats)
        seconds = time.monotonic() - started
        log.info("llm section %r: %s in %.1f s", section.header, dict(stats), seconds)
        sections.append(dataclasses.replace(section, sentences=tuple(sentences)))
    log.info("llm overview: %s", dict(total))
    return dataclasses.replace(overview, sections=tuple(sections), mode="llm")

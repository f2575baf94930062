"""Optional LLM mode: rewrite the extractive overview with any OpenAI-compatible endpoint.

Stage: Overview -> Overview (``mode="llm"``). Each section's extractive sentences are sent,
numbered, with snippets of the pages they cite; the model answers with numbered sentences tagged
with the pages they rely on (``… [p. 7]``). Every generated sentence then goes through
:func:`verify_sentence`: its numbers, names and content words must appear on the pages it cites.
Anything unverified falls back to the extractive sentence it replaces, so the LLM can rephrase but
never add a fact.

Plain stdlib HTTP (``urllib``) keeps the core lean; the only host contacted is ``endpoint``
(OpenAI, vLLM, Ollama, llama.cpp server). Prompts stay under ~1,500 tokens for small local models.
Raises ConfigError for a bad endpoint, key or model, LLMError when the server fails or times out.
"""

from __future__ import annotations

import dataclasses
import http.client
import ipaddress
import json
import logging
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import ConfigError, LLMError
from ..model import Citation, Document, Overview, Section, Sentence
from ..segment import split_sentences

log = logging.getLogger(__name__)

MAX_PROMPT_CHARS = 3_600  # <= ~1,450 tokens even for digit-heavy text: n_ctx 2048 minus answer
MAX_SOURCE_PAGES = 4  # pages quoted per request
MAX_DRAFT = 6  # extractive sentences rewritten per request
MAX_ANSWER_TOKENS = 384
TOKENS_PER_SENTENCE = 64  # answer budget per draft sentence; small models otherwise ramble on
STOP = ["SOURCES:", "SECTION:", "\n\n\n"]  # a model echoing the prompt stops there
MIN_GROUNDED = 0.6  # share of a sentence's content words that must occur on its cited pages
MAX_QUOTE = 300

SYSTEM_PROMPT = (
    "You edit one section of an ESG report summary. Rewrite each numbered draft sentence in "
    "clear plain English, using only facts from the SOURCES. Keep every number exactly as "
    "written. Answer with the same numbered list, one sentence per line, and end each sentence "
    "with the page it relies on, like [p. 7]."
)

# --------------------------------------------------------------------------- verification

# "[p. 7]", "[pp. 7, 9]", "(p.7-8)", "[page 12]" — how the model cites pages.
_TAG = re.compile(r"[\[(]\s*(?:pp?\.?|pages?)\s*(\d[\d\s,–\-&and]*)\s*[\])]", re.I)
# A number not glued to a letter (so CO2, tCO2e, FY2023 and Scope1 are left to the name check).
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.,])(\d{1,3}(?:(?:,|[ \u00a0\u202f])\d{3})+|\d+)(?:([.,])(\d+))?(?![0-9])"
)
_SCALE = re.compile(r"\s*(thousand|million|billion|trillion|mn|bn|k|m|b)\b", re.I)
_SCALES = {"thousand": "k", "k": "k", "million": "m", "mn": "m", "m": "m",
           "billion": "b", "bn": "b", "b": "b", "trillion": "t"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'’\-]*")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "a an and are as at be by for from has have in into is it its of on or our over since that "
        "the their this these those to under was we were which while will with during also than "
        "per cent percent total year years compared",
    )
)


def _decimal(text: str) -> str | None:
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return None


def _number_values(text: str, page: bool = False) -> list[tuple[frozenset[str], str | None]]:
    """Numbers in ``text`` as (possible normalised values, scale); "1,234"=="1234", "23.30"=="23.3".

    With ``page`` true (the cited page's side) ambiguous forms also yield their parts, so "1,2"
    (decimal comma or a list) and "12 500" (thin-space thousands or two numbers) match either way.
    """
    out: list[tuple[frozenset[str], str | None]] = []
    for m in _NUMBER.finditer(text):
        whole, sep, frac = m.group(1), m.group(2), m.group(3)
        grouped = re.sub(r"[, \u00a0\u202f]", "", whole)
        values = {_decimal(grouped + (f".{frac}" if sep == "." else ""))}
        if sep == ",":  # "9,5" is a decimal comma (thousands groups were taken by the pattern)
            values = {_decimal(f"{grouped}.{frac}")}
        if re.fullmatch(r"\d{1,3},\d{3}", whole) and sep is None:
            values.add(_decimal(whole.replace(",", ".")))  # "1,234" may be 1.234 in EU style
        if page:
            values.update(_decimal(part) for part in re.split(r"[, \u00a0\u202f]", whole))
            if sep == ",":
                values.add(_decimal(frac))
        scale = _SCALE.match(text, m.end())
        found = frozenset(v for v in values if v is not None)
        out.append((found, _SCALES[scale.group(1).lower()] if scale else None))
    return out


def _page_corpus(pages: list[int], doc: Document) -> str:
    parts = []
    for number in pages:
        page = doc.page(number)
        cells = " ".join(" ".join(row) for table in page.tables for row in table.rows)
        parts.append(f"{page.text}\n{cells}")
    return re.sub(r"\s+", " ", "\n".join(parts)).translate(_SUBSCRIPTS)


def _entities(text: str) -> list[str]:
    """Acronyms (SBTi, TCFD, CO2e) and capitalised names (Rio Tinto, Paris Agreement) in a sentence.

    A run of adjacent capitalised words is one name; leading stop words ("In", "The") are dropped,
    and so is a lone sentence-initial word (capitalised by grammar, not because it is a name).
    """
    text = re.sub(r"['’]s\b", "", text)  # possessives: "Rio Tinto’s" names "Rio Tinto"
    tokens = [t for t in _WORD.finditer(text) if len(t.group(0)) > 1]
    found = [t.group(0) for t in tokens if sum(c.isupper() for c in t.group(0)) >= 2]
    runs: list[list[re.Match[str]]] = []
    for tok in tokens:
        if not tok.group(0)[0].isupper():
            runs.append([])
        elif runs and runs[-1] and not text[runs[-1][-1].end() : tok.start()].strip():
            runs[-1].append(tok)
        else:
            runs.append([tok])
    for run in runs:
        words = [t.group(0) for t in run]
        while words and words[0].lower() in _STOP:
            words = words[1:]
        if run and run[0] is tokens[0] and len(words) == 1 and words[0] == run[0].group(0):
            continue
        if words:
            found.append(" ".join(words))
    return found


def _on_page(entity: str, corpus: str, compact: str) -> bool:
    words = [re.escape(w) for w in entity.split()]
    pattern = r"(?<![A-Za-z0-9])" + r"[\s\-]+".join(words) + r"(?![A-Za-z0-9])"
    if re.search(pattern, corpus, re.I):
        return True
    # "CO2e" vs "CO2-e" / "CO₂e": compare letters and digits only for tokens carrying digits.
    key = re.sub(r"[^a-z0-9]", "", entity.lower())
    return any(c.isdigit() for c in key) and len(key) >= 3 and key in compact


def strip_tags(text: str) -> tuple[str, list[int]]:
    """The sentence without its page tags, and the 1-based pages those tags cite (in order)."""
    pages: list[int] = []
    for m in _TAG.finditer(text):
        for part in re.split(r"\s*(?:,|&|\band\b)\s*", m.group(1).strip()):
            bounds = [int(x) for x in re.findall(r"\d+", part)]
            if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 10:
                pages.extend(range(bounds[0], bounds[1] + 1))
            elif bounds:
                pages.append(bounds[0])
    clean = re.sub(r"\s+([.,;:!?])", r"\1", _TAG.sub("", text))
    return re.sub(r"\s+", " ", clean).strip(), list(dict.fromkeys(pages))


def verify_sentence(text: str, cited_pages: list[int] | tuple[int, ...], doc: Document) -> bool:
    """True when ``text`` is grounded in the 1-based ``cited_pages`` of ``doc``.

    Checks, against the cited pages' text (tables included): at least one valid cited page; every
    number appears there (thousands separators, trailing zeros, percent forms and million/billion
    scale normalised); every acronym and capitalised name appears there (or in the report's title
    or metadata, which name the company); and at least
    ``MIN_GROUNDED`` of the content words occur there, which rejects echoed instructions.
    """
    text, tagged = strip_tags(text)
    pages = list(dict.fromkeys([*cited_pages, *tagged]))
    known = {p.number for p in doc.pages}
    if not pages or any(p not in known for p in pages) or len(_WORD.findall(text)) < 3:
        return False
    corpus = _page_corpus(pages, doc)
    compact = re.sub(r"[^a-z0-9]", "", corpus.lower())
    on_page: set[tuple[str, str | None]] = set()
    for values, scale in _number_values(corpus, page=True):
        on_page.update((v, s) for v in values for s in (scale, None))
    for values, scale in _number_values(text.translate(_SUBSCRIPTS)):
        if not any((v, scale) in on_page for v in values):
            return False
    # the report's own title and metadata name the company, which is never a hallucination
    about = " ".join([doc.title, *doc.metadata.values()])
    about_compact = re.sub(r"[^a-z0-9]", "", about.lower())
    for entity in _entities(text):
        if not (_on_page(entity, corpus, compact) or _on_page(entity, about, about_compact)):
            return False
    words = [w.lower() for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in _STOP]
    if not words:
        return True
    stems = {w.lower()[:5] for w in _WORD.findall(corpus)}
    return sum(w[:5] in stems for w in words) / len(words) >= MIN_GROUNDED


# --------------------------------------------------------------------------- HTTP


class _Client:
    """A minimal OpenAI-compatible client over urllib; talks only to ``base`` (e.g. …/v1)."""

    def __init__(self, endpoint: str, api_key: str | None, timeout: float) -> None:
        parts = urllib.parse.urlsplit(endpoint.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"--llm-endpoint {endpoint!r}: use a URL like http://127.0.0.1:8080/v1"
            )
        path = parts.path.rstrip("/").removesuffix("/chat/completions") or "/v1"
        self.base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.timeout = timeout
        try:
            local = ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            local = parts.hostname == "localhost"
        # a proxy from the environment must never see a local model server's traffic
        handlers = [urllib.request.ProxyHandler({})] if local else []
        self._opener = urllib.request.build_opener(*handlers)

    def call(self, route: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET (no payload) or POST JSON to ``base + route``; the parsed JSON answer."""
        url = self.base + route
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        data = None if payload is None else json.dumps(payload).encode()
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            if exc.code in (401, 403):
                raise ConfigError(
                    f"{url}: the server refused the API key (HTTP {exc.code}) — "
                    "pass --llm-api-key or set OPENAI_API_KEY"
                ) from exc
            if exc.code == 404:
                raise ConfigError(
                    f"{url}: not found (HTTP 404: {detail}) — check --llm-endpoint "
                    "(usually ending in /v1) and --llm-model"
                ) from exc
            raise LLMError(f"{url}: HTTP {exc.code}: {detail or exc.reason}") from exc
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                why = f"{url}: no answer within {self.timeout:g} s — raise --llm-timeout or use a "
                raise LLMError(why + "smaller model") from exc
            why = f"cannot reach {self.base} — start the server or check --llm-endpoint"
            raise LLMError(f"{why} ({reason})") from exc
        try:
            answer = json.loads(body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise LLMError(f"{url}: the answer is not a JSON object: {body[:120]!r}")
        return answer

    def first_model(self) -> str:
        """The first model id the server lists (llama.cpp, vLLM and Ollama serve one or few)."""
        data = self.call("/models").get("data") or []
        if not data or not isinstance(data[0], dict) or "id" not in data[0]:
            raise ConfigError(f"{self.base}/models lists no model — pass --llm-model")
        return str(data[0]["id"])

    def complete(self, model: str, system: str, user: str, max_tokens: int) -> str:
        """One deterministic chat completion; the answer text (possibly empty)."""
        payload = {
            "model": model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0,
            "seed": 0,
            "max_tokens": max_tokens,
            "stop": STOP,
        }
        answer = self.call("/chat/completions", payload)
        try:
            content = answer["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.base}/chat/completions: no choices in {answer!r:.160}") from exc
        return str(content or "")


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
    numbers = {v for values, _ in _number_values(text) for v in values}
    words = {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP}

    def score(candidate: str) -> tuple[int, int]:
        cand_numbers = {v for values, _ in _number_values(candidate) for v in values}
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

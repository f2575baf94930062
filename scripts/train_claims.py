"""Train the environmental-claim detector shipped as ``src/esglens/data/claims_model.json``.

A logistic regression over binary word unigrams and bigrams (``esglens.extract.claims.features``),
L2-regularised, fitted with full-batch gradient descent in numpy, on the *train* split of the
environmental-claims dataset (Stammbach et al. 2023, "Environmental Claim Detection", ACL;
../shared/datasets/environmental-claims, CC BY-NC-SA 4.0). The regularisation strength and the
decision threshold are chosen by 5-fold cross-validation on the train split only; the dev split
is scored once at the end and never used for fitting or tuning. Only the learned weights are
written (no dataset text). Run at build time, not at run time:

    .venv/bin/python scripts/train_claims.py [../shared/datasets/environmental-claims]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from esglens.extract.claims import features

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "datasets" / "environmental-claims"
DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
OUT = ROOT / "src" / "esglens" / "data" / "claims_model.json"
MIN_DF = 2
STEPS = 600


def load(split: str) -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in (DATA / f"{split}.jsonl").read_text("utf-8").splitlines() if line]
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows], dtype=np.float32)


Sparse = tuple[np.ndarray, np.ndarray, int]  # (feature ids, row of each id, number of rows)


def matrix(texts: list[str], vocab: dict[str, int]) -> Sparse:
    """The binary feature matrix in coordinate form (feature ids and their rows)."""
    cols: list[int] = []
    rows: list[int] = []
    for i, t in enumerate(texts):
        ids = {vocab[f] for f in features(t) if f in vocab}
        cols += sorted(ids)
        rows += [i] * len(ids)
    return np.array(cols, dtype=np.int64), np.array(rows, dtype=np.int64), len(texts)


def scores(x: Sparse, w: np.ndarray, b: float) -> np.ndarray:
    cols, rows, n = x
    return np.bincount(rows, weights=w[cols], minlength=n) + b


def fit(x: Sparse, y: np.ndarray, l2: float, dim: int) -> tuple[np.ndarray, float]:
    """Weights and bias minimising class-balanced log loss + l2 * |w|^2 (Adam, full batch)."""
    cols, rows, n = x
    w, b = np.zeros(dim), 0.0
    pos = max(float(y.sum()), 1.0)
    sample = np.where(y > 0, n / (2 * pos), n / (2 * (n - pos)))
    m_w, v_w, m_b, v_b = np.zeros(dim), np.zeros(dim), 0.0, 0.0
    lr, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, STEPS + 1):
        p = 1.0 / (1.0 + np.exp(-scores(x, w, b)))
        g = sample * (p - y) / n
        grad_w = np.bincount(cols, weights=g[rows], minlength=dim) + 2 * l2 * w
        grad_b = float(g.sum())
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w**2
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b**2
        w -= lr * (m_w / (1 - beta1**step)) / (np.sqrt(v_w / (1 - beta2**step)) + 1e-8)
        b -= lr * (m_b / (1 - beta1**step)) / (np.sqrt(v_b / (1 - beta2**step)) + 1e-8)
    return w, b


def f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float(((pred == 1) & (y == 1)).sum())
    fp = float(((pred == 1) & (y == 0)).sum())
    fn = float(((pred == 0) & (y == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def build_vocab(texts: list[str]) -> dict[str, int]:
    df: Counter[str] = Counter(f for t in texts for f in set(features(t)))
    return {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= MIN_DF))}


def cross_validate(texts: list[str], y: np.ndarray, l2: float, folds: int = 5) -> tuple[float, float]:
    """(mean F1 at the best threshold, that threshold) over ``folds`` folds of the train split."""
    order = np.random.default_rng(0).permutation(len(texts))
    held_out: list[tuple[np.ndarray, np.ndarray]] = []
    for k in range(folds):
        held = set(order[k::folds].tolist())
        tr = [i for i in range(len(texts)) if i not in held]
        te = sorted(held)
        vocab = build_vocab([texts[i] for i in tr])
        w, b = fit(matrix([texts[i] for i in tr], vocab), y[tr], l2, len(vocab))
        p = 1.0 / (1.0 + np.exp(-scores(matrix([texts[i] for i in te], vocab), w, b)))
        held_out.append((y[te], p))
    best = (0.0, 0.5)
    for t in np.arange(0.3, 0.8, 0.025):
        mean = float(np.mean([f1(yy, (pp >= t).astype(int)) for yy, pp in held_out]))
        best = max(best, (mean, float(t)))
    return best


def main() -> None:
    texts, y = load("train")
    results = {l2: cross_validate(texts, y, l2) for l2 in (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)}
    for l2, (score, t) in results.items():
        print(f"l2={l2:g}: cross-validated F1 {score:.3f} at threshold {t:.3f}", flush=True)
    l2 = max(results, key=lambda k: results[k][0])
    threshold = results[l2][1]
    vocab = build_vocab(texts)
    w, b = fit(matrix(texts, vocab), y, l2, len(vocab))
    kept = {f: round(float(w[i]), 4) for f, i in vocab.items() if abs(w[i]) >= 0.01}
    OUT.write_text(json.dumps({
        "about": "environmental-claim detector: logistic regression on word uni/bigrams, trained by "
                 "scripts/train_claims.py on the train split of environmental-claims (Stammbach et al. "
                 "2023, CC BY-NC-SA 4.0); weights only",
        "bias": round(float(b), 4), "threshold": round(threshold, 3), "l2": l2, "weights": kept,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {OUT} ({len(kept)} features, l2={l2:g}, threshold={threshold:.3f})")
    dev_texts, dev_y = load("dev")
    p = 1.0 / (1.0 + np.exp(-scores(matrix(dev_texts, vocab), w, b)))
    print(f"dev F1 (scored once, never tuned on): {f1(dev_y, (p >= threshold).astype(int)):.3f}")


if __name__ == "__main__":
    main()

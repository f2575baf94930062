"""The corpus on real reports: the smallest few in ../shared/reports batched once, then compared."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("duckdb")

from esglens.corpus import Corpus, batch  # noqa: E402

from .conftest import REPORTS  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    if REPORTS is None:
        pytest.skip("../shared/reports not available")
    small = sorted(
        (p for p in REPORTS.glob("*.pdf") if "image-only" not in p.name), key=lambda p: p.stat().st_size
    )
    picked = small[:5]
    store = tmp_path_factory.mktemp("real") / "real.duckdb"
    result = batch(picked, store, jobs=2)
    assert result.done + result.failed == len(picked)
    return store, picked


def test_real_reports_compare_lists_each_disclosure_with_its_page(real_store):
    store, picked = real_store
    with Corpus(store) as corpus:
        reports = corpus.reports()
        assert set(reports["status"]) <= {"done", "failed"} and len(reports) == len(picked)
        disclosing = {
            sha
            for sha in reports.loc[reports["status"] == "done", "sha256"]
            if any(m.metric == "ghg_scope1" and m.primary for m in corpus.analysis(sha).metrics)
        }
        if not disclosing:
            pytest.skip("none of the smallest reports discloses Scope 1")
        frame = corpus.compare("ghg_scope1")
        assert set(frame["sha256"]) == disclosing
        pages = dict(zip(reports["sha256"], reports["pages"], strict=True))
        assert all(1 <= row.page <= pages[row.sha256] for row in frame.itertuples())
        assert frame["quote"].str.len().min() > 0


def test_real_reports_rerun_is_skipped(real_store, tmp_path):
    store, picked = real_store
    with Corpus(store) as corpus:
        done = int((corpus.reports()["status"] == "done").sum())
    result = batch(picked, store, jobs=1)
    assert result.skipped == done and result.done + result.failed == len(picked) - done

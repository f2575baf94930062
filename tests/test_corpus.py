"""The corpus: store, identity, batch, compare, export and their commands, on generated reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pd = pytest.importorskip("pandas")

from esglens.cli import main  # noqa: E402
from esglens.corpus import Corpus, Override, Store, batch, company_key, load_overrides  # noqa: E402
from esglens.corpus.compare import draw_chart, format_compare  # noqa: E402
from esglens.corpus.pool import run_pool  # noqa: E402
from esglens.corpus.schema import SCHEMA_VERSION  # noqa: E402
from esglens.errors import ConfigError, StoreError  # noqa: E402
from esglens.model import Analysis, Citation, Claim, Metric, Overview, Section, Sentence, Target  # noqa: E402

from .conftest import write_report  # noqa: E402
from .corpus_tasks import misbehave  # noqa: E402

COMPANIES = [
    ("Acme", 2022, 12000, "AG"),
    ("ACME", 2023, 11000, "AG"),
    ("Borealis Mining", 2023, 54000, "plc"),
    ("Cobalt Rail", 2023, 3000, "SE"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four reports of three companies (Acme twice, spelled two ways), a duplicate and two bad files."""
    root = tmp_path_factory.mktemp("reports")
    (root / "sub").mkdir()
    for company, year, scope1, legal in COMPANIES:
        write_report(
            root / "sub" / f"{company.lower().replace(' ', '-')}-{year}.pdf",
            company,
            year,
            scope1,
            legal=legal,
        )
    shutil.copy(root / "sub" / "cobalt-rail-2023.pdf", root / "copy-of-cobalt.pdf")
    good = (root / "sub" / "acme-2022.pdf").read_bytes()
    (root / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (root / "notes.pdf").write_text("these are my notes, not a PDF\n")
    return root


@pytest.fixture(scope="module")
def store(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "corpus.duckdb"
    result = batch([folder], path, jobs=2, timeout=60)
    assert (result.done, result.failed, result.duplicates) == (4, 2, 1)
    return path


def _analysis(sha: str = "ab" * 32) -> Analysis:
    quote = "Scope 1 emissions 1,234 tCO2e"
    overview = Overview((Section("ESG_overview", (Sentence("Acme cut emissions.", (Citation(2, quote),)),)),))
    return Analysis(
        path="/r/acme.pdf",
        sha256=sha,
        title="Acme report",
        company="Acme AG",
        period="2024",
        page_count=5,
        metrics=(
            Metric("ghg_scope1", "Scope 1", 1234.0, "tCO2e", "2024", 2, quote),
            Metric(
                "ghg_scope1",
                "Scope 1",
                1200.0,
                "tCO2e",
                "2024",
                3,
                quote,
                primary=False,
                reason="lower confidence",
            ),
        ),
        targets=(Target("net_zero", 4, "Net zero by 2040.", target_year=2040),),
        claims=(Claim("We are green.", "vague", 1),),
        overview=overview,
        timings={"read": 0.1},
    )


# ---------------------------------------------------------------------------- identity


@pytest.mark.parametrize(
    "a, b",
    [
        ("Nordwerk AG", "Nordwerk"),
        ("NORDWERK", "Nordwerk Aktiengesellschaft"),
        ("ACME GROUP AG", "Acme"),
        ("The Fizz-Pop Company", "Fizz-Pop"),
        ("Lüneburg Rück SE", "Lueneburg Rueck"),
        ("Citron S.A.", "Citron"),
        ("北风科技集团股份有限公司", "北风科技"),
    ],
)
def test_company_names_fold_to_one_key(a, b):
    assert company_key(a) == company_key(b) != ""


def test_company_key_keeps_distinct_companies_apart():
    assert company_key("NWM") != company_key("Acme Mining")
    assert company_key("Group") == "group"  # never folded down to nothing


def test_overrides_file_yaml_and_json(tmp_path):
    y = tmp_path / "o.yaml"
    y.write_text("abcdef0123:\n  company: Acme\n  year: 2021\n")
    assert load_overrides(y) == {"abcdef0123": Override("Acme", 2021)}
    j = tmp_path / "o.json"
    j.write_text(json.dumps({"ABCDEF0123": {"year": "FY2020"}}))
    assert load_overrides(j) == {"abcdef0123": Override(None, 2020)}
    for bad in (
        "nothex:\n  company: X\n",
        "abcdef0123:\n  name: X\n",
        "abcdef0123:\n  year: soon\n",
        "- a\n",
    ):
        y.write_text(bad)
        with pytest.raises(ConfigError, match="overrides file"):
            load_overrides(y)


# ---------------------------------------------------------------------------- store


def test_store_round_trips_an_analysis_and_its_fact_rows(tmp_path):
    a = _analysis()
    with Store(tmp_path / "s.duckdb") as s:
        s.complete(a, seconds=1.5, peak_rss_mb=100.0)
        s.complete(a)  # written twice: still one copy of each fact
        assert s.analysis(a.sha256) == a
        counts = {
            t: s.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("reports", "metrics", "targets", "claims", "sentences")
        }
        assert counts == {"reports": 1, "metrics": 2, "targets": 1, "claims": 1, "sentences": 1}
        row = s.report(a.sha256)
        assert row and (row["status"], row["company"], row["year"], row["pages"]) == (
            "done",
            "Acme AG",
            2024,
            5,
        )
        s.fail(a.sha256, "/r/acme.pdf", "broken")
        assert (
            s.analysis(a.sha256) is None and s.con.execute("SELECT count(*) FROM metrics").fetchone()[0] == 0
        )


def test_queue_enqueue_claim_complete_recover(tmp_path):
    with Store(tmp_path / "q.duckdb") as s:
        assert s.enqueue("ab" * 32, "/r/a.pdf", options={"ocr_mode": "off"})
        assert s.enqueue("cd" * 32, "/r/b.pdf")
        jobs = s.claim(1)
        assert [j.sha256 for j in jobs] == ["ab" * 32] and jobs[0].options == {"ocr_mode": "off"}
        assert s.counts() == {"queued": 1, "running": 1, "done": 0, "failed": 0}
        assert s.recover() == 1  # a writer that died left it running
        s.complete(_analysis("ab" * 32))
        assert not s.enqueue("ab" * 32, "/r/a.pdf")  # done by this version: skipped
        assert s.enqueue("ab" * 32, "/r/a.pdf", force=True)
        assert s.status("ab" * 32) == "queued" and s.status("ef" * 32) is None


def test_store_schema_versions_and_foreign_files(tmp_path):
    import duckdb

    path = tmp_path / "v.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    with pytest.raises(StoreError, match="newer esglens"):
        Store(path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="older"):
        Store(path)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not an esglens store"):
        Store(other)
    (tmp_path / "junk.duckdb").write_text("not a database")
    with pytest.raises(StoreError):
        Store(tmp_path / "junk.duckdb")
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_a_store_in_use_gives_a_clear_error(tmp_path):
    path = tmp_path / "busy.duckdb"
    with Store(path):
        code = f"from esglens.corpus import Store; Store({str(path)!r}, read_only=True)"
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode != 0 and "in use by another esglens process" in proc.stderr


# ---------------------------------------------------------------------------- worker pool


def test_pool_fails_only_the_task_whose_worker_died_or_overran():
    tasks = ["a", "crash", "b", "hang", "exit", "raise", "c"]
    t0 = time.monotonic()
    results = {task: (result, error) for task, result, error in run_pool(tasks, misbehave, jobs=2, timeout=3)}
    assert time.monotonic() - t0 < 30
    assert all(results[t][0].startswith(f"ok:{t}:") for t in "abc")
    assert "died (SIGSEGV)" in results["crash"][1]
    assert "exit code 7" in results["exit"][1]
    assert "timed out after 3 s" in results["hang"][1]
    assert "internal error in the worker (RuntimeError: boom)" in results["raise"][1]


def _children() -> set[int]:
    """Process ids of this process's children (Linux /proc)."""
    kids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        kids.update(int(p) for p in (task / "children").read_text().split())
    return kids


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_pool_closed_early_leaves_no_worker():
    before = _children()
    gen = run_pool(["a", "hang", "hang"], misbehave, jobs=2, timeout=None)
    task, result, error = next(gen)
    assert task == "a" and error is None
    assert len(_children() - before) == 2
    gen.close()  # e.g. Ctrl-C in the driver: the hanging worker is killed, the idle one told to exit
    assert _children() - before == set()


def test_pool_with_a_feed_takes_work_as_it_arrives_and_ends_on_none():
    arrivals = [["a"], [], ["crash", "b"], []]
    asked: list[int] = []

    def feed(idle: int) -> list[str] | None:
        asked.append(idle)
        if arrivals:
            return arrivals.pop(0)
        return None if idle == 2 else []  # no more work: end once both workers are idle

    results = {task: (result, error) for task, result, error in run_pool([], misbehave, jobs=2, feed=feed)}
    assert results["a"][0].startswith("ok:a:") and results["b"][0].startswith("ok:b:")
    assert "died (SIGSEGV)" in results["crash"][1]  # the dead worker is replaced while feeding
    assert max(asked) == 2 and min(asked) >= 0


def test_pool_feed_that_raises_stops_the_pool_and_its_workers():
    before = _children() if Path("/proc/self/task").is_dir() else set()

    def feed(idle: int) -> list[str]:
        if idle == 2 and not feed.sent:  # type: ignore[attr-defined]
            feed.sent = True  # type: ignore[attr-defined]
            return ["hang"]
        if feed.sent and idle == 1:  # type: ignore[attr-defined]
            raise KeyboardInterrupt
        return []

    feed.sent = False  # type: ignore[attr-defined]
    with pytest.raises(KeyboardInterrupt):
        list(run_pool([], misbehave, jobs=2, feed=feed))
    if Path("/proc/self/task").is_dir():
        assert _children() - before == set()


# ---------------------------------------------------------------------------- batch


def test_batch_records_every_input(store, folder):
    with Store(store, read_only=True) as s:
        rows = {Path(r["path"]).name: r for r in s.reports()}
        assert s.counts() == {"queued": 0, "running": 0, "done": 4, "failed": 2}
        assert "not a PDF" in rows["notes.pdf"]["error"]
        assert "truncated" in rows["truncated.pdf"]["error"] or "damaged" in rows["truncated.pdf"]["error"]
        files = s.con.execute("SELECT count(*), count(DISTINCT sha256) FROM files").fetchone()
        assert files == (7, 6)  # the duplicate is remembered under its path, analysed once


def test_batch_rerun_skips_done_and_reads_lists(store, folder, tmp_path):
    listing = tmp_path / "reports.txt"
    listing.write_text(f"# my portfolio\n{folder / 'sub'}\n{folder / 'copy-of-cobalt.pdf'}\n")
    dst = tmp_path / "again.duckdb"
    shutil.copy(store, dst)
    result = batch([listing], dst, jobs=1)
    assert (result.done, result.failed, result.skipped, result.duplicates) == (0, 0, 4, 1)
    with pytest.raises(ConfigError, match="no such file"):
        batch([tmp_path / "nope"], dst)


def test_batch_time_limit_is_recorded(folder, tmp_path):
    result = batch([folder / "sub" / "acme-2022.pdf"], tmp_path / "t.duckdb", jobs=1, timeout=1e-6)
    assert result.failed == 1 and (
        "took over" in result.failures[0][1] or "timed out" in result.failures[0][1]
    )


def test_batch_overrides_apply_at_batch_and_query_time(store, tmp_path):
    with Store(store, read_only=True) as s:
        sha = s.con.execute("SELECT sha256 FROM files WHERE path LIKE '%cobalt-rail-2023.pdf'").fetchone()[0]
    dst = tmp_path / "o.duckdb"
    shutil.copy(store, dst)
    batch([], dst, overrides={sha[:12]: Override(company="Cobalt Railways", year=2021)})
    with Corpus(dst) as c:
        row = c.reports().set_index("sha256").loc[sha]
        assert (row["company"], row["year"]) == ("Cobalt Railways", 2021)
    with Corpus(dst, overrides={sha: Override(company="Zeta")}) as c:
        assert c.reports().set_index("sha256").loc[sha, "company"] == "Zeta"


# ---------------------------------------------------------------------------- compare, export


def test_compare_groups_spellings_and_cites_pages(store):
    with Corpus(store) as c:
        frame = c.compare("ghg_scope1")
        acme = frame[frame["company"].map(company_key) == "acme"]
        assert set(acme["period"]) == {"2021", "2022", "2023"}
        # 2022 is in both Acme reports; the newer report's value wins
        assert acme.set_index("period").loc["2022", "report_year"] == 2023
        assert frame["company"].nunique() == 3 and (frame["page"] >= 2).all()
        only = c.compare("ghg_scope1", companies=["Borealis Mining plc"], years="2023")
        assert list(only["value"]) == [54000.0] and list(only["page"]) in ([2], [3])
        assert c.compare("ghg_scope1", years="1990").empty
        with pytest.raises(ConfigError, match="metrics it has: .*ghg_scope1"):
            c.compare("no_such_metric")
    table = format_compare(frame)
    assert "Borealis Mining" in table and "54,000 p." in table
    assert json.loads(format_compare(frame, "json"))[0]["company"]


def test_chart_svg_and_png(store, tmp_path):
    with Corpus(store) as c:
        many = c.compare("ghg_scope1")
        one = c.compare("ghg_scope1", companies="Acme")
    svg = draw_chart(many, tmp_path / "c.svg").read_text()
    assert "<svg" in svg and "Borealis" in svg
    assert draw_chart(one, tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ConfigError):
        draw_chart(many, tmp_path / "c.gif")


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
@pytest.mark.parametrize("table", ["metrics", "targets", "claims", "reports", "sentences"])
def test_exports_load_in_pandas_one_row_per_fact(store, tmp_path, table, fmt):
    out = tmp_path / f"{table}.{fmt}"
    with Corpus(store) as c:
        rows = c.export(table, fmt, out)
        stored = c.sql(f"SELECT count(*) AS n FROM {table}")["n"][0]
    frame = {"csv": pd.read_csv, "parquet": pd.read_parquet, "xlsx": pd.read_excel}[fmt](out)
    expected = stored if table == "reports" else c_done_rows(store, table)
    assert rows == len(frame) == expected
    for col in ("company", "sha256") + (
        ("report", "page") if table in ("metrics", "targets", "claims") else ()
    ):
        assert col in frame.columns
    if table == "metrics":
        assert {"quote", "value", "unit", "primary"} <= set(frame.columns)


def c_done_rows(store: Path, table: str) -> int:
    with Store(store, read_only=True) as s:
        return int(
            s.con.execute(
                f"SELECT count(*) FROM {table} JOIN reports USING (sha256) WHERE status = 'done'"
            ).fetchone()[0]
        )


def test_xlsx_cells_are_text_not_formulas(tmp_path):
    from openpyxl import load_workbook

    a = _analysis()
    evil = Claim('=HYPERLINK("http://x","click")', "vague", 1)
    path = tmp_path / "x.duckdb"
    with Store(path) as s:
        s.complete(Analysis.from_dict({**a.to_dict(), "claims": [evil.to_dict()]}))
    with Corpus(path) as c:
        c.export("claims", "xlsx", tmp_path / "c.xlsx")
    cell = load_workbook(tmp_path / "c.xlsx")["claims"]["E2"]
    assert cell.data_type == "s" and cell.value == evil.text


# ---------------------------------------------------------------------------- commands


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_batch_compare_export(folder, tmp_path, capsys):
    store = tmp_path / "cli.duckdb"
    code, out, err = _run(
        capsys, "batch", str(folder / "sub"), str(folder / "notes.pdf"), "--store", str(store), "--jobs", "2"
    )
    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith("4 done, 1 failed, 0 skipped")
    assert "failed: " in out and "notes.pdf" in out
    code, out, _ = _run(
        capsys,
        "compare",
        "--store",
        str(store),
        "--metric",
        "ghg_scope1",
        "--years",
        "2022-2023",
        "--chart",
        str(tmp_path / "c.svg"),
    )
    assert code == 0 and "Borealis Mining" in out and "p." in out and (tmp_path / "c.svg").exists()
    code, out, _ = _run(
        capsys,
        "compare",
        "--store",
        str(store),
        "--metric",
        "ghg_scope1",
        "--format",
        "csv",
        "--company",
        "Cobalt Rail SE",
    )
    assert code == 0 and out.splitlines()[0].startswith("company,period,metric,value")
    assert {line.split(",")[0] for line in out.splitlines()[1:]} == {"Cobalt Rail"}
    code, out, _ = _run(
        capsys,
        "export",
        "--store",
        str(store),
        "--table",
        "targets",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "t.csv"),
    )
    assert code == 0 and "rows" in out and len(pd.read_csv(tmp_path / "t.csv")) >= 4


@pytest.mark.parametrize(
    "argv, needle, code",
    [
        (["batch", "missing.pdf", "--store", "{tmp}/s.duckdb"], "no such file or folder", 2),
        (["compare", "--store", "{tmp}/none.duckdb", "--metric", "ghg_scope1"], "no such store", 1),
        (
            ["batch", "--store", "{tmp}/s.duckdb", "--scheduler", "tcp://x:1"],
            "--scheduler needs --engine dask",
            2,
        ),
        (["compare", "--store", "{tmp}/s.duckdb", "--metric", "x", "--years", "soon"], "--years", 2),
    ],
)
def test_cli_bad_corpus_input_is_one_line(tmp_path, capsys, argv, needle, code):
    if "compare" in argv and "--years" in argv:
        Store(tmp_path / "s.duckdb").close()
    got, _, err = _run(capsys, *[a.format(tmp=tmp_path) for a in argv])
    lines = err.strip().splitlines()
    assert got == code and len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0], err


def test_python_api_is_exported_lazily():
    import esglens

    assert esglens.batch is batch and esglens.Corpus is Corpus
    assert esglens.__all__ == sorted(esglens.__all__)


def test_corpus_borrows_an_open_store_and_sees_new_reports(tmp_path):
    with Store(tmp_path / "w.duckdb") as s:
        corpus = Corpus(s)
        assert corpus.reports().empty
        s.complete(_analysis())
        assert list(corpus.metrics("ghg_scope1")["value"]) == [1234.0]
        corpus.close()  # borrowed: the writer's connection stays open
        assert s.counts()["done"] == 1


def test_store_cursor_is_a_view_for_another_thread(tmp_path):
    import threading

    with Store(tmp_path / "w.duckdb") as s:
        seen: list[str | None] = []

        def other() -> None:
            view = s.cursor()
            view.enqueue("f" * 64, "/x.pdf")
            seen.append(view.status("f" * 64))
            view.close()

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert seen == ["queued"] and s.status("f" * 64) == "queued"  # the writer sees it too

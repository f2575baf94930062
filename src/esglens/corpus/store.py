"""The corpus store: one embedded DuckDB file with every report's analysis, as JSON and as tables.

Why DuckDB: no server to run, columnar SQL over a portfolio's facts, and transactions that make
``kill -9`` safe — each report is written (facts deleted and re-inserted, its row upserted) in one
transaction, so after a crash a report is either absent, or complete. DuckDB allows one process
to open a file for writing (or several read-only), so the process that writes — a batch driver,
the web server — is the store's only writer; workers never touch it.

A report's row moves ``queued -> running -> done | failed``; ``enqueue`` / ``claim`` /
``complete`` / ``fail`` are the queue a batch or a web front end drives, and ``recover`` puts
rows a dead writer left ``running`` back in the queue. Raises StoreError for a store that is in
use, foreign, or of another schema version; ConfigError when the corpus extra is missing.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import ConfigError, StoreError
from ..model import Analysis
from .identity import Override, company_key, display_names, report_year, resolve_overrides
from .schema import FACT_TABLES, MIGRATIONS, SCHEMA_VERSION, TABLES, columns, create_statements, fact_rows

__all__ = ["Job", "Store", "require"]

_INSTALL = "pip install 'esglens[corpus]'"


def require(module: str) -> Any:
    """Import an optional dependency of the corpus, or raise ConfigError with the install command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(f"the corpus needs {module.split('.')[0]} — {_INSTALL}") from exc


@dataclass(frozen=True)
class Job:
    """A claimed report: what to analyse and with which ``esglens.analyze`` options."""

    sha256: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Store:
    """An open corpus store (``Store(path)`` creates it; ``read_only=True`` for queries only).

    Not shared between threads without the caller's own care: writes take an internal lock,
    reads use the one connection; give each thread its own ``cursor()``.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        duckdb = require("duckdb")
        require("pyarrow")
        self.path = Path(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        if read_only and not self.path.is_file():
            raise StoreError(f"{self.path}: no such store — create it with "
                             f"`esglens batch … --store {self.path}`")
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory — give a file name such as corpus.duckdb")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(f"{self.path}: the store is in use by another esglens process "
                                 "(a running batch or server?) — wait for it or use another store") from exc
            raise StoreError(f"{self.path}: cannot open the store ({str(exc).splitlines()[0]})") from exc
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a DuckDB store ({str(exc).splitlines()[0]})") from exc
        try:
            self._check_schema()
        except BaseException:
            self.con.close()
            raise

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Close the connection (committed work is already durable)."""
        self.con.close()

    def cursor(self) -> Store:
        """This store for another thread: its own DuckDB cursor, the same write lock.

        A DuckDB connection must not be used by two threads at once; a cursor is a connection
        of its own to the same open database, so a web server's request threads each read (and
        write, one at a time) through their own. Closing the view closes only its cursor.
        """
        view = copy.copy(self)
        view.con = self.con.cursor()
        return view

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_schema(self) -> None:
        tables = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        if not tables:
            if self.read_only:
                raise StoreError(f"{self.path}: empty store — fill it with `esglens batch`")
            with self._transaction():
                for statement in create_statements():
                    self.con.execute(statement)
                self.con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)",
                                 [str(SCHEMA_VERSION), f"esglens {__version__}"])
            return
        if "meta" not in tables:
            raise StoreError(f"{self.path}: not an esglens store (no meta table) — give a new file name")
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer esglens (schema {version}, this one reads "
                             f"{SCHEMA_VERSION}) — upgrade esglens")
        if version < SCHEMA_VERSION:
            missing = [v for v in range(version, SCHEMA_VERSION) if v not in MIGRATIONS]
            if missing or self.read_only:
                why = "no migration from it" if missing else "open it once for writing to migrate"
                raise StoreError(f"{self.path}: schema {version} is older than {SCHEMA_VERSION} and there is "
                                 f"{why} — re-run the batch into a new store")
            with self._transaction():
                for v in range(version, SCHEMA_VERSION):
                    for statement in MIGRATIONS[v]:
                        self.con.execute(statement)
                self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                                 [str(SCHEMA_VERSION)])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        with self._lock:
            self.con.begin()
            try:
                yield
            except BaseException:
                self.con.rollback()
                raise
            self.con.commit()

    # ------------------------------------------------------------------ the queue

    def add_file(self, path: str | Path, sha256: str, size: int) -> None:
        """Remember that ``path`` holds the report ``sha256`` (duplicates share one report)."""
        with self._transaction():
            self.con.execute("INSERT INTO files VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET "
                             "sha256 = excluded.sha256, bytes = excluded.bytes, seen_at = excluded.seen_at",
                             [str(path), sha256, size, _now()])

    def is_done(self, sha256: str) -> bool:
        """True when the report is analysed by this esglens version (a rerun skips it)."""
        row = self.con.execute("SELECT status, esglens_version FROM reports WHERE sha256 = ?",
                               [sha256]).fetchone()
        return bool(row and row[0] == "done" and row[1] == __version__)

    def enqueue(self, sha256: str, path: str | Path, *, options: Mapping[str, Any] | None = None,
                force: bool = False) -> bool:
        """Queue a report for analysis; False (nothing changes) when it is done and not ``force``."""
        if not force and self.is_done(sha256):
            return False
        opts = json.dumps(dict(options or {}), sort_keys=True)
        with self._transaction():
            self._upsert({"sha256": sha256, "path": str(path), "status": "queued", "error": None,
                          "queued_at": _now(), "options": opts})
        return True

    def claim(self, limit: int = 1, *, shas: Sequence[str] | None = None) -> list[Job]:
        """Mark up to ``limit`` queued reports running (oldest first; only ``shas`` if given)."""
        with self._transaction():
            sql = "SELECT sha256, path, options FROM reports WHERE status = 'queued'"
            params: list[Any] = []
            if shas is not None:
                sql += " AND list_contains(?, sha256)"
                params.append(list(shas))
            rows = self.con.execute(sql + " ORDER BY queued_at, sha256 LIMIT ?", [*params, limit]).fetchall()
            for sha, _, _ in rows:
                self.con.execute("UPDATE reports SET status = 'running' WHERE sha256 = ?", [sha])
        return [Job(sha, path, json.loads(opts or "{}")) for sha, path, opts in rows]

    def recover(self) -> int:
        """Put reports left ``running`` by a writer that died back in the queue; returns how many."""
        with self._transaction():
            row = self.con.execute("UPDATE reports SET status = 'queued' WHERE status = 'running' "
                                   "RETURNING sha256").fetchall()
        return len(row)

    def complete(self, analysis: Analysis, *, seconds: float | None = None,
                 peak_rss_mb: float | None = None) -> None:
        """Store ``analysis`` as done: its JSON, its row and every fact row, in one transaction."""
        pa = require("pyarrow")
        sha = analysis.sha256
        with self._transaction():
            for table in FACT_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE sha256 = ?", [sha])
            for table, rows in fact_rows(analysis).items():
                if rows:
                    self._insert_rows(pa, table, rows)
            self._upsert({
                "sha256": sha, "path": analysis.path, "status": "done", "error": None,
                "title": analysis.title, "company": analysis.company,
                "company_key": company_key(analysis.company), "year": report_year(analysis.period),
                "pages": analysis.page_count, "language": analysis.language, "seconds": seconds,
                "peak_rss_mb": peak_rss_mb, "analysed_at": _now(), "esglens_version": __version__,
                "analysis": json.dumps(analysis.to_dict(), ensure_ascii=False),
            })

    def fail(self, sha256: str, path: str | Path, error: str, *, seconds: float | None = None,
             peak_rss_mb: float | None = None) -> None:
        """Record that the report could not be analysed, with its one-line error."""
        with self._transaction():
            for table in FACT_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE sha256 = ?", [sha256])
            self._upsert({
                "sha256": sha256, "path": str(path), "status": "failed", "error": error, "title": None,
                "company": None, "company_key": None, "year": None, "pages": None, "language": None,
                "seconds": seconds, "peak_rss_mb": peak_rss_mb, "analysed_at": _now(),
                "esglens_version": __version__, "analysis": None,
            })

    def _upsert(self, row: dict[str, Any]) -> None:
        """Insert a reports row, or update the given columns of the existing one."""
        cols = list(row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "sha256")
        self.con.execute(f"INSERT INTO reports ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                         f"ON CONFLICT (sha256) DO UPDATE SET {updates}", list(row.values()))

    def _insert_rows(self, pa: Any, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert many rows at once through Arrow (row-by-row executemany is ~300x slower)."""
        types = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
                 "INTEGER[]": pa.list_(pa.int32()), "VARCHAR[]": pa.list_(pa.string())}
        schema = pa.schema([(c, types[t.split()[0]]) for c, t in TABLES[table]])
        data = pa.Table.from_pylist(rows, schema=schema)
        self.con.register("_esglens_rows", data)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _esglens_rows")
        finally:
            self.con.unregister("_esglens_rows")

    def set_overrides(self, overrides: Mapping[str, Override]) -> int:
        """Persist overrides (full sha256 or unique prefix) for reports in the store; returns how many."""
        resolved = resolve_overrides(overrides, self.shas())
        with self._transaction():
            for sha, o in resolved.items():
                self.con.execute("INSERT INTO overrides VALUES (?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET "
                                 "company = excluded.company, year = excluded.year", [sha, o.company, o.year])
        return len(resolved)

    # ------------------------------------------------------------------ reading

    def shas(self) -> list[str]:
        """Every report's sha256."""
        return [r[0] for r in self.con.execute("SELECT sha256 FROM reports ORDER BY sha256").fetchall()]

    def status(self, sha256: str) -> str | None:
        """'queued', 'running', 'done' or 'failed'; None for an unknown report."""
        row = self.con.execute("SELECT status FROM reports WHERE sha256 = ?", [sha256]).fetchone()
        return row[0] if row else None

    def report(self, sha256: str) -> dict[str, Any] | None:
        """A report's row (without the analysis JSON), or None."""
        rows = self.reports(sha256=sha256)
        return rows[0] if rows else None

    def reports(self, *, status: str | None = None, sha256: str | None = None) -> list[dict[str, Any]]:
        """Report rows (without the analysis JSON), by path."""
        cols = [c for c in columns("reports") if c != "analysis"]
        sql = (f"SELECT {', '.join(cols)} FROM reports "
               "WHERE (? IS NULL OR status = ?) AND (? IS NULL OR sha256 = ?)")
        rows = self.con.execute(sql + " ORDER BY path", [status, status, sha256, sha256]).fetchall()
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def analysis(self, sha256: str) -> Analysis | None:
        """The stored Analysis of a done report, exactly as the pipeline returned it; else None."""
        row = self.con.execute("SELECT analysis FROM reports WHERE sha256 = ? AND status = 'done'",
                               [sha256]).fetchone()
        return Analysis.from_dict(json.loads(row[0])) if row and row[0] else None

    def counts(self) -> dict[str, int]:
        """Number of reports per status (every status present, zeros included)."""
        found = dict(self.con.execute("SELECT status, count(*) FROM reports GROUP BY status").fetchall())
        return {s: int(found.get(s, 0)) for s in ("queued", "running", "done", "failed")}

    def identities(self, overrides: Mapping[str, Override] | None = None) -> list[dict[str, Any]]:
        """Each report's company (display spelling), company key and year, overrides applied.

        Precedence: ``overrides`` given now, then those stored by a batch, then what the pipeline
        detected. Reports of one company key share the spelling seen most often.
        """
        stored = {sha: Override(c, y) for sha, c, y in self.con.execute("SELECT * FROM overrides").fetchall()}
        given = resolve_overrides(overrides or {}, self.shas())
        rows = []
        for sha, company, year in self.con.execute("SELECT sha256, company, year FROM reports").fetchall():
            o_now, o_stored = given.get(sha, Override()), stored.get(sha, Override())
            rows.append({"sha256": sha, "company": o_now.company or o_stored.company or company or "",
                         "year": o_now.year or o_stored.year or year})
        names = display_names(r["company"] for r in rows)
        for r in rows:
            r["company_key"] = company_key(r["company"])
            r["company"] = names.get(r["company_key"], r["company"])
        return rows

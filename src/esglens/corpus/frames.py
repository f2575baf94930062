"""The store as pandas DataFrames, for notebooks: ``Corpus(path).metrics("ghg_scope1")``.

Every fact table comes back joined to its report's identity — company (overrides applied, one
spelling per company), report year and path — so a reader never writes SQL or joins by sha256.
Opened read-only: several notebooks may read one store while no batch is writing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import Analysis
from .identity import Override, company_key, load_overrides
from .schema import columns
from .store import Store, require

__all__ = ["FACT_VIEWS", "Corpus", "parse_years"]

# What `export --table` and Corpus.facts accept: the fact tables plus the reports themselves.
FACT_VIEWS = ("metrics", "targets", "claims", "gaps", "sentences", "reports")


def parse_years(years: str | int | Iterable[int] | None) -> list[int] | None:
    """"2022", "2020-2023,2025" or [2022, 2023] -> sorted years; None means every year."""
    if years is None:
        return None
    if isinstance(years, int):
        return [years]
    if not isinstance(years, str):
        return sorted({int(y) for y in years})
    out: set[int] = set()
    for part in filter(None, (p.strip() for p in years.split(","))):
        m = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", part)
        if not m:
            raise ConfigError(f"--years {years!r}: use years like 2022 or 2020-2024, comma-separated")
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        out.update(range(min(lo, hi), max(lo, hi) + 1))
    return sorted(out)


class Corpus:
    """A store opened for reading; every method returns a pandas DataFrame (or an Analysis).

    ``overrides`` (a YAML/JSON file or mapping of sha256 -> company/year) corrects identities
    for this session only, on top of overrides a batch stored.
    """

    def __init__(self, path: str | Path | Store, *,
                 overrides: str | Path | Mapping[str, Override] | None = None) -> None:
        require("pandas")
        # A Store already open in this process (a web server's writer) is borrowed, not reopened:
        # DuckDB refuses a second connection to one file with another configuration.
        self._owned = not isinstance(path, Store)
        self.store = path if isinstance(path, Store) else Store(path, read_only=True)
        self.overrides = overrides if isinstance(overrides, Mapping) else load_overrides(overrides)

    def close(self) -> None:
        """Close the store (unless it was lent to this Corpus)."""
        if self._owned:
            self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _register_identity(self) -> None:
        """(Re)build the ``identity`` view, so reports stored since the last query are included."""
        pd = require("pandas")
        rows = self.store.identities(self.overrides)
        frame = pd.DataFrame(rows, columns=["sha256", "company", "year", "company_key"])
        frame["year"] = frame["year"].astype("Int64")
        self.store.con.register("identity", frame)

    def sql(self, query: str, params: list[Any] | None = None) -> Any:
        """Run SQL over the store (tables, plus the ``identity`` view) -> DataFrame."""
        self._register_identity()
        return self.store.con.execute(query, params or []).df()

    def reports(self, *, status: str | None = None) -> Any:
        """One row per report: company, year, path, status, error, pages, language, timings."""
        skip = ("sha256", "company", "company_key", "year", "analysis")
        cols = [c for c in columns("reports") if c not in skip]
        sql = (f"SELECT i.company, i.year, r.sha256, {', '.join('r.' + c for c in cols)}, "
               "r.company AS detected_company FROM reports r JOIN identity i USING (sha256) "
               "WHERE (? IS NULL OR r.status = ?) ORDER BY i.company, i.year, r.path")
        return self.sql(sql, [status, status])

    def facts(self, table: str, *, companies: Iterable[str] | str | None = None,
              years: str | Iterable[int] | None = None, metric: str | None = None,
              primary_only: bool = False) -> Any:
        """Rows of a fact table with company, year (the report's) and report path in front.

        ``years`` filters the fact's own period for metrics and the report year otherwise;
        ``companies`` match by folded name ("Acme AG" finds "Acme").
        """
        if table == "reports":
            return self.reports()
        if table not in FACT_VIEWS:
            raise ConfigError(f"unknown table {table!r} — use one of {', '.join(FACT_VIEWS)}")
        cols = [c for c in columns(table) if c != "sha256"]
        where: list[str] = ["r.status = 'done'"]
        params: list[Any] = []
        keys = _company_keys(companies)
        if keys:
            where.append("list_contains(?, i.company_key)")
            params.append(keys)
        wanted = parse_years(years)
        if wanted:
            field = "TRY_CAST(f.period AS INTEGER)" if table == "metrics" else "i.year"
            where.append(f"list_contains(?, {field})")
            params.append(wanted)
        if metric and table in ("metrics", "targets", "gaps"):
            where.append("f.metric = ?")
            params.append(metric)
        if primary_only and table == "metrics":
            where.append('f."primary"')
        order = {"metrics": "f.metric, f.period DESC, f.page", "sentences": "f.section, f.position",
                 "gaps": "f.metric"}.get(table, "f.page")
        sql = (f"SELECT i.company, i.year, r.path AS report, f.sha256, "
               f"{', '.join(f'f.{chr(34)}{c}{chr(34)}' for c in cols)} "
               f"FROM {table} f JOIN reports r USING (sha256) JOIN identity i USING (sha256) "
               f"WHERE {' AND '.join(where)} ORDER BY i.company, i.year, r.path, {order}")
        return self.sql(sql, params)

    def metrics(self, metric: str | None = None, *, companies: Iterable[str] | str | None = None,
                years: str | Iterable[int] | None = None, primary_only: bool = True) -> Any:
        """Metric facts (primaries only unless ``primary_only=False``), one row per value."""
        return self.facts("metrics", companies=companies, years=years, metric=metric,
                          primary_only=primary_only)

    def targets(self, *, companies: Iterable[str] | str | None = None) -> Any:
        """Targets and commitments of every report."""
        return self.facts("targets", companies=companies)

    def claims(self, *, companies: Iterable[str] | str | None = None) -> Any:
        """Claims to watch of every report."""
        return self.facts("claims", companies=companies)

    def compare(self, metric: str, *, companies: Iterable[str] | str | None = None,
                years: str | Iterable[int] | None = None) -> Any:
        """One value per company and period for ``metric`` (see ``compare.compare_metric``)."""
        from .compare import compare_metric

        return compare_metric(self, metric, companies=companies, years=years)

    def export(self, table: str, fmt: str, out: str | Path) -> int:
        """Write a table as csv, parquet or xlsx (see ``export.export_table``); returns rows."""
        from .export import export_table

        return export_table(self, table, fmt, out)

    def analysis(self, sha256: str) -> Analysis | None:
        """The stored Analysis of one report (full sha256), or None."""
        return self.store.analysis(sha256)


def _company_keys(companies: Iterable[str] | str | None) -> list[str]:
    if companies is None:
        return []
    names = [companies] if isinstance(companies, str) else list(companies)
    return sorted({company_key(n) for n in names if n.strip()})

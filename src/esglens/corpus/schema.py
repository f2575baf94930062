"""The store's tables, its schema version, and an Analysis flattened into their rows.

One row per fact, so SQL, spreadsheets and DataFrames see every value with its page and quote;
``reports.analysis`` also keeps the whole ``Analysis.to_dict()`` JSON, so a report reads back as
the exact Analysis the pipeline returned. Columns are added only with a new SCHEMA_VERSION and
a migration in ``MIGRATIONS`` (old version -> SQL that brings it to the next one).
"""

from __future__ import annotations

from typing import Any

from ..model import Analysis

SCHEMA_VERSION = 1

# version -> statements that upgrade a store of that version to version + 1
MIGRATIONS: dict[int, tuple[str, ...]] = {}

STATUSES = ("queued", "running", "done", "failed")


def _cols(spec: str) -> tuple[tuple[str, str], ...]:
    """"name TYPE, name TYPE" -> ((name, TYPE), ...)."""
    return tuple((c.split()[0], " ".join(c.split()[1:])) for c in spec.replace("\n", " ").split(","))


# table -> ((column, SQL type), ...); every fact table starts with the report's sha256.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "meta": _cols("key VARCHAR PRIMARY KEY, value VARCHAR"),
    "reports": _cols("""
        sha256 VARCHAR PRIMARY KEY, path VARCHAR NOT NULL, status VARCHAR NOT NULL,
        error VARCHAR, title VARCHAR, company VARCHAR, company_key VARCHAR, year INTEGER,
        pages INTEGER, language VARCHAR, seconds DOUBLE, peak_rss_mb DOUBLE,
        queued_at TIMESTAMP, analysed_at TIMESTAMP, esglens_version VARCHAR, options VARCHAR,
        analysis VARCHAR"""),
    "files": _cols("path VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, bytes BIGINT, seen_at TIMESTAMP"),
    "overrides": _cols("sha256 VARCHAR PRIMARY KEY, company VARCHAR, year INTEGER"),
    "metrics": _cols("""
        sha256 VARCHAR NOT NULL, metric VARCHAR, label VARCHAR, value DOUBLE, unit VARCHAR,
        period VARCHAR, page INTEGER, quote VARCHAR, primary BOOLEAN, confidence DOUBLE,
        basis VARCHAR, boundary VARCHAR, source VARCHAR, raw_value VARCHAR, raw_unit VARCHAR,
        reason VARCHAR"""),
    "targets": _cols("""
        sha256 VARCHAR NOT NULL, type VARCHAR, target_year INTEGER, base_year INTEGER,
        reduction_pct DOUBLE, target_pct DOUBLE, scope VARCHAR, metric VARCHAR, page INTEGER,
        quote VARCHAR, confidence DOUBLE"""),
    "claims": _cols("sha256 VARCHAR NOT NULL, text VARCHAR, reason VARCHAR, page INTEGER, topic VARCHAR"),
    "gaps": _cols("""
        sha256 VARCHAR NOT NULL, metric VARCHAR, label VARCHAR, pillar VARCHAR, period VARCHAR,
        pages INTEGER[], note VARCHAR"""),
    "sentences": _cols("""
        sha256 VARCHAR NOT NULL, section VARCHAR, position INTEGER, paragraph INTEGER,
        text VARCHAR, pages INTEGER[], quotes VARCHAR[]"""),
}


def create_statements() -> list[str]:
    """CREATE TABLE statements for every table (column names quoted: "primary" is a keyword)."""
    return [f'CREATE TABLE {name} ({", ".join(f"{chr(34)}{c}{chr(34)} {t}" for c, t in cols)})'
            for name, cols in TABLES.items()]


def columns(table: str) -> list[str]:
    """Column names of ``table`` in declaration order."""
    return [c for c, _ in TABLES[table]]


# Tables holding one row per fact of a report, in the order a report is written.
FACT_TABLES = ("metrics", "targets", "claims", "gaps", "sentences")


def fact_rows(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    """The rows ``analysis`` contributes to each fact table (column name -> value)."""
    sha = analysis.sha256
    sentences = []
    if analysis.overview is not None:
        for section in analysis.overview.sections:
            for i, s in enumerate(section.sentences):
                sentences.append({
                    "sha256": sha, "section": section.header, "position": i, "paragraph": s.paragraph,
                    "text": s.text, "pages": [c.page for c in s.citations],
                    "quotes": [c.quote for c in s.citations],
                })
    return {
        "metrics": [{"sha256": sha, **_pick(m.to_dict(), columns("metrics"))} for m in analysis.metrics],
        "targets": [{"sha256": sha, **_pick(t.to_dict(), columns("targets"))} for t in analysis.targets],
        "claims": [{"sha256": sha, **_pick(c.to_dict(), columns("claims"))} for c in analysis.claims],
        "gaps": [{"sha256": sha, **_pick(g.to_dict(), columns("gaps"))} for g in analysis.not_disclosed],
        "sentences": sentences,
    }


def _pick(data: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    return {c: data.get(c) for c in columns if c != "sha256"}

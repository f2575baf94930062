"""The ``esglens`` command: parse arguments, call the library, print, set the exit code.

Exit codes: 0 success, 1 failure (``Error: …`` on stderr, one line, no traceback), 2 usage.
Every flag is the library's keyword argument in kebab-case (``--pages`` ↔ ``pages=``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .errors import ConfigError, EsglensError, TimeLimitError
from .model import Analysis, Document, Metric, Target, printable, to_json


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one ``Error:`` line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"Error: {message} — see `{self.prog} --help`\n")
        raise SystemExit(2)


def _add_read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("report", help="path to the report PDF")
    p.add_argument("--pages", help="only these 1-based pages, e.g. 5-9,12")
    p.add_argument("--password", help="password of an encrypted PDF")
    p.add_argument("--ocr", dest="ocr_mode", choices=["auto", "force", "off"], default="auto",
                   help="OCR pages without a text layer (auto), every page (force) or none (off)")
    p.add_argument("--ocr-lang", default="auto",
                   help="tesseract languages, e.g. eng or chi_sim+eng (auto: by script detection)")
    p.add_argument("--max-pages", type=int, default=1000, help="refuse longer documents (default 1000)")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="per-document time limit in seconds (default 300)")
    p.add_argument("--max-memory", type=int, default=768, metavar="MB",
                   help="memory the PDF engine may use for one report, in MB (default 768)")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line interface."""
    parser = _Parser(prog="esglens", description="Grounded, page-cited ESG overviews from report PDFs.")
    parser.add_argument("--version", action="version", version=f"esglens {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("read", help="read a report and show its pages (or the Document as JSON)")
    _add_read_options(p)
    p.add_argument("--json", action="store_true", help="print the whole Document as JSON")

    p = sub.add_parser("analyze", help="metrics, targets, claims and the cited ESG overview")
    _add_read_options(p)
    p.add_argument("--out", required=True, help="output directory (analysis.json, overview.md/.html)")
    p.add_argument("--pdf", action="store_true", help="also write overview.pdf")
    p.add_argument("--audio", action="store_true", help="also write a spoken overview.wav (espeak-ng)")
    p.add_argument("--llm", "--llm-endpoint", dest="llm_endpoint", metavar="URL",
                   help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 (verified rewrite)")
    p.add_argument("--llm-model", help="model name to request from the endpoint")
    p.add_argument("--llm-api-key", help="API key for the endpoint (default $OPENAI_API_KEY)")
    p.add_argument("--llm-timeout", type=float, default=60.0, help="seconds per LLM request")
    p.add_argument("--lang", choices=["auto", "en", "zh"], default="auto",
                   help="language of the overview (auto: the report's own when supported)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    for name, what in (("metrics", "ESG metrics with pages"), ("targets", "targets and commitments")):
        p = sub.add_parser(name, help=f"print the {what}")
        _add_read_options(p)
        p.add_argument("--format", choices=["table", "csv", "json"], default="table")
        if name == "metrics":
            p.add_argument("--all", action="store_true", help="include alternates, not only primaries")

    p = sub.add_parser("ask", help="answer a question about a report, with cited pages")
    _add_read_options(p)
    p.add_argument("question", nargs="?", help="the question")
    p.add_argument("--questions", help="file with one question per line")
    p.add_argument("-k", type=int, default=5, help="citations to return (default 5)")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--cache-dir", help="index cache directory (default ~/.cache/esglens)")

    p = sub.add_parser("eval", help="score metric and target extraction against a gold answer key")
    p.add_argument("--gold", default=str(Path("..") / "shared" / "gold" / "dev_answer_key.json"))
    p.add_argument("--reports", default=str(Path("..") / "shared" / "reports"))
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("sample", help="write a sample ESG report PDF (fictional company) to try esglens")
    p.add_argument("out", help="where to write the PDF")
    _add_corpus_commands(sub)
    return parser


def _add_corpus_commands(sub: Any) -> None:
    """batch, compare, export: the corpus layer (needs the corpus extra)."""
    p = sub.add_parser("batch", help="analyse many reports (files, folders, path lists) into a DuckDB store")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="PDF files, folders (recursive) or text files listing paths "
                        "(none: run what the store has queued)")
    p.add_argument("--store", required=True, help="the DuckDB store file, e.g. corpus.duckdb")
    p.add_argument("--jobs", type=int, help="worker processes (default: the cores)")
    p.add_argument("--force", action="store_true", help="re-analyse reports already in the store")
    # dest differs from --timeout of the one-report commands: main()'s whole-command alarm must not fire
    p.add_argument("--timeout", dest="task_timeout", type=float, default=300.0,
                   help="per-report time limit in seconds (default 300)")
    p.add_argument("--engine", choices=["process", "dask"], default="process",
                   help="process pool on this machine, or a dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--overrides", help="YAML/JSON file of sha256 -> {company, year} corrections")
    p.add_argument("--ocr", dest="ocr_mode", choices=["auto", "force", "off"], default="auto")
    p.add_argument("--ocr-lang", default="auto")
    p.add_argument("--max-pages", type=int, default=1000)
    p.add_argument("--no-progress", action="store_true", help="no progress bar (or lines, off a terminal)")

    p = sub.add_parser("compare", help="one metric across companies and years, with pages")
    p.add_argument("--store", required=True)
    p.add_argument("--metric", required=True, help="metric id, e.g. ghg_scope1")
    p.add_argument("--company", action="append",
                   help="only this company (repeatable; 'Acme AG' = 'Acme')")
    p.add_argument("--years", help="periods, e.g. 2022 or 2020-2024,2026")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--chart", metavar="OUT", help="also draw it to OUT.svg or OUT.png")
    p.add_argument("--overrides", help="YAML/JSON file of sha256 -> {company, year} corrections")

    p = sub.add_parser("export", help="a store table as CSV, Parquet or XLSX: one row per fact")
    p.add_argument("--store", required=True)
    p.add_argument("--table", choices=["metrics", "targets", "claims", "reports", "sentences", "gaps"],
                   default="metrics")
    p.add_argument("--format", choices=["csv", "parquet", "xlsx"], required=True)
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--overrides", help="YAML/JSON file of sha256 -> {company, year} corrections")

    p = sub.add_parser("serve", help="the web app: upload reports, read, ask and compare in a browser")
    p.add_argument("--store", default="corpus.duckdb", help="the DuckDB store (default corpus.duckdb)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--max-upload-mb", type=int, default=100, help="largest upload in MB (default 100)")
    p.add_argument("--token", default=os.environ.get("ESGLENS_TOKEN"),
                   help="require this token (default $ESGLENS_TOKEN); needed to bind beyond loopback")
    p.add_argument("--workers", type=int, default=1, help="reports analysed at once (default 1)")
    p.add_argument("--max-queue", type=int, default=100, help="reports waiting at most (default 100)")
    p.add_argument("--timeout", dest="task_timeout", type=float, default=300.0,
                   help="per-report time limit in seconds (default 300)")


def _read_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "pages": args.pages,
        "password": args.password,
        "ocr_mode": args.ocr_mode,
        "ocr_lang": args.ocr_lang,
        "max_pages": args.max_pages,
        "time_limit": args.timeout,
        "max_memory": args.max_memory,
    }


def _read(args: argparse.Namespace) -> Document:
    from .guard import read_guarded

    return read_guarded(args.report, **_read_kwargs(args))


def _print_document(doc: Document) -> None:
    print(printable(doc.title or Path(doc.path).name))
    print(f"{printable(doc.path)} · {doc.page_count} pages · language {doc.language} · "
          f"sha256 {doc.sha256[:12]}")
    for page in doc.pages:
        label = f" (printed {page.label})" if page.label and page.label != str(page.number) else ""
        flags = " · OCR" if page.ocr else ""
        flags += f" · OCR of {len(page.ocr_regions)} image region(s)" if page.ocr_regions else ""
        headings = [b.text for b in page.blocks if b.kind == "heading" and not b.furniture][:2]
        words = len(page.body_text.split())
        print(f"p.{page.number}{label}: {words} words, {len(page.tables)} tables{flags}"
              + (f" — {' / '.join(h[:60] for h in headings)}" if headings else ""))
    for warning in doc.warnings:
        print(f"warning: {printable(warning)}")


def _print_json(data: Any, indent: int | None = None) -> None:
    """JSON on stdout as UTF-8 bytes, whatever the locale (see ``to_json``)."""
    sys.stdout.flush()
    out = getattr(sys.stdout, "buffer", None)
    text = to_json(data, indent=indent) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write(text.encode("utf-8"))
        out.flush()


def _fmt_value(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"


def _print_metrics(metrics: Sequence[Metric], fmt: str) -> None:
    if fmt == "json":
        _print_json([m.to_dict() for m in metrics], indent=1)
        return
    cols = ["metric", "period", "value", "unit", "page", "primary", "confidence", "quote"]
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        for m in metrics:
            w.writerow([m.metric, m.period, m.value, m.unit, m.page, m.primary, m.confidence, m.quote])
        return
    rows = [[m.metric + ("" if m.primary else " (alt)"), m.period, _fmt_value(m.value), m.unit,
             f"p.{m.page}", f"{m.confidence:.2f}", m.quote[:70]] for m in metrics]
    _table(["metric", "period", "value", "unit", "page", "conf", "quote"], rows)


def _print_targets(targets: Sequence[Target], fmt: str) -> None:
    if fmt == "json":
        _print_json([t.to_dict() for t in targets], indent=1)
        return
    cols = ["type", "scope", "metric", "target_year", "base_year", "reduction_pct", "target_pct", "page",
            "quote"]
    rows = [[str(getattr(t, c) if getattr(t, c) is not None else "") for c in cols] for t in targets]
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
        return
    _table(cols, [r[:-1] + [r[-1][:70]] for r in rows])


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    if not rows:
        print("(none found)")


def _progress_bar() -> Any:
    """A tqdm bar on stderr driven by the pipeline's (stage, fraction) progress callback."""
    from tqdm import tqdm

    bar = tqdm(total=100, file=sys.stderr, unit="%", leave=False, dynamic_ncols=True,
               bar_format="{l_bar}{bar}| {elapsed}")

    def show(stage: str, fraction: float) -> None:
        bar.set_description_str(f"{stage:<9}", refresh=False)
        bar.update(max(0, round(fraction * 100) - bar.n))
        if fraction >= 1.0:
            bar.close()

    return show


def _run(args: argparse.Namespace) -> int:
    if args.command == "read":
        doc = _read(args)
        if args.json:
            _print_json(doc.to_dict())
        else:
            _print_document(doc)
        return 0
    if args.command == "analyze":
        from .analyze import analyze, write_outputs
        from .render.publish import check_output_dir

        check_output_dir(args.out)  # before reading: a bad --out must not cost a whole analysis
        progress = _progress_bar() if sys.stderr.isatty() and not args.no_progress else None
        options = dict(_read_kwargs(args), llm_endpoint=args.llm_endpoint, llm_model=args.llm_model,
                       llm_api_key=args.llm_api_key, llm_timeout=args.llm_timeout, lang=args.lang)
        analysis: Analysis = analyze(args.report, **({"progress": progress} if progress else {}),
                                     **options)
        written = write_outputs(analysis, args.out, pdf=args.pdf, audio=args.audio)
        primaries = sum(m.primary for m in analysis.metrics)
        print(f"{analysis.company or analysis.title}: {primaries} metrics, {len(analysis.targets)} "
              f"targets, {len(analysis.claims)} claims to watch")
        for path in written:
            print(f"wrote {printable(str(path))}")
        return 0
    if args.command in ("metrics", "targets"):
        from .extract import extract_metrics, extract_targets

        doc = _read(args)
        if args.command == "metrics":
            metrics = extract_metrics(doc)
            _print_metrics([m for m in metrics if m.primary or args.all], args.format)
        else:
            _print_targets(extract_targets(doc), args.format)
        return 0
    if args.command == "ask":
        return _ask(args)
    if args.command == "eval":
        from .evaluate import evaluate_metrics, format_scores

        scores = evaluate_metrics(args.gold, args.reports)
        print(json.dumps(scores, indent=1, ensure_ascii=False) if args.json else format_scores(scores))
        return 0
    if args.command == "sample":
        from .sample import write_sample_report

        print(f"wrote {write_sample_report(args.out)}")
        return 0
    if args.command in ("batch", "compare", "export"):
        return _corpus(args)
    if args.command == "serve":
        return _serve(args)
    raise ConfigError(f"unknown command {args.command}")


def _corpus(args: argparse.Namespace) -> int:
    from .corpus import Corpus, batch

    if args.command == "batch":
        from contextlib import nullcontext

        from .corpus.progress import progress_bar, progress_lines

        if args.no_progress:
            bar: Any = nullcontext(None)
        else:  # a live bar on a terminal, one line per report in a log
            bar = progress_bar() if sys.stderr.isatty() else nullcontext(progress_lines(sys.stderr))
        with bar as progress:
            result = batch(args.inputs, args.store, jobs=args.jobs, force=args.force,
                           timeout=args.task_timeout, engine=args.engine, scheduler=args.scheduler,
                           overrides=args.overrides, progress=progress, ocr_mode=args.ocr_mode,
                           ocr_lang=args.ocr_lang, max_pages=args.max_pages)
        for path, error in result.failures:
            print(f"failed: {path}: {error.removeprefix(f'{path}: ')}")
        rate = f", {result.pages / result.seconds:.1f} pages/s" if result.seconds and result.pages else ""
        print(f"{result.done} done, {result.failed} failed, {result.skipped} skipped (already in the store), "
              f"{result.duplicates} duplicates — {result.total} reports in {result.store} "
              f"({result.seconds:.0f} s{rate})")
        return 0
    from .corpus.compare import draw_chart, format_compare

    with Corpus(args.store, overrides=args.overrides) as corpus:
        if args.command == "export":
            rows = corpus.export(args.table, args.format, args.out)
            print(f"wrote {args.out} ({rows} rows)")
            return 0
        frame = corpus.compare(args.metric, companies=args.company, years=args.years)
        print(format_compare(frame, args.format, max_periods=None if args.years else 6))
        if args.chart:
            sys.stderr.write(f"wrote {draw_chart(frame, args.chart)}\n")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve.app import bind, create_app, run
    from .serve.security import LOOPBACK_HOSTS
    from .serve.state import ServeConfig

    if args.host not in LOOPBACK_HOSTS and not args.token:
        raise ConfigError(f"--host {args.host} is reachable from other machines — give --token T "
                          "(or $ESGLENS_TOKEN) so only holders of the token can use it")
    if min(args.port, args.max_upload_mb, args.workers, args.max_queue) < 1 or args.task_timeout <= 0:
        raise ConfigError("--port, --max-upload-mb, --workers, --max-queue and --timeout must be positive")
    if not Path(args.store).resolve().parent.is_dir():
        raise ConfigError(f"--store {printable(args.store)}: its folder does not exist — create it first")
    config = ServeConfig(store=args.store, host=args.host, port=args.port, max_upload_mb=args.max_upload_mb,
                         token=args.token, workers=args.workers, max_queue=args.max_queue,
                         timeout=args.task_timeout)
    app = create_app(config)  # opens the store: "in use" is an error before anything listens
    sock = bind(config)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"esglens serving {printable(args.store)} on http://{shown}:{args.port}/ "
          f"({args.workers} worker{'s' if args.workers > 1 else ''}; Ctrl-C stops)", flush=True)
    run(app, config, sock)
    return 0


def _ask(args: argparse.Namespace) -> int:
    from .ask import answer_questions

    if args.questions:
        qpath = Path(args.questions)
        if not qpath.is_file():
            raise ConfigError(f"--questions {qpath}: no such file")
        questions = [q.strip() for q in qpath.read_text(encoding="utf-8").splitlines() if q.strip()]
    elif args.question:
        questions = [args.question]
    else:
        raise ConfigError("give a QUESTION or --questions FILE")
    cache = args.cache_dir or os.environ.get("ESGLENS_CACHE") or str(Path.home() / ".cache" / "esglens")
    answers = answer_questions(args.report, questions, k=args.k, cache_dir=cache,
                               read_options=_read_kwargs(args))
    for question, answer in zip(questions, answers, strict=True):
        data = answer.to_dict()
        if args.json:
            _print_json({"question": question, **data} if args.questions else data)
            continue
        if args.questions:
            print(f"Q: {question}")
        why = f" ({data['reason']})" if data.get("reason") else ""
        print(data["answer"] if not data["abstained"] else f"No answer found in the report{why}.")
        for c in data["citations"]:
            print(f"  [p. {c['page']}] {c['quote'][:100]}")
    return 0


def _alarm(signum: int, frame: Any) -> NoReturn:
    raise TimeLimitError("the per-document time limit ran out — use --pages or raise --timeout")


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    names: set[str] = set()
    for action in parser._actions:
        names.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                names |= _option_strings(sub)
    return names


def _dash_paths(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """A file named like an option (``-report.pdf``) is passed on as ``./-report.pdf``, so any
    file name works without ``--``; known options and words after ``--`` are left alone."""
    known = _option_strings(parser)
    out: list[str] = []
    for token in argv:
        if "--" not in out and token.startswith("-") and token not in ("-", "--") \
                and token.split("=", 1)[0] not in known and os.path.exists(token):
            token = os.path.join(".", token)
        out.append(token)
    return out


def _message(exc: BaseException) -> str:
    """An error's text on one line, safe for any terminal encoding."""
    return " ".join(printable(str(exc)).split("\n"))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``esglens`` console script; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):  # never a UnicodeEncodeError from a print
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    parser = build_parser()
    try:
        args = parser.parse_args(_dash_paths(sys.argv[1:] if argv is None else argv, parser))
    except SystemExit as exc:
        return int(exc.code or 0)
    timeout = getattr(args, "timeout", None)
    if timeout and hasattr(signal, "SIGALRM"):
        # Backstop for the whole command (reading has its own deadline): 2x the limit.
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(int(timeout * 2) + 1)
    try:
        return _run(args)
    except ConfigError as exc:
        sys.stderr.write(f"Error: {_message(exc)}\n")
        return 2
    except EsglensError as exc:
        sys.stderr.write(f"Error: {_message(exc)}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        sys.stderr.write("Error: out of memory — read fewer pages with --pages\n")
        return 1
    except Exception as exc:  # the promise is one line, never a traceback; ESGLENS_DEBUG shows it
        if os.environ.get("ESGLENS_DEBUG"):
            raise
        sys.stderr.write(f"Error: internal error ({type(exc).__name__}: {_message(exc)}) — "
                         "rerun with ESGLENS_DEBUG=1 and report it\n")
        return 1
    finally:
        if timeout and hasattr(signal, "SIGALRM"):
            signal.alarm(0)


if __name__ == "__main__":
    raise SystemExit(main())

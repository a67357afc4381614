"""Mail production against plain composition, on the statement workload.

    python bench/production.py --records 20000 --threads 1 --threads 2

The same statements (bench/STATEMENT.md, with the demo's mail columns: DPID,
household, channel, country) are composed twice per thread count, each in
its own subprocess reading the same Arrow IPC file:

    plain        pressrun.compose: one PDF, the exception report
    production   pressrun.production.run.produce with the demo profile
                 (engine/pressrun/demo/statement_production.yaml): householding,
                 presort, streams, a DataMatrix per sheet, a 4-state barcode per
                 piece, duplex with blank backs, three stocks, insert sheets,
                 print files split at 5,000 pieces with JDF tickets, manifest,
                 job report and the reconciliation that re-reads every file

Throughput is statements (documents) per second: production prints a few
percent fewer (suppressed and e-mail-only records) and more pages (blank
backs, inserts), so pages/s alone would flatter it. Both are printed.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import click
import pyarrow as pa

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from demo_data import import_pressrun  # noqa: E402
from throughput import _cpu_seconds, _vm_hwm_kb, marked_result, write_ipc_stream  # noqa: E402

_MARK = "PRODUCTION-RESULT "


@click.group(invoke_without_command=True)
@click.option("--records", default=20_000, show_default=True, help="Statements to compose.")
@click.option("--threads", "thread_counts", multiple=True, type=int, default=(1,), show_default=True,
              help="Deflate threads (repeatable: one pair of runs per count).")
@click.option("--seed", default=1, show_default=True)
@click.option("--repeat", default=3, show_default=True,
              help="Runs of each (alternating plain, production): the best of each counts, since "
                   "shared machines drift between runs.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None)
@click.pass_context
def cli(context, records: int, thread_counts: tuple[int, ...], seed: int, repeat: int,
        json_path: Path | None) -> None:
    if context.invoked_subcommand is not None:
        return
    import_pressrun()
    from pressrun.demo import iter_statement_batches, write_demo_assets
    from pressrun.demo.mailing import with_mail_columns

    work = Path(tempfile.mkdtemp(prefix="pressrun-production-"))
    assets = work / "assets"
    write_demo_assets(assets)
    data = work / f"mailing-{records}.arrows"
    started = time.perf_counter()
    table = with_mail_columns(pa.Table.from_batches(list(iter_statement_batches(records, seed=seed))), seed)
    write_ipc_stream(data, table.to_batches(max_chunksize=4096))
    del table
    click.echo(f"generated {records:,} statements in {time.perf_counter() - started:.1f}s (not timed)", err=True)
    every_run = []
    for threads in thread_counts:
        for attempt in range(repeat):
            for mode in ("plain", "production"):
                click.echo(f"running {mode} with {threads} thread(s), run {attempt + 1} of {repeat} ...",
                           err=True)
                every_run.append(_subprocess(mode, data, assets, work / f"{mode}-t{threads}", threads))
    runs = []   # the best run of each mode and thread count
    for threads in thread_counts:
        for mode in ("plain", "production"):
            done = [r for r in every_run if r["mode"] == mode and r["threads"] == threads and "error" not in r]
            failed = [r for r in every_run if r["mode"] == mode and r["threads"] == threads and "error" in r]
            runs.append(min(done, key=lambda r: r["wall_s"]) if done else failed[0])
    click.echo(f"best of {repeat} runs each:")
    header = (f"{'run':<16} {'docs':>8} {'pages':>8} {'wall s':>8} {'cpu s':>7} {'docs/s':>8} "
              f"{'pages/s':>8} {'peak RSS MB':>11}")
    lines = [header, "-" * len(header)]
    for run in runs:
        if "error" in run:
            lines.append(f"{run['label']:<16} error: {run['error']}")
            continue
        lines.append(f"{run['label']:<16} {run['documents']:>8,} {run['pages']:>8,} {run['wall_s']:>8.2f} "
                     f"{run['cpu_s']:>7.2f} {run['documents_per_s']:>8,.0f} {run['pages_per_s']:>8,.0f} "
                     f"{run['peak_rss_mb']:>11.0f}")
    ratios = {}
    for threads in thread_counts:
        pair = {r["mode"]: r for r in runs if r["threads"] == threads and "error" not in r}
        # Each production run against the plain run just before it (the machine
        # drifts less between neighbours than across the whole benchmark).
        done = [r for r in every_run if r["threads"] == threads and "error" not in r]
        neighbours = sorted(b["documents_per_s"] / a["documents_per_s"] for a, b in zip(done[::2], done[1::2])
                            if a["mode"] == "plain" and b["mode"] == "production")
        if len(pair) == 2 and neighbours:
            best = pair["production"]["documents_per_s"] / pair["plain"]["documents_per_s"]
            median = neighbours[len(neighbours) // 2] if len(neighbours) % 2 else \
                sum(neighbours[len(neighbours) // 2 - 1:len(neighbours) // 2 + 1]) / 2
            ratios[f"{threads}t"] = {"best_of": best, "median_of_neighbours": median,
                                     "neighbours": neighbours}
            lines.append(f"production / plain at {threads} thread(s), documents per second: {best:.2f} "
                         f"(best of each), {median:.2f} (median of {len(neighbours)} neighbouring pairs: "
                         f"{', '.join(f'{r:.2f}' for r in neighbours)})")
    click.echo("\n".join(lines))
    if json_path:
        json_path.write_text(json.dumps({"records": records, "repeat": repeat, "best_runs": runs,
                                         "runs": every_run, "ratios_documents_per_s": ratios,
                                         "machine": {"python": platform.python_version(),
                                                     "cpus": os.cpu_count(), "platform": platform.platform()}},
                                        indent=2) + "\n")


def _subprocess(mode: str, data: Path, assets: Path, out: Path, threads: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "_run", mode, str(data), str(assets), str(out),
               str(threads)]
    run = marked_result(command, _MARK, {"mode": mode, "threads": threads, "label": f"{mode}/{threads}t"})
    if "wall_s" in run:
        run["documents_per_s"] = run["documents"] / run["wall_s"]
        run["pages_per_s"] = run["pages"] / run["wall_s"]
    return run


@cli.command("_run", hidden=True)
@click.argument("mode", type=click.Choice(["plain", "production"]))
@click.argument("data", type=click.Path(path_type=Path))
@click.argument("assets", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("threads", type=int)
def run_one(mode: str, data: Path, assets: Path, out: Path, threads: int) -> None:
    """Internal: one run in this process; prints one result line."""
    pressrun = import_pressrun()
    from pressrun.production.run import produce

    result = {"mode": mode, "threads": threads}
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    try:
        with pa.OSFile(str(data)) as handle:
            reader = pa.ipc.open_stream(handle)
            if mode == "plain":
                out.mkdir(parents=True, exist_ok=True)
                job = pressrun.compose(reader, assets / "statement.yaml", out / "statements.pdf",
                                       rules=assets / "statement_rules.yaml", threads=threads,
                                       key_fields=("customer_id",))
                result.update(documents=job.documents, pages=job.pages)
            else:
                job = produce(reader, assets / "statement.yaml", assets / "statement_production.yaml", out,
                              rules=assets / "statement_rules.yaml", threads=threads,
                              key_fields=("customer_id",))
                pages = sum(s["pages"] for s in job.summary["streams"])
                result.update(documents=job.summary["records_in_pieces"], pages=pages,
                              pieces=job.summary["pieces"])
        result["wall_s"] = time.perf_counter() - started
        result["cpu_s"] = _cpu_seconds() - cpu_before
    except Exception as error:
        result["error"] = f"{type(error).__name__}: {error}"
    result["peak_rss_mb"] = (_vm_hwm_kb() or 0) / 1024
    print(_MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    cli()

"""AFP against PDF output, on the statement workload.

    python bench/afp.py --records 20000 --threads 1 --threads 2 --repeat 3

The same statements (bench/STATEMENT.md) are composed, each run in its own
subprocess reading the same Arrow IPC file, alternating:

    pdf    pressrun.compose(format="pdf"): one PDF print stream
    afp    pressrun.compose(format="afp"): one AFP print file, a page group
           per statement with three TLE index tags (Account, Name, Postcode)
           and the Record tag
    both   format="both": the PDF and the AFP from one layout

Throughput is pages per second of wall time; the ratio afp / pdf is taken
from the best run of each, and from neighbouring pairs (the machine drifts
less between neighbours). Bytes per page are the file's bytes over its
pages, and the same without the print-file resource group (the whole
TrueType fonts, the images and overlays, written once per file), which is
what each further page costs.
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

_MARK = "AFP-RESULT "
_MODES = ("pdf", "afp", "both")


@click.group(invoke_without_command=True)
@click.option("--records", default=20_000, show_default=True, help="Statements to compose.")
@click.option("--threads", "thread_counts", multiple=True, type=int, default=(1,), show_default=True,
              help="Threads (repeatable): PDF deflate threads; AFP output is not compressed.")
@click.option("--seed", default=1, show_default=True)
@click.option("--repeat", default=3, show_default=True, help="Runs of each mode, alternating.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None)
@click.pass_context
def cli(context, records: int, thread_counts: tuple[int, ...], seed: int, repeat: int,
        json_path: Path | None) -> None:
    if context.invoked_subcommand is not None:
        return
    import_pressrun()
    from pressrun.demo import iter_statement_batches, write_demo_assets

    work = Path(tempfile.mkdtemp(prefix="pressrun-afp-"))
    assets = work / "assets"
    write_demo_assets(assets)
    data = work / f"statements-{records}.arrows"
    write_ipc_stream(data, pa.Table.from_batches(list(iter_statement_batches(records, seed=seed)))
                     .to_batches(max_chunksize=4096))
    every_run = []
    for threads in thread_counts:
        for attempt in range(repeat):
            for mode in _MODES:
                click.echo(f"running {mode} with {threads} thread(s), run {attempt + 1} of {repeat} ...",
                           err=True)
                every_run.append(_subprocess(mode, data, assets, work / f"{mode}-t{threads}", threads))
    header = (f"{'run':<10} {'pages':>8} {'wall s':>8} {'cpu s':>7} {'pages/s':>8} {'peak RSS MB':>11} "
              f"{'bytes/page':>10} {'w/o resources':>13}")
    lines = [f"best of {repeat} runs each:", header, "-" * len(header)]
    best = {}
    for threads in thread_counts:
        for mode in _MODES:
            done = [r for r in every_run if r["mode"] == mode and r["threads"] == threads and "error" not in r]
            if not done:
                lines.append(f"{mode}/{threads}t error: {[r for r in every_run if r['mode'] == mode][0]}")
                continue
            run = best[mode, threads] = min(done, key=lambda r: r["wall_s"])
            lines.append(f"{run['label']:<10} {run['pages']:>8,} {run['wall_s']:>8.2f} {run['cpu_s']:>7.2f} "
                         f"{run['pages_per_s']:>8,.0f} {run['peak_rss_mb']:>11.0f} "
                         f"{run['bytes_per_page']:>10,.0f} {run.get('page_bytes_per_page', 0):>13,.0f}")
        runs = [r for r in every_run if r["threads"] == threads and "error" not in r]
        for mode in ("afp", "both"):
            if (mode, threads) in best and ("pdf", threads) in best:
                ratio = best[mode, threads]["pages_per_s"] / best["pdf", threads]["pages_per_s"]
                pairs = sorted(b["pages_per_s"] / a["pages_per_s"] for a, b in zip(runs, runs[1:])
                               if a["mode"] == "pdf" and b["mode"] == mode)
                pairs = pairs or sorted(b["pages_per_s"] / a["pages_per_s"] for a in runs for b in runs
                                        if a["mode"] == "pdf" and b["mode"] == mode)
                lines.append(f"{mode} / pdf at {threads} thread(s), pages per second: {ratio:.2f} (best of "
                             f"each); neighbouring pairs {', '.join(f'{r:.2f}' for r in pairs)}")
    click.echo("\n".join(lines))
    if json_path:
        json_path.write_text(json.dumps({"records": records, "repeat": repeat, "runs": every_run,
                                         "machine": {"python": platform.python_version(),
                                                     "cpus": os.cpu_count(), "platform": platform.platform()}},
                                        indent=2) + "\n")


def _subprocess(mode: str, data: Path, assets: Path, out: Path, threads: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "_run", mode, str(data), str(assets), str(out),
               str(threads)]
    run = marked_result(command, _MARK, {"mode": mode, "threads": threads, "label": f"{mode}/{threads}t"})
    if "wall_s" in run:
        run["pages_per_s"] = run["pages"] / run["wall_s"]
    return run


def _resource_group_bytes(path: Path) -> int:
    """Bytes up to the end of the print-file resource group (its ERG)."""
    with open(path, "rb") as handle:
        at = 0
        while True:
            head = handle.read(9)
            if len(head) < 9:
                return 0
            length = int.from_bytes(head[1:3], "big")
            at += 1 + length
            if head[3:6] == b"\xd3\xa9\xc6":
                return at
            handle.seek(at)


@cli.command("_run", hidden=True)
@click.argument("mode", type=click.Choice(_MODES))
@click.argument("data", type=click.Path(path_type=Path))
@click.argument("assets", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("threads", type=int)
def run_one(mode: str, data: Path, assets: Path, out: Path, threads: int) -> None:
    """Internal: one run in this process; prints one result line."""
    pressrun = import_pressrun()
    from pressrun.afp.options import AfpOptions

    result = {"mode": mode, "threads": threads}
    out.mkdir(parents=True, exist_ok=True)
    target = out / ("statements.afp" if mode == "afp" else "statements.pdf")
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    try:
        with pa.OSFile(str(data)) as handle:
            job = pressrun.compose(pa.ipc.open_stream(handle), assets / "statement.yaml", target,
                                   rules=assets / "statement_rules.yaml", threads=threads,
                                   key_fields=("customer_id",), format=mode,
                                   afp=AfpOptions(index={"Account": "account_number", "Name": "last_name",
                                                         "Postcode": "postcode"}))
        result["wall_s"] = time.perf_counter() - started
        result["cpu_s"] = _cpu_seconds() - cpu_before
        result.update(documents=job.documents, pages=job.pages)
        measured = Path(job.outputs["afp"] or job.outputs["pdf"])
        size = measured.stat().st_size
        result["bytes_per_page"] = size / job.pages
        if job.outputs["afp"]:
            result["page_bytes_per_page"] = (size - _resource_group_bytes(measured)) / job.pages
    except Exception as error:
        result["error"] = f"{type(error).__name__}: {error}"
    result["peak_rss_mb"] = (_vm_hwm_kb() or 0) / 1024
    print(_MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    cli()

"""End-to-end throughput: pressrun against ReportLab and fpdf2 on the demo workloads.

    python bench/throughput.py letter --records 10000 --reference both
    python bench/throughput.py statement --records 10000 --reference both

`letter` is the one-page demo letter (reference_letter.py: ReportLab canvas,
fpdf2); `statement` is the multi-page bank statement of bench/STATEMENT.md
(reference_statement.py: ReportLab platypus, fpdf2).

The data is generated once (not timed) into an Arrow IPC stream file. Every
engine then runs in its own subprocess, reading that file batch by batch, so
generation never counts, memory stays flat for big jobs, and each engine's
peak RSS is its own. See bench/README.md for how to read the figures.
"""
from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import click
import pyarrow as pa

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from demo_data import import_pressrun, load_demo  # noqa: E402

_RESULT_MARK = "THROUGHPUT-RESULT "


@dataclass(frozen=True)
class Workload:
    """One benchmark: its data, its pressrun files and its references."""
    name: str                      # the command, and "benchmark" in the JSON
    noun: str                      # what a record is, plural: help texts, the data file's name
    references: tuple[str, ...]    # keys of the reference module's RENDERERS
    reference_module: str
    batches: str                   # the demo's generator, (n, seed=, batch_size=) -> batches
    template: str                  # in the assets directory
    rules: str | None = None       # in the assets directory; passed as compose(rules=...)
    # Files beside the demo package copied into the assets directory when they
    # exist (write_demo_assets writes the letter's own files and the logo).
    copied_assets: tuple[str, ...] = ()


LETTER = Workload("letter", "letters", ("reportlab", "fpdf2"), "reference_letter",
                  "iter_letter_batches", "letter.yaml")
STATEMENT = Workload("statement", "statements", ("platypus", "fpdf2"), "reference_statement",
                     "iter_statement_batches", "statement.yaml", rules="statement_rules.yaml",
                     copied_assets=("statement.yaml", "statement_rules.yaml"))
WORKLOADS = {workload.name: workload for workload in (LETTER, STATEMENT)}
ENGINES = ("pressrun", "reportlab", "platypus", "fpdf2")


@click.group()
def cli() -> None:
    """pressrun throughput benchmarks."""


def benchmark_options(workload: Workload, reference_records: int):
    """The options every workload's command takes."""
    noun = workload.noun.capitalize()
    options = [
        click.option("--records", default=10_000, show_default=True,
                     help=f"{noun} composed by pressrun."),
        click.option("--reference", "reference", default="both", show_default=True,
                     type=click.Choice([*workload.references, "both", "none"])),
        click.option("--reference-records", default=reference_records, show_default=True,
                     help=f"{noun} composed by each reference (they are slow; rates are compared, "
                          "not totals)."),
        click.option("--compression", default="fast", show_default=True,
                     type=click.Choice(["none", "fast", "small"]),
                     help="pressrun's deflate level; the references deflate unless this is 'none'."),
        click.option("--threads", "thread_counts", multiple=True, type=click.IntRange(1, 8),
                     default=(1, 2), show_default=True,
                     help="pressrun's deflate threads; repeat to run pressrun once per value."),
        click.option("--seed", default=1, show_default=True),
        click.option("--batch-size", default=4096, show_default=True,
                     help="Rows per Arrow batch in the data file."),
        click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Where data, assets and PDFs go (default: a fresh temporary directory). "
                          "The data file is reused when it is already there."),
        click.option("--keep-output", is_flag=True, help="Keep the PDFs (big jobs write gigabytes)."),
        click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also save the results as JSON."),
    ]

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


@cli.command(short_help="Compose the demo letter with pressrun and the chosen references.")
@benchmark_options(LETTER, reference_records=2_000)
def letter(**options) -> None:
    """Compose the demo letter with pressrun and the chosen references."""
    run_benchmark(LETTER, **options)


@cli.command(short_help="Compose the demo bank statement with pressrun and the chosen references.")
@benchmark_options(STATEMENT, reference_records=1_000)
def statement(**options) -> None:
    """Compose the demo bank statement (bench/STATEMENT.md) with pressrun and the chosen references."""
    run_benchmark(STATEMENT, **options)


def run_benchmark(workload: Workload, records: int, reference: str, reference_records: int,
                  compression: str, thread_counts: tuple[int, ...], seed: int, batch_size: int,
                  out_dir: Path | None, keep_output: bool, json_path: Path | None) -> None:
    references = list(workload.references) if reference == "both" else [] if reference == "none" else [reference]
    work_dir = out_dir or Path(tempfile.mkdtemp(prefix="pressrun-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    demo = load_demo(workload.batches)
    assets_dir = work_dir / "assets"
    write_assets(workload, demo, assets_dir)

    rows = max([records] + ([reference_records] if references else []))
    data_path = work_dir / f"{workload.noun}-{rows}-seed{seed}-batch{batch_size}.arrows"
    if not data_path.exists():
        started = time.perf_counter()
        generate = getattr(demo, workload.batches)
        write_ipc_stream(data_path, generate(rows, seed=seed, batch_size=batch_size))
        click.echo(f"generated {rows:,} records in {time.perf_counter() - started:.1f}s "
                   f"-> {data_path} ({data_path.stat().st_size / 1e6:.0f} MB, not timed)", err=True)

    runs = []
    plan = [("pressrun", records, threads) for threads in thread_counts]
    plan += [(name, reference_records, 1) for name in references]
    for engine, count, threads in plan:
        out_pdf = work_dir / f"{engine}-{count}-t{threads}.pdf"
        label = f"{engine} ({threads} thread{'s' if threads > 1 else ''})" if engine == "pressrun" else engine
        click.echo(f"running {label} on {count:,} records ...", err=True)
        run = run_engine_subprocess(engine, data_path, count, out_pdf, assets_dir, compression,
                                    threads, workload=workload.name)
        runs.append(run)
        if not keep_output:
            out_pdf.unlink(missing_ok=True)

    ratios = pressrun_ratios(runs)
    click.echo(format_table(runs, ratios))
    if json_path:
        results = {
            "benchmark": workload.name,
            "config": {"records": records, "reference_records": reference_records, "seed": seed,
                       "batch_size": batch_size, "compression": compression, "threads": list(thread_counts),
                       "input": "arrow-ipc-stream",
                       "data_file": str(data_path)},
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count(), "pyarrow": pa.__version__},
            "runs": runs,
            "ratios_pages_per_s": ratios,
        }
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if out_dir is None and not keep_output:
        shutil.rmtree(work_dir, ignore_errors=True)
    elif keep_output:
        click.echo(f"outputs kept in {work_dir}", err=True)


def write_assets(workload: Workload, demo, assets_dir: Path) -> None:
    """The demo's assets (letter.yaml, logo.png, signature.jpg), then the
    workload's own files from beside the demo package, where they exist yet."""
    demo.write_demo_assets(assets_dir)
    demo_dir = Path(demo.__file__).resolve().parent
    for name in workload.copied_assets:
        source = demo_dir / name
        if source.is_file():
            shutil.copyfile(source, assets_dir / name)


@cli.command("_run", hidden=True)
@click.argument("engine", type=click.Choice(ENGINES))
@click.option("--workload", "workload_name", default="letter", type=click.Choice(sorted(WORKLOADS)))
@click.option("--input", "input_path", required=True, type=click.Path(path_type=Path))
@click.option("--records", required=True, type=int)
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path))
@click.option("--assets", "assets_dir", required=True, type=click.Path(path_type=Path))
@click.option("--compression", default="fast")
@click.option("--threads", default=1, type=int)
def run_one(engine: str, workload_name: str, input_path: Path, records: int, out_path: Path,
            assets_dir: Path, compression: str, threads: int) -> None:
    """Internal: one engine, one job, in this process; prints one result line."""
    result = {"engine": engine, "records": records, "threads": threads}
    try:
        compose = _load_engine(engine, WORKLOADS[workload_name], compression,
                               out_path.parent / f"{engine}-reports", threads)
    except Exception as error:  # the engine is not built or not importable: say so, exit cleanly
        result["error"] = f"cannot import {engine}: {type(error).__name__}: {error}"
        print(_RESULT_MARK + json.dumps(result), flush=True)
        return
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    try:
        with pa.OSFile(str(input_path)) as handle:  # plain reads, no mmap: RSS stays honest
            reader = pa.ipc.open_stream(handle)
            result.update(compose(first_records(reader, records), out_path, assets_dir))
        result["wall_s"] = time.perf_counter() - started
        result["cpu_s"] = _cpu_seconds() - cpu_before
    except Exception as error:
        result["error"] = f"{type(error).__name__}: {error}"
    result["vm_hwm_kb"] = _vm_hwm_kb()
    print(_RESULT_MARK + json.dumps(result), flush=True)


def _load_engine(engine: str, workload: Workload, compression: str, reports_dir: Path, threads: int):
    """A function (reader, out_path, assets_dir) -> counts, imported before the clock starts."""
    if engine == "pressrun":
        pressrun = import_pressrun()

        def compose_pressrun(reader, out_path, assets_dir):
            files = {"template": assets_dir / workload.template}
            if workload.rules:
                files["rules"] = assets_dir / workload.rules
            job = pressrun.compose(reader, **files, out=out_path, compression=compression,
                                   reports_dir=reports_dir, threads=threads)
            exceptions = job.exceptions if isinstance(job.exceptions, int) else len(job.exceptions)
            return {"records_in": job.records_in, "documents": job.documents, "pages": job.pages,
                    "exceptions": exceptions, "bytes_written": job.bytes_written}
        return compose_pressrun

    module = importlib.import_module(workload.reference_module)
    if engine not in module.RENDERERS:
        raise ValueError(f"{workload.name} has no reference {engine!r} "
                         f"(it has {', '.join(module.RENDERERS)})")
    render = module.RENDERERS[engine]

    def compose_reference(reader, out_path, assets_dir):
        counter = _Counter(reader)
        pages = render(counter, out_path, assets_dir, compress=compression != "none")
        return {"records_in": counter.rows, "documents": counter.rows, "pages": pages, "exceptions": 0,
                "bytes_written": out_path.stat().st_size, **_library_notes(engine)}
    return compose_reference


def _library_notes(engine: str) -> dict:
    """Versions, and whether ReportLab runs with its C accelerator (pip install rl-accel)."""
    if engine in ("reportlab", "platypus"):
        import reportlab

        try:
            import _rl_accel  # noqa: F401
            accelerated = True
        except ImportError:
            accelerated = False
        return {"library_version": reportlab.Version, "rl_accel": accelerated}
    import fpdf

    return {"library_version": fpdf.FPDF_VERSION}


class _Counter:
    """Passes batches through and counts their rows."""

    def __init__(self, batches) -> None:
        self.batches, self.rows = batches, 0

    def __iter__(self):
        for batch in self.batches:
            self.rows += batch.num_rows
            yield batch


def first_records(reader: pa.RecordBatchReader, records: int) -> pa.RecordBatchReader:
    """A reader over the first `records` rows of `reader` (still streamed)."""
    def limited() -> Iterator[pa.RecordBatch]:
        left = records
        for batch in reader:
            if left <= 0:
                break
            yield batch if batch.num_rows <= left else batch.slice(0, left)
            left -= batch.num_rows
    return pa.RecordBatchReader.from_batches(reader.schema, limited())


def write_ipc_stream(path: Path, batches) -> None:
    partial = path.with_name(path.name + ".partial")
    batches = iter(batches)
    first = next(batches)
    with pa.OSFile(str(partial), "wb") as sink, pa.ipc.new_stream(sink, first.schema) as writer:
        writer.write_batch(first)
        for batch in batches:
            writer.write_batch(batch)
    partial.replace(path)


def run_engine_subprocess(engine: str, data_path: Path, records: int, out_pdf: Path,
                          assets_dir: Path, compression: str, threads: int = 1,
                          workload: str = "letter") -> dict:
    """Run one engine in a fresh interpreter; its peak RSS is its own VmHWM."""
    command = [sys.executable, str(Path(__file__).resolve()), "_run", engine,
               "--workload", workload, "--input", str(data_path), "--records", str(records), "--out", str(out_pdf),
               "--assets", str(assets_dir), "--compression", compression,
               "--threads", str(threads)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    stdout = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)  # per-child rusage, unlike RUSAGE_CHILDREN
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in stdout.splitlines() if line.startswith(_RESULT_MARK)]
    if not lines:
        return {"engine": engine, "records": records,
                "error": f"the run exited with status {process.returncode} and no result"}
    run = json.loads(lines[-1][len(_RESULT_MARK):])
    # The child's VmHWM: wait4's ru_maxrss also counts the parent's size at
    # fork (Linux carries the old memory's high-water mark across exec).
    hwm_kb = run.get("vm_hwm_kb")
    run["peak_rss_mb"] = (hwm_kb if hwm_kb else usage.ru_maxrss) / 1024  # kilobytes
    if engine == "pressrun":
        run["label"] = f"pressrun/{threads}t"
    if "wall_s" in run:
        wall = run["wall_s"]
        run["pages_per_s"] = run["pages"] / wall
        run["documents_per_s"] = run["documents"] / wall
        run["mb_per_s"] = run["bytes_written"] / 1e6 / wall
    return run


def pressrun_ratios(runs: list[dict]) -> dict[str, float]:
    """pages/s of each pressrun run over each reference's, keyed 'pressrun/Nt / ref'."""
    ours = [run for run in runs if run["engine"] == "pressrun" and "pages_per_s" in run]
    theirs = [run for run in runs if run["engine"] != "pressrun" and run.get("pages_per_s")]
    return {f"{mine['label']} / {other['engine']}": mine["pages_per_s"] / other["pages_per_s"]
            for mine in ours for other in theirs}


def format_table(runs: list[dict], ratios: dict[str, float]) -> str:
    header = (f"{'engine':<12} {'records':>9} {'pages':>9} {'wall s':>8} {'cpu s':>8} {'pages/s':>9} "
              f"{'docs/s':>9} {'MB/s':>7} {'MB out':>8} {'peak RSS MB':>11}")
    lines = [header, "-" * len(header)]
    for run in runs:
        if "error" in run:
            lines.append(f"{run.get('label', run['engine']):<12} {run['records']:>9,}  error: {run['error']}")
            continue
        lines.append(
            f"{run.get('label', run['engine']):<12} {run['records']:>9,} {run['pages']:>9,} {run['wall_s']:>8.2f} "
            f"{run['cpu_s']:>8.2f} {run['pages_per_s']:>9,.0f} {run['documents_per_s']:>9,.0f} "
            f"{run['mb_per_s']:>7.1f} {run['bytes_written'] / 1e6:>8.1f} {run['peak_rss_mb']:>11.0f}")
    for name, ratio in ratios.items():
        lines.append(f"{name}: {ratio:.1f}x pages/s")
    return "\n".join(lines)


def marked_result(command: list[str], mark: str, fields: dict) -> dict:
    """Runs a benchmark subprocess and returns the JSON of its last line that
    starts with `mark`, with `fields` added; an "error" entry when it printed none."""
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    lines = [line for line in completed.stdout.splitlines() if line.startswith(mark)]
    if not lines:
        return {**fields, "error": f"exit status {completed.returncode}, no result"}
    return {**json.loads(lines[-1][len(mark):]), **fields}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _vm_hwm_kb() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


if __name__ == "__main__":
    cli()

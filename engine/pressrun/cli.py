"""The `pressrun` command."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import PressrunError


def _fail(exc: Exception) -> None:
    click.echo(f"pressrun: error: {exc}", err=True)
    sys.exit(2)


class _ProgressBar:
    """A progress bar with pages/s, for jobs whose record count is known."""

    def __init__(self, total_records: int | None, quiet: bool) -> None:
        self.total = total_records
        self.quiet = quiet or not sys.stderr.isatty()
        self.bar = None
        self.done = 0

    def __enter__(self):
        if not self.quiet:
            self.bar = click.progressbar(length=self.total or 0, label="composing",
                                         file=sys.stderr, show_pos=True,
                                         item_show_func=lambda text: text)
            self.bar.__enter__()
        return self

    def __call__(self, progress) -> None:
        if self.bar is None:
            return
        rate = progress.pages / progress.elapsed_s if progress.elapsed_s > 0 else 0
        self.bar.update(progress.records - self.done, f"{rate:,.0f} pages/s")
        self.done = progress.records

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _record_count(data: str) -> int | None:
    if data.lower().endswith((".parquet", ".pq")):
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(data).metadata.num_rows
        except Exception:
            return None
    return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pressrun")
def main() -> None:
    """pressrun: customer data + a template -> a print-ready PDF stream.

    \b
    Try it:   pressrun demo --out demo/
    Then:     pressrun compose demo/customers.parquet --template demo/letter.yaml --out letters.pdf
    """


@main.command()
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--template", "-t", required=True, type=click.Path(dir_okay=False),
              help="The template (YAML), see docs/templates.md.")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False),
              help="The PDF to write; reports are written beside it.")
@click.option("--compression", type=click.Choice(["none", "fast", "small"]), default="fast",
              show_default=True, help="Stream compression: none (debugging), fast, small.")
@click.option("--key", "key_fields", multiple=True,
              help="A field that identifies a record in the reports (repeatable), e.g. --key customer_id.")
@click.option("--batch-size", default=2048, show_default=True, help="Records per native batch.")
@click.option("--rules", "rules", type=click.Path(dir_okay=False), default=None,
              help="A rules file (YAML, see docs/rules.md) whose rules the template can use.")
@click.option("--threads", type=click.IntRange(1, 8), default=None,
              help="Threads that deflate page streams [default: cores available, at most 4]. "
                   "The output is the same whatever the number.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary.")
def compose(data, template, out, compression, key_fields, batch_size, rules, threads, quiet):
    """Compose every record of DATA (Parquet, Arrow, CSV, JSON lines) into one PDF.

    Records that cannot be composed (a missing required field, a character no
    font has, text too long for its box) go to OUT.exceptions.csv/.parquet
    with the reason; the others are composed. OUT.report.json has the counts.
    """
    from .job import compose as compose_job

    if not Path(data).exists():
        _fail(f"{data}: no such data file")
    if not Path(template).exists():
        _fail(f"{template}: no such template file")
    if rules is not None and not Path(rules).exists():
        _fail(f"{rules}: no such rules file")
    try:
        with _ProgressBar(_record_count(data), quiet) as bar:
            report = compose_job(data, template, out, compression=compression,
                                 key_fields=key_fields, batch_size=batch_size, progress=bar,
                                 threads=threads, rules=rules)
    except PressrunError as exc:
        _fail(exc)
    click.echo(report.summary())
    if report.exceptions:
        click.echo(f"exceptions: {report.outputs['exceptions_csv']}")


@main.command()
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Directory for the example template, data and output.")
@click.option("--records", default=200, show_default=True,
              help="How many example letters (and half as many statements).")
@click.option("--seed", default=1, show_default=True, help="Seed of the example data.")
def demo(out, records, seed):
    """Write the bundled examples (templates, rules, images, data) to OUT and
    compose them: a one-page letter and a bank statement of 1 to 4 pages."""
    from .demo import write_demo_assets, write_demo_data, write_statement_data
    from .job import compose as compose_job

    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        write_demo_assets(directory)
        data = directory / "customers.parquet"
        write_demo_data(data, n=records, seed=seed)
        letters = compose_job(data, directory / "letter.yaml", directory / "letters.pdf",
                              key_fields=("customer_id",))
        accounts = directory / "accounts.parquet"
        write_statement_data(accounts, n=max(1, records // 2), seed=seed)
        statements = compose_job(accounts, directory / "statement.yaml",
                                 directory / "statements.pdf",
                                 rules=directory / "statement_rules.yaml",
                                 key_fields=("customer_id",))
    except PressrunError as exc:
        _fail(exc)
    click.echo(letters.summary())
    click.echo(f"wrote {directory / 'letters.pdf'} (template: {directory / 'letter.yaml'})")
    click.echo(statements.summary())
    click.echo(f"wrote {directory / 'statements.pdf'} (template: {directory / 'statement.yaml'}, "
               f"rules: {directory / 'statement_rules.yaml'})")


@main.group(name="rules")
def rules_group():
    """Business rules: test a rules file on data before a run (see docs/rules.md)."""


@rules_group.command("check")
@click.argument("rules_file", metavar="RULES", type=click.Path(dir_okay=False))
@click.option("--data", "-d", required=True, type=click.Path(dir_okay=False),
              help="Data to evaluate the rules on (Parquet, Arrow, CSV, JSON lines).")
@click.option("--show", default=5, show_default=True, help="Failing records shown per rule.")
def rules_check(rules_file, data, show):
    """Evaluate every rule of RULES on DATA and print what each gave.

    Per rule: true/false/null counts (true-or-false rules), records per branch
    (case and if rules), or min, max and nulls; then the records the rule
    failed, with the reason. Exit code 1 when some record failed a rule.
    """
    from .rules import load_rules

    try:
        report = load_rules(rules_file).check(data, max_shown=show)
    except PressrunError as exc:
        _fail(exc)
    click.echo(report.summary())
    sys.exit(1 if report.failed_records else 0)


@main.command()
def fonts():
    """List the font families pressrun can find (for a template's `family:`)."""
    from .fonts import default_registry

    for family in default_registry().families():
        click.echo(family)


if __name__ == "__main__":
    main()

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
@click.option("--format", "output_format", type=click.Choice(["pdf", "afp", "both"]), default="pdf",
              show_default=True, help="pdf, afp (an AFP print file at OUT, a page group per record), "
                                      "or both from one layout (the AFP at --afp-out).")
@click.option("--afp-out", type=click.Path(dir_okay=False), default=None,
              help="With --format both: the AFP file [default: OUT with the suffix .afp].")
@click.option("--afp-index", "afp_index", multiple=True, metavar="NAME=COLUMN",
              help="An AFP index tag (TLE) on every page group, e.g. --afp-index Account=account_id "
                   "(repeatable). The tag Record (the input record number) is always written.")
@click.option("--afp-font", "afp_fonts", multiple=True, metavar="FONT=CHARSET,CODEPAGE,CODEC",
              help="Show template font FONT (family or family:face) in a printer-resident coded "
                   "font, e.g. sans=C0H20000,T1V10500,cp500 (repeatable).")
@click.option("--afp-barcode-bars", is_flag=True,
              help="Draw barcodes as vector bars instead of BCOCA objects the printer renders.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary.")
def compose(data, template, out, compression, key_fields, batch_size, rules, threads, output_format,
            afp_out, afp_index, afp_fonts, afp_barcode_bars, quiet):
    """Compose every record of DATA (Parquet, Arrow, CSV, JSON lines) into one PDF
    (or an AFP print file, or both).

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
    afp = _afp_options(afp_index, afp_fonts, afp_barcode_bars)
    try:
        with _ProgressBar(_record_count(data), quiet) as bar:
            report = compose_job(data, template, out, compression=compression,
                                 key_fields=key_fields, batch_size=batch_size, progress=bar,
                                 threads=threads, rules=rules, format=output_format,
                                 afp_out=afp_out, afp=afp)
    except PressrunError as exc:
        _fail(exc)
    click.echo(report.summary())
    if report.outputs.get("afp"):
        click.echo(f"afp: {report.outputs['afp']}")
    if report.exceptions:
        click.echo(f"exceptions: {report.outputs['exceptions_csv']}")


def _afp_options(index, fonts, bars):
    from .afp.options import AfpOptions, CodedFont

    tags = {}
    for item in index:
        name, _, column = item.partition("=")
        if not name or not column:
            _fail(f"--afp-index {item!r}: expected NAME=COLUMN")
        tags[name] = column
    coded = {}
    for item in fonts:
        font, _, spec = item.partition("=")
        parts = spec.split(",")
        if not font or len(parts) != 3:
            _fail(f"--afp-font {item!r}: expected FONT=CHARSET,CODEPAGE,CODEC")
        coded[font] = CodedFont(*parts)
    return AfpOptions(index=tags, coded_fonts=coded, native_barcodes=not bars)


def _print_production(result) -> None:
    s = result.summary
    click.echo(f"job {s['job_id']}: {s['records_in']:,} records -> {s['pieces']:,} mail pieces "
               f"({s['records_in_pieces']:,} records), {s['suppressed']:,} suppressed, "
               f"{s['exceptions']:,} exceptions; {s['pages_per_second']:,.0f} pages/s")
    for stream in s["streams"]:
        if stream["pieces"]:
            click.echo(f"  {stream['name']:<14} {stream['pieces']:>9,} pieces {stream['sheets']:>10,} sheets "
                       f"{len(stream['files']):>4} files  ({stream['envelope']})")
    click.echo(f"reports: {result.job_dir / 'report.html'}, manifest: {result.job_dir / 'manifest.parquet'}")


@main.command()
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--template", "-t", required=True, type=click.Path(dir_okay=False),
              help="The template (YAML), see docs/templates.md.")
@click.option("--profile", "-p", required=True, type=click.Path(dir_okay=False),
              help="The production profile (YAML), see docs/production.md.")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="The job directory: print files, JDF tickets, manifest, reports.")
@click.option("--rules", type=click.Path(dir_okay=False), default=None,
              help="A rules file (YAML, see docs/rules.md).")
@click.option("--job-id", default=None, help="The job id [default: the profile's job_id].")
@click.option("--key", "key_fields", multiple=True, help="A field that identifies a record (repeatable).")
@click.option("--threads", type=click.IntRange(1, 8), default=None, help="Deflate threads per print file.")
def produce(data, template, profile, out, rules, job_id, key_fields, threads):
    """Compose DATA into mail pieces as the production PROFILE says.

    Householding, presort, streams by channel, country and sheet count,
    inserter marks and postal barcodes on every piece, stock and tray per
    sheet; print files split by size, each with a JDF ticket; the manifest,
    the exception report and the job report; the job fails unless every
    record is accounted for.
    """
    from .production.run import produce as produce_job

    for path, what in ((data, "data"), (template, "template"), (profile, "profile"), (rules, "rules")):
        if path is not None and not Path(path).exists():
            _fail(f"{path}: no such {what} file")
    try:
        result = produce_job(data, template, profile, out, rules=rules, job_id=job_id,
                             key_fields=key_fields, threads=threads)
    except PressrunError as exc:
        _fail(exc)
    _print_production(result)


@main.command()
@click.argument("job_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--pieces", "pieces", multiple=True, required=True,
              help="A piece id or a range of them, 00000012-00000020 (repeatable).")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="The reprint's job directory.")
@click.option("--job-id", required=True, help="The reprint's job id.")
@click.option("--data", default=None, type=click.Path(dir_okay=False),
              help="The job's data [default: the file the job read, if unchanged].")
@click.option("--template", default=None, type=click.Path(dir_okay=False))
@click.option("--profile", default=None, type=click.Path(dir_okay=False))
@click.option("--rules", default=None, type=click.Path(dir_okay=False))
def reprint(job_dir, pieces, out, job_id, data, template, profile, rules):
    """Recreate chosen pieces of the job in JOB_DIR, identical in content and
    marks, under a reprint job id (for damaged or diverted pieces)."""
    from .production.reprint import reprint_job

    try:
        result = reprint_job(job_dir, pieces, out, job_id=job_id, data=data, template=template,
                             profile=profile, rules=rules)
    except PressrunError as exc:
        _fail(exc)
    _print_production(result)


@main.command()
@click.argument("job_dir", type=click.Path(file_okay=False, exists=True))
def reconcile(job_dir):
    """Check a production job from its files: every record once in a piece,
    suppressed or an exception; every print file's pages, sha256 and JDF as
    the manifest and report say. Exit code 1 on any problem."""
    from .production.reconcile import reconcile_job

    result = reconcile_job(job_dir)
    for problem in result.problems:
        click.echo(f"problem: {problem}")
    click.echo(f"{'reconciled' if result.ok else 'NOT reconciled'}: {result.records_in:,} records = "
               f"{result.in_pieces:,} in pieces + {result.suppressed:,} suppressed + "
               f"{result.exceptions:,} exceptions; {result.files_checked} print files checked")
    sys.exit(0 if result.ok else 1)


@main.command()
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Directory for the example template, data and output.")
@click.option("--records", default=200, show_default=True,
              help="How many example letters (and half as many statements).")
@click.option("--seed", default=1, show_default=True, help="Seed of the example data.")
def demo(out, records, seed):
    """Write the bundled examples (templates, rules, images, data) to OUT and
    compose them: a one-page letter and a bank statement of 1 to 4 pages (as
    PDF and, from the same layout, AFP)."""
    from .afp.options import AfpOptions
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
                                 key_fields=("customer_id",), format="both",
                                 afp=AfpOptions(index={"Account": "account_number"}))
    except PressrunError as exc:
        _fail(exc)
    click.echo(letters.summary())
    click.echo(f"wrote {directory / 'letters.pdf'} (template: {directory / 'letter.yaml'})")
    click.echo(statements.summary())
    click.echo(f"wrote {directory / 'statements.pdf'} and {directory / 'statements.afp'} (template: "
               f"{directory / 'statement.yaml'}, rules: {directory / 'statement_rules.yaml'})")
    try:
        production = _demo_production(directory, max(1, records // 2), seed)
    except PressrunError as exc:
        _fail(exc)
    _print_production(production)


def _demo_production(directory: Path, records: int, seed: int):
    """The statements again as mail pieces (demo/production/), with the bundled profile."""
    import pyarrow.parquet as pq

    from .demo import make_statements
    from .demo.mailing import with_mail_columns
    from .production.run import produce as produce_job

    mailing = directory / "mailing.parquet"
    pq.write_table(with_mail_columns(make_statements(records, seed=seed), seed=seed), mailing)
    return produce_job(mailing, directory / "statement.yaml", directory / "statement_production.yaml",
                       directory / "production", rules=directory / "statement_rules.yaml",
                       key_fields=("customer_id",))


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


from .afp.cli import afp as _afp_commands  # noqa: E402  (the group needs `main` defined)

main.add_command(_afp_commands)

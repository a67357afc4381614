"""Apache FOP's AFP (and PDF) output of the demo bank statement, measured.

    python bench/fop_afp.py                      # 200 statements, temporary directory
    python bench/fop_afp.py --statements 1000 --out /tmp/fopbench --keep

Builds one XSL-FO document of N demo statements (data from
pressrun.demo.make_statements, texts from pressrun.demo.statement_texts, the
look of engine/pressrun/demo/statement.yaml reproduced roughly: logo and
return address, address block, period and account, the summary box, the
segment message, the transactions table with a repeated header and zebra rows
flowing over continuation pages with their own header, footer rule, footer and
"Page x of y" per statement), then runs the installed `fop` with
tests/fixtures/afp_small/fop.xconf (DejaVu Sans as TrueType fonts, 1440 units
per inch) to `-afp` and to `-pdf`, and prints pages, bytes, bytes per page,
seconds and pages/s of each.

Timing: wall time of the `fop` process, JVM start-up included. The same is
measured for a 1-statement document; the difference between the two runs
gives the steady-state rate (pages/s after start-up, font loading and JIT
warm-up), which is the one to compare with pressrun's. Generating the FO is
not timed. The AFP is also split by structured field (bench/afp_sfs.py) to
show what the bytes are: the embedded fonts, images, text.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import afp_sfs  # noqa: E402
from demo_data import load_demo  # noqa: E402

FOP_CONF = HERE.parent / "tests" / "fixtures" / "afp_small" / "fop.xconf"

# Colours and sizes of statement.yaml.
BLUE, INK, GREY, ZEBRA, BOXFILL, RULE = "#0b4f6c", "#1a1a1a", "#555555", "#f3f6f9", "#eaf3f7", "#888888"


def money(v: Decimal, prefix: str = "") -> str:
    sign = "-" if v < 0 else ""
    return f"{sign}{prefix}{abs(v):,.2f}"


def long_date(d: date) -> str:        # "%e %B %Y" without the leading space
    return f"{d.day} {d.strftime('%B %Y')}"


def short_date(d: date) -> str:       # "%d %b %Y"
    return d.strftime("%d %b %Y")


def x(s: str) -> str:
    return escape(s, {'"': "&quot;"})


def _abs(left: str, top: str, body: str, width: str | None = None, extra: str = "") -> str:
    w = f' width="{width}"' if width else ""
    return (f'<fo:block-container absolute-position="absolute" left="{left}" top="{top}"{w}{extra}>'
            f"{body}</fo:block-container>")


def _text(left: str, top: str, text: str, style: str, align: str = "left", width: str | None = None) -> str:
    """One line of text: `left` is its x, or its right edge when right-aligned."""
    size, lead, weight, color = STYLES[style]
    if align == "right":               # right edge at `left`: a box ending there
        width = width or "100mm"
        left = f"{float(left[:-2]) - float(width[:-2])}mm"
    block = (f'<fo:block font-size="{size}" line-height="{lead}" font-weight="{weight}" '
             f'color="{color}" text-align="{align}" wrap-option="no-wrap">{x(text)}</fo:block>')
    return _abs(left, top, block, width or "170mm")


STYLES = {  # name: size, leading, weight, colour
    "body": ("9pt", "11.5pt", "normal", INK),
    "bold": ("9pt", "11.5pt", "bold", INK),
    "small": ("7.5pt", "9.5pt", "normal", GREY),
    "small_bold": ("7.5pt", "9.5pt", "bold", BLUE),
    "amount": ("11pt", "13pt", "bold", BLUE),
    "heading": ("12pt", "14pt", "bold", BLUE),
}


def statement_fo(rec: dict, n: int, texts, logo: str) -> str:
    """One statement: one page-sequence, numbered from 1, with its own
    first-page and continuation-page static content."""
    T = texts
    tx = rec["transactions"]
    credits = sum((t["amount"] for t in tx if t["amount"] > 0), Decimal(0))
    debits = -sum((t["amount"] for t in tx if t["amount"] < 0), Decimal(0))
    closing = rec["opening_balance"] + credits - debits
    sid = f"s{n}"
    fmt = {
        "title": rec["title"], "first_name": rec["first_name"], "last_name": rec["last_name"],
        "account_number": rec["account_number"],
        "period_start": long_date(rec["period_start"]), "period_end": long_date(rec["period_end"]),
    }
    page_of = f'Page <fo:page-number/> of <fo:page-number-citation-last ref-id="{sid}"/>'
    footer = (
        '<fo:static-content flow-name="footer">'
        + _abs("20mm", "0mm", '<fo:block line-height="0" font-size="0"><fo:leader leader-pattern="rule" '
               f'leader-length="170mm" rule-thickness="0.5pt" color="{RULE}"/></fo:block>', "170mm")
        + _text("20mm", "2mm", T.FOOTER_TEXT, "small")
        + _abs("90mm", "2mm", f'<fo:block font-size="7.5pt" line-height="9.5pt" color="{GREY}" '
               f'text-align="right">{page_of}</fo:block>', "100mm")
        + "</fo:static-content>")

    address = [f"{rec['title']} {rec['first_name']} {rec['last_name']}", rec["address_line1"],
               rec["address_line2"], f"{rec['locality']} {rec['state']} {rec['postcode']}"]
    address = [a for a in address if a]
    first = ['<fo:static-content flow-name="first-before">',
             _abs("20mm", "12mm", f'<fo:block line-height="0" font-size="0"><fo:external-graphic src="{logo}" '
                  'content-width="54mm" content-height="18mm" scaling="non-uniform"/></fo:block>', "54mm")]
    for i, line in enumerate(T.RETURN_ADDRESS):
        first.append(_text("190mm", f"{13 + 3.5 * i}mm", line, "small_bold" if i == 0 else "small", "right"))
    first.append(_abs("20mm", "45mm", "".join(
        f'<fo:block font-size="9pt" line-height="11.5pt" color="{INK}">{x(a)}</fo:block>' for a in address),
        "90mm"))
    first += [
        _text("190mm", "45mm", T.PERIOD_LABEL, "small", "right"),
        _text("190mm", "48.5mm", T.PERIOD_TEXT.format(**fmt), "body", "right"),
        _text("190mm", "54mm", T.ACCOUNT_LABEL, "small", "right"),
        _text("190mm", "57.5mm", rec["account_number"], "bold", "right"),
        _abs("20mm", "80mm", "<fo:block/>", "170mm",
             f' height="20mm" border="0.75pt solid {BLUE}" background-color="{BOXFILL}"'),
    ]
    for left, label, value in zip(("24mm", "66.5mm", "109mm", "151.5mm"), T.SUMMARY_LABELS,
                                  (rec["opening_balance"], credits, debits, closing)):
        first.append(_text(left, "84mm", label, "small"))
        first.append(_text(left, "90mm", money(value, "$"), "amount", width="40mm"))
    first.append(_abs("20mm", "106mm", f'<fo:block font-size="9pt" line-height="11.5pt" color="{INK}">'
                      f'{x(T.SEGMENT_MESSAGES.get(rec["segment"], ""))}</fo:block>', "170mm"))
    first.append("</fo:static-content>")

    rest = ['<fo:static-content flow-name="rest-before">',
            _text("20mm", "12mm", T.BANK_NAME, "bold"),
            _text("190mm", "12.5mm", T.CONTINUATION_HEADER.format(**fmt), "small", "right"),
            _abs("20mm", "19mm", '<fo:block line-height="0" font-size="0"><fo:leader leader-pattern="rule" '
                 f'leader-length="170mm" rule-thickness="0.5pt" color="{BLUE}"/></fo:block>', "170mm"),
            "</fo:static-content>"]

    pad = 'padding="0.6mm 1.5mm"'
    head = "".join(f'<fo:table-cell {pad}><fo:block text-align="{a}">{h}</fo:block></fo:table-cell>'
                   for h, a in zip(T.TABLE_HEADINGS, ("left", "left", "right", "right")))
    rows = []
    for i, t in enumerate(tx):
        bg = f' background-color="{ZEBRA}"' if i % 2 else ""
        rows.append(
            f'<fo:table-row{bg} keep-together.within-page="always">'
            f'<fo:table-cell {pad}><fo:block>{short_date(t["date"])}</fo:block></fo:table-cell>'
            f'<fo:table-cell {pad}><fo:block>{x(t["description"])}</fo:block></fo:table-cell>'
            f'<fo:table-cell {pad}><fo:block text-align="right">{money(t["amount"])}</fo:block></fo:table-cell>'
            f'<fo:table-cell {pad}><fo:block text-align="right">{money(t["balance"])}</fo:block></fo:table-cell>'
            "</fo:table-row>")
    if not rows:
        rows.append(f'<fo:table-row><fo:table-cell number-columns-spanned="4" {pad}><fo:block>'
                    f"{T.NO_TRANSACTIONS}</fo:block></fo:table-cell></fo:table-row>")
    rows.append(
        f'<fo:table-row font-weight="bold" border-top="0.5pt solid {INK}">'
        f'<fo:table-cell {pad}><fo:block/></fo:table-cell>'
        f'<fo:table-cell {pad}><fo:block>{T.CLOSING_BALANCE}</fo:block></fo:table-cell>'
        f'<fo:table-cell {pad}><fo:block/></fo:table-cell>'
        f'<fo:table-cell {pad}><fo:block text-align="right">{money(closing, "$")}</fo:block></fo:table-cell>'
        "</fo:table-row>")
    table = (
        f'<fo:table table-layout="fixed" width="170mm" border-collapse="separate" font-size="9pt" '
        f'line-height="11.5pt" color="{INK}">'
        '<fo:table-column column-width="24mm"/><fo:table-column column-width="90mm"/>'
        '<fo:table-column column-width="26mm"/><fo:table-column column-width="30mm"/>'
        f'<fo:table-header font-weight="bold" border-bottom="0.75pt solid {BLUE}">'
        f"<fo:table-row>{head}</fo:table-row></fo:table-header>"
        f'<fo:table-body>{"".join(rows)}</fo:table-body></fo:table>')
    return (f'<fo:page-sequence master-reference="statement" initial-page-number="1" force-page-count="no-force" id="{sid}" '
            'font-family="DejaVu Sans">'
            + "".join(first) + "".join(rest) + footer
            + f'<fo:flow flow-name="xsl-region-body">{table}</fo:flow></fo:page-sequence>\n')


MASTERS = """<fo:layout-master-set>
  <fo:simple-page-master master-name="first" page-width="210mm" page-height="297mm">
    <fo:region-body margin="122mm 20mm 25mm 20mm"/>
    <fo:region-before extent="122mm" region-name="first-before"/>
    <fo:region-after extent="17mm" region-name="footer"/>
  </fo:simple-page-master>
  <fo:simple-page-master master-name="rest" page-width="210mm" page-height="297mm">
    <fo:region-body margin="24mm 20mm 25mm 20mm"/>
    <fo:region-before extent="24mm" region-name="rest-before"/>
    <fo:region-after extent="17mm" region-name="footer"/>
  </fo:simple-page-master>
  <fo:page-sequence-master master-name="statement">
    <fo:repeatable-page-master-alternatives>
      <fo:conditional-page-master-reference master-reference="first" page-position="first"/>
      <fo:conditional-page-master-reference master-reference="rest" page-position="rest"/>
    </fo:repeatable-page-master-alternatives>
  </fo:page-sequence-master>
</fo:layout-master-set>
"""


def write_fo(path: Path, n: int, logo: Path, seed: int = 1) -> None:
    demo = load_demo("make_statements")
    texts = demo.statement_texts if hasattr(demo, "statement_texts") else None
    if texts is None:
        import importlib
        texts = importlib.import_module(demo.__name__ + ".statement_texts")
    table = demo.make_statements(n, seed=seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format">\n' + MASTERS)
        for i, rec in enumerate(table.to_pylist()):
            f.write(statement_fo(rec, i + 1, texts, logo.name))
        f.write("</fo:root>\n")


def run_fop(fo: Path, out: Path, fmt: str, conf: Path) -> dict:
    cmd = ["fop", "-c", str(conf), "-fo", str(fo), f"-{fmt}", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=fo.parent)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    log = [l for l in (p.stdout + p.stderr).splitlines()
           if l and "Rendered page" not in l and not l.startswith("[warning] /usr/bin/fop")]
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n" + "\n".join(log[-30:]))
    data = out.read_bytes()
    if fmt == "afp":
        pages = sum(1 for sf in afp_sfs.iter_sfs(data) if sf.abbrev == "BPG")
    else:
        import pypdf
        pages = len(pypdf.PdfReader(str(out)).pages)
    warnings = sorted({l for l in log if "WARN" in l or "SEVERE" in l or "ERROR" in l})
    return {"format": fmt, "command": " ".join(cmd), "pages": pages, "bytes": len(data),
            "seconds": wall, "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "warnings": warnings}


def afp_breakdown(path: Path) -> dict:
    """Bytes of the AFP by what they hold."""
    data = path.read_bytes()
    out = {"fonts (OCD)": 0, "images (IPD)": 0, "text (PTX)": 0, "graphics (GAD)": 0,
           "environment (MDR/MCF/PGD/PTD/IOB)": 0, "other SFs": 0}
    for sf in afp_sfs.iter_sfs(data):
        n = sf.length + 1
        a = sf.abbrev
        key = ("fonts (OCD)" if a == "OCD" else "images (IPD)" if a == "IPD" else
               "text (PTX)" if a == "PTX" else "graphics (GAD)" if a == "GAD" else
               "environment (MDR/MCF/PGD/PTD/IOB)" if a in ("MDR", "MCF", "PGD", "PTD", "IOB") else "other SFs")
        out[key] += n
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help="directory for the FO, AFP and PDF (default: a temporary one)")
    ap.add_argument("--conf", type=Path, default=FOP_CONF)
    ap.add_argument("--no-pdf", action="store_true", help="measure AFP only")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each fop command this many times and keep the fastest (a busy machine)")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    if not shutil.which("fop"):
        raise SystemExit("fop is not installed (Debian: apt-get install fop)")
    tmp = None
    out = a.out
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="fop_afp_")
        out = Path(tmp.name)
    out.mkdir(parents=True, exist_ok=True)
    demo = load_demo("make_statements")
    demo.write_demo_assets(out / "assets")     # the demo's logo.png (600 x 200 RGBA)
    logo = out / "logo.png"
    shutil.copyfile(out / "assets" / "logo.png", logo)

    results = []
    for n in (1, a.statements):
        fo = out / f"statements-{n}.fo"
        t0 = time.perf_counter()
        write_fo(fo, n, logo, a.seed)
        gen = time.perf_counter() - t0
        for fmt in ("afp",) + (() if a.no_pdf else ("pdf",)):
            runs = [run_fop(fo, out / f"statements-{n}.{fmt}", fmt, a.conf) for _ in range(max(1, a.repeat))]
            r = min(runs, key=lambda r: r["seconds"])
            r.update(statements=n, fo_bytes=fo.stat().st_size, fo_seconds=gen)
            results.append(r)

    print(f"Apache FOP ({_fop_version()}), config {a.conf}, nproc {os.cpu_count()}, "
          f"statements {a.statements} (seed {a.seed})")
    print(f"{'run':22} {'pages':>6} {'bytes':>11} {'bytes/page':>11} {'wall s':>8} {'cpu s':>8} {'pages/s':>8}"
          f" {'pages/cpu-s':>11}")
    for r in results:
        print(f"FOP {r['format'].upper():4} {r['statements']:5d} stmts  {r['pages']:6d} {r['bytes']:11d} "
              f"{r['bytes'] / r['pages']:11.0f} {r['seconds']:8.2f} {r['cpu_seconds']:8.2f} "
              f"{r['pages'] / r['seconds']:8.1f} {r['pages'] / r['cpu_seconds']:11.1f}")
    print("steady state (N-statement run minus the 1-statement run: JVM start-up, config, fonts):")
    for fmt in ("afp", "pdf"):
        rs = [r for r in results if r["format"] == fmt]
        if len(rs) == 2 and rs[1]["pages"] > rs[0]["pages"]:
            one, big = rs
            dp, dt = big["pages"] - one["pages"], big["seconds"] - one["seconds"]
            dc = big["cpu_seconds"] - one["cpu_seconds"]
            db = big["bytes"] - one["bytes"]
            print(f"  FOP {fmt.upper()}: start-up ~{one['seconds']:.2f} s wall, {one['cpu_seconds']:.2f} s cpu "
                  f"(1 statement, {one['pages']} page(s)); {dp / dt:.1f} pages/s, {dp / dc:.1f} pages/cpu-s; "
                  f"{db / dp:.0f} bytes per added page")
            big["steady_pages_per_s"] = dp / dt
            big["marginal_bytes_per_page"] = db / dp
    big_afp = out / f"statements-{a.statements}.afp"
    print(f"AFP bytes by content ({big_afp.name}):")
    for k, v in afp_breakdown(big_afp).items():
        pages = next(r["pages"] for r in results if r["format"] == "afp" and r["statements"] == a.statements)
        print(f"  {k:36} {v:11d}  {v / pages:9.0f} per page")
    warns = sorted({w for r in results for w in r["warnings"]})
    print("FOP warnings:" + ("" if warns else " none"))
    for w in warns[:20]:
        print("  " + w)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2, default=str))
    if tmp:
        tmp.cleanup()
    return 0


def _fop_version() -> str:
    p = subprocess.run(["fop", "-version"], capture_output=True, text=True)
    return (p.stdout.strip().splitlines() or ["?"])[-1]


if __name__ == "__main__":
    sys.exit(main())

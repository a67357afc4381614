"""The demo bank statement drawn by two established Python PDF libraries.

The yardsticks for `bench/throughput.py statement`: the statement of
bench/STATEMENT.md (which engine/pressrun/demo/statement.yaml also draws),
written the way a competent user of each library would write it, from the
same Arrow batches (converted per batch with to_pylist(): that per-record
Python is part of what a reference costs, as in reference_letter.py).

- (a) ReportLab platypus: a BaseDocTemplate with two PageTemplates (first and
  later pages) whose onPage callbacks draw the fixed content; the
  transactions as a platypus Table (repeatRows=1, TableStyle for the zebra,
  the rules and the bold rows) whose split() writes the "Balance carried
  forward" and "Balance brought forward" rows; "Page x of y" by a canvas that
  holds each statement's pages until its last one is known (ReportLab's
  numbered-canvas recipe, per statement).
- (b) fpdf2: header() and footer() overrides, alias_nb_pages for "Page x of y"
  (resolved per statement), table rows with cell() and multi_cell() and a
  manual page-break check that repeats the table header and writes the
  carried / brought forward rows.

Each computes the rules (credits, debits, closing balance, the segment's
message) itself, in Python, per record. Coordinates, fonts, sizes and colours
are those of STATEMENT.md; the bank's texts come from
pressrun.demo.statement_texts, which the pressrun template shares.
Where STATEMENT.md is silent (the summary amounts' colour and leading, the
colour of the continuation pages' rule) they follow statement.yaml.
Positions given as (x, y) are the top-left of a line box of the style's
leading, with the baseline placed by the half-leading model, as in
reference_letter.py.
"""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable
from xml.sax.saxutils import escape

import pyarrow as pa

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from demo_data import load_demo  # noqa: E402
from reference_letter import FONT_DIR, FONT_FILES, PAGE_SIZES_PT, Style, color_rgb  # noqa: E402

TEXTS = load_demo("statement_texts").statement_texts

MM = 72 / 25.4
PAGE_W, PAGE_H = PAGE_SIZES_PT["A4"]

INK = color_rgb("#1a1a1a")
ACCENT = color_rgb("#0b4f6c")
BOX_FILL = color_rgb("#eaf3f7")
ZEBRA = color_rgb("#f3f6f9")
FOOTER_RULE = color_rgb("#888888")

BODY = Style("regular", 9.0, 11.5, INK)
BOLD = Style("bold", 9.0, 11.5, INK)
SMALL = Style("regular", 7.5, 9.5, INK)
VALUE = Style("bold", 11.0, 13.0, ACCENT)   # the summary box's amounts (colour, leading: as statement.yaml)

# Layout, in mm from the top-left of the page.
LOGO = (20, 12, 54, 18)                    # x, y, width, height
RIGHT_X = 190
RETURN_ADDRESS_TOPS = (13, 13 + 14 / 3, 13 + 28 / 3, 27)
ADDRESS = (20, 45)                         # 90 wide
PERIOD_LABEL_TOP, PERIOD_TOP, ACCOUNT_LABEL_TOP, ACCOUNT_TOP = 45, 48.5, 54, 57.5
BOX = (20, 80, 170, 20)
BOX_COLUMNS = (24, 66.5, 109, 151.5)
BOX_LABEL_TOP, BOX_VALUE_TOP = 84, 90
MESSAGE = (20, 106, 170)
FIRST_FRAME = (20, 122, 170, 150)          # x, y, width, height
LATER_FRAME = (20, 24, 170, 248)
LATER_TITLE_TOP, LATER_ACCOUNT_TOP, LATER_RULE_Y = 12, 12.5, 19
FOOTER_RULE_Y, FOOTER_TOP = 280, 282

# The transactions table.
COLUMN_WIDTHS = (24, 90, 26, 30)           # Date, Description, Amount, Balance
RIGHT_ALIGNED = (False, False, True, True)
PAD_X, PAD_Y = 1.5, 0.6
ROW_PT = BODY.leading + 2 * PAD_Y * MM     # a one-line row: 11.5 pt + 1.2 mm
DESCRIPTION_PT = (COLUMN_WIDTHS[1] - 2 * PAD_X) * MM


# ---- One record: the rules and the display strings ---------------------------

@dataclass
class Statement:
    address: list[str]
    period: str
    account_number: str
    summary: tuple[str, str, str, str]
    message: str
    continuation: str                      # "Account ... · first last"
    rows: list[tuple[str, str, str, str]]  # date, description, amount, balance
    closing: str                           # the closing balance, table format


def prepare(row: dict) -> Statement:
    """The rules of STATEMENT.md for one record (a to_pylist() row), then its strings."""
    transactions = row["transactions"]
    credits = sum((t["amount"] for t in transactions if t["amount"] > 0), Decimal("0.00"))
    debits = -sum((t["amount"] for t in transactions if t["amount"] < 0), Decimal("0.00"))
    closing_balance = row["opening_balance"] + credits - debits
    message = TEXTS.SEGMENT_MESSAGES[row["segment"]]

    address = [f"{row['title']} {row['first_name']} {row['last_name']}", row["address_line1"]]
    if row["address_line2"] is not None:
        address.append(row["address_line2"])
    address.append(f"{row['locality']} {row['state']} {row['postcode']}")
    return Statement(
        address=address,
        period=TEXTS.PERIOD_TEXT.format(period_start=long_date(row["period_start"]),
                                        period_end=long_date(row["period_end"])),
        account_number=row["account_number"],
        summary=(dollars(row["opening_balance"]), dollars(credits), dollars(debits),
                 dollars(closing_balance)),
        message=message,
        continuation=TEXTS.CONTINUATION_HEADER.format(**row),
        rows=[(short_date(t["date"]), t["description"], number(t["amount"]), number(t["balance"]))
              for t in transactions],
        closing=number(closing_balance),
    )


def dollars(value: Decimal) -> str:
    """$1,234.56 and -$1,234.56."""
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}"


def number(value: Decimal) -> str:
    """1,234.56 and -1,234.56 (the table's amounts and balances)."""
    return f"{value:,.2f}"


def long_date(day: dt.date) -> str:
    """1 March 2025."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    """01 Mar 2025."""
    return day.strftime("%d %b %Y")


# ---- (a) ReportLab platypus ------------------------------------------------------

def render_platypus(batches: Iterable[pa.RecordBatch], out_path: Path, assets_dir: Path,
                    *, compress: bool = True) -> int:
    """Write one statement per record with reportlab.platypus; returns pages."""
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (ActionFlowable, BaseDocTemplate, Frame, NextPageTemplate,
                                    PageBreak, PageTemplate, Paragraph, Table, TableStyle)

    fonts = {face: f"DejaVuSans-{face}" for face in FONT_FILES}
    for face, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(fonts[face], str(FONT_DIR / file)))
    regular, bold = fonts["regular"], fonts["bold"]
    ink, accent, zebra = Color(*INK), Color(*ACCENT), Color(*ZEBRA)
    logo = ImageReader(str(Path(assets_dir) / "logo.png"))
    body = ParagraphStyle("body", fontName=regular, fontSize=BODY.size, leading=BODY.leading,
                          textColor=ink)

    def text(canv, style: Style, x: float, top: float, value: str, right: bool = False) -> None:
        canv.setFont(fonts[style.face], style.size)
        canv.setFillColorRGB(*style.color)
        y = PAGE_H - (top * MM + style.baseline_offset)
        (canv.drawRightString if right else canv.drawString)(x * MM, y, value)

    def line(canv, x1: float, y: float, x2: float, width: float, color) -> None:
        canv.setStrokeColorRGB(*color)
        canv.setLineWidth(width)
        canv.line(x1 * MM, PAGE_H - y * MM, x2 * MM, PAGE_H - y * MM)

    class StatementCanvas(Canvas):
        """Holds the pages of the statement being drawn; when the next statement
        starts (or the file is saved) it writes "Page x of y" on each and lets
        them go. ReportLab's numbered-canvas recipe, with the count per
        statement rather than per file, so only one statement is ever held."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.statement_serial = 0   # set by the onPage callbacks
            # Outside the page states (which are copies of __dict__): one shared
            # object, so restoring a held page leaves the bookkeeping alone.
            self.book = SimpleNamespace(held=[], pages_written=0)
            made.append(self)

        def showPage(self) -> None:
            state = dict(self.__dict__)
            held = self.book.held
            if held and held[-1]["statement_serial"] != self.statement_serial:
                self._write_held()
                self.__dict__.update(state)
            self.book.held.append(state)
            self._startPage()

        def save(self) -> None:
            self._write_held()
            super().save()

        def _write_held(self) -> None:
            held, self.book.held = self.book.held, []
            for number, state in enumerate(held, start=1):
                self.__dict__.update(state)
                text(self, SMALL, RIGHT_X, FOOTER_TOP,
                     TEXTS.PAGE_NUMBER.format(page=number, pages=len(held)), right=True)
                super().showPage()
                self.book.pages_written += 1

    made: list[StatementCanvas] = []

    base_style = [
        ("FONT", (0, 0), (-1, -1), regular, BODY.size, BODY.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), ink),
        ("ALIGN", (2, 0), (3, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X * MM),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X * MM),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y * MM),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y * MM),
        ("FONT", (0, 0), (-1, 0), bold, BODY.size, BODY.leading),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, accent),
    ]
    column_widths = [w * MM for w in COLUMN_WIDTHS]

    class TransactionTable(Table):
        """The table of one statement, or of its part on one page.

        rows are the body rows under the repeated header; kinds says what each
        is: "tx", "brought" (first on a continued page), "carried" (last on a
        page that continues) or "closing". first_tx is the statement's index of
        the first "tx" row, so the zebra keeps its phase across pages.
        """

        def __init__(self, rows, kinds, first_tx: int = 0, row_heights=None) -> None:
            self.rows, self.kinds, self.first_tx = rows, kinds, first_tx
            commands = list(base_style)
            tx_first = 2 if kinds[0] == "brought" else 1
            tx_last = len(kinds) - 1       # a carried or closing row always ends the part
            if tx_last >= tx_first:
                commands.append(("ROWBACKGROUNDS", (0, tx_first), (-1, tx_last),
                                 [None, zebra] if first_tx % 2 == 0 else [zebra, None]))
            if tx_first == 2:
                commands.append(("FONT", (0, 1), (-1, 1), bold, BODY.size, BODY.leading))
            commands.append(("FONT", (0, -1), (-1, -1), bold, BODY.size, BODY.leading))
            if kinds[-1] == "closing":  # the rule between the last transaction and the total
                commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.5, ink))
            super().__init__([TEXTS.TABLE_HEADINGS, *rows], colWidths=column_widths,
                             rowHeights=row_heights, style=TableStyle(commands), repeatRows=1,
                             hAlign="LEFT")

        def split(self, availWidth, availHeight):
            """As many rows as fit with room for "Balance carried forward"; the
            rest, after the header and "Balance brought forward", goes on."""
            self._calc(availWidth, availHeight)
            heights = list(self._rowHeights)
            used = heights[0] + ROW_PT
            kept = 0
            for height in heights[1:]:
                if used + height > availHeight:
                    break
                used += height
                kept += 1
            if kept >= len(self.rows):
                return [self]
            tx_kept = sum(1 for kind in self.kinds[:kept] if kind == "tx")
            if tx_kept == 0:
                return []  # nothing of it fits here: the frame moves it to the next page
            balance = self.rows[kept - 1][3]
            head = TransactionTable(self.rows[:kept] + [("", TEXTS.CARRIED_FORWARD, "", balance)],
                                    self.kinds[:kept] + ["carried"], self.first_tx,
                                    heights[:kept + 1] + [ROW_PT])
            rest = TransactionTable([("", TEXTS.BROUGHT_FORWARD, "", balance)] + self.rows[kept:],
                                    ["brought"] + self.kinds[kept:], self.first_tx + tx_kept,
                                    [heights[0], ROW_PT] + heights[kept + 1:])
            return [head, rest]

    def transactions_flowable(statement: Statement):
        if not statement.rows:
            return Paragraph(escape(TEXTS.NO_TRANSACTIONS), body)
        rows = []
        for date, description, amount, balance in statement.rows:
            if pdfmetrics.stringWidth(description, regular, BODY.size) > DESCRIPTION_PT:
                description = "\n".join(simpleSplit(description, regular, BODY.size, DESCRIPTION_PT))
            rows.append((date, description, amount, balance))
        rows.append(("", TEXTS.CLOSING_BALANCE, "", statement.closing))
        return TransactionTable(rows, ["tx"] * len(statement.rows) + ["closing"])

    def footer(canv) -> None:
        line(canv, 20, FOOTER_RULE_Y, 190, 0.5, FOOTER_RULE)
        text(canv, SMALL, 20, FOOTER_TOP, TEXTS.FOOTER_TEXT)
        # "Page x of y" is written by StatementCanvas once the statement is complete.

    def first_page(canv, doc) -> None:
        s = doc.statement
        canv.statement_serial = doc.serial
        x, y, w, h = LOGO
        canv.drawImage(logo, x * MM, PAGE_H - (y + h) * MM, w * MM, h * MM, mask="auto")
        for top, value in zip(RETURN_ADDRESS_TOPS, TEXTS.RETURN_ADDRESS):
            text(canv, SMALL, RIGHT_X, top, value, right=True)
        for i, value in enumerate(s.address):
            text(canv, BODY, ADDRESS[0], ADDRESS[1] + i * BODY.leading / MM, value)
        text(canv, SMALL, RIGHT_X, PERIOD_LABEL_TOP, TEXTS.PERIOD_LABEL, right=True)
        text(canv, BODY, RIGHT_X, PERIOD_TOP, s.period, right=True)
        text(canv, SMALL, RIGHT_X, ACCOUNT_LABEL_TOP, TEXTS.ACCOUNT_LABEL, right=True)
        text(canv, BOLD, RIGHT_X, ACCOUNT_TOP, s.account_number, right=True)
        bx, by, bw, bh = BOX
        canv.setStrokeColorRGB(*ACCENT)
        canv.setFillColorRGB(*BOX_FILL)
        canv.setLineWidth(0.75)
        canv.rect(bx * MM, PAGE_H - (by + bh) * MM, bw * MM, bh * MM, stroke=1, fill=1)
        for left, label, value in zip(BOX_COLUMNS, TEXTS.SUMMARY_LABELS, s.summary):
            text(canv, SMALL, left, BOX_LABEL_TOP, label)
            text(canv, VALUE, left, BOX_VALUE_TOP, value)
        mx, my, mw = MESSAGE
        message = Paragraph(escape(s.message), body)
        _, height = message.wrap(mw * MM, FIRST_FRAME[1] * MM)
        message.drawOn(canv, mx * MM, PAGE_H - my * MM - height)
        footer(canv)

    def later_page(canv, doc) -> None:
        canv.statement_serial = doc.serial
        text(canv, BOLD, 20, LATER_TITLE_TOP, TEXTS.BANK_NAME)
        text(canv, SMALL, RIGHT_X, LATER_ACCOUNT_TOP, doc.statement.continuation, right=True)
        line(canv, 20, LATER_RULE_Y, 190, 0.5, ACCENT)
        footer(canv)

    def frame(box, name: str) -> Frame:
        x, y, w, h = box
        return Frame(x * MM, PAGE_H - (y + h) * MM, w * MM, h * MM, id=name, leftPadding=0,
                     rightPadding=0, topPadding=0, bottomPadding=0)

    class StatementDoc(BaseDocTemplate):
        def __init__(self, filename: str) -> None:
            super().__init__(filename, pagesize=(PAGE_W, PAGE_H), pageCompression=int(compress),
                             leftMargin=20 * MM, rightMargin=20 * MM, topMargin=12 * MM,
                             bottomMargin=15 * MM)
            self.addPageTemplates([
                PageTemplate("first", frames=[frame(FIRST_FRAME, "transactions")], onPage=first_page,
                             autoNextPageTemplate="later"),
                PageTemplate("later", frames=[frame(LATER_FRAME, "transactions")], onPage=later_page),
            ])
            self.statement: Statement | None = None
            self.serial = 0

        def handle_statement(self, statement: Statement) -> None:
            """ActionFlowable(("statement", s)): the record the next page belongs to."""
            self.statement = statement
            self.serial += 1

    doc = StatementDoc(str(out_path))
    story = []
    for batch in batches:
        for row in batch.to_pylist():
            statement = prepare(row)
            if doc.statement is None:  # the first page begins before any flowable runs
                doc.handle_statement(statement)
            else:
                story += [ActionFlowable(("statement", statement)), NextPageTemplate("first"), PageBreak()]
            story.append(transactions_flowable(statement))
    if not story:
        return 0
    doc.build(story, canvasmaker=StatementCanvas)
    return made[0].book.pages_written


# ---- (b) fpdf2 ---------------------------------------------------------------------

# The alias for a statement's page count: one character wide, so fpdf2 reserves
# the width of one digit for it (statements have fewer than ten pages).
PAGES_ALIAS = "\u00a4"


def render_fpdf2(batches: Iterable[pa.RecordBatch], out_path: Path, assets_dir: Path,
                 *, compress: bool = True) -> int:
    """Write one statement per record with fpdf2; returns pages."""
    from fpdf import FPDF
    from fpdf.enums import MethodReturnValue

    faces = {"regular": "", "bold": "B"}
    logo = str(Path(assets_dir) / "logo.png")
    bottom = (FIRST_FRAME[1] + FIRST_FRAME[3]) * MM  # both frames end at 272 mm
    row_pt = ROW_PT
    pad_x, pad_y = PAD_X * MM, PAD_Y * MM
    widths = [w * MM for w in COLUMN_WIDTHS]
    lefts = [20 * MM + sum(widths[:i]) for i in range(4)]
    # fpdf2 puts a cell's baseline 0.5 h + 0.3 size below its top; body-text
    # cells are moved so that it falls where the half-leading model puts it.
    cell_shift = BODY.baseline_offset - (0.5 * BODY.leading + 0.3 * BODY.size)

    class StatementPDF(FPDF):
        def __init__(self) -> None:
            super().__init__(unit="pt", format=(PAGE_W, PAGE_H))
            self.set_auto_page_break(False)   # the table breaks its own pages
            self.set_compression(compress)
            self.c_margin = 0                 # cell padding is explicit, as in STATEMENT.md
            self.alias_nb_pages(PAGES_ALIAS)
            for face, file in FONT_FILES.items():
                self.add_font("DejaVu", faces[face], str(FONT_DIR / file))
            self.statement: Statement | None = None
            self.first_page = 1
            self._footer_done = 0             # the page whose footer is already drawn

        def use(self, style: Style) -> None:
            self.set_font("DejaVu", faces[style.face], style.size)
            self.set_text_color(*(round(c * 255) for c in style.color))

        def text_at(self, style: Style, x: float, top: float, value: str, right: bool = False) -> None:
            self.use(style)
            x = x * MM - (self.get_string_width(value) if right else 0)
            self.text(x, top * MM + style.baseline_offset, value)

        def rule(self, x1: float, y: float, x2: float, width: float, color) -> None:
            self.set_draw_color(*(round(c * 255) for c in color))
            self.set_line_width(width)
            self.line(x1, y, x2, y)

        # -- fixed content

        def header(self) -> None:
            s = self.statement
            if self.page == self.first_page:
                self.image(logo, *(v * MM for v in LOGO))
                for top, value in zip(RETURN_ADDRESS_TOPS, TEXTS.RETURN_ADDRESS):
                    self.text_at(SMALL, RIGHT_X, top, value, right=True)
                for i, value in enumerate(s.address):
                    self.text_at(BODY, ADDRESS[0], ADDRESS[1] + i * BODY.leading / MM, value)
                self.text_at(SMALL, RIGHT_X, PERIOD_LABEL_TOP, TEXTS.PERIOD_LABEL, right=True)
                self.text_at(BODY, RIGHT_X, PERIOD_TOP, s.period, right=True)
                self.text_at(SMALL, RIGHT_X, ACCOUNT_LABEL_TOP, TEXTS.ACCOUNT_LABEL, right=True)
                self.text_at(BOLD, RIGHT_X, ACCOUNT_TOP, s.account_number, right=True)
                self.set_draw_color(*(round(c * 255) for c in ACCENT))
                self.set_fill_color(*(round(c * 255) for c in BOX_FILL))
                self.set_line_width(0.75)
                self.rect(*(v * MM for v in BOX), style="DF")
                for left, label, value in zip(BOX_COLUMNS, TEXTS.SUMMARY_LABELS, s.summary):
                    self.text_at(SMALL, left, BOX_LABEL_TOP, label)
                    self.text_at(VALUE, left, BOX_VALUE_TOP, value)
                self.use(BODY)
                self.set_xy(MESSAGE[0] * MM, MESSAGE[1] * MM + cell_shift)
                self.multi_cell(MESSAGE[2] * MM, BODY.leading, s.message, align="L")
            else:
                self.text_at(BOLD, 20, LATER_TITLE_TOP, TEXTS.BANK_NAME)
                self.text_at(SMALL, RIGHT_X, LATER_ACCOUNT_TOP, s.continuation, right=True)
                self.rule(20 * MM, LATER_RULE_Y * MM, 190 * MM, 0.5, ACCENT)

        def footer(self) -> None:
            if self._footer_done == self.page:
                return
            self.rule(20 * MM, FOOTER_RULE_Y * MM, 190 * MM, 0.5, FOOTER_RULE)
            self.text_at(SMALL, 20, FOOTER_TOP, TEXTS.FOOTER_TEXT)
            # A cell, not text(): only cells take part in the alias substitution.
            # fpdf2 puts a cell's baseline at 0.5 h + 0.3 size below its top.
            baseline = FOOTER_TOP * MM + SMALL.baseline_offset
            self.set_xy(20 * MM, baseline - 0.5 * SMALL.leading - 0.3 * SMALL.size)
            page = TEXTS.PAGE_NUMBER.format(page=self.page - self.first_page + 1, pages=PAGES_ALIAS)
            self.cell(170 * MM, SMALL.leading, page, align="R")

        # -- one statement

        def begin_statement(self, statement: Statement) -> None:
            self.end_statement()
            self.statement = statement
            self.first_page = self.page + 1
            self.add_page()

        def end_statement(self) -> None:
            """Draw the last page's footer now and put this statement's page count
            in for the alias on each of its pages (fpdf2 would put the file's)."""
            if self.statement is None:
                return
            self.footer()
            self._footer_done = self.page
            pages = str(self.page - self.first_page + 1)
            for number in range(self.first_page, self.page + 1):
                page = self.pages[number]
                substitutions = page.get_text_substitutions()
                for fragment in substitutions:
                    page.contents = page.contents.replace(
                        fragment.get_placeholder_string().encode("latin-1"),
                        fragment.render_text_substitution(pages).encode("latin-1"))
                substitutions.clear()  # resolved: output() has nothing left to put in

        def table_header(self, y: float) -> float:
            self.use(BOLD)
            y = self.row(y, TEXTS.TABLE_HEADINGS)
            self.rule(lefts[0], y, 190 * MM, 0.75, ACCENT)
            return y

        def row(self, y: float, cells, lines=None, fill: bool = False) -> float:
            """One table row with its top at y; returns the y under it."""
            height = (len(lines) if lines else 1) * BODY.leading + 2 * pad_y
            if fill:
                self.set_fill_color(*(round(c * 255) for c in ZEBRA))
                self.rect(lefts[0], y, 170 * MM, height, style="F")
            for column, (left, width, value, right) in enumerate(zip(lefts, widths, cells, RIGHT_ALIGNED)):
                self.set_xy(left + pad_x, y + pad_y + cell_shift)
                if lines and column == 1:  # the lines multi_cell found, one cell each
                    for number, text in enumerate(lines):
                        self.set_xy(left + pad_x, y + pad_y + cell_shift + number * BODY.leading)
                        self.cell(width - 2 * pad_x, BODY.leading, text)
                else:
                    self.cell(width - 2 * pad_x, BODY.leading, value, align="R" if right else "L")
            return y + height

        def transactions(self, s: Statement) -> None:
            y = FIRST_FRAME[1] * MM
            if not s.rows:
                self.use(BODY)
                self.set_xy(FIRST_FRAME[0] * MM, y)
                self.multi_cell(FIRST_FRAME[2] * MM, BODY.leading, TEXTS.NO_TRANSACTIONS, align="L")
                return
            y = self.table_header(y)
            balance = ""
            for index, cells in enumerate(s.rows):
                self.use(BODY)
                lines = None
                if self.get_string_width(cells[1]) > DESCRIPTION_PT:
                    lines = self.multi_cell(DESCRIPTION_PT, BODY.leading, cells[1], align="L",
                                            dry_run=True, output=MethodReturnValue.LINES)
                height = (len(lines) if lines else 1) * BODY.leading + 2 * pad_y
                if y + height + row_pt > bottom:   # keep room for "Balance carried forward"
                    self.use(BOLD)
                    self.row(y, ("", TEXTS.CARRIED_FORWARD, "", balance))
                    self.add_page()
                    y = self.table_header(LATER_FRAME[1] * MM)
                    self.use(BOLD)
                    y = self.row(y, ("", TEXTS.BROUGHT_FORWARD, "", balance))
                    self.use(BODY)
                y = self.row(y, cells, lines, fill=index % 2 == 1)
                balance = cells[3]
            self.rule(lefts[0], y, 190 * MM, 0.5, INK)  # between the last transaction and the total
            self.use(BOLD)
            self.row(y, ("", TEXTS.CLOSING_BALANCE, "", s.closing))

    pdf = StatementPDF()
    for batch in batches:
        for row in batch.to_pylist():
            statement = prepare(row)
            pdf.begin_statement(statement)
            pdf.transactions(statement)
    pdf.end_statement()
    if pdf.page == 0:
        return 0
    pdf.output(str(out_path))
    return pdf.pages_count


RENDERERS = {"platypus": render_platypus, "fpdf2": render_fpdf2}


if __name__ == "__main__":
    # A quick look: python bench/reference_statement.py platypus|fpdf2 OUT.pdf ASSETS_DIR [N]
    demo = load_demo("iter_statement_batches")
    engine, out, assets = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    records = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    demo.write_demo_assets(assets)
    print(RENDERERS[engine](demo.iter_statement_batches(records), out, assets), "pages")

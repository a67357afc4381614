"""The flow: paragraphs split across pages with widows and orphans, conditions,
keep-with-next, page breaks, images, page conditions, and table features
(groups, rules, proportional columns), read back with pypdf and pdfminer."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pdfcheck import assert_valid_pdf, normalise, page_texts

import pressrun
from pressrun.demo import write_demo_assets
from pressrun.errors import TemplateError
from pressrun.template import template_from_dict

pytestmark = pytest.mark.native_boundary

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey xray").split()


def _template(assets, flow, next_elements=(), first_extra=(), table_width="1fr"):
    return template_from_dict({
        "pressrun": 1, "name": "flow", "page": {"size": "A5"},
        "fonts": {"sans": {"family": "DejaVu Sans"}},
        "styles": {"body": {"font": "sans", "size": "10pt", "leading": "12pt"},
                   "bold": {"based_on": "body", "face": "bold"}},
        "images": {"logo": {"file": "logo.png"}},
        "pages": {
            "first": {"elements": [{"text": "FIRST {name}", "at": ["15mm", "10mm"]},
                                   {"text": "Page {page} of {pages}", "at": ["15mm", "200mm"]},
                                   *first_extra],
                      "flow_frames": [["15mm", "20mm", "118mm", "170mm"]]},
            "next": {"elements": [{"text": "NEXT {name}", "at": ["15mm", "10mm"]},
                                  {"text": "Page {page} of {pages}", "at": ["15mm", "200mm"]},
                                  *next_elements],
                     "flow_frames": [["15mm", "20mm", "118mm", "170mm"]]},
        },
        "flow": flow,
    }, base_dir=assets)


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    directory = tmp_path_factory.mktemp("flow")
    write_demo_assets(directory)
    return directory


def _compose(template, rows, tmp_path, name="out.pdf"):
    out = tmp_path / name
    report = pressrun.compose(pa.Table.from_pylist(rows), template=template, out=out)
    assert_valid_pdf(out)
    index = pq.read_table(report.outputs["documents"]).to_pylist()
    texts = page_texts(out, range(report.pages))
    return report, index, [normalise(texts[p]) for p in range(report.pages)]


def _paragraph(words: int, start: int = 0) -> str:
    return " ".join(f"{WORDS[(start + i) % len(WORDS)]}{i}" for i in range(words))


def test_a_long_paragraph_splits_across_pages_in_order(assets, tmp_path):
    flow = [{"paragraph": "{body}", "orphans": 3, "widows": 3}]
    text = _paragraph(900)
    report, index, pages = _compose(_template(assets, flow), [{"name": "Ada", "body": text}], tmp_path)
    assert report.pages >= 3 and index[0]["pages"] == report.pages
    assert pages[0].startswith("FIRST Ada") and pages[1].startswith("NEXT Ada")
    joined = " ".join(p.split(" ", 2)[2] for p in pages)  # drop the running header
    position = 0
    for word in text.split():
        found = joined.find(word, position)
        assert found >= 0, word
        position = found + len(word)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {report.pages}" in page


def test_widows_and_orphans_move_lines(assets, tmp_path):
    b = _paragraph(40, 3)   # four lines across the frame
    words = b.split()
    # Orphans: room for one line at the foot; two must stay, so it moves whole.
    flow = [{"space": "163mm"}, {"paragraph": "{b}", "orphans": 2, "widows": 2}]
    _, _, pages = _compose(_template(assets, flow), [{"name": "Bo", "b": b}], tmp_path, "o.pdf")
    assert words[0] not in pages[0] and words[0] in pages[1]
    # Widows: room for three lines; one alone would be carried, so two go over.
    flow = [{"space": "157mm"}, {"paragraph": "{b}", "orphans": 2, "widows": 2}]
    _, _, pages = _compose(_template(assets, flow), [{"name": "Bo", "b": b}], tmp_path, "w.pdf")
    assert words[0] in pages[0] and words[-1] in pages[1]
    carried = [w for w in words if w in pages[1].split()]
    assert len(carried) >= 15, carried


def test_conditions_choose_and_page_breaks(assets, tmp_path):
    flow = [
        {"paragraph": "Shown when vip", "when": "vip"},
        {"choose": "tier", "cases": {"gold": [{"paragraph": "GOLD TEXT"}],
                                     "silver": [{"paragraph": "SILVER TEXT"}]}},
        {"page_break": True},
        {"paragraph": "After the break"},
    ]
    rows = [{"name": "A", "vip": True, "tier": "gold"}, {"name": "B", "vip": False, "tier": "silver"},
            {"name": "C", "vip": None, "tier": "bronze"}]
    report, index, pages = _compose(_template(assets, flow), rows, tmp_path)
    docs = [pages[e["first_page"]:e["first_page"] + e["pages"]] for e in index]
    assert [len(d) for d in docs] == [2, 2, 1]  # a break at the top of a page makes no blank page
    assert "Shown when vip" in docs[0][0] and "GOLD TEXT" in docs[0][0]
    assert "Shown when vip" not in docs[1][0] and "SILVER TEXT" in docs[1][0]
    assert "GOLD" not in docs[2][0] and "SILVER" not in docs[2][0]
    assert "After the break" in docs[0][1] and "After the break" in docs[1][1]
    assert "After the break" in docs[2][0]


def test_keep_with_next_moves_a_heading(assets, tmp_path):
    flow = [{"space": "163mm"}, {"paragraph": "HEADING", "style": "bold", "keep_with_next": True},
            {"paragraph": _paragraph(30)}]
    _, _, pages = _compose(_template(assets, flow), [{"name": "K"}], tmp_path)
    assert "HEADING" not in pages[0] and "HEADING" in pages[1]


def test_page_conditions_and_flow_images(assets, tmp_path):
    flow = [{"image": "logo", "size": ["40mm", None]}, {"paragraph": _paragraph(700)}]
    continued = {"text": "Continued overleaf", "at": ["80mm", "200mm"], "pages": "not_last"}
    last = {"text": "THE END", "at": ["80mm", "195mm"], "pages": "last"}
    template = _template(assets, flow, next_elements=[continued, last], first_extra=[continued, last])
    report, _, pages = _compose(template, [{"name": "P"}], tmp_path)
    assert report.pages >= 2
    assert all("Continued overleaf" in p for p in pages[:-1])
    assert "Continued overleaf" not in pages[-1] and "THE END" in pages[-1]
    assert not any("THE END" in p for p in pages[:-1])
    import pikepdf

    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert "/Im0" in pdf.pages[0].Resources.XObject or len(pdf.pages[0].images) > 0


def _rows_table(assets, **table):
    spec = {"rows": "items", "padding": ["1pt", "2pt"], "header_style": "bold",
            "columns": [{"header": "Card", "value": "{card}", "width": "20mm"},
                        {"header": "What", "value": "{what}", "width": "2fr"},
                        {"header": "Amount", "value": "{amount}", "width": "1fr", "align": "right"}]}
    spec.update(table)
    return _template(assets, [{"table": spec}])


def test_table_groups_rules_and_proportional_columns(assets, tmp_path):
    template = _rows_table(assets, group_by="card", group_heading="Card ending {card}",
                           row_rule={"width": "0.25pt", "color": "#999999"})
    table = template.flow[0].content
    widths = [c.width_pt for c in table.columns]
    assert widths[1] == pytest.approx(2 * widths[2]) and sum(widths) == pytest.approx(118 * 72 / 25.4)
    items = [{"card": card, "what": f"purchase {i}", "amount": Decimal(i)}
             for i, card in enumerate(["1111"] * 3 + ["2222"] * 2 + ["1111"])]
    report, _, pages = _compose(template, [{"name": "G", "items": items}], tmp_path)
    text = pages[0]
    assert text.count("Card ending 1111") == 2 and text.count("Card ending 2222") == 1
    assert text.index("Card ending 2222") < text.index("purchase 3")
    assert text.index("purchase 2") < text.index("Card ending 2222")
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTCurve, LTLine, LTRect

    shapes = [el for page in extract_pages(str(tmp_path / "out.pdf")) for el in page
              if isinstance(el, (LTLine, LTRect, LTCurve))]
    assert len(shapes) >= len(items) - 1  # a rule between every two rows


def test_table_errors_name_the_field(assets, tmp_path):
    template = _rows_table(assets)
    rows = [{"name": "ok", "items": [{"card": "1", "what": "fine", "amount": Decimal(1)}]},
            {"name": "bad", "items": [{"card": "1", "what": None, "amount": Decimal(1)}]}]
    out = tmp_path / "e.pdf"
    report = pressrun.compose(pa.Table.from_pylist(rows), template=template, out=out)
    assert report.documents == 1 and report.exceptions == 1
    row = pq.read_table(report.outputs["exceptions_parquet"]).to_pylist()[0]
    assert row["record"] == 1 and row["field"] == "items.what"


def test_template_errors_for_flows(assets):
    with pytest.raises(TemplateError, match="group_by needs a group_heading"):
        _rows_table(assets, group_by="card")
    with pytest.raises(TemplateError, match="flow needs page masters"):
        template_from_dict({"pressrun": 1, "page": {"size": "A5"},
                            "fonts": {"sans": {"family": "DejaVu Sans"}},
                            "styles": {"body": {"font": "sans", "size": "10pt"}},
                            "elements": [], "flow": [{"paragraph": "x"}]})
    with pytest.raises(TemplateError, match="unknown page condition"):
        _template(assets, [{"paragraph": "x"}],
                  next_elements=[{"text": "x", "at": ["1mm", "1mm"], "pages": "sometimes"}])


def test_a_group_moves_whole_when_it_does_not_fit(assets, tmp_path):
    """Room for two of three short paragraphs: the group starts on the next page."""
    group = {"group": [{"paragraph": "GROUP ONE"}, {"paragraph": "GROUP TWO"},
                       {"paragraph": "GROUP THREE"}]}
    # 170 mm frame: 155 mm of space and BEFORE (12 pt) leave 10.8 mm, two 12 pt lines.
    flow = [{"space": "155mm"}, {"paragraph": "BEFORE"}, group]
    _, _, pages = _compose(_template(assets, flow), [{"name": "G"}], tmp_path, "g.pdf")
    assert "BEFORE" in pages[0] and "GROUP ONE" not in pages[0]
    assert all(f"GROUP {n}" in pages[1] for n in ("ONE", "TWO", "THREE"))

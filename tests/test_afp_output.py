"""AFP print files, checked with readers pressrun did not write: the `afp`
package from PyPI parses every structured field and its PTOCA text, and
tests/afpcheck.py (its own table of structured-field ids) checks the
nesting and the page groups against the reports. The text of each page is
compared with the text pypdf extracts from the PDF of the same run."""
from __future__ import annotations

import collections
import shutil
from pathlib import Path

import afp
import pyarrow as pa
import pyarrow.parquet as pq
import pypdf
import pytest
import yaml

import pressrun.demo as demo_package
from pressrun.afp.options import AfpOptions, CodedFont
from pressrun.demo import make_statements, write_demo_assets
from pressrun.demo.mailing import with_mail_columns
from pressrun.job import compose
from pressrun.production.run import produce

import afpcheck

pytestmark = pytest.mark.native_boundary

DEMO = Path(demo_package.__file__).parent
RULES = DEMO / "statement_rules.yaml"
SF_TLE, SF_PTX, SF_BNG, SF_ENG, SF_BPG, SF_IMM, SF_MDR, SF_BDA = (
    0xD3A090, 0xD3EE9B, 0xD3A8AD, 0xD3A9AD, 0xD3A8AF, 0xD3ABCC, 0xD3ABC3, 0xD3EEEB)
# PTOCA control sequence types, chained and unchained (PTOCA reference).
AMB, AMI, TRN, SCFL = {0xD2, 0xD3}, {0xC6, 0xC7}, {0xDA, 0xDB}, {0xF0, 0xF1}


# The package decodes TRN data as EBCDIC and strips blanks from it; the
# text of a TrueType font mapped with CCSID 1200 is UTF-16BE, so TRN data is
# taken as the bytes it is (the package's own parameter type for bytes).
afp.functions.SYNTAX_FUNCTION_TRN[0] = afp.fields.ParameterType(0, 0, afp.fields.PTYPE_BYTE, "TRNDATA",
                                                                False, None)


def load_fields(path: Path) -> list[dict]:
    with open(path, "rb") as f:
        return afp.load(f, allow_unknown_fields=True, allow_unknown_triplets=True,
                        allow_unknown_functions=True)


def page_texts(fields: list[dict]) -> list[str]:
    """Per page, its text in drawing order with the text of the overlays it
    includes (IPO) where they are included, without white space: the afp
    package's decoded PTX control sequences, TRN data taken as UTF-16BE (the
    fonts are mapped with CCSID 1200)."""
    overlays: dict[bytes, str] = {}
    pages, text, overlay, included = [], [], None, []
    for sf in fields:
        kind = sf["SFTypeID"]
        if kind == 0xD3A8DF:                         # BMO
            overlay, text = sf["Data"][:8], []
        elif kind == 0xD3A9DF:                       # EMO
            overlays[bytes(overlay)] = "".join(text)
            overlay, text = None, []
        elif kind == SF_BPG:
            text = []
        elif kind == 0xD3AFD8:                       # IPO
            name = (sf["OvlyName"].encode("cp500").ljust(8, b"\x40") if "OvlyName" in sf
                    else bytes(sf["Data"][:8]))
            text.append(overlays[name])
        elif kind == SF_PTX:
            text += [bytes(cs["TRNDATA"]).decode("utf-16-be") for cs in sf["PTOCAdat"] if cs["TYPE"] in TRN]
        elif kind == 0xD3A9AF:                       # EPG
            pages.append("".join("".join(text).split()))
    return pages


def pdf_texts(path: Path) -> list[str]:
    return ["".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(path)).pages]


def tle_tags(fields: list[dict]) -> list[dict]:
    """Per page group, its TLE attribute names and values, as the afp package decodes them."""
    groups = []
    for sf in fields:
        if sf["SFTypeID"] == SF_BNG:
            groups.append({})
        elif sf["SFTypeID"] == SF_TLE:
            triplets = {t["Tid"]: t for t in sf["Triplets"]}
            groups[-1][triplets[0x02]["FQName"]] = triplets[0x36]["AttVal"]
    return groups


# --------------------------------------------------------------------------- compose

@pytest.fixture(scope="module")
def assets(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("assets")
    write_demo_assets(directory)
    return directory


@pytest.fixture(scope="module")
def statements() -> pa.Table:
    return make_statements(60, seed=11)


@pytest.fixture(scope="module")
def both(assets, statements, tmp_path_factory):
    out = tmp_path_factory.mktemp("both")
    report = compose(statements, assets / "statement.yaml", out / "s.pdf", format="both",
                     key_fields=("customer_id",), rules=RULES,
                     afp=AfpOptions(index={"Account": "account_number", "Name": "last_name",
                                           "Postcode": "postcode"}))
    return report, out


def test_afp_package_parses_every_structured_field(both):
    report, out = both
    fields = load_fields(out / "s.afp")
    problems = [(hex(sf["SFTypeID"]), sf["_exceptions"]) for sf in fields if sf.get("_exceptions")]
    assert problems == []
    counts = collections.Counter(sf["SFTypeID"] for sf in fields)
    assert counts[SF_BPG] == report.pages
    assert counts[SF_BNG] == report.documents == 60


def test_afp_text_matches_the_pdf_page_by_page(both):
    report, out = both
    afp_pages = page_texts(load_fields(out / "s.afp"))
    pdf_pages = pdf_texts(out / "s.pdf")
    assert len(afp_pages) == len(pdf_pages) == report.pages
    sample = range(0, len(pdf_pages), 7)
    for index in sample:
        assert afp_pages[index] == pdf_pages[index], f"page {index + 1}"
    assert sum(len(afp_pages[i]) for i in sample) > 500 * len(sample)


def test_structure_and_page_groups_match_the_document_index(both):
    report, out = both
    index = pq.read_table(report.outputs["documents"]).to_pydict()
    pages = [int(p) for p in index["pages"]]
    checked = afpcheck.assert_valid((out / "s.afp").read_bytes(), pages_per_group=pages)
    assert checked.page_count == report.pages


def test_index_tags_carry_the_data(both, statements):
    _, out = both
    tags = tle_tags(load_fields(out / "s.afp"))
    assert [t["Record"] for t in tags] == [str(i) for i in range(60)]
    assert [t["Account"] for t in tags] == [str(v) for v in statements.column("account_number").to_pylist()]
    assert [t["Name"] for t in tags] == statements.column("last_name").to_pylist()


def test_a_corrupted_length_or_a_missing_epg_fails_the_check(both):
    _, out = both
    data = bytearray((out / "s.afp").read_bytes())
    fields = afpcheck.frame(bytes(data), [])
    assert afpcheck.check(bytes(data)).problems == []
    epg = next(f for f in fields if f.name == "EPG")
    length = int.from_bytes(data[epg.offset + 1:epg.offset + 3], "big")
    missing = data[:epg.offset] + data[epg.offset + 1 + length:]
    assert any("EPG" in p for p in afpcheck.check(bytes(missing)).problems)
    ptx = next(f for f in fields if f.name == "PTX")
    data[ptx.offset + 2] ^= 0x10
    assert afpcheck.check(bytes(data)).problems != []


def test_output_is_byte_identical_run_to_run(assets, statements, tmp_path):
    outputs = []
    for run in range(2):
        # One thread and one batch, then pipelined over batches of 5 on two threads.
        compose(statements.slice(0, 12), assets / "statement.yaml", tmp_path / f"r{run}.afp", format="afp",
                batch_size=5 if run else 2048, rules=RULES, threads=2 if run else 1)
        outputs.append((tmp_path / f"r{run}.afp").read_bytes())
    assert outputs[0] == outputs[1]


def test_coded_font_mapping_writes_code_page_text(assets, statements, tmp_path):
    options = AfpOptions(coded_fonts={"sans": CodedFont("C0H20000", "T1V10500", "cp500")})
    report = compose(statements.slice(0, 3), assets / "statement.yaml", tmp_path / "c.afp", format="afp",
                     afp=options, rules=RULES)
    fields = load_fields(tmp_path / "c.afp")
    mcf = [sf for sf in fields if sf["SFTypeID"] == 0xD3AB8A]
    overlays = sum(sf["SFTypeID"] == 0xD3A8DF for sf in fields)
    assert len(mcf) == report.pages + overlays   # every page and overlay maps the coded font
    names = {t["FQNType"]: t["FQName"] for t in mcf[0]["RepeatingGroup"][0]["Triplets"] if t["Tid"] == 2}
    assert names == {0x85: "T1V10500", 0x86: "C0H20000"}   # code page, character set
    texts = [bytes(cs["TRNDATA"]).decode("cp500") for sf in fields if sf["SFTypeID"] == SF_PTX
             for cs in sf["PTOCAdat"] if cs["TYPE"] in TRN]
    assert any("Statement" in t or "Account" in t for t in texts)   # the code page's bytes


def test_cli_compose_format_afp(assets, statements, tmp_path):
    from click.testing import CliRunner
    from pressrun.cli import main

    data = tmp_path / "s.parquet"
    pq.write_table(statements.slice(0, 4), data)
    result = CliRunner().invoke(main, ["compose", str(data), "-t", str(assets / "statement.yaml"), "-o",
                                       str(tmp_path / "s.pdf"), "--rules", str(RULES), "--format", "both", "--afp-index",
                                       "Account=account_number", "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.afp").stat().st_size > 0 and (tmp_path / "s.pdf").stat().st_size > 0
    assert afpcheck.check((tmp_path / "s.afp").read_bytes()).problems == []
    bad = CliRunner().invoke(main, ["compose", str(data), "-t", str(assets / "statement.yaml"), "-o",
                                    str(tmp_path / "t.afp"), "--rules", str(RULES), "--format", "afp", "--afp-index",
                                    "Account=no_such_column", "-q"])
    assert bad.exit_code != 0 and "no_such_column" in bad.output


# --------------------------------------------------------------------------- produce

def _produce(assets, out: Path, print_format: str):
    table = with_mail_columns(make_statements(40, seed=5), 5)
    profile = yaml.safe_load((DEMO / "statement_production.yaml").read_text())
    profile["output"]["format"] = print_format
    if print_format == "afp":
        profile["output"]["afp"] = {"index": {"Account": "account_number", "Postcode": "postcode"},
                                    "bins": {"tray1": 1, "tray2": 2, "tray3": 5}}
    path = out / "profile.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    result = produce(table, assets / "statement.yaml", path, out / "job", rules=RULES,
                     key_fields=("customer_id",))
    manifest = pq.read_table(out / "job" / "manifest.parquet").to_pylist()
    return result, out / "job", manifest


@pytest.fixture(scope="module")
def afp_job(assets, tmp_path_factory):
    return _produce(assets, tmp_path_factory.mktemp("afp_job"), "afp")


def test_production_afp_parses_and_its_text_is_the_pdf_jobs(afp_job, assets, tmp_path):
    """The same job as PDF: the same pieces, and page by page the same text."""
    _, job_dir, manifest = afp_job
    _, pdf_dir, pdf_manifest = _produce(assets, tmp_path, "pdf")
    assert [p["piece_id"] for p in pdf_manifest] == [p["piece_id"] for p in manifest]
    for name in sorted({p["file"] for p in manifest}):
        fields = load_fields(job_dir / name)
        assert [sf for sf in fields if sf.get("_exceptions")] == []
        afp_pages = page_texts(fields)
        pdf_pages = pdf_texts(pdf_dir / name.replace(".afp", ".pdf"))
        assert len(afp_pages) == len(pdf_pages)
        for index in range(0, len(pdf_pages), 5):
            assert afp_pages[index] == pdf_pages[index], f"{name} page {index + 1}"


def _by_file(manifest):
    files = collections.defaultdict(list)
    for piece in manifest:
        files[piece["file"]].append(piece)
    return files


def test_production_page_groups_are_the_manifest_pieces(afp_job):
    result, job_dir, manifest = afp_job
    assert result.reconciliation is not None and result.reconciliation.ok
    for name, pieces in _by_file(manifest).items():
        assert name.endswith(".afp")
        data = (job_dir / name).read_bytes()
        checked = afpcheck.assert_valid(data, pages_per_group=[p["pages"] for p in pieces])
        assert [g.tags["PieceId"] for g in checked.groups] == [p["piece_id"] for p in pieces]
        assert [g.tags["Postcode"] for g in checked.groups] == [p["postcode"] for p in pieces]


def test_production_medium_maps_follow_each_sheets_stock(afp_job):
    _, job_dir, manifest = afp_job
    profile_trays = {"letterhead": "001", "plain": "002", "insert": "003"}
    for name, pieces in _by_file(manifest).items():
        fields = load_fields(job_dir / name)
        # The medium map in effect for each page, from the IMMs before it.
        current, per_page = None, []
        for sf in fields:
            if sf["SFTypeID"] == SF_IMM:
                current = bytes(sf["Data"][:8]).decode("cp500").strip() if "Data" in sf else None
            elif sf["SFTypeID"] == SF_BPG:
                per_page.append(current)
        expected = []
        for piece in pieces:
            side = "D" if piece["duplex"] else "S"
            for stock in piece["stocks"]:
                expected += [f"M{profile_trays[stock]}{side}"] * (2 if piece["duplex"] else 1)
        assert per_page == expected


def test_production_barcodes_are_bcoca_with_the_manifest_payloads(afp_job):
    _, job_dir, manifest = afp_job
    for name, pieces in _by_file(manifest).items():
        fields = load_fields(job_dir / name)
        payloads = []
        for sf in fields:
            if sf["SFTypeID"] == SF_BDA:
                payloads.append(bytes(sf["Data"]))
        expected = [p.encode("ascii") for piece in pieces for p in piece["mark_payloads"]]
        datamatrix = [d for d in payloads if any(d.endswith(e) for e in expected)]
        assert len(datamatrix) == len(expected)
        postal = [piece["postal_payload"] for piece in pieces if piece["postal_payload"]]
        assert len(payloads) == len(expected) + len(postal)


def test_afp_dump_names_and_decodes_the_barcodes(afp_job):
    from click.testing import CliRunner
    from pressrun.cli import main

    _, job_dir, manifest = afp_job
    name = manifest[0]["file"]
    result = CliRunner().invoke(main, ["afp", "dump", str(job_dir / name)])
    assert result.exit_code == 0
    assert "Unknown structured field" not in result.output
    assert result.output.count("BDA Bar Code Data") == sum(
        len(p["mark_payloads"]) + bool(p["postal_payload"]) for p in manifest if p["file"] == name)

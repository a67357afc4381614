"""A JDF 1.4 job ticket beside each print file: which medium, tray and sides
each page range prints on, so the press loads the right stock without an
operator reading the job sheet.

Input tray: JDF 1.4 has no tray attribute on DigitalPrintingParams, and the
standard place (Media/Location/@LocationName) is per medium, while here one
stock can feed from two trays in one file. So the tray goes as
`<GeneralID IDUsage="InputTray" IDValue=...>` in the DigitalPrintingParams
partition of the run it applies to.

No AuditPool: it would carry timestamps, and the same job must give the
same bytes.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

JDF_NAMESPACE = "http://www.CIP4.org/JDFSchema_1_1"
_NS = {"jdf": JDF_NAMESPACE}
ONE_SIDED, TWO_SIDED = "OneSidedFront", "TwoSidedHeadToHead"


@dataclass(frozen=True)
class Media:
    name: str
    width_pt: float
    height_pt: float
    weight_gsm: float
    preprinted: bool
    media_type: str = "Paper"
    colour: str = "White"


@dataclass(frozen=True)
class SheetRun:
    """Consecutive sheets on one medium, tray and sides; pages are 0-based
    indices into the print file, both ends included."""
    first_page: int
    last_page: int
    media: str
    tray: str
    duplex: bool

    @property
    def page_count(self) -> int:
        return self.last_page - self.first_page + 1

    @property
    def sheet_count(self) -> int:
        return self.page_count // 2 if self.duplex else self.page_count


def sheet_runs(stocks_per_sheet: Sequence[str] | np.ndarray,
               trays_per_sheet: Sequence[str] | np.ndarray,
               pages_per_sheet: Sequence[int] | np.ndarray,
               duplex_per_sheet: Sequence[bool] | np.ndarray) -> list[SheetRun]:
    """The file's sheets merged into runs wherever medium, tray or sides change.

    A duplex sheet must have two pages (blank backs included) and a simplex
    sheet one: the ticket's Sides applies to every page of a run, so one odd
    page would put every later page on the wrong side."""
    stocks = np.asarray(stocks_per_sheet, dtype=object)
    trays = np.asarray(trays_per_sheet, dtype=object)
    pages = np.asarray(pages_per_sheet, dtype=np.int64)
    duplex = np.asarray(duplex_per_sheet, dtype=bool)
    if not (len(stocks) == len(trays) == len(pages) == len(duplex)):
        raise ValueError(f"per-sheet lengths differ: {len(stocks)} stocks, {len(trays)} trays, "
                         f"{len(pages)} page counts, {len(duplex)} duplex flags")
    if len(stocks) == 0:
        return []
    wrong_sides = np.flatnonzero(pages != np.where(duplex, 2, 1))
    if len(wrong_sides):
        sheet = int(wrong_sides[0])
        raise ValueError(f"sheet {sheet} has {pages[sheet]} pages but is "
                         f"{'duplex' if duplex[sheet] else 'simplex'}")
    changed = np.empty(len(stocks), dtype=bool)
    changed[0] = True
    changed[1:] = (stocks[1:] != stocks[:-1]) | (trays[1:] != trays[:-1]) | (duplex[1:] != duplex[:-1])
    starts = np.flatnonzero(changed)
    ends = np.append(starts[1:], len(stocks)) - 1
    page_end = np.cumsum(pages)           # exclusive end of each sheet's pages
    page_start = page_end - pages
    return [SheetRun(int(page_start[s]), int(page_end[e] - 1), str(stocks[s]), str(trays[s]), bool(duplex[s]))
            for s, e in zip(starts, ends)]


def _number(value: float) -> str:
    """Points and grams without float noise: 595.2756 -> '595.276', 80.0 -> '80'."""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _media_ids(media: Sequence[Media]) -> dict[str, str]:
    """An XML ID per medium name, unique even where names differ only in
    characters an ID cannot hold."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for medium in media:
        base = "M_" + re.sub(r"[^A-Za-z0-9_.-]", "_", medium.name)
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        ids[medium.name] = candidate
        taken.add(candidate)
    return ids


def _check_runs_tile(runs: Sequence[SheetRun], pages: int) -> None:
    expected = 0
    for run in runs:
        if run.first_page != expected or run.last_page < run.first_page:
            raise ValueError(f"runs do not tile the pages: run {run.first_page}-{run.last_page} "
                             f"where page {expected} was expected next")
        if run.duplex and run.page_count % 2:
            raise ValueError(f"duplex run {run.first_page}-{run.last_page} has an odd page count")
        expected = run.last_page + 1
    if expected != pages:
        raise ValueError(f"runs cover {expected} pages, the file has {pages}")


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, attributes)


def write_jdf(path: Path | str, *, job_id: str, job_part: str, pdf_name: str,
              media: Sequence[Media], runs: Sequence[SheetRun], pages: int, pieces: int,
              description: str = "") -> None:
    """Write the ticket for one print file; ValueError if the runs do not
    tile pages 0..pages-1 or name a medium not in `media`."""
    _check_runs_tile(runs, pages)
    by_name = {medium.name: medium for medium in media}
    unknown = sorted({run.media for run in runs} - by_name.keys())
    if unknown:
        raise ValueError(f"runs use media not described: {', '.join(unknown)}")
    used_names = {run.media for run in runs}
    used = [medium for medium in media if medium.name in used_names]
    media_id = _media_ids(used)
    sheets = sum(run.sheet_count for run in runs)

    root = ET.Element("JDF", {
        "xmlns": JDF_NAMESPACE, "ID": f"J_{job_part}", "JobID": job_id, "JobPartID": job_part,
        "Type": "Combined",
        "Types": "LayoutPreparation Imposition Interpreting Rendering DigitalPrinting",
        "Status": "Waiting", "Version": "1.4",
    })
    if description:
        root.set("DescriptiveName", description)

    pool = _sub(root, "ResourcePool")
    for medium in used:
        _sub(pool, "Media", Class="Consumable", ID=media_id[medium.name], DescriptiveName=medium.name,
             Dimension=f"{_number(medium.width_pt)} {_number(medium.height_pt)}",
             Weight=_number(medium.weight_gsm), MediaType=medium.media_type,
             MediaColorName=medium.colour, PrePrinted="true" if medium.preprinted else "false",
             Status="Available")
    run_list = _sub(pool, "RunList", Class="Parameter", ID="RL_Doc", Status="Available", NPage=str(pages))
    _sub(_sub(run_list, "LayoutElement"), "FileSpec", URL=pdf_name, MimeType="application/pdf")

    layout = _sub(pool, "LayoutPreparationParams", Class="Parameter", ID="LPP", Status="Available",
                  PartIDKeys="RunIndex")
    printing = _sub(pool, "DigitalPrintingParams", Class="Parameter", ID="DPP", Status="Available",
                    PartIDKeys="RunIndex")
    for run in runs:
        run_index = f"{run.first_page} {run.last_page}"
        _sub(layout, "LayoutPreparationParams", RunIndex=run_index, Sides=TWO_SIDED if run.duplex else ONE_SIDED)
        partition = _sub(printing, "DigitalPrintingParams", RunIndex=run_index)
        _sub(partition, "GeneralID", IDUsage="InputTray", IDValue=run.tray)
        _sub(partition, "MediaRef", rRef=media_id[run.media])

    _sub(pool, "Component", Class="Quantity", ID="C_out", ComponentType="Sheet", Status="Unavailable",
         DescriptiveName=f"{pieces} pieces, {sheets} sheets, {pages} pages")

    links = _sub(root, "ResourceLinkPool")
    _sub(links, "RunListLink", rRef="RL_Doc", Usage="Input")
    for medium in used:
        _sub(links, "MediaLink", rRef=media_id[medium.name], Usage="Input")
    _sub(links, "LayoutPreparationParamsLink", rRef="LPP", Usage="Input")
    _sub(links, "DigitalPrintingParamsLink", rRef="DPP", Usage="Input")
    _sub(links, "ComponentLink", rRef="C_out", Usage="Output", Amount=str(sheets))

    tree = ET.ElementTree(root)
    ET.indent(tree, space="  ")
    with open(path, "wb") as out:
        tree.write(out, encoding="UTF-8", xml_declaration=True)
        out.write(b"\n")


def _run_index(element: ET.Element) -> tuple[int, int]:
    value = element.get("RunIndex", "")
    parts = value.split()
    if len(parts) != 2:
        raise ValueError(f"RunIndex {value!r} is not 'first last'")
    return int(parts[0]), int(parts[1])


def read_jdf_runs(path: Path | str) -> list[SheetRun]:
    """The runs a ticket describes, in page order: what the press will do,
    read back for the reconciliation. ValueError if it cannot be read."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise ValueError(f"{Path(path).name} is not XML: {error}") from None
    pool = root.find("jdf:ResourcePool", _NS)
    if pool is None:
        raise ValueError(f"{Path(path).name} has no ResourcePool")
    media_names = {m.get("ID"): m.get("DescriptiveName", m.get("ID", ""))
                   for m in pool.findall("jdf:Media", _NS)}
    sides = {_run_index(p): p.get("Sides")
             for p in pool.findall("jdf:LayoutPreparationParams/jdf:LayoutPreparationParams", _NS)}
    runs = []
    for partition in pool.findall("jdf:DigitalPrintingParams/jdf:DigitalPrintingParams", _NS):
        first, last = _run_index(partition)
        media_ref = partition.find("jdf:MediaRef", _NS)
        if media_ref is None or media_ref.get("rRef") not in media_names:
            raise ValueError(f"{Path(path).name}: run {first}-{last} has no known medium")
        tray = partition.find("jdf:GeneralID[@IDUsage='InputTray']", _NS)
        side = sides.get((first, last))
        if side not in (ONE_SIDED, TWO_SIDED):
            raise ValueError(f"{Path(path).name}: run {first}-{last} has no Sides")
        runs.append(SheetRun(first, last, media_names[media_ref.get("rRef")],
                             tray.get("IDValue", "") if tray is not None else "", side == TWO_SIDED))
    return sorted(runs, key=lambda run: (run.first_page, run.last_page))

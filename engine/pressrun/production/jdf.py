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
from xml.sax.saxutils import quoteattr

import numpy as np

from .arrays import ranks_in_runs

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


def _run_index(ranges: Sequence[SheetRun]) -> str:
    """A JDF IntegerRangeList: 'first ~ last' per run, space-separated."""
    return " ".join(f"{run.first_page} ~ {run.last_page}" for run in ranges)


def _attributes(**attributes: str) -> str:
    return "".join(f' {name}={quoteattr(str(value))}' for name, value in attributes.items())


def write_jdf(path: Path | str, *, job_id: str, job_part: str, pdf_name: str,
              media: Sequence[Media], runs: Sequence[SheetRun], pages: int, pieces: int,
              description: str = "", mime_type: str = "application/pdf") -> None:
    """Write the ticket for one print file; ValueError if the runs do not
    tile pages 0..pages-1 or name a medium not in `media`.

    One partition per medium and tray (DigitalPrintingParams) and per sides
    (LayoutPreparationParams), each with the list of page ranges it covers:
    a letterhead-then-plain job has thousands of runs but a few partitions."""
    _check_runs_tile(runs, pages)
    by_name = {medium.name: medium for medium in media}
    unknown = sorted({run.media for run in runs} - by_name.keys())
    if unknown:
        raise ValueError(f"runs use media not described: {', '.join(unknown)}")
    used_names = {run.media for run in runs}
    used = [medium for medium in media if medium.name in used_names]
    media_id = _media_ids(used)
    sheets = sum(run.sheet_count for run in runs)
    by_media: dict[tuple[str, str], list[SheetRun]] = {}
    by_sides: dict[bool, list[SheetRun]] = {}
    for run in runs:
        by_media.setdefault((run.media, run.tray), []).append(run)
        by_sides.setdefault(run.duplex, []).append(run)

    root = dict(xmlns=JDF_NAMESPACE, ID=f"J_{job_part}", JobID=job_id, JobPartID=job_part, Type="Combined",
                Types="LayoutPreparation Imposition Interpreting Rendering DigitalPrinting",
                Status="Waiting", Version="1.4")
    if description:
        root["DescriptiveName"] = description
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", f"<JDF{_attributes(**root)}>", "  <ResourcePool>"]
    for medium in used:
        lines.append(f"    <Media{_attributes(Class='Consumable', ID=media_id[medium.name], DescriptiveName=medium.name, Dimension=f'{_number(medium.width_pt)} {_number(medium.height_pt)}', Weight=_number(medium.weight_gsm), MediaType=medium.media_type, MediaColorName=medium.colour, PrePrinted='true' if medium.preprinted else 'false', Status='Available')} />")
    lines += [f"    <RunList{_attributes(Class='Parameter', ID='RL_Doc', Status='Available', NPage=pages)}>",
              "      <LayoutElement>",
              f"        <FileSpec{_attributes(URL=pdf_name, MimeType=mime_type)} />",
              "      </LayoutElement>", "    </RunList>",
              f"    <LayoutPreparationParams{_attributes(Class='Parameter', ID='LPP', Status='Available', PartIDKeys='RunIndex')}>"]
    for duplex in sorted(by_sides, reverse=True):
        lines.append(f"      <LayoutPreparationParams{_attributes(RunIndex=_run_index(by_sides[duplex]), Sides=TWO_SIDED if duplex else ONE_SIDED)} />")
    lines += ["    </LayoutPreparationParams>",
              f"    <DigitalPrintingParams{_attributes(Class='Parameter', ID='DPP', Status='Available', PartIDKeys='RunIndex')}>"]
    for (medium, tray), ranges in by_media.items():
        lines += [f"      <DigitalPrintingParams{_attributes(RunIndex=_run_index(ranges))}>",
                  f"        <GeneralID{_attributes(IDUsage='InputTray', IDValue=tray)} />",
                  f"        <MediaRef{_attributes(rRef=media_id[medium])} />",
                  "      </DigitalPrintingParams>"]
    lines += ["    </DigitalPrintingParams>",
              f"    <Component{_attributes(Class='Quantity', ID='C_out', ComponentType='Sheet', Status='Unavailable', DescriptiveName=f'{pieces} pieces, {sheets} sheets, {pages} pages')} />",
              "  </ResourcePool>", "  <ResourceLinkPool>",
              f"    <RunListLink{_attributes(rRef='RL_Doc', Usage='Input')} />"]
    for medium in used:
        lines.append(f"    <MediaLink{_attributes(rRef=media_id[medium.name], Usage='Input')} />")
    lines += [f"    <LayoutPreparationParamsLink{_attributes(rRef='LPP', Usage='Input')} />",
              f"    <DigitalPrintingParamsLink{_attributes(rRef='DPP', Usage='Input')} />",
              f"    <ComponentLink{_attributes(rRef='C_out', Usage='Output', Amount=sheets)} />",
              "  </ResourceLinkPool>", "</JDF>", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8", newline="\n")


_RANGE = re.compile(r"\s*(-?\d+)(?:\s*~\s*(-?\d+))?\s*")


def _ranges(element: ET.Element, name: str) -> np.ndarray:
    """A partition's RunIndex ('a ~ b' ranges or single pages, space-separated)
    as an (n, 2) array of first and last pages."""
    value = element.get("RunIndex", "")
    found = _RANGE.findall(value)
    if _RANGE.sub("", value):
        raise ValueError(f"{name}: RunIndex {value[:60]!r} is not a list of 'first ~ last' ranges")
    pairs = np.array([(int(a), int(b or a)) for a, b in found], dtype=np.int64).reshape(-1, 2)
    return pairs


def read_jdf_runs(path: Path | str) -> list[SheetRun]:
    """The runs a ticket describes, in page order: what the press will do,
    read back for the reconciliation. ValueError if it cannot be read, or if
    a page has no medium or no sides, or two."""
    name = Path(path).name
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise ValueError(f"{name} is not XML: {error}") from None
    pool = root.find("jdf:ResourcePool", _NS)
    run_list = pool.find("jdf:RunList", _NS) if pool is not None else None
    if pool is None or run_list is None:
        raise ValueError(f"{name} has no ResourcePool with a RunList")
    pages = int(run_list.get("NPage", "0"))
    media_names = {m.get("ID"): m.get("DescriptiveName", m.get("ID", ""))
                   for m in pool.findall("jdf:Media", _NS)}
    labels: list[tuple[str, str]] = []
    medium_ranges, side_ranges = [], []
    for partition in pool.findall("jdf:DigitalPrintingParams/jdf:DigitalPrintingParams", _NS):
        media_ref = partition.find("jdf:MediaRef", _NS)
        if media_ref is None or media_ref.get("rRef") not in media_names:
            raise ValueError(f"{name}: a DigitalPrintingParams partition has no known medium")
        tray = partition.find("jdf:GeneralID[@IDUsage='InputTray']", _NS)
        labels.append((media_names[media_ref.get("rRef")], tray.get("IDValue", "") if tray is not None else ""))
        medium_ranges.append((_ranges(partition, name), len(labels) - 1))
    for partition in pool.findall("jdf:LayoutPreparationParams/jdf:LayoutPreparationParams", _NS):
        side = partition.get("Sides")
        if side not in (ONE_SIDED, TWO_SIDED):
            raise ValueError(f"{name}: a LayoutPreparationParams partition has no Sides")
        side_ranges.append((_ranges(partition, name), int(side == TWO_SIDED)))
    medium = _per_page(medium_ranges, pages, "medium", name)
    sides = _per_page(side_ranges, pages, "Sides", name)
    change = np.flatnonzero((np.diff(medium) != 0) | (np.diff(sides) != 0)) + 1
    starts = np.concatenate([[0], change]).astype(np.int64) if pages else np.zeros(0, np.int64)
    ends = np.concatenate([change, [pages]]) - 1 if pages else np.zeros(0, np.int64)
    return [SheetRun(int(a), int(b), labels[medium[a]][0], labels[medium[a]][1], bool(sides[a]))
            for a, b in zip(starts.tolist(), ends.tolist())]


def _per_page(partitions: list[tuple[np.ndarray, int]], pages: int, what: str, name: str) -> np.ndarray:
    """The value of each page from (ranges, value) partitions; every page exactly once."""
    ranges = np.concatenate([r for r, _ in partitions]) if partitions else np.zeros((0, 2), np.int64)
    values = np.concatenate([np.full(len(r), v, np.int64) for r, v in partitions]) if partitions else \
        np.zeros(0, np.int64)
    outside = (ranges[:, 0] < 0) | (ranges[:, 1] < ranges[:, 0]) | (ranges[:, 1] >= pages)
    if outside.any():
        first, last = ranges[np.argmax(outside)]
        raise ValueError(f"{name}: run {first}-{last} lies outside pages 0-{pages - 1}")
    lengths = ranges[:, 1] - ranges[:, 0] + 1
    covered = np.repeat(ranges[:, 0], lengths) + ranks_in_runs(lengths)
    counts = np.bincount(covered, minlength=pages)
    if (counts > 1).any():
        raise ValueError(f"{name}: page {int(np.argmax(counts > 1))} is in two {what} partitions")
    if (counts == 0).any():
        raise ValueError(f"{name}: page {int(np.argmax(counts == 0))} has no {what}")
    per_page = np.empty(pages, np.int64)
    per_page[covered] = np.repeat(values, lengths)
    return per_page
